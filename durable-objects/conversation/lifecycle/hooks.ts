/**
 * Post-event webhooks: what changed (a {@link HookEvent} the lifecycle records on the operation), the
 * form parameters Twilio sends for it (`EventType`, `ConversationSid`, `MessageSid`, `Body`, `Author`,
 * `ParticipantSid`, `Source` …), and where it goes — the chat service's and the account's
 * `PostWebhookUrl` when their `Filters` name it, and the conversation's scoped webhooks (a `webhook`
 * target by its filters, a `trigger` target when a new message's text holds one of its keywords).
 *
 * {@link queueHooks} writes one outbox row per request in the operation's transaction; the shell sends
 * the outbox to the EVENTS queue after the commit and the callbacks consumer signs and delivers each
 * with retries. A change made without webhooks (a REST call without `X-Twilio-Webhook-Enabled: true`)
 * sends nothing. A staff-only message (an internal note, a whisper) goes to the team's own webhooks
 * marked `Visibility=staff`, never to a `trigger` (a bot that answers the customer would quote it).
 */
import { enqueue } from "../../kit/outbox";
import type { ActionSource, PostEvent, WebhookConfig, WebhookConfigs, WebhookMethod } from "../../common/conversation-webhooks";
import type { ConversationRecord, MessageRecord, ParticipantRecord } from "../../../contract/conversations";
import { iso } from "../../../contract/taskrouter";
import { newSid } from "../../../contract/ids";
import type { StoreHost } from "../../kit/sql-host";
import type { ConversationWebhookMessage } from "../../../platform/events-queue";
import type { FormParams } from "../../../callbacks/signature";
import { conversationRow, messageRecord, messageRows } from "../store/conversation-rows";
import { listOf, scopedWebhookRows, type ScopedWebhookRow } from "./scoped-webhooks";
import { webhookForm as form } from "./webhook-form";
import type { HookEvent } from "./conversation-operation";

/** What a change's webhooks need besides the change: who made it, and the service's configuration. */
export interface HookContext {
  readonly source: ActionSource;
  readonly configs: WebhookConfigs;
}

/** Where one request goes. */
interface Target {
  readonly url: string;
  readonly method: WebhookMethod;
}

/** A request larger than this is not queued (a queue message holds 128 KB): logged instead. */
export const MAX_HOOK_BYTES = 100_000;

/** Twilio's `Media` parameter: the attachments as JSON. */
const mediaParam = (message: MessageRecord): string | null =>
  message.media === null || message.media.length === 0
    ? null
    : JSON.stringify(message.media.map((m) => ({ Sid: m.sid, Filename: m.filename, ContentType: m.content_type, Size: m.size })));

const conversationParams = (c: ConversationRecord) => ({
  ConversationSid: c.sid,
  ChatServiceSid: c.chat_service_sid,
  MessagingServiceSid: c.messaging_service_sid,
  FriendlyName: c.friendly_name,
  UniqueName: c.unique_name,
  Attributes: c.attributes,
  State: c.state,
  DateCreated: c.date_created,
});

const messageParams = (m: MessageRecord) => ({
  ConversationSid: m.conversation_sid,
  MessageSid: m.sid,
  Index: m.index,
  Author: m.author,
  Body: m.body,
  Attributes: m.attributes,
  ParticipantSid: m.participant_sid,
  Media: mediaParam(m),
  DateCreated: m.date_created,
  // Switchboard's: only on a staff-only message, so a customer-visible one is Twilio's parameters alone.
  Visibility: m.visibility === "staff" ? "staff" : undefined,
});

const participantParams = (p: ParticipantRecord) => ({
  ConversationSid: p.conversation_sid,
  ParticipantSid: p.sid,
  Identity: p.identity,
  Attributes: p.attributes,
  RoleSid: p.role_sid,
  "MessagingBinding.Type": p.messaging_binding?.type,
  "MessagingBinding.Address": p.messaging_binding?.address,
  "MessagingBinding.ProxyAddress": p.messaging_binding?.proxy_address,
  DateCreated: p.date_created,
});

/**
 * The form parameters of a post-event, as Twilio names them.
 * @example hookParams({ type: "onMessageAdded", message }, { source: "SDK", webhooks: true }).Body // "Hello"
 */
