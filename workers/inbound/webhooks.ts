/**
 * The one inbound path of every messaging channel: `POST /webhooks/<workspace>/<channel>` is where
 * providers deliver customers' messages and status reports. It finds the channel configuration, has
 * the channel's adapter verify the provider's signature (401/403 and nothing else happens when it does
 * not hold) and parse the body (400 when the provider would never send it), masks card numbers in its
 * free text (redact.ts; never in addresses or IDs), and hands each message to the DirectoryDO (which
 * conversation: the customer's open one or a new one; skipped while the isolate knows the customer's open
 * one, open-conversations.ts) and the ConversationDO (stored once per provider
 * message ID, a task for a new conversation, in the region placement chooses for the channel and the
 * customer's edge). The email handler and the web chat routes have no
 * webhook and call {@link receiveInbound} directly.
 *
 * Never losing a message rests on the provider's retries: when a Durable Object fails or refuses, the
 * webhook is answered 503 and the provider sends it again; the ConversationDO's idempotency key makes
 * the retry of an already stored message a no-op. Bodies are never logged.
 *
 * Also here: `GET /webhooks/<workspace>/<channel>` (the provider's verification handshake, 405 when the
 * adapter has none) and `GET …/media/<ME sid>` (signed public links to attachments, see channels/media.ts).
 */
import { newSidBeside } from "../../platform/jurisdictions";
import { surveyQuestion, surveyReply, type SurveyAnswer } from "../../durable-objects/common/survey";
import { Hono, type Context } from "hono";
import { type ChannelConfig, webhookPath } from "../../channels/channel-config";
import type { InboundContext } from "../../durable-objects/common/conversations";
import type { WebhookConfigs } from "../../durable-objects/common/conversation-webhooks";
import { fail, ok, type ApiResult } from "../../durable-objects/common/rpc";
import { isSid } from "../../contract/ids";
import { readBody } from "../http/body-limit";
import { ApiError } from "../http/errors";
import type { Env } from "../../platform/env";
import { MalformedWebhook, ProviderUnavailable, type WebhookContent, type WebhookRequest } from "../../channels/adapter";
import type { InboundMessage } from "../../channels/messages";
import { mediaResponse, mediaStore, validMediaLink } from "../../channels/media";
import { adapterDeps } from "../../channels/outbound";
import { redactContent } from "./redact";
import { adapterFor } from "../../channels/registry";
import { conversationFor, directoryFor } from "../../platform/objects";
import { channelConfig, type CachedConfig } from "./channel-cache";
import { cachedConversation, forgetConversation, rememberConversation } from "./open-conversations";
import { rememberWebhookConfigs, webhookConfigs } from "./webhook-config-cache";
import { edgeOf, taskRegion } from "../api/taskrouter/placement";
import type { RequestGeo } from "../../platform/regions";

/** The largest webhook body read unless the adapter declares more (`maxBodyBytes`). */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** What became of one inbound message. */
export interface ReceivedMessage {
  readonly conversationSid: string;
  readonly messageSid: string;
  /** The provider had sent it before: nothing changed. */
  readonly duplicate: boolean;
  /** It opened a new conversation (and its task). */
  readonly created: boolean;
}

/**
 * The name a message gives its customer's profile: a name only the customer vouches for (a pre-chat
 * form) stays on their conversation, marked as such, not on a profile.
 * @example profileName({ …, customerName: "Ada", unverified: { name: "Ada" } }) // null
 */
export const profileName = (message: InboundMessage): string | null =>
  message.unverified?.name !== undefined ? null : message.customerName;

/**
 * Takes a verified, parsed delivery in: redacts it, then for each message (in order) finds or opens
 * the customer's conversation and stores the message there (once per provider message ID), and applies
 * each reaction or unsend, then each status report, to the customer's open conversation (those about
 * messages it does not have are ignored).
 * A Durable Object that refuses answers its failure; one that is unreachable throws. Either way the
 * caller should have the provider retry: what was stored before stays stored, and is not stored twice.
 *
 * @example
 * const result = await receiveInbound(env, config, { messages: [message], statuses: [] });
 * if (result.ok) result.value.messages[0].conversationSid; // "CH…"
 */
