/**
 * The client side of the golden frames (test/unit/contract/golden/agent-frames.json, which the server's
 * frame builders must produce): each frozen frame passes the agent's socket and the desktop's store
 * takes it, so a wire change shows here as well as on the server.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import golden from "../unit/contract/golden/agent-frames.json";
import { AgentStore } from "../../web/desktop/src/app/agent/task-store";
import { RealtimeClient } from "../../web/desktop/src/app/agent/realtime-client";
import type { ServerFrame } from "../../web/desktop/src/app/agent/frames";
import { asWebSocket, FakeWebSocket, hello } from "./app-fakes";

const frames = Object.entries(golden) as [string, ServerFrame][];

beforeEach(() => FakeWebSocket.reset());

describe("golden agent frames in the desktop", () => {
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
