/**
 * A conversation's calls (issue 15): the state machine of each, its record for the sockets, and what
 * LiveKit's webhooks do to it. Pure over the kit's host: the shell (call-actions.ts) does the I/O —
 * the room on LiveKit, the task through the Router — between these steps, and each step after an await
 * checks the call's `version` first, so a hang-up that came in meanwhile wins over a room just made.
 *
 *   waiting ──(an agent and the customer both in the room)──▶ connected ◀──(hold / resume)──▶ held
 *      │                                                         │                            │
 *      └─────────────── hang up, the customer leaves, the room finishes ──────────────────────┴──▶ ended
 *
 * End reasons: `completed` once an agent had been connected, `abandoned` before (a call with its own
 * task cancels it, reason "abandoned", which TaskRouter's statistics count as canceled), `failed` when it
 * could not start (LiveKit unreachable, no task). A call ended with an agent on its own task sends that
 * task to wrapping, as Twilio does when a voice call ends; a chat escalated to a call keeps its chat's task,
 * which goes on after the call.
 *
 * The customer leaving while the call waits abandons it (hung up: at once; dropped: after a grace, in
 * case they are back — a reload rejoins as a new session); once connected, the call ends by a hang-up,
 * when its room finishes (everyone left; LiveKit's departure timeout), or when the customer or its last
 * agent left and did not come back within the rejoin grace (a reload, a lost network: the same timer).
 *
 * Who is in the room comes only from LiveKit's signed webhooks, one row per participant session (`PA_…`):
 * a session that left never returns (a rejoin is a new session), so any order of joined/left gives the
 * same parties, and an event ID seen before changes nothing. Hidden monitors are never parties.
 */
import type { CallEndReason, CallKind, CallParty, CallRecord, CallState, MediaRole } from "../../../contract/calls";
import { CALL_KINDS, MEDIA_ROLES } from "../../../contract/calls";
import { iso } from "../../../contract/taskrouter";
import { fail, invalid, ok, type ApiResult } from "../../common/rpc";
import { first, rows, run, type StoreHost } from "../../kit/sql-host";
import { conversationRow, participantBy, participantRows, saveConversation, type TaskRequest } from "../store/conversation-rows";
import { conflict, loadConversation, type Op } from "./conversation-operation";
import { clearTimer, setTimer, timerDueAt } from "../../kit/timers";
import { tellFlowCallEnded } from "./flows";

/** Twilio's word for a call the customer hung up on while it was queued: the task's cancel reason. */
export const ABANDONED_REASON = "abandoned: the customer hung up before an agent answered";

export interface CallRow {
  sid: string;
  kind: CallKind;
  state: CallState;
  started_by: "customer" | "agent";
  /** Who started it: the visitor's identity or the agent's worker SID. */
  starter: string;
  task_sid: string | null;
  /** 1: the task is the call's own (a customer's call), wrapped or canceled with it; 0: its chat's. */
  own_task: number;
  /** The LiveKit room session (`RM_…`) the call lives in, once made: webhooks of another session are not its. */
  room_sid: string | null;
  estimated_wait: number | null;
  recording: "off" | "on" | "paused";
  consult: string | null;
  date_created: number;
  date_connected: number | null;
  date_ended: number | null;
  end_reason: CallEndReason | null;
  failure: string | null;
  /** The Studio flow execution (`FN…`) answering the call (a customer's call on a channel with a flow), else null. */
  execution_sid: string | null;
  /** While a flow answers it: the call's own task to make when the flow hands it on (JSON {@link FlowCallTask}). */
  flow_task: string | null;
  version: number;
}

/** The task a call answered by a flow is to get when the flow hands it on, kept from its start's plan. */
export interface FlowCallTask {
  readonly request: TaskRequest;
  /** The queued chat task it replaces, canceled once the call's task exists. */
  readonly replaces: string | null;
}

interface PresenceRow {
  participant_sid: string;
  identity: string;
  role: MediaRole;
  name: string | null;
  joined_at: number;
}

