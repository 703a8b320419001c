/**
 * The conversation objects' RPC surfaces: what the Worker and the other Durable Objects give the
 * ConversationDO and the DirectoryDO (inputs, the inbound context, the index entries) and get back
 * (profiles, a resolved inbound message). What the browser reads is in contract/conversations.ts, what
 * crosses a channel in channels/. Pure types: no `cloudflare:*` import.
 */
import type { ConversationChannel, ConversationState, MediaRef, MessageVisibility, ParticipantRole } from "../../contract/conversations";
import type { IsoDate } from "../../contract/taskrouter";
import type { ChannelKind } from "../../channels/channel-config";
import type { EmailThread } from "../../channels/messages";
import type { IndexedParticipant } from "./conversation-users";
import type { WebhookConfigs } from "./conversation-webhooks";
import type { SurveyAnswer } from "./survey";
import type { ConversationSurvey } from "../../contract/surveys";

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
  /** `staff`: an internal note (or a whisper), never delivered nor shown to the customer. Default `all`. */
  readonly visibility?: MessageVisibility;
  /** The author's role when they are no participant (a supervisor's whisper); else the participant's. */
  readonly authorRole?: ParticipantRole;
}

export interface UpdateMessageInput {
  readonly body?: string | null;
  readonly attributes?: string;
}

/**
 * Where an inbound message's conversation came from, for a conversation the message creates. Without
 * `customer` the message may only join a conversation that exists (a web chat visitor's, named by their
 * session): the ConversationDO answers 404 instead of opening one.
 */
export interface InboundContext {
  readonly workspaceSid: string;
  readonly channelSid: string;
  readonly kind: ChannelKind;
  /** The task's workflow and TaskChannel (from the channel configuration). */
  readonly workflowSid: string | null;
  readonly taskChannel: string;
  /**
   * The region the conversation's tasks are to be created in: placement's choice (the channel's region,
   * else the customer's nearest of the workspace's) when the conversation opens; absent: the home region.
   */
  readonly region?: string;
  /** The customer's profile and history, for the task's attributes (from the DirectoryDO). */
  readonly customer?: CustomerContext;
  /**
   * The DirectoryDO has not been asked yet (a new web chat visitor's first message, which goes straight to
   * their conversation): the conversation tells it after the task is created, with this, so that its
   * entry, the address's claim and the profile (`customer.profileSid`, minted ahead) follow the ring.
   */
  readonly register?: Omit<ResolveInboundInput, "newConversationSid">;
  /** The chat service's webhook configuration, when the caller holds it (else the conversation reads it). */
  readonly webhooks?: WebhookConfigs;
  /** The Studio flow (FW…) the channel runs first (issue 16): a conversation it opens starts it instead of a task. */
  readonly flowSid?: string | null;
  /** The survey question the channel offers when a conversation ends (common/survey.ts); absent or null: none. */
  readonly surveyQuestion?: string | null;
  /**
   * The message answers the survey of the conversation the directory routed it to (a closed one whose
   * survey waits): the rating and comment read from it. Refused with 409 when that survey no longer takes
   * it (answered meanwhile, or past its window): the caller then opens a new conversation with it.
   */
  readonly surveyAnswer?: SurveyAnswer;
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
  /** Why the task was canceled (its Reason), when it says: a call whose task is canceled ends with it. */
  readonly reason?: string;
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
  /** The satisfaction survey offered when it ended, answer included; absent: the entry does not say (kept). */
  readonly survey?: ConversationSurvey | null;
  /**
   * Until when a reply on the customer's messaging address answers the survey (ms), while it waits for
   * one; null otherwise. Absent: kept.
   */
  readonly surveyOpenUntil?: number | null;
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
  /** The SID a new profile takes (one minted ahead, already in the task's attributes); absent: a new one. */
  readonly newProfileSid?: string;
  /**
   * Verified contact details (a web visitor's identity signed by the team's site): links the address to
   * the profile holding that email or phone, so the visitor shares the history of their other channels.
   * Never what a customer merely typed: that would let anyone claim someone else's profile.
   */
  readonly identified?: { readonly email?: string; readonly phone?: string };
  /**
   * The message reads as a survey answer (common/survey.ts `surveyReply`): when the address has no open
   * conversation but a closed one whose survey waits for an answer, that one is answered (`survey`).
   */
  readonly surveyReply?: boolean;
}

/** The DirectoryDO's answer to `resolveInbound`. */
export interface ResolvedInbound {
  readonly conversationSid: string;
  /** True when `newConversationSid` was claimed: the ConversationDO must create the conversation. */
  readonly created: boolean;
  /** The conversation is a closed one whose survey the message answers (only asked with `surveyReply`). */
  readonly survey?: boolean;
  readonly customer: CustomerContext;
  /** The chat service's webhook configuration, handed on so the conversation need not ask for it again. */
  readonly webhooks?: WebhookConfigs;
}

/**
 * What a supervisor did in a live conversation, as the Router records it (`supervisor.*` events): in its
 * chat (watching, a whispered note, barging in and out) and on its call (`supervisor.call.*`: taking a
 * token to listen unseen, to whisper to the agent, or to barge in, issue 15).
 */
export type SupervisorEventType =
  | "supervisor.monitor"
  | "supervisor.whisper"
  | "supervisor.barge.joined"
  | "supervisor.barge.left"
  | "supervisor.call.monitor"
  | "supervisor.call.whisper"
  | "supervisor.call.barge";

/**
 * One supervisor action, written to the ConversationDO's `supervision` outbox in the action's own
 * transaction and handed to the Router of the conversation's task (the home region's when it has none),
 * which records it once: `key` makes the event's SID, so a resend after a lost answer records nothing new.
 */
export interface SupervisorEventInput {
  /** 24 hex digits, minted with the action. */
  readonly key: string;
  readonly type: SupervisorEventType;
  /** Epoch ms of the action. */
  readonly at: number;
  readonly conversationSid: string;
  readonly taskSid: string | null;
  /** The agent whose conversation it is (the current task's worker, else the last one); null before any. */
  readonly workerSid: string | null;
  readonly supervisor: {
    readonly workerSid: string | null;
    readonly userSid: string | null;
    readonly name: string | null;
  };
  /** The whisper's message, the barge's participant. */
  readonly messageSid?: string;
  readonly participantSid?: string;
  /** A call's supervision: the call (`CA…`) and the identity the supervisor joins its room as. */
  readonly callSid?: string;
  readonly mediaIdentity?: string;
}

/**
 * The customer's answer to a conversation's satisfaction survey, handed to the Router the way a
 * supervisor's action is (the same outbox, keyed the same way) and recorded as `conversation.survey`.
 */
export interface SurveyEventInput {
  /** 24 hex digits, minted with the answer. */
  readonly key: string;
  readonly type: "conversation.survey";
  /** Epoch ms of the answer. */
  readonly at: number;
  readonly conversationSid: string;
  readonly taskSid: string | null;
  /** The agent who served the customer last; null when none did. */
  readonly workerSid: string | null;
  readonly profileSid: string | null;
  readonly rating: number;
  /** Card numbers masked already (lifecycle/survey.ts). */
  readonly comment: string | null;
  readonly via: ConversationSurvey["via"];
}

/** What a ConversationDO hands to the Router to be one of the workspace's Events. */
export type ConversationEventInput = SupervisorEventInput | SurveyEventInput;
