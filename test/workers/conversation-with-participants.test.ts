/**
 * POST /conversations/v1/ConversationWithParticipants (and its chat service twin) over HTTP: the
 * conversation and every `Participant` (JSON: an identity, or a messaging binding) made together, or —
 * for a bad participant, a duplicate or a unique name already taken — nothing at all.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const V1 = "/conversations/v1";

async function call(method: string, path: string, form?: [string, string][]) {
  const headers = form ? { ...AUTH, "content-type": "application/x-www-form-urlencoded" } : AUTH;
  const res = await app.request(`http://x${path}`, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined }, env);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { sid: string; message: string } };
}

let service = "";
const conversationsOf = async () =>
  (
    (await call("GET", `${V1}/Services/${service}/Conversations?PageSize=100`)).body.conversations as {
      sid: string;
      friendly_name: string;
    }[]
  ).map((c) => c.friendly_name);

beforeAll(async () => {
  const ws = await call("POST", "/taskrouter/v1/Workspaces", [["FriendlyName", "with-participants"]]);
  service = "IS" + ws.body.sid.slice(2);
}, 30_000);

describe("ConversationWithParticipants", () => {
  it("creates the conversation with a chat and an SMS participant in one call", async () => {
    const res = await call("POST", `${V1}/Services/${service}/ConversationWithParticipants`, [
      ["FriendlyName", "Order 7"],
      ["Attributes", '{"order":7}'],
      ["Participant", JSON.stringify({ identity: "ada", attributes: '{"role":"lead"}' })],
      ["Participant", JSON.stringify({ messaging_binding: { address: "+15550001234", proxy_address: "+15559990000" } })],
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ friendly_name: "Order 7", attributes: '{"order":7}', chat_service_sid: service, state: "active" });
    expect(res.body.url).toBe(`http://x${V1}/Services/${service}/Conversations/${res.body.sid}`);
    const participants = (await call("GET", `${V1}/Services/${service}/Conversations/${res.body.sid}/Participants`)).body.participants as {
      identity: string | null;
      attributes: string;
      messaging_binding: { address: string; proxy_address: string } | null;
    }[];
    // Added in the same instant, so listed in SID order: find each by what it is.
    const chat = participants.find((p) => p.identity === "ada");
    const sms = participants.find((p) => p.messaging_binding?.address === "+15550001234");
    expect(participants).toHaveLength(2);
    expect(chat!.attributes).toBe('{"role":"lead"}');
    expect(sms).toMatchObject({ identity: null, messaging_binding: { proxy_address: "+15559990000" } });
  });

  it.each([
    [[["Participant", "not json"]], /Participant/],
    [[["Participant", "[1]"]], /Participant/],
    [[["Participant", "{}"]], /Participant.*identity or messaging_binding/],
    [[["Participant", JSON.stringify({ identity: "x", messaging_binding: { address: "+1555", proxy_address: "+1666" } })]], /not both/],
    [[["Participant", JSON.stringify({ messaging_binding: { address: "+15550001234" } })]], /proxy_address/],
    [[["Participant", JSON.stringify({ identity: "x", colour: "red" })]], /colour/],
    [
      [
        ["Participant", JSON.stringify({ identity: "x" })],
        ["Participant", JSON.stringify({ identity: "x" })],
      ],
      /x.*twice|twice.*x/,
    ],
    [[["Participant", JSON.stringify({ identity: "x", attributes: "[1]" })]], /attributes/],
  ])("refuses %j with a 400 naming the participant, and creates nothing", async (participants, message) => {
    const name = `refused-${crypto.randomUUID()}`;
    const res = await call("POST", `${V1}/Services/${service}/ConversationWithParticipants`, [
      ["FriendlyName", name],
      ...(participants as [string, string][]),
    ]);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await conversationsOf()).not.toContain(name);
  });

  it("a unique name already taken is a 409, and no participant is left anywhere", async () => {
    const uniqueName = `taken-${crypto.randomUUID()}`;
    expect(
      (
        await call("POST", `${V1}/Services/${service}/Conversations`, [
          ["UniqueName", uniqueName],
          ["FriendlyName", "first"],
        ])
      ).status,
    ).toBe(201);
    const res = await call("POST", `${V1}/Services/${service}/ConversationWithParticipants`, [
      ["UniqueName", uniqueName],
      ["FriendlyName", "second"],
      ["Participant", JSON.stringify({ identity: "lonely" })],
    ]);
    expect(res.status).toBe(409);
    expect(await conversationsOf()).not.toContain("second");
    const lonely = await call("GET", `${V1}/Services/${service}/ParticipantConversations?Identity=lonely`);
    expect(lonely.body.conversations).toEqual([]);
  });
});
