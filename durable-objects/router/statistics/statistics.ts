/**
 * TaskRouter statistics for one Router DO, kept incrementally: the DO records a fact for every task,
 * reservation and worker transition (`record`), and each fetch reads counters and time buckets —
 * never the tasks. Real-time figures live in memory (rebuilt with `loadTask` after an eviction);
 * cumulative ones in `sb_stats_*` tables through the DO's `sql`, so they survive eviction as they are.
 *
 * What each fact counts, and where (the task's workspace, workflow and current queue; a reservation
 * also in its worker's figures):
 * - `task.created` → `tasks_created` (workspace) and `tasks_entered` (workflow);
 *   `task.queue-entered` → `tasks_entered` (queue); `task.queue-left` "moved" → `tasks_moved`;
 *   `task.workflow-timeout` → `tasks_timed_out_in_workflow`; `task.deleted` by the API → `tasks_deleted`.
 * - status `canceled` → `tasks_canceled` and a wait until canceled (from creation); `completed` →
 *   `tasks_completed`.
 * - reservations → `reservations_<outcome>`; `accepted` also adds a wait until accepted (from
 *   creation, so a transfer counts from the original creation, as Twilio says) and in the queue (from
 *   queue entry). SplitByWaitTime uses the wait from creation.
 * - `worker.activity-ended` → one stint of the Activity for everyone, the worker's queues and the worker.
 * Facts about a task the module does not know (never created here, or already deleted) are ignored.
 */
import type { SqlExec } from "../../kit/sql-host";
import { BucketStore, HOUR_MS, MINUTE_MS, minuteRange, type BucketDelta, type WaitOutcome } from "./bucket-store";
import type { LiveTask, StatisticsFact } from "./facts";
import {
  RESERVATION_COUNTER,
  RESERVATION_COUNTERS,
  type CumulativeFigures,
  type ReservationCounter,
  type WorkersCumulativeFigures,
  type WorkMeter,
} from "./figures";
import { RealtimeBoard, type RealtimeFigures, type TaskScope } from "./realtime";
import { RETENTION_MS, type StatisticsWindow } from "./window";

export interface StatisticsOptions {
  /** How long minute buckets are kept before whole hours are rolled up (default 24 h). */
  readonly minuteRetentionMs?: number;
  /** How long any bucket is kept (default 30 days, as Twilio). */
  readonly retentionMs?: number;
}

const DEFAULTS = { minuteRetentionMs: 24 * HOUR_MS, retentionMs: RETENTION_MS } satisfies Required<StatisticsOptions>;

/** Which workers' cumulative figures: everyone, a queue's members, or a list (one worker, a name filter). */
export type WorkerSelection =
  | { readonly kind: "all" }
  | { readonly kind: "queue"; readonly sid: string }
  | { readonly kind: "workers"; readonly sids: readonly string[] };

export interface CumulativeOptions {
  /** The TaskChannel filter, resolved to the key facts use for channels; all channels when absent. */
  readonly channel?: string;
  /** Whole seconds, ascending (`parseSplitByWaitTime`). */
  readonly splitByWaitTime?: readonly number[];
}

const WORKSPACE = "workspace";
const ALL_WORKERS = "workers";

/**
 * @example
 * const stats = new TaskRouterStatistics(ctx.storage.sql);
 * stats.record({ type: "task.created", at: now, taskSid, workflowSid, channel: "voice", priority: 0 });
 * stats.realtime({ kind: "workspace" }).tasksByStatus.pending; // 1
 */
export class TaskRouterStatistics {
  /** Work done by fetches so far (rows read, entries visited). */
  readonly meter: WorkMeter = { rowsRead: 0, entriesVisited: 0 };
  private readonly board = new RealtimeBoard();
  private readonly store: BucketStore;
  private readonly options: Required<StatisticsOptions>;
  /** The hour of the last roll-up; -1 = not yet since this instance started. */
  private maintainedHour = -1;

  constructor(sql: SqlExec, options: StatisticsOptions = {}) {
    this.store = new BucketStore(sql, this.meter);
    this.options = { ...DEFAULTS, ...options };
  }

  /** Puts back a task known before an eviction, from the Router DO's stored row. Records nothing. */
  loadTask(task: LiveTask): void {
    this.board.upsert(task);
  }

  /** The live tasks as `loadTask` takes them. */
  liveTasks(): LiveTask[] {
    return this.board.all();
  }

  record(fact: StatisticsFact): void {
    this.recordAll([fact]);
  }

  /** Records an operation's facts in order, storing what they add to each bucket in one statement. */
  recordAll(facts: readonly StatisticsFact[]): void {
    for (const fact of facts) this.apply(fact);
    this.store.flush();
  }

