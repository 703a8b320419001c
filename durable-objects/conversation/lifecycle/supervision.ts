/**
 * What a supervisor does in a live conversation, kept for the record: watching it, whispering to the
 * agent, barging in and out. Each action writes one message to the `supervision` outbox (kit/outbox.ts)
 * in the action's own transaction; the shell hands it to the Router of the conversation's task, which
 * records it as a `supervisor.*` event of the workspace (router/lifecycle/supervisor-events.ts) — once,
 * whatever evictions or lost answers repeat the hand-over, since the message's key makes the event's SID.
 */
import { enqueue } from "../../kit/outbox";
import { first } from "../../kit/sql-host";
import { newSid } from "../../../contract/ids";
import type { SupervisorEventInput, SupervisorEventType } from "../../common/conversations";
import type { ConversationRow } from "../store/conversation-rows";
import type { Op } from "./conversation-operation";

/** The ConversationDO's outbox topic of supervisor actions. */
export const SUPERVISION_TOPIC = "supervision";

/** One outbox message: the event and where it belongs. */
export interface SupervisionMessage {
  readonly accountSid: string;
  readonly workspaceSid: string;
  readonly event: SupervisorEventInput;
}

export type Supervisor = SupervisorEventInput["supervisor"];

/** The agent whose conversation it is: the current task's worker, else the last worker who had it. */
function agentOf(op: Op, conversation: ConversationRow): string | null {
  const task =
    conversation.task_sid === null
      ? undefined
      : first<{ worker_sid: string | null }>(op.host, "SELECT worker_sid FROM sb_tasks WHERE task_sid = ?", conversation.task_sid);
  return task?.worker_sid ?? conversation.last_worker_sid;
}

/**
 * Writes the action to the outbox (in the caller's transaction) and marks the operation, so the shell
 * guards it with the outbox's timer in the same transaction and hands it over after the commit.
 * @example recordSupervision(op, row, "supervisor.whisper", { workerSid: null, userSid: "US…", name: null }, { messageSid: "IM…" })
 */
export function recordSupervision(
  op: Op,
  conversation: ConversationRow,
  type: SupervisorEventType,
  supervisor: Supervisor,
  about: { readonly messageSid?: string; readonly participantSid?: string } = {},
): void {
  const event: SupervisorEventInput = {
    key: newSid("EV").slice(2, 26),
    type,
    at: op.now,
    conversationSid: conversation.sid,
    taskSid: conversation.task_sid,
    workerSid: agentOf(op, conversation),
    supervisor,
    ...about,
  };
  const message: SupervisionMessage = { accountSid: conversation.account_sid, workspaceSid: conversation.workspace_sid, event };
  enqueue(op.host, SUPERVISION_TOPIC, JSON.stringify(message));
  op.effects.supervision = true;
}