const CALL_COLUMNS =
  "sid, kind, state, started_by, starter, task_sid, own_task, room_sid, estimated_wait, recording, consult, date_created, date_connected, date_ended, end_reason, failure, execution_sid, flow_task, version";

export const callRow = (host: StoreHost, sid: string): CallRow | undefined =>
  first<CallRow>(host, `SELECT ${CALL_COLUMNS} FROM sb_calls WHERE sid = ?`, sid);

/** The conversation's latest call, live or ended. */
export const latestCall = (host: StoreHost): CallRow | undefined =>
  first<CallRow>(host, `SELECT ${CALL_COLUMNS} FROM sb_calls ORDER BY date_created DESC, rowid DESC LIMIT 1`);

/** The call going on now, if any (at most one: a start while one is live is refused). */
export function liveCall(host: StoreHost): CallRow | undefined {
  const call = latestCall(host);
  return call && call.state !== "ended" ? call : undefined;
}

function saveCall(host: StoreHost, call: CallRow): CallRow {
  const saved = { ...call, version: call.version + 1 };
  run(
    host,
    `INSERT INTO sb_calls (${CALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET state = excluded.state, task_sid = excluded.task_sid, own_task = excluded.own_task,
       room_sid = excluded.room_sid, estimated_wait = excluded.estimated_wait, recording = excluded.recording,
       consult = excluded.consult, date_connected = excluded.date_connected, date_ended = excluded.date_ended,
       end_reason = excluded.end_reason, failure = excluded.failure, execution_sid = excluded.execution_sid,
       flow_task = excluded.flow_task, version = excluded.version`,
    saved.sid,
    saved.kind,
    saved.state,
    saved.started_by,
    saved.starter,
    saved.task_sid,
    saved.own_task,
    saved.room_sid,
    saved.estimated_wait,
    saved.recording,
    saved.consult,
    saved.date_created,
    saved.date_connected,
    saved.date_ended,
    saved.end_reason,
    saved.failure,
    saved.execution_sid,
    saved.flow_task,
    saved.version,
  );
  return saved;
}

const present = (host: StoreHost, callSid: string): PresenceRow[] =>
  rows<PresenceRow>(
    host,
    "SELECT participant_sid, identity, role, name, joined_at FROM sb_call_presence WHERE call_sid = ? AND left_at IS NULL ORDER BY joined_at, participant_sid",
    callSid,
  );

