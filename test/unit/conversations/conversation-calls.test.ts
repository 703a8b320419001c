/**
 * A conversation's calls, the pure state machine (durable-objects/conversation/lifecycle/calls.ts) on
 * node:sqlite: starting (who may, a live call refused, the task plan), every transition LiveKit's
 * webhooks make — in order, twice, and out of order — hang-up and hold, and what each asks of the Router
 * (a task canceled as abandoned, or wrapped up) and of LiveKit (the room closed, hold music).
 */
import { describe, expect, it } from "vitest";
import type { ApiResult } from "../../../durable-objects/common/rpc";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { newOp, type Op } from "../../../durable-objects/conversation/lifecycle/conversation-operation";
import * as calls from "../../../durable-objects/conversation/lifecycle/calls";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import { onTaskEvent } from "../../../durable-objects/conversation/lifecycle/tasks";
import { conversationRow } from "../../../durable-objects/conversation/store/conversation-rows";
import { timerDueAt } from "../../../durable-objects/kit/timers";
import { ACCOUNT, OTHER_ACCOUNT, SID, context, inbound, migratedHost } from "./conversation-fixtures";

const VISITOR = "visitor-1";
const AGENT = "WK" + "7".repeat(32);
const CALL = "CA" + "1".repeat(32);
const CALL_TASK = "WT" + "c".repeat(32);
const CHAT_TASK = "WT" + "d".repeat(32);
const ROOM = "RM_one";

const value = <T>(result: ApiResult<T>): T => {
  if (!result.ok) throw new Error(`${result.status} ${result.message}`);
  return result.value;
};

/** Runs one step in a transaction at `now`, as the shell does; answers the result and the op (its effects). */
function step<T>(host: StoreHost, now: number, fn: (op: Op) => ApiResult<T>): { result: ApiResult<T>; op: Op } {
  const op = newOp(host, SID, now);
  const result = host.transactionSync(() => fn(op));
  return { result, op };
}

/** A web chat visitor's conversation; `forCall`: opened by their call (no chat task is made). */
function webConversation(forCall: boolean): StoreHost {
  const host = migratedHost();
  const message = inbound("m1", "hi", { channel: "web", customerAddress: VISITOR, ...(forCall ? { opensCall: "voice" as const } : {}) });
  const opened = step(host, 1_000, (op) => receive(op, ACCOUNT, context({ taskChannel: "chat" }), message));
  value(opened.result);
  expect(opened.op.effects.createTask).toBe(!forCall);
  return host;
}

const start = (host: StoreHost, now = 2_000, input: Partial<calls.StartCallInput> = {}) =>
  step(host, now, (op) => calls.beginCall(op, ACCOUNT, { callSid: CALL, kind: "voice", by: "customer", identity: VISITOR, ...input }));

/** A customer's call, started, its room made (session RM_one) and its task made. */
function startedCall(): StoreHost {
  const host = webConversation(true);
  const plan = value(start(host).result);
  expect(plan.task.kind).toBe("new");
  const version = value(step(host, 2_100, (op) => calls.roomMade(op, CALL, plan.version, ROOM)).result);
  if (plan.task.kind !== "new") throw new Error("unreachable");
  const { request, replaces } = plan.task;
  value(step(host, 2_200, (op) => calls.callTaskMade(op, CALL, version, CALL_TASK, request, replaces)).result);
  return host;
}

let eventCount = 0;
type Who = { sid: string; identity: string; role: string | null; name?: string; leftOnPurpose?: boolean };
const customer = (sid = "PA_c1"): Who => ({ sid, identity: VISITOR, role: "customer", name: "Ada" });
/** The customer's session hanging up on purpose (LiveKit's CLIENT_INITIATED). */
const hungUp = (sid = "PA_c1"): Who => ({ ...customer(sid), leftOnPurpose: true });
const agent = (sid = "PA_a1"): Who => ({ sid, identity: AGENT, role: "agent", name: "Ann" });
const monitor: Who = { sid: "PA_m1", identity: "monitor:US1", role: "monitor" };
const event = (kind: string, who: Who | null, id = `EV_${++eventCount}`, roomSid: string | null = ROOM): calls.MediaEvent => ({
  id,
  event: kind,
  roomSid,
  participant: who
    ? { sid: who.sid, identity: who.identity, name: who.name ?? null, role: who.role, leftOnPurpose: who.leftOnPurpose ?? false }
    : null,
  at: 3_000 + eventCount, // LiveKit's event time: later events, later times
});
const joined = (who: Who, id?: string) => event("participant_joined", who, id);
const left = (who: Who, id?: string) => event("participant_left", who, id);
const apply = (host: StoreHost, e: calls.MediaEvent, now = 3_000) => step(host, now, (op) => calls.onMediaEvent(op, ACCOUNT, e));
const current = (host: StoreHost) => calls.latestCallRecord(host, SID)!;

