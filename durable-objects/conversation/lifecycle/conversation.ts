/**
 * The conversation itself: creating it (through the API, or by the first inbound message), reading
 * and updating it, its entry in the workspace's directory, and the tombstone a deletion leaves.
 *
 * States follow Twilio's: `active` while someone works on it, `inactive` once the agent wrapped up,
 * `closed` when its task is completed or canceled — a closed conversation is never reopened (the
 * customer's next message opens a new one), but its transcript stays readable.
 */
import { fail, invalid, ok, type ApiResult } from "../../common/rpc";
import type { ConversationIndexEntry, CreateConversationInput, UpdateConversationInput } from "../../common/conversations";
import type { ConversationRecord, ConversationState } from "../../../contract/conversations";
import { run } from "../../kit/sql-host";
import { jurisdictionOf } from "../../../platform/jurisdictions";
import { conversationRecord, conversationRow, participantRows, saveConversation, type ConversationRow } from "../store/conversation-rows";
import { conflict, isDeleted, loadConversation, optionalText, redactedAttributes, type Op } from "./conversation-operation";

const STATES: readonly ConversationState[] = ["active", "inactive", "closed"];

/**
 * Why this object cannot take a new conversation of `workspaceSid`: it holds one, or held one that was
 * deleted, or its SID is not in the workspace's jurisdiction (it would hold a pinned workspace's
 * messages outside it, or be looked for where it is not: a bug of whoever minted the SID).
 */
export function cannotCreate(op: Op, workspaceSid: string): ApiResult<void> {
  if (jurisdictionOf(op.sid) !== jurisdictionOf(workspaceSid)) {
    return fail(500, 20500, `Conversation ${op.sid} is not in the jurisdiction of workspace ${workspaceSid}; it was not created`);
  }
  if (isDeleted(op)) return conflict(`Conversation ${op.sid} was deleted; a conversation SID is never reused`);
  if (conversationRow(op.host)) return conflict(`Conversation ${op.sid} already exists`);
  return ok(undefined);
}

/** The row a create would store, after every check; nothing is written. */
export function newConversation(op: Op, accountSid: string, input: CreateConversationInput): ApiResult<ConversationRow> {
  const blocked = cannotCreate(op, input.workspaceSid);
  if (!blocked.ok) return blocked;
  const friendlyName = optionalText("FriendlyName", input.friendlyName);
  if (!friendlyName.ok) return friendlyName;
  const uniqueName = optionalText("UniqueName", input.uniqueName);
  if (!uniqueName.ok) return uniqueName;
  const attributes = redactedAttributes("Attributes", input.attributes, "{}");
  if (!attributes.ok) return attributes;
  const state = input.state ?? "active";
  if (!STATES.includes(state)) return invalid("State", `must be one of ${STATES.join(", ")}`);
  const created = input.dateCreated ?? op.now;
  if (!Number.isFinite(created)) return invalid("DateCreated", "must be a date");
  return ok({
    sid: op.sid,
    account_sid: accountSid,
    workspace_sid: input.workspaceSid,
    friendly_name: friendlyName.value ?? null,
    unique_name: uniqueName.value || null,
    attributes: attributes.value,
    state,
    channel: input.channel ?? null,
    channel_sid: input.channelSid ?? null,
    task_sid: null,
    date_created: created,
    date_updated: created,
    version: 0,
    profile_sid: null,
    last_worker_sid: null,
    task_request: null,
    task_pending: 0,
    task_attempts: 0,
    task_error: null,
    survey_question: null,
    survey: null,
  });
}

/**
 * Stores a conversation checked by {@link newConversation}; `binding`: the customer's addresses, when a
 * message of theirs opened it (announced with the conversation, as Twilio does).
 */
export function storeConversation(
  op: Op,
  row: ConversationRow,
  binding: { address: string; proxyAddress: string } | null = null,
): ConversationRecord {
  const saved = saveConversation(op.host, row);
  op.effects.index = true;
  const record = conversationRecord(saved);
  op.effects.hooks.push({ type: "onConversationAdded", conversation: record, binding });
  return record;
}

export function getConversation(op: Op, accountSid: string): ApiResult<ConversationRecord> {
  const row = loadConversation(op, accountSid);
  return row.ok ? ok(conversationRecord(row.value)) : row;
}

