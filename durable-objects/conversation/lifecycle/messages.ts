/**
 * Messages: indexed 0, 1, 2 … in the order the conversation stored them, redacted (card numbers in the
 * body, the attributes and media names) before they are stored, idempotent by key (the same key answers
 * the same message), and queued for delivery to the customer's channel when an agent or the API writes
 * to a customer who is not on web chat. A staff-only message (`visibility` `staff`: an internal note, a
 * supervisor's whisper) is never queued, and only staff see it (sockets.ts, `CUSTOMER_VISIBLE`).
 */
import { invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../../common/rpc";
import { newSid } from "../../../contract/ids";
import { redactDeep } from "../../common/card-attributes";
import type { AddMessageInput, UpdateMessageInput } from "../../common/conversations";
import type { DeliveryReceiptRecord, MediaRef, MessageRecord, MessageVisibility } from "../../../contract/conversations";
import { first, run } from "../../kit/sql-host";
import { pageFrom, pageWindow, slicePage } from "../../kit/paging";
import {
  CUSTOMER_VISIBLE,
  messageBy,
  messageRecord,
  messageRows,
  receiptRecord,
  saveMessage,
  type ConversationRow,
  type MessageRow,
} from "../store/conversation-rows";
import { conflict, loadConversation, redactedAttributes, redactedBody, type Op } from "./conversation-operation";
import { customerParticipant, findParticipant } from "./participants";
import { enqueueDelivery } from "./delivery";

/** Twilio's default author of a message sent through the API without one. */
const SYSTEM_AUTHOR = "system";
export const MAX_BODY = 32 * 1024;
const VISIBILITIES: readonly MessageVisibility[] = ["all", "staff"];

/** The message an idempotency key already answered, if any. */
export function keyedMessage(op: Op, key: string): MessageRow | undefined {
  const found = first<{ message_sid: string }>(op.host, "SELECT message_sid FROM sb_idempotency WHERE key = ?", key);
  return found ? messageBy(op.host, "sid", found.message_sid) : undefined;
}

const rememberKey = (op: Op, key: string, messageSid: string): void =>
  run(op.host, "INSERT OR REPLACE INTO sb_idempotency (key, message_sid) VALUES (?, ?)", key, messageSid);

/** The next message index: counted apart from the messages, so a removed message's index is never given again. */
function nextIndex(op: Op): number {
  const next = first<{ next: number }>(op.host, "SELECT next FROM sb_sequence WHERE name = 'message'")?.next ?? 0;
  run(op.host, "INSERT OR REPLACE INTO sb_sequence (name, next) VALUES ('message', ?)", next + 1);
  return next;
}

/**
 * A stored message (shared by the API, sockets and inbound messages); `key` is the full idempotency key;
 * `requireContent`: refuse a message with neither body nor media.
 */
export function insertMessage(
  op: Op,
  conversation: ConversationRow,
  input: AddMessageInput,
  key: string | null,
  requireContent = true,
  /** The customer's answer to the survey: the one message a closed conversation still takes (survey.ts). */
  surveyAnswer = false,
): ApiResult<MessageRecord> {
  if (key !== null) {
    const earlier = keyedMessage(op, key);
    if (earlier) return ok(messageRecord(conversation, earlier));
  }
  if (conversation.state === "closed" && !surveyAnswer) return conflict(`Conversation ${op.sid} is closed and takes no more messages`);
  if (input.body !== undefined && input.body !== null && typeof input.body !== "string") return invalid("Body", "must be a string");
  const body = redactedBody(input.body);
  if (body !== null && body.length > MAX_BODY) return invalid("Body", `must be at most ${MAX_BODY} characters`);
  const media: MediaRef[] = redactDeep([...(input.media ?? [])]);
  if (requireContent && (body === null || body === "") && media.length === 0)
    return invalid("Body", "is required unless the message has media");
  const attributes = redactedAttributes("Attributes", input.attributes, "{}");
  if (!attributes.ok) return attributes;
  const visibility = input.visibility ?? "all";
  if (!VISIBILITIES.includes(visibility)) return invalid("Visibility", `must be one of ${VISIBILITIES.join(", ")}`);

  // The author as a participant: the one named, else the participant whose identity is the author.
  let participant = input.participantSid ? findParticipant(op, input.participantSid) : undefined;
  if (input.participantSid && !participant) return invalid("ParticipantSid", `no participant ${input.participantSid} in this conversation`);
  const author = input.author ?? participant?.identity ?? participant?.binding_address ?? SYSTEM_AUTHOR;
  if (typeof author !== "string" || author === "") return invalid("Author", "must be a non-empty string");
  participant ??= findParticipant(op, author);

  const customer = customerParticipant(op);
  const fromCustomer = customer !== undefined && (participant?.sid === customer.sid || author === customer.binding_address);
  if (fromCustomer && visibility === "staff") return invalid("Visibility", "staff: the customer cannot write an internal note");
  const delivered =
    visibility === "all" &&
    !fromCustomer &&
    customer?.binding_address != null &&
    conversation.channel !== null &&
    conversation.channel !== "web";
  const created = input.dateCreated ?? op.now;
  const row: MessageRow = {
    idx: nextIndex(op),
    sid: newSid("IM"),
    author,
    body,
    media: media.length === 0 ? null : JSON.stringify(media),
    attributes: attributes.value,
    participant_sid: participant?.sid ?? null,
    date_created: created,
    date_updated: created,
    delivery_status: delivered ? "queued" : null,
    delivery_error: null,
    provider_message_id: null,
    delivery_participant_sid: delivered ? (customer?.sid ?? null) : null,
    delivery_error_code: null,
    receipt_created_at: null,
    receipt_updated_at: null,
    visibility,
    author_role: participant?.role ?? input.authorRole ?? null,
  };
  saveMessage(op.host, row);
  if (key !== null) rememberKey(op, key, row.sid);
  if (delivered) enqueueDelivery(op, row.idx);
  const record = messageRecord(conversation, row);
  op.effects.frames.push({ type: "message.added", message: record });
  op.effects.hooks.push({ type: "onMessageAdded", message: record });
  return ok(record);
}

export function addMessage(op: Op, accountSid: string, input: AddMessageInput): ApiResult<MessageRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const key = input.idempotencyKey ? `client:${input.idempotencyKey}` : null;
  return insertMessage(op, conversation.value, input, key);
}

