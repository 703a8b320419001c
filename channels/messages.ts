/**
 * What crosses a channel, as every adapter normalizes it: a customer's message, their change to one
 * (a reaction, an unsend) and a provider's delivery report coming in; a message to deliver and what
 * one attempt came to going out, and the Deliver port that makes the attempt. The inbound route
 * (workers/inbound/) and the ConversationDO work in these terms only, never in a provider's.
 */
import type { ConversationChannel, DeliveryStatus, MediaRef } from "../contract/conversations";
import type { ChannelConfig } from "./channel-config";

// ── inbound ────────────────────────────────────────────────────────────────────────────────────────

/** Email threading, from the headers of an inbound mail or for the headers of an outbound one. */
export interface EmailThread {
  readonly messageId: string;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly subject: string;
}

/**
 * One customer message as every adapter normalizes it, before redaction (the inbound path redacts
 * card numbers in `body` and every string of `attributes` before anything else sees them).
 */
export interface InboundMessage {
  /** The provider's ID of this message: the idempotency key (unique per channel configuration). */
  readonly providerMessageId: string;
  readonly channel: ConversationChannel;
  /** The customer's address on the channel: "+15551234567", "whatsapp:+1555…", a PSID, an email, a visitor ID. */
  readonly customerAddress: string;
  /** Our side's address: the Twilio number, the phone number ID, the page ID, the support address. */
  readonly proxyAddress: string;
  readonly customerName: string | null;
  readonly body: string;
  readonly media: readonly MediaRef[];
  /**
   * What the channel carries besides text, kept on the message's attributes: `location`
   * ({latitude, longitude, name?, address?}), `interactive` ({type, id, title}), `postback`
   * ({title, payload}), `email` ({subject, message_id, cc}) …
   */
  readonly attributes: Readonly<Record<string, unknown>>;
  /**
   * What the channel says about the customer or how they came (Twilio's `from_city`, `from_state`,
   * `from_zip`, `from_country` and `to_*`; Meta's ad or link `referral`; a Messenger `optin`): merged,
   * key by key, into the conversation's attributes and the attributes of its tasks from then on.
   */
  readonly conversationAttributes?: Readonly<Record<string, unknown>>;
  /** Email only: threads the message into the conversation holding any of these Message-IDs. */
  readonly thread: EmailThread | null;
  /** When the provider says it was sent (ms). */
  readonly sentAt: number;
  /**
   * Contact details someone vouches for (a web visitor's identity signed by the team's site), passed
   * on as `ResolveInboundInput.identified` so the DirectoryDO links the address to that profile.
   */
  readonly identified?: { readonly email?: string; readonly phone?: string };
  /**
   * What the customer said about themselves and nobody checked (a web chat pre-chat form): shown to
   * agents as unverified (the task's `customers.unverified`), never used to find a profile.
   */
  readonly unverified?: { readonly name?: string; readonly email?: string; readonly phone?: string };
  /**
   * The web chat visitor asked for a call (`POST …/call`) and this message opens (or reopens) their
   * conversation for it: no chat task is made, the call's start makes its own (lifecycle/calls.ts).
   */
  readonly opensCall?: "voice" | "video";
}

/** A provider's report on a message we sent, matched by its ID within the customer's open conversation. */
export interface StatusUpdate {
  readonly providerMessageId: string;
  readonly customerAddress: string;
  readonly status: Extract<DeliveryStatus, "sent" | "delivered" | "read" | "failed" | "undelivered">;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly at: number;
  /**
   * Receipts by time (Messenger's `read`, and `delivery` without message IDs): when set, the update is
   * for every outbound message of the customer's open conversation that the provider accepted at or
   * before this time (ms) and that has not reached `status` yet; `providerMessageId` is then "".
   */
  readonly watermark?: number;
}

/**
 * The customer changed one of the conversation's messages after sending it, as Meta's channels report
 * it; matched within the customer's open conversation, like a {@link StatusUpdate}.
 * - `reaction`: to an agent's message (by the provider ID its delivery got) or their own; `emoji` null
 *   when they took it back; `providerMessageId` null for a reaction that names no message (Instagram's
 *   like_heart), which goes on the latest message the customer was sent.
 * - `unsent`: their own message, withdrawn (Instagram's unsend): its content is removed for the agent.
 */
export type MessageChange =
  | {
      readonly kind: "reaction";
      readonly providerMessageId: string | null;
      readonly customerAddress: string;
      readonly emoji: string | null;
      readonly at: number;
    }
  | { readonly kind: "unsent"; readonly providerMessageId: string; readonly customerAddress: string; readonly at: number };

// ── outbound ───────────────────────────────────────────────────────────────────────────────────────

/** A message to deliver to the customer on their channel (already redacted). */
export interface OutboundMessage {
  readonly conversationSid: string;
  readonly messageSid: string;
  readonly index: number;
  readonly customerAddress: string;
  readonly proxyAddress: string;
  readonly body: string;
  readonly media: readonly MediaRef[];
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Email: the headers that keep the reply in the customer's thread. */
  readonly thread: EmailThread | null;
  readonly authorName: string | null;
}

/**
 * What one delivery attempt came to: `sent` with the provider's message ID; `retry` for a failure
 * worth trying again (network, 429, 5xx); `failed` for one that never will succeed (4xx).
 */
export type DeliveryOutcome =
  | { readonly kind: "sent"; readonly providerMessageId: string }
  | { readonly kind: "retry"; readonly error: string }
  | { readonly kind: "failed"; readonly error: string; readonly errorCode: string | null };

/** The Deliver port, all the ConversationDO knows of providers: one attempt, never a throw (outbound.ts builds it). */
export type Deliver = (message: OutboundMessage, config: ChannelConfig) => Promise<DeliveryOutcome>;