/** Who is in the room: one entry per identity (two tabs of one agent are one party), monitors and the hold music never. */
function parties(host: StoreHost, callSid: string): CallParty[] {
  const seen = new Map<string, CallParty>();
  for (const p of present(host, callSid)) {
    // A hidden monitor is no party; nor is the media service playing hold music or speaking a flow's prompts.
    if (p.role === "monitor" || p.role === "hold" || p.role === "voice" || seen.has(p.identity)) continue;
    seen.set(p.identity, { identity: p.identity, role: p.role, name: p.name, joined_at: iso(p.joined_at) });
  }
  return [...seen.values()];
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The call as the sockets and the API show it. */
export function callRecord(host: StoreHost, conversationSid: string, call: CallRow): CallRecord {
  return {
    sid: call.sid,
    conversation_sid: conversationSid,
    room: conversationSid,
    kind: call.kind,
    state: call.state,
    started_by: call.started_by,
    task_sid: call.task_sid,
    execution_sid: call.execution_sid,
    parties: parties(host, call.sid),
    estimated_wait_seconds: call.state === "waiting" ? call.estimated_wait : null,
    recording: call.recording,
    consult: call.consult === null ? null : (JSON.parse(call.consult) as CallRecord["consult"]),
    date_created: iso(call.date_created),
    date_connected: isoOrNull(call.date_connected),
    date_ended: isoOrNull(call.date_ended),
    end_reason: call.end_reason,
    failure: call.failure,
  };
}

/** Saves the call and tells every socket. */
export function changed(op: Op, call: CallRow): CallRow {
  const saved = saveCall(op.host, call);
  op.effects.frames.push({ type: "call.updated", call: callRecord(op.host, op.sid, saved) });
  return saved;
}

/** The latest call's record, or null (the snapshot's `call`). */
export function latestCallRecord(host: StoreHost, conversationSid: string): CallRecord | null {
  const call = latestCall(host);
  return call ? callRecord(host, conversationSid, call) : null;
}

// ── starting ─────────────────────────────────────────────────────────────────────────────────────────

export interface StartCallInput {
  /** Minted by the shell (`CA…`, naming the conversation's region). */
  readonly callSid: string;
  readonly kind: unknown;
  readonly by: "customer" | "agent";
  /** The customer's chat identity (their visitor ID) or the agent's worker SID. */
  readonly identity: string;
}

/**
 * What the shell does next: make the room, then the task — the chat's own (`same`: an agent has the
 * conversation, the call rides on their task) or a new one on the call's channel (`new`), which
 * replaces a chat task still waiting for an agent (`replaces`, canceled once the call's task exists).
 */
export interface CallPlan {
  readonly call: CallRecord;
  readonly version: number;
  readonly task:
    | { readonly kind: "same"; readonly taskSid: string }
    | { readonly kind: "new"; readonly request: TaskRequest; readonly replaces: string | null };
}

export const isCallKind = (kind: unknown): kind is CallKind => typeof kind === "string" && (CALL_KINDS as readonly string[]).includes(kind);

/** The conversation's task while an agent has it (assigned), or null. */
function assignedTask(op: Op): string | null {
  const row = first<{ task_sid: string }>(
    op.host,
    "SELECT t.task_sid FROM sb_tasks t JOIN sb_conversation c ON c.task_sid = t.task_sid WHERE t.status = 'assigned'",
  );
  return row?.task_sid ?? null;
}

/** The conversation's chat task while it waits for an agent (made, not yet assigned), or null. */
function queuedTask(op: Op): string | null {
  const row = first<{ task_sid: string }>(
    op.host,
    "SELECT t.task_sid FROM sb_tasks t JOIN sb_conversation c ON c.task_sid = t.task_sid WHERE t.status = 'pending'",
  );
  return row?.task_sid ?? null;
}

/**
 * Records a new call (`waiting`) and answers what to do next. Refused: a bad kind (400), a closed
 * conversation or one with a live call (409), someone who is not its customer or one of its agents (403).
 */
export function beginCall(op: Op, accountSid: string, input: StartCallInput): ApiResult<CallPlan> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  const conversation = loaded.value;
  if (!isCallKind(input.kind)) return invalid("Kind", `must be one of ${CALL_KINDS.join(", ")}`);
  if (conversation.state === "closed") return conflict(`Conversation ${op.sid} is closed: start a new conversation to call`);
  const live = liveCall(op.host);
  if (live) return conflict(`Conversation ${op.sid} already has a live call, ${live.sid} (${live.state}): hang it up first`);
  const participant = participantBy(op.host, "identity", input.identity);
  const role = input.by === "customer" ? "customer" : "agent";
  if (!participant || participant.role !== role)
    return fail(403, 20403, `${input.identity.slice(0, 64)} is not the ${role} of conversation ${op.sid}`);

  const assigned = assignedTask(op);
  const agentHere = participantRows(op.host).some((p) => p.role === "agent");
  let task: CallPlan["task"];
  if (assigned !== null && agentHere) task = { kind: "same", taskSid: assigned };
  else {
    // No agent has the chat: the call is routed on its own channel, and replaces the chat's task.
    const base: TaskRequest = conversation.task_request
      ? (JSON.parse(conversation.task_request) as TaskRequest)
      : {
          workflowSid: null,
          taskChannel: "chat",
          attributes: JSON.stringify({ conversationSid: op.sid, channelType: conversation.channel }),
        };
    const attributes = {
      ...(JSON.parse(base.attributes) as Record<string, unknown>),
      conversationSid: op.sid,
      call_sid: input.callSid,
      callKind: input.kind,
      direction: "inbound",
    };
    task = { kind: "new", request: { ...base, taskChannel: input.kind, attributes: JSON.stringify(attributes) }, replaces: queuedTask(op) };
    if (conversation.task_pending === 1) {
      // Not made yet: it never will be (an attempt in flight finds itself stale and cancels what it made).
      saveConversation(op.host, { ...conversation, task_pending: 0, task_error: null });
    }
  }
  const call = changed(op, {
    sid: input.callSid,
    kind: input.kind,
    state: "waiting",
    started_by: input.by,
    starter: input.identity,
    task_sid: task.kind === "same" ? task.taskSid : null,
    own_task: task.kind === "same" ? 0 : 1,
    room_sid: null,
    estimated_wait: null,
    recording: "off",
    consult: null,
    date_created: op.now,
    date_connected: null,
    date_ended: null,
    end_reason: null,
    failure: null,
    execution_sid: null,
    flow_task: null,
    version: 0,
  });
  return ok({ call: callRecord(op.host, op.sid, call), version: call.version, task });
}

