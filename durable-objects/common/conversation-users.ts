/**
 * The contract of a chat service's Conversations users and of who is in which conversation, shared by the
 * Worker (Users, UserConversations, ParticipantConversations) and the DirectoryDO that holds both for its
 * workspace (= chat service). Pure types: no `cloudflare:*` import.
 */
import type { IsoDate } from "../../contract/taskrouter";

/** A Conversations user of a chat service (Twilio's `US…`), held by the workspace's DirectoryDO. */
export interface ConversationUserRecord {
  sid: string;
  account_sid: string;
  chat_service_sid: string;
  /** Stored as given; Switchboard has no Conversations roles to check it against. */
  role_sid: string | null;
  identity: string;
  friendly_name: string | null;
  /** JSON text. */
  attributes: string;
  is_online: null;
  is_notifiable: null;
  date_created: IsoDate;
  date_updated: IsoDate;
}

export interface ConversationUserInput {
  readonly identity?: string;
  readonly friendlyName?: string | null;
  /** JSON text of an object (card numbers are masked before it is stored). */
  readonly attributes?: string;
  readonly roleSid?: string | null;
}

// ── who is in which conversation (DirectoryDO) ──────────────────────────────────────────────────────

/** A participant as the workspace's index keeps it, for ParticipantConversations and UserConversations. */
export interface IndexedParticipant {
  readonly sid: string;
  readonly identity: string | null;
  readonly address: string | null;
}

/** One row of a ParticipantConversations or UserConversations list, before the ConversationDO is read. */
export interface Membership {
  readonly conversationSid: string;
  readonly participantSid: string;
}
