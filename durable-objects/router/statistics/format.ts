/**
 * Statistics figures as the bodies of Twilio's statistics JSON (snake_case, without ids — resources.ts
 * adds them — and without `url`, which only the Worker can build). Field sets follow the `*_statistics`
 * schemas of Twilio's TaskRouter v1 OpenAPI document. Worker counts come from the matcher (`workerFigures`), task figures
 * from `TaskRouterStatistics` (merged across regions when there are several).
 *
 * Units: ages, durations and `avg_task_acceptance_time` are seconds. `min`, `max`, `total` and
 * `avg_task_acceptance_time` are whole seconds; `avg` keeps two decimals (10, 20 and 40 s → 23.33).
 */
import { iso, type TaskStatus } from "../../../contract/taskrouter";
import {
  NO_DURATION,
  type CumulativeFigures,
  type DurationFigures,
  type ReservationCounter,
  type WorkersCumulativeFigures,
} from "./figures";
import type { OldestTask, RealtimeFigures } from "./realtime";

export interface StatisticsIds {
  readonly accountSid: string;
  readonly workspaceSid: string;
}

export interface ActivityRef {
  readonly sid: string;
  readonly friendlyName: string;
}

/** What the matcher knows about workers, for real-time figures. */
export interface WorkerFigures {
  /** Every Activity of the workspace, in the order to report, with the workers in it. */
  readonly activities: readonly (ActivityRef & { readonly workers: number })[];
  /** Queues: members whose Activity is available, busy or not. */
  readonly available?: number;
  /** Queues: members, whatever their Activity. */
  readonly eligible?: number;
}

/**
 * A queue's worker figures from the matcher's `skip_if` counters.
 *
 * @example
 * workerFigures(engine.matcher.counters(queueSid), activities) // { available, eligible, activities }
 */
export function workerFigures(counters: (name: string) => number | undefined, activities: readonly ActivityRef[]): WorkerFigures {
  const available = counters("available") ?? 0;
  return {
    available,
    eligible: available + (counters("unavailable") ?? 0),
    activities: activities.map((a) => ({ ...a, workers: counters(a.sid) ?? 0 })),
  };
}

export interface WaitDuration {
  avg: number;
  min: number;
  max: number;
  total: number;
}

export interface ActivityStatistic {
  sid: string;
  friendly_name: string;
  workers: number;
}

export interface ActivityDuration extends WaitDuration {
  sid: string;
  friendly_name: string;
}

export interface SplitCounts {
  tasks_canceled: number;
  reservations_accepted: number;
}

export type SplitByWaitTime = Record<string, { above: SplitCounts; below: SplitCounts }>;

interface TaskRealtimeBody {
  longest_task_waiting_age: number;
  longest_task_waiting_sid: string | null;
  tasks_by_priority: Record<string, number>;
  tasks_by_status: Record<TaskStatus, number>;
  total_tasks: number;
}

export interface WorkspaceRealtimeBody extends TaskRealtimeBody {
  activity_statistics: ActivityStatistic[];
  total_workers: number;
}

export interface QueueRealtimeBody extends TaskRealtimeBody {
  activity_statistics: ActivityStatistic[];
  longest_relative_task_age_in_queue: number;
  longest_relative_task_sid_in_queue: string | null;
  total_available_workers: number;
  total_eligible_workers: number;
}

export type WorkflowRealtimeBody = TaskRealtimeBody;

export interface WorkersRealtimeBody {
  activity_statistics: ActivityStatistic[];
  total_workers: number;
}

type ReservationCounts = Record<ReservationCounter, number>;

interface TaskCumulativeBody extends ReservationCounts {
  start_time: string;
  end_time: string;
  avg_task_acceptance_time: number;
  tasks_canceled: number;
  tasks_completed: number;
  tasks_deleted: number;
  tasks_moved: number;
  wait_duration_until_accepted: WaitDuration;
  wait_duration_until_canceled: WaitDuration;
  split_by_wait_time: SplitByWaitTime | null;
}

export interface WorkspaceCumulativeBody extends TaskCumulativeBody {
  tasks_created: number;
  tasks_timed_out_in_workflow: number;
}

export interface WorkflowCumulativeBody extends TaskCumulativeBody {
  tasks_entered: number;
  tasks_timed_out_in_workflow: number;
}

export interface QueueCumulativeBody extends TaskCumulativeBody {
  tasks_entered: number;
  wait_duration_in_queue_until_accepted: WaitDuration;
}

export interface WorkersCumulativeBody extends ReservationCounts {
  start_time: string;
  end_time: string;
  activity_durations: ActivityDuration[];
}

// ── the bodies, without ids: what /Statistics nests under `realtime` and `cumulative` ──────────────

export function workspaceRealtimeBody(figures: RealtimeFigures, workers: WorkerFigures, now: number): WorkspaceRealtimeBody {
  const activity_statistics = activityStatistics(workers);
  return { ...taskRealtime(figures, now), activity_statistics, total_workers: activity_statistics.reduce((n, a) => n + a.workers, 0) };
}

