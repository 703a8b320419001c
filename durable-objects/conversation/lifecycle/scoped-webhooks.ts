/**
 * A conversation's own webhooks (Twilio's conversation-scoped webhooks, `WH…`, at most five):
 * - `webhook`: a URL that receives the post-events named in its filters;
 * - `trigger`: a URL that receives `onMessageAdded` when a message's text holds one of its keywords;
 * - `studio`: a Studio flow. Stored and listed so Flex-style setups keep working, never run — there is
 *   no Studio here (route conversations with TaskRouter workflows instead).
 *
 * Creating one with `replay_after` sends it every stored message from that index on, as `onMessageAdded`.
 */
import { MAX_SCOPED_WEBHOOKS, POST_EVENTS, type ScopedWebhookInput, type ScopedWebhookRecord } from "../../common/conversation-webhooks";
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../../common/rpc";
import { isSid, newSid } from "../../../contract/ids";
import { iso } from "../../../contract/taskrouter";
import { first, rows, run, type StoreHost } from "../../kit/sql-host";
import { pageWindow, slicePage } from "../../kit/paging";
import type { ConversationRow } from "../store/conversation-rows";
import { loadConversation, type Op } from "./conversation-operation";

export interface ScopedWebhookRow {
  sid: string;
  target: ScopedWebhookRecord["target"];
  url: string | null;
  method: "get" | "post" | null;
  /** JSON arrays of strings. */
  filters: string | null;
  triggers: string | null;
  flow_sid: string | null;
  replay_after: number | null;
  date_created: number;
  date_updated: number;
}

const COLUMNS = "sid, target, url, method, filters, triggers, flow_sid, replay_after, date_created, date_updated";
const TARGETS: readonly string[] = ["webhook", "trigger", "studio"];
const MAX_URL = 2048;
const MAX_KEYWORD = 256;

export const scopedWebhookRows = (host: StoreHost): ScopedWebhookRow[] =>
  rows<ScopedWebhookRow>(host, `SELECT ${COLUMNS} FROM sb_webhooks ORDER BY date_created, sid`);

const webhookRow = (host: StoreHost, sid: string): ScopedWebhookRow | undefined =>
  first<ScopedWebhookRow>(host, `SELECT ${COLUMNS} FROM sb_webhooks WHERE sid = ?`, sid);

export const listOf = (json: string | null): string[] => (json === null ? [] : (JSON.parse(json) as string[]));