export async function receiveInbound(
  env: Env,
  config: ChannelConfig,
  content: WebhookContent,
  edge?: RequestGeo,
): Promise<ApiResult<{ messages: ReceivedMessage[]; changes: number; statuses: number }>> {
  const clean = redactContent(content);
  const directory = directoryFor(env, config.workspaceSid);
  const messages: ReceivedMessage[] = [];
  for (const message of clean.messages) {
    // A customer whose open conversation the isolate knows: straight there (open-conversations.ts).
    const straight = await receiveCached(env, config, message);
    if (straight !== null) {
      if (!straight.ok) return straight;
      messages.push(straight.value);
      continue;
    }
    // A rating may answer the survey of the customer's conversation that just ended (durable-objects/conversation/lifecycle/survey.ts).
    const answer = surveyReply(message.body);
    const answered = answer === null ? null : await receiveOne(env, config, message, edge, answer);
    // Not a rating, no survey waiting, or that survey no longer takes it: the message goes where it would have.
    const received = answered ?? (await receiveOne(env, config, message, edge, null))!;
    if (!received.ok) return received;
    messages.push(received.value);
  }
  /** Applies each to its customer's open conversation, in order; answers how many touched a message it has. */
  const toOpen = async <T extends { customerAddress: string }>(
    items: readonly T[],
    apply: (conversation: ReturnType<typeof conversationFor>, item: T) => Promise<ApiResult<{ messageSid: string | null }>>,
  ): Promise<ApiResult<number>> => {
    let applied = 0;
    for (const item of items) {
      const open = await directory.findOpen(config.accountSid, config.sid, item.customerAddress);
      if (!open.ok) return open;
      if (open.value === null) continue;
      const result = await apply(conversationFor(env, open.value), item);
      if (!result.ok) return result;
      if (result.value.messageSid !== null) applied++;
    }
    return ok(applied);
  };
  const changes = await toOpen(clean.changes ?? [], (conversation, change) => conversation.applyChange(config.accountSid, change));
  if (!changes.ok) return changes;
  const statuses = await toOpen(clean.statuses, (conversation, status) => conversation.applyStatus(config.accountSid, status));
  if (!statuses.ok) return statuses;
  return ok({ messages, changes: changes.value, statuses: statuses.value });
}

/**
 * What a conversation is told of the channel a message came through, whoever the customer: its workflow,
 * TaskChannel, flow and survey, and the chat service's webhooks when the caller holds them. Per message,
 * the caller adds the customer, the region of a new conversation or a survey's answer.
 * @example await conversationFor(env, "CH…").receive(config.accountSid, channelContext(config, webhooks), message);
 */
export function channelContext(config: ChannelConfig, webhooks: WebhookConfigs | null | undefined): InboundContext {
  return {
    workspaceSid: config.workspaceSid,
    channelSid: config.sid,
    kind: config.kind,
    workflowSid: config.workflowSid,
    taskChannel: config.taskChannel,
    surveyQuestion: surveyQuestion(config.settings),
    flowSid: config.flowSid ?? null,
    ...(webhooks ? { webhooks } : {}),
  };
}

/**
 * Stores the message in the customer's open conversation as the isolate last heard of it from the
 * directory, without asking the directory: null when there is none kept, or when that conversation has
 * closed (409) or is not there (404) — the message then goes the directory's way. The conversation needs
 * no customer context (it opens nothing) and gets the chat service's webhooks from the isolate's copy.
 */
async function receiveCached(env: Env, config: ChannelConfig, message: InboundMessage): Promise<ApiResult<ReceivedMessage> | null> {
  const conversationSid = cachedConversation(config, message, profileName(message), Date.now());
  if (conversationSid === null) return null;
  const webhooks = await webhookConfigs(env, config.accountSid, config.workspaceSid, Date.now());
  const received = await conversationFor(env, conversationSid).receive(config.accountSid, channelContext(config, webhooks), message);
  if (received.ok) return ok({ conversationSid, ...received.value });
  if (received.status !== 404 && received.status !== 409) return received;
  forgetConversation(config, message.customerAddress);
  return null;
}

/**
 * Finds or opens the message's conversation and stores the message there. With `answer`, only a closed
 * conversation whose survey waits is looked for: null when there is none, or when it refused the answer
 * (taken already, or its window closed just now), so the caller sends the message the usual way; never
 * null without `answer`.
 */
async function receiveOne(
  env: Env,
  config: ChannelConfig,
  message: InboundMessage,
  edge: RequestGeo | undefined,
  answer: SurveyAnswer | null,
): Promise<ApiResult<ReceivedMessage> | null> {
  const resolved = await directoryFor(env, config.workspaceSid).resolveInbound(config.accountSid, {
    workspaceSid: config.workspaceSid,
    channelSid: config.sid,
    channel: message.channel,
    customerAddress: message.customerAddress,
    customerName: profileName(message),
    thread: message.thread,
    newConversationSid: newSidBeside("CH", config.workspaceSid),
    ...(message.identified ? { identified: message.identified } : {}),
    ...(answer ? { surveyReply: true } : {}),
  });
  if (!resolved.ok) return resolved;
  const { conversationSid, customer, webhooks, created, survey } = resolved.value;
  if (answer && !survey) return null;
  // Where a new conversation's tasks go is chosen once, here, where the customer's edge is known.
  const region = created ? await taskRegion(env, config.accountSid, config.workspaceSid, { channel: config.region, edge }) : undefined;
  const context: InboundContext = {
    // The chat service's webhooks, read in the same call: the conversation need not ask again.
    ...channelContext(config, webhooks),
    customer,
    ...(region ? { region } : {}),
    ...(answer && survey ? { surveyAnswer: answer } : {}),
  };
  const received = await conversationFor(env, conversationSid).receive(config.accountSid, context, message);
  if (!received.ok) return answer && received.status === 409 ? null : received;
  rememberConversation(config, message, resolved.value, Date.now());
  if (webhooks) rememberWebhookConfigs(config.accountSid, config.workspaceSid, webhooks, Date.now());
  return ok({ conversationSid, ...received.value });
}

