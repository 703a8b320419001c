/**
 * What the message list shows, worked out from the timeline without touching the DOM: the team's
 * greeting as their first message, each stored message (the visitor's own on the right with a tick,
 * agents' on the left with their name), the visitor's unsent ones, and system notes: who joined and
 * left (rebuilt from the people of the conversation, so a reload shows them where they were) and the
 * controller's own ("This conversation has ended") after the message they followed.
 */
import type { MessageRecord } from "../../../contract/conversations";
import { isOwn, tickFor, type Person, type Tick, type Timeline } from "./state";
import type { Texts } from "./texts";

export interface ItemMedia {
  readonly url: string;
  readonly name: string;
  readonly image: boolean;
}

export type Item =
  | {
      readonly kind: "message";
      readonly key: string;
      readonly own: boolean;
      readonly who: string | null;
      readonly body: string;
      readonly media: readonly ItemMedia[];
      readonly tick: Tick | null;
      /** Set on a visitor's message the server refused, so the view can offer a retry. */
      readonly retry: string | null;
    }
  | { readonly kind: "note"; readonly key: string; readonly text: string };

/** A system note, shown after the message of index `after` (-1: before every message). */
export interface Note {
  readonly key: string;
  readonly text: string;
  readonly after: number;
}

export interface ItemContext {
  /** Everyone who is or was in the conversation (state.ts's `peopleOf`). */
  readonly participants: readonly Person[];
  readonly you: { readonly participantSid: string | null; readonly visitorId: string };
  readonly notes: readonly Note[];
  /** The channel's greeting, shown as the first message, from the team (`from`: the widget's title). */
  readonly greeting?: { readonly from: string; readonly text: string } | null;
  readonly mediaUrl: (sid: string) => string;
  readonly texts: Texts;
}

/**
 * Who wrote a message the visitor did not, as they see it: the agent's display name, "Assistant" for a
 * self-service flow's message (author `system`, no participant), else "Agent".
 */
export function authorName(message: MessageRecord, participants: readonly Person[], texts: Texts): string {
  const participant = participants.find((p) => p.sid === message.participant_sid || (p.identity !== null && p.identity === message.author));
  if (participant) return participant.display_name ?? texts.agent;
  return message.author === "system" && message.participant_sid === null ? texts.assistant : texts.agent;
}

/**
 * The index of the last message before `at` (an ISO date; second precision, as the records carry):
 * -1 when none. With `person`, a message of theirs ends the search — nobody writes before joining.
 */
function lastBefore(messages: readonly MessageRecord[], at: string, person: string | null): number {
  const time = Date.parse(at);
  let after = -1;
  for (const message of messages) {
    if (message.participant_sid === person || Date.parse(message.date_created) > time) break;
    after = message.index;
  }
  return after;
}

/**
 * "Alex joined" and "Alex left" for every agent who is or was in the conversation, each after the last
 * message that came before it, oldest first.
 */
function peopleNotes(messages: readonly MessageRecord[], people: readonly Person[], texts: Texts): Note[] {
  const notes: (Note & { at: number })[] = [];
  for (const person of people) {
    if (person.role === "customer") continue;
    const name = person.display_name ?? texts.agent;
    const joined = person.date_created;
    notes.push({
      key: `joined:${person.sid}`,
      text: texts.joined(name),
      after: lastBefore(messages, joined, person.sid),
      at: Date.parse(joined),
    });
    const left = person.date_left;
    if (left)
      notes.push({ key: `left:${person.sid}`, text: texts.left(name), after: lastBefore(messages, left, null), at: Date.parse(left) });
  }
  return notes.sort((a, b) => a.at - b.at).map(({ key, text, after }) => ({ key, text, after }));
}

/**
 * The list, in order.
 * @example timelineItems({ messages: [m0], pending: [] }, context).map((i) => i.kind) // ["message"]
 */
export function timelineItems(timeline: Timeline, context: ItemContext): Item[] {
  const items: Item[] = [];
  // Who joined and left first: the controller's notes (the conversation ended) come after them.
  const notes = [...peopleNotes(timeline.messages, context.participants, context.texts), ...context.notes];
  const notesAfter = (index: number) => {
    for (const note of notes) if (note.after === index) items.push({ kind: "note", key: note.key, text: note.text });
  };
  const greeting = context.greeting;
  if (greeting) {
    const { from, text } = greeting;
    items.push({ kind: "message", key: "greeting", own: false, who: from, body: text, media: [], tick: null, retry: null });
  }
  notesAfter(-1);
  for (const message of timeline.messages) {
    const own = isOwn(message, context.you);
    items.push({
      kind: "message",
      key: message.sid,
      own,
      who: own ? null : authorName(message, context.participants, context.texts),
      body: message.body ?? "",
      media: (message.media ?? []).map((m) => ({
        url: context.mediaUrl(m.sid),
        name: m.filename ?? context.texts.attachment,
        image: m.content_type.startsWith("image/"),
      })),
      tick: own ? tickFor(message, context.participants) : null,
      retry: null,
    });
    notesAfter(message.index);
  }
  // Notes after a message this visitor never saw (an earlier index, a trimmed snapshot) go last.
  const shown = new Set(timeline.messages.map((m) => m.index));
  for (const note of notes) if (note.after !== -1 && !shown.has(note.after)) items.push({ kind: "note", key: note.key, text: note.text });
  for (const pending of timeline.pending) {
    items.push({
      kind: "message",
      key: pending.clientId,
      own: true,
      who: null,
      body: pending.body,
      media: [],
      tick: pending.state === "failed" ? "failed" : pending.messageSid === null ? "sending" : "sent",
      retry: pending.state === "failed" ? pending.clientId : null,
    });
  }
  return items;
}
