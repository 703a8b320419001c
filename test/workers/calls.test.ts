/**
 * Calls through the Worker and the real ConversationDO and Router in workerd (issue 15): the widget's
 * start and hang-up, the agent's escalation and hold, and LiveKit's signed webhooks (signed as LiveKit
 * signs them: livekit-server-sdk's AccessToken with the body's sha256, checked by its WebhookReceiver).
 * LiveKit's server cannot run inside workerd, so its Twirp API is played by `fetch` (livekit-double.ts,
 * checking what LiveKit checks); the compat suite (test/compat/calls-flow.test.ts) runs the flow against
 * a real one.
 */
import { env } from "cloudflare:workers";
import { AccessToken, TokenVerifier } from "livekit-server-sdk";
import { install, LIVEKIT, livekit, reset, uninstall } from "./livekit-double";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { conversationFor } from "../../platform/objects";
import { regionOfSid } from "../../platform/region-sids";
import { eventually } from "./conversation-helpers";
import { conversationTaskEvent, fetchApp, must, newChannel, newWorkspace, widget } from "./webchat-helpers";

const BASIC = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };

beforeAll(install);
afterEach(reset);
afterAll(uninstall);

let ws = "";
let chat: ReturnType<typeof widget>;
let ann = { sid: "", name: "Ann" };
let annToken = "";

