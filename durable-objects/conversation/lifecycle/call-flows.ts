/**
 * A customer's call answered by its channel's Studio flow (issue 16), the pure steps: the call records
 * the execution answering it (`sb_calls.execution_sid`) and keeps the task it would have made
 * (`flow_task`) for when the flow hands it on; the flow's create-task makes that task (once per effect
 * id, `sb_flow_keys`), its hang-up ends the call, and a call that ends while the flow still holds it
 * tells the execution — through the `call-flow` outbox topic, so an eviction between the commit and the
 * FlowDO's answer loses nothing (../call-flow.ts sends it; `FlowDO.callEnded` is idempotent).
 *
 * The execution's start is durable as a messaging flow's is (../flow-runs.ts): its input is kept in
 * `flow_task.start` and a `call-flow-start` timer (keyed by the call SID) is written in the transaction that
 * records the execution, so an eviction before `FlowDO.start` answers is retried from the alarm (the
 * FlowDO's start is idempotent by SID); after {@link MAX_CALL_START_ATTEMPTS} the call waits for an agent.
 *
 * While a flow holds the call (`flow_task` set) it is `waiting` with no task: no hold music, the media
 * service's voice in the room instead. Once handed on it is any customer's call waiting for an agent.
 */
import { fail, ok, type ApiResult } from "../../common/rpc";
import { first, run } from "../../kit/sql-host";
import { clearTimer, setTimer } from "../../kit/timers";
import { retryDelayMs, retryPolicy } from "../../../platform/backoff";
import type { FlowTaskInput } from "../../common/flows";
import type { CallRecord } from "../../../contract/calls";
import type { TaskRequest } from "../store/conversation-rows";
import { conflict, loadConversation, type Op } from "./conversation-operation";
import { attachTask, callRecord, callRow, changed, end, type CallRow, type FlowCallTask } from "./calls";
import { flowRow, handOffTerms, saveFlow, tellFlowCallEnded } from "./flows";

/** The timer (keyed by the call SID) that retries a call's execution start from the alarm. */
export const CALL_START_TIMER = "call-flow-start";

/** A caller waits in silence while the start is retried: a few quick attempts, then an agent. */
export const MAX_CALL_START_ATTEMPTS = 4;
const CALL_START_RETRIES = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: 8_000, maxAttempts: MAX_CALL_START_ATTEMPTS });

/** `flow_task` while the execution's start has not been answered: the start's input and the attempts made. */
interface PendingCallTask extends FlowCallTask {
  readonly start?: { readonly input: unknown; readonly attempts: number };
}

const pendingTask = (call: CallRow): PendingCallTask | null =>
  call.flow_task === null ? null : (JSON.parse(call.flow_task) as PendingCallTask);

const saveTask = (op: Op, callSid: string, task: PendingCallTask): void =>
  run(op.host, "UPDATE sb_calls SET flow_task = ? WHERE sid = ?", JSON.stringify(task), callSid);

/**
 * The call `callSid` at `version` is answered by `executionSid` (before its start is asked): the start's
 * `input` kept with its retry timer, in the same transaction. Answers the next version.
 */
export function answeredByFlow(
  op: Op,
  callSid: string,
  version: number,
  executionSid: string,
  task: FlowCallTask,
  input: unknown,
): ApiResult<number> {
  const call = callRow(op.host, callSid);
  if (!call) return fail(404, 20404, `Call ${callSid} was not found`);
  if (call.version !== version || call.state === "ended")
    return conflict(`Call ${callSid} changed while its room was made (it is ${call.state} now)`);
  const pending: PendingCallTask = { ...task, start: { input, attempts: 0 } };
  setTimer(op.host, CALL_START_TIMER, callSid, op.now + CALL_START_RETRIES.baseDelayMs);
  return ok(changed(op, { ...call, execution_sid: executionSid, flow_task: JSON.stringify(pending) }).version);
}

/** One attempt at a call's execution start: its SID, its input, and whether it is the last one allowed. */
export interface CallStartAttempt {
  readonly executionSid: string;
  readonly input: unknown;
  readonly last: boolean;
}

