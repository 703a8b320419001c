/**
 * A live call handed on, through the Worker and the real ConversationDO and Router in workerd (issue 15):
 * a visitor calls, Ann accepts and joins (LiveKit's signed webhooks, as its server sends them), then
 * - a cold transfer through the conversation's transfer route: Ann is taken out of the room (LiveKit's
 *   RemoveParticipant) and her task wraps up, the customer waits with a new task on the voice channel,
 *   Bob accepts and joins, connected again — every task's events kept;
 * - a warm transfer: consult → the customer held and apart from the agents, Bob's consult task names him
 *   on the call, complete → Ann out and wrapping, Bob's task the call's; cancel → the consult task
 *   canceled, the customer back;
 * - a conference's third party offered a task;
 * - and the refusals, which change nothing: someone else's call, a bad target, no consult, no live call.
 * LiveKit's room service is played by test/workers/livekit-double.ts.
 */
import { env } from "cloudflare:workers";
import { AccessToken } from "livekit-server-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CallRecord } from "../../contract/calls";
import { conversationFor } from "../../platform/objects";
import { eventually } from "./conversation-helpers";
import { install, LIVEKIT, livekit, reset, uninstall } from "./livekit-double";
import { fetchApp, must, newChannel, newWorkspace, widget } from "./webchat-helpers";

const BASIC = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
type Json = Record<string, unknown>;

