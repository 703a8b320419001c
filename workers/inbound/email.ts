/**
 * The Worker's `email()` handler: mail that Cloudflare Email Routing hands to Switchboard. All it has
 * is the envelope recipient, so it finds the email channel whose `address` setting is that recipient
 * (case-insensitive; `support+anything@acme.test` reaches `support@acme.test`) by listing the
 * account's workspaces (AccountDO) and each one's channels (WorkspaceDO), then hands the mail to the
 * same inbound path as every webhook.
 *
 * That scan is cached per isolate for a minute; a recipient the cache does not know rescans at most
 * every few seconds, so a new channel is found at once and a flood of mail to unknown addresses costs
 * one scan per interval, not one per mail. Mail for no channel is rejected ("Unknown address"), as is
 * mail over 25 MB or that is not MIME at all; a failure of ours (a Durable Object or R2 unreachable)
 * is thrown, so Email Routing reports it as a temporary failure rather than the mail being dropped.
 */
import type { ChannelConfig } from "../../channels/channel-config";
import type { Env } from "../../platform/env";
import { readAtMost } from "../../platform/read-at-most";
import { mailToInbound } from "../../channels/email";
import { MAX_EMAIL_BYTES, parseEmail, type ParsedEmail } from "../../channels/email-mime";
import { receiveInbound } from "./webhooks";
import { mediaStore } from "../../channels/media";
import { accountFor, workspaceFor } from "../../platform/objects";

/** One email channel's place: which workspace's WorkspaceDO holds it. */
export interface EmailRoute {
  readonly workspaceSid: string;
  readonly channelSid: string;
}

const CACHE_MS = 60_000;
const MIN_RESCAN_MS = 5_000;
const PAGE_SIZE = 1000;

let routes: { readonly at: number; readonly byAddress: ReadonlyMap<string, EmailRoute> } | null = null;

/** Forgets the cached channel addresses (tests, and a route that turned out stale). */
export function forgetEmailRoutes(): void {
  routes = null;
}

/**
 * The addresses to look a recipient up by: itself, then without its `+tag`.
 * @example recipientKeys("Support+Orders@Acme.test") // ["support+orders@acme.test", "support@acme.test"]
 */
export function recipientKeys(recipient: string): string[] {
  const address = recipient.trim().replace(/^<|>$/g, "").toLowerCase();
  const untagged = address.replace(/^([^@+]+)\+[^@]*@/, "$1@");
  return untagged === address ? [address] : [address, untagged];
}

/** Every email channel of the account, by address (the oldest channel wins a shared address). */
async function scanEmailChannels(env: Env, accountSid: string): Promise<Map<string, EmailRoute>> {
  const byAddress = new Map<string, EmailRoute>();
  const account = accountFor(env, accountSid);
  let workspaceToken: string | undefined;
  for (let page = 0; ; page++) {
    const workspaces = await account.listWorkspaces({}, { pageSize: PAGE_SIZE, page, pageToken: workspaceToken });
    if (!workspaces.ok) throw new Error(`Listing the account's workspaces failed: ${workspaces.message}`);
    for (const workspace of workspaces.value.items) {
      const stub = workspaceFor(env, workspace.sid);
      let channelToken: string | undefined;
      for (let channelPage = 0; ; channelPage++) {
        const channels = await stub.listChannels(accountSid, { pageSize: PAGE_SIZE, page: channelPage, pageToken: channelToken });
        if (!channels.ok) break; // the workspace was deleted since it was listed
        for (const channel of channels.value.items) {
          const address = channel.kind === "email" ? String(channel.settings.address ?? "").toLowerCase() : "";
          if (address && !byAddress.has(address)) byAddress.set(address, { workspaceSid: workspace.sid, channelSid: channel.sid });
        }
        if (!channels.value.nextPageToken) break;
        channelToken = channels.value.nextPageToken;
      }
    }
    if (!workspaces.value.nextPageToken) break;
    workspaceToken = workspaces.value.nextPageToken;
  }
  return byAddress;
}

/**
 * The email channel (secrets opened) whose address is `recipient`, or null when there is none.
 *
 * @example
 * const config = await emailChannelFor(env, message.to, Date.now()); // ChannelConfig of kind "email" or null
 */
export async function emailChannelFor(env: Env, recipient: string, now: number): Promise<ChannelConfig | null> {
  const accountSid = env.ACCOUNT_SID;
  if (!accountSid) return null;
  const keys = recipientKeys(recipient);
  const lookup = () => keys.map((key) => routes?.byAddress.get(key)).find((route) => route !== undefined);
  const rescan = async () => {
    routes = { at: now, byAddress: await scanEmailChannels(env, accountSid) };
    return lookup();
  };
  let route = routes && now - routes.at < CACHE_MS ? lookup() : undefined;
  if (!route && (!routes || now - routes.at >= MIN_RESCAN_MS)) route = await rescan();
  // A cached route may be stale (the channel was deleted or its address changed): check, rescan once.
  for (let attempt = 0; route; attempt++) {
    const config = await workspaceFor(env, route.workspaceSid).channelConfig(accountSid, route.channelSid);
    const address = config.ok && config.value.kind === "email" ? String(config.value.settings.address ?? "").toLowerCase() : "";
    if (config.ok && keys.includes(address)) return config.value;
    if (attempt > 0) break;
    route = await rescan();
  }
  return null;
}

/**
 * Email Routing's entry point (`export default { email: handleEmail }`): the mail becomes a message in
 * the customer's open conversation, or a new conversation and task, through the shared inbound path.
 *
 * @example
 * export default { fetch: app.fetch, email: handleEmail } satisfies ExportedHandler<Env>;
 */
export async function handleEmail(message: ForwardableEmailMessage, env: Env, _ctx: ExecutionContext): Promise<void> {
  const tooLarge = `Message too large: at most ${MAX_EMAIL_BYTES / 1024 / 1024} MB`;
  if (message.rawSize > MAX_EMAIL_BYTES) return message.setReject(tooLarge);
  const config = await emailChannelFor(env, message.to, Date.now());
  if (!config) return message.setReject("Unknown address");
  // rawSize is the envelope's claim; the bytes read are the truth.
  const raw = await readAtMost(message.raw, MAX_EMAIL_BYTES);
  if (!raw) return message.setReject(tooLarge);
  let mail: ParsedEmail;
  try {
    mail = await parseEmail(raw);
  } catch {
    return message.setReject("Not a readable MIME message");
  }
  if (!mail.from) return message.setReject("The message has no From address");
  const inbound = await mailToInbound(mail, config, mediaStore(env, config.workspaceSid), Date.now());
  // Null here means mail from the channel's own address: taking it would loop, bouncing it would too.
  if (!inbound) return;
  const received = await receiveInbound(env, config, { messages: [inbound], statuses: [] });
  // Ours to fix, not the sender's: thrown, so the mail is not accepted as if it had been stored.
  if (!received.ok) throw new Error(`Mail for channel ${config.sid} not stored: ${received.status} ${received.code}`);
}
