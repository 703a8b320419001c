/**
 * Conversations as the browser sees them: Twilio Conversations v1's records (snake_case, ISO dates,
 * `attributes` as JSON text, without `url`/`links`, which only the Worker can build) and the frames and
 * commands of the live conversation socket that the customer's widget and the agent desktop hold open.
 * SIDs follow Twilio's prefixes: CH conversation, MB participant, IM message, ME media, IS chat service
 * (one per workspace); ours: XC a channel configuration, PR a customer profile.
 */
import type { CONVERSATION_FRAME_TYPES, SameKinds } from "./frame-types";
import type { IsoDate } from "./taskrouter";
import type { ConversationSurvey } from "./surveys";
import type { CallRecord } from "./calls";

/**
 * The channel a conversation's customer writes on, as Flex names it in a task's `channelType`
 * attribute. A `twilio` channel yields `sms` or `whatsapp` per address.
 */
export type ConversationChannel = "web" | "sms" | "whatsapp" | "messenger" | "instagram" | "email" | "custom";

/** An attachment, stored in R2 (`RECORDINGS` bucket, key `media/<workspace>/<ME sid>`) before it is referenced. */
export interface MediaRef {
  readonly sid: string;
  readonly content_type: string;
  readonly filename: string | null;
  readonly size: number;
}

export type DeliveryStatus = "queued" | "sending" | "sent" | "delivered" | "read" | "failed" | "undelivered";

/** A customer's reaction as it is kept on the message it answers (`attributes.reactions`). */
export interface MessageReaction {
  readonly by: "customer";
  readonly emoji: string;
}

/**
 * What a message the customer withdrew keeps (`attributes.removed`): who and when. Its body, media and
 * other attributes are gone; the record stays so indexes are never reused.
 */
export interface MessageRemoval {
  readonly by: "customer";
  readonly date_removed: IsoDate;
}

// ── records (Twilio Conversations v1) ──────────────────────────────────────────────────────────────

export type ConversationState = "active" | "inactive" | "closed";

/**
 * The self-service flow handling a conversation (Switchboard's, issue 16): a bot is answering the customer.
 * `starting`: the execution is made but not yet started; `active`: it runs. `flow_sid` is null only for an
 * execution started before the record carried it.
 */
export interface ConversationFlow {
  readonly execution_sid: string;
  readonly flow_sid: string | null;
  readonly status: "starting" | "active";
}

export interface ConversationRecord {
  sid: string;
  account_sid: string;
  chat_service_sid: string;
  messaging_service_sid: string | null;
  friendly_name: string | null;
  unique_name: string | null;
  /** JSON text, as Twilio returns it. */
  attributes: string;
  state: ConversationState;
  date_created: IsoDate;
  date_updated: IsoDate;
  timers: Record<string, never>;
  bindings: null;
  /** Switchboard's: the workspace, the channel the customer writes on and its configuration. */
  workspace_sid: string;
  channel: ConversationChannel | null;
  channel_sid: string | null;
  task_sid: string | null;
  /** Switchboard's: the satisfaction survey offered when it ended (contract/surveys.ts); absent when none was. */
  survey?: ConversationSurvey;
  /**
   * Switchboard's: the flow handling it, null when none — in the REST answers (create, fetch, update,
   * list) and the socket's snapshot; absent from webhooks and `conversation.updated` frames, which carry
   * the conversation's own fields.
   */
  flow?: ConversationFlow | null;
}

/**
 * One of a customer's conversations as `GET /api/workspaces/WS…/profiles/PR…/conversations` lists them
 * (Switchboard's, newest first): what the customer card shows of their history, with each one's outcome.
 */
export interface ProfileConversationRecord {
  sid: string;
  unique_name: string | null;
  friendly_name: string | null;
  state: ConversationState;
  channel: ConversationChannel | null;
  channel_sid: string | null;
  customer_address: string | null;
  profile_sid: string | null;
  last_worker_sid: string | null;
  date_created: IsoDate;
  date_updated: IsoDate;
  /** The satisfaction survey offered when it ended (contract/surveys.ts), answered or not; null when none was. */
  survey: ConversationSurvey | null;
  url: string;
}

/** `supervisor`: a supervisor who barged in (joined a live conversation to write to the customer). */
export type ParticipantRole = "customer" | "agent" | "bot" | "supervisor";

/**
 * Who may read a message: `all` (the customer too) or `staff` — an internal note between agents, or a
 * supervisor's whisper to the agent. A note is never delivered to the customer's channel, never on the
 * customer's socket, and not in the customer's unread count; agents, supervisors and the REST API see it.
 */
export type MessageVisibility = "all" | "staff";

export interface ParticipantRecord {
  sid: string;
  account_sid: string;
  conversation_sid: string;
  /** Chat identity (agents: their worker SID; web visitors: their visitor ID); null for an SMS-style participant. */
  identity: string | null;
  /** JSON text. */
  attributes: string;
  /** Twilio's binding for a non-chat participant; null for chat. */
  messaging_binding: { type: string; address: string; proxy_address: string } | null;
  role_sid: string | null;
  date_created: IsoDate;
  date_updated: IsoDate;
  last_read_message_index: number | null;
  last_read_timestamp: IsoDate | null;
  /** Switchboard's. */
  role: ParticipantRole;
  display_name: string | null;
}

/**
 * A participant who left (an agent after wrap-up, one removed through the API): Switchboard keeps who
 * they were, what they had read and when they joined (`date_created`) and left, so a transcript still
 * names the author of every message and still shows the customer's messages as read.
 */
