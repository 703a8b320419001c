/**
 * The statistics of a workspace that spans regions are the sums of what each region's Router answers
 * for the same scope and window: counts add, durations combine (totals add, min of mins, max of maxes,
 * so averages come out weighted by count), the longest-waiting task is the oldest of all, and worker
 * counts per Activity add. The Worker asks every region, merges here and formats once; it also formats
 * each region's own share, Switchboard's per-region breakdown.
 *
 * Pure: plain data in, plain data out.
 */
import { mergeCumulative, mergeRealtime, mergeWorkersCumulative, type WorkerFigures } from "../statistics";
import type { TaskScopeFigures, WorkersFigures } from "./statistics-figures";

/** Adds up worker figures of the same scope (the Activities are the same in every region: one configuration). */
export function mergeWorkerFigures(parts: readonly WorkerFigures[]): WorkerFigures {
  const [first, ...rest] = parts;
  if (!first) throw new Error("mergeWorkerFigures needs at least one part");
  const sum = (pick: (part: WorkerFigures) => number | undefined) =>
    parts.some((part) => pick(part) !== undefined) ? parts.reduce((acc, part) => acc + (pick(part) ?? 0), 0) : undefined;
  const available = sum((part) => part.available);
  const eligible = sum((part) => part.eligible);
  return {
    activities: first.activities.map((activity) => ({
      ...activity,
      workers: rest.reduce((acc, part) => acc + (part.activities.find((a) => a.sid === activity.sid)?.workers ?? 0), activity.workers),
    })),
    ...(available !== undefined ? { available } : {}),
    ...(eligible !== undefined ? { eligible } : {}),
  };
}

/**
 * A workspace's, queue's or workflow's figures from every region, added up.
 * @example mergeTaskScopeFigures([usEast, euIreland]).realtime?.totalTasks // both regions' tasks
 */
export function mergeTaskScopeFigures(parts: readonly TaskScopeFigures[]): TaskScopeFigures {
  const all = <T>(pick: (part: TaskScopeFigures) => T | undefined): T[] | undefined => {
    const picked = parts.map(pick);
    return picked.every((value) => value !== undefined) ? (picked as T[]) : undefined;
  };
  const realtime = all((part) => part.realtime);
  const workers = all((part) => part.workers);
  const cumulative = all((part) => part.cumulative);
  return {
    ...(realtime ? { realtime: mergeRealtime(realtime) } : {}),
    ...(workers ? { workers: mergeWorkerFigures(workers) } : {}),
    ...(cumulative ? { cumulative: mergeCumulative(cumulative) } : {}),
  };
}

/** Workers' figures from every region, added up. */
export function mergeWorkersFigures(parts: readonly WorkersFigures[]): WorkersFigures {
  const [first] = parts;
  if (!first) throw new Error("mergeWorkersFigures needs at least one part");
  const realtime = parts.every((part) => part.realtime) ? mergeWorkerFigures(parts.map((part) => part.realtime!)) : undefined;
  const cumulative = parts.every((part) => part.cumulative) ? mergeWorkersCumulative(parts.map((part) => part.cumulative!)) : undefined;
  return { activities: first.activities, ...(realtime ? { realtime } : {}), ...(cumulative ? { cumulative } : {}) };
}
