/**
 * A live call handed on (issue 15), over the conversation's store: the steps of call-handoffs.ts (the pure
 * state machine) applied to `sb_calls`, `sb_tasks` and the conversation, with their effects for the shell
 * (call-handoff-actions.ts does the I/O between them).
 *
 * A hand-off that needs a task (cold transfer, consult, conference) is two steps around the Router:
 * {@link planHandoff} checks and answers the task to make — the conversation's task request on the
 * call's channel, with `transferTargetType`/`transferTargetSid`/`transferredFrom` (and `known_worker_sid`)
 * as a chat's transfer has, and `callHandoff` saying what it is for — then {@link commitHandoff}, after the
 * task exists, checks the call did not move meanwhile (its version) and applies the step. `sb_tasks.handoff`
 * remembers what each task is for, so its events do the right thing:
 * - `transfer`: it is the conversation's (and the call's own) task from the start; the agent who handed
 *   the call on wraps up at once.
 * - `consult`: accepted, it names the consulted agent (`consult.worker_sid`) and is not the conversation's
 *   task; completed ({@link finishConsult}), it becomes both the conversation's and the call's.
 * - `conference`: a third party's; it never becomes the conversation's task, and ends with the call.
 */
import type { CallRecord } from "../../../contract/calls";
import { fail, ok, type ApiResult } from "../../common/rpc";
import { first, run, type StoreHost } from "../../kit/sql-host";
import { conversationRow, saveConversation, type TaskRequest } from "../store/conversation-rows";
import { callRecord, callRow, liveCall, type CallRow } from "./calls";
import { callAgent, saveStep, type HandoffPurpose } from "./call-handoff-state";
import {
  addParty,
  cancelConsult,
  coldTransfer,
  completeConsult,
  startConsult,
  type HandoffCall,
  type HandoffEffect,
  type HandoffStep,
  type HandoffTarget,
} from "./call-handoffs";
import { conflict, loadConversation, type Op } from "./conversation-operation";
import { transferRequest } from "./tasks";

export type { HandoffPurpose } from "./call-handoff-state";

const STEPS: Record<HandoffPurpose, (current: HandoffCall, workerSid: string, target: HandoffTarget) => HandoffStep> = {
  transfer: coldTransfer,
  consult: startConsult,
  conference: addParty,
};

/** The live call and whose it is, or the 409 saying there is none. */
function liveHandoff(op: Op, accountSid: string): ApiResult<{ row: CallRow; current: HandoffCall }> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  const row = liveCall(op.host);
  if (!row) return conflict(`Conversation ${op.sid} has no live call`);
  return ok({ row, current: { call: callRecord(op.host, op.sid, row), agentSid: callAgent(op.host) } });
}

const refused = (step: Extract<HandoffStep, { ok: false }>) =>
  fail(step.status, step.status === 409 ? 20409 : step.status === 403 ? 20403 : 20001, step.message);

/** A live call's task that is `purpose`'s, still open: the consult's, say. */
function handoffTask(host: StoreHost, purpose: HandoffPurpose) {
  return first<{ task_sid: string; worker_sid: string | null; status: string }>(
    host,
    "SELECT task_sid, worker_sid, status FROM sb_tasks WHERE handoff = ? AND status IN ('pending', 'assigned') ORDER BY date_created DESC, rowid DESC LIMIT 1",
    purpose,
  );
}

/** The effects of a step, as the shell carries them out (the task to create is the caller's, already made). */
function carryOut(op: Op, effects: readonly HandoffEffect[]): void {
  for (const effect of effects) {
    switch (effect.kind) {
      case "create-task":
        break;
      case "cancel-task":
        run(op.host, "UPDATE sb_tasks SET status = 'done' WHERE task_sid = ?", effect.taskSid);
        op.effects.cancelTasks.push({ taskSid: effect.taskSid, reason: "the consult was canceled" });
        break;
      case "wrap-worker": {
        const theirs = first<{ task_sid: string }>(
          op.host,
          "SELECT task_sid FROM sb_tasks WHERE worker_sid = ? AND status = 'assigned' ORDER BY date_created DESC LIMIT 1",
          effect.workerSid,
        );
        if (theirs) {
          run(op.host, "UPDATE sb_tasks SET status = 'wrapping' WHERE task_sid = ?", theirs.task_sid);
          op.effects.wrapTasks.push(theirs.task_sid);
        }
        break;
      }
      case "remove-from-room":
        op.effects.media.push({ kind: "remove-participant", identity: effect.identity });
        break;
      case "start-hold":
        op.effects.media.push({ kind: "separate", apart: true }, { kind: "hold-music", on: true });
        break;
      case "stop-hold":
        op.effects.media.push({ kind: "separate", apart: false }, { kind: "hold-music", on: false });
        break;
      default: {
        const unknown: never = effect;
        throw new Error(`Unknown hand-off effect ${JSON.stringify(unknown)}`);
      }
    }
  }
}