// ── the webhook routes ─────────────────────────────────────────────────────────────────────────────

type InboundEnv = { Bindings: Env; Variables: { requestId: string } };

const notFound = () => new ApiError(404, 20404, "The requested resource was not found");

/** The channel a webhook path names (cached: channel-cache.ts), or a 404 that says nothing about which part was wrong. */
async function channelOf(c: Context<InboundEnv>, fresh = false): Promise<CachedConfig> {
  const workspaceSid = c.req.param("WorkspaceSid") ?? "";
  const channelSid = c.req.param("ChannelSid") ?? "";
  const accountSid = c.env.ACCOUNT_SID;
  if (!accountSid || !isSid("WS", workspaceSid) || !isSid("XC", channelSid)) throw notFound();
  const config = await channelConfig(c.env, accountSid, workspaceSid, channelSid, Date.now(), fresh);
  if (!config.ok) {
    if (config.status === 404) throw notFound();
    throw new ApiError(503, 20503, "The channel configuration is unavailable; try again");
  }
  return config.value;
}

export const inbound = new Hono<InboundEnv>();

inbound.get("/:WorkspaceSid/:ChannelSid", async (c) => {
  const { config } = await channelOf(c);
  const adapter = adapterFor(config.kind);
  if (!adapter?.challenge) return c.text("Method Not Allowed", 405, { Allow: "POST" });
  return adapter.challenge(new URL(c.req.url), config);
});

inbound.post("/:WorkspaceSid/:ChannelSid", async (c) => {
  const first = await channelOf(c);
  let config = first.config;
  let adapter = adapterFor(config.kind);
  if (!adapter) throw notFound();
  const rawBody = await readBody(c, adapter.maxBodyBytes ?? MAX_WEBHOOK_BYTES);
  // The URL the provider signed is the one it called, query string included (Twilio signs it whole).
  const request: WebhookRequest = { url: c.req.url, method: c.req.method, headers: c.req.raw.headers, rawBody };
  let verified = await adapter.verify(request, config);
  if (!verified && first.cached) {
    // Refused by a cached copy: the secret may have just changed, so once more against a fresh read.
    ({ config } = await channelOf(c, true));
    adapter = adapterFor(config.kind);
    verified = adapter !== null && (await adapter.verify(request, config));
  }
  if (!adapter) throw notFound();
  if (!verified) {
    const status = adapter.refusalStatus ?? 403;
    throw new ApiError(status, status === 401 ? 20003 : 20403, "The webhook signature is not valid for this channel");
  }
  const deps = adapterDeps(c.env, config, config.webhookUrl ?? new URL(c.req.url).origin + webhookPath(config.workspaceSid, config.sid));
  let content: WebhookContent;
  try {
    content = await adapter.parse(request, config, deps);
  } catch (error) {
    if (error instanceof MalformedWebhook) throw new ApiError(400, 20001, `Malformed webhook: ${error.message}`);
    if (error instanceof ProviderUnavailable) throw new ApiError(503, 20503, `${error.message}; please retry`);
    throw error;
  }
  let result: Awaited<ReturnType<typeof receiveInbound>>;
  try {
    result = await receiveInbound(c.env, config, content, edgeOf(c.req.raw));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`[request ${c.get("requestId")}] inbound ${config.kind} webhook for ${config.sid} not stored: ${reason}`);
    result = fail(503, 20503, "unreachable");
  }
  if (!result.ok) {
    console.error(
      `[request ${c.get("requestId")}] inbound ${config.kind} webhook for ${config.sid} refused: ${result.status} ${result.code}`,
    );
    throw new ApiError(503, 20503, "The message could not be stored yet; please retry");
  }
  return adapter.acknowledge();
});

inbound.get("/:WorkspaceSid/:ChannelSid/media/:MediaSid", async (c) => {
  const authToken = c.env.AUTH_TOKEN;
  const url = new URL(c.req.url);
  if (!authToken || !(await validMediaLink(authToken, url, Date.now()))) throw new ApiError(403, 20403, "The media link is not valid");
  const found = await mediaStore(c.env, c.req.param("WorkspaceSid")).get(c.req.param("MediaSid"));
  if (!found) throw notFound();
  return mediaResponse(found);
});
