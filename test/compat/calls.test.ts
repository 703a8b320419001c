/**
 * Calls against the real LiveKit server the suite runs beside `wrangler dev` (test/compat/server.ts):
 * the Worker's media-token routes mint tokens that server accepts, for the room named for the
 * conversation. LiveKit's own `RoomServiceClient` sees the room and who is in it with what they may do;
 * the server itself refuses a monitor's attempt to publish (and a customer's screen-share audio), and a
 * customer's token gets into its conversation's room only — rewritten to name another, LiveKit refuses it,
 * and as an API credential it may look at no room. Joining is LiveKit's signalling (test/support/livekit-signal.ts);
 * the media itself is test/e2e/calls.test.ts's.
 */
import { RoomServiceClient, TrackSource } from "livekit-server-sdk";
import { RequestResponse_Reason } from "@livekit/protocol";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { raw } from "./client";
import { joinSignal, SignalRefused, type SignalClient } from "../support/livekit-signal";

const off = inject("livekitOff");
const SHOP = "https://shop.example";
type Json = Record<string, unknown>;
type Minted = { url: string; token: string; room: string; identity: string; expires_at: string };

async function ok(method: string, path: string, body?: Record<string, string>): Promise<Json> {
  const res = await raw(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

/** A POST as a browser makes it: a Bearer token, and the page's origin for the widget's routes. */
async function post(path: string, token: string, json?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${inject("baseUrl")}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, origin: SHOP, ...(json ? { "content-type": "application/json" } : {}) },
    ...(json ? { body: JSON.stringify(json) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** The 200 of a media-token route, or a throw with its answer. */
async function minted(path: string, token: string): Promise<Minted> {
  const res = await post(path, token);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as unknown as Minted;
}

/** A JWT with its payload changed and its signature kept, as someone trying another room would make it. */
function rewritten(token: string, change: (claims: Json) => void): string {
  const [head, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Json;
  change(claims);
  return [head, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
}

describe.skipIf(off !== "")(`calls on the real LiveKit server${off ? ` — skipped: ${off}` : ""}`, () => {
  let rooms: RoomServiceClient;
  let conversation = ""; // the visitor's, with Ann as its agent
  let other = ""; // another conversation of the workspace: Ann's too, the visitor's not
  let visitor = { token: "", id: "" };
  let widgetBase = "";
  const tokens = { ann: "", supervisor: "" };
  const joined: SignalClient[] = [];
  const join = async (token: Minted) => {
    const client = await joinSignal(token.url, token.token);
    joined.push(client);
    return client;
  };

  beforeAll(async () => {
    rooms = new RoomServiceClient(inject("livekitUrl"), inject("livekitApiKey"), inject("livekitApiSecret"));
    const ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "calls", Template: "FIFO" })).sid as string;
    const ann = (await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: "Ann" })).sid as string;
    tokens.ann = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: ann })).token as string;
    tokens.supervisor = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "supervisor" })).token as string;
    const channel = (await ok("POST", `/api/workspaces/${ws}/channels`, { Kind: "webchat", "Settings.allowed_origins": SHOP }))
      .sid as string;
    widgetBase = `/api/webchat/${ws}/${channel}`;
    const session = await fetch(`${inject("baseUrl")}${widgetBase}/sessions`, {
      method: "POST",
      headers: { origin: SHOP, "content-type": "application/json" },
      body: JSON.stringify({ name: "Casey" }),
    });
    const started = (await session.json()) as { token: string; visitor_id: string };
    const sent = await post(`${widgetBase}/messages`, started.token, { client_id: "hello", body: "Can we talk?" });
    if (sent.status !== 201) throw new Error(`message: ${sent.status} ${JSON.stringify(sent.body)}`);
    visitor = { token: (sent.body.token as string | undefined) ?? started.token, id: started.visitor_id };
    conversation = sent.body.conversation_sid as string;
    const service = `/conversations/v1/Services/IS${ws.slice(2)}/Conversations`;
    await ok("POST", `${service}/${conversation}/Participants`, { Identity: ann });
    other = (await ok("POST", service, { FriendlyName: "another call" })).sid as string;
    await ok("POST", `${service}/${other}/Participants`, { Identity: ann });
  }, 60_000);

  afterAll(async () => {
    for (const client of joined) client.close();
    for (const room of [conversation, other]) if (room) await rooms?.deleteRoom(room).catch(() => {});
  });

  it("the Worker's tokens join the room named for the conversation, where RoomServiceClient sees each with their permissions", async () => {
    const agent = await minted(`/api/conversations/${conversation}/media-token`, tokens.ann);
    const customer = await minted(`${widgetBase}/media-token`, visitor.token);
    const monitor = await minted(`/api/conversations/${conversation}/media-token`, tokens.supervisor);
    expect(new Set([agent.url, customer.url, monitor.url])).toEqual(new Set([inject("livekitUrl")]));
    expect([agent.room, customer.room, monitor.room]).toEqual([conversation, conversation, conversation]);

    const agentJoin = await join(agent);
    expect(agentJoin.join.room?.name).toBe(conversation);
    expect(agentJoin.join.participant?.identity).toBe(agent.identity);
    await join(customer);
    const monitorJoin = await join(monitor);
    expect(monitorJoin.join.room?.name).toBe(conversation);

    expect((await rooms.listRooms([conversation])).map((room) => room.name)).toEqual([conversation]);
    const people = new Map((await rooms.listParticipants(conversation)).map((p) => [p.identity, p]));
    expect([...people.keys()].sort()).toEqual([agent.identity, customer.identity, monitor.identity].sort());
    expect(customer.identity).toBe(visitor.id);
    expect(people.get(customer.identity)?.name).toBe("Casey");
    expect(people.get(agent.identity)?.attributes).toEqual({ "switchboard.role": "agent" });
    expect(people.get(customer.identity)?.permission).toMatchObject({
      canPublish: true,
      canSubscribe: true,
      canPublishData: false,
      hidden: false,
    });
    expect(people.get(monitor.identity)?.permission).toMatchObject({
      canPublish: false,
      canSubscribe: true,
      canPublishData: false,
      hidden: true,
    });
    // The others are not told a monitor is there: what the agent was sent on joining names the customer at most.
    expect(agentJoin.join.otherParticipants.map((p) => p.identity)).not.toContain(monitor.identity);
  });

  it("the server refuses a monitor's attempt to publish, and a customer's screen-share audio; it takes the agent's microphone and the customer's camera", async () => {
    const monitor = await join(await minted(`/api/conversations/${conversation}/media-token`, tokens.supervisor));
    const refusedMonitor = await monitor.publish(TrackSource.MICROPHONE);
    expect("refused" in refusedMonitor && refusedMonitor.refused.reason).toBe(RequestResponse_Reason.NOT_ALLOWED);

    const agent = await join(await minted(`/api/conversations/${conversation}/media-token`, tokens.ann));
    expect("published" in (await agent.publish(TrackSource.MICROPHONE))).toBe(true);

    const customer = await join(await minted(`${widgetBase}/media-token`, visitor.token));
    expect("published" in (await customer.publish(TrackSource.CAMERA))).toBe(true);
    const screenAudio = await customer.publish(TrackSource.SCREEN_SHARE_AUDIO);
    expect("refused" in screenAudio && screenAudio.refused.reason).toBe(RequestResponse_Reason.NOT_ALLOWED);
  });

  it("a customer's token gets into their conversation's room only", async () => {
    const customer = await minted(`${widgetBase}/media-token`, visitor.token);
    // Rewritten to name Ann's other conversation, its signature no longer holds: LiveKit refuses the join.
    const elsewhere = rewritten(customer.token, (claims) => ((claims.video as Json).room = other));
    const attempt = await joinSignal(customer.url, elsewhere).then(
      () => null,
      (error: unknown) => error,
    );
    expect(attempt).toBeInstanceOf(SignalRefused);
    expect((attempt as SignalRefused).status).toBe(401);

    // As a credential for LiveKit's API, it may look at no room: not even its own.
    const twirp = await fetch(`${customer.url.replace(/^ws/, "http")}/twirp/livekit.RoomService/ListParticipants`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.token}`, "content-type": "application/json" },
      body: JSON.stringify({ room: other }),
    });
    expect(twirp.status).toBe(401);

    // And the Worker mints a visitor's token for their own conversation, never another's: it takes no room to name.
    const named = await post(`${widgetBase}/media-token`, visitor.token, { room: other });
    expect(named.status).toBe(400);
    expect(String(named.body.message)).toContain("room");
    expect(await rooms.listRooms([other])).toEqual([]);
  });
});