/** The call as it was at `version`, else why it is not (it moved on meanwhile: usually a hang-up). */
function unchanged(op: Op, callSid: string, version: number): ApiResult<CallRow> {
  const call = callRow(op.host, callSid);
  if (!call) return fail(404, 20404, `Call ${callSid} was not found`);
  if (call.version !== version || call.state === "ended")
    return conflict(`Call ${callSid} changed while LiveKit or TaskRouter answered (it is ${call.state} now)`);
  return ok(call);
}

/**
 * The room exists on LiveKit (session `roomSid`): answers the call's next version. `music`: false when a
 * flow is to answer the call (its voice speaks instead; the music starts if the flow cannot).
 */
export function roomMade(op: Op, callSid: string, version: number, roomSid: string | null, music = true): ApiResult<number> {
  const call = unchanged(op, callSid, version);
  if (!call.ok) return call;
  // A customer's call waits for an agent with music; an agent's escalation has its agent already.
  if (call.value.own_task === 1 && music) op.effects.media.push({ kind: "hold-music", on: true });
  return ok(saveCall(op.host, { ...call.value, room_sid: roomSid }).version);
}

/**
 * The call's own task exists: the conversation's tasks follow it (a transfer makes its next task on
 * the call's channel), and the chat task it replaces is canceled. A call that moved on meanwhile
 * answers 409 and the shell cancels the task it made.
 */
export function callTaskMade(
  op: Op,
  callSid: string,
  version: number,
  taskSid: string,
  request: TaskRequest,
  replaces: string | null,
): ApiResult<CallRecord> {
  const call = unchanged(op, callSid, version);
  if (!call.ok) return call;
  return ok(attachTask(op, call.value, taskSid, request, replaces));
}

/** The call's own task is `taskSid` (in the caller's transaction): the conversation follows it; the chat task it replaces is canceled. */
export function attachTask(op: Op, call: CallRow, taskSid: string, request: TaskRequest, replaces: string | null): CallRecord {
  const conversation = conversationRow(op.host)!;
  saveConversation(op.host, {
    ...conversation,
    task_sid: taskSid,
    task_request: JSON.stringify(request),
    task_pending: 0,
    date_updated: op.now,
  });
  run(
    op.host,
    "INSERT OR IGNORE INTO sb_tasks (task_sid, worker_sid, reservation_sid, transferred_from, status, date_created) VALUES (?, NULL, NULL, NULL, 'pending', ?)",
    taskSid,
    op.now,
  );
  if (replaces !== null && replaces !== taskSid) {
    run(op.host, "UPDATE sb_tasks SET status = 'done' WHERE task_sid = ?", replaces);
    op.effects.cancelTasks.push({ taskSid: replaces, reason: "replaced by the customer's call" });
  }
  return callRecord(op.host, op.sid, changed(op, { ...call, task_sid: taskSid, flow_task: null }));
}

