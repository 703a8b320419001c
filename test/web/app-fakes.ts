/**
 * Test doubles for the desktop's app tests: a WebSocket the test drives (frames in, commands out) and
 * a fetch answering by method and path.
 */

/** A WebSocket double: `open()` / `receive(frame)` / `close(code)` from the test, `sent` holds what the app sent. */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  static reset(): void {
    FakeWebSocket.instances = [];
  }
  static get last(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }

  readyState = 0;
  readonly sent: string[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onopen: (() => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[] = [],
  ) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The commands sent (JSON), without heartbeats. */
  get commands(): Record<string, unknown>[] {
    return this.sent.filter((s) => s !== "ping").map((s) => JSON.parse(s) as Record<string, unknown>);
  }

  receive(frame: unknown): void {
    this.readyState = 1;
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }
}

export const asWebSocket = FakeWebSocket as unknown as typeof WebSocket;

export const hello = (overrides: Record<string, unknown> = {}) => ({
  type: "hello",
  worker_sid: "WK" + "1".repeat(32),
  last_seq: 0,
  replay: { since: null, count: 0, complete: true },
  heartbeat: { send: "ping", reply: "pong", interval_ms: 20_000 },
  presence_grace_ms: 60_000,
  expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  ...overrides,
});

const hex = (n: number) => String(n).padStart(32, "0");
export const reservationSid = (n: number) => `WR${hex(n)}`;
export const taskSid = (n: number) => `WT${hex(n)}`;

/** A `reservation.<event>` frame for reservation/task number `n`. */
export function reservationFrame(n: number, status: string, seq: number, attributes: Record<string, unknown> = {}) {
  const event = status === "pending" ? "created" : status === "wrapping" ? "wrapup" : status;
  return {
    type: `reservation.${event}`,
    seq,
    event_sid: `EV${hex(seq)}`,
    date: new Date().toISOString(),
    date_ms: Date.now(),
    reservation: { sid: reservationSid(n), status, task_sid: taskSid(n), worker_sid: "WK" + "1".repeat(32) },
    task: {
      sid: taskSid(n),
      attributes: JSON.stringify({ name: `Customer ${n}`, ...attributes }),
      assignment_status: status === "pending" ? "reserved" : "assigned",
      priority: 0,
      age: 0,
      task_channel_sid: "TC1",
      task_channel_unique_name: "chat",
      task_queue_sid: "WQ1",
      task_queue_friendly_name: "Support",
      workflow_sid: "WW1",
      workflow_friendly_name: "Default",
      reason: null,
    },
  };
}

type Route = (body: unknown) => { status: number; body?: unknown; headers?: Record<string, string> };

/** A fetch answering `"METHOD /path"` routes (the query string ignored); records every call. */
export function fakeFetch(routes: Record<string, Route>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = String(input).split("?")[0]!;
    const method = init.method ?? "GET";
    const body: unknown = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    calls.push({ method, path, body });
    const route = routes[`${method} ${path}`];
    const answer = route ? route(body) : { status: 404, body: { code: 20404, message: "not found", status: 404 } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { "content-type": "application/json", ...answer.headers },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}
