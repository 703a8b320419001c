/**
 * The Deliver port's implementation (the port is `Deliver` in messages.ts): what the ConversationDO's
 * delivery queue is given to reach the customer's channel. Which provider API is called is the
 * adapter's business (registry.ts); this module gives it what it may reach — fetch, the workspace's
 * media, the channel's webhook URL for status callbacks, and signed public links to attachments for
 * providers that fetch media by URL.
 */
import type { ChannelConfig } from "./channel-config";
import type { Deliver } from "./messages";
import type { MediaRef } from "../contract/conversations";
import type { Env } from "../platform/env";
import type { AdapterDeps } from "./adapter";
import { mediaStore, signedMediaUrl } from "./media";
import { deliverThrough } from "./registry";

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
 * The Deliver port over the deployment's adapters, media and links.
 *
 * @example
 * const deliver = channelDelivery(env);
 * const outcome = await deliver(message, config); // sent · retry · failed, never a throw
 */
export function channelDelivery(env: Pick<Env, "RECORDINGS" | "AUTH_TOKEN">): Deliver {
  return (message, config) => deliverThrough(message, config, adapterDeps(env, config));
}
