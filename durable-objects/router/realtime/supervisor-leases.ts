/**
 * A Router's subscribers: the Routers of its workspace's other regions that hold supervisors' sockets
 * and asked for this region's share of the feed. One row per holder region with the lease's expiry and
 * the number of the last frame sent to it. A holder renews its lease from its alarm well before it
 * lapses; a lapsed lease is skipped (and its row kept, so the numbers never start over: a holder that
 * comes back with an old number gets a full frame). The rows are read once into memory — they are asked
 * after every committed operation — and written through. Table: `sb_supervisor_leases` (store/schema.ts, migration 6).
 */
import { rows, run, type StoreHost } from "../../kit/sql-host";

/** How long a lease lasts unless renewed; holders renew every {@link LEASE_RENEW_MS}. */
export const LEASE_MS = 30_000;
/** A third of the lease: two renewals may fail before a live holder loses this region's frames. */
export const LEASE_RENEW_MS = 10_000;

interface Lease {
  expiresAt: number;
  seq: number;
}

export class SupervisorLeases {
  private cache: Map<string, Lease> | null = null;

  constructor(private readonly host: StoreHost) {}

  /** Starts or renews `holder`'s lease; answers the number of the last frame sent to it (0: none yet). */
  renew(holder: string, now: number): number {
    const lease = this.leases().get(holder) ?? { expiresAt: 0, seq: 0 };
    lease.expiresAt = now + LEASE_MS;
    this.save(holder, lease);
    return lease.seq;
  }

  /** The holders whose lease runs at `now`. */
  live(now: number): string[] {
    return [...this.leases()].filter(([, lease]) => lease.expiresAt > now).map(([holder]) => holder);
  }

  /** The next frame's number for `holder`, stored before the frame goes. */
  next(holder: string): number {
    const lease = this.leases().get(holder);
    if (!lease) throw new Error(`no lease for ${holder}`);
    lease.seq += 1;
    this.save(holder, lease);
    return lease.seq;
  }

  /** The holder said it has no supervisors left: its lease ends now. */
  drop(holder: string): void {
    const lease = this.leases().get(holder);
    if (!lease) return;
    lease.expiresAt = 0;
    this.save(holder, lease);
  }

  private leases(): Map<string, Lease> {
    this.cache ??= new Map(
      rows<{ holder: string; expires_at: number; seq: number }>(this.host, "SELECT holder, expires_at, seq FROM sb_supervisor_leases").map(
        (row) => [row.holder, { expiresAt: Number(row.expires_at), seq: Number(row.seq) }],
      ),
    );
    return this.cache;
  }

  private save(holder: string, lease: Lease): void {
    this.cache?.set(holder, lease);
    run(
      this.host,
      "INSERT OR REPLACE INTO sb_supervisor_leases (holder, expires_at, seq) VALUES (?, ?, ?)",
      holder,
      lease.expiresAt,
      lease.seq,
    );
  }
}
