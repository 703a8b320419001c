/**
 * Which TaskRouter events a conversation has to hear about. A messaging task carries its
 * conversation's SID in the `conversationSid` attribute (Flex's name); when an agent accepts it, wraps
 * it up or it ends, the ConversationDO must add the agent, let them go or close — so the Router puts
 * those events in its outbox as `conversation` messages, in the same transaction as the change, and
 * the Router DO hands them to the ConversationDO by RPC (not through the queue, whose batching would
 * keep the agent out of the conversation for seconds).
 */
import type { ConversationTaskEvent } from "../../common/conversations";
import type { EventRecord } from "../../../contract/taskrouter";

/** The events that change who is in a conversation or whether it is open. */
export const CONVERSATION_EVENT_TYPES: ReadonlySet<string> = new Set([
  "reservation.accepted",
  "reservation.wrapup",
  "reservation.completed",
  "task.wrapup",
  "task.completed",
  "task.canceled",
  "task.deleted",
  "task.system-deleted",
]);

/** What the Router DO sends to a ConversationDO (an outbox message that never reaches the queue). */
export interface ConversationMessage {
  readonly kind: "conversation";
  readonly accountSid: string;
  readonly conversationSid: string;
  readonly event: ConversationTaskEvent;
}

const CONVERSATION_SID = /^CH[0-9a-f]{32}$/;

/**
 * The conversation message for an event, or null when the event is not one a conversation needs or
 * its task has no conversation.
 * @example conversationMessage(acceptedEvent)?.event.eventType // "reservation.accepted"
 */
export function conversationMessage(event: EventRecord): ConversationMessage | null {
  if (!CONVERSATION_EVENT_TYPES.has(event.event_type)) return null;
  const data = event.event_data;
  const attributes = data.task_attributes;
  // Most tasks are not conversations: a substring test spares parsing their attributes on every event.
  if (typeof attributes !== "string" || !attributes.includes("conversationSid")) return null;
  let conversationSid: unknown;
  try {
    conversationSid = (JSON.parse(attributes) as { conversationSid?: unknown } | null)?.conversationSid;
  } catch {
    return null;
  }
  if (typeof conversationSid !== "string" || !CONVERSATION_SID.test(conversationSid)) return null;
  const text = (key: string): string | null => (typeof data[key] === "string" ? (data[key] as string) : null);
  return {
    kind: "conversation",
    accountSid: event.account_sid,
    conversationSid,
    event: {
      eventSid: event.sid,
      eventType: event.event_type,
      workspaceSid: event.workspace_sid,
      taskSid: text("task_sid") ?? event.resource_sid,
      conversationSid,
      workerSid: text("worker_sid"),
      workerName: text("worker_name"),
      reservationSid: text("reservation_sid"),
      at: event.event_date_ms,
      ...(typeof data.task_canceled_reason === "string" ? { reason: data.task_canceled_reason } : {}),
    },
  };
}
