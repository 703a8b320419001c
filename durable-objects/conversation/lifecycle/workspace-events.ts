/**
 * The conversation's events for the workspace's Events list, on their way to the Router: a supervisor's
 * actions (supervision.ts) and the customer's survey answer (survey.ts). Each is written to one outbox
 * (kit/outbox.ts) in its change's own transaction; the shell hands it to the Router of the conversation's
 * task (the home region's when it has none), which records it once, however often the hand-over is
 * repeated, since the message's key makes the event's SID (router/lifecycle/handed-over-events.ts).
 */
import { enqueue } from "../../kit/outbox";
import { newSid } from "../../../contract/ids";
import type { ConversationEventInput } from "../../common/conversations";
import type { ConversationRow } from "../store/conversation-rows";
import type { Op } from "./conversation-operation";

/** The outbox topic (stored as "supervision": it carried only supervisors' actions at first). */
export const WORKSPACE_EVENTS_TOPIC = "supervision";

/** One outbox message: the event and where it belongs. */
export interface WorkspaceEventMessage {
  readonly accountSid: string;
  readonly workspaceSid: string;
  readonly event: ConversationEventInput;
}

/** An event's key: 24 hex digits, the Router's event SID is made from it. */
export const eventKey = (): string => newSid("EV").slice(2, 26);

/**
 * Writes the event to the outbox (in the caller's transaction) and marks the operation, so the shell
 * guards it with the outbox's timer in the same transaction and hands it over after the commit.
 * @example recordWorkspaceEvent(op, row, { key: eventKey(), type: "conversation.survey", … })
 */
export function recordWorkspaceEvent(op: Op, conversation: ConversationRow, event: ConversationEventInput): void {
  const message: WorkspaceEventMessage = { accountSid: conversation.account_sid, workspaceSid: conversation.workspace_sid, event };
  enqueue(op.host, WORKSPACE_EVENTS_TOPIC, JSON.stringify(message));
  op.effects.workspaceEvents = true;
}
