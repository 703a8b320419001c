/**
 * The widget's pure rules, apart from the DOM and the network so they run in plain Node tests: which
 * messages the visitor sees (merged by SID, in the conversation's order, with their own unsent ones
 * after), who is or was in the conversation (agents who left stay known, so their names and what they
 * read survive a wrap-up and a reload), where a reconnect resumes (`?since=`), which tick a visitor's
 * message shows, how long to wait before reconnecting, and how often typing may be announced.
 */
import type { ParticipantRecord, PastParticipantRecord, MessageRecord } from "../../../contract/conversations";

/** A message the visitor wrote that the server has not stored yet (or refused). */
export interface PendingMessage {
  readonly clientId: string;
  readonly body: string;
  readonly mediaSids: readonly string[];
  /** `sending` until the POST answers; `failed` when the server refused it (a 4xx: never retried). */
  readonly state: "sending" | "failed";
  /** The message SID the POST answered, while the socket has not delivered the message itself. */
  readonly messageSid: string | null;
  readonly error: string | null;
  /** The index of the last stored message when it was written (-1: none): its own copy comes after. */
  readonly after: number;
}

/** What the message list shows. */
export interface Timeline {
  /** Stored messages, by index, each SID once. */
  readonly messages: readonly MessageRecord[];
  /** The visitor's messages the conversation has not echoed yet, oldest first. */
  readonly pending: readonly PendingMessage[];
}

export const emptyTimeline: Timeline = { messages: [], pending: [] };

/**
 * Adds stored messages (a snapshot, an added or an updated one): a SID seen before is replaced by the
 * newer record, the list stays ordered by index, and a pending message the server has now stored
 * leaves the pending list — the one whose POST answered that SID, or, before any answer, the oldest
 * one still sending with the same body and attachments written before it (`own` tells the visitor's
 * messages). The echo often comes first: a channel's flow answers a message before its POST returns,
 * and the message would show twice, "Sent" beside "Sending…", until then.
 * @example mergeMessages(emptyTimeline, [m1, m0, m1]).messages.map((m) => m.index) // [0, 1]
 */
export function mergeMessages(timeline: Timeline, incoming: readonly MessageRecord[], own?: (message: MessageRecord) => boolean): Timeline {
  if (incoming.length === 0) return timeline;
  const bySid = new Map(timeline.messages.map((m) => [m.sid, m] as const));
  let claimed = timeline.pending;
  for (const message of incoming) {
    const known = bySid.get(message.sid);
    if (!known && own?.(message)) claimed = claim(claimed, message);
    if (!known || known.date_updated <= message.date_updated) bySid.set(message.sid, message);
  }
  const messages = [...bySid.values()].sort((a, b) => a.index - b.index);
  const stored = new Set(bySid.keys());
  const pending = claimed.filter((p) => p.messageSid === null || !stored.has(p.messageSid));
  return { messages, pending };
}

/** A new message of the visitor's own, stored: the pending copy it is (see mergeMessages) takes its SID. */
function claim(pending: readonly PendingMessage[], message: MessageRecord): readonly PendingMessage[] {
  if (pending.some((p) => p.messageSid === message.sid)) return pending;
  const copy = pending.find(
    (p) =>
      p.state === "sending" &&
      p.messageSid === null &&
      p.after < message.index &&
      p.body === (message.body ?? "") &&
      p.mediaSids.length === (message.media?.length ?? 0),
  );
  return copy ? pending.map((p) => (p === copy ? { ...p, messageSid: message.sid } : p)) : pending;
}

/** Adds a message the visitor is sending. */
export function addPending(timeline: Timeline, message: Pick<PendingMessage, "clientId" | "body" | "mediaSids">): Timeline {
  const entry: PendingMessage = { ...message, state: "sending", messageSid: null, error: null, after: sinceIndex(timeline) ?? -1 };
  return { ...timeline, pending: [...timeline.pending.filter((p) => p.clientId !== message.clientId), entry] };
}

/**
 * Records the server's answer to a send: acknowledged with the message SID (dropped at once when the
 * socket already delivered it), or refused with the reason.
 */
