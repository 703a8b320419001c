/**
 * What the visitor's message list shows: their own messages on the right with a tick, agents' on the
 * left under the agent's name, system notes after the message they followed, unsent messages last.
 */
import { describe, expect, it } from "vitest";
import { timelineItems, type Item, type ItemContext } from "../../../web/widget/src/items";
import { addPending, emptyTimeline, mergeMessages, settlePending } from "../../../web/widget/src/state";
import { texts } from "../../../web/widget/src/texts";
import { agentMessage, CUSTOMER_PARTICIPANT, message, participant, VISITOR } from "./fixtures";

/** The message bubbles only (the default context's agent also brings an "Alex joined" note). */
const bubbles = (items: Item[]) => items.filter((i) => i.kind === "message");

const context = (overrides: Partial<ItemContext> = {}): ItemContext => ({
  participants: [participant({ last_read_message_index: 1 })],
  you: { participantSid: CUSTOMER_PARTICIPANT, visitorId: VISITOR },
  notes: [],
  mediaUrl: (sid) => `https://sb.example/media/${sid}?token=t`,
  texts,
  ...overrides,
});

describe("the visitor's message list", () => {
  it("puts the visitor's messages on their side with ticks, and agents' under their name", () => {
    const timeline = mergeMessages(emptyTimeline, [message(0), agentMessage(1, { body: "Hi, I'm Alex" }), message(2)]);
    const items = bubbles(timelineItems(timeline, context()));
    expect(items).toMatchObject([
      { kind: "message", own: true, who: null, body: "message 0", tick: "read" }, // the agent read up to 1
      { kind: "message", own: false, who: "Alex", body: "Hi, I'm Alex", tick: null },
      { kind: "message", own: true, body: "message 2", tick: "sent" },
    ]);
  });

  it("recognises the visitor's messages by author before the snapshot named their participant", () => {
    const items = timelineItems(
      mergeMessages(emptyTimeline, [message(0, { participant_sid: null })]),
      context({ you: { participantSid: null, visitorId: VISITOR } }),
    );
    expect(items[0]).toMatchObject({ own: true });
  });

  it("names an agent who left the conversation 'Agent'", () => {
    const items = timelineItems(mergeMessages(emptyTimeline, [agentMessage(0)]), context({ participants: [] }));
    expect(items[0]).toMatchObject({ who: texts.agent });
  });

  it("names a self-service flow's message (author system, no participant) 'Assistant'", () => {
    const flow = agentMessage(0, { author: "system", participant_sid: null, body: "Hi! How can I help?" });
    const items = timelineItems(mergeMessages(emptyTimeline, [flow]), context());
    expect(bubbles(items)[0]).toMatchObject({ own: false, who: texts.assistant, body: "Hi! How can I help?" });
  });

  it("places notes after the message they followed", () => {
    const timeline = mergeMessages(emptyTimeline, [message(0), agentMessage(1)]);
    const notes = [
      { key: "reconnected", text: "Back online", after: -1 },
      { key: "ended", text: "This conversation has ended.", after: 0 },
    ];
    expect(timelineItems(timeline, context({ notes, participants: [] })).map((i) => i.key)).toEqual([
      "reconnected",
      message(0).sid,
      "ended",
      agentMessage(1).sid,
    ]);
  });

  it("shows the greeting as the team's first message, before everything else", () => {
    const timeline = mergeMessages(emptyTimeline, [message(0)]);
    const notes = [{ key: "ended", text: "This conversation has ended.", after: -1 }];
    const items = timelineItems(
      timeline,
      context({ notes, participants: [], greeting: { from: "Shop support", text: "Hi! Ask us anything." } }),
    );
    expect(items[0]).toEqual({
      kind: "message",
      key: "greeting",
      own: false,
      who: "Shop support",
      body: "Hi! Ask us anything.",
      media: [],
      tick: null,
      retry: null,
    });
    expect(items.map((i) => i.key)).toEqual(["greeting", "ended", message(0).sid]);
  });

  it("names an agent who left from the conversation's history, and keeps the visitor's messages read", () => {
    // Alex read up to message 1, then wrapped up and left: the snapshot lists them among past participants.
    const alex = { ...participant({ last_read_message_index: 1 }), date_left: "2026-01-01T00:05:00Z" };
    const timeline = mergeMessages(emptyTimeline, [message(0), agentMessage(1, { body: "Done!" })]);
    expect(timelineItems(timeline, context({ participants: [alex] })).filter((i) => i.kind === "message")).toMatchObject([
      { own: true, tick: "read" },
      { own: false, who: "Alex", body: "Done!" },
    ]);
  });

  it("rebuilds who joined and left from the participants, after the messages that came before", () => {
    // 10:00 the visitor writes; 10:01 Alex joins and answers; 10:03 Alex leaves, then Sam joins at 10:04.
    const at = (minute: number) => `2026-01-01T10:0${minute}:00Z`;
    const timeline = mergeMessages(emptyTimeline, [
      message(0, { date_created: at(0) }),
      agentMessage(1, { date_created: at(1) }), // the same second Alex joined: theirs, so after the note
      message(2, { date_created: at(2) }),
      message(3, { date_created: at(5) }),
    ]);
    const people = [
      participant({ sid: CUSTOMER_PARTICIPANT, role: "customer", display_name: "Grace", date_created: at(0) }),
      { ...participant({ date_created: at(1) }), date_left: at(3) },
      participant({ sid: "MB" + "5".repeat(32), identity: "WK" + "5".repeat(32), display_name: null, date_created: at(4) }),
    ];
    const items = timelineItems(timeline, context({ participants: people }));
    expect(items.map((i) => (i.kind === "note" ? i.text : i.key))).toEqual([
      message(0).sid,
      "Alex joined",
      agentMessage(1).sid,
      message(2).sid,
      "Alex left",
      `${texts.agent} joined`,
      message(3).sid,
    ]);
  });

  it("puts the end of the conversation after the agent who left before it", () => {
    const timeline = mergeMessages(emptyTimeline, [message(0), agentMessage(1)]);
    const alex = { ...participant(), date_left: "2026-01-01T00:05:00Z" };
    const notes = [{ key: "ended", text: "This conversation has ended.", after: 1 }];
    const items = timelineItems(timeline, context({ notes, participants: [alex] }));
    expect(items.filter((i) => i.kind === "note").map((i) => i.key)).toEqual([`joined:${alex.sid}`, `left:${alex.sid}`, "ended"]);
  });

  it("shows unsent messages last: sending, sent (acknowledged, not yet echoed) and failed with a retry", () => {
    let timeline = mergeMessages(emptyTimeline, [message(0)]);
    timeline = addPending(timeline, { clientId: "c-a", body: "acknowledged", mediaSids: [] });
    timeline = addPending(timeline, { clientId: "c-b", body: "on its way", mediaSids: [] });
    timeline = addPending(timeline, { clientId: "c-c", body: "refused", mediaSids: [] });
    timeline = settlePending(timeline, "c-a", { messageSid: "IM" + "f".repeat(32) });
    timeline = settlePending(timeline, "c-c", { error: "too long" });
    expect(bubbles(timelineItems(timeline, context())).slice(1)).toMatchObject([
      { key: "c-a", tick: "sent", retry: null },
      { key: "c-b", tick: "sending", retry: null },
      { key: "c-c", tick: "failed", retry: "c-c" },
    ]);
  });

  it("links attachments through the session's media URL, images shown inline", () => {
    const media = [
      { sid: "ME" + "1".repeat(32), content_type: "image/png", filename: "shot.png", size: 10 },
      { sid: "ME" + "2".repeat(32), content_type: "application/pdf", filename: null, size: 10 },
    ];
    const [item] = bubbles(timelineItems(mergeMessages(emptyTimeline, [agentMessage(0, { body: "", media })]), context()));
    expect(item).toMatchObject({
      media: [
        { url: `https://sb.example/media/ME${"1".repeat(32)}?token=t`, name: "shot.png", image: true },
        { url: `https://sb.example/media/ME${"2".repeat(32)}?token=t`, name: texts.attachment, image: false },
      ],
    });
  });
});
