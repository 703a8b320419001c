/**
 * Conversations Users, UserConversations and ParticipantConversations over HTTP (the Worker's app, real
 * Durable Objects): a chat service's users by SID or identity, the conversations a participant is in
 * by identity or address with unread counts, bad input named, and another chat service's user or
 * conversation not found.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const V1 = "/conversations/v1";

async function call(method: string, path: string, form?: Record<string, string>) {
  const res = await app.request(
    `http://x${path}`,
    { method, headers: form ? FORM : AUTH, body: form ? new URLSearchParams(form).toString() : undefined },
    env,
  );
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { sid: string; message: string } };
}
async function ok(method: string, path: string, form?: Record<string, string>) {
  const res = await call(method, path, form);
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.body.message}`);
  return res.body;
}
const list = async <T>(path: string, key: string) => (await ok("GET", path))[key] as T[];

let service = "";
let otherService = "";

beforeAll(async () => {
  service = "IS" + (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "users" })).sid.slice(2);
  otherService = "IS" + (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "other" })).sid.slice(2);
}, 30_000);

describe("Users", () => {
  it("creates, fetches by SID and identity, updates, lists and deletes a chat service's user", async () => {
    const base = `${V1}/Services/${service}/Users`;
    const made = await ok("POST", base, { Identity: "ada@example.com", FriendlyName: "Ada", Attributes: '{"tier":"gold"}' });
    expect(made).toMatchObject({
      identity: "ada@example.com",
      friendly_name: "Ada",
      chat_service_sid: service,
      url: `http://x${base}/${made.sid}`,
      links: { user_conversations: `http://x${base}/${made.sid}/Conversations` },
    });
    expect((await ok("GET", `${base}/${encodeURIComponent("ada@example.com")}`)).sid).toBe(made.sid);
    expect(await ok("POST", `${base}/${made.sid}`, { FriendlyName: "Ada L." })).toMatchObject({
      friendly_name: "Ada L.",
      attributes: '{"tier":"gold"}',
    });
    expect((await list<{ sid: string }>(base, "users")).map((u) => u.sid)).toEqual([made.sid]);
    // Another chat service has no such user.
    expect((await call("GET", `${V1}/Services/${otherService}/Users/${made.sid}`)).status).toBe(404);
    expect((await call("DELETE", `${base}/${made.sid}`)).status).toBe(204);
    expect((await call("GET", `${base}/${made.sid}`)).status).toBe(404);
  });

  it.each([
    [{}, 400, /Missing required parameter Identity/],
    [{ Identity: "x", Attributes: "[]" }, 400, /Attributes/],
    [{ Identity: "x", RoleSid: "RL123" }, 400, /RoleSid/],
    [{ Identity: "x", Colour: "red" }, 400, /Colour/],
  ])("refuses %j with %i naming the problem", async (form, status, message) => {
    const res = await call("POST", `${V1}/Services/${service}/Users`, form as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.body.message).toMatch(message);
  });

  it("answers 409 for an identity the service already has, and keeps the first user", async () => {
    const base = `${V1}/Services/${service}/Users`;
    const first = await ok("POST", base, { Identity: "dup", FriendlyName: "first" });
    const again = await call("POST", base, { Identity: "dup", FriendlyName: "second" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(50201);
    expect(await ok("GET", `${base}/dup`)).toMatchObject({ sid: first.sid, friendly_name: "first" });
  });
});

describe("ParticipantConversations and UserConversations", () => {
  it("lists a participant's conversations by identity and by address, and a user's with unread counts", async () => {
    const conversations = `${V1}/Services/${service}/Conversations`;
    const one = await ok("POST", conversations, { FriendlyName: "one" });
    const two = await ok("POST", conversations, { FriendlyName: "two", UniqueName: `two-${crypto.randomUUID()}` });
    const bo = await ok("POST", `${conversations}/${one.sid}/Participants`, { Identity: "bo" });
    await ok("POST", `${conversations}/${two.sid}/Participants`, { Identity: "bo" });
    await ok("POST", `${conversations}/${two.sid}/Participants`, {
      "MessagingBinding.Address": "+15550007777",
      "MessagingBinding.ProxyAddress": "+15550008888",
    });
    for (const body of ["a", "b", "c"]) await ok("POST", `${conversations}/${one.sid}/Messages`, { Author: "zed", Body: body });
    await ok("POST", `${conversations}/${one.sid}/Participants/bo`, { LastReadMessageIndex: "0" });
    const user = await ok("POST", `${V1}/Services/${service}/Users`, { Identity: "bo" });

    const byIdentity = await list<Record<string, unknown>>(
      `${V1}/Services/${service}/ParticipantConversations?Identity=bo`,
      "conversations",
    );
    // Oldest first; two conversations made in the same millisecond follow their SIDs, so compare as sets.
    expect(byIdentity.map((c) => c.conversation_sid).sort()).toEqual([one.sid, two.sid].sort());
    expect(byIdentity.find((c) => c.conversation_sid === one.sid)).toMatchObject({
      participant_sid: bo.sid,
      participant_identity: "bo",
      participant_user_sid: user.sid,
      participant_messaging_binding: null,
      conversation_friendly_name: "one",
      conversation_state: "active",
      chat_service_sid: service,
      links: {
        participant: `http://x${conversations}/${one.sid}/Participants/${bo.sid}`,
        conversation: `http://x${conversations}/${one.sid}`,
      },
    });
    const byAddress = await list<Record<string, unknown>>(
      `${V1}/Services/${service}/ParticipantConversations?Address=${encodeURIComponent("+15550007777")}`,
      "conversations",
    );
    expect(byAddress.map((c) => [c.conversation_sid, c.participant_user_sid])).toEqual([[two.sid, null]]);
    // The other chat service knows nobody.
    expect(await list(`${V1}/Services/${otherService}/ParticipantConversations?Identity=bo`, "conversations")).toEqual([]);

    const mine = await list<Record<string, unknown>>(`${V1}/Services/${service}/Users/${user.sid}/Conversations`, "conversations");
    // Three messages, the first read: two unread in "one"; none yet in "two".
    expect(mine.map((c) => [c.conversation_sid, c.unread_messages_count, c.last_read_message_index]).sort()).toEqual(
      [
        [one.sid, 2, 0],
        [two.sid, 0, null],
      ].sort(),
    );
    const read = await ok("POST", `${V1}/Services/${service}/Users/bo/Conversations/${one.sid}`, { LastReadMessageIndex: "2" });
    expect(read).toMatchObject({ unread_messages_count: 0, last_read_message_index: 2, user_sid: user.sid });
    expect((await call("DELETE", `${V1}/Services/${service}/Users/bo/Conversations/${two.unique_name as string}`)).status).toBe(204);
    expect(
      (await list<{ conversation_sid: string }>(`${V1}/Services/${service}/Users/bo/Conversations`, "conversations")).map(
        (c) => c.conversation_sid,
      ),
    ).toEqual([one.sid]);
    expect((await call("GET", `${V1}/Services/${service}/Users/bo/Conversations/${two.sid}`)).status).toBe(404);
  });

  it.each([
    ["", /Missing required parameter Identity \(or Address\)/],
    ["?Identity=a&Address=b", /either Identity or Address/],
    ["?Identity=", /Identity/],
  ])("ParticipantConversations%s is a 400 naming the parameter", async (query, message) => {
    const res = await call("GET", `${V1}/Services/${service}/ParticipantConversations${query}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it("a user of another chat service, or a conversation of another service, is not found", async () => {
    const elsewhere = await ok("POST", `${V1}/Services/${otherService}/Conversations`, { FriendlyName: "elsewhere" });
    await ok("POST", `${V1}/Services/${otherService}/Conversations/${elsewhere.sid}/Participants`, { Identity: "cy" });
    await ok("POST", `${V1}/Services/${service}/Users`, { Identity: "cy" });
    expect((await call("GET", `${V1}/Services/${service}/Users/cy/Conversations/${elsewhere.sid}`)).status).toBe(404);
    expect((await call("GET", `${V1}/Services/${otherService}/Users/cy/Conversations`)).status).toBe(404);
  });
});
