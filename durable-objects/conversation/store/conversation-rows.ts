/**
 * The ConversationDO's rows and how each becomes the contract's record (Twilio Conversations v1's JSON).
 * Rows are read and written only here and in the lifecycle modules, always with bound parameters.
 */
import { first, rows, run, type StoreHost } from "../../kit/sql-host";
import { iso } from "../../../contract/taskrouter";
import type { ConversationSurvey } from "../../../contract/surveys";
import type {
  ConversationChannel,
  ConversationRecord,
  ConversationState,
  DeliveryReceiptRecord,
  DeliveryStatus,
  MediaRef,
  MessageDelivery,
  MessageRecord,
  MessageVisibility,
  ParticipantRecord,
  ParticipantRole,
  PastParticipantRecord,
} from "../../../contract/conversations";

export type { StoreHost };

/** What the conversation's tasks are created with (attributes already redacted JSON text). */
export interface TaskRequest {
  readonly workflowSid: string | null;
  readonly taskChannel: string;
  readonly attributes: string;
  /** Where its tasks are to be created (the Worker's placement when the conversation opened); absent: the home region. */
  readonly region?: string;
  /** A flow's hand-off's Priority and Timeout (enqueue-call, send-to-flex); absent: the Router's defaults. */
  readonly priority?: number;
  readonly timeout?: number;
}

export interface ConversationRow {
  sid: string;
  account_sid: string;
  workspace_sid: string;
  friendly_name: string | null;
  unique_name: string | null;
  attributes: string;
  state: ConversationState;
  channel: ConversationChannel | null;
  channel_sid: string | null;
  task_sid: string | null;
  date_created: number;
  date_updated: number;
  version: number;
  profile_sid: string | null;
  last_worker_sid: string | null;
  /** JSON of the {@link TaskRequest} the conversation's tasks are made from; null for one made through the API. */
  task_request: string | null;
  /** 1 while the first task is still to be created through the Router. */
  task_pending: number;
  task_attempts: number;
  task_error: string | null;
  /** The survey question its channel had when it opened; null: it offers none. */
  survey_question: string | null;
  /** JSON of the {@link ConversationSurvey} once offered, else null. */
  survey: string | null;
}

export interface ParticipantRow {
  sid: string;
  identity: string | null;
  attributes: string;
  binding_type: string | null;
  binding_address: string | null;
  binding_proxy_address: string | null;
  role: ParticipantRole;
  display_name: string | null;
  last_read_message_index: number | null;
  last_read_at: number | null;
  date_created: number;
  date_updated: number;
}

export interface MessageRow {
  idx: number;
  sid: string;
  author: string;
  body: string | null;
  /** JSON of MediaRef[], or null. */
  media: string | null;
  attributes: string;
  participant_sid: string | null;
  date_created: number;
  date_updated: number;
  delivery_status: DeliveryStatus | null;
  delivery_error: string | null;
  provider_message_id: string | null;
  /** The participant the delivery went to (the customer), set when it was queued. */
  delivery_participant_sid: string | null;
  /** The provider's numeric error code of a failed delivery. */
  delivery_error_code: number | null;
  /** When the delivery first reached a receipt status (sent, failed …) and when it last moved. */
  receipt_created_at: number | null;
  receipt_updated_at: number | null;
  /** `staff`: an internal note or a whisper, never shown or delivered to the customer. */
  visibility: MessageVisibility;
  author_role: ParticipantRole | null;
}

const CONVERSATION_COLUMNS =
  "sid, account_sid, workspace_sid, friendly_name, unique_name, attributes, state, channel, channel_sid, task_sid, date_created, date_updated, version, profile_sid, last_worker_sid, task_request, task_pending, task_attempts, task_error, survey_question, survey";
const PARTICIPANT_COLUMNS =
  "sid, identity, attributes, binding_type, binding_address, binding_proxy_address, role, display_name, last_read_message_index, last_read_at, date_created, date_updated";
const MESSAGE_COLUMNS =
  "idx, sid, author, body, media, attributes, participant_sid, date_created, date_updated, delivery_status, delivery_error, provider_message_id, " +
  "delivery_participant_sid, delivery_error_code, receipt_created_at, receipt_updated_at, visibility, author_role";

export const conversationRow = (host: StoreHost): ConversationRow | undefined =>
  first<ConversationRow>(host, `SELECT ${CONVERSATION_COLUMNS} FROM sb_conversation WHERE id = 1`);