/** The Router's events for the call's task: an agent accepts it. */
const accepted = (host: StoreHost) =>
  value(
    step(host, 2_500, (op) =>
      onTaskEvent(op, ACCOUNT, {
        eventSid: "EV-accepted",
        eventType: "reservation.accepted",
        workspaceSid: "WS",
        taskSid: CALL_TASK,
        conversationSid: SID,
        workerSid: AGENT,
        workerName: "Ann",
        reservationSid: "WR" + "8".repeat(32),
        at: 2_500,
      }),
    ).result,
  );

describe("starting a call", () => {
  it("a customer's call waits, tells the sockets, and plans its own task on the call's channel", () => {
    const host = webConversation(true);
    const { result, op } = start(host);
    const plan = value(result);
    expect(plan.call).toMatchObject({
      sid: CALL,
      room: SID,
      kind: "voice",
      state: "waiting",
      started_by: "customer",
      task_sid: null,
      parties: [],
    });
    expect(op.effects.frames).toEqual([{ type: "call.updated", call: plan.call }]);
    if (plan.task.kind !== "new") throw new Error("expected a new task");
    expect(plan.task.request.taskChannel).toBe("voice");
    const attributes = JSON.parse(plan.task.request.attributes) as Record<string, unknown>;
    // Flex-like: the chat task's attributes (who the customer is), plus the call's.
    expect(attributes).toMatchObject({
      conversationSid: SID,
      call_sid: CALL,
      callKind: "voice",
      direction: "inbound",
      from: VISITOR,
      name: "Ada",
    });
    expect(plan.task.replaces).toBeNull();
  });

  it.each([
    ["a bad kind", { kind: "fax" }, 400, "Kind"],
    ["someone who is not the customer", { identity: "visitor-2" }, 403, "visitor-2"],
    ["an agent who is not in it", { by: "agent" as const, identity: AGENT }, 403, AGENT],
  ])("refuses %s, changing nothing", (_name, input, status, named) => {
    const host = webConversation(true);
    const { result, op } = start(host, 2_000, input);
    expect(result).toMatchObject({ ok: false, status });
    expect(!result.ok && result.message).toContain(named);
    expect(op.effects.frames).toEqual([]);
    expect(calls.latestCall(host)).toBeUndefined();
  });

  it("refuses a second call while one is live (409 naming it), and another account's (404)", () => {
    const host = webConversation(true);
    value(start(host).result);
    const again = start(host, 2_500, { callSid: "CA" + "2".repeat(32) }).result;
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(!again.ok && again.message).toContain(CALL);
    const other = step(host, 2_600, (op) =>
      calls.beginCall(op, OTHER_ACCOUNT, { callSid: "CA" + "3".repeat(32), kind: "voice", by: "customer", identity: VISITOR }),
    );
    expect(other.result).toMatchObject({ ok: false, status: 404 });
  });

  it("a chat still queued without an agent: its task is replaced by the call's (canceled once the call's exists)", () => {
    const host = webConversation(false);
    // The chat's task was made and waits in its queue.
    host.transactionSync(() => {
      host.sql.exec("UPDATE sb_conversation SET task_sid = ?, task_pending = 0", CHAT_TASK);
      host.sql.exec("INSERT INTO sb_tasks (task_sid, status, date_created) VALUES (?, 'pending', 1000)", CHAT_TASK);
    });
    const plan = value(start(host).result);
    if (plan.task.kind !== "new") throw new Error("expected a new task");
    expect(plan.task.replaces).toBe(CHAT_TASK);
    const version = value(step(host, 2_100, (op) => calls.roomMade(op, CALL, plan.version, ROOM)).result);
    const made = step(host, 2_200, (op) =>
      calls.callTaskMade(op, CALL, version, CALL_TASK, plan.task.kind === "new" ? plan.task.request : null!, CHAT_TASK),
    );
    expect(value(made.result).task_sid).toBe(CALL_TASK);
    expect(made.op.effects.cancelTasks).toEqual([{ taskSid: CHAT_TASK, reason: "replaced by the customer's call" }]);
    const row = conversationRow(host)!;
    expect(row.task_sid).toBe(CALL_TASK);
    expect(JSON.parse(row.task_request!)).toMatchObject({ taskChannel: "voice" });
  });

  it("a chat whose task is not made yet: it never will be (the call's task routes the conversation)", () => {
    const host = webConversation(false);
    expect(conversationRow(host)!.task_pending).toBe(1);
    value(start(host).result);
    expect(conversationRow(host)!.task_pending).toBe(0);
  });

  it("an agent escalating their chat: the call rides on their assigned task, which the call's end does not wrap up", () => {
    const host = webConversation(false);
    host.transactionSync(() => {
      host.sql.exec("UPDATE sb_conversation SET task_sid = ?, task_pending = 0", CHAT_TASK);
      host.sql.exec("INSERT INTO sb_tasks (task_sid, status, date_created) VALUES (?, 'pending', 1000)", CHAT_TASK);
    });
    value(
      step(host, 1_500, (op) =>
        onTaskEvent(op, ACCOUNT, {
          eventSid: "EV-chat",
          eventType: "reservation.accepted",
          workspaceSid: "WS",
          taskSid: CHAT_TASK,
          conversationSid: SID,
          workerSid: AGENT,
          workerName: "Ann",
          reservationSid: "WR" + "8".repeat(32),
          at: 1_500,
        }),
      ).result,
    );
    const plan = value(start(host, 2_000, { by: "agent", identity: AGENT, kind: "video" }).result);
    expect(plan.task).toEqual({ kind: "same", taskSid: CHAT_TASK });
    expect(plan.call).toMatchObject({ started_by: "agent", kind: "video", task_sid: CHAT_TASK });
    const made = step(host, 2_100, (op) => calls.roomMade(op, CALL, plan.version, ROOM));
    expect(made.op.effects.media).toEqual([]); // no hold music: the agent is there
    apply(host, joined(agent()));
    expect(apply(host, joined(customer())).op.effects.frames.at(-1)).toMatchObject({ call: { state: "connected" } });
    const seen = value(step(host, 4_000, (o) => calls.callToHangUp(o, ACCOUNT, AGENT, "agent")).result);
    const { op } = step(host, 4_000, (o) => calls.hangUp(o, seen.sid, seen.version));
    expect(current(host)).toMatchObject({ state: "ended", end_reason: "completed" });
    expect(op.effects.wrapTasks).toEqual([]);
    expect(op.effects.cancelTasks).toEqual([]);
  });
});