/** The queue's estimate of the wait, once known (null: it has none). */
export function estimateWait(op: Op, callSid: string, seconds: number | null): ApiResult<void> {
  const call = callRow(op.host, callSid);
  if (!call || call.state !== "waiting" || call.estimated_wait === seconds) return ok(undefined);
  changed(op, { ...call, estimated_wait: seconds });
  return ok(undefined);
}

/**
 * The call could not start (LiveKit unreachable or refusing, no task): ended `failed` with the reason.
 * A chat whose task the call was to replace gets it back (routed as any first message), so chat goes on.
 */
export function failCall(op: Op, callSid: string, reason: string): ApiResult<CallRecord> {
  const call = callRow(op.host, callSid);
  if (!call) return fail(404, 20404, `Call ${callSid} was not found`);
  if (call.state === "ended") return ok(callRecord(op.host, op.sid, call));
  const ended = end(op, call, "failed", reason);
  const conversation = conversationRow(op.host)!;
  if (call.own_task === 1 && call.task_sid === null && conversation.state !== "closed" && conversation.task_sid === null) {
    saveConversation(op.host, { ...conversation, task_pending: 1, task_attempts: 0, task_error: null });
    op.effects.createTask = true;
  }
  return ok(callRecord(op.host, op.sid, ended));
}

// ── ending, holding ──────────────────────────────────────────────────────────────────────────────────

/**
 * Ends `call` for `reason`, with what that means for its task and its room. A call a flow answered tells
 * its execution (the engine's `hangup`, call-flow.ts) unless the flow itself ended it (`byFlow`).
 */
export function end(op: Op, call: CallRow, reason: CallEndReason, failure: string | null = null, byFlow = false): CallRow {
  if (call.execution_sid !== null && call.flow_task !== null && !byFlow) tellFlowCallEnded(op, call.execution_sid);
  if (call.execution_sid !== null && call.flow_task !== null) op.effects.media.push({ kind: "stop-voice" });
  const ended = changed(op, {
    ...call,
    state: "ended",
    end_reason: reason,
    failure,
    date_ended: op.now,
    estimated_wait: null,
    consult: null,
    flow_task: null,
  });
  run(op.host, "UPDATE sb_call_presence SET left_at = ? WHERE call_sid = ? AND left_at IS NULL", op.now, call.sid);
  clearTimer(op.host, ABANDON_TIMER, call.sid);
  if (call.own_task === 1 && call.task_sid !== null) {
    const task = first<{ status: string }>(op.host, "SELECT status FROM sb_tasks WHERE task_sid = ?", call.task_sid);
    if (task?.status === "assigned") {
      run(op.host, "UPDATE sb_tasks SET status = 'wrapping' WHERE task_sid = ?", call.task_sid);
      op.effects.wrapTasks.push(call.task_sid);
    } else if (task?.status === "pending") {
      run(op.host, "UPDATE sb_tasks SET status = 'done' WHERE task_sid = ?", call.task_sid);
      op.effects.cancelTasks.push({ taskSid: call.task_sid, reason: ABANDONED_REASON });
    }
  }
  // Those the call was handed to mid-way (a consult's, a conference's task: call-transfers.ts) are done with it too.
  for (const handed of rows<{ task_sid: string; status: string }>(
    op.host,
    "SELECT task_sid, status FROM sb_tasks WHERE handoff IN ('consult', 'conference') AND status IN ('pending', 'assigned')",
  )) {
    run(op.host, "UPDATE sb_tasks SET status = ? WHERE task_sid = ?", handed.status === "assigned" ? "wrapping" : "done", handed.task_sid);
    if (handed.status === "assigned") op.effects.wrapTasks.push(handed.task_sid);
    else op.effects.cancelTasks.push({ taskSid: handed.task_sid, reason: "the call ended" });
  }
  op.effects.media.push({ kind: "hold-music", on: false });
  // A recording (call-recording.ts) stops with the call: its last part uploads. Asked of every call that
  // connected, not only those marked recorded: a start still on its way is stopped too.
  if (call.date_connected !== null) op.effects.media.push({ kind: "record", callSid: call.sid, on: false });
  // A call that failed before its room was made has none to close.
  if (reason !== "failed" || call.room_sid !== null) op.effects.media.push({ kind: "close-room" });
  return ended;
}

