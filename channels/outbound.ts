/**
 * The Deliver port (messages.ts) over the adapters (registry.ts), and what an adapter may reach: fetch,
 * the workspace's media, the channel's webhook URL for status callbacks, signed links to attachments.
 */
import type { ChannelConfig } from "./channel-config";
import type { Deliver } from "./messages";
import type { MediaRef } from "../contract/conversations";
import type { Env } from "../platform/env";
import type { Buckets } from "../platform/stores";
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
  env: Buckets & Pick<Env, "AUTH_TOKEN">,
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
 * The Deliver port the ConversationDO is built with.
 * @example const outcome = await channelDelivery(env)(message, config); // sent · retry · failed, never a throw
 */
export function channelDelivery(env: Buckets & Pick<Env, "AUTH_TOKEN">): Deliver {
  return (message, config) => deliverThrough(message, config, adapterDeps(env, config));
}
