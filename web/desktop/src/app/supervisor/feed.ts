/**
 * The supervisors' live feed in the browser: the frames of `supervisor.snapshot` and
 * `supervisor.delta` as the contract types them (contract/realtime-frames.ts, types only: its zod
 * schemas stay out of the bundle), lenient where an older server sends less, the pure reducer that folds them into the Teams / Queue Stats state, and the
 * feed's socket (web/socket/reconnecting-socket.ts) to `/api/realtime` with a supervisor token, pinging
 * every 25 s. A reconnect gets a fresh snapshot, so nothing is replayed.
 */
import type {
  SupervisorDeltaFrame,
  SupervisorQueue,
  SupervisorQueueChange,
  SupervisorReservation,
  SupervisorSnapshotFrame,
  SupervisorTeam,
  SupervisorToday,
  SupervisorWorker,
} from "../../../../../contract/realtime-frames";
import { SUPERVISOR_FRAME_TYPES } from "../../../../../contract/frame-types";
import { foldQueue } from "../../../../../contract/supervisor-fold";
import {
  ofTypes,
  reconnectingSocket,
  type Backoff,
  type ReconnectingSocket,
  type SocketStatus,
} from "../../../../socket/reconnecting-socket";
import { REALTIME_BACKOFF, REALTIME_FINAL_CODES, realtimeUrl } from "../agent/realtime-client";

/** A queue's figures since midnight UTC (the window ends at the frame's `date_ms`). */
export type FeedToday = SupervisorToday;

/** A queue as the feed carries it; `today` is absent only from a server older than this desktop (the columns show "—"). */
export type FeedQueue = Omit<SupervisorQueue, "today"> & { readonly today?: FeedToday };

/**
 * A queue in a delta: its SID and the fields that changed, of an object only the keys that changed (a
 * server older than this desktop sends it whole).
 */
export type FeedQueueChange = SupervisorQueueChange;

export type FeedChannel = SupervisorWorker["channels"][number];

/** A worker as the feed carries it; `task_queue_sids` and `region` are absent from a server older than this desktop. */
export type FeedWorker = Omit<SupervisorWorker, "date_status_changed" | "task_queue_sids" | "reservations" | "region"> & {
  readonly task_queue_sids?: readonly string[];
  readonly region?: string;
  readonly reservations: readonly FeedReservation[];
};

/**
 * A task in hand as the feed carries it: the conversation, customer and queue (and the channel and start)
 * are absent from a server older than this desktop, which shows "—" for them and no Live entry.
 */
export type FeedReservation = Pick<SupervisorReservation, "sid" | "task_sid" | "status"> &
  Partial<Omit<SupervisorReservation, "sid" | "task_sid" | "status">>;

/** What every frame carries; the regions are absent from a server older than this desktop (one region, nothing missing). */
interface FeedFrameBody {
  readonly workers: FeedWorker[];
  readonly missing_regions?: readonly string[];
}

export type SupervisorFrame =
  | (Omit<SupervisorSnapshotFrame, "date" | "queues" | "workers" | "regions" | "missing_regions"> &
      FeedFrameBody & { readonly queues: FeedQueue[]; readonly regions?: readonly string[] })
  | (Omit<SupervisorDeltaFrame, "date" | "queues" | "workers" | "missing_regions"> &
      FeedFrameBody & { readonly queues: FeedQueueChange[] });

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
  /** The workspace's regions, home first (one: the views show no region labels). */
  readonly regions: readonly string[];
  /** Regions that could not be reached: their agents are not shown and the queue figures leave them out. */
  readonly missingRegions: readonly string[];
  /** The team's headline figures (agents by state, the channels it uses); null from a server older than them. */
  readonly team: SupervisorTeam | null;
}

export const EMPTY_FEED: FeedState = { ready: false, queues: [], workers: [], regions: [], missingRegions: [], team: null };

const byName = (a: { friendly_name: string; sid: string }, b: { friendly_name: string; sid: string }) =>
  a.friendly_name.localeCompare(b.friendly_name, undefined, { sensitivity: "base" }) || a.sid.localeCompare(b.sid);

/**
 * Folds a frame into the state: a snapshot replaces everything, a delta folds the fields of each queue it
 * carries onto that queue (of whichever region: the server sums the queues; a queue not yet known comes
 * whole), replaces the workers it carries and drops the removed ones, and keeps the team's tiles when it
 * carries none; each frame says which regions are missing now. `receivedAt` anchors the ticking waits to
 * this clock.
 * @example state = applyFrame(state, JSON.parse(event.data), Date.now());
 */
export function applyFrame(state: FeedState, frame: SupervisorFrame, receivedAt: number): FeedState {
  const stamp = (q: FeedQueue): QueueState => ({ ...q, asOf: receivedAt });
  const missingRegions = frame.missing_regions ?? [];
  if (frame.type === "supervisor.snapshot") {
    const queues = frame.queues.map(stamp).sort(byName);
    const team = frame.team ?? null;
    return { ready: true, queues, workers: [...frame.workers].sort(byName), regions: frame.regions ?? [], missingRegions, team };
  }
  const queues = new Map(state.queues.map((q) => [q.sid, q]));
  for (const q of frame.queues) queues.set(q.sid, stamp(foldQueue<FeedQueue>(queues.get(q.sid), q)));
  const workers = new Map(state.workers.map((w) => [w.sid, w]));
  for (const w of frame.workers) workers.set(w.sid, w);
  for (const sid of frame.removed_worker_sids) workers.delete(sid);
  const sorted = { queues: [...queues.values()].sort(byName), workers: [...workers.values()].sort(byName) };
  return { ...state, ...sorted, missingRegions, team: frame.team ?? state.team };
}

export type FeedStatus = SocketStatus;

export interface SupervisorFeedOptions {
  /** The token to connect with; `fresh` after a 4401 close (see DesktopSession.token). */
  token(fresh: boolean): Promise<string>;
  onFrame(frame: SupervisorFrame, receivedAt: number): void;
  onStatus(status: FeedStatus): void;
  /** Defaults to `/api/realtime` on this page's host. */
  url?: string;
  WebSocket?: typeof WebSocket;
  backoff?: Partial<Backoff>;
  /** The heartbeat interval; the server answers `ping` with `pong`. */
  heartbeatMs?: number;
  now?: () => number;
}

/**
 * One supervisor connection, open until `close()`: online at each snapshot, which starts the state over.
 * @example
 * const feed = openSupervisorFeed({ token: session.token, onFrame: (f, at) => setState((s) => applyFrame(s, f, at)), onStatus });
 * feed.close("closed by the supervisor view");
 */
export function openSupervisorFeed(options: SupervisorFeedOptions): ReconnectingSocket {
  return reconnectingSocket<SupervisorFrame>({
    url: () => realtimeUrl(options.url),
    token: (fresh) => options.token(fresh),
    protocols: (token) => [`token.${token}`, "switchboard"],
    parse: ofTypes<SupervisorFrame>(SUPERVISOR_FRAME_TYPES),
    readyOn: (frame) => frame.type === "supervisor.snapshot",
    onFrame: (frame) => options.onFrame(frame, (options.now ?? Date.now)()),
    onStatus: (status) => options.onStatus(status),
    finalCodes: REALTIME_FINAL_CODES,
    backoff: { ...REALTIME_BACKOFF, ...options.backoff },
    heartbeatMs: options.heartbeatMs ?? 25_000,
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
  });
}