export function scopedWebhookRecord(conversation: ConversationRow, row: ScopedWebhookRow): ScopedWebhookRecord {
  const configuration: ScopedWebhookRecord["configuration"] = {};
  if (row.url !== null) configuration.url = row.url;
  if (row.method !== null) configuration.method = row.method;
  if (row.filters !== null) configuration.filters = listOf(row.filters);
  if (row.triggers !== null) configuration.triggers = listOf(row.triggers);
  if (row.flow_sid !== null) configuration.flow_sid = row.flow_sid;
  if (row.replay_after !== null) configuration.replay_after = row.replay_after;
  return {
    sid: row.sid,
    account_sid: conversation.account_sid,
    conversation_sid: conversation.sid,
    target: row.target,
    configuration,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}

function isUrl(value: string): boolean {
  if (value.length > MAX_URL) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** The row with the input's fields applied, checked against what its target needs (names as the REST API's). */
function patched(row: ScopedWebhookRow, input: ScopedWebhookInput): ApiResult<ScopedWebhookRow> {
  const next = { ...row };
  if (input.url !== undefined) {
    if (typeof input.url !== "string" || !isUrl(input.url)) return invalid("Configuration.Url", "must be an absolute http or https URL");
    next.url = input.url;
  }
  if (input.method !== undefined) {
    const method = typeof input.method === "string" ? input.method.toLowerCase() : "";
    if (method !== "get" && method !== "post") return invalid("Configuration.Method", "must be GET or POST");
    next.method = method;
  }
  if (input.filters !== undefined) {
    const unknown = input.filters.find((name) => !(POST_EVENTS as readonly string[]).includes(name));
    if (unknown !== undefined)
      return invalid("Configuration.Filters", `${unknown} is not a post-event (onMessageAdded, onParticipantAdded …)`);
    next.filters = JSON.stringify([...new Set(input.filters)]);
  }
  if (input.triggers !== undefined) {
    const bad = input.triggers.find((word) => typeof word !== "string" || word.trim() === "" || word.length > MAX_KEYWORD);
    if (bad !== undefined)
      return invalid("Configuration.Triggers", `each keyword must be non-empty text of at most ${MAX_KEYWORD} characters`);
    next.triggers = JSON.stringify([...new Set(input.triggers.map((word) => word.trim()))]);
  }
  if (input.flowSid !== undefined) {
    if (!isSid("FW", input.flowSid)) return invalid("Configuration.FlowSid", "must be a Studio Flow SID (FW followed by 32 hex digits)");
    next.flow_sid = input.flowSid;
  }
  switch (next.target) {
    case "webhook":
      if (next.url === null) return fail(400, 20001, "Missing required parameter Configuration.Url (a webhook target needs one)");
      if (listOf(next.filters).length === 0)
        return fail(400, 20001, "Missing required parameter Configuration.Filters (the events the webhook receives)");
      break;
    case "trigger":
      if (next.url === null) return fail(400, 20001, "Missing required parameter Configuration.Url (a trigger target needs one)");
      if (listOf(next.triggers).length === 0)
        return fail(400, 20001, "Missing required parameter Configuration.Triggers (the keywords that fire it)");
      break;
    case "studio":
      if (next.flow_sid === null) return fail(400, 20001, "Missing required parameter Configuration.FlowSid (a studio target needs one)");
      break;
    default: {
      const never: never = next.target;
      return invalid("Target", `unknown target ${String(never)}`);
    }
  }
  return ok(next);
}

function save(host: StoreHost, row: ScopedWebhookRow): void {
  run(
    host,
    `INSERT OR REPLACE INTO sb_webhooks (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    row.sid,
    row.target,
    row.url,
    row.method,
    row.filters,
    row.triggers,
    row.flow_sid,
    row.replay_after,
    row.date_created,
    row.date_updated,
  );
}

/** Creates a webhook; answers it with the row, so the caller can replay messages to it. */
export function createScopedWebhook(op: Op, accountSid: string, input: ScopedWebhookInput): ApiResult<ScopedWebhookRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  if (input.target === undefined) return fail(400, 20001, "Missing required parameter Target");
  if (!TARGETS.includes(input.target)) return invalid("Target", "must be one of webhook, trigger, studio");
  if (scopedWebhookRows(op.host).length >= MAX_SCOPED_WEBHOOKS)
    return invalid("Target", `a conversation has at most ${MAX_SCOPED_WEBHOOKS} webhooks; delete one first`);
  if (input.replayAfter !== undefined && (!Number.isInteger(input.replayAfter) || input.replayAfter < 0))
    return invalid("Configuration.ReplayAfter", "must be a message index (an integer from 0)");
  const blank: ScopedWebhookRow = {
    sid: newSid("WH"),
    target: input.target,
    url: null,
    method: input.target === "studio" ? null : "post",
    filters: null,
    triggers: null,
    flow_sid: null,
    replay_after: input.replayAfter ?? null,
    date_created: op.now,
    date_updated: op.now,
  };
  const row = patched(blank, input);
  if (!row.ok) return row;
  save(op.host, row.value);
  return ok(scopedWebhookRecord(conversation.value, row.value));
}

export function listScopedWebhooks(op: Op, accountSid: string, page: PageRequest): ApiResult<Page<ScopedWebhookRecord>> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const window = pageWindow(page);
  if (!window.ok) return window;
  return ok(
    slicePage(
      scopedWebhookRows(op.host).map((row) => scopedWebhookRecord(conversation.value, row)),
      window.value,
    ),
  );
}

export function getScopedWebhook(op: Op, accountSid: string, sid: string): ApiResult<ScopedWebhookRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = webhookRow(op.host, sid);
  return row ? ok(scopedWebhookRecord(conversation.value, row)) : notFound("Webhook", sid);
}

export function updateScopedWebhook(op: Op, accountSid: string, sid: string, input: ScopedWebhookInput): ApiResult<ScopedWebhookRecord> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  const row = webhookRow(op.host, sid);
  if (!row) return notFound("Webhook", sid);
  if (input.target !== undefined && input.target !== row.target) return invalid("Target", "a webhook's target cannot be changed");
  const next = patched({ ...row, date_updated: op.now }, input);
  if (!next.ok) return next;
  save(op.host, next.value);
  return ok(scopedWebhookRecord(conversation.value, next.value));
}

export function deleteScopedWebhook(op: Op, accountSid: string, sid: string): ApiResult<null> {
  const conversation = loadConversation(op, accountSid);
  if (!conversation.ok) return conversation;
  if (!webhookRow(op.host, sid)) return notFound("Webhook", sid);
  run(op.host, "DELETE FROM sb_webhooks WHERE sid = ?", sid);
  return ok(null);
}
