/**
 * The chat service's webhook configuration (pre- and post-event URLs, filters) kept in the Worker's
 * isolate, so a web chat visitor's message that goes straight to its conversation (direct.ts) costs no
 * call to the DirectoryDO in the workspace's home region to learn where its webhooks go.
 *
 * How stale a copy can be: {@link WEBHOOK_CONFIG_CACHE_MS}, as a channel's configuration
 * (channel-cache.ts) — a webhook configured in one isolate is called by every other within 5 s, and at
 * once by the isolate the change came through (the webhooks API forgets its copy).
 */
import type { WebhookConfigs } from "../../durable-objects/common/conversation-webhooks";
import type { Env } from "../../platform/env";
import { directoryFor } from "../../platform/objects";
import { IsolateCache } from "../../platform/isolate-cache";

/** How long a copy is used before it is read again. */
export const WEBHOOK_CONFIG_CACHE_MS = 5_000;

const cache = new IsolateCache<WebhookConfigs>(WEBHOOK_CONFIG_CACHE_MS);
const keyOf = (accountSid: string, workspaceSid: string) => `${accountSid}/${workspaceSid}`;

/**
 * The workspace's chat service webhook configuration: the isolate's copy while it is younger than
 * {@link WEBHOOK_CONFIG_CACHE_MS}, else read from the DirectoryDO; undefined when it cannot be read (the
 * conversation then asks itself, and carries on without it if it still cannot).
 *
 * @example const webhooks = await webhookConfigs(env, accountSid, "WS…", Date.now());
 */
export async function webhookConfigs(
  env: Pick<Env, "DIRECTORY">,
  accountSid: string,
  workspaceSid: string,
  now: number,
): Promise<WebhookConfigs | undefined> {
  const key = keyOf(accountSid, workspaceSid);
  const cached = cache.get(key, now);
  if (cached) return cached;
  try {
    const read = await directoryFor(env, workspaceSid).webhookConfigs(accountSid);
    if (!read.ok) return undefined;
    cache.set(key, read.value, now);
    return read.value;
  } catch (error) {
    console.warn(
      `the webhook configuration of ${workspaceSid} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

/**
 * Keeps a configuration the directory just answered with something else (`resolveInbound`), so the
 * customer's next message, which skips the directory (open-conversations.ts), need not ask for it.
 * @example rememberWebhookConfigs(accountSid, "WS…", resolved.value.webhooks, Date.now());
 */
export function rememberWebhookConfigs(accountSid: string, workspaceSid: string, configs: WebhookConfigs, now: number): void {
  cache.set(keyOf(accountSid, workspaceSid), configs, now);
}

/** Drops the isolate's copy (the configuration changed through this isolate). */
export function forgetWebhookConfigs(accountSid: string, workspaceSid: string): void {
  cache.delete(keyOf(accountSid, workspaceSid));
}