/**
 * The next attempt at the start of the execution answering `callSid`, counted and its retry timer moved
 * on (the safety net if this attempt dies with the object); null when there is none to make (started,
 * handed on, ended), its timer cleared.
 */
export function callStartToTry(op: Op, callSid: string): ApiResult<CallStartAttempt | null> {
  const call = callRow(op.host, callSid);
  const task = call ? pendingTask(call) : null;
  if (!call || call.state === "ended" || call.execution_sid === null || !task?.start) {
    clearTimer(op.host, CALL_START_TIMER, callSid);
    return ok(null);
  }
  const attempts = task.start.attempts + 1;
  saveTask(op, callSid, { ...task, start: { ...task.start, attempts } });
  const wait = retryDelayMs(CALL_START_RETRIES, attempts);
  // Even the last attempt keeps a timer: if it dies with the object, the alarm decides the call's fate.
  setTimer(op.host, CALL_START_TIMER, callSid, op.now + (wait ?? CALL_START_RETRIES.maxDelayMs));
  return ok({ executionSid: call.execution_sid, input: task.start.input, last: wait === null });
}

/**
 * The execution answering `callSid` has started: its input is dropped and its timer cleared. A call that
 * ended while the start was out tells the execution again (its first telling found no execution yet).
 */
export function callFlowStarted(op: Op, callSid: string): ApiResult<void> {
  clearTimer(op.host, CALL_START_TIMER, callSid);
  const call = callRow(op.host, callSid);
  const task = call ? pendingTask(call) : null;
  if (task?.start) saveTask(op, callSid, { request: task.request, replaces: task.replaces });
  if (call?.state === "ended" && call.execution_sid !== null) tellFlowCallEnded(op, call.execution_sid); // idempotent there
  return ok(undefined);
}

/** The task the call would have made (kept while its flow starts), for the fallback when it cannot. */
export function plannedCallTask(op: Pick<Op, "host">, callSid: string): FlowCallTask | null {
  const call = callRow(op.host, callSid);
  const task = call ? pendingTask(call) : null;
  return task ? { request: task.request, replaces: task.replaces } : null;
}

/** The channel's flow could not answer a call (the workspace refused it): why, for `ConversationDO.flowState`. */
export function noteFlowError(op: Op, reason: string): ApiResult<void> {
  saveFlow(op, { ...flowRow(op), error: reason });
  return ok(undefined);
}

/**
 * The flow could not answer (`reason`: kept in `sb_flow.error`): the call waits for an agent as without a
 * flow, with music. Answers the call's version for the task's step, or a conflict when it ended meanwhile.
 */
export function flowCouldNotAnswer(op: Op, callSid: string, reason: string): ApiResult<number> {
  saveFlow(op, { ...flowRow(op), error: reason });
  clearTimer(op.host, CALL_START_TIMER, callSid);
  const call = callRow(op.host, callSid);
  if (!call) return fail(404, 20404, `Call ${callSid} was not found`);
  if (call.state === "ended") return conflict(`Call ${callSid} ended while its flow was started`);
  op.effects.media.push({ kind: "hold-music", on: true });
  return ok(changed(op, { ...call, execution_sid: null, flow_task: null }).version);
}

/** The call `executionSid` answers, if any (live or ended). */
export function callOfExecution(op: Pick<Op, "host">, executionSid: string): CallRow | undefined {
  const found = first<{ sid: string }>(op.host, "SELECT sid FROM sb_calls WHERE execution_sid = ? LIMIT 1", executionSid);
  return found ? callRow(op.host, found.sid) : undefined;
}

const keyed = (op: Op, key: string): string | undefined =>
  first<{ value: string }>(op.host, "SELECT value FROM sb_flow_keys WHERE key = ?", key)?.value;

/** What the shell makes for a flow's create-task on its call: the task request, or `done` when there is nothing to make. */
export type CallTaskPlan =
  | { readonly kind: "done"; readonly conversationSid: string }
  | { readonly kind: "make"; readonly callSid: string; readonly request: TaskRequest; readonly replaces: string | null };