const api = async (method: string, path: string, headers: Record<string, string>, params?: Record<string, string>) => {
  const init: RequestInit = { method, headers: { ...headers, ...(params ? { "content-type": "application/x-www-form-urlencoded" } : {}) } };
  if (params) init.body = new URLSearchParams(params).toString();
  const res = await fetchApp(path, init);
  return { status: res.status, body: (await res.json()) as Json };
};
const basic = async (method: string, path: string, params?: Record<string, string>) => {
  const res = await api(method, path, BASIC, params);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let ws = "";
let queue = "";
let available = "";
let offline = "";
let chat: ReturnType<typeof widget>;
const agents = { ann: { sid: "", token: "" }, bob: { sid: "", token: "" }, cy: { sid: "", token: "" } };

beforeAll(async () => {
  install();
  ws = await newWorkspace("handoffs");
  const base = `/taskrouter/v1/Workspaces/${ws}`;
  const activities = (await basic("GET", `${base}/Activities`)).activities as Json[];
  available = activities.find((a) => a.friendly_name === "Available")!.sid as string;
  offline = activities.find((a) => a.friendly_name === "Offline")!.sid as string;
  queue = ((await basic("GET", `${base}/TaskQueues`)).task_queues as Json[])[0]!.sid as string;
  chat = widget(ws, await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" }));
  for (const [name, agent] of Object.entries(agents)) {
    agent.sid = (await basic("POST", `${base}/Workers`, { FriendlyName: name })).sid as string;
    agent.token = (await basic("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: agent.sid })).token as string;
  }
}, 30_000);
afterEach(async () => {
  reset();
  // Each test starts from idle agents: every task still open ends, everyone goes offline.
  const base = `/taskrouter/v1/Workspaces/${ws}`;
  for (const status of ["assigned", "wrapping", "pending", "reserved"]) {
    const open = (await basic("GET", `${base}/Tasks?AssignmentStatus=${status}&PageSize=100`)).tasks as Json[];
    for (const t of open)
      await basic("POST", `${base}/Tasks/${t.sid}`, {
        AssignmentStatus: status === "assigned" || status === "wrapping" ? "completed" : "canceled",
      });
  }
  for (const agent of Object.values(agents)) await setActivity(agent.sid, offline);
});
afterAll(() => uninstall());

const setActivity = (workerSid: string, activity: string) =>
  basic("POST", `/taskrouter/v1/Workspaces/${ws}/Workers/${workerSid}`, { ActivitySid: activity });
const task = (taskSid: string) => basic("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`);
const callOf = async (room: string) => (await must(conversationFor(env, room).getCall(env.ACCOUNT_SID!)))!;

/** A LiveKit webhook, signed as LiveKit signs it (a JWT by the key carrying the body's sha256). */
let eventId = 0;
async function joined(room: string, identity: string, role: string, event = "participant_joined") {
  const text = JSON.stringify({
    event,
    id: `EV_xfer_${++eventId}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { sid: "RM_calls", name: room },
    participant: { sid: `PA_${identity}`, identity, name: identity, attributes: { "switchboard.role": role } },
  });
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const token = new AccessToken(LIVEKIT.LIVEKIT_API_KEY, LIVEKIT.LIVEKIT_API_SECRET, { ttl: "5m" });
  token.sha256 = btoa(String.fromCharCode(...hash));
  const res = await fetchApp("/webhooks/livekit", {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: await token.toJwt() },
    body: text,
  });
  if (res.status !== 200) throw new Error(`webhook: ${res.status} ${await res.text()}`);
}

/** The task's pending reservation, made by the Router for `workerSid`, accepted over REST. */
async function accept(taskSid: string, workerSid: string): Promise<void> {
  const reservation = await eventually(`a reservation of ${taskSid}`, async () => {
    const page = await basic("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}/Reservations?ReservationStatus=pending`);
    return (page.reservations as Json[])[0];
  });
  expect(reservation.worker_sid).toBe(workerSid);
  await basic("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}/Reservations/${reservation.sid}`, {
    ReservationStatus: "accepted",
  });
}

/** Waits for the call to be as `wanted` says (the Router's events reach the conversation in the background). */
const callUntil = (room: string, what: string, wanted: (call: CallRecord) => boolean) =>
  eventually(what, async () => {
    const call = await callOf(room);
    return wanted(call) ? call : undefined;
  });

/** A visitor calls; Ann (the only one available) accepts and joins: a connected call. */
async function annOnACall() {
  await setActivity(agents.ann.sid, available);
  const session = await chat.session({ name: "Casey" });
  const started = await chat.post("/call", { Kind: "voice" }, session.token);
  expect(started.status).toBe(201);
  const call = started.body.call as CallRecord;
  const customer = (started.body.media as { identity: string }).identity;
  await accept(call.task_sid!, agents.ann.sid);
  await eventually("Ann the conversation's agent", async () => {
    const conversation = await must(conversationFor(env, call.room).getConversation(env.ACCOUNT_SID!));
    return conversation.state === "active" ? conversation : undefined;
  });
  await joined(call.room, customer, "customer");
  await joined(call.room, agents.ann.sid, "agent");
  await callUntil(call.room, "connected", (c) => c.state === "connected");
  return { room: call.room, firstTask: call.task_sid!, customer };
}

const post = (path: string, token: string, params?: Record<string, string>) => api("POST", path, bearer(token), params);

describe("a cold transfer of a call (the conversation's transfer route)", () => {
  it("takes the agent out of the room and to wrap-up; the customer waits in the room for the new task's agent, who connects", async () => {
    const { room, firstTask, customer } = await annOnACall();
    await setActivity(agents.bob.sid, available);
    const res = await post(`/api/conversations/${room}/transfer`, agents.ann.token, { TargetType: "queue", TargetSid: queue });
    expect(res.status).toBe(200);
    const taskSid = res.body.taskSid as string;

    const waiting = await callOf(room);
    expect(waiting).toMatchObject({ state: "waiting", task_sid: taskSid, consult: null });
    await eventually("Ann removed from the room", async () =>
      livekit.calls.some((c) => c.method === "RemoveParticipant" && c.body.identity === agents.ann.sid) ? true : undefined,
    );
    // The customer is still in the room (LiveKit was asked to remove Ann only).
    expect(livekit.calls.filter((c) => c.method === "RemoveParticipant").map((c) => c.body.identity)).toEqual([agents.ann.sid]);
    expect((await task(firstTask)).assignment_status).toBe("wrapping");
    const next = await task(taskSid);
    expect(next.task_channel_unique_name).toBe("voice");
    expect(JSON.parse(next.attributes as string)).toMatchObject({
      conversationSid: room,
      callHandoff: "transfer",
      transferTargetType: "queue",
      transferTargetSid: queue,
      transferredFrom: agents.ann.sid,
    });

    await accept(taskSid, agents.bob.sid);
    await joined(room, agents.ann.sid, "agent", "participant_left");
    await joined(room, agents.bob.sid, "agent");
    const connected = await callUntil(room, "Bob connected", (c) => c.state === "connected");
    expect(connected.parties.map((p) => p.identity).sort()).toEqual([customer, agents.bob.sid].sort());
    // The first task's history is kept: created, accepted, wrap-up.
    const events = (await basic("GET", `/taskrouter/v1/Workspaces/${ws}/Events?TaskSid=${firstTask}&PageSize=50`)).events as Json[];
    expect(events.map((e) => e.event_type)).toEqual(expect.arrayContaining(["task.created", "reservation.accepted", "task.wrapup"]));
  });
});

describe("a warm transfer", () => {
  it("consults with the customer held, then completes: Ann out and wrapping, Bob has the call and the customer again", async () => {
    const { room, firstTask, customer } = await annOnACall();
    await setActivity(agents.bob.sid, available);
    const res = await post(`/api/conversations/${room}/call/consult`, agents.ann.token, {
      TargetType: "worker",
      TargetSid: agents.bob.sid,
    });
    expect(res.status).toBe(201);
    expect(res.body.call).toMatchObject({
      state: "held",
      consult: { target_type: "worker", target_sid: agents.bob.sid, worker_sid: null },
      task_sid: firstTask,
    });
    const consultTask = res.body.task_sid as string;
    expect(JSON.parse((await task(consultTask)).attributes as string)).toMatchObject({
      callHandoff: "consult",
      known_worker_sid: agents.bob.sid,
    });

    await accept(consultTask, agents.bob.sid);
    const consulting = await callUntil(room, "Bob named on the consult", (c) => c.consult?.worker_sid === agents.bob.sid);
    expect(consulting).toMatchObject({ state: "held", task_sid: firstTask });
    // The conversation's task is still Ann's: the consult is not the call's until it completes.
    expect((await must(conversationFor(env, room).getConversation(env.ACCOUNT_SID!))).task_sid).toBe(firstTask);
    await joined(room, agents.bob.sid, "agent");
    // Bob's microphone, published while the customer is held, is kept from them: LiveKit unsubscribes them again.
    livekit.participants = [
      { identity: customer, attributes: { "switchboard.role": "customer" }, tracks: [{ sid: "TR_casey" }] },
      { identity: agents.ann.sid, attributes: { "switchboard.role": "agent" }, tracks: [{ sid: "TR_ann" }] },
      { identity: agents.bob.sid, attributes: { "switchboard.role": "agent" }, tracks: [{ sid: "TR_bob" }] },
    ];
    await joined(room, agents.bob.sid, "agent", "track_published");
    const keptFromCustomer = { method: "UpdateSubscriptions", body: { room, identity: customer, trackSids: ["TR_ann", "TR_bob"] } }; // subscribe: false, proto3's default, is not sent
    // The conversation asks LiveKit in the background.
    await eventually("the customer kept from Bob's microphone", async () =>
      livekit.calls.some((c) => JSON.stringify(c) === JSON.stringify(keptFromCustomer)) ? true : undefined,
    );
    // The agents still hear each other: nobody unsubscribed Bob from Ann or Ann from Bob.
    const agentsApart = livekit.calls.filter(
      (c) =>
        c.method === "UpdateSubscriptions" && c.body.identity !== customer && (c.body.trackSids as string[]).some((t) => t !== "TR_casey"),
    );
    expect(agentsApart).toEqual([]);
    const completed = await post(`/api/conversations/${room}/call/consult/complete`, agents.ann.token);
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ state: "connected", consult: null, task_sid: consultTask });
    await eventually("Ann removed from the room", async () =>
      livekit.calls.some((c) => c.method === "RemoveParticipant" && c.body.identity === agents.ann.sid) ? true : undefined,
    );
    expect((await task(firstTask)).assignment_status).toBe("wrapping");
    expect((await must(conversationFor(env, room).getConversation(env.ACCOUNT_SID!))).task_sid).toBe(consultTask);
    await joined(room, agents.ann.sid, "agent", "participant_left");
    const after = await callOf(room);
    expect(after.parties.map((p) => p.identity).sort()).toEqual([customer, agents.bob.sid].sort());

    // Bob's now: Ann may no longer hand it on.
    const late = await post(`/api/conversations/${room}/call/consult/cancel`, agents.ann.token);
    expect(late.status).toBe(403);
  });

  it("cancels before anyone took the consult: its task canceled, the customer back with Ann", async () => {
    const { room, firstTask } = await annOnACall();
    const res = await post(`/api/conversations/${room}/call/consult`, agents.ann.token, { TargetType: "queue", TargetSid: queue });
    expect(res.status).toBe(201);
    const consultTask = res.body.task_sid as string;
    const early = await post(`/api/conversations/${room}/call/consult/complete`, agents.ann.token);
    expect(early.status).toBe(409);
    expect(String(early.body.message)).toContain("has no agent yet");

    const canceled = await post(`/api/conversations/${room}/call/consult/cancel`, agents.ann.token);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ state: "connected", consult: null, task_sid: firstTask });
    await eventually("the consult task canceled", async () =>
      (await task(consultTask)).assignment_status === "canceled" ? true : undefined,
    );
    expect((await task(firstTask)).assignment_status).toBe("assigned");
  });
});

