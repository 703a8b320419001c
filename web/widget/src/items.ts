/**
 * What the message list shows, worked out from the timeline without touching the DOM: each stored
 * message (the visitor's own on the right with a tick, agents' on the left with their name), the
 * visitor's unsent ones, and system notes ("Alex joined") after the message they followed.
 */
import type { MessageRecord, ParticipantRecord } from "../../../durable-objects/common/conversations";
import { isOwn, tickFor, type Tick, type Timeline } from "./state";
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
  readonly participants: readonly ParticipantRecord[];
  readonly you: { readonly participantSid: string | null; readonly visitorId: string };
  readonly notes: readonly Note[];
  readonly mediaUrl: (sid: string) => string;
  readonly texts: Texts;
}

/** An agent's name as the visitor sees it: their display name, or "Agent". */
export function authorName(message: MessageRecord, participants: readonly ParticipantRecord[], texts: Texts): string {
  const participant = participants.find((p) => p.sid === message.participant_sid || (p.identity !== null && p.identity === message.author));
  return participant?.display_name ?? texts.agent;
}

/**
 * The list, in order.
 * @example timelineItems({ messages: [m0], pending: [] }, context).map((i) => i.kind) // ["message"]
 */
export function timelineItems(timeline: Timeline, context: ItemContext): Item[] {
  const items: Item[] = [];
  const notesAfter = (index: number) => {
    for (const note of context.notes) if (note.after === index) items.push({ kind: "note", key: note.key, text: note.text });
  };
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
  for (const note of context.notes)
    if (note.after !== -1 && !shown.has(note.after)) items.push({ kind: "note", key: note.key, text: note.text });
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
