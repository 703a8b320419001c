/**
 * The agent's socket client: subprotocols, the heartbeat at the interval `hello` gives, reconnection
 * with backoff and `?since=` of the last seq, commands answered by ack/error, and commands in flight
 * failing (not hanging) when the socket drops.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandError, RealtimeClient, type ConnectionStatus } from "../../web/desktop/src/app/agent/realtime-client";
import { asWebSocket, FakeWebSocket, hello, reservationFrame } from "./app-fakes";

const tick = () => vi.advanceTimersByTimeAsync(0);

function client(options: Partial<ConstructorParameters<typeof RealtimeClient>[0]> = {}) {
  const frames: unknown[] = [];
  const statuses: ConnectionStatus[] = [];
  let tokens = 0;
  const c = new RealtimeClient({
    token: async () => `jwt${++tokens}`,
    onFrame: (frame) => frames.push(frame),
    onStatus: (status) => statuses.push(status),
    url: "ws://test/api/realtime",
    WebSocket: asWebSocket,
    backoff: { firstDelayMs: 1000, growth: 2, jitter: 0 },
    ...options,
  });
  return { c, frames, statuses };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(() => vi.useRealTimers());

describe("RealtimeClient", () => {
  it("offers the token as a subprotocol beside switchboard and pings at hello's interval", async () => {
    const { c, statuses } = client();
    c.start();
    await tick();
    const socket = FakeWebSocket.last;
    expect([socket.url, socket.protocols]).toEqual(["ws://test/api/realtime", ["token.jwt1", "switchboard"]]);
    socket.receive(hello({ heartbeat: { send: "ping", reply: "pong", interval_ms: 5_000 } }));
    expect(statuses).toEqual(["connecting", "online"]);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(socket.sent).toEqual(["ping", "ping", "ping"]);
    socket.receive("pong");
    c.stop();
  });

  it("reconnects with backoff, a fresh token and ?since= the last seq seen", async () => {
    const { c, frames, statuses } = client({ since: 0 });
    c.start();
    await tick();
    const first = FakeWebSocket.last;
    expect(first.url).toBe("ws://test/api/realtime?since=0");
    first.receive(hello());
    first.receive(reservationFrame(1, "pending", 7));
    first.close(1006);
    expect(statuses.at(-1)).toBe("offline");
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const second = FakeWebSocket.last;
    expect([second.url, second.protocols[0]]).toEqual(["ws://test/api/realtime?since=7", "token.jwt2"]);
    second.close(1006); // before hello: the next wait is longer
    await vi.advanceTimersByTimeAsync(1_999);
    expect(FakeWebSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    FakeWebSocket.last.receive(hello());
    expect(statuses.at(-1)).toBe("online");
    expect(frames.map((f) => (f as { type: string }).type)).toEqual(["hello", "reservation.created", "hello"]);
    c.stop();
  });

  it("does not reconnect after 4403 (not allowed) or after stop()", async () => {
    const { c, statuses } = client();
    c.start();
    await tick();
    FakeWebSocket.last.close(4403);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(statuses.at(-1)).toBe("closed");
  });

  it("resolves a command with its ack and rejects with the error frame's status, code and message", async () => {
    const { c } = client();
    c.start();
    await tick();
    const socket = FakeWebSocket.last;
    socket.receive(hello());
    const accepted = c.command({ type: "accept", reservation_sid: "WR1" });
    const rejected = c.command({ type: "reject", reservation_sid: "WR2" });
    const [a, r] = socket.commands;
    socket.receive({ type: "error", id: r!.id, status: 404, code: 20404, message: "Reservation WR2 not found" });
    socket.receive({ type: "ack", id: a!.id, reservation: { sid: "WR1", reservation_status: "accepted" } });
    await expect(accepted).resolves.toMatchObject({ reservation: { sid: "WR1" } });
    await expect(rejected).rejects.toMatchObject({ name: "CommandError", status: 404, code: 20404, message: "Reservation WR2 not found" });
    c.stop();
  });

  it.each([
    ["when not connected", false],
    ["when the socket drops before the answer", true],
  ])("fails a command %s instead of hanging", async (_case, connected) => {
    const { c } = client();
    c.start();
    await tick();
    const socket = FakeWebSocket.last;
    if (connected) socket.receive(hello());
    const pending = c.command({ type: "accept", reservation_sid: "WR1" });
    if (connected) socket.close(1006);
    await expect(pending).rejects.toBeInstanceOf(CommandError);
    c.stop();
  });
});