/** The row an update would store, after every check; nothing is written. */
export function patchedConversation(row: ConversationRow, input: UpdateConversationInput, now: number): ApiResult<ConversationRow> {
  const friendlyName = optionalText("FriendlyName", input.friendlyName);
  if (!friendlyName.ok) return friendlyName;
  const uniqueName = optionalText("UniqueName", input.uniqueName);
  if (!uniqueName.ok) return uniqueName;
  const attributes = redactedAttributes("Attributes", input.attributes, row.attributes);
  if (!attributes.ok) return attributes;
  const state = input.state ?? row.state;
  if (!STATES.includes(state)) return invalid("State", `must be one of ${STATES.join(", ")}`);
  if (row.state === "closed" && state !== "closed")
    return fail(400, 20001, "Invalid parameter State: a closed conversation cannot be reopened");
  return ok({
    ...row,
    friendly_name: friendlyName.value === undefined ? row.friendly_name : friendlyName.value,
    unique_name: uniqueName.value === undefined ? row.unique_name : uniqueName.value || null,
    attributes: attributes.value,
    state,
    date_updated: now,
  });
}

/** Applies an update (checked again on the current row: the shell may have awaited the directory meanwhile). */
export function updateConversation(op: Op, accountSid: string, input: UpdateConversationInput): ApiResult<ConversationRecord> {
  const row = loadConversation(op, accountSid);
  if (!row.ok) return row;
  const patched = patchedConversation(row.value, input, op.now);
  if (!patched.ok) return patched;
  const saved = saveConversation(op.host, patched.value);
  op.effects.index = true;
  const record = conversationRecord(saved);
  op.effects.frames.push({ type: "conversation.updated", conversation: record });
  announceUpdate(op, record, row.value.state);
  return ok(record);
}

/** The post-events of an update: updated, and state updated when the state moved. */
function announceUpdate(op: Op, record: ConversationRecord, from: ConversationState): void {
  op.effects.hooks.push({ type: "onConversationUpdated", conversation: record });
  if (record.state !== from) op.effects.hooks.push({ type: "onConversationStateUpdated", conversation: record, from });
}

/** Moves the conversation to `state` (task events); no-op when it is there already. */
export function moveTo(op: Op, row: ConversationRow, state: ConversationState): ConversationRow {
  if (row.state === state || row.state === "closed") return row;
  const saved = saveConversation(op.host, { ...row, state, date_updated: op.now });
  op.effects.index = true;
  const record = conversationRecord(saved);
  op.effects.frames.push({ type: "conversation.updated", conversation: record });
  announceUpdate(op, record, row.state);
  return saved;
}

/** The customer's address: their messaging binding, or their chat identity (web visitors). */
export function customerAddress(op: Op): string | null {
  const customer = participantRows(op.host).find((p) => p.role === "customer");
  return customer ? (customer.binding_address ?? customer.identity) : null;
}

/** The directory's row for this conversation. */
export function indexEntry(op: Op, row: ConversationRow): ConversationIndexEntry {
  const survey = conversationRecord(row).survey;
  return {
    sid: row.sid,
    uniqueName: row.unique_name,
    friendlyName: row.friendly_name,
    state: row.state,
    channel: row.channel,
    channelSid: row.channel_sid,
    customerAddress: customerAddress(op),
    profileSid: row.profile_sid,
    lastWorkerSid: row.last_worker_sid,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
    survey: survey ?? null,
    // Within its window a reply on the customer's messaging address that reads as a rating is routed here:
    // answered already, it is refused and opens a new conversation — but a provider's retry of the answer
    // still finds it here, stored once.
    surveyOpenUntil: survey?.via === "message" ? Date.parse(survey.date_expires) : null,
    participants: participantRows(op.host).map((p) => ({ sid: p.sid, identity: p.identity, address: p.binding_address })),
  };
}

/** After `deleteAll()` wiped the storage (and the migrations were applied again): remember the SID was used. */
export function writeTombstone(op: Op, accountSid: string): void {
  run(op.host, "INSERT OR REPLACE INTO sb_tombstone (id, sid, account_sid, deleted_at) VALUES (1, ?, ?, ?)", op.sid, accountSid, op.now);
}