  private apply(fact: StatisticsFact): void {
    this.maintain(fact.at);
    if (fact.type === "worker.activity-ended") {
      const duration = Math.max(0, fact.at - fact.since);
      for (const scope of [ALL_WORKERS, ...fact.queueSids, fact.workerSid]) this.store.addStint(scope, fact.activitySid, fact.at, duration);
      return;
    }
    if (fact.type === "task.created") {
      if (this.board.get(fact.taskSid)) return;
      const task: LiveTask = {
        sid: fact.taskSid,
        workflowSid: fact.workflowSid,
        queueSid: null,
        channel: fact.channel,
        priority: fact.priority,
        status: "pending",
        createdAt: fact.at,
        queueEnteredAt: null,
      };
      this.board.upsert(task);
      if (!fact.arrived) this.add(task, fact.at, { counts: { tasks_created: 1, tasks_entered: 1 } });
      return;
    }
    const task = this.board.get(fact.taskSid);
    if (!task) return;
    switch (fact.type) {
      case "task.queue-entered":
        this.board.upsert({ ...task, queueSid: fact.queueSid, queueEnteredAt: fact.at });
        this.store.add(fact.queueSid, task.channel, fact.at, { counts: { tasks_entered: 1 } });
        return;
      case "task.queue-left":
        if (task.queueSid === null) return;
        if (fact.reason === "moved") this.add(task, fact.at, { counts: { tasks_moved: 1 } });
        this.board.upsert({ ...task, queueSid: null, queueEnteredAt: null });
        return;
      case "task.workflow-timeout":
        this.add(task, fact.at, { counts: { tasks_timed_out_in_workflow: 1 } });
        return;
      case "task.status-changed":
        if (fact.status === task.status) return;
        if (fact.status === "canceled") this.finish(task, fact.at, "canceled");
        if (fact.status === "completed") this.add(task, fact.at, { counts: { tasks_completed: 1 } });
        this.board.upsert({ ...task, status: fact.status });
        return;
      case "task.updated":
        this.board.upsert({ ...task, priority: fact.priority ?? task.priority, channel: fact.channel ?? task.channel });
        return;
      case "task.deleted":
        if (fact.by === "api") this.add(task, fact.at, { counts: { tasks_deleted: 1 } });
        this.board.remove(task.sid);
        return;
      case "reservation": {
        const counter = RESERVATION_COUNTER[fact.outcome];
        this.store.add(fact.workerSid, task.channel, fact.at, { counts: { [counter]: 1 } });
        if (fact.outcome === "accepted") this.finish(task, fact.at, "accepted");
        else this.add(task, fact.at, { counts: { [counter]: 1 } });
        return;
      }
      default: {
        const never: never = fact;
        throw new Error(`unhandled statistics fact ${JSON.stringify(never)}`);
      }
    }
  }

  /** Real-time task figures of a scope, over all channels or one (the key facts use for channels). */
  realtime(scope: TaskScope, channel?: string): RealtimeFigures {
    return this.board.figures(scope, channel, this.meter);
  }

  cumulative(scope: TaskScope, window: StatisticsWindow, options: CumulativeOptions = {}): CumulativeFigures {
    const key = scope.kind === "workspace" ? WORKSPACE : scope.sid;
    const range = minuteRange(window.startMs, window.endMs);
    const { counts, waits } = this.store.sums([key], range, options.channel);
    const splits = this.store.splits([key], range, options.splitByWaitTime ?? [], options.channel);
    return { startMs: window.startMs, endMs: window.endMs, counts, waits, splits };
  }

  /**
   * Reservations and Activity stints of a selection of workers. A queue's reservations are those of
   * its tasks; its stints those of the workers who were members when the stint ended. A list of
   * workers costs one read per worker.
   */
  workersCumulative(selection: WorkerSelection, window: StatisticsWindow, channel?: string): WorkersCumulativeFigures {
    const range = minuteRange(window.startMs, window.endMs);
    const [taskScopes, stintScopes] =
      selection.kind === "all"
        ? [[WORKSPACE], [ALL_WORKERS]]
        : selection.kind === "queue"
          ? [[selection.sid], [selection.sid]]
          : [selection.sids, selection.sids];
    const { counts } = this.store.sums(taskScopes, range, channel);
    const reservations = Object.fromEntries(RESERVATION_COUNTERS.map((c) => [c, counts[c]])) as Record<ReservationCounter, number>;
    return { startMs: window.startMs, endMs: window.endMs, reservations, activities: this.store.stints(stintScopes, range) };
  }

  /**
   * Rolls minute buckets older than the minute retention up into hours and drops buckets older than
   * the retention. `record` does this itself on the first fact of each hour; a DO that records nothing
   * for days may also call it from its alarm.
   */
  compact(now: number): void {
    this.store.flush();
    this.maintainedHour = Math.floor(now / HOUR_MS);
    const rollBefore = Math.floor((now - this.options.minuteRetentionMs) / HOUR_MS) * (HOUR_MS / MINUTE_MS);
    this.store.rollUp(rollBefore);
    this.store.dropBefore(Math.floor((now - this.options.retentionMs) / MINUTE_MS));
  }

  private maintain(at: number): void {
    if (Math.floor(at / HOUR_MS) > this.maintainedHour) this.compact(at);
  }

  /** Adds a delta to the task's workspace, workflow and current queue. */
  private add(task: LiveTask, at: number, delta: BucketDelta): void {
    for (const scope of scopesOf(task)) this.store.add(scope, task.channel, at, delta);
  }

  /** The task was accepted or canceled: the counter, its waits, and its place in the wait histogram. */
  private finish(task: LiveTask, at: number, outcome: WaitOutcome): void {
    const wait = at - task.createdAt;
    for (const scope of scopesOf(task)) {
      const delta: BucketDelta =
        outcome === "canceled"
          ? { counts: { tasks_canceled: 1 }, waits: { wait_duration_until_canceled: wait } }
          : {
              counts: { reservations_accepted: 1 },
              waits: {
                wait_duration_until_accepted: wait,
                ...(task.queueEnteredAt !== null ? { wait_duration_in_queue_until_accepted: at - task.queueEnteredAt } : {}),
              },
            };
      this.store.add(scope, task.channel, at, delta);
      this.store.addWait(scope, task.channel, at, outcome, wait);
    }
  }
}

function scopesOf(task: LiveTask): string[] {
  return task.queueSid === null ? [WORKSPACE, task.workflowSid] : [WORKSPACE, task.workflowSid, task.queueSid];
}
