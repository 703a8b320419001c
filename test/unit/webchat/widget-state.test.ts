/**
 * The widget's pure rules: what the visitor's message list holds after snapshots, echoes and
 * reconnects (each message once, in order), where a reconnect resumes, which tick a message shows
 * and how often typing is announced (how long a reconnect waits: test/web/reconnecting-socket.test.ts).
 */
import { describe, expect, it } from "vitest";
import {
  addPending,
  emptyTimeline,
  mergeMessages,
  newClientId,
  peopleOf,
  settlePending,
  sinceIndex,
  tickFor,
  typingThrottle,
  unsent,
  withParticipant,
} from "../../../web/widget/src/state";
import type { MessageRecord } from "../../../contract/conversations";
import { agentMessage, message, participant, VISITOR } from "./fixtures";

const MEDIA = { sid: "ME" + "1".repeat(32), content_type: "image/png", filename: "a.png", size: 3 };

describe("the message list", () => {
  it("keeps each message once, ordered by index, whatever order and how often they arrive", () => {
    // A snapshot after a reconnect repeats messages 1 and 2; an echo of 3 came before the snapshot.
    let timeline = mergeMessages(emptyTimeline, [message(3)]);
    timeline = mergeMessages(timeline, [message(1), message(2), message(0)]);
    timeline = mergeMessages(timeline, [message(2), message(1)]);
    expect(timeline.messages.map((m) => m.index)).toEqual([0, 1, 2, 3]);
  });

  it("replaces a message by a newer version of it, never by an older one", () => {
    const original = message(0, { body: "first", date_updated: "2026-01-01T00:00:00Z" });
    const edited = message(0, { body: "edited", date_updated: "2026-01-01T00:01:00Z" });
    expect(mergeMessages(mergeMessages(emptyTimeline, [original]), [edited]).messages[0]!.body).toBe("edited");
    expect(mergeMessages(mergeMessages(emptyTimeline, [edited]), [original]).messages[0]!.body).toBe("edited");
  });

  it("shows a message being sent until the conversation echoes it, then shows it once", () => {
    let timeline = addPending(emptyTimeline, { clientId: "c-1", body: "hello", mediaSids: [] });
    expect(unsent(timeline).map((p) => p.clientId)).toEqual(["c-1"]);
    timeline = settlePending(timeline, "c-1", { messageSid: message(0).sid });
    expect(unsent(timeline)).toEqual([]); // acknowledged: never resent
    expect(timeline.pending).toHaveLength(1); // still shown until the socket delivers it
    timeline = mergeMessages(timeline, [message(0)]);
    expect(timeline.pending).toEqual([]);
    expect(timeline.messages).toHaveLength(1);
  });

  it("drops the pending copy at once when the echo came before the POST's answer", () => {
    let timeline = addPending(emptyTimeline, { clientId: "c-1", body: "hello", mediaSids: [] });
    timeline = mergeMessages(timeline, [message(0)]);
    timeline = settlePending(timeline, "c-1", { messageSid: message(0).sid });
    expect(timeline.pending).toEqual([]);
    expect(timeline.messages).toHaveLength(1);
  });

  it("shows the visitor's message once when its echo comes long before the POST answers (a flow answering first)", () => {
    const own = (m: MessageRecord) => m.author === VISITOR;
    let timeline = mergeMessages(emptyTimeline, [message(0, { body: "hello" })], own);
    timeline = addPending(timeline, { clientId: "c-1", body: "My order number is A-1001", mediaSids: [] });
    timeline = mergeMessages(timeline, [message(1, { body: "My order number is A-1001" })], own);
    expect(timeline.pending).toEqual([]); // not "Sent" beside "Sending…" while the POST waits on the flow
    expect(unsent(timeline)).toEqual([]); // and never sent again
    timeline = settlePending(timeline, "c-1", { messageSid: message(1).sid }); // the late answer changes nothing
    expect(timeline.pending).toEqual([]);
    expect(timeline.messages.map((m) => m.body)).toEqual(["hello", "My order number is A-1001"]);
  });

  it.each([
    ["an agent's message with the same words", agentMessage(1, { body: "ok" })],
    ["the visitor's own with other words", message(1, { body: "okay" })],
    ["the visitor's own with an attachment", message(1, { body: "ok", media: [MEDIA] })],
    ["the visitor's own from before it was written (another tab)", message(0, { body: "ok" })],
  ])("keeps the copy being sent when the new message is %s", (_, incoming) => {
    const own = (m: MessageRecord) => m.author === VISITOR;
    let timeline = mergeMessages(emptyTimeline, [message(0, { body: "first" })], own);
    timeline = addPending(timeline, { clientId: "c-1", body: "ok", mediaSids: [] });
    timeline = mergeMessages({ ...timeline, messages: [] }, [incoming], own);
    expect(timeline.pending.map((p) => [p.clientId, p.messageSid])).toEqual([["c-1", null]]);
  });

  it("matches two identical messages in flight to their two echoes, one each", () => {
    const own = (m: MessageRecord) => m.author === VISITOR;
    let timeline = addPending(emptyTimeline, { clientId: "c-1", body: "ok", mediaSids: [] });
    timeline = addPending(timeline, { clientId: "c-2", body: "ok", mediaSids: [] });
    timeline = mergeMessages(timeline, [message(0, { body: "ok" })], own);
    expect(timeline.pending.map((p) => p.clientId)).toEqual(["c-2"]);
    timeline = mergeMessages(timeline, [message(0, { body: "ok" })], own); // the same echo again claims nothing more
    expect(timeline.pending.map((p) => p.clientId)).toEqual(["c-2"]);
    timeline = mergeMessages(timeline, [message(1, { body: "ok" })], own);
    expect(timeline.pending).toEqual([]);
  });

  it("keeps a message whose POST never answered for the next attempt, and a refused one as failed", () => {
    let timeline = addPending(emptyTimeline, { clientId: "c-lost", body: "network dropped", mediaSids: [] });
    timeline = addPending(timeline, { clientId: "c-bad", body: "x".repeat(10), mediaSids: [] });
    timeline = settlePending(timeline, "c-bad", { error: "Invalid parameter body" });
    expect(unsent(timeline).map((p) => p.clientId)).toEqual(["c-lost"]);
    expect(timeline.pending.find((p) => p.clientId === "c-bad")).toMatchObject({ state: "failed", error: "Invalid parameter body" });
  });

  it.each([
    ["no message yet: the conversation sends everything", [], null],
    ["the highest index seen", [0, 1, 2], 2],
    ["a gap does not matter: the highest index", [0, 5], 5],
  ])("resumes a reconnect after %s", (_, indexes, since) => {
    expect(
      sinceIndex(
        mergeMessages(
          emptyTimeline,
          indexes.map((i) => message(i)),
        ),
      ),
    ).toBe(since);
  });
});