/** Writes the whole row with its version bumped; answers the row as stored. */
export function saveConversation(host: StoreHost, row: ConversationRow): ConversationRow {
  const saved = { ...row, version: row.version + 1 };
  const columns = CONVERSATION_COLUMNS.split(", ") as (keyof ConversationRow)[];
  run(
    host,
    `INSERT OR REPLACE INTO sb_conversation (id, ${CONVERSATION_COLUMNS}) VALUES (1, ${columns.map(() => "?").join(", ")})`,
    ...columns.map((column) => saved[column]),
  );
  return saved;
}

/** What the DirectoryDO is yet to be told of the customer (`InboundContext.register`, JSON), or undefined. */
export const pendingRegistration = (host: StoreHost): string | undefined =>
  first<{ body: string }>(host, "SELECT body FROM sb_registration WHERE id = 1")?.body;

export function saveRegistration(host: StoreHost, body: string | null): void {
  if (body === null) run(host, "DELETE FROM sb_registration WHERE id = 1");
  else run(host, "INSERT OR REPLACE INTO sb_registration (id, body) VALUES (1, ?)", body);
}

export const tombstone = (host: StoreHost): { sid: string; account_sid: string } | undefined =>
  first(host, "SELECT sid, account_sid FROM sb_tombstone WHERE id = 1");

export const participantRows = (host: StoreHost): ParticipantRow[] =>
  rows<ParticipantRow>(host, `SELECT ${PARTICIPANT_COLUMNS} FROM sb_participants ORDER BY date_created, sid`);

export const participantBy = (host: StoreHost, column: "sid" | "identity" | "binding_address", value: string): ParticipantRow | undefined =>
  first<ParticipantRow>(host, `SELECT ${PARTICIPANT_COLUMNS} FROM sb_participants WHERE ${column} = ?`, value);

export function saveParticipant(host: StoreHost, row: ParticipantRow): void {
  const columns = PARTICIPANT_COLUMNS.split(", ") as (keyof ParticipantRow)[];
  run(
    host,
    `INSERT OR REPLACE INTO sb_participants (${PARTICIPANT_COLUMNS}) VALUES (${columns.map(() => "?").join(", ")})`,
    ...columns.map((column) => row[column]),
  );
}