export function settlePending(timeline: Timeline, clientId: string, outcome: { messageSid: string } | { error: string }): Timeline {
  const stored = new Set(timeline.messages.map((m) => m.sid));
  const pending = timeline.pending.flatMap((p): PendingMessage[] => {
    if (p.clientId !== clientId) return [p];
    if ("error" in outcome) return [{ ...p, state: "failed", error: outcome.error }];
    return stored.has(outcome.messageSid) ? [] : [{ ...p, messageSid: outcome.messageSid }];
  });
  return { ...timeline, pending };
}

/** Messages still to send: sending, and not acknowledged (a resend with the same client ID is harmless). */
export const unsent = (timeline: Timeline): readonly PendingMessage[] =>
  timeline.pending.filter((p) => p.state === "sending" && p.messageSid === null);

/**
 * The `since` of a reconnect: the highest index seen, or null before any message (the conversation
 * then sends them all).
 * @example sinceIndex({ messages: [m0, m1, m2], pending: [] }) // 2
 */
export function sinceIndex(timeline: Timeline): number | null {
  const last = timeline.messages[timeline.messages.length - 1];
  return last ? last.index : null;
}

/** Someone who is in the conversation, or was: a participant who left has `date_left`. */
export type Person = Pick<ParticipantRecord, "sid" | "identity" | "role" | "display_name" | "last_read_message_index" | "date_created"> & {
  readonly date_left?: string | null;
};

/**
 * Everyone a snapshot names: the participants now, then those who left (the conversation's history).
 * @example peopleOf(snapshot).find((p) => p.sid === message.participant_sid)?.display_name // "Alex", even after Alex wrapped up
 */
export function peopleOf(snapshot: {
  readonly participants: readonly ParticipantRecord[];
  readonly past_participants?: readonly PastParticipantRecord[];
}): Person[] {
  const now = snapshot.participants.map((p): Person => ({ ...p, date_left: null }));
  const known = new Set(now.map((p) => p.sid));
  return [...now, ...(snapshot.past_participants ?? []).filter((p) => !known.has(p.sid))];
}

/**
 * A participant frame applied: a join or an update replaces what was known of them; a leave (with
 * `dateLeft`) keeps them, marked as gone, so their name and what they read stay.
 */
export function withParticipant(people: readonly Person[], participant: ParticipantRecord, dateLeft: string | null = null): Person[] {
  const person: Person = { ...participant, date_left: dateLeft };
  const index = people.findIndex((p) => p.sid === participant.sid);
  return index === -1 ? [...people, person] : people.map((p, i) => (i === index ? person : p));
}

/** Whether the visitor wrote this message (their participant, or their visitor ID as author). */
export const isOwn = (message: MessageRecord, you: { participantSid: string | null; visitorId: string }): boolean =>
  (you.participantSid !== null && message.participant_sid === you.participantSid) || message.author === you.visitorId;

/** The tick under a visitor's own message. */
export type Tick = "sending" | "sent" | "read" | "failed";

/**
 * `read` once any agent's `last_read_message_index` reaches the message (an agent who left included),
 * `sent` otherwise.
 * @example tickFor(messageAtIndex3, [agentWhoReadUpTo4]) // "read"
 */
export function tickFor(message: MessageRecord, participants: readonly Person[]): Tick {
  const read = participants.some(
    (p) => p.role !== "customer" && p.last_read_message_index !== null && p.last_read_message_index >= message.index,
  );
  return read ? "read" : "sent";
}

export const TYPING_INTERVAL_MS = 2_000;

/**
 * A throttle for typing announcements: true when one may be sent at `now`, at most one per
 * {@link TYPING_INTERVAL_MS}.
 * @example const may = typingThrottle(); may(0) // true; may(1500) // false; may(2000) // true
 */
export function typingThrottle(interval = TYPING_INTERVAL_MS): (now: number) => boolean {
  let last = -Infinity;
  return (now) => {
    if (now - last < interval) return false;
    last = now;
    return true;
  };
}

/**
 * A fresh client ID for a message: random, so a resend after a network drop is recognised.
 * @example newClientId() // "c-9f2a…" (16 hex after the prefix)
 */
export function newClientId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return "c-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