const endReasonOf = (call: CallRow): CallEndReason => (call.date_connected === null ? "abandoned" : "completed");

/** Someone may hang up: the customer, or an agent of the conversation. */
export function mayHangUp(op: Op, identity: string, by: "customer" | "agent"): ApiResult<void> {
  const participant = participantBy(op.host, "identity", identity);
  if (!participant || participant.role !== by)
    return fail(403, 20403, `${identity.slice(0, 64)} is not the ${by} of conversation ${op.sid}`);
  return ok(undefined);
}

/**
 * The live call a hang-up would end, checked before the room is closed on LiveKit (the shell then calls
 * {@link hangUp} with the version seen here).
 */
export function callToHangUp(
  op: Op,
  accountSid: string,
  identity: string,
  by: "customer" | "agent",
): ApiResult<{ sid: string; version: number }> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  const allowed = mayHangUp(op, identity, by);
  if (!allowed.ok) return allowed;
  const call = liveCall(op.host);
  if (!call) return conflict(`Conversation ${op.sid} has no live call to hang up`);
  return ok({ sid: call.sid, version: call.version });
}

/** Ends the call for everyone: `completed` once an agent had been connected, else `abandoned` (its own task canceled). */
export function hangUp(op: Op, callSid: string, version: number): ApiResult<CallRecord> {
  const call = unchanged(op, callSid, version);
  if (call.ok) return ok(callRecord(op.host, op.sid, end(op, call.value, endReasonOf(call.value))));
  const now = callRow(op.host, callSid);
  if (!now) return call;
  // Ended meanwhile (a webhook, the other side's hang-up): the answer is the call as it ended.
  if (now.state === "ended") return ok(callRecord(op.host, op.sid, now));
  // Moved but still live — typically the room's own participant_left webhooks, sent as LiveKit closed it
  // for this hang-up, arriving first: the room is gone, so the hang-up stands on the call as it is now.
  return ok(callRecord(op.host, op.sid, end(op, now, endReasonOf(now))));
}

/** The call an agent may hold or resume, checked before LiveKit is asked to stop or restart the audio between them. */
export function callToHold(
  op: Op,
  accountSid: string,
  workerSid: string,
  hold: unknown,
): ApiResult<{ sid: string; version: number; hold: boolean }> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  if (typeof hold !== "boolean") return invalid("Hold", "must be true or false");
  const allowed = mayHangUp(op, workerSid, "agent");
  if (!allowed.ok) return allowed;
  const call = liveCall(op.host);
  if (!call) return conflict(`Conversation ${op.sid} has no live call to hold`);
  if (call.state === "waiting") return conflict(`Call ${call.sid} is waiting for an agent: only a connected call is held`);
  return ok({ sid: call.sid, version: call.version, hold });
}

/** `held` ⇄ `connected` (the same again changes nothing). */
export function setHold(op: Op, callSid: string, version: number, hold: boolean): ApiResult<CallRecord> {
  const call = unchanged(op, callSid, version);
  if (!call.ok) return call;
  const state: CallState = hold ? "held" : "connected";
  if (call.value.state === state) return ok(callRecord(op.host, op.sid, call.value));
  op.effects.media.push({ kind: "hold-music", on: hold });
  return ok(callRecord(op.host, op.sid, changed(op, { ...call.value, state })));
}

/**
 * The call's own task ended in TaskRouter (canceled by its workflow's timeout, deleted, completed) or
 * went to wrap-up: a call still live on it ends — `failed` while it waited (no one will answer), else
 * `completed` (its room closed).
 */
