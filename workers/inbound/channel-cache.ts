/**
 * Channel configurations kept in the Worker's isolate, so an inbound message costs no call to the
 * WorkspaceDO: the webhook path is then two Durable Object calls (the DirectoryDO, the ConversationDO),
 * not three.
 *
 * How stale a copy can be — the bound a changed secret or a deleted channel waits for: a copy is used
 * for at most {@link CHANNEL_CACHE_MS} after it was last checked. The next webhook after that asks
 * the WorkspaceDO for the channel's version (which every change bumps; cheap: nothing is unsealed) and
 * reads the configuration again only when it moved. So a webhook signed with a secret that was since
 * changed is refused at most 5 s after the change, in every isolate, and at once in the isolate the
 * change came through (the channels API forgets its copy). The other way round, a webhook the cached
 * secrets refuse is verified once more against a fresh read (`fresh`), so a secret just set never makes
 * the provider's new signatures fail.
 */
import type { ChannelConfig } from "../../channels/channel-config";
import { ok, type ApiResult } from "../../durable-objects/common/rpc";
import type { Env } from "../../platform/env";
import { IsolateCache } from "../../platform/isolate-cache";
import { workspaceFor } from "../../platform/objects";

/** How long a cached configuration is used before its version is checked again. */
export const CHANNEL_CACHE_MS = 5_000;
/** Channels kept per isolate; the least recently read goes first. */
const MAX_CHANNELS = 1_000;

interface Cached {
  readonly config: ChannelConfig;
  readonly checkedAt: number;
}

/** A configuration, and whether it came from the cache (then it may be up to {@link CHANNEL_CACHE_MS} old). */
export interface CachedConfig {
  readonly config: ChannelConfig;
  readonly cached: boolean;
}

/** Kept until pushed out (no age limit of its own): a copy older than {@link CHANNEL_CACHE_MS} is checked, not dropped. */
const cache = new IsolateCache<Cached>(Infinity, MAX_CHANNELS);
const keyOf = (accountSid: string, workspaceSid: string, channelSid: string) => `${accountSid}/${workspaceSid}/${channelSid}`;

/**
 * A channel's configuration with its secrets opened: the cached copy while it is younger than
 * {@link CHANNEL_CACHE_MS}, or unchanged since; otherwise read from the WorkspaceDO (`fresh`: always).
 *
 * @example
 * const config = await channelConfig(env, accountSid, "WS…", "XC…", Date.now());
 * if (config.ok) adapterFor(config.value.config.kind);
 */
export async function channelConfig(
  env: Pick<Env, "WORKSPACE">,
  accountSid: string,
  workspaceSid: string,
  channelSid: string,
  now: number,
  fresh = false,
): Promise<ApiResult<CachedConfig>> {
  const key = keyOf(accountSid, workspaceSid, channelSid);
  const cached = cache.get(key, now);
  const workspace = workspaceFor(env, workspaceSid);
  if (cached && !fresh) {
    if (now - cached.checkedAt < CHANNEL_CACHE_MS) return ok({ config: cached.config, cached: true });
    const version = await workspace.channelVersion(accountSid, channelSid);
    if (version.ok && version.value === cached.config.version) {
      cache.set(key, { config: cached.config, checkedAt: now }, now);
      return ok({ config: cached.config, cached: true });
    }
  }
  const read = await workspace.channelConfig(accountSid, channelSid);
  if (!read.ok) {
    cache.delete(key);
    return read;
  }
  cache.set(key, { config: read.value, checkedAt: now }, now);
  return ok({ config: read.value, cached: false });
}

/** Drops the cached copy of a channel (it changed, or was deleted, through this isolate). */
export function forgetChannel(accountSid: string, workspaceSid: string, channelSid: string): void {
  cache.delete(keyOf(accountSid, workspaceSid, channelSid));
}
