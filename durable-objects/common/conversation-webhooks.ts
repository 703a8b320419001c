/**
 * The contract of Conversations webhooks, shared by the Worker (the configuration and webhook routes),
 * the DirectoryDO (a chat service's webhook configuration), the ConversationDO (conversation-scoped
 * webhooks, pre-events, the post-event outbox) and the callbacks consumer. Pure types and tables: no
 * `cloudflare:*` import.
 *
 * Twilio's three levels: the account's (`/v1/Configuration/Webhooks`, which here — like every
 * account-level path — is the default chat service's), a chat service's own, and a conversation's
 * scoped webhooks. Records are Twilio's JSON without `url`/`links`, which only the Worker builds.
 */
import type { IsoDate } from "../../contract/taskrouter";

/** Events sent after a change (post-events), as Twilio names them in `Filters` and `EventType`. */
export const POST_EVENTS = [
  "onConversationAdded",
  "onConversationUpdated",
  "onConversationRemoved",
  "onConversationStateUpdated",
  "onMessageAdded",
  "onMessageUpdated",
  "onMessageRemoved",
  "onParticipantAdded",
  "onParticipantUpdated",
  "onParticipantRemoved",
  "onDeliveryUpdated",
] as const;
export type PostEvent = (typeof POST_EVENTS)[number];

/** Events called before a change, synchronously; the answer may refuse or modify it (pre-events). */
export const PRE_EVENTS = [
  "onConversationAdd",
  "onConversationUpdate",
  "onConversationRemove",
  "onMessageAdd",
  "onMessageUpdate",
  "onMessageRemove",
  "onParticipantAdd",
  "onParticipantUpdate",
  "onParticipantRemove",
] as const;
export type PreEvent = (typeof PRE_EVENTS)[number];

/** Twilio's user events: accepted in a service's `Filters` so a copied configuration is not refused, never sent. */
export const USER_EVENTS = ["onUserAdded", "onUserUpdated", "onUserUpdate"] as const;

/** Every name a service's or the account's `Filters` may hold. */
export const SERVICE_FILTERS: readonly string[] = [...PRE_EVENTS, ...POST_EVENTS, ...USER_EVENTS];

export type WebhookMethod = "GET" | "POST";

/** A chat service's (or the account's) webhook configuration. Unset fields are null, as Twilio shows them. */
export interface WebhookConfig {
  readonly pre_webhook_url: string | null;
  readonly post_webhook_url: string | null;
  /** null: not set (requests are POSTs). */
  readonly method: WebhookMethod | null;
  readonly filters: readonly string[] | null;
  /** The account level's only: `flex` hands events to Flex instead of the URLs — here, nothing is sent. */
  readonly target: "webhook" | "flex";
}

export interface WebhookConfigInput {
  readonly preWebhookUrl?: string | null;
  readonly postWebhookUrl?: string | null;
  readonly method?: WebhookMethod;
  readonly filters?: readonly string[];
  readonly target?: "webhook" | "flex";
}

/** What a conversation's events go to besides its own scoped webhooks. */
export interface WebhookConfigs {
  readonly service: WebhookConfig | null;
  /** Present only in the default chat service. */
  readonly account: WebhookConfig | null;
}

export type ScopedWebhookTarget = "webhook" | "trigger" | "studio";

/** A conversation-scoped webhook as Twilio returns it (without `url`). */
export interface ScopedWebhookRecord {
  sid: string;
  account_sid: string;
  conversation_sid: string;
  target: ScopedWebhookTarget;
  configuration: {
    url?: string;
    method?: "get" | "post";
    filters?: string[];
    triggers?: string[];
    flow_sid?: string;
    replay_after?: number;
  };
  date_created: IsoDate;
  date_updated: IsoDate;
}

export interface ScopedWebhookInput {
  readonly target?: ScopedWebhookTarget;
  readonly url?: string;
  readonly method?: "get" | "post";
  readonly filters?: readonly string[];
  readonly triggers?: readonly string[];
  readonly flowSid?: string;
  readonly replayAfter?: number;
}

/** Twilio's cap on a conversation's scoped webhooks. */
export const MAX_SCOPED_WEBHOOKS = 5;

/**
 * Who made a change, as Twilio's `Source` and `ClientIdentity` parameters say, and whether it fires
 * webhooks: a REST call only with `X-Twilio-Webhook-Enabled: true` (as Twilio, so an integration's own
 * writes do not come back to it); a customer's message, an agent's socket and routing always.
 */
export interface ActionSource {
  /** `API`, `SDK`, `SMS`, `WHATSAPP`, `MESSENGER`, `INSTAGRAM`, `EMAIL`, `SYSTEM` … */
  readonly source: string;
  readonly webhooks: boolean;
  readonly clientIdentity?: string | null;
}

/** A REST call: webhooks only when the caller asked for them. */
export const restSource = (webhookEnabled: boolean): ActionSource => ({ source: "API", webhooks: webhookEnabled });

/** What Switchboard itself does (routing moves agents in and out, delivery receipts): always announced. */
export const SYSTEM_SOURCE: ActionSource = { source: "SYSTEM", webhooks: true };