describe("LiveKit's webhooks", () => {
  // Each row: the events in the order they arrive → the call's state, its parties' identities, end reason.
  it.each([
    ["the customer joins: still waiting", [joined(customer())], "waiting", [VISITOR], null],
    ["customer then agent: connected", [joined(customer()), joined(agent())], "connected", [VISITOR, AGENT], null],
    ["agent then customer (any order): connected", [joined(agent()), joined(customer())], "connected", [AGENT, VISITOR], null],
    ["a hidden monitor is never a party", [joined(customer()), joined(monitor)], "waiting", [VISITOR], null],
    ["a participant without a role (not ours) changes nothing", [joined({ sid: "PA_x", identity: "x", role: null })], "waiting", [], null],
    [
      "the agent's leaving before their joining arrived: never a party",
      [joined(customer()), left(agent()), joined(agent())],
      "waiting",
      [VISITOR],
      null,
    ],
    [
      "the customer leaves on purpose while waiting (or its page unloads: LiveKit says the same): still waiting, for the grace",
      [joined(customer()), left(hungUp())],
      "waiting",
      [],
      null,
    ],
    ["the customer drops out while waiting: still waiting, for the grace", [joined(customer()), left(customer())], "waiting", [], null],
    [
      "the customer drops out once connected: it goes on (a rejoin may follow)",
      [joined(customer()), joined(agent()), left(customer())],
      "connected",
      [AGENT],
      null,
    ],
    [
      "connected, then the room finished (everyone left): completed",
      [joined(customer()), joined(agent()), event("room_finished", null)],
      "ended",
      [],
      "completed",
    ],
    [
      "a rejoin is a new session: the old one's leaving does not end it",
      [joined(customer()), joined(customer("PA_c2")), left(customer())],
      "waiting",
      [VISITOR],
      null,
    ],
    [
      "a session that never connected its media (aborted) is over, as if it dropped out",
      [joined(customer()), event("participant_connection_aborted", customer())],
      "waiting",
      [],
      null,
    ],
    ["the room finished: ended", [joined(customer()), event("room_finished", null)], "ended", [], "abandoned"],
    [
      "another room session's events are not this call's",
      [event("participant_joined", customer(), "EV_x", "RM_other")],
      "waiting",
      [],
      null,
    ],
  ])("%s", (_name, events, state, parties, reason) => {
    const host = startedCall();
    for (const e of events) value(apply(host, e).result);
    const call = current(host);
    expect([call.state, call.parties.map((p) => p.identity), call.end_reason]).toEqual([state, parties, reason]);
  });

  it("an event seen before changes nothing (and answers false)", () => {
    const host = startedCall();
    expect(value(apply(host, joined(customer(), "EV_same")).result)).toBe(true);
    const again = apply(host, left(customer(), "EV_same"));
    expect(value(again.result)).toBe(false);
    expect(again.op.effects.frames).toEqual([]);
    expect(current(host).parties).toHaveLength(1);
  });

  it("connected: the hold music stops, recording is asked to start, date_connected is set, and each change is a call.updated frame", () => {
    const host = startedCall();
    apply(host, joined(customer()));
    const { op } = apply(host, joined(agent()), 4_000);
    // The recording's start (call-recording.ts; the settings decide whether it records) comes with connecting.
    expect(op.effects.media).toEqual([
      { kind: "hold-music", on: false },
      { kind: "record", callSid: CALL, on: true },
    ]);
    expect(op.effects.frames).toEqual([
      { type: "call.updated", call: expect.objectContaining({ state: "connected", date_connected: "1970-01-01T00:00:04Z" }) },
    ]);
  });

  it("the customer abandons while queued: past the grace the call's task is canceled as abandoned and the room closed", () => {
    const host = startedCall();
    apply(host, joined(customer()));
    apply(host, left(hungUp()), 3_000);
    const { op } = step(host, 3_000 + calls.ABANDON_GRACE_MS, (o) => calls.abandonIfGone(o, CALL));
    expect(op.effects.cancelTasks).toEqual([{ taskSid: CALL_TASK, reason: calls.ABANDONED_REASON }]);
    expect(op.effects.media).toEqual(expect.arrayContaining([{ kind: "close-room" }, { kind: "hold-music", on: false }]));
  });

  it("the room finishing on a connected call: the agent's task goes to wrapping", () => {
    const host = startedCall();
    accepted(host);
    apply(host, joined(customer()));
    apply(host, joined(agent()));
    const { op } = apply(host, event("room_finished", null));
    expect(op.effects.wrapTasks).toEqual([CALL_TASK]);
    expect(op.effects.cancelTasks).toEqual([]);
  });

  it("a customer who dropped out while waiting: abandoned when the grace runs out, unless back in time", () => {
    const gone = startedCall();
    apply(gone, joined(customer()));
    apply(gone, left(customer()), 3_000);
    // The grace's timer is set (the shell's alarm runs abandonIfGone when it is due).
    expect(timerDueAt(gone, calls.ABANDON_TIMER, CALL)).toBe(3_000 + calls.ABANDON_GRACE_MS);
    const { op } = step(gone, 3_000 + calls.ABANDON_GRACE_MS, (o) => calls.abandonIfGone(o, CALL));
    expect(current(gone)).toMatchObject({ state: "ended", end_reason: "abandoned" });
    expect(op.effects.cancelTasks).toEqual([{ taskSid: CALL_TASK, reason: calls.ABANDONED_REASON }]);
    expect(timerDueAt(gone, calls.ABANDON_TIMER, CALL)).toBeNull();

    const back = startedCall();
    apply(back, joined(customer()));
    apply(back, left(customer()));
    apply(back, joined(customer("PA_c2"))); // reloaded: a new session
    expect(timerDueAt(back, calls.ABANDON_TIMER, CALL)).toBeNull();
    value(step(back, 3_000 + calls.ABANDON_GRACE_MS, (o) => calls.abandonIfGone(o, CALL)).result);
    expect(current(back)).toMatchObject({ state: "waiting", parties: [expect.objectContaining({ identity: VISITOR })] });
  });

  // A connected call someone dropped out of: each row, the events after connecting (the customer PA_c1 and
  // the agent PA_a1 in at 3 000) → whether the rejoin grace's timer runs, and the call once it is due.
  it.each([
    ["the customer reloads and is back (new session, any order)", [left(customer()), joined(customer("PA_c2"))], false, "connected", null],
    ["the customer's new session before the old one's leaving", [joined(customer("PA_c2")), left(customer())], false, "connected", null],
    ["the customer does not come back: completed", [left(customer())], true, "ended", "completed"],
    ["even when LiveKit says they left on purpose (a page unloading does)", [left(hungUp())], true, "ended", "completed"],
    ["the agent reloads and is back", [left(agent()), joined(agent("PA_a2"))], false, "connected", null],
    ["the agent does not come back: completed", [left(agent())], true, "ended", "completed"],
    ["a monitor coming and going is nobody's departure", [joined(monitor), left(monitor)], false, "connected", null],
  ])("connected, %s", (_name, events, timed, state, reason) => {
    const host = startedCall();
    accepted(host);
    apply(host, joined(customer()));
    apply(host, joined(agent()));
    for (const e of events) value(apply(host, e, 4_000).result);
    expect(timerDueAt(host, calls.ABANDON_TIMER, CALL)).toBe(timed ? 4_000 + calls.REJOIN_GRACE_MS : null);
    const due = step(host, 4_000 + calls.REJOIN_GRACE_MS, (o) => calls.abandonIfGone(o, CALL));
    expect([current(host).state, current(host).end_reason]).toEqual([state, reason]);
    // Ended past the grace: the agent's task goes to wrap-up and the room closes, as a hang-up does.
    expect(due.op.effects.wrapTasks).toEqual(reason ? [CALL_TASK] : []);
    if (reason) expect(due.op.effects.media).toContainEqual({ kind: "close-room" });
  });

  it("connected: the grace runs from the first departure, and a return within it stops it", () => {
    const host = startedCall();
    accepted(host);
    apply(host, joined(customer()));
    apply(host, joined(agent()));
    apply(host, left(customer()), 4_000);
    apply(host, left(agent()), 9_000); // a second departure does not push the end back
    expect(timerDueAt(host, calls.ABANDON_TIMER, CALL)).toBe(4_000 + calls.REJOIN_GRACE_MS);
    apply(host, joined(customer("PA_c2")), 10_000); // the customer is back; the agent still gone
    expect(timerDueAt(host, calls.ABANDON_TIMER, CALL)).toBe(4_000 + calls.REJOIN_GRACE_MS);
    apply(host, joined(agent("PA_a2")), 11_000); // both back: the grace is over
    expect(timerDueAt(host, calls.ABANDON_TIMER, CALL)).toBeNull();
    value(step(host, 4_000 + calls.REJOIN_GRACE_MS, (o) => calls.abandonIfGone(o, CALL)).result);
    expect(current(host)).toMatchObject({ state: "connected", end_reason: null });
  });

  it("held: the customer's dropping out has the same grace (and the hold does not count as gone)", () => {
    const host = startedCall();
    accepted(host);
    apply(host, joined(customer()));
    apply(host, joined(agent()));
    const toHold = value(step(host, 5_000, (op) => calls.callToHold(op, ACCOUNT, AGENT, true)).result);
    value(step(host, 5_000, (op) => calls.setHold(op, toHold.sid, toHold.version, true)).result);
    expect(timerDueAt(host, calls.ABANDON_TIMER, CALL)).toBeNull();
    apply(host, left(customer()), 6_000);
    value(step(host, 6_000 + calls.REJOIN_GRACE_MS, (o) => calls.abandonIfGone(o, CALL)).result);
    expect(current(host)).toMatchObject({ state: "ended", end_reason: "completed" });
  });

  it("events after the call ended change nothing", () => {
    const host = startedCall();
    apply(host, event("room_finished", null));
    const late = apply(host, joined(customer()));
    expect(value(late.result)).toBe(false);
    expect(current(host).state).toBe("ended");
  });
});

