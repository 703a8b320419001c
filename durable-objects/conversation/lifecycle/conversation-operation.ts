/**
 * One operation on a conversation, as every lifecycle module sees it: the storage, the conversation's
 * SID (the Durable Object's name), the time, and the effects the operation leaves for the shell to carry
 * out once it has committed — frames to push, the directory entry to refresh, sockets to close, tasks to
 * wrap up — and what changed, for webhooks. Keeping effects as data lets the pure core run, and be tested, without sockets or RPC.
 */
import { fail, notFound, ok, type ApiFailure, type ApiResult } from "../../common/rpc";
import { redactDeep } from "../../common/card-attributes";
import { redactCardNumbers } from "../../common/card-numbers";
import type {
  ConversationFrame,
  ConversationRecord,
  ConversationState,
  DeliveryReceiptRecord,
  MessageRecord,
  ParticipantRecord,
} from "../../../contract/conversations";
import { conversationRow, tombstone, type ConversationRow, type StoreHost } from "../store/conversation-rows";

/** A change worth a post-event, as the lifecycle records it (hooks.ts turns it into outbox rows). */
export type HookEvent =
  | { readonly type: "onConversationAdded"; readonly conversation: ConversationRecord; readonly binding?: Binding | null }
  | { readonly type: "onConversationUpdated" | "onConversationRemoved"; readonly conversation: ConversationRecord }
  | { readonly type: "onConversationStateUpdated"; readonly conversation: ConversationRecord; readonly from: ConversationState }
  | { readonly type: "onMessageAdded" | "onMessageUpdated" | "onMessageRemoved"; readonly message: MessageRecord }
  | { readonly type: "onParticipantAdded" | "onParticipantUpdated" | "onParticipantRemoved"; readonly participant: ParticipantRecord }
  | { readonly type: "onDeliveryUpdated"; readonly receipt: DeliveryReceiptRecord };

interface Binding {
  readonly address: string;
  readonly proxyAddress: string;
}

/** After a call's change: its room closed for everyone left in it; hold music started or stopped in it. */
export type MediaEffect =
  | { readonly kind: "close-room" }
  | { readonly kind: "hold-music"; readonly on: boolean }
  /** A call handed on (call-transfers.ts): someone out of the room; the agents and the customer apart or together again. */
  | { readonly kind: "remove-participant"; readonly identity: string }
  | { readonly kind: "separate"; readonly apart: boolean }
  /** The call connected (`on`: record it if the settings say so) or ended (its recording stops). */
  | { readonly kind: "record"; readonly callSid: string; readonly on: boolean }
  /** A flow answering the call handed it on or ended: the media service's voice leaves the room (call-flow.ts). */
  | { readonly kind: "stop-voice" };

export interface Effects {
  readonly frames: ConversationFrame[];
  /** The directory's index entry must be refreshed from the stored row before the answer (state, names). */
  index: boolean;
  /**
   * Only the entry's last activity moved (a customer message): refreshed after the answer, so the
   * webhook does not wait for a second call to the workspace's one DirectoryDO on every message.
   */
  touch: boolean;
  /** Workers to record as the customer's last worker (DirectoryDO.noteWorker). */
  readonly notedWorkers: string[];
  /** Participant SIDs that left: their sockets close. */
  readonly left: string[];
  /** Tasks the Router must move to wrapping (the previous agent's, after a transfer; a call's when it ends). */
  readonly wrapTasks: string[];
  /** Tasks the Router must cancel, and why (Twilio's cancel reason): a call hung up while queued, a chat replaced by its call. */
  readonly cancelTasks: { readonly taskSid: string; readonly reason: string }[];
  /** What LiveKit and the media service must be told after the commit (calls.ts), best effort. */
  readonly media: MediaEffect[];
  /** Something joined the delivery queue. */
  deliver: boolean;
  /** Attachments (ME SIDs) whose bytes must go from the media store: their message was withdrawn. */
  readonly deleteMedia: string[];
  /** The first task is pending: create it. */
  createTask: boolean;
  /** A flow is to start or a message joined the flow's outbox (flows.ts): the shell carries it on. */
  flow: boolean;
  /** An event joined the workspace events' outbox (workspace-events.ts): guard it and hand it over. */
  workspaceEvents: boolean;
  /** What changed, for post-event webhooks (written to the outbox in the same transaction, or dropped). */
  readonly hooks: HookEvent[];
}

export interface Op {
  readonly host: StoreHost;
  readonly sid: string;
  readonly now: number;
  readonly effects: Effects;
}

export const noEffects = (): Effects => ({
  frames: [],
  index: false,
  touch: false,
  notedWorkers: [],
  left: [],
  wrapTasks: [],
  cancelTasks: [],
  media: [],
  deliver: false,
  deleteMedia: [],
  createTask: false,
  flow: false,
  workspaceEvents: false,
  hooks: [],
});

export const newOp = (host: StoreHost, sid: string, now: number): Op => ({ host, sid, now, effects: noEffects() });

/** A conflict without a more specific Twilio code. */
export const conflict = (message: string): ApiFailure => fail(409, 20409, message);

/** The stored conversation when `accountSid` owns it; 404 for one never created, deleted or another account's. */
export function loadConversation(op: Op, accountSid: string): ApiResult<ConversationRow> {
  const row = conversationRow(op.host);
  if (!row || row.account_sid !== accountSid) return notFound("Conversation", op.sid);
  return ok(row);
}

/** Whether this SID was used by a conversation that has since been deleted (SIDs are never reused). */
export const isDeleted = (op: Op): boolean => tombstone(op.host) !== undefined;

/**
 * JSON text of attributes, validated and with card numbers masked (but in addresses and IDs); `fallback` when absent.
 * @example redactedAttributes("Attributes", '{"note":"4111111111111111"}', "{}") // ok('{"note":"************1111"}')
 */
export function redactedAttributes(param: string, text: string | undefined, fallback: string): ApiResult<string> {
  if (text === undefined) return ok(fallback);
  if (typeof text !== "string") return fail(400, 20001, `Invalid parameter ${param}: must be JSON text`);
  try {
    return ok(JSON.stringify(redactDeep(JSON.parse(text) as unknown)));
  } catch {
    return fail(400, 20001, `Invalid parameter ${param}: must be valid JSON`);
  }
}

/** A body with card numbers masked; null stays null. */
export const redactedBody = (body: string | null | undefined): string | null =>
  body === null || body === undefined ? null : redactCardNumbers(body);

/** An optional string parameter: undefined, null or a string, else a 400 naming it. */
export function optionalText(param: string, value: unknown, max = 256): ApiResult<string | null | undefined> {
  if (value === undefined || value === null) return ok(value);
  if (typeof value !== "string") return fail(400, 20001, `Invalid parameter ${param}: must be a string`);
  if (value.length > max) return fail(400, 20001, `Invalid parameter ${param}: must be at most ${max} characters`);
  return ok(value);
}
