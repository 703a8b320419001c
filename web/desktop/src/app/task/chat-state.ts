/**
 * The chat panel's state as a pure reducer over the conversation socket's frames (snapshot, message
 * added/updated/removed, participants joining and leaving, typing, ack, error) plus the agent's own messages
 * not yet acknowledged. The socket client owns one of these; the panel renders `timelineOf(state)`.
 * Pure so the ordering, merging after a reconnect and delivery-state rules are tested without a DOM.
 */
import type {
  ConversationFrame,
  ConversationRecord,
  DeliveryStatus,
  MediaRef,
  MessageRecord,
  ParticipantRecord,
} from "../../../../../contract/conversations";
import { isRemoved } from "./message-extras";

export type { ConversationFrame, MessageRecord, ParticipantRecord, MediaRef, ConversationRecord };

/** A message the agent sent that the server has not stored yet (or whose stored copy has not arrived). */
export interface PendingMessage {
  readonly clientId: string;
  readonly body: string;
  readonly mediaSids: readonly string[];
  /** An internal note (or a supervisor's whisper): staff only, never sent to the customer. */
  readonly note: boolean;
  readonly status: "sending" | "sent" | "failed";
  readonly messageSid: string | null;
  readonly error: string | null;
}

export interface ChatNote {
  readonly id: string;
  readonly kind: "joined" | "left";
  readonly name: string;
  /** Shown after the message with this index (-1: before every message). */
  readonly afterIndex: number;
}

export type Connection = "connecting" | "open" | "reconnecting" | "closed";

export interface ChatState {
  readonly connection: Connection;
  /** Why the socket closed for good (connection "closed"). */
  readonly closedReason: string | null;
  readonly conversation: ConversationRecord | null;
  /** This socket's participant SID. */
  readonly you: string | null;
  /** This socket's participant's identity (an agent's worker SID): their notes written after they left are theirs too. */
  readonly youIdentity: string | null;
  readonly participants: Readonly<Record<string, ParticipantRecord>>;
  /** Stored messages by index, ascending, one per SID. */
  readonly messages: readonly MessageRecord[];
  readonly notes: readonly ChatNote[];
  readonly pending: readonly PendingMessage[];
  /** The highest index this socket's participant has read (the server's, raised by `read` sent since); -1: none. */
  readonly readIndex: number;
  /** Who is typing and when the indicator expires (ms). */
  readonly typing: { readonly participantSid: string; readonly name: string; readonly until: number } | null;
}

export const TYPING_SHOWN_MS = 6000;

export const initialChatState: ChatState = {
  connection: "connecting",
  closedReason: null,
  conversation: null,
  you: null,
  youIdentity: null,
  participants: {},
  messages: [],
  notes: [],
  pending: [],
  readIndex: -1,
  typing: null,
};

/** A watching supervisor's `you` (`supervisor:<identity>`) names the author of their whispers. */
const WATCHER = "supervisor:";
const watcherIdentity = (you: string): string | null =>
  you.startsWith(WATCHER) && you.length > WATCHER.length ? you.slice(WATCHER.length) : null;

/** The highest stored message index, -1 when none: the `since` of a reconnect. */
export const lastIndexOf = (state: ChatState): number => state.messages.at(-1)?.index ?? -1;

const nameOf = (participant: ParticipantRecord | undefined): string =>
  participant?.display_name ?? participant?.identity ?? participant?.messaging_binding?.address ?? "";

/** Merges messages by SID, in index order; a message the customer withdrew is dropped, however it arrives. */
function upsertMessages(messages: readonly MessageRecord[], incoming: readonly MessageRecord[]): MessageRecord[] {
  const bySid = new Map(messages.map((m) => [m.sid, m]));
  for (const message of incoming) {
    if (isRemoved(message)) bySid.delete(message.sid);
    else bySid.set(message.sid, message);
  }
  return [...bySid.values()].sort((a, b) => a.index - b.index);
}

/** Drops pending messages whose stored copy has arrived. */
function settle(pending: readonly PendingMessage[], messages: readonly MessageRecord[]): readonly PendingMessage[] {
  if (!pending.some((p) => p.messageSid !== null)) return pending;
  const stored = new Set(messages.map((m) => m.sid));
  return pending.filter((p) => p.messageSid === null || !stored.has(p.messageSid));
}

/**
 * Applies one frame from the socket.
 *
 * @example
 * state = applyFrame(state, { type: "message.added", message }, Date.now());
 */
