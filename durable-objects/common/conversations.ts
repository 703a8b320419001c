/**
 * The contract of conversations and messaging channels between the Worker (REST routes, channel
 * adapters), the ConversationDO, the DirectoryDO and the WorkspaceDO (channel configuration): what the
 * browser reads too is in contract/conversations.ts. Pure types and tiny helpers: no `cloudflare:*` import.
 */
import type { ConversationChannel, ConversationState, DeliveryStatus, MediaRef, ParticipantRole } from "../../contract/conversations";
import type { IsoDate } from "../../contract/taskrouter";
import type { IndexedParticipant } from "./conversation-users";
import type { WebhookConfigs } from "./conversation-webhooks";

// ── channels ───────────────────────────────────────────────────────────────────────────────────────

/**
 * What a channel configuration connects to, i.e. which adapter under workers/channels/ serves it.
 * `twilio` covers SMS, MMS and WhatsApp through a Twilio number (its addresses carry Twilio's
 * `whatsapp:` prefix); `whatsapp` is Meta's WhatsApp Cloud API.
 */
export type ChannelKind = "webchat" | "twilio" | "whatsapp" | "messenger" | "instagram" | "email" | "custom";
export const CHANNEL_KINDS: readonly ChannelKind[] = ["webchat", "twilio", "whatsapp", "messenger", "instagram", "email", "custom"];

/** A scalar setting of a channel (colours, numbers, URLs …). */
export type SettingValue = string | number | boolean;

/**
 * A channel configuration as the API returns it. Secrets are write-only: the record only says which
 * are set. `webhook_url` is the exact URL to paste into the provider's console.
 */
export interface ChannelRecord {
  sid: string;
  account_sid: string;
  workspace_sid: string;
  kind: ChannelKind;
  friendly_name: string;
  /** The workflow new conversations' tasks enter; null: the workspace's oldest workflow. */
  workflow_sid: string | null;
  /** The TaskChannel unique name of the tasks ("chat", "sms", "email" …). */
  task_channel: string;
  /** Kind-specific, non-secret settings (see `CHANNEL_SETTINGS`). */
  settings: Record<string, SettingValue>;
  /** Names of the kind's secrets, each true when set. */
  secrets: Record<string, boolean>;
  date_created: IsoDate;
  date_updated: IsoDate;
}

/**
 * A channel configuration with its secrets opened: what an adapter gets from the WorkspaceDO to
 * verify a webhook or deliver a message. Never returned by the API, never logged.
 */
export interface ChannelConfig {
  readonly sid: string;
  readonly accountSid: string;
  readonly workspaceSid: string;
  readonly kind: ChannelKind;
  readonly friendlyName: string;
  readonly workflowSid: string | null;
  readonly taskChannel: string;
  readonly settings: Readonly<Record<string, SettingValue>>;
  readonly secrets: Readonly<Record<string, string>>;
  /** Bumped on every change, so a cached copy can be told stale. */
  readonly version: number;
  /**
   * The channel's public webhook URL (`webhook_url`), from the origin it was last configured
   * through; absent for a channel configured without one. Adapters give it to providers as the
   * status callback URL.
   */
  readonly webhookUrl?: string;
}

/**
 * Each kind's settings and secrets (names only; the WorkspaceDO validates values). A setting with a
 * default may be omitted on create. `*_base_url` settings point a channel at a provider's API (tests
 * point them at doubles on 127.0.0.1).
 */
export const CHANNEL_SETTINGS = {
  webchat: {
    settings: ["title", "greeting", "color", "text_color", "prechat_fields", "allowed_origins"],
    secrets: [],
  },
  twilio: { settings: ["twilio_account_sid", "phone_number", "api_base_url"], secrets: ["auth_token"] },
  whatsapp: { settings: ["phone_number_id", "graph_base_url"], secrets: ["access_token", "app_secret", "verify_token"] },
  messenger: { settings: ["page_id", "graph_base_url"], secrets: ["page_access_token", "app_secret", "verify_token"] },
  instagram: { settings: ["page_id", "graph_base_url"], secrets: ["page_access_token", "app_secret", "verify_token"] },
  email: { settings: ["address", "from_name", "mail_api_base_url", "mail_domain"], secrets: ["mail_api_key", "inbound_parse_secret"] },
  custom: { settings: ["outbound_url"], secrets: ["signing_secret"] },
} as const satisfies Record<ChannelKind, { settings: readonly string[]; secrets: readonly string[] }>;

/** Default task channel per kind. */
export const DEFAULT_TASK_CHANNEL: Record<ChannelKind, string> = {
  webchat: "chat",
  twilio: "sms",
  whatsapp: "chat",
  messenger: "chat",
  instagram: "chat",
  email: "email",
  custom: "chat",
};

/** Where a provider sends a channel's webhooks: `${origin}/webhooks/${workspaceSid}/${channelSid}`. */
export const webhookPath = (workspaceSid: string, channelSid: string): string => `/webhooks/${workspaceSid}/${channelSid}`;

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

// ── RPC surfaces (the Durable Objects implement these; callers type against them) ───────────────────

/** What a new conversation is made with (API, Interactions, or the first inbound message). */
export interface CreateConversationInput {
  readonly workspaceSid: string;
  readonly friendlyName?: string | null;
  readonly uniqueName?: string | null;
  /** JSON text. */
  readonly attributes?: string;
  readonly state?: ConversationState;
  readonly dateCreated?: number;
  readonly channel?: ConversationChannel | null;
  readonly channelSid?: string | null;
  /** Participants added with the conversation, all or nothing (ConversationWithParticipants). */
  readonly participants?: readonly AddParticipantInput[];
}

