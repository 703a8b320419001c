/**
 * The per-worker frame log: numbers each worker's change frames 1, 2, 3, … and stores them, so a
 * client that reconnects with `?since=<last seq>` is sent every frame after it before the live ones —
 * a dropped network never drops a reservation. Only workers who have connected at least once are
 * logged (the caller starts them), so the REST-only path pays nothing.
 *
 * Retention: a worker's frames are kept for an hour, and at most their last 1,000; a reconnect asking
 * for older ones is told the replay is incomplete and reloads over the REST API. The last sequence
 * number of every logged worker is held in memory (read once on wake) and updated only once the
 * frames are stored, so a failed write never skips or repeats a number.
 */
import {
  dropFramesBefore,
  dropFramesUpTo,
  forgetFrames,
  frameHeads,
  framesAfter,
  insertFrame,
  startFrames,
  type StoredFrame,
} from "../store/frame-store";
import type { StoreHost } from "../../kit/sql-host";
import type { AddressedFrame } from "../lifecycle/event-frames";

export interface FrameRetention {
  /** Frames kept per worker (the oldest beyond it are dropped). */
  readonly maxFrames: number;
  /** How long a frame is kept, in ms. */
  readonly maxAgeMs: number;
}

export const FRAME_RETENTION = { maxFrames: 1000, maxAgeMs: 3600_000 } as const satisfies FrameRetention;
/** Dropping by count runs every this many frames of a worker; by age at most this often (ms). */
const COUNT_PRUNE_EVERY = 50;
const AGE_PRUNE_INTERVAL_MS = 60_000;

/** A stored frame, as it goes out on the socket. */
export interface LoggedFrame {
  readonly workerSid: string;
  readonly seq: number;
  readonly text: string;
}

export interface Replay {
  /** The logged frames after `since`, in order. */
  readonly frames: readonly StoredFrame[];
  /** False when some frames after `since` are no longer kept, or `since` is ahead of the log. */
  readonly complete: boolean;
}

export class FrameLog {
  private readonly heads: Map<string, number>;
  private lastAgePrune = 0;

  constructor(
    private readonly host: StoreHost,
    private readonly retention: FrameRetention = FRAME_RETENTION,
  ) {
    this.heads = frameHeads(host);
  }

  /** Whether any worker's frames are logged (none: the workspace uses no live connections). */
  get empty(): boolean {
    return this.heads.size === 0;
  }

  /** Whether the worker's frames are logged. */
  logs(workerSid: string): boolean {
    return this.heads.has(workerSid);
  }

  /** The worker's last sequence number (0 before the first frame). */
  lastSeq(workerSid: string): number {
    return this.heads.get(workerSid) ?? 0;
  }

  /** Starts logging a worker's frames (a connection opened); already logged workers keep their numbers. */
  start(workerSid: string): number {
    if (!this.heads.has(workerSid))
      this.heads.set(
        workerSid,
        this.host.transactionSync(() => startFrames(this.host, workerSid)),
      );
    return this.heads.get(workerSid)!;
  }

  /** Numbers and stores the frames of logged workers (others are skipped), in one transaction. */
  append(frames: readonly AddressedFrame[], now: number): LoggedFrame[] {
    const next = new Map<string, number>();
    const logged: LoggedFrame[] = [];
    this.host.transactionSync(() => {
      for (const { workerSid, frame } of frames) {
        const last = next.get(workerSid) ?? this.heads.get(workerSid);
        if (last === undefined) continue;
        const seq = last + 1;
        const { type, ...rest } = frame;
        const text = JSON.stringify({ type, seq, ...rest });
        insertFrame(this.host, workerSid, seq, now, text);
        if (seq % COUNT_PRUNE_EVERY === 0 && seq > this.retention.maxFrames)
          dropFramesUpTo(this.host, workerSid, seq - this.retention.maxFrames);
        next.set(workerSid, seq);
        logged.push({ workerSid, seq, text });
      }
      if (logged.length > 0 && now - this.lastAgePrune >= AGE_PRUNE_INTERVAL_MS) {
        dropFramesBefore(this.host, now - this.retention.maxAgeMs);
      }
    });
    for (const [workerSid, seq] of next) this.heads.set(workerSid, seq);
    if (logged.length > 0 && now - this.lastAgePrune >= AGE_PRUNE_INTERVAL_MS) this.lastAgePrune = now;
    return logged;
  }

  /**
   * The frames after `since` for a reconnecting client. Expired frames are dropped first, so what is
   * replayed is what the retention promises.
   */
  replay(workerSid: string, since: number, now: number): Replay {
    const last = this.lastSeq(workerSid);
    if (since > last) return { frames: [], complete: false };
    this.host.transactionSync(() => dropFramesBefore(this.host, now - this.retention.maxAgeMs));
    const frames = framesAfter(this.host, workerSid, since);
    const complete = since === last || frames[0]?.seq === since + 1;
    return { frames, complete };
  }

  /** Stops logging a worker and drops their frames (the worker was deleted). */
  forget(workerSid: string): void {
    this.host.transactionSync(() => forgetFrames(this.host, workerSid));
    this.heads.delete(workerSid);
  }
}
