/**
 * The client side of the golden frames (test/unit/contract/golden/*.json, which the server's frame
 * builders must produce): each frozen agent frame passes the agent's socket into the desktop's store, and
 * each conversation frame the edge check and the desktop's and widget's reducers, so a wire change shows
 * here as well as on the server.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import golden from "../unit/contract/golden/agent-frames.json";
import queueGolden from "../unit/contract/golden/agent-queue-frames.json";
import conversationGolden from "../unit/contract/golden/conversation-frames.json";
import type { ConversationFrame } from "../../contract/conversations";
import { CONVERSATION_FRAME_TYPES } from "../../contract/frame-types";
import { ofTypes } from "../../web/socket/reconnecting-socket";
import { applyFrame as applyChatFrame, initialChatState } from "../../web/desktop/src/app/task/chat-state";
import { emptyTimeline, mergeMessages, peopleOf } from "../../web/widget/src/state";
import { AgentStore } from "../../web/desktop/src/app/agent/task-store";
import { RealtimeClient } from "../../web/desktop/src/app/agent/realtime-client";
import type { ServerFrame } from "../../web/desktop/src/app/agent/realtime-client";
import { asWebSocket, FakeWebSocket, hello } from "./app-fakes";

const frames = Object.entries(golden) as [string, ServerFrame][];

beforeEach(() => FakeWebSocket.reset());

describe("golden agent frames in the desktop", () => {
  it("queues.waiting (numbered by nothing: a figure of now) becomes the agent's queues on this machine's clock", () => {
    const store = new AgentStore(null, {}, () => 1_795_608_000_000);
    store.apply(queueGolden["queues.waiting"] as ServerFrame, 0);
    // hello said nothing of the server's clock here: no skew, the times as they came.
    expect(store.snapshot.queues).toEqual([
      { sid: "WQ" + "1".repeat(32), name: "Support", waiting: 3, oldestSince: 1_795_607_910_000, slaSeconds: 45 },
      { sid: "WQ" + "2".repeat(32), name: "Everyone", waiting: 0, oldestSince: null, slaSeconds: null },
    ]);
  });

  it.each(frames)("%s reaches the store through the socket", async (_type, frame) => {
    vi.useFakeTimers();
    const store = new AgentStore(null);
    const received: ServerFrame[] = [];
    const client = new RealtimeClient({
      token: async () => "jwt",
      url: "ws://test/api/realtime",
      WebSocket: asWebSocket,
      onFrame: (f, at) => {
        received.push(f);
        store.apply(f, at);
      },
    });
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    FakeWebSocket.last.receive(hello({ worker_sid: "WK" + "c".repeat(32) }));
    FakeWebSocket.last.receive(frame);
    expect(received.at(-1)).toEqual(frame);
    expect(client.lastSeq).toBe(1);
    client.stop();
    vi.useRealTimers();
  });
});

/** The conversation socket's goldens (test/unit/contract/golden/conversation-frames.json, built there by the ConversationDO's operations). */
const conversationFrames = Object.entries(conversationGolden) as unknown as [string, ConversationFrame][];

describe("golden conversation frames in the desktop and the widget", () => {
  it.each(conversationFrames)("%s passes the edge check and the desktop's chat state takes it", (_type, frame) => {
    expect(ofTypes<ConversationFrame>(CONVERSATION_FRAME_TYPES)(frame)).toBe(frame);
    const snapshot = conversationGolden["conversation.snapshot"] as unknown as ConversationFrame;
    const state = applyChatFrame(applyChatFrame(initialChatState, snapshot, 1_000), frame, 2_000);
    expect(state.messages.length).toBeGreaterThanOrEqual(0);
  });

  it("the widget's rules take the snapshot and a message", () => {
    const snapshot = conversationGolden["conversation.snapshot"] as unknown as Extract<
      ConversationFrame,
      { type: "conversation.snapshot" }
    >;
    const added = conversationGolden["message.added"] as unknown as Extract<ConversationFrame, { type: "message.added" }>;
    expect(peopleOf(snapshot).map((p) => p.sid)).toEqual(snapshot.participants.map((p) => p.sid));
    const timeline = mergeMessages(mergeMessages(emptyTimeline, snapshot.messages), [added.message]);
    expect(timeline.messages.map((m) => m.index)).toEqual([added.message.index]);
  });
});