describe("a conference", () => {
  it("offers the call to a third party as a task on the voice channel, the call unchanged", async () => {
    const { room, firstTask } = await annOnACall();
    const res = await post(`/api/conversations/${room}/call/participants`, agents.ann.token, {
      TargetType: "worker",
      TargetSid: agents.cy.sid,
    });
    expect(res.status).toBe(201);
    expect(res.body.call).toMatchObject({ state: "connected", consult: null, task_sid: firstTask });
    const third = await task(res.body.task_sid as string);
    expect(third.task_channel_unique_name).toBe("voice");
    expect(JSON.parse(third.attributes as string)).toMatchObject({ callHandoff: "conference", known_worker_sid: agents.cy.sid });
    // Hanging up ends the third party's task with the call.
    expect((await post(`/api/conversations/${room}/call/hangup`, agents.ann.token)).status).toBe(200);
    await eventually("the conference task canceled", async () =>
      (await task(res.body.task_sid as string)).assignment_status === "canceled" ? true : undefined,
    );
  });
});

describe("refusals change nothing", () => {
  it.each([
    // [what, route, who, params, status, message]
    ["someone else's call", "call/consult", "bob", { TargetType: "queue", TargetSid: "QUEUE" }, 403, "is not yours"],
    ["a worker SID as a queue", "call/consult", "ann", { TargetType: "queue", TargetSid: "WK" + "0".repeat(32) }, 400, "must be a WQ SID"],
    ["a bad TargetType", "call/participants", "ann", { TargetType: "team", TargetSid: "QUEUE" }, 400, "TargetType"],
    ["completing with no consult", "call/consult/complete", "ann", {}, 409, "no consult to complete"],
    ["canceling with no consult", "call/consult/cancel", "ann", {}, 409, "no consult to cancel"],
    ["consulting oneself", "call/consult", "ann", { TargetType: "worker", TargetSid: "ANN" }, 400, "the call's own agent"],
  ] as const)("refuses %s", async (_what, route, who, params, status, message) => {
    const { room } = await annOnACall();
    const before = await callOf(room);
    const filled = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, v === "QUEUE" ? queue : v === "ANN" ? agents.ann.sid : v]),
    ) as Record<string, string>;
    const res = await post(`/api/conversations/${room}/${route}`, agents[who].token, filled);
    expect(res.status).toBe(status);
    expect(String(res.body.message)).toContain(message);
    expect(await callOf(room)).toEqual(before);
  });

  it("refuses a consult on a conversation with no live call (409)", async () => {
    const { room } = await annOnACall();
    expect((await post(`/api/conversations/${room}/call/hangup`, agents.ann.token)).status).toBe(200);
    const res = await post(`/api/conversations/${room}/call/consult`, agents.ann.token, { TargetType: "queue", TargetSid: queue });
    expect(res.status).toBe(409);
    expect(String(res.body.message)).toContain("has no live call");
  });
});