describe("delivery ticks", () => {
  it.each([
    // The visitor's message 3 is read once an agent's last read index is 3 or more.
    ["no agent has read anything", null, "sent"],
    ["the agent read up to 2", 2, "sent"],
    ["the agent read up to 3", 3, "read"],
    ["the agent read further", 7, "read"],
  ] as const)("%s → %s", (_, lastRead, tick) => {
    expect(tickFor(message(3), [participant({ last_read_message_index: lastRead })])).toBe(tick);
  });

  it("still counts what an agent read after they left the conversation", () => {
    // Alex read up to 4 and wrapped up: the left frame keeps them, with when they left.
    let people = peopleOf({ participants: [participant({ last_read_message_index: 4 })], past_participants: [] });
    people = withParticipant(people, participant({ last_read_message_index: 4 }), "2026-01-01T00:05:00Z");
    expect(people).toMatchObject([{ display_name: "Alex", date_left: "2026-01-01T00:05:00Z" }]);
    expect(tickFor(message(3), people)).toBe("read");
  });

  it("knows everyone of a snapshot: participants now and those who left, each once", () => {
    const left = { ...participant(), date_left: "2026-01-01T00:05:00Z" };
    const customer = participant({ sid: "MB" + "c".repeat(32), role: "customer" });
    const people = peopleOf({ participants: [customer], past_participants: [left] });
    expect(people.map((p) => [p.role, p.date_left ?? null])).toEqual([
      ["customer", null],
      ["agent", "2026-01-01T00:05:00Z"],
    ]);
    // A joined frame for someone known (a reconnect's snapshot, then the frame) replaces, never repeats.
    expect(withParticipant(people, customer)).toHaveLength(2);
  });

  it("does not count the visitor's own reading", () => {
    expect(tickFor(message(3), [participant({ role: "customer", last_read_message_index: 9 })])).toBe("sent");
  });
});

describe("typing", () => {
  it("announces at most once per 2 seconds", () => {
    const may = typingThrottle();
    expect([0, 500, 1_999, 2_000, 2_100, 4_000, 4_001].map((t) => may(t))).toEqual([true, false, false, true, false, true, false]);
  });
});

describe("client IDs", () => {
  it("are distinct and fit the messages route's pattern", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newClientId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
  });
});
