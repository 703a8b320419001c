/**
 * The customers' open conversations as the DirectoryDO last answered them, kept in the Worker's isolate,
 * so a customer's later messages on a webhook channel go straight to their ConversationDO: one Durable
 * Object call per message instead of two, and none to the workspace's home region (where the directory
 * is) — as web chat's session already does for its visitors (direct.ts).
 *
 * What is kept, per channel and customer address: the conversation the directory answered, once that
 * conversation stored the message. Only where asking the directory again would change nothing but
 * its answer: not for an email (its thread is recorded per message), a visitor who identifies themselves
 * (their profile may be linked to a known customer), a survey's answer, or while the customer's profile
 * lacks a name, phone or email that the next message could fill in.
 *
 * How it stays right: the conversation itself is the check. One that has closed answers 409 and one that
 * is not there answers 404 (a cached hit carries no customer, so it never opens one); the copy is then
 * forgotten and the message goes the directory's way, which opens the next conversation. What the
 * directory could change while the conversation stays open — a profile an agent edited, the address
 * taken over by a conversation made over the API — is seen within {@link OPEN_CONVERSATION_CACHE_MS}:
 * after that the directory is asked again.
 */
import type { ChannelConfig } from "../../channels/channel-config";
import type { InboundMessage } from "../../channels/messages";
import type { ResolvedInbound } from "../../durable-objects/common/conversations";
import { contactOf } from "../../durable-objects/directory/addresses";
import { IsolateCache } from "../../platform/isolate-cache";

/** How long the directory's answer is used before it is asked again. */
export const OPEN_CONVERSATION_CACHE_MS = 60_000;
/** Customers kept per isolate; the least recently written to goes first. */
const MAX_CUSTOMERS = 10_000;

interface OpenConversation {
  readonly conversationSid: string;
  /** The profile has a name: a name the message gives changes nothing. */
  readonly named: boolean;
}

const cache = new IsolateCache<OpenConversation>(OPEN_CONVERSATION_CACHE_MS, MAX_CUSTOMERS);
const keyOf = (config: ChannelConfig, customerAddress: string) =>
  `${config.accountSid}/${config.workspaceSid}/${config.sid}/${customerAddress.trim()}`;

/** Whether the directory would do more for this message than answer where it goes. */
const needsDirectory = (message: InboundMessage): boolean => message.thread !== null || message.identified !== undefined;

/**
 * The open conversation the directory last answered for the message's customer, or null when the
 * directory is to be asked (none kept, older than {@link OPEN_CONVERSATION_CACHE_MS}, or the message
 * is one the directory must see). `profileName`: the name the message gives the customer's profile.
 *
 * @example
 * const conversationSid = cachedConversation(config, message, profileName(message), Date.now());
 * if (conversationSid !== null) await conversationFor(env, conversationSid).receive(accountSid, context, message);
 */
export function cachedConversation(config: ChannelConfig, message: InboundMessage, profileName: string | null, now: number): string | null {
  if (needsDirectory(message)) return null;
  const open = cache.get(keyOf(config, message.customerAddress), now);
  if (open === undefined) return null;
  // A name the profile lacks: the directory fills it in.
  if (!open.named && profileName !== null) return null;
  return open.conversationSid;
}

/**
 * Keeps the directory's answer for the customer's later messages, once its conversation stored the
 * message — unless asking again could change something besides the answer (see the module's comment).
 *
 * @example rememberConversation(config, message, resolved.value, Date.now());
 */
export function rememberConversation(config: ChannelConfig, message: InboundMessage, resolved: ResolvedInbound, now: number): void {
  const key = keyOf(config, message.customerAddress);
  const { customer } = resolved;
  const contact = contactOf(message.channel, message.customerAddress.trim());
  const fillable = (contact.phone !== null && customer.phone === null) || (contact.email !== null && customer.email === null);
  if (needsDirectory(message) || resolved.survey === true || fillable) {
    cache.delete(key);
    return;
  }
  cache.set(key, { conversationSid: resolved.conversationSid, named: customer.name !== null }, now);
}

/**
 * Forgets the customer's conversation (it answered closed or missing), so their message goes the directory's way.
 * @example forgetConversation(config, "+15550001111");
 */
export function forgetConversation(config: ChannelConfig, customerAddress: string): void {
  cache.delete(keyOf(config, customerAddress));
}
