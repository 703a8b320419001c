/**
 * The workspace's conversation index: one row per conversation (for lists, unique names and the last
 * worker), the open conversation of each customer address on a channel, and the email Message-IDs
 * that thread replies back into their conversation. Synchronous SQL over the narrow storage host, so
 * it runs the same in workerd and on `node:sqlite`; callers hold the transaction.
 */
import type { IndexedParticipant, Membership } from "../common/conversation-users";
import type { ConversationIndexEntry } from "../common/conversations";
import type { EmailThread } from "../../channels/messages";
import type { ConversationState } from "../../contract/conversations";
import type { ConversationSurvey } from "../../contract/surveys";
import { fail, invalid, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { first, rows, run, type SqlValue, type StoreHost } from "../kit/sql-host";
import { keysetPage } from "../kit/paging";

export interface ConversationRow {
  sid: string;
  unique_name: string | null;
  friendly_name: string | null;
  state: string;
  channel: string | null;
  channel_sid: string | null;
  customer_address: string | null;
  profile_sid: string | null;
  last_worker_sid: string | null;
  date_created: number;
  date_updated: number;
  /** JSON of the conversation's survey, or null. */
  survey: string | null;
  survey_open_until: number | null;
}

const COLUMNS = [
  "sid",
  "unique_name",
  "friendly_name",
  "state",
  "channel",
  "channel_sid",
  "customer_address",
  "profile_sid",
  "last_worker_sid",
  "date_created",
  "date_updated",
  "survey",
  "survey_open_until",
] as const;
const SELECT = `SELECT ${COLUMNS.join(", ")} FROM sb_conversations`;

export const toEntry = (row: ConversationRow): ConversationIndexEntry => ({
  sid: row.sid,
  uniqueName: row.unique_name,
  friendlyName: row.friendly_name,
  state: row.state as ConversationState,
  channel: row.channel as ConversationIndexEntry["channel"],
  channelSid: row.channel_sid,
  customerAddress: row.customer_address,
  profileSid: row.profile_sid,
  lastWorkerSid: row.last_worker_sid,
  dateCreated: row.date_created,
  dateUpdated: row.date_updated,
  ...(row.survey === null ? {} : { survey: JSON.parse(row.survey) as ConversationSurvey }),
});

export const getConversation = (host: StoreHost, sid: string): ConversationRow | undefined =>
  first<ConversationRow>(host, `${SELECT} WHERE sid = ?`, sid);

export function saveConversation(host: StoreHost, row: ConversationRow): void {
  const values = COLUMNS.map((column) => row[column] as SqlValue);
  run(host, `INSERT OR REPLACE INTO sb_conversations (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`, ...values);
}

/** Whether a conversation in this state still takes the customer's messages. */
export const isOpen = (state: string): boolean => state === "active" || state === "inactive";

/**
 * Stores an entry as the conversation's index row. What only the directory learns (the customer's
 * profile, the last worker) is kept when the entry does not say. An open conversation with a customer
 * address claims that address; a closed one releases it, for good.
 */
export function upsertConversation(host: StoreHost, entry: ConversationIndexEntry): ApiResult<void> {
  if (entry.uniqueName !== null) {
    const holder = first<{ sid: string }>(
      host,
      "SELECT sid FROM sb_conversations WHERE unique_name = ? AND sid <> ?",
      entry.uniqueName,
      entry.sid,
    );
    if (holder) return fail(409, 50353, "Conversation with provided unique name already exists");
  }
  const before = getConversation(host, entry.sid);
  // Closed is final (as in Twilio): a late or retried entry must not reopen the address's conversation.
  const state = before?.state === "closed" ? "closed" : entry.state;
  const customerAddress = entry.customerAddress ?? before?.customer_address ?? null;
  const channelSid = entry.channelSid ?? before?.channel_sid ?? null;
  if (isOpen(state) && channelSid !== null && customerAddress !== null) {
    const holder = findOpen(host, channelSid, customerAddress);
    if (holder !== null && holder !== entry.sid) {
      return fail(
        409,
        50416,
        `The customer address ${customerAddress} already has an open conversation ${holder} on channel ${channelSid}`,
      );
    }
  }
  saveConversation(host, {
    sid: entry.sid,
    unique_name: entry.uniqueName,
    friendly_name: entry.friendlyName,
    state,
    channel: entry.channel ?? before?.channel ?? null,
    channel_sid: channelSid,
    customer_address: customerAddress,
    profile_sid: entry.profileSid ?? before?.profile_sid ?? null,
    last_worker_sid: entry.lastWorkerSid ?? before?.last_worker_sid ?? null,
    date_created: before?.date_created ?? entry.dateCreated,
    date_updated: entry.dateUpdated,
    survey: entry.survey === undefined ? (before?.survey ?? null) : entry.survey === null ? null : JSON.stringify(entry.survey),
    survey_open_until: entry.surveyOpenUntil === undefined ? (before?.survey_open_until ?? null) : entry.surveyOpenUntil,
  });
  if (!isOpen(state)) releaseAddress(host, entry.sid);
  else if (channelSid !== null && customerAddress !== null) claimAddress(host, channelSid, customerAddress, entry.sid);
  if (entry.participants !== undefined) saveParticipants(host, entry.sid, entry.participants);
  return ok(undefined);
}

/** Forgets a conversation: its row, its address and its email threads. */
export function removeConversation(host: StoreHost, sid: string): void {
  run(host, "DELETE FROM sb_conversations WHERE sid = ?", sid);
  releaseAddress(host, sid);
  run(host, "DELETE FROM sb_email_threads WHERE conversation_sid = ?", sid);
  run(host, "DELETE FROM sb_conversation_participants WHERE conversation_sid = ?", sid);
}

// ── who is in which conversation ────────────────────────────────────────────────────────────────

/** Replaces the conversation's participants with `participants`. */
function saveParticipants(host: StoreHost, conversationSid: string, participants: readonly IndexedParticipant[]): void {
  run(host, "DELETE FROM sb_conversation_participants WHERE conversation_sid = ?", conversationSid);
  for (const p of participants) {
    run(
      host,
      "INSERT OR REPLACE INTO sb_conversation_participants (conversation_sid, participant_sid, identity, address) VALUES (?, ?, ?, ?)",
      conversationSid,
      p.sid,
      p.identity,
      p.address,
    );
  }
}

/** Whose conversations to list: a chat identity, or a messaging binding's address. */
export type MembershipQuery = { readonly identity: string } | { readonly address: string };

/** The conversations a participant is in, oldest first, with the participant's SID in each. */
export function memberships(host: StoreHost, query: MembershipQuery, request: PageRequest): ApiResult<Page<Membership>> {
  const [column, value] = "identity" in query ? ["identity", query.identity] : ["address", query.address];
  // A subquery, so the keyset's `sid` and `date_created` are the conversation's.
  const select = `SELECT * FROM (SELECT c.sid AS sid, c.date_created AS date_created, p.participant_sid AS participant_sid, p.${column} AS member
    FROM sb_conversation_participants p JOIN sb_conversations c ON c.sid = p.conversation_sid)`;
  return keysetPage<{ sid: string; participant_sid: string }, Membership>(
    host,
    { select, where: ["member = ?"], bindings: [value], column: "date_created", order: "asc" },
    request,
    (row) => ({ conversationSid: row.sid, participantSid: row.participant_sid }),
  );
}

// ── open conversation per address ───────────────────────────────────────────────────────────────

export function findOpen(host: StoreHost, channelSid: string, customerAddress: string): string | null {
  const row = first<{ conversation_sid: string }>(
    host,
    "SELECT conversation_sid FROM sb_open_addresses WHERE channel_sid = ? AND customer_address = ?",
    channelSid,
    customerAddress,
  );
  return row?.conversation_sid ?? null;
}

/** A customer's newest conversation on a channel (`sid`, null when none) and whether it is the open one. */
export interface LatestConversation {
  readonly sid: string | null;
  readonly open: boolean;
}

/**
 * The customer's newest conversation on a channel: the open one, else the last one that closed (a web
 * visitor coming back after the chat ended still sees it) — saying which, so a caller that needs both
 * the open and the latest asks once.
 * @example findLatest(host, "XC…", "visitor-1") // { sid: "CH…", open: false }: their chat ended
 */
export function findLatest(host: StoreHost, channelSid: string, customerAddress: string): LatestConversation {
  const open = findOpen(host, channelSid, customerAddress);
  if (open !== null) return { sid: open, open: true };
  const row = first<{ sid: string }>(
    host,
    "SELECT sid FROM sb_conversations WHERE channel_sid = ? AND customer_address = ? ORDER BY date_created DESC, sid DESC LIMIT 1",
    channelSid,
    customerAddress,
  );
  return { sid: row?.sid ?? null, open: false };
}

/**
 * The customer's closed conversation on a channel whose survey their reply may still answer (the newest,
 * while its window is open at `now`); null when none waits.
 */
export function surveyAwaiting(host: StoreHost, channelSid: string, customerAddress: string, now: number): string | null {
  const row = first<{ sid: string }>(
    host,
    `SELECT sid FROM sb_conversations WHERE channel_sid = ? AND customer_address = ? AND state = 'closed' AND survey_open_until >= ?
     ORDER BY date_created DESC, sid DESC LIMIT 1`,
    channelSid,
    customerAddress,
    now,
  );
  return row?.sid ?? null;
}

export function claimAddress(host: StoreHost, channelSid: string, customerAddress: string, conversationSid: string): void {
  run(
    host,
    "INSERT OR REPLACE INTO sb_open_addresses (channel_sid, customer_address, conversation_sid) VALUES (?, ?, ?)",
    channelSid,
    customerAddress,
    conversationSid,
  );
}

const releaseAddress = (host: StoreHost, conversationSid: string): void =>
  run(host, "DELETE FROM sb_open_addresses WHERE conversation_sid = ?", conversationSid);

// ── email threads ──────────────────────────────────────────────────────────────────────────────

/** A Message-ID as compared here: without its angle brackets and surrounding space. */
export const messageIdKey = (raw: string): string =>
  raw
    .trim()
    .replace(/^<(.*)>$/, "$1")
    .trim();

/**
 * The still-open conversation of this channel that a mail's headers point at: the mail it replies
 * to first, then its references from the newest, then its own Message-ID (a retried webhook).
 */
export function threadConversation(host: StoreHost, channelSid: string, thread: EmailThread): string | null {
  const candidates = [thread.inReplyTo, ...[...thread.references].reverse(), thread.messageId];
  for (const raw of candidates) {
    if (raw === null) continue;
    const id = messageIdKey(raw);
    if (id === "") continue;
    const row = first<{ conversation_sid: string; state: string }>(
      host,
      `SELECT t.conversation_sid, c.state FROM sb_email_threads t JOIN sb_conversations c ON c.sid = t.conversation_sid
       WHERE t.channel_sid = ? AND t.message_id = ?`,
      channelSid,
      id,
    );
    if (row && isOpen(row.state)) return row.conversation_sid;
  }
  return null;
}

/** Records Message-IDs as belonging to a conversation of a channel (the newest mail wins a Message-ID). */
export function recordMessageIds(host: StoreHost, channelSid: string, conversationSid: string, messageIds: readonly string[]): void {
  for (const raw of messageIds) {
    const id = messageIdKey(raw);
    if (id === "") continue;
    run(
      host,
      "INSERT OR REPLACE INTO sb_email_threads (channel_sid, message_id, conversation_sid) VALUES (?, ?, ?)",
      channelSid,
      id,
      conversationSid,
    );
  }
}

// ── lists ──────────────────────────────────────────────────────────────────────────────────────

export interface ListFilter {
  readonly state?: ConversationState;
  readonly startDate?: number;
  readonly endDate?: number;
}

/**
 * The index as Twilio lists Conversations: oldest first, or newest first once a date range is given
 * (StartDate/EndDate bound the creation date, both inclusive).
 */
export function listConversations(host: StoreHost, request: PageRequest, filter: ListFilter): ApiResult<Page<ConversationIndexEntry>> {
  const where: string[] = [];
  const bindings: SqlValue[] = [];
  if (filter.state !== undefined) {
    if (!["active", "inactive", "closed"].includes(filter.state)) return invalid("State", "must be one of active, inactive, closed");
    where.push("state = ?");
    bindings.push(filter.state);
  }
  if (filter.startDate !== undefined) {
    where.push("date_created >= ?");
    bindings.push(filter.startDate);
  }
  if (filter.endDate !== undefined) {
    where.push("date_created <= ?");
    bindings.push(filter.endDate);
  }
  const order = filter.startDate !== undefined || filter.endDate !== undefined ? "desc" : "asc";
  return keysetPage(host, { select: SELECT, where, bindings, column: "date_created", order }, request, toEntry);
}

/** A profile's conversations, newest first. */
export function profileConversationPage(
  host: StoreHost,
  profileSid: string,
  request: PageRequest,
): ApiResult<Page<ConversationIndexEntry>> {
  return keysetPage(
    host,
    { select: SELECT, where: ["profile_sid = ?"], bindings: [profileSid], column: "date_created", order: "desc" },
    request,
    toEntry,
  );
}

/** A profile's conversations other than `except`, newest first, at most `limit`. */
export function recentConversations(host: StoreHost, profileSid: string, except: string, limit: number): ConversationRow[] {
  return rows<ConversationRow>(
    host,
    `${SELECT} WHERE profile_sid = ? AND sid <> ? ORDER BY date_created DESC, sid DESC LIMIT ?`,
    profileSid,
    except,
    limit,
  );
}