describe("hanging up and holding", () => {
  it("hang-up while waiting: abandoned, the task canceled; once more: 409 (no live call)", () => {
    const host = startedCall();
    const seen = value(step(host, 4_000, (op) => calls.callToHangUp(op, ACCOUNT, VISITOR, "customer")).result);
    const { result, op } = step(host, 4_100, (o) => calls.hangUp(o, seen.sid, seen.version));
    expect(value(result)).toMatchObject({ state: "ended", end_reason: "abandoned", date_ended: "1970-01-01T00:00:04Z" });
    expect(op.effects.cancelTasks).toEqual([{ taskSid: CALL_TASK, reason: calls.ABANDONED_REASON }]);
    expect(step(host, 4_200, (o) => calls.callToHangUp(o, ACCOUNT, VISITOR, "customer")).result).toMatchObject({ ok: false, status: 409 });
  });

  it("a hang-up whose call ended meanwhile answers the call as it ended, changing nothing more", () => {
    const host = startedCall();
    const seen = value(step(host, 4_000, (op) => calls.callToHangUp(op, ACCOUNT, VISITOR, "customer")).result);
    apply(host, event("room_finished", null));
    const { result, op } = step(host, 4_100, (o) => calls.hangUp(o, seen.sid, seen.version));
    expect(value(result).state).toBe("ended");
    expect(op.effects.frames).toEqual([]);
  });

  it("only the customer or an agent of the conversation hangs up (403)", () => {
    const host = startedCall();
    expect(step(host, 4_000, (op) => calls.callToHangUp(op, ACCOUNT, AGENT, "agent")).result).toMatchObject({ ok: false, status: 403 });
    expect(step(host, 4_000, (op) => calls.callToHangUp(op, ACCOUNT, "visitor-2", "customer")).result).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it("hold: refused while waiting (409), by a non-agent (403), with a bad Hold (400); held ⇄ connected once connected", () => {
    const host = startedCall();
    accepted(host);
    expect(step(host, 3_000, (op) => calls.callToHold(op, ACCOUNT, AGENT, true)).result).toMatchObject({ ok: false, status: 409 });
    apply(host, joined(customer()));
    apply(host, joined(agent()));
    expect(step(host, 3_000, (op) => calls.callToHold(op, ACCOUNT, VISITOR, true)).result).toMatchObject({ ok: false, status: 403 });
    expect(step(host, 3_000, (op) => calls.callToHold(op, ACCOUNT, AGENT, "yes")).result).toMatchObject({ ok: false, status: 400 });
    const toHold = value(step(host, 5_000, (op) => calls.callToHold(op, ACCOUNT, AGENT, true)).result);
    const held = step(host, 5_000, (op) => calls.setHold(op, toHold.sid, toHold.version, true));
    expect(value(held.result).state).toBe("held");
    expect(held.op.effects.media).toEqual([{ kind: "hold-music", on: true }]);
    // Stale: the version seen before the hold no longer holds.
    expect(step(host, 5_100, (op) => calls.setHold(op, toHold.sid, toHold.version, false)).result).toMatchObject({
      ok: false,
      status: 409,
    });
    const toResume = value(step(host, 6_000, (op) => calls.callToHold(op, ACCOUNT, AGENT, false)).result);
    expect(value(step(host, 6_000, (op) => calls.setHold(op, toResume.sid, toResume.version, false)).result).state).toBe("connected");
  });

  it("a hang-up whose call moved but is still live (the closing room's own webhooks first) still ends it", () => {
    const host = startedCall();
    accepted(host);
    apply(host, joined(customer()));
    apply(host, joined(agent()));
    const seen = value(step(host, 6_000, (op) => calls.callToHangUp(op, ACCOUNT, VISITOR, "customer")).result);
    // LiveKit closes the room for the hang-up; its participant_left arrives before closeRoom answers.
    apply(host, left(customer()), 6_050);
    expect(current(host).state).toBe("connected"); // the rejoin grace: live, one version on
    const { result, op } = step(host, 6_100, (o) => calls.hangUp(o, seen.sid, seen.version));
    expect(value(result)).toMatchObject({ state: "ended", end_reason: "completed" });
    expect(op.effects.wrapTasks).toEqual([CALL_TASK]);
  });

  it("a hang-up while held completes the call and wraps the agent's task", () => {
    const host = startedCall();
    accepted(host);
    apply(host, joined(customer()));
    apply(host, joined(agent()));
    const toHold = value(step(host, 5_000, (op) => calls.callToHold(op, ACCOUNT, AGENT, true)).result);
    value(step(host, 5_000, (op) => calls.setHold(op, toHold.sid, toHold.version, true)).result);
    const seen = value(step(host, 6_000, (op) => calls.callToHangUp(op, ACCOUNT, AGENT, "agent")).result);
    const { result, op } = step(host, 6_000, (o) => calls.hangUp(o, seen.sid, seen.version));
    expect(value(result)).toMatchObject({ state: "ended", end_reason: "completed" });
    expect(op.effects.wrapTasks).toEqual([CALL_TASK]);
  });
});

describe("failures", () => {
  it("a call LiveKit could not start ends failed with the reason, and the chat gets its task back", () => {
    const host = webConversation(true);
    value(start(host).result);
    const { result, op } = step(host, 2_100, (o) => calls.failCall(o, CALL, "LiveKit in region us-east could not be reached"));
    expect(value(result)).toMatchObject({
      state: "ended",
      end_reason: "failed",
      failure: "LiveKit in region us-east could not be reached",
    });
    expect(op.effects.createTask).toBe(true);
    expect(conversationRow(host)!.task_pending).toBe(1);
    expect(op.effects.media).not.toContainEqual({ kind: "close-room" });
  });

  it("a room made after the call was hung up is refused (409): the shell does not go on", () => {
    const host = webConversation(true);
    const plan = value(start(host).result);
    const seen = value(step(host, 2_050, (op) => calls.callToHangUp(op, ACCOUNT, VISITOR, "customer")).result);
    value(step(host, 2_060, (op) => calls.hangUp(op, seen.sid, seen.version)).result);
    expect(step(host, 2_100, (op) => calls.roomMade(op, CALL, plan.version, ROOM)).result).toMatchObject({ ok: false, status: 409 });
  });

  it("the agent wraps up the call's task while the call goes on: it ends completed, its room closed", () => {
    const host = startedCall();
    accepted(host);
    apply(host, joined(customer()));
    apply(host, joined(agent()));
    const { op } = step(host, 9_000, (o) =>
      onTaskEvent(o, ACCOUNT, {
        eventSid: "EV-wrapup",
        eventType: "task.wrapup",
        workspaceSid: "WS",
        taskSid: CALL_TASK,
        conversationSid: SID,
        workerSid: AGENT,
        workerName: "Ann",
        reservationSid: "WR" + "8".repeat(32),
        at: 9_000,
      }),
    );
    expect(current(host)).toMatchObject({ state: "ended", end_reason: "completed" });
    expect(op.effects.media).toContainEqual({ kind: "close-room" });
    expect(op.effects.wrapTasks).toEqual([]); // already wrapping: the Router said so
  });

  it("the call's task canceled by TaskRouter while it waited: the call ends failed", () => {
    const host = startedCall();
    value(
      step(host, 9_000, (op) =>
        onTaskEvent(op, ACCOUNT, {
          eventSid: "EV-canceled",
          eventType: "task.canceled",
          workspaceSid: "WS",
          taskSid: CALL_TASK,
          conversationSid: SID,
          workerSid: null,
          workerName: null,
          reservationSid: null,
          at: 9_000,
        }),
      ).result,
    );
    expect(current(host)).toMatchObject({ state: "ended", end_reason: "failed" });
  });
});
