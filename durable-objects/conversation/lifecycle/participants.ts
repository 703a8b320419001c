/**
 * Participants: the customer (a chat identity for web visitors, a messaging binding for everyone else),
 * the agents (identity = their worker SID) and bots. An identity and a binding address each belong to
 * one participant at most (Twilio's 50433 and 50416). Every change is a frame for the open sockets.
 */
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../../common/rpc";
import { iso } from "../../../contract/taskrouter";
import { newSid } from "../../../contract/ids";
import type { AddParticipantInput, UpdateParticipantInput } from "../../common/conversations";
import type { ConversationRecord, ParticipantRecord, ParticipantRole } from "../../../contract/conversations";
import { first, run } from "../../kit/sql-host";
import { pageWindow, slicePage } from "../../kit/paging";
import {
  CUSTOMER_VISIBLE,
  conversationRecord,
  participantBy,
  participantRecord,
  participantRows,
  saveParticipant,
  savePastParticipant,
  type ConversationRow,
  type ParticipantRow,
} from "../store/conversation-rows";
import { loadConversation, optionalText, redactedAttributes, type Op } from "./conversation-operation";

const ROLES: readonly ParticipantRole[] = ["customer", "agent", "bot", "supervisor"];

/** How a participant's messaging binding is typed: the channel the conversation's customer writes on. */
const bindingType = (row: ConversationRow): string => (row.channel === null || row.channel === "web" ? "sms" : row.channel);

/** Adds a participant to a loaded conversation (shared by the API, inbound messages and task events). */
export function insertParticipant(op: Op, conversation: ConversationRow, input: AddParticipantInput): ApiResult<ParticipantRecord> {
  const identity = optionalText("Identity", input.identity);
  if (!identity.ok) return identity;
  const displayName = optionalText("DisplayName", input.displayName);
  if (!displayName.ok) return displayName;
  const attributes = redactedAttributes("Attributes", input.attributes, "{}");
  if (!attributes.ok) return attributes;
  const role = input.role ?? (input.messagingBinding ? "customer" : "agent");
  if (!ROLES.includes(role)) return invalid("Role", `must be one of ${ROLES.join(", ")}`);
  const binding = input.messagingBinding ?? null;
  if (binding !== null && (typeof binding.address !== "string" || binding.address === ""))
    return invalid("MessagingBinding.Address", "is required for a non-chat participant");
  if (!identity.value && binding === null) return invalid("Identity", "is required unless MessagingBinding.Address is given");
  if (identity.value && participantBy(op.host, "identity", identity.value))
    return fail(409, 50433, `Participant already exists: identity ${identity.value} is in conversation ${op.sid}`);
  if (binding && participantBy(op.host, "binding_address", binding.address))
    return fail(409, 50416, `A participant with the messaging binding address ${binding.address} is already in conversation ${op.sid}`);
  const row: ParticipantRow = {
    sid: newSid("MB"),
    identity: identity.value || null,
    attributes: attributes.value,
    binding_type: binding ? bindingType(conversation) : null,
    binding_address: binding?.address ?? null,
    binding_proxy_address: binding ? (binding.proxyAddress ?? "") : null,
    role,
    display_name: displayName.value ?? null,
    last_read_message_index: null,
    last_read_at: null,
    date_created: op.now,
    date_updated: op.now,
  };
  saveParticipant(op.host, row);
  const record = participantRecord(conversation, row);
  op.effects.frames.push({ type: "participant.joined", participant: record });
  op.effects.hooks.push({ type: "onParticipantAdded", participant: record });
  // The directory knows who is in which conversation (ParticipantConversations), and the customer's address.
  op.effects.index = true;
  return ok(record);
}

/** Twilio's cap on the participants a conversation is created with. */
export const MAX_INITIAL_PARTICIPANTS = 50;

/**
 * Checks the participants a new conversation is made with, before anything is written: each must be a
 * chat identity or a messaging binding, and no identity or address may come twice.
 */
export function checkInitialParticipants(inputs: readonly AddParticipantInput[]): ApiResult<void> {
  if (inputs.length > MAX_INITIAL_PARTICIPANTS) return invalid("Participant", `at most ${MAX_INITIAL_PARTICIPANTS} per conversation`);
  const seen = new Set<string>();
  for (const input of inputs) {
    const identity = optionalText("Identity", input.identity);
    if (!identity.ok) return identity;
    const binding = input.messagingBinding ?? null;
    if (!identity.value && (binding === null || typeof binding.address !== "string" || binding.address === ""))
      return invalid("Participant", "each needs an identity or a messaging_binding.address");
    const attributes = redactedAttributes("Participant attributes", input.attributes, "{}");
    if (!attributes.ok) return attributes;
    const key = identity.value ? `identity ${identity.value}` : `address ${binding!.address}`;
    if (seen.has(key)) return invalid("Participant", `${key} is given twice`);
    seen.add(key);
  }
  return ok(undefined);
}

