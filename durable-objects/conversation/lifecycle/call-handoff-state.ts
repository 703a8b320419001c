/**
 * What the rest of the conversation needs to know of a call handed on (issue 15; call-transfers.ts does
 * the hand-offs): whose the call is, what a task was made for, and what its task events do to the call —
 * a consult's task accepted names the consulted agent, one ending unanswered clears the consult. Apart
 * from call-transfers.ts so that the task events (tasks.ts) read it without a cycle.
 */
import type { CallRecord } from "../../../contract/calls";
import { first, type StoreHost } from "../../kit/sql-host";
import { callRecord, changed, liveCall, type CallRow } from "./calls";
import { consultAccepted, consultUnanswered } from "./call-handoffs";
import type { Op } from "./conversation-operation";

/** What a task made for a live call is for (`sb_tasks.handoff`). */
export type HandoffPurpose = "transfer" | "consult" | "conference";

/** The worker of the conversation's current task while an agent has it: the call's agent. */
export function callAgent(host: StoreHost): string | null {
  const row = first<{ worker_sid: string | null }>(
    host,
    "SELECT t.worker_sid FROM sb_tasks t JOIN sb_conversation c ON c.task_sid = t.task_sid WHERE t.status = 'assigned'",
  );
  return row?.worker_sid ?? null;
}

/** Saves the call as the step made it (state, consult) and tells the sockets. */
export const saveStep = (op: Op, row: CallRow, call: CallRecord, extra: Partial<CallRow> = {}): CallRow =>
  changed(op, { ...row, state: call.state, consult: call.consult === null ? null : JSON.stringify(call.consult), ...extra });

/** What a task was made for when the call was handed on; null for any other task. */
export const handoffOf = (host: StoreHost, taskSid: string): HandoffPurpose | null =>
  first<{ handoff: HandoffPurpose | null }>(host, "SELECT handoff FROM sb_tasks WHERE task_sid = ?", taskSid)?.handoff ?? null;

/** A consult's task was accepted by `workerSid`: the call names them as the consulted agent. */
export function consultTaken(op: Op, workerSid: string): void {
  const row = liveCall(op.host);
  if (!row) return;
  const step = consultAccepted({ call: callRecord(op.host, op.sid, row), agentSid: callAgent(op.host) }, workerSid);
  if (step.ok && step.call !== null) saveStep(op, row, step.call);
}

/** A consult's task ended before anyone took it: the call's consult is over (the customer still held). */
export function consultEnded(op: Op): void {
  const row = liveCall(op.host);
  if (!row || row.consult === null) return;
  const step = consultUnanswered({ call: callRecord(op.host, op.sid, row), agentSid: callAgent(op.host) });
  if (step.ok && step.call.consult === null) saveStep(op, row, step.call);
}