export function callTaskEnded(op: Op, taskSid: string, reason?: string): void {
  const call = liveCall(op.host);
  if (!call || call.own_task !== 1 || call.task_sid !== taskSid) return;
  // The task's row already says where it is (done, wrapping): ending asks the Router nothing more.
  // A task canceled with a reason while no agent is on the call (a redirect: voice-instructions.ts) ends it saying why.
  if (reason !== undefined && call.state === "waiting") end(op, call, "failed", reason);
  else if (call.date_connected === null) end(op, call, "failed", `Its task ${taskSid} ended before an agent answered`);
  else end(op, call, "completed");
}

/** How long a waiting customer who dropped out (not hung up) has to come back before the call is abandoned. */
export const ABANDON_GRACE_MS = 15_000;
/** How long the customer or the last agent of a connected (or held) call has to come back before it ends. */
export const REJOIN_GRACE_MS = 20_000;
/** The timer (kit/timers.ts) of either grace, one per call (its name kept from when only a waiting call had one). */
export const ABANDON_TIMER = "call-abandon";

/** Who a call still misses when its grace runs out: a waiting call its customer; an answered one, its customer or any agent. */
function someoneGone(host: StoreHost, call: CallRow): boolean {
  const roles = new Set(parties(host, call.sid).map((p) => p.role));
  return !roles.has("customer") || (call.state !== "waiting" && !roles.has("agent"));
}

/**
 * The grace of someone who dropped out ran out: a waiting call is abandoned, a connected or held one
 * ends completed (its agent's task to wrap-up) — unless they are back (or the call moved on meanwhile).
 */
export function abandonIfGone(op: Op, callSid: string): ApiResult<void> {
  clearTimer(op.host, ABANDON_TIMER, callSid);
  const call = liveCall(op.host);
  if (!call || call.sid !== callSid || !someoneGone(op.host, call)) return ok(undefined);
  end(op, call, endReasonOf(call));
  return ok(undefined);
}

// ── LiveKit's webhooks ───────────────────────────────────────────────────────────────────────────────

/** A LiveKit webhook, as the Worker read it from the verified body (only what a call needs). */
export interface MediaEvent {
  /** LiveKit's event ID (`EV_…`): each is applied once. */
  readonly id: string;
  readonly event: string;
  /** The room session (`RM_…`). */
  readonly roomSid: string | null;
  readonly participant: {
    readonly sid: string;
    readonly identity: string;
    readonly name: string | null;
    /** From the participant's `switchboard.role` attribute, as their token fixed it. */
    readonly role: string | null;
    /**
     * participant_left: LiveKit's disconnect reason was CLIENT_INITIATED. Kept for the record, not acted on:
     * livekit-client says so for a page unloading too, so a reload would look like a hang-up.
     */
    readonly leftOnPurpose?: boolean;
  } | null;
  /** When LiveKit made the event (ms). */
  readonly at: number;
}

const isRole = (role: string | null): role is MediaRole => role !== null && (MEDIA_ROLES as readonly string[]).includes(role);

/**
 * Applies one LiveKit webhook to the live call: joined/left move the parties and, with them, the
 * state (an agent and the customer both in → `connected`; the customer gone past the grace → ended); `room_finished`
 * ends it. Answers whether anything changed. Events of another room session, for no live call, seen
 * before, or of a participant without a role (not one Switchboard let in) change nothing.
 */
