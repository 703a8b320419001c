/**
 * A messaging channel's configuration: which provider it connects to (its kind, and so its adapter),
 * its settings and secrets, and where the provider sends its webhooks. The WorkspaceDO keeps and
 * validates configurations; the inbound route and the ConversationDO's delivery read them.
 */
import type { IsoDate } from "../contract/taskrouter";

/**
 * What a channel configuration connects to, i.e. which adapter under channels/ serves it.
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
  /** Switchboard's own: the region new conversations' tasks are created in; null: the customer's nearest of the workspace's, else home. */
  region: string | null;
  /** The Studio flow (FW…) its new conversations run first (issue 16); null: straight to the workflow. */
  flow_sid: string | null;
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
  /** The region its conversations' tasks are created in (null or absent: placement's defaults). */
  readonly region?: string | null;
  readonly settings: Readonly<Record<string, SettingValue>>;
  readonly secrets: Readonly<Record<string, string>>;
  /** The Studio flow (FW…) new conversations run first (issue 16); absent or null: straight to the workflow. */
  readonly flowSid?: string | null;
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
 * The satisfaction survey's settings, which every kind has: `csat_enabled` (true/false, off when absent)
 * and `csat_question` (what the customer is asked; absent: "How did we do?").
 */
export const SURVEY_SETTINGS = ["csat_enabled", "csat_question"] as const;

/**
 * Each kind's settings and secrets (names only; the WorkspaceDO validates values). A setting with a
 * default may be omitted on create. `*_base_url` settings point a channel at a provider's API (tests
 * point them at doubles on 127.0.0.1).
 */
export const CHANNEL_SETTINGS = {
  webchat: {
    settings: ["title", "greeting", "color", "text_color", "prechat_fields", "allowed_origins", ...SURVEY_SETTINGS],
    secrets: [],
  },
  twilio: { settings: ["twilio_account_sid", "phone_number", "api_base_url", ...SURVEY_SETTINGS], secrets: ["auth_token"] },
  whatsapp: {
    settings: ["phone_number_id", "graph_base_url", ...SURVEY_SETTINGS],
    secrets: ["access_token", "app_secret", "verify_token"],
  },
  messenger: { settings: ["page_id", "graph_base_url", ...SURVEY_SETTINGS], secrets: ["page_access_token", "app_secret", "verify_token"] },
  instagram: { settings: ["page_id", "graph_base_url", ...SURVEY_SETTINGS], secrets: ["page_access_token", "app_secret", "verify_token"] },
  email: {
    settings: ["address", "from_name", "mail_api_base_url", "mail_domain", ...SURVEY_SETTINGS],
    secrets: ["mail_api_key", "inbound_parse_secret"],
  },
  custom: { settings: ["outbound_url", ...SURVEY_SETTINGS], secrets: ["signing_secret"] },
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