/** Keeps a participant who leaves (in the same transaction as their removal). */
export function savePastParticipant(host: StoreHost, row: ParticipantRow, leftAt: number): void {
  run(
    host,
    `INSERT OR REPLACE INTO sb_past_participants (sid, identity, role, display_name, last_read_message_index, date_created, date_left)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    row.sid,
    row.identity,
    row.role,
    row.display_name,
    row.last_read_message_index,
    row.date_created,
    leftAt,
  );
}

export const pastParticipants = (host: StoreHost): PastParticipantRecord[] =>
  rows<{
    sid: string;
    identity: string | null;
    role: ParticipantRole;
    display_name: string | null;
    last_read_message_index: number | null;
    date_created: number;
    date_left: number;
  }>(
    host,
    "SELECT sid, identity, role, display_name, last_read_message_index, date_created, date_left FROM sb_past_participants ORDER BY date_created, sid",
  ).map((row) => ({
    sid: row.sid,
    identity: row.identity,
    role: row.role,
    display_name: row.display_name,
    last_read_message_index: row.last_read_message_index === null ? null : Number(row.last_read_message_index),
    date_created: iso(Number(row.date_created)),
    date_left: iso(Number(row.date_left)),
  }));

/** The SQL condition of the messages the customer may see: no staff note (their socket, their unread count). */
export const CUSTOMER_VISIBLE = "visibility = 'all'";

export const messageBy = (host: StoreHost, column: "sid" | "idx" | "provider_message_id", value: string | number): MessageRow | undefined =>
  first<MessageRow>(host, `SELECT ${MESSAGE_COLUMNS} FROM sb_messages WHERE ${column} = ?`, value);

export const messageRows = (host: StoreHost, where: string, ...bindings: (string | number)[]): MessageRow[] =>
  rows<MessageRow>(host, `SELECT ${MESSAGE_COLUMNS} FROM sb_messages ${where}`, ...bindings);

export function saveMessage(host: StoreHost, row: MessageRow): void {
  const columns = MESSAGE_COLUMNS.split(", ") as (keyof MessageRow)[];
  run(
    host,
    `INSERT OR REPLACE INTO sb_messages (${MESSAGE_COLUMNS}) VALUES (${columns.map(() => "?").join(", ")})`,
    ...columns.map((column) => row[column]),
  );
}

// ── records ──────────────────────────────────────────────────────────────────────────────────────

/** The chat service every workspace's conversations belong to: `IS` + the workspace SID's hex. */
export const chatServiceSid = (workspaceSid: string): string => "IS" + workspaceSid.slice(2);

export function conversationRecord(row: ConversationRow): ConversationRecord {
  return {
    sid: row.sid,
    account_sid: row.account_sid,
    chat_service_sid: chatServiceSid(row.workspace_sid),
    messaging_service_sid: null,
    friendly_name: row.friendly_name,
    unique_name: row.unique_name,
    attributes: row.attributes,
    state: row.state,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
    timers: {},
    bindings: null,
    workspace_sid: row.workspace_sid,
    channel: row.channel,
    channel_sid: row.channel_sid,
    task_sid: row.task_sid,
    ...(row.survey === null ? {} : { survey: JSON.parse(row.survey) as ConversationSurvey }),
  };
}

export function participantRecord(conversation: ConversationRow, row: ParticipantRow): ParticipantRecord {
  return {
    sid: row.sid,
    account_sid: conversation.account_sid,
    conversation_sid: conversation.sid,
    identity: row.identity,
    attributes: row.attributes,
    messaging_binding:
      row.binding_address === null
        ? null
        : { type: row.binding_type ?? "sms", address: row.binding_address, proxy_address: row.binding_proxy_address ?? "" },
    role_sid: null,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
    last_read_message_index: row.last_read_message_index,
    last_read_timestamp: row.last_read_at === null ? null : iso(row.last_read_at),
    role: row.role,
    display_name: row.display_name,
  };
}

/** Twilio's delivery receipt summary of a message sent to one recipient (the customer's channel). */
function delivery(status: DeliveryStatus | null): MessageDelivery | null {
  if (status === null) return null;
  const is = (...states: DeliveryStatus[]) => (states.includes(status) ? "all" : "none");
  return {
    total: 1,
    // A delivered or read message was sent too.
    sent: is("sent", "delivered", "read"),
    delivered: is("delivered", "read"),
    read: is("read"),
    failed: is("failed"),
    undelivered: is("undelivered"),
  };
}

export function messageRecord(conversation: ConversationRow, row: MessageRow): MessageRecord {
  return {
    sid: row.sid,
    account_sid: conversation.account_sid,
    conversation_sid: conversation.sid,
    index: row.idx,
    author: row.author,
    body: row.body,
    media: row.media === null ? null : (JSON.parse(row.media) as MediaRef[]),
    attributes: row.attributes,
    participant_sid: row.participant_sid,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
    delivery: delivery(row.delivery_status),
    content_sid: null,
    delivery_status: row.delivery_status,
    delivery_error: row.delivery_error,
    visibility: row.visibility,
    author_role: row.author_role,
  };
}

/** The statuses a delivery receipt can have: a message still queued or sending has none yet. */
const RECEIPT_STATUSES = ["sent", "delivered", "read", "failed", "undelivered"] as const;

/** The delivery receipt's SID: one receipt per message (its one recipient), so it is the message's hex behind `DY`. */
export const receiptSid = (messageSid: string): string => "DY" + messageSid.slice(2);

/** A message's delivery receipt, once its delivery has one; null before (or for a message never delivered). */
export function receiptRecord(conversation: ConversationRow, row: MessageRow): DeliveryReceiptRecord | null {
  const status = RECEIPT_STATUSES.find((s) => s === row.delivery_status);
  if (status === undefined) return null;
  const created = row.receipt_created_at ?? row.date_updated;
  return {
    sid: receiptSid(row.sid),
    account_sid: conversation.account_sid,
    chat_service_sid: chatServiceSid(conversation.workspace_sid),
    conversation_sid: conversation.sid,
    message_sid: row.sid,
    channel_message_sid: row.provider_message_id,
    participant_sid: row.delivery_participant_sid,
    status,
    error_code: row.delivery_error_code ?? 0,
    date_created: iso(created),
    date_updated: iso(row.receipt_updated_at ?? created),
  };
}
