/**
 * The agent's one WebSocket to `/api/realtime`, on web/socket/reconnecting-socket.ts: the realtime token
 * as a `token.<jwt>` subprotocol beside `switchboard`, online at `hello`, the `ping` heartbeat at the
 * interval `hello` gives, `?since=<last seq>` on each reconnect so nothing is lost, and commands answered by `ack` /
 * `error` with the same id (a command in flight when the socket drops fails: the caller retries).
 */
import { AGENT_FRAME_TYPES } from "../../../../../contract/frame-types";
import {
  ofTypes,
  reconnectingSocket,
  type Backoff,
  type ReconnectingSocket,
  type SocketStatus,
} from "../../../../socket/reconnecting-socket";
import type { ServerFrame as AgentServerFrame } from "../../../../../contract/realtime-frames";

type Hello = Extract<AgentServerFrame, { type: "hello" }>;
type SinceHello = "date_ms" | "worker" | "reservations" | "activities";

/**
 * The agents' frames as the desktop reads them: the contract's (contract/realtime-frames.ts, types
 * only), except that a hello from a server older than this desktop may lack the clock, the worker, its
 * reservations and the activities, and an `ack` is read for the fields the actions look at.
 */
export type ServerFrame =
  | Exclude<AgentServerFrame, Hello | { type: "ack" } | { type: `supervisor.${string}` }>
  | (Omit<Hello, SinceHello> & Partial<Pick<Hello, SinceHello>>)
  | AckFrame;

export interface AckFrame {
  type: "ack";
  id: string | number;
  reservation?: { sid: string; reservation_status?: string; task_sid?: string };
  task?: { sid: string; assignment_status?: string };
  worker?: { sid: string; activity_sid?: string; activity_name?: string; available?: boolean };
}

/** A command as the desktop sends it; the client adds the `id`. */
export type Command =
  | { type: "accept"; reservation_sid: string }
  | { type: "reject"; reservation_sid: string; activity_sid?: string }
  | { type: "wrapup"; reservation_sid?: string; task_sid?: string }
  | { type: "complete"; reservation_sid?: string; task_sid?: string; reason?: string }
  | { type: "set-activity"; activity_sid: string; reject_pending_reservations?: boolean };

export type ConnectionStatus = SocketStatus;

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
  /** The waits between reconnects (default 0.5 s doubling to 30 s, up to a fifth off at random). */
  backoff?: Partial<Backoff>;
  /** Commands unanswered this long fail. */
  commandTimeoutMs?: number;
  now?: () => number;
}

/** The live channel's reconnects, for agents and supervisors alike. */
export const REALTIME_BACKOFF = { firstDelayMs: 500, jitter: 0.2 } satisfies Partial<Backoff>;
/** Close codes after which reconnecting cannot help (not allowed, worker deleted). */
export const REALTIME_FINAL_CODES = [4403, 4410];

/** The live channel's URL: `/api/realtime` on this page's host unless given. */
export const realtimeUrl = (url?: string): string =>
  url ?? `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/realtime`;

/**
 * @example
 * const client = new RealtimeClient({ token: session.token, onFrame: (f) => store.apply(f) });
 * client.start();
 * await client.command({ type: "accept", reservation_sid: "WR…" });
 */
export class RealtimeClient {
  private socket: ReconnectingSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    string,
    { resolve(ack: AckFrame): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }
  >();
  lastSeq: number | null;

  constructor(private readonly options: RealtimeOptions) {
    this.lastSeq = options.since ?? null;
  }

  get connectionStatus(): ConnectionStatus {
    return this.socket?.status ?? "closed";
  }

  start(): void {
    if (this.socket && this.socket.status !== "closed") return;
    const { options } = this;
    this.socket = reconnectingSocket<ServerFrame>({
      url: () => {
        const base = realtimeUrl(options.url);
        return this.lastSeq === null ? base : `${base}${base.includes("?") ? "&" : "?"}since=${this.lastSeq}`;
      },
      token: (fresh) => options.token(fresh),
      protocols: (token) => [`token.${token}`, "switchboard"],
      parse: ofTypes<ServerFrame>(AGENT_FRAME_TYPES),
      readyOn: (frame) => frame.type === "hello",
      onFrame: (frame) => this.receive(frame, (options.now ?? (() => performance.now()))()),
      onStatus: (status, previous) => {
        if (status === "offline" || status === "closed") this.failPending("The connection was lost before the server answered");
        options.onStatus?.(status, previous);
      },
      finalCodes: REALTIME_FINAL_CODES,
      backoff: { ...REALTIME_BACKOFF, ...options.backoff },
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    });
  }

  stop(): void {
    this.socket?.close("signed out");
  }

  /** Sends a command; resolves with its `ack`, rejects with a CommandError. */
  command(command: Command): Promise<AckFrame> {
    const socket = this.socket;
    if (!socket?.open || socket.status !== "online") {
      return Promise.reject(new CommandError(503, 0, "Not connected: try again when the connection is back"));
    }
    const id = `c${this.nextId++}`;
    return new Promise<AckFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CommandError(504, 0, "No answer from the server"));
      }, this.options.commandTimeoutMs ?? 15_000);
      this.pending.set(id, { resolve, reject, timer });
      socket.send({ ...command, id });
    });
  }

  private receive(frame: ServerFrame, receivedAt: number): void {
    if (frame.type === "hello") {
      this.socket?.heartbeat(Math.max(1_000, frame.heartbeat.interval_ms || 20_000));
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

  private failPending(message: string): void {
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new CommandError(503, 0, message));
      this.pending.delete(id);
    }
  }
}
