/**
 * Today's figures of each queue for the supervisors' feed (`today` on every `supervisorQueue`): tasks
 * that entered the queue, reservations accepted, tasks completed and canceled since midnight UTC, and
 * the service level — the share of today's accepted reservations accepted within the queue's
 * SlaThresholdSeconds (else {@link SERVICE_LEVEL_SECONDS}) of the task's creation, exactly as `GET /api/workspaces/:ws/queue-statistics`
 * (workers/api/desktop.ts) computes it with its default threshold: the TaskRouter cumulative statistics'
 * `reservations_accepted` and their `SplitByWaitTime` split (a wait of exactly the threshold is within).
 *
 * The figures come from the Router's cumulative buckets (one per minute, statistics/bucket-store.ts),
 * read through `/TaskQueues/{WQ}/CumulativeStatistics`'s own code path. To keep a flush cheap, the
 * minutes that are over are read once and kept per queue; each flush reads only what is new — usually
 * the current minute alone. Minutes never change once over (facts are recorded at the operation's
 * clock); today's minute buckets are not rolled up into hours before they are 24 h old, so the kept
 * sums stay exact. A new UTC day starts the queue's tally afresh.
 */
import type { ApiResult } from "../../common/rpc";
import type { CumulativeFigures, StatisticsWindow } from "../statistics";
import type { SupervisorToday } from "../../../contract/realtime-frames";

/** The service level's threshold, seconds: a reservation accepted within it answered in time (Flex's default, and the REST endpoint's). */
export const SERVICE_LEVEL_SECONDS = 30;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The queue's cumulative figures over a window, with the one SplitByWaitTime threshold. */
export type CumulativeReader = (
  queueSid: string,
  window: StatisticsWindow,
  splitByWaitTime: readonly number[],
) => ApiResult<CumulativeFigures>;

/** Today's counts of a queue in one region; regions' counts add up (`addTodaySums`) before {@link todayFigures}. */
export interface TodaySums {
  readonly created: number;
  readonly accepted: number;
  readonly completed: number;
  readonly canceled: number;
  readonly within: number;
  readonly after: number;
}

interface Kept {
  readonly since: number;
  /** The SplitByWaitTime the sums were read with: a queue's new SlaThresholdSeconds starts the day's tally over. */
  readonly threshold: number;
  /** The minutes in [since, through) are in `sums`; `through` is a minute boundary. */
  readonly through: number;
  readonly sums: TodaySums;
}

export const NO_TODAY: TodaySums = { created: 0, accepted: 0, completed: 0, canceled: 0, within: 0, after: 0 };

/** Midnight UTC of the day `now` falls in. */
export const midnightUtc = (now: number): number => Math.floor(now / DAY_MS) * DAY_MS;

/**
 * @example
 * const today = new TodayTally();
 * today.of("WQ…", Date.now(), (sid, window, split) => cumulativeOf(sid, window, split));
 * // { since, tasks_created: 2, tasks_accepted: 1, tasks_completed: 0, tasks_canceled: 0, service_level: 1, service_level_threshold: 30 }
 */
export class TodayTally {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly thresholdSeconds = SERVICE_LEVEL_SECONDS) {}

  /** The queue's figures for [midnight UTC, now]; null when `read` cannot read the queue. */
  of(queueSid: string, now: number, read: CumulativeReader, threshold = this.thresholdSeconds): SupervisorToday | null {
    const sums = this.sumsOf(queueSid, now, read, threshold);
    return sums && todayFigures(sums, now, threshold);
  }

  /**
   * The queue's counts for [midnight UTC, now], before they are figures: what regions add up. `threshold`
   * is the queue's service level threshold (its SlaThresholdSeconds, else the tally's default).
   */
  sumsOf(queueSid: string, now: number, read: CumulativeReader, threshold = this.thresholdSeconds): TodaySums | null {
    const since = midnightUtc(now);
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    let kept = this.kept.get(queueSid);
    if (!kept || kept.since !== since || kept.through > minute || kept.threshold !== threshold)
      kept = { since, threshold, through: since, sums: NO_TODAY };
    if (kept.through < minute) {
      const over = this.sums(read, queueSid, { startMs: kept.through, endMs: minute }, threshold);
      if (!over) return null;
      kept = { since, threshold, through: minute, sums: addTodaySums(kept.sums, over) };
      this.kept.set(queueSid, kept);
    }
    // The current minute's bucket holds nothing later than now: read it whole.
    const current = this.sums(read, queueSid, { startMs: minute, endMs: minute + MINUTE_MS }, threshold);
    return current && addTodaySums(kept.sums, current);
  }

  /** Forgets queues that no longer exist (the set is small; called with the workspace's queues). */
  retain(queueSids: readonly string[]): void {
    const keep = new Set(queueSids);
    for (const sid of this.kept.keys()) if (!keep.has(sid)) this.kept.delete(sid);
  }

  private sums(read: CumulativeReader, queueSid: string, window: StatisticsWindow, threshold: number): TodaySums | null {
    const figures = read(queueSid, window, [threshold]);
    if (!figures.ok) return null;
    const { counts, splits } = figures.value;
    return {
      created: counts.tasks_entered,
      accepted: counts.reservations_accepted,
      completed: counts.tasks_completed,
      canceled: counts.tasks_canceled,
      within: splits[0]?.acceptedBelow ?? 0,
      after: splits[0]?.acceptedAbove ?? 0,
    };
  }
}

/** Two sets of today's counts added up (two minutes, or two regions). */
export function addTodaySums(a: TodaySums, b: TodaySums): TodaySums {
  return {
    created: a.created + b.created,
    accepted: a.accepted + b.accepted,
    completed: a.completed + b.completed,
    canceled: a.canceled + b.canceled,
    within: a.within + b.within,
    after: a.after + b.after,
  };
}

/**
 * Today's counts as the feed shows them: the service level is the share answered within the threshold.
 * @example todayFigures({ created: 2, accepted: 1, completed: 0, canceled: 0, within: 1, after: 0 }, now).service_level // 1
 */
export function todayFigures(sums: TodaySums, now: number, thresholdSeconds = SERVICE_LEVEL_SECONDS): SupervisorToday {
  const answered = sums.within + sums.after;
  return {
    since: midnightUtc(now),
    tasks_created: sums.created,
    tasks_accepted: sums.accepted,
    tasks_completed: sums.completed,
    tasks_canceled: sums.canceled,
    service_level: answered === 0 ? null : sums.within / answered,
    service_level_threshold: thresholdSeconds,
  };
}