export interface PastParticipantRecord {
  sid: string;
  identity: string | null;
  role: ParticipantRole;
  display_name: string | null;
  last_read_message_index: number | null;
  date_created: IsoDate;
  date_left: IsoDate;
}

export interface MessageDelivery {
  total: number;
  sent: "all" | "some" | "none";
  delivered: "all" | "some" | "none";
  read: "all" | "some" | "none";
  failed: "all" | "some" | "none";
  undelivered: "all" | "some" | "none";
}

export interface MessageRecord {
  sid: string;
  account_sid: string;
  conversation_sid: string;
  /** 0, 1, 2 … in the order the conversation stored them. */
  index: number;
  author: string;
  body: string | null;
  media: MediaRef[] | null;
  /** JSON text. */
  attributes: string;
  participant_sid: string | null;
  date_created: IsoDate;
  date_updated: IsoDate;
  /** Null for messages that stay in the conversation (inbound, or to chat participants only). */
  delivery: MessageDelivery | null;
  content_sid: null;
  /** Switchboard's: the state of the outbound delivery to the customer's channel, if any. */
  delivery_status: DeliveryStatus | null;
  delivery_error: string | null;
  /** Switchboard's: `staff` for an internal note or a supervisor's whisper, which the customer never sees. */
  visibility: MessageVisibility;
  /**
   * Switchboard's: what the author was when they wrote it (a participant's role, or `supervisor` for a
   * whisper by a supervisor who is no participant); null for a message the API wrote without a participant.
   */
  author_role: ParticipantRole | null;
}

/** Twilio's delivery receipt: how a delivered message fared with its recipient (here: the customer's channel). */
export interface DeliveryReceiptRecord {
  sid: string;
  account_sid: string;
  chat_service_sid: string;
  conversation_sid: string;
  message_sid: string;
  /** The provider's ID of the delivered copy (Twilio's `SM…`, Meta's `wamid.…`), once the provider took it. */
  channel_message_sid: string | null;
  participant_sid: string | null;
  status: "sent" | "delivered" | "read" | "failed" | "undelivered";
  /** The provider's error code; 0 when there is none. */
  error_code: number;
  date_created: IsoDate;
  date_updated: IsoDate;
}

// ── the live conversation socket (customer widget and agent desktop) ──────────────────────────────

/** Frames the ConversationDO sends on a socket. */
export type ConversationFrame =
  | {
      readonly type: "conversation.snapshot";
      readonly conversation: ConversationRecord;
      readonly participants: readonly ParticipantRecord[];
      /** Everyone who was a participant and left, in the order they joined. */
      readonly past_participants: readonly PastParticipantRecord[];
      /** Messages after the client's `since` index (all when it gave none). */
      readonly messages: readonly MessageRecord[];
      /**
       * Which participant this socket is; for a supervisor who watches (no participant), `supervisor:`
       * and the identity their whispers carry as `author` (their worker SID, else their user SID).
       */
      readonly you: string;
      /** The conversation's latest call (contract/calls.ts), live or ended; null when it never had one. */
      readonly call: CallRecord | null;
    }
  | { readonly type: "message.added"; readonly message: MessageRecord }
  | { readonly type: "message.updated"; readonly message: MessageRecord }
  /** The customer withdrew the message: `message` is what is left of it (no body, no media, `attributes.removed`). */
  | { readonly type: "message.removed"; readonly message: MessageRecord }
  | { readonly type: "participant.joined"; readonly participant: ParticipantRecord }
  | { readonly type: "participant.left"; readonly participant: ParticipantRecord; readonly date_left: IsoDate }
  | { readonly type: "participant.updated"; readonly participant: ParticipantRecord }
  | { readonly type: "typing"; readonly participantSid: string; readonly displayName: string | null }
  | { readonly type: "conversation.updated"; readonly conversation: ConversationRecord }
  /** The conversation's call started or changed (state, parties, hold, its end): sent to every socket, customer's and staff's. */
  | { readonly type: "call.updated"; readonly call: CallRecord }
  | { readonly type: "ack"; readonly clientId: string; readonly messageSid: string }
  | { readonly type: "error"; readonly clientId: string | null; readonly status: number; readonly message: string };

/**
 * Commands a client sends on its socket. `clientId` makes `message.send` idempotent across reconnects.
 * Staff only (an agent's or supervisor's socket; the customer's answers 403): `note: true` sends an
 * internal note (a supervisor who has not barged in sends nothing else: a whisper), a `typing` with
 * `note: true` is shown to staff only, and a supervisor barges in (`barge.join`, as a participant of role
 * `supervisor`, named `displayName`) and out (`barge.leave`); each answers with a fresh snapshot naming `you`.
 */
export type ConversationCommand =
  | {
      readonly type: "message.send";
      readonly clientId: string;
      readonly body: string;
      readonly mediaSids?: readonly string[];
      readonly note?: boolean;
    }
  | { readonly type: "typing"; readonly note?: boolean }
  | { readonly type: "read"; readonly index: number }
  | { readonly type: "barge.join"; readonly displayName?: string }
  | { readonly type: "barge.leave" };

/** The socket's subprotocol, as the agent channel's: the token travels in `Sec-WebSocket-Protocol`, never in a URL. */
export const CONVERSATION_SUBPROTOCOL = "switchboard.conversation.v1";

/** frame-types.ts's list names exactly the socket's kinds. */
true satisfies SameKinds<(typeof CONVERSATION_FRAME_TYPES)[number], ConversationFrame["type"]>;