const api = async (method: string, path: string, headers: Record<string, string>, params?: Record<string, string>) => {
  const init: RequestInit = { method, headers: { ...headers, ...(params ? { "content-type": "application/x-www-form-urlencoded" } : {}) } };
  if (params) init.body = new URLSearchParams(params).toString();
  const res = await fetchApp(path, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const basic = async (method: string, path: string, params?: Record<string, string>) => {
  const res = await api(method, path, BASIC, params);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const task = (taskSid: string) => basic("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`);
const callOf = async (conversationSid: string) => must(conversationFor(env, conversationSid).getCall(env.ACCOUNT_SID!));

beforeAll(async () => {
  ws = await newWorkspace("calls");
  chat = widget(ws, await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" }));
  ann = { sid: (await basic("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: "Ann" })).sid as string, name: "Ann" };
  annToken = (await basic("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: ann.sid })).token as string;
}, 30_000);

/** A new visitor who starts a call (no conversation before it). */
async function visitorCalls(kind = "voice") {
  const session = await chat.session({ name: "Casey" });
  const res = await chat.post("/call", { Kind: kind }, session.token);
  return { session, res, token: (res.body.token as string | undefined) ?? session.token };
}

/** A LiveKit webhook for `room`, signed as LiveKit signs it (a JWT by `key` carrying the body's sha256). */
async function webhook(body: Record<string, unknown>, key = LIVEKIT.LIVEKIT_API_KEY, secret = LIVEKIT.LIVEKIT_API_SECRET, tamper = false) {
  const text = JSON.stringify(body);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const token = new AccessToken(key, secret, { ttl: "5m" });
  token.sha256 = btoa(String.fromCharCode(...hash));
  const jwt = await token.toJwt();
  const res = await fetchApp("/webhooks/livekit", {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: jwt },
    body: tamper ? text.replace("participant_joined", "participant_left") : text,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
let eventId = 0;
const joinedEvent = (room: string, identity: string, role: string, sid = `PA_${identity}`) => ({
  event: "participant_joined",
  id: `EV_${++eventId}`,
  createdAt: String(Math.floor(Date.now() / 1000)),
  room: { sid: "RM_calls", name: room },
  participant: { sid, identity, name: identity, attributes: { "switchboard.role": role } },
});
/** Left on purpose (hung up): LiveKit's disconnect reason CLIENT_INITIATED. */
const leftEvent = (room: string, identity: string, role: string) => {
  const joined = joinedEvent(room, identity, role);
  return { ...joined, event: "participant_left", participant: { ...joined.participant, disconnectReason: "CLIENT_INITIATED" } };
};

describe("POST /api/webchat/{ws}/{channel}/call", () => {
  it("opens a conversation for a new visitor, makes the room first, then a task on the voice channel; answers the call and the customer's token", async () => {
    const { session, res } = await visitorCalls();
    expect(res.status).toBe(201);
    const call = res.body.call as Record<string, unknown>;
    const room = call.room as string;
    expect(call).toMatchObject({ kind: "voice", state: "waiting", started_by: "customer", conversation_sid: room, parties: [] });
    expect(String(call.sid)).toMatch(/^CA[0-9a-f]{32}$/);
    // Minted in the conversation's region, as its other SIDs.
    expect(regionOfSid(call.sid as string)).toBe(regionOfSid(room));
    expect(res.body.media).toMatchObject({ room, identity: session.visitor_id, url: LIVEKIT.LIVEKIT_URL });
    const claims = await new TokenVerifier(LIVEKIT.LIVEKIT_API_KEY, LIVEKIT.LIVEKIT_API_SECRET).verify(
      (res.body.media as { token: string }).token,
    );
    // The customer publishes data: a keypad's tones are LiveKit DTMF packets (issue 16).
    expect(claims.video).toMatchObject({ room, roomJoin: true, canPublishData: true });
    expect(livekit.calls[0]).toMatchObject({ method: "CreateRoom", body: { name: room, emptyTimeout: 600, departureTimeout: 20 } });
    const made = await task(call.task_sid as string);
    expect(made).toMatchObject({ task_channel_unique_name: "voice", assignment_status: "pending" });
    expect(JSON.parse(made.attributes as string)).toMatchObject({
      conversationSid: room,
      call_sid: call.sid,
      callKind: "voice",
      direction: "inbound",
      from: session.visitor_id,
      name: "Casey",
    });
    // One task: the call's (the message that opened the conversation made no chat task).
    const tasks = await basic("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks?PageSize=50`);
    expect((tasks.tasks as { attributes: string }[]).filter((t) => JSON.parse(t.attributes).conversationSid === room)).toHaveLength(1);
  });

  it("refuses a bad Kind (400 naming it) and a second call while one is live (409 naming it), changing nothing", async () => {
    const { res, token } = await visitorCalls();
    const bad = await chat.post("/call", { Kind: "fax" }, token);
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toContain("Kind");
    const again = await chat.post("/call", { Kind: "video" }, token);
    expect(again.status).toBe(409);
    expect(String(again.body.message)).toContain((res.body.call as { sid: string }).sid);
    expect(await callOf((res.body.call as { room: string }).room)).toMatchObject({ kind: "voice", state: "waiting" });
  });

  it("refuses without a visitor session (401)", async () => {
    const res = await chat.post("/call", { Kind: "voice" });
    expect(res.status).toBe(401);
  });

  it("LiveKit unreachable: 503 naming LiveKit and the region, no task made, the call recorded failed, the chat routed as usual", async () => {
    livekit.down = true;
    const { res, token } = await visitorCalls();
    expect(res.status).toBe(503);
    expect(String(res.body.message)).toMatch(/LiveKit in region [a-z-]+ could not be reached/);
    // The visitor's conversation exists (their "call" message) and its chat has a task on the chat channel.
    const sent = await chat.post("/messages", { client_id: "after", body: "still there?" }, token);
    expect(sent.status).toBe(201);
    const room = sent.body.conversation_sid as string;
    expect(await callOf(room)).toMatchObject({ state: "ended", end_reason: "failed", failure: expect.stringContaining("LiveKit") });
    const conversation = await must(conversationFor(env, room).getConversation(env.ACCOUNT_SID!));
    expect((await task(conversation.task_sid!)).task_channel_unique_name).toBe("chat");
  });
});

describe("hanging up from the widget", () => {
  it("while queued: the call is abandoned and its task canceled with the reason, counted as canceled", async () => {
    const { res, token } = await visitorCalls();
    const call = res.body.call as { sid: string; task_sid: string; room: string };
    const hung = await chat.post("/call/hangup", {}, token);
    expect(hung.status).toBe(200);
    expect(hung.body).toMatchObject({ sid: call.sid, state: "ended", end_reason: "abandoned" });
    expect(livekit.calls.map((c) => c.method)).toContain("DeleteRoom");
    const canceled = await task(call.task_sid);
    expect(canceled).toMatchObject({ assignment_status: "canceled" });
    expect(String(canceled.reason)).toContain("abandoned");
    const again = await chat.post("/call/hangup", {}, token);
    expect(again.status).toBe(409);
  });

  it("LiveKit failing on hang-up: 502 naming LiveKit, the call still live", async () => {
    const { res, token } = await visitorCalls();
    livekit.refuse = true;
    const hung = await chat.post("/call/hangup", {}, token);
    expect(hung.status).toBe(502);
    expect(String(hung.body.message)).toContain("LiveKit in region");
    expect(await callOf((res.body.call as { room: string }).room)).toMatchObject({ state: "waiting" });
  });
});

describe("POST /webhooks/livekit", () => {
  it("a signed participant_joined puts the customer in the call's parties; the agent joining connects it; twice changes nothing", async () => {
    const { res, session } = await visitorCalls();
    const room = (res.body.call as { room: string }).room;
    const joined = joinedEvent(room, session.visitor_id, "customer");
    expect((await webhook(joined)).body).toEqual({ applied: true });
    expect((await webhook(joined)).body).toEqual({ applied: false });
    expect((await callOf(room))!.parties).toEqual([
      expect.objectContaining({ identity: session.visitor_id, role: "customer", name: session.visitor_id }),
    ]);
    await conversationTaskEvent(ws, room, "reservation.accepted", ann);
    await webhook(joinedEvent(room, ann.sid, "agent"));
    expect(await callOf(room)).toMatchObject({ state: "connected" });
  });

  it.each([
    ["no Authorization", "none", 401],
    ["a key configured nowhere", "unknown-key", 401],
    ["the right key with the wrong secret", "wrong-secret", 401],
    ["a body that is not the one signed", "tampered", 401],
  ] as const)("refuses %s (401) and changes nothing", async (_name, how, status) => {
    const { res, session } = await visitorCalls();
    const room = (res.body.call as { room: string }).room;
    const body = joinedEvent(room, session.visitor_id, "customer");
    let answer: { status: number; body: Record<string, unknown> };
    if (how === "none") {
      const raw = await fetchApp("/webhooks/livekit", { method: "POST", body: JSON.stringify(body) });
      answer = { status: raw.status, body: (await raw.json()) as Record<string, unknown> };
    } else if (how === "unknown-key") answer = await webhook(body, "APIother", LIVEKIT.LIVEKIT_API_SECRET);
    else if (how === "wrong-secret") answer = await webhook(body, LIVEKIT.LIVEKIT_API_KEY, "another-secret-of-32-characters-x");
    else answer = await webhook(body, undefined, undefined, true);
    expect(answer.status).toBe(status);
    expect(String(answer.body.message)).toContain("LiveKit webhook refused");
    expect((await callOf(room))!.parties).toEqual([]);
  });

  it("ignores a room that is no conversation (200), and refuses a body over its limit (413)", async () => {
    const ignored = await webhook({ event: "room_started", id: "EV_x", room: { name: "lobby", sid: "RM_x" } });
    expect(ignored).toEqual({ status: 200, body: { ignored: true, reason: "not a call's room" } });
    const big = await webhook({ event: "room_started", id: "EV_big", room: { name: "lobby", sid: "RM_x", metadata: "x".repeat(70_000) } });
    expect(big.status).toBe(413);
  });

  it("the customer leaving while queued (LiveKit: on purpose) abandons the call once the grace runs out, and cancels its task", async () => {
    const { res, session } = await visitorCalls();
    const call = res.body.call as { room: string; task_sid: string };
    await webhook(joinedEvent(call.room, session.visitor_id, "customer"));
    await webhook(leftEvent(call.room, session.visitor_id, "customer"));
    // A page unloading says CLIENT_INITIATED too: the place in the queue is kept for the grace.
    expect(await callOf(call.room)).toMatchObject({ state: "waiting", parties: [] });
    const stub = conversationFor(env, call.room);
    for (let i = 0; i < 3 && (await callOf(call.room))!.state === "waiting"; i++) await runDurableObjectAlarm(stub);
    expect(await callOf(call.room)).toMatchObject({ state: "ended", end_reason: "abandoned" });
    expect(await task(call.task_sid)).toMatchObject({ assignment_status: "canceled" });
  });
});

describe("a waiting customer who dropped out (not hung up)", () => {
  it("is given a grace to come back; the alarm abandons the call once it runs out", async () => {
    const { res, session } = await visitorCalls();
    const call = res.body.call as { room: string; task_sid: string };
    await webhook(joinedEvent(call.room, session.visitor_id, "customer"));
    await webhook({ ...joinedEvent(call.room, session.visitor_id, "customer"), event: "participant_left" }); // no reason: dropped
    expect(await callOf(call.room)).toMatchObject({ state: "waiting", parties: [] });
    // The alarm at the grace's end (its timer the earliest, or after the earlier ones ran).
    const stub = conversationFor(env, call.room);
    for (let i = 0; i < 3 && (await callOf(call.room))!.state === "waiting"; i++) await runDurableObjectAlarm(stub);
    expect(await callOf(call.room)).toMatchObject({ state: "ended", end_reason: "abandoned" });
    expect(await task(call.task_sid)).toMatchObject({ assignment_status: "canceled" });
  });
});

describe("the agent's call routes", () => {
  /** A visitor's call an agent accepted and both joined. */
  async function connectedCall() {
    const { res, session } = await visitorCalls();
    const room = (res.body.call as { room: string }).room;
    await conversationTaskEvent(ws, room, "reservation.accepted", ann);
    await webhook(joinedEvent(room, session.visitor_id, "customer"));
    await webhook(joinedEvent(room, ann.sid, "agent"));
    livekit.participants = [
      { identity: session.visitor_id, attributes: { "switchboard.role": "customer" }, tracks: [{ sid: "TR_customer" }] },
      { identity: ann.sid, attributes: { "switchboard.role": "agent" }, tracks: [{ sid: "TR_agent" }] },
    ];
    return { room, session, taskSid: (res.body.call as { task_sid: string }).task_sid };
  }
  const bearer = { authorization: "" };
  beforeAll(() => {
    bearer.authorization = `Bearer ${annToken}`;
  });

  it("hold: LiveKit stops each side's subscription to the other's tracks; resume starts them again", async () => {
    const { room } = await connectedCall();
    const held = await api("POST", `/api/conversations/${room}/call/hold`, bearer, { Hold: "true" });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ state: "held" });
    const subscriptions = livekit.calls.filter((c) => c.method === "UpdateSubscriptions").map((c) => c.body);
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ room, identity: ann.sid, trackSids: ["TR_customer"] }),
        expect.objectContaining({ room, trackSids: ["TR_agent"] }),
      ]),
    );
    expect(subscriptions.every((s) => !s.subscribe)).toBe(true);
    const resumed = await api("POST", `/api/conversations/${room}/call/hold`, bearer, { Hold: "false" });
    expect(resumed.body).toMatchObject({ state: "connected" });
  });

  it("a reload mid-call keeps it: the new session's joining before the old one's leaving, the alarm at the grace's end ends nothing", async () => {
    const { room, session } = await connectedCall();
    const stub = conversationFor(env, room);
    // The reloaded page's session (PA_reloaded) reported first, then the old one leaving "on purpose" (the page unloading).
    await webhook(joinedEvent(room, session.visitor_id, "customer", "PA_reloaded"));
    await webhook(leftEvent(room, session.visitor_id, "customer"));
    // The agent's desk reloads too: its old session leaves first, its new one joins after.
    await webhook({ ...joinedEvent(room, ann.sid, "agent"), event: "participant_left" });
    await webhook(joinedEvent(room, ann.sid, "agent", "PA_ann_again"));
    for (let i = 0; i < 3; i++) await runDurableObjectAlarm(stub);
    expect(await callOf(room)).toMatchObject({ state: "connected", end_reason: null });
    expect((await callOf(room))!.parties.map((p) => p.identity).sort()).toEqual([ann.sid, session.visitor_id].sort());
  });

  it("a party who dropped out of a connected call and is not back: the alarm ends it completed once the grace runs out", async () => {
    const { room, session } = await connectedCall();
    await webhook({ ...joinedEvent(room, session.visitor_id, "customer"), event: "participant_left" }); // dropped, no reason
    expect(await callOf(room)).toMatchObject({ state: "connected" }); // within the grace: it goes on
    const stub = conversationFor(env, room);
    for (let i = 0; i < 3 && (await callOf(room))!.state !== "ended"; i++) await runDurableObjectAlarm(stub);
    expect(await callOf(room)).toMatchObject({ state: "ended", end_reason: "completed" });
    // Its room is closed on LiveKit, as a hang-up closes it.
    await eventually("the room closed on LiveKit", async () =>
      livekit.calls.some((c) => c.method === "DeleteRoom" && c.body.room === room) ? true : undefined,
    );
  });

  it("hold refused: a bad Hold (400), LiveKit down (503, the call as it was)", async () => {
    const { room } = await connectedCall();
    expect((await api("POST", `/api/conversations/${room}/call/hold`, bearer, { Hold: "maybe" })).status).toBe(400);
    livekit.down = true;
    const down = await api("POST", `/api/conversations/${room}/call/hold`, bearer, { Hold: "true" });
    expect(down.status).toBe(503);
    expect(String(down.body.message)).toContain("LiveKit in region");
    expect(await callOf(room)).toMatchObject({ state: "connected" });
  });

  it("the agent hangs up a connected call: completed, the reservation the Router gave them to wrapping", async () => {
    // A workspace of its own, so its one agent gets this call's task (FIFO) and accepts it over REST.
    const own = await newWorkspace("answered");
    const line = widget(own, await newChannel(own, { Kind: "webchat", "Settings.allowed_origins": "*" }));
    const activities = (await basic("GET", `/taskrouter/v1/Workspaces/${own}/Activities`)).activities as {
      sid: string;
      available: boolean;
    }[];
    const cy = (await basic("POST", `/taskrouter/v1/Workspaces/${own}/Workers`, { FriendlyName: "Cy" })).sid as string;
    await basic("POST", `/taskrouter/v1/Workspaces/${own}/Workers/${cy}`, { ActivitySid: activities.find((a) => a.available)!.sid });
    const cyToken = (await basic("POST", "/api/tokens", { WorkspaceSid: own, Role: "worker", WorkerSid: cy })).token as string;
    const session = await line.session({ name: "Eve" });
    const started = await line.post("/call", { Kind: "voice" }, session.token);
    const { room, task_sid: taskSid } = started.body.call as { room: string; task_sid: string };
    // The queue has accepted nothing yet: no estimate.
    expect((started.body.call as { estimated_wait_seconds: unknown }).estimated_wait_seconds).toBeNull();
    const reservations = (await basic("GET", `/taskrouter/v1/Workspaces/${own}/Tasks/${taskSid}/Reservations`)).reservations as {
      sid: string;
    }[];
    expect(reservations).toHaveLength(1);
    await basic("POST", `/taskrouter/v1/Workspaces/${own}/Tasks/${taskSid}/Reservations/${reservations[0]!.sid}`, {
      ReservationStatus: "accepted",
    });
    await conversationTaskEvent(own, room, "reservation.accepted", { sid: cy, name: "Cy" }); // as the queue consumer hands it over
    await webhook(joinedEvent(room, session.visitor_id, "customer"));
    await webhook(joinedEvent(room, cy, "agent"));
    const hung = await api("POST", `/api/conversations/${room}/call/hangup`, { authorization: `Bearer ${cyToken}` });
    expect(hung.status).toBe(200);
    expect(hung.body).toMatchObject({ state: "ended", end_reason: "completed" });
    expect(await basic("GET", `/taskrouter/v1/Workspaces/${own}/Tasks/${taskSid}`)).toMatchObject({ assignment_status: "wrapping" });
    // The next caller waits in a queue that has accepted a call: the estimate is its mean time in queue (whole seconds).
    const next = await line.post("/call", { Kind: "voice" }, (await line.session({ name: "Fay" })).token);
    expect(next.body.call).toMatchObject({ state: "waiting", estimated_wait_seconds: expect.any(Number) });
  });

  it("escalates the agent's chat to a video call on the same task; answers the agent's token; refuses others", async () => {
    const session = await chat.session({ name: "Dana" });
    const sent = await chat.post("/messages", { client_id: "m1", body: "can you show me?" }, session.token);
    const room = sent.body.conversation_sid as string;
    await conversationTaskEvent(ws, room, "reservation.accepted", ann);
    const chatTask = (await must(conversationFor(env, room).getConversation(env.ACCOUNT_SID!))).task_sid;
    const bob = (await basic("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: "Bob" })).sid as string;
    const bobToken = (await basic("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: bob })).token as string;
    const refused = await api("POST", `/api/conversations/${room}/call`, { authorization: `Bearer ${bobToken}` }, { Kind: "video" });
    expect(refused.status).toBe(403);
    const other = await newWorkspace("elsewhere");
    const stranger = (await basic("POST", `/taskrouter/v1/Workspaces/${other}/Workers`, { FriendlyName: "S" })).sid as string;
    const strangerToken = (await basic("POST", "/api/tokens", { WorkspaceSid: other, Role: "worker", WorkerSid: stranger }))
      .token as string;
    expect(
      (await api("POST", `/api/conversations/${room}/call`, { authorization: `Bearer ${strangerToken}` }, { Kind: "video" })).status,
    ).toBe(404);
    expect((await api("POST", `/api/conversations/${room}/call`, bearer, { Kind: "fax" })).status).toBe(400);

    const started = await api("POST", `/api/conversations/${room}/call`, bearer, { Kind: "video" });
    expect(started.status).toBe(201);
    expect(started.body.call).toMatchObject({ kind: "video", started_by: "agent", state: "waiting", task_sid: chatTask });
    expect(started.body.media).toMatchObject({ room, identity: ann.sid });
    // The chat goes on after the call: hanging up leaves the task with the agent.
    await api("POST", `/api/conversations/${room}/call/hangup`, bearer);
    expect(await task(chatTask!)).toMatchObject({ assignment_status: "pending" });
  });
});

describe("a webhook signed by another region's LiveKit key", () => {
  it("is refused for a room of this region (401), so one region's server cannot move another's calls", async () => {
    const { res, session } = await visitorCalls();
    const room = (res.body.call as { room: string }).room;
    const roomRegion = regionOfSid(room)!;
    // A second region with its own LiveKit server: its key is one Switchboard knows, just not the room's.
    const other = ["us-west", "us-east"].find((id) => id !== roomRegion)!;
    const suffix = other.toUpperCase().replace(/[^A-Z0-9]/g, "_");
    const named = env as unknown as Record<string, string | undefined>;
    named[`LIVEKIT_API_KEY_${suffix}`] = "APIelsewhere";
    named[`LIVEKIT_API_SECRET_${suffix}`] = "elsewhere-secret-of-32-characters";
    try {
      const answer = await webhook(joinedEvent(room, session.visitor_id, "customer"), "APIelsewhere", "elsewhere-secret-of-32-characters");
      expect(answer.status).toBe(401);
      expect(String(answer.body.message)).toContain(`is in region ${roomRegion}`);
      expect((await callOf(room))!.parties).toEqual([]);
      // The room's own region's key still speaks for it.
      expect((await webhook(joinedEvent(room, session.visitor_id, "customer"))).status).toBe(200);
    } finally {
      delete named[`LIVEKIT_API_KEY_${suffix}`];
      delete named[`LIVEKIT_API_SECRET_${suffix}`];
    }
  });
});