/**
 * A flow's create-task (enqueue-call, send-to-flex, connect-call-to) on the call it answers: the call's own
 * task on the call's channel (voice or video, whatever the widget names: the desk rings it as a call), the
 * widget's attributes merged over the call's. Once per `key`; refused when the call ended (409).
 */
export function callTaskToMake(op: Op, accountSid: string, key: string, input: FlowTaskInput): ApiResult<CallTaskPlan> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  if (keyed(op, `task:${key}`) !== undefined) return ok({ kind: "done", conversationSid: op.sid });
  const call = callOfExecution(op, input.executionSid);
  if (!call) return fail(404, 20404, `No call of conversation ${op.sid} is answered by execution ${input.executionSid}`);
  if (call.state === "ended") return conflict(`Call ${call.sid} has ended: the caller is gone`);
  if (call.flow_task === null) return ok({ kind: "done", conversationSid: op.sid });
  let extra: Record<string, unknown>;
  try {
    extra = JSON.parse(input.attributes === "" ? "{}" : input.attributes) as Record<string, unknown>;
  } catch {
    return fail(400, 20001, "Invalid parameter Attributes: must be JSON text");
  }
  if (extra === null || typeof extra !== "object" || Array.isArray(extra))
    return fail(400, 20001, "Invalid parameter Attributes: must be a JSON object");
  const terms = handOffTerms(input);
  if (!terms.ok) return terms;
  const planned = JSON.parse(call.flow_task) as FlowCallTask;
  const request: TaskRequest = {
    ...planned.request,
    workflowSid: input.workflowSid ?? planned.request.workflowSid,
    attributes: JSON.stringify({ ...(JSON.parse(planned.request.attributes) as Record<string, unknown>), ...extra }),
    ...terms.value,
  };
  return ok({ kind: "make", callSid: call.sid, request, replaces: planned.replaces });
}

/**
 * The task exists: it becomes the call's own (as a customer's call without a flow), the voice leaves and
 * the hold music starts. Answers null when another attempt handed the call on already, and a conflict
 * when the call ended meanwhile: either way the shell cancels this task.
 */
export function callFlowTaskMade(
  op: Op,
  key: string,
  callSid: string,
  taskSid: string,
  request: TaskRequest,
  replaces: string | null,
): ApiResult<CallRecord | null> {
  const call = callRow(op.host, callSid);
  if (!call || call.state === "ended") return conflict(`Call ${callSid} ended while its task was made`);
  if (call.flow_task === null || call.task_sid !== null) return ok(null);
  run(op.host, "INSERT OR IGNORE INTO sb_flow_keys (key, value, applied_at) VALUES (?, ?, ?)", `task:${key}`, taskSid, op.now);
  op.effects.media.push({ kind: "stop-voice" }, { kind: "hold-music", on: true });
  return ok(attachTask(op, call, taskSid, request, replaces));
}

/**
 * A flow's hang-up (its execution ended without handing the call on): the call ends `completed` and its
 * room closes. Once per `key`; a call already ended answers as it is.
 */
export function flowHangUp(op: Op, accountSid: string, key: string, executionSid: string): ApiResult<CallRecord | null> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  const call = callOfExecution(op, executionSid);
  if (!call) return fail(404, 20404, `No call of conversation ${op.sid} is answered by execution ${executionSid}`);
  if (keyed(op, `hangup:${key}`) !== undefined || call.state === "ended") return ok(callRecord(op.host, op.sid, call));
  run(op.host, "INSERT INTO sb_flow_keys (key, value, applied_at) VALUES (?, ?, ?)", `hangup:${key}`, call.sid, op.now);
  // Only while the flow holds the call: one handed on belongs to its task (and its agent) now.
  if (call.flow_task === null) return ok(callRecord(op.host, op.sid, call));
  return ok(callRecord(op.host, op.sid, end(op, call, "completed", null, true)));
}

/** Whether `executionSid` answers one of this conversation's calls (a flow's create-task then makes the call's task). */
export const answersACall = (op: Pick<Op, "host">, executionSid: string): boolean =>
  first(op.host, "SELECT 1 AS x FROM sb_calls WHERE execution_sid = ?", executionSid) !== undefined;
