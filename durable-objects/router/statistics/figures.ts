/**
 * The cumulative figures a fetch returns before they are formatted as Twilio JSON: counters, wait
 * durations kept as count/total/min/max in milliseconds, and SplitByWaitTime counts. They are plain
 * data that add up exactly, so the Router DOs of several regions can each answer for their share and
 * the Worker merges them (`mergeCumulative`) before formatting; averages are taken only at the end.
 */
import type { ReservationOutcome } from "./facts";

/** Task counters, named as Twilio's cumulative statistics name them. */
export const TASK_COUNTERS = [
  "tasks_created",
  "tasks_entered",
  "tasks_canceled",
  "tasks_completed",
  "tasks_deleted",
  "tasks_moved",
  "tasks_timed_out_in_workflow",
] as const;

export const RESERVATION_COUNTERS = [
  "reservations_created",
  "reservations_accepted",
  "reservations_rejected",
  "reservations_timed_out",
  "reservations_canceled",
  "reservations_rescinded",
] as const;

export const COUNTERS = [...TASK_COUNTERS, ...RESERVATION_COUNTERS] as const;
export type Counter = (typeof COUNTERS)[number];
export type ReservationCounter = (typeof RESERVATION_COUNTERS)[number];

export const RESERVATION_COUNTER: Readonly<Record<ReservationOutcome, ReservationCounter>> = {
  created: "reservations_created",
  accepted: "reservations_accepted",
  rejected: "reservations_rejected",
  timeout: "reservations_timed_out",
  canceled: "reservations_canceled",
  rescinded: "reservations_rescinded",
};

/** Wait durations: from task creation to acceptance or cancellation, and from queue entry to acceptance. */
export const WAITS = ["wait_duration_until_accepted", "wait_duration_until_canceled", "wait_duration_in_queue_until_accepted"] as const;
export type Wait = (typeof WAITS)[number];

export interface DurationFigures {
  readonly count: number;
  readonly totalMs: number;
  /** Null when `count` is 0. */
  readonly minMs: number | null;
  readonly maxMs: number | null;
}

/** One SplitByWaitTime threshold: tasks canceled and reservations accepted within it (below) or after it (above). */
export interface SplitFigures {
  /** Whole seconds. A wait of exactly the threshold counts as below. */
  readonly threshold: number;
  readonly canceledBelow: number;
  readonly canceledAbove: number;
  readonly acceptedBelow: number;
  readonly acceptedAbove: number;
}

export interface CumulativeFigures {
  /** The window, epoch ms, as reported in `start_time` / `end_time`. */
  readonly startMs: number;
  readonly endMs: number;
  readonly counts: Readonly<Record<Counter, number>>;
  readonly waits: Readonly<Record<Wait, DurationFigures>>;
  /** In ascending threshold order; empty without SplitByWaitTime. */
  readonly splits: readonly SplitFigures[];
}

export interface WorkersCumulativeFigures {
  readonly startMs: number;
  readonly endMs: number;
  readonly reservations: Readonly<Record<ReservationCounter, number>>;
  /** Activity SID → the stints in it that ended in the window. */
  readonly activities: Readonly<Record<string, DurationFigures>>;
}

/** Work done answering fetches, so tests can prove a fetch does not grow with the number of tasks. */
export interface WorkMeter {
  /** Stored bucket rows read. */
  rowsRead: number;
  /** In-memory entries looked at: status counters, priorities, ordered-set heads. */
  entriesVisited: number;
}

export const NO_DURATION: DurationFigures = { count: 0, totalMs: 0, minMs: null, maxMs: null };

export function zeroCounts<K extends string>(names: readonly K[]): Record<K, number> {
  return Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
}

/** Both sets of durations as one. */
export function mergeDurations(a: DurationFigures, b: DurationFigures): DurationFigures {
  return {
    count: a.count + b.count,
    totalMs: a.totalMs + b.totalMs,
    minMs: a.minMs === null ? b.minMs : b.minMs === null ? a.minMs : Math.min(a.minMs, b.minMs),
    maxMs: a.maxMs === null ? b.maxMs : b.maxMs === null ? a.maxMs : Math.max(a.maxMs, b.maxMs),
  };
}

/**
 * Adds up the cumulative figures of the same scope and window from several Router DOs (regions).
 *
 * @example
 * mergeCumulative([usEast, euFrankfurt]).counts.tasks_created // the sum of both
 */
export function mergeCumulative(parts: readonly CumulativeFigures[]): CumulativeFigures {
  const [first, ...rest] = parts;
  if (!first) throw new Error("mergeCumulative needs at least one part");
  return rest.reduce<CumulativeFigures>(
    (acc, part) => ({
      startMs: acc.startMs,
      endMs: acc.endMs,
      counts: addCounts(acc.counts, part.counts, COUNTERS),
      waits: Object.fromEntries(WAITS.map((w) => [w, mergeDurations(acc.waits[w], part.waits[w])])) as Record<Wait, DurationFigures>,
      splits: acc.splits.map((split, i) => {
        const other = part.splits[i];
        if (other?.threshold !== split.threshold) throw new Error("mergeCumulative: parts were fetched with different SplitByWaitTime");
        return {
          threshold: split.threshold,
          canceledBelow: split.canceledBelow + other.canceledBelow,
          canceledAbove: split.canceledAbove + other.canceledAbove,
          acceptedBelow: split.acceptedBelow + other.acceptedBelow,
          acceptedAbove: split.acceptedAbove + other.acceptedAbove,
        };
      }),
    }),
    first,
  );
}

/** Adds up the worker figures of the same selection and window from several Router DOs. */
export function mergeWorkersCumulative(parts: readonly WorkersCumulativeFigures[]): WorkersCumulativeFigures {
  const [first, ...rest] = parts;
  if (!first) throw new Error("mergeWorkersCumulative needs at least one part");
  return rest.reduce<WorkersCumulativeFigures>((acc, part) => {
    const activities: Record<string, DurationFigures> = { ...acc.activities };
    for (const [sid, d] of Object.entries(part.activities)) activities[sid] = mergeDurations(activities[sid] ?? NO_DURATION, d);
    return {
      startMs: acc.startMs,
      endMs: acc.endMs,
      reservations: addCounts(acc.reservations, part.reservations, RESERVATION_COUNTERS),
      activities,
    };
  }, first);
}

function addCounts<K extends string>(
  a: Readonly<Record<K, number>>,
  b: Readonly<Record<K, number>>,
  names: readonly K[],
): Record<K, number> {
  return Object.fromEntries(names.map((name) => [name, a[name] + b[name]])) as Record<K, number>;
}