export function hookParams(event: HookEvent, source: ActionSource, accountSid: string, now: number): FormParams {
  const common = { AccountSid: accountSid, EventType: event.type, Source: source.source, ClientIdentity: source.clientIdentity };
  switch (event.type) {
    case "onConversationAdded":
      return form({
        ...common,
        ...conversationParams(event.conversation),
        "MessagingBinding.Address": event.binding?.address,
        "MessagingBinding.ProxyAddress": event.binding?.proxyAddress,
      });
    case "onConversationUpdated":
      return form({ ...common, ...conversationParams(event.conversation), DateUpdated: event.conversation.date_updated });
    case "onConversationRemoved":
      return form({
        ...common,
        ...conversationParams(event.conversation),
        DateUpdated: event.conversation.date_updated,
        DateRemoved: iso(now),
      });
    case "onConversationStateUpdated":
      return form({
        ...common,
        ...conversationParams(event.conversation),
        StateFrom: event.from,
        StateTo: event.conversation.state,
        StateUpdated: event.conversation.date_updated,
        Reason: source.source === "API" ? "API" : "EVENT",
      });
    case "onMessageAdded":
      return form({ ...common, ...messageParams(event.message) });
    case "onMessageUpdated":
      return form({ ...common, ...messageParams(event.message), DateUpdated: event.message.date_updated });
    case "onMessageRemoved":
      return form({ ...common, ...messageParams(event.message), DateUpdated: event.message.date_updated, DateRemoved: iso(now) });
    case "onParticipantAdded":
      return form({ ...common, ...participantParams(event.participant) });
    case "onParticipantUpdated":
      return form({
        ...common,
        ...participantParams(event.participant),
        DateUpdated: event.participant.date_updated,
        LastReadMessageIndex: event.participant.last_read_message_index,
        LastReadTimestamp: event.participant.last_read_timestamp,
      });
    case "onParticipantRemoved":
      return form({
        ...common,
        ...participantParams(event.participant),
        DateUpdated: event.participant.date_updated,
        DateRemoved: iso(now),
      });
    case "onDeliveryUpdated": {
      const r = event.receipt;
      return form({
        ...common,
        ChatServiceSid: r.chat_service_sid,
        ConversationSid: r.conversation_sid,
        MessageSid: r.message_sid,
        DeliveryReceiptSid: r.sid,
        ChannelMessageSid: r.channel_message_sid,
        ParticipantSid: r.participant_sid,
        Status: r.status,
        ErrorCode: r.error_code,
        DateCreated: r.date_created,
        DateUpdated: r.date_updated,
      });
    }
    default: {
      const never: never = event;
      throw new Error(`unknown hook event ${JSON.stringify(never)}`);
    }
  }
}

/** A service's (or the account's) post-event URL, when its filters name the event. */
function configTarget(config: WebhookConfig | null, type: PostEvent): Target | null {
  if (config === null || config.target === "flex" || config.post_webhook_url === null) return null;
  if (!(config.filters ?? []).includes(type)) return null;
  return { url: config.post_webhook_url, method: config.method ?? "POST" };
}

/** Whether a message's text holds one of a trigger's keywords (as a whole word, any case). */
export function triggered(body: string | null, keywords: readonly string[]): boolean {
  if (body === null || keywords.length === 0) return false;
  const words = new Set(
    body
      .toLowerCase()
      .split(/[^\p{L}\p{N}_]+/u)
      .filter((w) => w !== ""),
  );
  const text = body.toLowerCase();
  return keywords.some((keyword) => {
    const k = keyword.toLowerCase();
    return /[^\p{L}\p{N}_]/u.test(k) ? text.includes(k) : words.has(k);
  });
}

/** A scoped webhook's URL, when it takes the event. */
function scopedTarget(row: ScopedWebhookRow, event: HookEvent): Target | null {
  if (row.url === null) return null;
  const method: WebhookMethod = row.method === "get" ? "GET" : "POST";
  switch (row.target) {
    case "webhook":
      return listOf(row.filters).includes(event.type) ? { url: row.url, method } : null;
    case "trigger":
      return event.type === "onMessageAdded" && event.message.visibility === "all" && triggered(event.message.body, listOf(row.triggers))
        ? { url: row.url, method }
        : null;
    case "studio":
      return null;
    default:
      return null;
  }
}

