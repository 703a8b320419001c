/**
 * The agent's one WebSocket to `/api/realtime`: the realtime token as a `token.<jwt>` subprotocol
 * beside `switchboard`, the `ping` heartbeat at the interval `hello` gives, reconnection with
 * exponential backoff and `?since=<last seq>` so nothing is lost, and commands answered by `ack` /
 * `error` with the same id (a command in flight when the socket drops fails: the caller retries).
 */
import type { AckFrame, Command, ServerFrame } from "./frames";

export type ConnectionStatus = "connecting" | "online" | "offline" | "closed";

/** A command the server refused (its REST status, code and message), or one the socket lost. */
export class CommandError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "CommandError";
  }
}

export interface RealtimeOptions {
  /** The token to connect with; `fresh` after a 4401 close (see DesktopSession.token). */
  token(fresh?: boolean): Promise<string>;
  onFrame(frame: ServerFrame, receivedAt: number): void;
  onStatus?(status: ConnectionStatus, previous: ConnectionStatus): void;
  /** Defaults to `/api/realtime` on this page's host (ws: or wss:). */
  url?: string;
  /** Start from this sequence number (a reload keeps it in sessionStorage). */
  since?: number | null;
  WebSocket?: typeof WebSocket;
  /** Milliseconds before reconnect attempt `n` (1, 2, …). Default: 0.5 s doubling to 30 s, with jitter. */
  backoff?: (attempt: number) => number;
  /** Commands unanswered this long fail. */
  commandTimeoutMs?: number;
  now?: () => number;
}

/** Close codes after which reconnecting cannot help (not allowed, worker deleted). */
const FINAL_CLOSE_CODES = new Set([4403, 4410]);

export const defaultBackoff = (attempt: number): number => Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);

/**
 * @example
 * const client = new RealtimeClient({ token: session.token, onFrame: (f) => store.apply(f) });
 * client.start();
 * await client.command({ type: "accept", reservation_sid: "WR…" });
 */
export class RealtimeClient {
  private socket: WebSocket | null = null;
  private status: ConnectionStatus = "closed";
  /** The server closed the socket with 4401: the next connect asks for a new token, not the cached one. */
  private staleToken = false;
  private attempt = 0;
  private nextId = 1;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private readonly pending = new Map<
    string,
    { resolve(ack: AckFrame): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }
  >();
  lastSeq: number | null;

  constructor(private readonly options: RealtimeOptions) {
    this.lastSeq = options.since ?? null;
  }

  get connectionStatus(): ConnectionStatus {
    return this.status;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "signed out");
    this.failPending("The connection was closed");
    this.setStatus("closed");
  }

  /** Sends a command; resolves with its `ack`, rejects with a CommandError. */
  command(command: Command): Promise<AckFrame> {
    const socket = this.socket;
    if (!socket || socket.readyState !== 1 || this.status !== "online") {
      return Promise.reject(new CommandError(503, 0, "Not connected: try again when the connection is back"));
    }
    const id = `c${this.nextId++}`;
    return new Promise<AckFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CommandError(504, 0, "No answer from the server"));
      }, this.options.commandTimeoutMs ?? 15_000);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...command, id }));
    });
  }

  private url(): string {
    const base = this.options.url ?? `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/realtime`;
    return this.lastSeq === null ? base : `${base}${base.includes("?") ? "&" : "?"}since=${this.lastSeq}`;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setStatus(this.attempt === 0 && this.status === "closed" ? "connecting" : this.status);
    let token: string;
    try {
      token = await this.options.token(this.staleToken);
    } catch {
      return this.scheduleReconnect();
    }
    this.staleToken = false;
    if (this.stopped) return;
    const Socket = this.options.WebSocket ?? WebSocket;
    const socket = new Socket(this.url(), [`token.${token}`, "switchboard"]);
    this.socket = socket;
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      this.receive(event.data, (this.options.now ?? (() => performance.now()))());
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopHeartbeat();
      this.failPending("The connection was lost before the server answered");
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.stopped = true;
        this.setStatus("closed");
        return;
      }
      if (event.code === 4401) this.staleToken = true;
      this.scheduleReconnect();
    };
  }

  private receive(data: unknown, receivedAt: number): void {
    if (data === "pong" || typeof data !== "string") return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === "hello") {
      this.attempt = 0;
      this.startHeartbeat(frame.heartbeat.interval_ms);
      this.setStatus("online");
    } else if (frame.type === "ack" || frame.type === "error") {
      const waiting = frame.id === null ? undefined : this.pending.get(String(frame.id));
      if (waiting) {
        clearTimeout(waiting.timer);
        this.pending.delete(String(frame.id));
        if (frame.type === "ack") waiting.resolve(frame);
        else waiting.reject(new CommandError(frame.status, frame.code, frame.message));
        return;
      }
    }
    if ("seq" in frame && typeof frame.seq === "number") this.lastSeq = Math.max(this.lastSeq ?? 0, frame.seq);
    this.options.onFrame(frame, receivedAt);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setStatus("offline");
    this.attempt += 1;
    const delay = (this.options.backoff ?? defaultBackoff)(this.attempt);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
  }

  private startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    const every = Math.max(1_000, intervalMs || 20_000);
    this.heartbeat = setInterval(() => {
      if (this.socket?.readyState === 1) this.socket.send("ping");
    }, every);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private failPending(message: string): void {
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new CommandError(503, 0, message));
      this.pending.delete(id);
    }
  }

  private setStatus(next: ConnectionStatus): void {
    const previous = this.status;
    if (previous === next) return;
    this.status = next;
    this.options.onStatus?.(next, previous);
  }
}