export function queueRealtimeBody(figures: RealtimeFigures, workers: WorkerFigures, now: number): QueueRealtimeBody {
  return {
    ...taskRealtime(figures, now),
    activity_statistics: activityStatistics(workers),
    longest_relative_task_age_in_queue: age(figures.longestInQueue, now),
    longest_relative_task_sid_in_queue: figures.longestInQueue?.sid ?? null,
    total_available_workers: workers.available ?? 0,
    total_eligible_workers: workers.eligible ?? 0,
  };
}

export function workflowRealtimeBody(figures: RealtimeFigures, now: number): WorkflowRealtimeBody {
  return taskRealtime(figures, now);
}

export function workersRealtimeBody(workers: WorkerFigures): WorkersRealtimeBody {
  const activity_statistics = activityStatistics(workers);
  return { activity_statistics, total_workers: activity_statistics.reduce((n, a) => n + a.workers, 0) };
}

export function workspaceCumulativeBody(figures: CumulativeFigures): WorkspaceCumulativeBody {
  const { counts } = figures;
  return {
    ...taskCumulative(figures),
    tasks_created: counts.tasks_created,
    tasks_timed_out_in_workflow: counts.tasks_timed_out_in_workflow,
  };
}

export function workflowCumulativeBody(figures: CumulativeFigures): WorkflowCumulativeBody {
  const { counts } = figures;
  return {
    ...taskCumulative(figures),
    tasks_entered: counts.tasks_entered,
    tasks_timed_out_in_workflow: counts.tasks_timed_out_in_workflow,
  };
}

export function queueCumulativeBody(figures: CumulativeFigures): QueueCumulativeBody {
  return {
    ...taskCumulative(figures),
    tasks_entered: figures.counts.tasks_entered,
    wait_duration_in_queue_until_accepted: waitDuration(figures.waits.wait_duration_in_queue_until_accepted),
  };
}

/** `activities` lists every Activity of the workspace: one without stints reports zeros. */
export function workersCumulativeBody(figures: WorkersCumulativeFigures, activities: readonly ActivityRef[]): WorkersCumulativeBody {
  return {
    start_time: iso(figures.startMs),
    end_time: iso(figures.endMs),
    ...figures.reservations,
    activity_durations: activities.map((a) => ({
      sid: a.sid,
      friendly_name: a.friendlyName,
      ...waitDuration(figures.activities[a.sid] ?? NO_DURATION),
    })),
  };
}

// ── pieces ─────────────────────────────────────────────────────────────────────────────────────────

function taskRealtime(figures: RealtimeFigures, now: number): TaskRealtimeBody {
  return {
    longest_task_waiting_age: age(figures.longestWaiting, now),
    longest_task_waiting_sid: figures.longestWaiting?.sid ?? null,
    tasks_by_priority: { ...figures.tasksByPriority },
    tasks_by_status: { ...figures.tasksByStatus },
    total_tasks: figures.totalTasks,
  };
}

function taskCumulative(figures: CumulativeFigures): TaskCumulativeBody {
  const { counts, waits } = figures;
  const accepted = waits.wait_duration_until_accepted;
  return {
    start_time: iso(figures.startMs),
    end_time: iso(figures.endMs),
    avg_task_acceptance_time: accepted.count === 0 ? 0 : Math.round(accepted.totalMs / accepted.count / 1000),
    tasks_canceled: counts.tasks_canceled,
    tasks_completed: counts.tasks_completed,
    tasks_deleted: counts.tasks_deleted,
    tasks_moved: counts.tasks_moved,
    reservations_created: counts.reservations_created,
    reservations_accepted: counts.reservations_accepted,
    reservations_rejected: counts.reservations_rejected,
    reservations_timed_out: counts.reservations_timed_out,
    reservations_canceled: counts.reservations_canceled,
    reservations_rescinded: counts.reservations_rescinded,
    wait_duration_until_accepted: waitDuration(accepted),
    wait_duration_until_canceled: waitDuration(waits.wait_duration_until_canceled),
    split_by_wait_time: splitByWaitTime(figures),
  };
}

/** Null when no thresholds were asked for, as Twilio's schema allows. */
function splitByWaitTime(figures: CumulativeFigures): SplitByWaitTime | null {
  if (figures.splits.length === 0) return null;
  const out: SplitByWaitTime = {};
  for (const s of figures.splits) {
    out[String(s.threshold)] = {
      above: { tasks_canceled: s.canceledAbove, reservations_accepted: s.acceptedAbove },
      below: { tasks_canceled: s.canceledBelow, reservations_accepted: s.acceptedBelow },
    };
  }
  return out;
}

function waitDuration(d: DurationFigures): WaitDuration {
  if (d.count === 0) return { avg: 0, min: 0, max: 0, total: 0 };
  return {
    avg: Math.round(d.totalMs / d.count / 10) / 100,
    min: Math.round((d.minMs ?? 0) / 1000),
    max: Math.round((d.maxMs ?? 0) / 1000),
    total: Math.round(d.totalMs / 1000),
  };
}

function activityStatistics(workers: WorkerFigures): ActivityStatistic[] {
  return workers.activities.map((a) => ({ sid: a.sid, friendly_name: a.friendlyName, workers: a.workers }));
}

/** Whole seconds since `since`, never negative. */
function age(task: OldestTask | null, now: number): number {
  return task ? Math.max(0, Math.floor((now - task.since) / 1000)) : 0;
}
