/**
 * What every supervisor already has, so that a delta carries only what changed: each queue's row as
 * the last frame left it and the team's tiles. A delta's queue names its SID and only the fields that
 * differ from that row — of an object field (`tasks_by_status`, `today`, `thresholds`, `crossed`: each
 * has a fixed set of keys) only the keys that differ; an array whole. The tiles go only when they
 * differ. The desktop folds a delta's row onto the row it has, objects one level deep
 * (web/desktop/src/app/supervisor/feed.ts), so it ends with exactly the full row it used to be sent.
 *
 * Kept in memory only, and only as long as it is true of every supervisor that has had its snapshot:
 * what is not known is sent whole. A snapshot, built later than the deltas the others had, can differ
 * from what they have; where it does, that queue (or the tiles) is forgotten, so the next delta sends it
 * whole to everyone. After an eviction or hibernation nothing is known and the first delta is whole —
 * which is what every delta was before (1,000 supervisors, one change: a frame of 1.2 KB → ~0.4 KB,
 * compressed and sent a thousand times).
 */
import type { SupervisorQueue, SupervisorQueueChange, SupervisorTeam } from "../../../contract/realtime-frames";
import { isRecord } from "../../../contract/is-record";

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);
const sameKeys = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((key) => key in b);

/** The keys of `now` whose values differ from `had`'s (each compared whole). */
function changedKeys(now: Record<string, unknown>, had: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(now).filter(([key, value]) => !same(value, had[key])));
}

export class SentToSupervisors {
  private readonly queues = new Map<string, SupervisorQueue>();
  /** Undefined: not known. */
  private team: SupervisorTeam | undefined;

  /**
   * The rows of a delta to every supervisor with a snapshot: each with only what differs from what they
   * have (whole when that is not known); remembered as what they have now.
   * @example sent.queueChanges([support]) // [{ sid: "WQ…", tasks_by_status: { pending: 3 }, total_tasks: 3, waiting: 1 }]
   */
  queueChanges(rows: readonly SupervisorQueue[]): SupervisorQueueChange[] {
    return rows.map((row) => {
      const had = this.queues.get(row.sid);
      this.queues.set(row.sid, row);
      if (!had) return row;
      const before = had as Record<string, unknown>;
      // A field (or an object's key) the new row no longer has cannot be said by leaving it out: the row goes whole.
      if (!sameKeys(row, before)) return row;
      const change: Record<string, unknown> = { sid: row.sid };
      for (const [key, value] of Object.entries(changedKeys(row, before))) {
        const old = before[key];
        if (!isRecord(value) || !isRecord(old)) change[key] = value;
        else if (sameKeys(value, old)) change[key] = changedKeys(value, old);
        else return row;
      }
      return change as SupervisorQueueChange;
    });
  }

  /**
   * The team's tiles for a delta: undefined when every supervisor has these already (the desktop keeps
   * what it has when a delta carries none).
   * @example sent.teamChange(team) // team the first time, then undefined until it changes
   */
  teamChange(team: SupervisorTeam): SupervisorTeam | undefined {
    const had = this.team;
    this.team = team;
    return had !== undefined && same(had, team) ? undefined : team;
  }

  /**
   * A snapshot went to a socket: what it says differently from what the others have is no longer known
   * of every supervisor (sent whole next time); queues it does not list are forgotten.
   * @example sent.snapshotSent(frame.queues, frame.team)
   */
  snapshotSent(rows: readonly SupervisorQueue[], team: SupervisorTeam): void {
    const listed = new Map(rows.map((row) => [row.sid, row]));
    for (const [sid, had] of this.queues) if (!same(had, listed.get(sid))) this.queues.delete(sid);
    if (this.team !== undefined && !same(this.team, team)) this.team = undefined;
  }

  /** Nothing is known (no supervisor left, say): the next delta is whole. */
  forget(): void {
    this.queues.clear();
    this.team = undefined;
  }
}
