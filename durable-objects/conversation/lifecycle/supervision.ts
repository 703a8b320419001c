/**
 * What a supervisor does in a live conversation, kept for the record: watching it, whispering to the
 * agent, barging in and out — in its chat, and on its call (listening unseen, whispering, barging in). Each action is one `supervisor.*` event of the workspace, written to the
 * workspace events' outbox in the action's own transaction (workspace-events.ts) and recorded by the
 * Router once (router/lifecycle/handed-over-events.ts).
 */
import { first } from "../../kit/sql-host";
import type { SupervisorEventInput, SupervisorEventType } from "../../common/conversations";
import type { ConversationRow } from "../store/conversation-rows";
import type { Op } from "./conversation-operation";
import { eventKey, recordWorkspaceEvent } from "./workspace-events";

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
 * Records the action as a workspace event (in the caller's transaction).
 * @example recordSupervision(op, row, "supervisor.whisper", { workerSid: null, userSid: "US…", name: null }, { messageSid: "IM…" })
 */
export function recordSupervision(
  op: Op,
  conversation: ConversationRow,
  type: SupervisorEventType,
  supervisor: Supervisor,
  about: Pick<SupervisorEventInput, "messageSid" | "participantSid" | "callSid" | "mediaIdentity"> = {},
): void {
  recordWorkspaceEvent(op, conversation, {
    key: eventKey(),
    type,
    at: op.now,
    conversationSid: conversation.sid,
    taskSid: conversation.task_sid,
    workerSid: agentOf(op, conversation),
    supervisor,
    ...about,
  });
}