export interface HandoffPlan {
  readonly callSid: string;
  readonly version: number;
  readonly request: TaskRequest;
}

/**
 * Checks a hand-off (nothing is written) and answers the task to make for it.
 * @example planHandoff(op, "AC…", "consult", "WKann", { type: "worker", sid: "WKbob" }).value.request.taskChannel // "voice"
 */
export function planHandoff(
  op: Op,
  accountSid: string,
  purpose: HandoffPurpose,
  workerSid: string,
  target: HandoffTarget,
): ApiResult<HandoffPlan> {
  const live = liveHandoff(op, accountSid);
  if (!live.ok) return live;
  const step = STEPS[purpose](live.value.current, workerSid, target);
  if (!step.ok) return refused(step);
  const request = transferRequest(op, accountSid, { workerSid, targetType: target.type, targetSid: target.sid });
  if (!request.ok) return request;
  const attributes = {
    ...(JSON.parse(request.value.attributes) as Record<string, unknown>),
    callHandoff: purpose,
    call_sid: live.value.row.sid,
  };
  return ok({
    callSid: live.value.row.sid,
    version: live.value.row.version,
    request: { ...request.value, taskChannel: live.value.row.kind, attributes: JSON.stringify(attributes) },
  });
}

/**
 * The hand-off's task exists: the step is applied, unless the call moved meanwhile (409: the shell
 * cancels the task it made).
 */
export function commitHandoff(
  op: Op,
  plan: HandoffPlan,
  purpose: HandoffPurpose,
  workerSid: string,
  target: HandoffTarget,
  taskSid: string,
): ApiResult<CallRecord> {
  const row = callRow(op.host, plan.callSid);
  if (!row || row.version !== plan.version || row.state === "ended")
    return conflict(`Call ${plan.callSid} changed while TaskRouter made the ${purpose} task (it is ${row?.state ?? "gone"} now)`);
  const step = STEPS[purpose]({ call: callRecord(op.host, op.sid, row), agentSid: callAgent(op.host) }, workerSid, target);
  if (!step.ok) return refused(step);
  run(
    op.host,
    "INSERT OR IGNORE INTO sb_tasks (task_sid, worker_sid, reservation_sid, transferred_from, status, date_created, handoff) VALUES (?, NULL, NULL, ?, 'pending', ?, ?)",
    taskSid,
    purpose === "transfer" ? workerSid : null,
    op.now,
    purpose,
  );
  carryOut(op, step.effects);
  let saved: CallRow;
  if (purpose === "transfer") {
    // The new task is the conversation's and the call's own from now: a hang-up while it waits cancels it,
    // and the first agent's task ending (wrap-up, complete) no longer closes the conversation.
    const conversation = conversationRow(op.host)!;
    saveConversation(op.host, { ...conversation, task_sid: taskSid, task_request: JSON.stringify(plan.request), date_updated: op.now });
    saved = saveStep(op, row, step.call, { task_sid: taskSid, own_task: 1, estimated_wait: null });
  } else saved = saveStep(op, row, step.call);
  return ok(callRecord(op.host, op.sid, saved));
}

/**
 * A warm transfer's end, by the call's agent: `complete` (the consulted agent has the call; the first
 * leaves and wraps up) or `cancel` (the consult ends; the customer is back with the first).
 */
export function finishConsult(op: Op, accountSid: string, workerSid: string, how: "complete" | "cancel"): ApiResult<CallRecord> {
  const live = liveHandoff(op, accountSid);
  if (!live.ok) return live;
  const consultTask = handoffTask(op.host, "consult");
  const step =
    how === "complete"
      ? completeConsult(live.value.current, workerSid)
      : cancelConsult(live.value.current, workerSid, consultTask?.status === "pending" ? consultTask.task_sid : null);
  if (!step.ok) return refused(step);
  carryOut(op, step.effects);
  let extra: Partial<CallRow> = {};
  if (how === "complete" && consultTask) {
    // The consult's task is the call's and the conversation's from now (the first agent's is wrapping).
    run(op.host, "UPDATE sb_tasks SET handoff = 'transfer' WHERE task_sid = ?", consultTask.task_sid);
    const conversation = conversationRow(op.host)!;
    saveConversation(op.host, {
      ...conversation,
      task_sid: consultTask.task_sid,
      last_worker_sid: consultTask.worker_sid,
      date_updated: op.now,
    });
    extra = { task_sid: consultTask.task_sid, own_task: 1 };
  }
  return ok(callRecord(op.host, op.sid, saveStep(op, live.value.row, step.call, extra)));
}