export function addParticipant(op: Op, accountSid: string, input: AddParticipantInput): ApiResult<ParticipantRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  return insertParticipant(op, conversation.value, input);
}

export function listParticipants(op: Op, accountSid: string, page: PageRequest): ApiResult<Page<ParticipantRecord>> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const window = pageWindow(page);
  if (!window.ok) return window;
  const all = participantRows(op.host).map((row) => participantRecord(conversation.value, row));
  return ok(slicePage(all, window.value));
}

/** A participant by SID, or by identity (Twilio accepts either in the path). */
export function findParticipant(op: Op, sidOrIdentity: string): ParticipantRow | undefined {
  return participantBy(op.host, "sid", sidOrIdentity) ?? participantBy(op.host, "identity", sidOrIdentity);
}

export function getParticipant(op: Op, accountSid: string, sidOrIdentity: string): ApiResult<ParticipantRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findParticipant(op, sidOrIdentity);
  return row ? ok(participantRecord(conversation.value, row)) : notFound("Participant", sidOrIdentity);
}

export function updateParticipant(op: Op, accountSid: string, sid: string, input: UpdateParticipantInput): ApiResult<ParticipantRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findParticipant(op, sid);
  if (!row) return notFound("Participant", sid);
  const attributes = redactedAttributes("Attributes", input.attributes, row.attributes);
  if (!attributes.ok) return attributes;
  const displayName = optionalText("DisplayName", input.displayName);
  if (!displayName.ok) return displayName;
  const read = input.lastReadMessageIndex;
  if (read !== undefined && read !== null && (!Number.isInteger(read) || read < 0))
    return invalid("LastReadMessageIndex", "must be a non-negative integer");
  const updated: ParticipantRow = {
    ...row,
    attributes: attributes.value,
    display_name: displayName.value === undefined ? row.display_name : displayName.value,
    last_read_message_index: read === undefined ? row.last_read_message_index : read,
    last_read_at: read === undefined ? row.last_read_at : op.now,
    date_updated: op.now,
  };
  saveParticipant(op.host, updated);
  const record = participantRecord(conversation.value, updated);
  op.effects.frames.push({ type: "participant.updated", participant: record });
  op.effects.hooks.push({ type: "onParticipantUpdated", participant: record });
  return ok(record);
}

/**
 * Removes a participant of a loaded conversation: a `participant.left` frame, and their sockets close.
 * Who they were is kept (sb_past_participants), so the transcript still names them.
 */
export function deleteParticipant(op: Op, conversation: ConversationRow, row: ParticipantRow): ParticipantRecord {
  run(op.host, "DELETE FROM sb_participants WHERE sid = ?", row.sid);
  savePastParticipant(op.host, row, op.now);
  const record = participantRecord(conversation, row);
  op.effects.frames.push({ type: "participant.left", participant: record, date_left: iso(op.now) });
  op.effects.hooks.push({ type: "onParticipantRemoved", participant: record });
  op.effects.left.push(row.sid);
  op.effects.index = true;
  return record;
}

export function removeParticipant(op: Op, accountSid: string, sid: string): ApiResult<null> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findParticipant(op, sid);
  if (!row) return notFound("Participant", sid);
  deleteParticipant(op, conversation.value, row);
  return ok(null);
}

/** The participant the customer is (role `customer`), if any. */
export const customerParticipant = (op: Op): ParticipantRow | undefined => participantRows(op.host).find((p) => p.role === "customer");

/** A participant's view of its conversation (ParticipantConversations, UserConversations). */
export interface MembershipView {
  readonly conversation: ConversationRecord;
  readonly participant: ParticipantRecord;
  /** The newest message's index the participant may read, for the unread count (a customer's: no staff note); null while there is none. */
  readonly lastMessageIndex: number | null;
}

export function membership(op: Op, accountSid: string, sidOrIdentity: string): ApiResult<MembershipView> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = findParticipant(op, sidOrIdentity);
  if (!row) return notFound("Participant", sidOrIdentity);
  const visible = row.role === "customer" ? ` WHERE ${CUSTOMER_VISIBLE}` : "";
  const last = first<{ idx: number | null }>(op.host, `SELECT max(idx) AS idx FROM sb_messages${visible}`)?.idx ?? null;
  return ok({
    conversation: conversationRecord(conversation.value),
    participant: participantRecord(conversation.value, row),
    lastMessageIndex: last,
  });
}
