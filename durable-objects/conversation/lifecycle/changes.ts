/**
 * A customer changing a message after sending it, as Meta's channels report it (the shared inbound
 * path matches the change to the customer's open conversation, as it does a status report):
 * - a reaction is kept on the message it answers, `attributes.reactions: [{by: "customer", emoji}]`
 *   (one per customer: a new one replaces it, taking it back removes it), pushed as `message.updated` —
 *   a reaction is not a message of its own;
 * - an unsend removes the customer's message for the agent: body, attachments and attributes go (the
 *   attachments' bytes too, by the shell after the commit), `attributes.removed` says who and when, and
 *   a `message.removed` frame lets desktops drop it. The row stays: indexes are never reused, and its
 *   idempotency key keeps a late redelivery of the original from storing it again.
 * Both are announced to post-event webhooks as onMessageUpdated, with the channel as their `Source`.
 * A change to a message the conversation does not have changes nothing.
 */
import { iso } from "../../../contract/taskrouter";
import { ok, type ApiResult } from "../../common/rpc";
import type { MediaRef, MessageReaction, MessageRemoval } from "../../../contract/conversations";
import type { MessageChange } from "../../../channels/messages";
import { messageBy, messageRecord, messageRows, saveMessage, type ConversationRow, type MessageRow } from "../store/conversation-rows";
import { keyedMessage } from "./messages";
import { loadConversation, type Op } from "./conversation-operation";

const objectOf = (text: string): Record<string, unknown> | null => {
  const value = JSON.parse(text) as unknown;
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
};

/** The customer's message with this provider ID (its idempotency key), or one we delivered under it. */
const byProviderId = (op: Op, id: string): MessageRow | undefined =>
  keyedMessage(op, `inbound:${id}`) ?? messageBy(op.host, "provider_message_id", id);

/** The latest message a provider took for the customer: what a reaction naming no message answers. */
const latestSent = (op: Op): MessageRow | undefined =>
  messageRows(op.host, "WHERE provider_message_id IS NOT NULL ORDER BY idx DESC LIMIT 1")[0];

/**
 * Applies one change; answers the SID of the message it changed, or null when none was found.
 * @example applyChange(op, "AC…", { kind: "unsent", providerMessageId: "aWdf…", customerAddress: "5830…", at: Date.now() })
 */
export function applyChange(op: Op, accountSid: string, change: MessageChange): ApiResult<{ messageSid: string | null }> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  switch (change.kind) {
    case "reaction": {
      const row = change.providerMessageId === null ? latestSent(op) : byProviderId(op, change.providerMessageId);
      return ok({ messageSid: row ? react(op, conversation.value, row, change.emoji) : null });
    }
    case "unsent": {
      // Only the customer's own messages: a provider ID of ours names a message they cannot withdraw.
      const row = keyedMessage(op, `inbound:${change.providerMessageId}`);
      return ok({ messageSid: row ? remove(op, conversation.value, row) : null });
    }
    default: {
      const never: never = change;
      throw new Error(`unknown message change ${JSON.stringify(never)}`);
    }
  }
}

function react(op: Op, conversation: ConversationRow, row: MessageRow, emoji: string | null): string {
  const attributes = objectOf(row.attributes);
  // Attributes the API set to something other than an object have no place for a reaction.
  if (attributes === null || attributes.removed) return row.sid;
  const others = (Array.isArray(attributes.reactions) ? (attributes.reactions as MessageReaction[]) : []).filter(
    (r) => r.by !== "customer",
  );
  const reactions: MessageReaction[] = emoji === null ? others : [...others, { by: "customer", emoji }];
  const { reactions: _before, ...rest } = attributes;
  const next = reactions.length > 0 ? { ...rest, reactions } : rest;
  const text = JSON.stringify(next);
  if (text === row.attributes) return row.sid;
  const updated: MessageRow = { ...row, attributes: text, date_updated: op.now };
  saveMessage(op.host, updated);
  const record = messageRecord(conversation, updated);
  op.effects.frames.push({ type: "message.updated", message: record });
  op.effects.hooks.push({ type: "onMessageUpdated", message: record });
  return row.sid;
}

function remove(op: Op, conversation: ConversationRow, row: MessageRow): string {
  if (objectOf(row.attributes)?.removed) return row.sid; // withdrawn already
  const removed: MessageRemoval = { by: "customer", date_removed: iso(op.now) };
  const media = row.media === null ? [] : (JSON.parse(row.media) as MediaRef[]);
  const updated: MessageRow = { ...row, body: null, media: null, attributes: JSON.stringify({ removed }), date_updated: op.now };
  saveMessage(op.host, updated);
  op.effects.deleteMedia.push(...media.map((ref) => ref.sid));
  const record = messageRecord(conversation, updated);
  op.effects.frames.push({ type: "message.removed", message: record });
  // To webhooks an update: the message is still there (GET answers it), emptied.
  op.effects.hooks.push({ type: "onMessageUpdated", message: record });
  return row.sid;
}