export function applyFrame(state: ChatState, frame: ConversationFrame, now: number): ChatState {
  switch (frame.type) {
    case "conversation.snapshot": {
      const participants = Object.fromEntries(frame.participants.map((p) => [p.sid, p]));
      const messages = upsertMessages(state.messages, frame.messages);
      return {
        ...state,
        conversation: frame.conversation,
        you: frame.you,
        youIdentity: participants[frame.you]?.identity ?? watcherIdentity(frame.you) ?? state.youIdentity,
        participants,
        messages,
        pending: settle(state.pending, messages),
        readIndex: Math.max(state.readIndex, participants[frame.you]?.last_read_message_index ?? -1),
      };
    }
    case "message.removed":
      return { ...state, messages: state.messages.filter((m) => m.sid !== frame.message.sid) };
    case "message.added":
    case "message.updated": {
      const messages = upsertMessages(state.messages, [frame.message]);
      const typing = state.typing && state.typing.participantSid === frame.message.participant_sid ? null : state.typing;
      return {
        ...state,
        messages,
        typing: frame.type === "message.added" ? typing : state.typing,
        pending: settle(state.pending, messages),
      };
    }
    case "participant.joined":
    case "participant.left": {
      const { participant } = frame;
      const participants = { ...state.participants };
      if (frame.type === "participant.joined") participants[participant.sid] = participant;
      else delete participants[participant.sid];
      const kind = frame.type === "participant.joined" ? "joined" : "left";
      const note: ChatNote = {
        id: `${kind}:${participant.sid}:${state.notes.length}`,
        kind,
        name: nameOf(participant),
        afterIndex: lastIndexOf(state),
      };
      return { ...state, participants, notes: [...state.notes, note] };
    }
    case "participant.updated": {
      const participants = { ...state.participants, [frame.participant.sid]: frame.participant };
      const read = frame.participant.sid === state.you ? (frame.participant.last_read_message_index ?? -1) : -1;
      return { ...state, participants, readIndex: Math.max(state.readIndex, read) };
    }
    case "conversation.updated":
      return { ...state, conversation: frame.conversation };
    case "call.updated": // the call's controls read it (issue 15); the chat's state has nothing of it
      return state;
    case "typing": {
      if (frame.participantSid === state.you) return state;
      const name = frame.displayName ?? nameOf(state.participants[frame.participantSid]);
      return { ...state, typing: { participantSid: frame.participantSid, name, until: now + TYPING_SHOWN_MS } };
    }
    case "ack": {
      const pending = state.pending.map((p) =>
        p.clientId === frame.clientId ? { ...p, status: "sent" as const, messageSid: frame.messageSid, error: null } : p,
      );
      return { ...state, pending: settle(pending, state.messages) };
    }
    case "error": {
      if (frame.clientId === null) return state;
      const pending = state.pending.map((p) =>
        p.clientId === frame.clientId ? { ...p, status: "failed" as const, error: frame.message } : p,
      );
      return { ...state, pending };
    }
    default: {
      const unknown: never = frame;
      void unknown;
      return state; // a frame type this desktop does not know yet (a newer server)
    }
  }
}

export type Author = "mine" | "customer" | "agent" | "supervisor" | "system";

/** Who wrote a stored message, from this socket's point of view (a whisper's supervisor is no participant). */
export function authorOf(state: ChatState, message: MessageRecord): Author {
  if (message.participant_sid !== null && message.participant_sid === state.you) return "mine";
  if (message.participant_sid === null && state.youIdentity !== null && message.author === state.youIdentity) return "mine";
  const participant = message.participant_sid ? state.participants[message.participant_sid] : undefined;
  if (participant?.role === "customer") return "customer";
  if (participant?.role === "supervisor" || message.author_role === "supervisor") return "supervisor";
  if (participant || message.author_role === "agent") return "agent";
  return message.author === "system" ? "system" : message.participant_sid === null ? "system" : "customer";
}

/** A message only staff see: an internal note, or a supervisor's whisper. */
export const isStaffOnly = (message: MessageRecord): boolean => message.visibility === "staff";

/**
 * Messages the agent has not read yet: others' (staff notes included), after {@link ChatState.readIndex}.
 * @example unreadOf(state) // 2
 */
export function unreadOf(state: ChatState): number {
  return state.messages.filter((m) => {
    if (m.index <= state.readIndex) return false;
    const author = authorOf(state, m);
    return author !== "mine" && author !== "system";
  }).length;
}

/** The newest message with something to show (a body, or an attachment), for a task card's preview. */
export function lastMessageOf(state: ChatState): { readonly message: MessageRecord; readonly author: Author } | null {
  for (let i = state.messages.length - 1; i >= 0; i -= 1) {
    const message = state.messages[i]!;
    if ((message.body ?? "") !== "" || (message.media?.length ?? 0) > 0) return { message, author: authorOf(state, message) };
  }
  return null;
}

export type Delivery = "queued" | "sent" | "delivered" | "read" | "failed";

const fromStatus: Record<DeliveryStatus, Delivery> = {
  queued: "queued",
  sending: "queued",
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
  undelivered: "failed",
};

/**
 * Where one of the agent's stored messages is: the channel's delivery status when it goes out to one (SMS,
 * WhatsApp …), otherwise "read" once the customer's read index reaches it (web chat), else "sent".
 */
export function deliveryOf(state: ChatState, message: MessageRecord): { status: Delivery; error: string | null } {
  if (message.delivery_status) {
    const status = fromStatus[message.delivery_status];
    return { status, error: status === "failed" ? (message.delivery_error ?? null) : null };
  }
  const read = Object.values(state.participants).some(
    (p) => p.role === "customer" && p.last_read_message_index !== null && p.last_read_message_index >= message.index,
  );
  return { status: read ? "read" : "sent", error: null };
}

export type TimelineItem =
  | { readonly kind: "message"; readonly key: string; readonly message: MessageRecord; readonly author: Author; readonly name: string }
  | { readonly kind: "note"; readonly key: string; readonly note: ChatNote }
  | { readonly kind: "pending"; readonly key: string; readonly pending: PendingMessage };

/** Messages in order with the join/leave notes between them and the unacknowledged messages last. */
export function timelineOf(state: ChatState): TimelineItem[] {
  const items: TimelineItem[] = [];
  const notes = [...state.notes];
  const flushNotes = (upTo: number): void => {
    while (notes.length > 0 && notes[0]!.afterIndex < upTo) {
      const note = notes.shift()!;
      items.push({ kind: "note", key: note.id, note });
    }
  };
  for (const message of state.messages) {
    flushNotes(message.index);
    const participant = message.participant_sid ? state.participants[message.participant_sid] : undefined;
    items.push({
      kind: "message",
      key: message.sid,
      message,
      author: authorOf(state, message),
      name: nameOf(participant) || message.author,
    });
  }
  flushNotes(Number.POSITIVE_INFINITY);
  for (const pending of state.pending) items.push({ kind: "pending", key: pending.clientId, pending });
  return items;
}