export interface UpdateConversationInput {
  readonly friendlyName?: string | null;
  readonly uniqueName?: string | null;
  readonly attributes?: string;
  readonly state?: ConversationState;
}

export interface AddParticipantInput {
  readonly identity?: string | null;
  readonly attributes?: string;
  /** Non-chat participant: their address on the channel and ours. */
  readonly messagingBinding?: { readonly address: string; readonly proxyAddress: string } | null;
  readonly role?: ParticipantRole;
  readonly displayName?: string | null;
}

export interface UpdateParticipantInput {
  readonly attributes?: string;
  readonly lastReadMessageIndex?: number | null;
  readonly displayName?: string | null;
}

export interface AddMessageInput {
  readonly author?: string;
  readonly body?: string | null;
  readonly attributes?: string;
  readonly mediaSids?: readonly string[];
  /** Media already stored (the Worker put the bytes in R2). */
  readonly media?: readonly MediaRef[];
  /** The author, as a participant of the conversation (an agent's socket sets it). */
  readonly participantSid?: string | null;
  /** Makes the call idempotent: the same key answers the same message. */
  readonly idempotencyKey?: string | null;
  readonly dateCreated?: number;
}

export interface UpdateMessageInput {
  readonly body?: string | null;
  readonly attributes?: string;
}

/** Where an inbound message's conversation came from, for a conversation the message creates. */
export interface InboundContext {
  readonly workspaceSid: string;
  readonly channelSid: string;
  readonly kind: ChannelKind;
  /** The task's workflow and TaskChannel (from the channel configuration). */
  readonly workflowSid: string | null;
  readonly taskChannel: string;
  /** The customer's profile and history, for the task's attributes (from the DirectoryDO). */
  readonly customer: CustomerContext;
  /** The chat service's webhook configuration, when the DirectoryDO handed it on (else the conversation reads it). */
  readonly webhooks?: WebhookConfigs;
}

/** What routing and the agent see of a customer (put in the task's `customers` / `history` attributes). */
export interface CustomerContext {
  readonly profileSid: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  /** The worker who last handled this customer, for known-agent routing. */
  readonly lastWorkerSid: string | null;
  /** Their earlier conversations, newest first (at most 10). */
  readonly history: readonly {
    readonly conversationSid: string;
    readonly channel: ConversationChannel | null;
    readonly dateCreated: IsoDate;
    readonly workerSid: string | null;
  }[];
}

/** A TaskRouter event about a conversation's task, forwarded by the queue consumer (at least once). */
export interface ConversationTaskEvent {
  readonly eventSid: string;
  readonly eventType: string;
  readonly workspaceSid: string;
  readonly taskSid: string;
  readonly conversationSid: string;
  readonly workerSid: string | null;
  readonly workerName: string | null;
  readonly reservationSid: string | null;
  readonly at: number;
}

/** A row of the workspace's conversation index (DirectoryDO). */
export interface ConversationIndexEntry {
  readonly sid: string;
  readonly uniqueName: string | null;
  readonly friendlyName: string | null;
  readonly state: ConversationState;
  readonly channel: ConversationChannel | null;
  readonly channelSid: string | null;
  readonly customerAddress: string | null;
  readonly profileSid: string | null;
  readonly lastWorkerSid: string | null;
  readonly dateCreated: number;
  readonly dateUpdated: number;
  /** Everyone in the conversation, when the entry says (it replaces the list); absent: the list is kept. */
  readonly participants?: readonly IndexedParticipant[];
}

/** A customer profile as the API returns it. */
export interface ProfileRecord {
  sid: string;
  account_sid: string;
  workspace_sid: string;
  friendly_name: string | null;
  email: string | null;
  phone: string | null;
  /** JSON text. */
  attributes: string;
  /** Every address linked to the person: `{channel, address}`. */
  addresses: { channel: ConversationChannel; address: string }[];
  last_worker_sid: string | null;
  date_created: IsoDate;
  date_updated: IsoDate;
}

/**
 * What the inbound path asks the DirectoryDO for one customer message (`resolveInbound`): the open
 * conversation of the address (or the email thread), else `newConversationSid`, and the customer's profile.
 */
export interface ResolveInboundInput {
  readonly workspaceSid: string;
  readonly channelSid: string;
  readonly channel: ConversationChannel;
  readonly customerAddress: string;
  readonly customerName: string | null;
  readonly thread: EmailThread | null;
  /** Claimed as the address's open conversation when it has none. */
  readonly newConversationSid: string;
  /**
   * Verified contact details (a web visitor's identity signed by the team's site): links the address to
   * the profile holding that email or phone, so the visitor shares the history of their other channels.
   * Never what a customer merely typed: that would let anyone claim someone else's profile.
   */
  readonly identified?: { readonly email?: string; readonly phone?: string };
}

/** The DirectoryDO's answer to `resolveInbound`. */
export interface ResolvedInbound {
  readonly conversationSid: string;
  /** True when `newConversationSid` was claimed: the ConversationDO must create the conversation. */
  readonly created: boolean;
  readonly customer: CustomerContext;
  /** The chat service's webhook configuration, handed on so the conversation need not ask for it again. */
  readonly webhooks?: WebhookConfigs;
}
