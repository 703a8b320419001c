/**
 * What the visitor's message list shows: their own messages on the right with a tick, agents' on the
 * left under the agent's name, system notes after the message they followed, unsent messages last.
 */
import { describe, expect, it } from "vitest";
import { timelineItems, type ItemContext } from "../../../web/widget/src/items";
import { addPending, emptyTimeline, mergeMessages, settlePending } from "../../../web/widget/src/state";
import { texts } from "../../../web/widget/src/texts";
import { agentMessage, CUSTOMER_PARTICIPANT, message, participant, VISITOR } from "./fixtures";

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
    const items = timelineItems(timeline, context());
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

  it("places notes after the message they followed, the greeting first", () => {
    const timeline = mergeMessages(emptyTimeline, [message(0), agentMessage(1)]);
    const notes = [
      { key: "greeting", text: "Hello!", after: -1 },
      { key: "joined", text: "Alex joined", after: 0 },
    ];
    expect(timelineItems(timeline, context({ notes })).map((i) => i.key)).toEqual([
      "greeting",
      message(0).sid,
      "joined",
      agentMessage(1).sid,
    ]);
  });

  it("shows unsent messages last: sending, sent (acknowledged, not yet echoed) and failed with a retry", () => {
    let timeline = mergeMessages(emptyTimeline, [message(0)]);
    timeline = addPending(timeline, { clientId: "c-a", body: "acknowledged", mediaSids: [] });
    timeline = addPending(timeline, { clientId: "c-b", body: "on its way", mediaSids: [] });
    timeline = addPending(timeline, { clientId: "c-c", body: "refused", mediaSids: [] });
    timeline = settlePending(timeline, "c-a", { messageSid: "IM" + "f".repeat(32) });
    timeline = settlePending(timeline, "c-c", { error: "too long" });
    expect(timelineItems(timeline, context()).slice(1)).toMatchObject([
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
    const [item] = timelineItems(mergeMessages(emptyTimeline, [agentMessage(0, { body: "", media })]), context());
    expect(item).toMatchObject({
      media: [
        { url: `https://sb.example/media/ME${"1".repeat(32)}?token=t`, name: "shot.png", image: true },
        { url: `https://sb.example/media/ME${"2".repeat(32)}?token=t`, name: texts.attachment, image: false },
      ],
    });
  });
});
