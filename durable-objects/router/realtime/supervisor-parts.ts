/**
 * What the Routers of one workspace tell each other for the supervisors' feed, and how the Router that
 * holds the supervisors' sockets adds the regions up. A region sends its share as figures, not as the
 * feed's finished queue rows, so the holder sums them the way `/TaskQueues/{WQ}/Statistics` sums
 * regions (lifecycle/figures-across-regions.ts: counts add, the longest wait is the oldest task of all)
 * and today's counts add before the service level is worked out (a share cannot be added). A worker is
 * in one region only, so workers need no summing: the holder keeps each region's as they came.
 *
 * Pure: plain data in, plain data out.
 */
import type { SupervisorQueue, SupervisorWorker } from "../../../contract/realtime-frames";
import { mergeRealtime, queueRealtimeBody, type RealtimeFigures, type WorkerFigures } from "../statistics";
import { mergeWorkerFigures } from "../lifecycle/figures-across-regions";
import { nameKey } from "../store/worker-store";
import { addTodaySums, NO_TODAY, SERVICE_LEVEL_SECONDS, todayFigures, type TodaySums } from "./supervisor-today";
import { queueTiles, type DeskThresholds } from "./supervisor-tiles";

/** One region's share of a task queue's figures. */
export interface QueuePart {
  readonly sid: string;
  readonly friendly_name: string;
  readonly realtime: RealtimeFigures;
  readonly workers: WorkerFigures;
  readonly today: TodaySums;
}

/** One region's share of the feed, as its Router sends it to the Router holding supervisors' sockets. */
export interface RegionFrame {
  readonly region: string;
  /** Numbered per holder, from 1: the holder applies n after n − 1 and asks for a full frame at a gap. */
  readonly seq: number;
  /** Everything the region has (every worker, every queue's share): it replaces what the holder kept of it. */
  readonly full: boolean;
  readonly queues: readonly QueuePart[];
  readonly workers: readonly SupervisorWorker[];
  readonly removed_worker_sids: readonly string[];
}

/** The service level threshold of a queue (its SlaThresholdSeconds, else 30 s): every region reads its share with it. */
export const serviceLevelSeconds = (queue: Partial<DeskThresholds> | undefined): number =>
  queue?.sla_threshold_seconds ?? SERVICE_LEVEL_SECONDS;

/**
 * A queue's row of the feed from every region's share of it (at least one), with its tiles against the
 * queue record's thresholds (`queue`: the holder's configuration of it).
 * @example mergeQueueParts([usEast, euIreland], now, queue).total_tasks // both regions' tasks
 */
export function mergeQueueParts(parts: readonly QueuePart[], now: number, queue?: Partial<DeskThresholds>): SupervisorQueue {
  const [first] = parts;
  if (!first) throw new Error("mergeQueueParts needs at least one part");
  const realtime = parts.length === 1 ? first.realtime : mergeRealtime(parts.map((part) => part.realtime));
  const workers = parts.length === 1 ? first.workers : mergeWorkerFigures(parts.map((part) => part.workers));
  const body = queueRealtimeBody(realtime, workers, now);
  const today = todayFigures(
    parts.reduce((sum, part) => addTodaySums(sum, part.today), NO_TODAY),
    now,
    serviceLevelSeconds(queue),
  );
  const figures = { tasks_by_status: body.tasks_by_status, longest_task_waiting_age: body.longest_task_waiting_age, today };
  return {
    sid: first.sid,
    friendly_name: first.friendly_name,
    tasks_by_status: body.tasks_by_status,
    total_tasks: body.total_tasks,
    longest_task_waiting_age: body.longest_task_waiting_age,
    longest_task_waiting_sid: body.longest_task_waiting_sid,
    total_available_workers: body.total_available_workers,
    total_eligible_workers: body.total_eligible_workers,
    activity_statistics: body.activity_statistics,
    today,
    ...queueTiles(figures, queue),
  };
}

/** The order of a Teams view: by name ignoring case (as each Router's `name_key`), then SID (names may repeat across regions). */
export const byWorkerName = (a: SupervisorWorker, b: SupervisorWorker): number => {
  const [x, y] = [nameKey(a.friendly_name), nameKey(b.friendly_name)];
  return x < y ? -1 : x > y ? 1 : a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0;
};
