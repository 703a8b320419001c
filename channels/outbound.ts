/**
 * Delivering an agent's message to the customer's channel: the ConversationDO calls
 * {@link deliverOutbound} for each message in its delivery queue and acts on the outcome (sent: record
 * the provider's ID; retry: keep it at the head and back off; failed: show the failure on the message).
 * Which provider API is called is the adapter's business (registry.ts); this module gives it what it
 * may reach — fetch, the workspace's media, the channel's webhook URL for status callbacks, and signed
 * public links to attachments for providers that fetch media by URL.
 *
 * Web chat never reaches an adapter: its customers read replies on their socket, so a web chat
 * message counts as sent the moment it is stored (providerMessageId = the message SID).
 */
import type { ChannelConfig } from "./channel-config";
import type { DeliveryOutcome, OutboundMessage } from "./messages";
import type { MediaRef } from "../contract/conversations";
import type { Env } from "../platform/env";
import type { AdapterDeps } from "./adapter";
import { mediaStore, signedMediaUrl } from "./media";
import { adapterFor } from "./registry";

/**
 * What an adapter may reach for this channel, parsing or delivering.
 *
 * @example
 * const deps = adapterDeps(env, config); // { fetch, media, webhookUrl, now, mediaUrl? }
 */
export function adapterDeps(
  env: Pick<Env, "RECORDINGS" | "AUTH_TOKEN">,
  config: ChannelConfig,
  webhookUrl = config.webhookUrl ?? "",
): AdapterDeps {
  const authToken = env.AUTH_TOKEN;
  return {
    fetch: globalThis.fetch.bind(globalThis),
    media: mediaStore(env, config.workspaceSid),
    webhookUrl,
    now: Date.now,
    ...(authToken && webhookUrl ? { mediaUrl: (ref: MediaRef) => signedMediaUrl(authToken, webhookUrl, ref.sid, Date.now()) } : {}),
  };
}

/**
 * One delivery attempt of `message` through the channel's adapter. Never throws: an adapter that
 * throws (a bug, or a network failure it did not catch) is a `retry`, so the message is not lost.
 *
 * @example
 * const outcome = await deliverOutbound(env, config, message);
 * if (outcome.kind === "retry") scheduleRetry(); // sent → record outcome.providerMessageId; failed → show outcome.error
 */
export async function deliverOutbound(env: Env, config: ChannelConfig, message: OutboundMessage): Promise<DeliveryOutcome> {
  if (config.kind === "webchat") return { kind: "sent", providerMessageId: message.messageSid };
  const adapter = adapterFor(config.kind);
  if (!adapter) return { kind: "failed", error: `No adapter delivers ${config.kind} messages in this deployment`, errorCode: null };
  try {
    return await adapter.deliver(message, config, adapterDeps(env, config));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      `deliverOutbound: the ${config.kind} adapter threw for message ${message.messageSid} of channel ${config.sid}: ${reason}`,
    );
    return { kind: "retry", error: `The ${config.kind} adapter failed: ${reason}` };
  }
}