/**
 * A page of messages by index. `customer`: only what the customer may see (the widget's routes); the
 * team's API and the desktop read every message, notes marked by `visibility`.
 */
export function listMessages(
  op: Op,
  accountSid: string,
  page: PageRequest,
  order: "asc" | "desc",
  audience: "staff" | "customer" = "staff",
): ApiResult<Page<MessageRecord>> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  if (order !== "asc" && order !== "desc") return invalid("Order", "must be asc or desc");
  const window = pageWindow(page);
  if (!window.ok) return window;
  const { limit, offset } = window.value;
  const where = audience === "customer" ? `WHERE ${CUSTOMER_VISIBLE} ` : "";
  const fetched = messageRows(op.host, `${where}ORDER BY idx ${order === "asc" ? "ASC" : "DESC"} LIMIT ? OFFSET ?`, limit, offset);
  const result = pageFrom(fetched, window.value);
  return ok({ ...result, items: result.items.map((row) => messageRecord(conversation.value, row)) });
}

/** Messages after `since` (all when null), oldest first: what a socket's snapshot carries (staff notes for staff only). */
export function messagesSince(op: Op, conversation: ConversationRow, since: number | null, staff: boolean): MessageRecord[] {
  const where = staff ? "WHERE idx > ?" : `WHERE idx > ? AND ${CUSTOMER_VISIBLE}`;
  return messageRows(op.host, `${where} ORDER BY idx`, since ?? -1).map((row) => messageRecord(conversation, row));
}

/** A message by SID, or by index (Twilio accepts either in the path). */
function findMessage(op: Op, sidOrIndex: string): MessageRow | undefined {
  return /^\d{1,15}$/.test(sidOrIndex) ? messageBy(op.host, "idx", Number(sidOrIndex)) : messageBy(op.host, "sid", sidOrIndex);
}

export function getMessage(op: Op, accountSid: string, sidOrIndex: string): ApiResult<MessageRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findMessage(op, sidOrIndex);
  return row ? ok(messageRecord(conversation.value, row)) : notFound("Message", sidOrIndex);
}

export function updateMessage(op: Op, accountSid: string, sid: string, input: UpdateMessageInput): ApiResult<MessageRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findMessage(op, sid);
  if (!row) return notFound("Message", sid);
  if (input.body !== undefined && input.body !== null && typeof input.body !== "string") return invalid("Body", "must be a string");
  const body = input.body === undefined ? row.body : redactedBody(input.body);
  if ((body === null || body === "") && row.media === null) return invalid("Body", "is required unless the message has media");
  const attributes = redactedAttributes("Attributes", input.attributes, row.attributes);
  if (!attributes.ok) return attributes;
  const updated: MessageRow = { ...row, body, attributes: attributes.value, date_updated: op.now };
  saveMessage(op.host, updated);
  const record = messageRecord(conversation.value, updated);
  op.effects.frames.push({ type: "message.updated", message: record });
  op.effects.hooks.push({ type: "onMessageUpdated", message: record });
  return ok(record);
}

/** Removes a message; one still waiting to be delivered is taken off the queue (one in flight may still arrive). */
export function removeMessage(op: Op, accountSid: string, sid: string): ApiResult<null> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findMessage(op, sid);
  if (!row) return notFound("Message", sid);
  run(op.host, "DELETE FROM sb_messages WHERE idx = ?", row.idx);
  run(op.host, "DELETE FROM sb_deliveries WHERE message_idx = ?", row.idx);
  run(op.host, "DELETE FROM sb_idempotency WHERE message_sid = ?", row.sid);
  op.effects.hooks.push({ type: "onMessageRemoved", message: messageRecord(conversation.value, { ...row, date_updated: op.now }) });
  return ok(null);
}

/** A message's delivery receipts: its customer's, once the delivery has one (Twilio lists one per recipient). */
export function listReceipts(
  op: Op,
  accountSid: string,
  messageSidOrIndex: string,
  page: PageRequest,
): ApiResult<Page<DeliveryReceiptRecord>> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findMessage(op, messageSidOrIndex);
  if (!row) return notFound("Message", messageSidOrIndex);
  const window = pageWindow(page);
  if (!window.ok) return window;
  const receipt = receiptRecord(conversation.value, row);
  return ok(slicePage(receipt === null ? [] : [receipt], window.value));
}

export function getReceipt(op: Op, accountSid: string, messageSidOrIndex: string, receiptSid: string): ApiResult<DeliveryReceiptRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findMessage(op, messageSidOrIndex);
  if (!row) return notFound("Message", messageSidOrIndex);
  const receipt = receiptRecord(conversation.value, row);
  return receipt !== null && receipt.sid === receiptSid ? ok(receipt) : notFound("DeliveryReceipt", receiptSid);
}