export function onMediaEvent(op: Op, accountSid: string, event: MediaEvent): ApiResult<boolean> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  if (first(op.host, "SELECT event_id FROM sb_call_events WHERE event_id = ?", event.id)) return ok(false);
  run(op.host, "INSERT INTO sb_call_events (event_id, applied_at) VALUES (?, ?)", event.id, op.now);
  const call = liveCall(op.host);
  if (!call) return ok(false);
  if (call.room_sid !== null && event.roomSid !== null && event.roomSid !== call.room_sid) return ok(false);

  switch (event.event) {
    case "room_finished":
      end(op, call, endReasonOf(call));
      return ok(true);
    case "track_published":
      // While the customer is held (a hold, a consult), a track published since — the consulted agent's
      // microphone, say — must not reach them either: the separation is applied again, to every track now.
      if (call.state !== "held") return ok(false);
      op.effects.media.push({ kind: "separate", apart: true });
      return ok(true);
    // participant_connection_aborted: joined the signalling but never connected its media; that session is over, as if it left.
    case "participant_joined":
    case "participant_left":
    case "participant_connection_aborted": {
      const who = event.participant;
      if (!who || !isRole(who.role)) return ok(false);
      const joined = event.event === "participant_joined";
      const seen = first<{ left_at: number | null }>(
        op.host,
        "SELECT left_at FROM sb_call_presence WHERE call_sid = ? AND participant_sid = ?",
        call.sid,
        who.sid,
      );
      // A session joins once; once it left it stays gone (a leaving that came before its joining included).
      if (joined ? seen !== undefined : seen?.left_at != null) return ok(false);
      run(
        op.host,
        `INSERT INTO sb_call_presence (call_sid, participant_sid, identity, role, name, joined_at, left_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (call_sid, participant_sid) DO UPDATE SET left_at = excluded.left_at`,
        call.sid,
        who.sid,
        who.identity,
        who.role,
        who.name,
        event.at,
        joined ? null : event.at,
      );
      moveWithParties(op, call);
      return ok(true);
    }
    default:
      return ok(false);
  }
}

/**
 * After the parties moved: connected once an agent and the customer are both in; a waiting call the
 * customer left is abandoned if they are not back within the grace. A connected or held call the customer
 * or its last agent left goes on for the rejoin grace (a reload or a second tab rejoins as a new session, whose joining LiveKit may report
 * after the old one's leaving) and ends when it runs out with them still gone; a hang-up (the routes) or
 * the room finishing ends it at once.
 */
function moveWithParties(op: Op, call: CallRow): void {
  const roles = new Set(parties(op.host, call.sid).map((p) => p.role));
  const customerWasIn =
    first(op.host, "SELECT 1 AS x FROM sb_call_presence WHERE call_sid = ? AND role = 'customer'", call.sid) !== undefined;
  if (call.state === "waiting" && customerWasIn && !roles.has("customer")) {
    // Gone from the room while queued — a reload, a network change, a second tab taking over, or the page
    // closed (livekit-client leaves "on purpose" as a page unloads, so LiveKit's reason cannot tell them
    // apart): abandoned only if they are not back within the grace (the `call-abandon` timer,
    // abandonIfGone), so a reload keeps their place. Hanging up is the widget's route: abandoned at once.
    setTimer(op.host, ABANDON_TIMER, call.sid, op.now + ABANDON_GRACE_MS);
  } else if (call.state !== "waiting" && someoneGone(op.host, call)) {
    // Answered and someone is gone: whatever LiveKit's reason (livekit-client leaves "on purpose" as its
    // page unloads, so a reload says CLIENT_INITIATED too), the grace runs from the first departure —
    // a hang-up is a route, not a departure. Not pushed back by later comings and goings.
    if (timerDueAt(op.host, ABANDON_TIMER, call.sid) === null) setTimer(op.host, ABANDON_TIMER, call.sid, op.now + REJOIN_GRACE_MS);
  } else clearTimer(op.host, ABANDON_TIMER, call.sid);
  if (call.state === "waiting" && roles.has("agent") && roles.has("customer")) {
    op.effects.media.push({ kind: "hold-music", on: false });
    // Recorded from the moment it connects, when the workspace's or queue's setting says so (call-recording.ts).
    if (call.date_connected === null) op.effects.media.push({ kind: "record", callSid: call.sid, on: true });
    changed(op, { ...call, state: "connected", date_connected: call.date_connected ?? op.now, estimated_wait: null });
    return;
  }
  changed(op, call); // parties changed: the record says who is in now
}
