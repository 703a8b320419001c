/**
 * What the Router holding supervisors' sockets keeps of the workspace's other regions: per region the
 * number of the last frame applied (or that the region could not be reached, how often, and when to try
 * again), and the region's share of each queue and its workers as they last came. It is stored, not
 * kept in memory, so a holder evicted between two frames (hibernation does it all the time) carries on
 * from the next one without asking every region again. A frame out of order says so (`gap`): the holder
 * then asks that region for a full one. Tables: `sb_supervisor_regions`, `sb_supervisor_parts` (store/schema.ts, migration 6).
 */
import type { SupervisorWorker } from "../../../contract/realtime-frames";
import { first, rows, run, type StoreHost } from "../../kit/sql-host";
import type { QueuePart, RegionFrame } from "./supervisor-parts";

export interface RegionState {
  readonly seq: number;
  readonly missing: boolean;
  readonly attempts: number;
  readonly retryAt: number;
}

export type Applied =
  /** The frame is in: `removed` are the region's workers a full frame no longer has. */
  | { readonly outcome: "applied"; readonly removed: string[] }
  /** Already applied (a frame repeated or overtaken by a full one): nothing to do. */
  | { readonly outcome: "stale" }
  /** Frames are missing before this one, or nothing is kept of the region: ask it for a full frame. */
  | { readonly outcome: "gap" };

export class RemoteRegions {
  constructor(private readonly host: StoreHost) {}

  state(region: string): RegionState | null {
    const row = first<{ seq: number; missing: number; attempts: number; retry_at: number }>(
      this.host,
      "SELECT seq, missing, attempts, retry_at FROM sb_supervisor_regions WHERE region = ?",
      region,
    );
    if (!row) return null;
    return { seq: Number(row.seq), missing: Number(row.missing) === 1, attempts: Number(row.attempts), retryAt: Number(row.retry_at) };
  }

  /** Applies a region's frame in one transaction, if it is the next one (or a full one no older than what is kept). */
  apply(frame: RegionFrame): Applied {
    return this.host.transactionSync((): Applied => {
      const kept = this.state(frame.region);
      if (frame.full) {
        if (kept && !kept.missing && frame.seq < kept.seq) return { outcome: "stale" };
        const before = new Set(this.workerSids(frame.region));
        run(this.host, "DELETE FROM sb_supervisor_parts WHERE region = ?", frame.region);
        this.put(frame);
        for (const worker of frame.workers) before.delete(worker.sid);
        return { outcome: "applied", removed: [...before] };
      }
      if (!kept || kept.missing || frame.seq > kept.seq + 1) return { outcome: "gap" };
      if (frame.seq <= kept.seq) return { outcome: "stale" };
      for (const sid of frame.removed_worker_sids)
        run(this.host, "DELETE FROM sb_supervisor_parts WHERE region = ? AND kind = 'worker' AND sid = ?", frame.region, sid);
      this.put(frame);
      return { outcome: "applied", removed: [] };
    });
  }

  /** The region could not be reached: its share is dropped until it answers (answers its workers, now gone from the feed). */
  markMissing(region: string, attempts: number, retryAt: number): string[] {
    return this.host.transactionSync(() => {
      const removed = this.workerSids(region);
      run(this.host, "DELETE FROM sb_supervisor_parts WHERE region = ?", region);
      run(
        this.host,
        "INSERT OR REPLACE INTO sb_supervisor_regions (region, seq, missing, attempts, retry_at) VALUES (?, 0, 1, ?, ?)",
        region,
        attempts,
        retryAt,
      );
      return removed;
    });
  }

  /** The regions of `regions` that could not be reached. */
  missing(regions: readonly string[]): string[] {
    return regions.filter((region) => this.state(region)?.missing === true);
  }

  /** Every other region's share of a queue. */
  queueParts(queueSid: string): QueuePart[] {
    return this.bodies<QueuePart>("SELECT body FROM sb_supervisor_parts WHERE kind = 'queue' AND sid = ? ORDER BY region", queueSid);
  }

  worker(sid: string): SupervisorWorker | undefined {
    return this.bodies<SupervisorWorker>("SELECT body FROM sb_supervisor_parts WHERE kind = 'worker' AND sid = ?", sid)[0];
  }

  workers(): SupervisorWorker[] {
    return this.bodies<SupervisorWorker>("SELECT body FROM sb_supervisor_parts WHERE kind = 'worker'");
  }

  /** No supervisor is left: nothing is kept (the next one starts afresh, and the regions' leases lapse). */
  forget(): void {
    this.host.transactionSync(() => {
      run(this.host, "DELETE FROM sb_supervisor_parts");
      run(this.host, "DELETE FROM sb_supervisor_regions");
    });
  }

  private put(frame: RegionFrame): void {
    const save = (kind: string, sid: string, body: unknown) =>
      run(
        this.host,
        "INSERT OR REPLACE INTO sb_supervisor_parts (region, kind, sid, body) VALUES (?, ?, ?, ?)",
        frame.region,
        kind,
        sid,
        JSON.stringify(body),
      );
    for (const queue of frame.queues) save("queue", queue.sid, queue);
    for (const worker of frame.workers) save("worker", worker.sid, worker);
    run(
      this.host,
      "INSERT OR REPLACE INTO sb_supervisor_regions (region, seq, missing, attempts, retry_at) VALUES (?, ?, 0, 0, 0)",
      frame.region,
      frame.seq,
    );
  }

  private workerSids(region: string): string[] {
    return rows<{ sid: string }>(this.host, "SELECT sid FROM sb_supervisor_parts WHERE region = ? AND kind = 'worker'", region).map(
      (row) => row.sid,
    );
  }

  private bodies<T>(sql: string, ...params: string[]): T[] {
    return rows<{ body: string }>(this.host, sql, ...params).map((row) => JSON.parse(row.body) as T);
  }
}
