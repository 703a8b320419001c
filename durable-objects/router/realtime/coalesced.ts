/**
 * At most one flush a second of a live feed's changes (the supervisors' deltas, the agents'
 * `queues.waiting`): a change that comes at least the interval after the last flush goes at once;
 * otherwise what it touched (queue or worker SIDs) is kept as rows of the feed's kind in sb_timers, all
 * due at the last flush + the interval, so the one alarm flushes them together and the set survives
 * hibernation and eviction (no setTimeout, which would keep the object awake). The last flush's time is
 * the object's memory only: after a restart the next change goes at once.
 *
 * @example
 * const coalesced = new Coalesced(host, "supervisor-flush", 1000);
 * if (coalesced.goesNow(["WQ…"], now)) flush(…); // else kept for the alarm
 * const due = coalesced.takeDue(now); // from the alarm: the SIDs kept, or null
 */
import { rows, run, type StoreHost } from "../../kit/sql-host";
import { setTimer } from "../../kit/timers";

export class Coalesced {
  private lastFlush = 0;

  constructor(
    private readonly host: StoreHost,
    private readonly kind: string,
    private readonly intervalMs: number,
  ) {}

  /** Whether a change touching `sids` is flushed now (counted as the flush); if not, they are kept for the alarm. */
  goesNow(sids: Iterable<string>, now: number): boolean {
    if (now - this.lastFlush >= this.intervalMs) {
      this.lastFlush = now;
      return true;
    }
    const dueAt = this.lastFlush + this.intervalMs;
    this.host.transactionSync(() => {
      for (const sid of sids) setTimer(this.host, this.kind, sid, dueAt);
    });
    return false;
  }

  /** From the alarm: the SIDs kept, taken (and the flush counted) once they are due; null before, or when none are kept. */
  takeDue(now: number): string[] | null {
    const pending = rows<{ sid: string; due_at: number }>(this.host, "SELECT sid, due_at FROM sb_timers WHERE kind = ?", this.kind);
    if (pending.length === 0 || !pending.some((row) => Number(row.due_at) <= now)) return null;
    run(this.host, "DELETE FROM sb_timers WHERE kind = ?", this.kind);
    this.lastFlush = now;
    return pending.map((row) => row.sid);
  }
}