/** Every request an event makes: the service's, the account's and the conversation's own, each URL once. */
export function hookTargets(configs: WebhookConfigs, scoped: readonly ScopedWebhookRow[], event: HookEvent): Target[] {
  const all = [
    configTarget(configs.service, event.type),
    configTarget(configs.account, event.type),
    ...scoped.map((row) => scopedTarget(row, event)),
  ];
  const seen = new Set<string>();
  return all.filter((t): t is Target => {
    if (t === null || seen.has(`${t.method} ${t.url}`)) return false;
    seen.add(`${t.method} ${t.url}`);
    return true;
  });
}

/**
 * The requests `events` make (nothing for a change made without webhooks): one per event and URL, the
 * same idempotency token for every URL of one event.
 */
export function hookRequests(
  host: StoreHost,
  accountSid: string,
  events: readonly HookEvent[],
  context: HookContext | null,
  now: number,
): ConversationWebhookMessage[] {
  if (context === null || !context.source.webhooks || events.length === 0) return [];
  const scoped = scopedWebhookRows(host);
  const requests: ConversationWebhookMessage[] = [];
  for (const event of events) {
    const targets = hookTargets(context.configs, scoped, event);
    if (targets.length === 0) continue;
    const params = hookParams(event, context.source, accountSid, now);
    const idempotencyToken = newSid("EV");
    for (const target of targets) requests.push({ kind: "conversation-webhook", accountSid, ...target, params, idempotencyToken });
  }
  return requests;
}

/** Writes requests to the outbox (in the caller's transaction); answers how many were written. */
export function writeRequests(host: StoreHost, requests: readonly ConversationWebhookMessage[]): number {
  return requests.filter((request) => writeRequest(host, request)).length;
}

/** Writes the outbox rows for `events` (in the caller's transaction); answers how many. */
export function queueHooks(
  host: StoreHost,
  accountSid: string,
  events: readonly HookEvent[],
  context: HookContext | null,
  now: number,
): number {
  return writeRequests(host, hookRequests(host, accountSid, events, context, now));
}

/** One outbox row; a request too large for a queue message is logged (without its content) and left out. */
function writeRequest(host: StoreHost, message: ConversationWebhookMessage): boolean {
  const body = JSON.stringify(message);
  if (body.length > MAX_HOOK_BYTES) {
    console.warn(`ConversationDO: ${message.params.EventType ?? "a webhook"} is too large for the queue (${body.length} bytes); not sent`);
    return false;
  }
  enqueue(host, HOOKS_TOPIC, body);
  return true;
}

/** The ConversationDO's outbox topic (kit/outbox.ts): what it puts on the EVENTS queue — post-event webhook requests. */
export const HOOKS_TOPIC = "hooks";

/** At most this many stored messages are replayed to a new scoped webhook. */
export const MAX_REPLAY = 1_000;

/**
 * Queues `onMessageAdded` of every stored message from `fromIndex` on (at most {@link MAX_REPLAY}) for
 * one scoped webhook only — what `Configuration.ReplayAfter` asks of a new one. Answers how many.
 */
export function replayMessages(host: StoreHost, accountSid: string, webhookSid: string, fromIndex: number, now: number): number {
  const row = scopedWebhookRows(host).find((r) => r.sid === webhookSid);
  const conversation = conversationRow(host);
  if (!row || !conversation) return 0;
  let queued = 0;
  for (const message of messageRows(host, "WHERE idx >= ? ORDER BY idx LIMIT ?", fromIndex, MAX_REPLAY)) {
    const event: HookEvent = { type: "onMessageAdded", message: messageRecord(conversation, message) };
    const target = scopedTarget(row, event);
    if (target === null) continue;
    const params = hookParams(event, { source: "API", webhooks: true }, accountSid, now);
    if (writeRequest(host, { kind: "conversation-webhook", accountSid, ...target, params, idempotencyToken: newSid("EV") })) queued++;
  }
  return queued;
}
