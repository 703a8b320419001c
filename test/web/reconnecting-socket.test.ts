/**
 * The one reconnecting browser socket (web/socket/reconnecting-socket.ts), with a fake WebSocket, fake
 * timers and an injected random: the backoff policy, the token and URL of each (re)connect, 4401 → a
 * fresh token, final close codes, online at open or at the frame that says so, the heartbeat, frames a
 * client does not know dropped with a warning, nudge and close.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ofTypes,
  backoffDelay,
  DEFAULT_BACKOFF,
  reconnectingSocket,
  type SocketOptions,
  type SocketStatus,
} from "../../web/socket/reconnecting-socket";
import { asWebSocket, FakeWebSocket } from "./app-fakes";

type Frame = { type: "hello" | "note"; n?: number };

function open(options: Partial<SocketOptions<Frame>> = {}) {
  const frames: Frame[] = [];
  const statuses: SocketStatus[] = [];
  const closes: number[] = [];
  const tokens: boolean[] = [];
  let since = 0;
  const socket = reconnectingSocket<Frame>({
    url: () => `ws://test/live?since=${since}`,
    token: async (fresh) => {
      tokens.push(fresh);
      return `jwt${tokens.length}`;
    },
    protocols: (token) => ["app.v1", `token.${token}`],
    parse: ofTypes<Frame>(["hello", "note"]),
    onFrame: (frame) => {
      frames.push(frame);
      since = frame.n ?? since;
    },
    onStatus: (status) => statuses.push(status),
    onFinalClose: (code) => closes.push(code),
    WebSocket: asWebSocket,
    random: () => 0,
    backoff: { firstDelayMs: 1_000, jitter: 0 },
    ...options,
  });
  return { socket, frames, statuses, closes, tokens };
}

const tick = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(() => vi.useRealTimers());

describe("backoff", () => {
  it.each([
    // The default: 1 s doubling — 1, 2, 4, 8, 16, then capped at 30 s.
    [0, 0, 1_000],
    [1, 0, 2_000],
    [3, 0, 8_000],
    [4, 0, 16_000],
    [5, 0, 30_000],
    [50, 0, 30_000],
    // Jitter takes off at most a quarter, never below 1 s: 30 s × (1 − 0.999/4) ≈ 22 508 ms.
    [5, 0.999, 22_508],
    [0, 0.999, 1_000],
  ])("attempt %i with random %d waits %i ms", (attempt, random, delay) => {
    expect(backoffDelay(DEFAULT_BACKOFF, attempt, random)).toBe(delay);
  });
});

describe("reconnectingSocket", () => {
  it("connects with the token and the URL of the moment, and is online at open", async () => {
    const { socket, statuses } = open();
    await tick();
    const ws = FakeWebSocket.last;
    expect([ws.url, ws.protocols]).toEqual(["ws://test/live?since=0", ["app.v1", "token.jwt1"]]);
    expect(socket.open).toBe(false);
    ws.readyState = 1;
    ws.onopen?.();
    expect([socket.status, socket.open, statuses]).toEqual(["online", true, ["connecting", "online"]]);
    expect(socket.send({ type: "x" })).toBe(true);
    expect(ws.sent).toEqual(['{"type":"x"}']);
    socket.close("done");
  });

  it("reconnects after the backoff, from where the last frame left off, starting over once online", async () => {
    const { frames, statuses } = open({ readyOn: (f) => f.type === "hello" });
    await tick();
    FakeWebSocket.last.receive({ type: "hello" });
    FakeWebSocket.last.receive({ type: "note", n: 7 });
    FakeWebSocket.last.close(1006);
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.last.url).toBe("ws://test/live?since=7");
    FakeWebSocket.last.close(1006); // before hello: 2 s next
    await vi.advanceTimersByTimeAsync(1_999);
    expect(FakeWebSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    FakeWebSocket.last.receive({ type: "hello" }); // online: the next drop waits 1 s again
    FakeWebSocket.last.close(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeWebSocket.instances).toHaveLength(4);
    expect(statuses).toEqual(["connecting", "online", "offline", "online", "offline"]);
    expect(frames.map((f) => f.type)).toEqual(["hello", "note", "hello"]);
  });

  it("asks for a fresh token after 4401, and retries a token that cannot be had", async () => {
    let fail = false;
    const tokens: boolean[] = [];
    open({
      token: async (fresh) => {
        tokens.push(fresh);
        if (fail) throw new Error("offline");
        return "jwt";
      },
    });
    await tick();
    fail = true;
    FakeWebSocket.last.close(4401, "expired");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    fail = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(tokens).toEqual([false, true, true]);
  });

  it.each([4403, 4410])("stops for good on a final close code (%i)", async (code) => {
    const { statuses, closes } = open({ finalCodes: [4403, 4410] });
    await tick();
    FakeWebSocket.last.close(code, "not allowed");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect([statuses.at(-1), closes]).toEqual(["closed", [code]]);
  });

  it("pings while online at the heartbeat given, and ignores pong and what is not a frame", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { socket, frames } = open({ readyOn: (f) => f.type === "hello", heartbeatMs: 10_000 });
    await tick();
    const ws = FakeWebSocket.last;
    ws.receive({ type: "hello" });
    await vi.advanceTimersByTimeAsync(20_000);
    socket.heartbeat(5_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ws.sent).toEqual(["ping", "ping", "ping", "ping"]);
    ws.receive("pong");
    ws.receive("not json");
    ws.receive({ type: "from.a.newer.server" });
    ws.receive([1]);
    expect(frames).toEqual([{ type: "hello" }]);
    expect(warn).toHaveBeenCalledTimes(2);
    ws.close(1006);
    await vi.advanceTimersByTimeAsync(500);
    expect(ws.sent).toHaveLength(4);
    warn.mockRestore();
    socket.close("done");
  });

  it("reconnects at once when nudged, and never again after close()", async () => {
    const { socket, statuses } = open();
    await tick();
    FakeWebSocket.last.close(1006);
    socket.nudge();
    await tick();
    expect(FakeWebSocket.instances).toHaveLength(2);
    socket.close("done");
    expect(FakeWebSocket.last.readyState).toBe(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect([FakeWebSocket.instances.length, statuses.at(-1), socket.send({ type: "x" })]).toEqual([2, "closed", false]);
  });
});
