/**
 * The supervisors' live feed in the browser: the frame shapes of `supervisor.snapshot` and
 * `supervisor.delta` (mirroring contract/realtime-frames.ts, whose zod schemas stay out of
 * the bundle; plain types such as `SupervisorToday` are imported), the pure reducer that folds them into the Teams / Queue Stats state, and the one WebSocket to
 * `/api/realtime` with a supervisor token (`token.<jwt>` + `switchboard` subprotocols), the `ping`
 * heartbeat and reconnection with backoff. A reconnect gets a fresh snapshot, so nothing is replayed.
 */
import type { SupervisorToday } from "../../../../../contract/realtime-frames";

/** A queue's figures since midnight UTC (the window ends at the frame's `date_ms`): the server's type, imported for its shape only. */
export type FeedToday = SupervisorToday;

export interface FeedQueue {
  readonly sid: string;
  readonly friendly_name: string;
  readonly tasks_by_status: Readonly<Record<string, number>>;
  readonly total_tasks: number;
  /** Seconds, at the frame's `date_ms`. */
  readonly longest_task_waiting_age: number;
  readonly longest_task_waiting_sid: string | null;
  readonly total_available_workers: number;
  readonly total_eligible_workers: number;
  readonly activity_statistics: readonly { readonly sid: string; readonly friendly_name: string; readonly workers: number }[];
  /** Today's figures; absent only from a server older than this desktop (the columns show "—"). */
  readonly today?: FeedToday;
}

export interface FeedChannel {
  readonly task_channel_sid: string;
  readonly task_channel_unique_name: string | null;
  readonly configured_capacity: number;
  readonly available: boolean;
  readonly reserved_tasks: number;
  readonly assigned_tasks: number;
}

export interface FeedWorker {
  readonly sid: string;
  readonly friendly_name: string;
  readonly activity_sid: string;
  readonly activity_name: string | null;
  readonly available: boolean;
  readonly date_status_changed_ms: number;
  /** JSON text. */
  readonly attributes: string;
  /** The queues the worker is a member of; absent from a server older than this desktop. */
  readonly task_queue_sids?: readonly string[];
  /** In the workspace's task channel order. */
  readonly channels: readonly FeedChannel[];
  readonly reservations: readonly { readonly sid: string; readonly task_sid: string; readonly status: string }[];
}

export type SupervisorFrame =
  | { readonly type: "supervisor.snapshot"; readonly date_ms: number; readonly queues: FeedQueue[]; readonly workers: FeedWorker[] }
  | {
      readonly type: "supervisor.delta";
      readonly date_ms: number;
      readonly queues: FeedQueue[];
      readonly workers: FeedWorker[];
      readonly removed_worker_sids: string[];
    };

/** A queue as shown, with when its figures were taken (the longest wait ticks on from there). */
export interface QueueState extends FeedQueue {
  readonly asOf: number;
}

export interface FeedState {
  /** False until the first snapshot. */
  readonly ready: boolean;
  readonly queues: readonly QueueState[];
  /** Alphabetical, as the snapshot lists them. */
  readonly workers: readonly FeedWorker[];
}

export const EMPTY_FEED: FeedState = { ready: false, queues: [], workers: [] };

const byName = (a: { friendly_name: string; sid: string }, b: { friendly_name: string; sid: string }) =>
  a.friendly_name.localeCompare(b.friendly_name, undefined, { sensitivity: "base" }) || a.sid.localeCompare(b.sid);

/**
 * Folds a frame into the state: a snapshot replaces everything, a delta replaces the queues and workers
 * it carries and drops the removed ones. `receivedAt` anchors the ticking waits to this clock.
 * @example state = applyFrame(state, JSON.parse(event.data), Date.now());
 */
export function applyFrame(state: FeedState, frame: SupervisorFrame, receivedAt: number): FeedState {
  const stamp = (q: FeedQueue): QueueState => ({ ...q, asOf: receivedAt });
  if (frame.type === "supervisor.snapshot") {
    return { ready: true, queues: frame.queues.map(stamp).sort(byName), workers: [...frame.workers].sort(byName) };
  }
  const queues = new Map(state.queues.map((q) => [q.sid, q]));
  for (const q of frame.queues) queues.set(q.sid, stamp(q));
  const workers = new Map(state.workers.map((w) => [w.sid, w]));
  for (const w of frame.workers) workers.set(w.sid, w);
  for (const sid of frame.removed_worker_sids) workers.delete(sid);
  return { ready: state.ready, queues: [...queues.values()].sort(byName), workers: [...workers.values()].sort(byName) };
}

export type FeedStatus = "connecting" | "online" | "offline";

export interface SupervisorSocketOptions {
  /** The token to connect with; `fresh` after a 4401 close (see DesktopSession.token). */
  token(fresh?: boolean): Promise<string>;
  onFrame(frame: SupervisorFrame, receivedAt: number): void;
  onStatus(status: FeedStatus): void;
  /** Defaults to `/api/realtime` on this page's host. */
  url?: string;
  WebSocket?: typeof WebSocket;
  /** Milliseconds before reconnect attempt n (1, 2, …): 0.5 s doubling to 30 s by default. */
  backoff?: (attempt: number) => number;
  /** The heartbeat interval; the server answers `ping` with `pong`. */
  heartbeatMs?: number;
  now?: () => number;
}

export const supervisorBackoff = (attempt: number): number => Math.min(30_000, 500 * 2 ** (attempt - 1));

const defaultUrl = (): string => {
  const { protocol, host } = globalThis.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}/api/realtime`;
};

/**
 * One supervisor connection; `start()` opens it, `stop()` closes it for good.
 * @example
 * const socket = new SupervisorSocket({ token: session.token, onFrame: (f, at) => setState((s) => applyFrame(s, f, at)), onStatus });
 * socket.start();
 */
export class SupervisorSocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  /** The server closed the socket with 4401: the next connect asks for a new token. */
  private staleToken = false;
  private stopped = true;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: SupervisorSocketOptions) {}

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
    socket?.close(1000, "closed by the supervisor view");
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.options.onStatus(this.attempt === 0 ? "connecting" : "offline");
    let token: string;
    try {
      token = await this.options.token(this.staleToken);
    } catch {
      return this.scheduleReconnect();
    }
    this.staleToken = false;
    if (this.stopped) return;
    const Socket = this.options.WebSocket ?? globalThis.WebSocket;
    const socket = new Socket(this.options.url ?? defaultUrl(), [`token.${token}`, "switchboard"]);
    this.socket = socket;
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket || typeof event.data !== "string" || event.data === "pong") return;
      let frame: SupervisorFrame;
      try {
        frame = JSON.parse(event.data) as SupervisorFrame;
      } catch {
        return;
      }
      if (frame.type !== "supervisor.snapshot" && frame.type !== "supervisor.delta") return;
      if (frame.type === "supervisor.snapshot") {
        this.attempt = 0;
        this.options.onStatus("online");
      }
      this.options.onFrame(frame, (this.options.now ?? Date.now)());
    };
    socket.onopen = () => {
      this.stopHeartbeat();
      this.heartbeat = setInterval(() => {
        if (socket.readyState === 1) socket.send("ping");
      }, this.options.heartbeatMs ?? 25_000);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === 4401) this.staleToken = true;
      this.stopHeartbeat();
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.attempt += 1;
    this.options.onStatus("offline");
    this.retry = setTimeout(
      () => {
        this.retry = null;
        void this.connect();
      },
      (this.options.backoff ?? supervisorBackoff)(this.attempt),
    );
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
