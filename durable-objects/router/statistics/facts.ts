/**
 * What the Router Durable Object tells the statistics module, as it happens: one small typed fact per
 * task, reservation or worker transition. Statistics never look at the task table; they are kept
 * incrementally from these facts, so no fetch ever scans tasks.
 *
 * Every fact carries `at`, epoch ms, when it happened; minute buckets are filed by it.
 * Facts carry only what the module cannot know itself. Where a task sits (workflow, queue, channel,
 * when it was created and entered its queue) is remembered from earlier facts, so a reservation fact
 * names just the task and the worker. After an eviction the Router DO hands the live tasks back with
 * `loadTask` (a `LiveTask` per stored task) before recording new facts.
 */
import type { TaskStatus } from "../../../contract/taskrouter";
import type { RoutingEvent } from "../workflow/routing";

/** How a reservation ended or moved on, as TaskRouter names its events (`reservation.<outcome>`). */
export type ReservationOutcome = "created" | "accepted" | "rejected" | "timeout" | "canceled" | "rescinded";

export type StatisticsFact =
  /** A task was created (it is `pending` and enters its workflow at `at`, its `date_created`). */
  | {
      readonly type: "task.created";
      readonly at: number;
      readonly taskSid: string;
      readonly workflowSid: string;
      /**
       * The task's channel, as the Router DO keys channels (unique name or TC SID: one of them, always
       * the same). The TaskChannel filter of a fetch must be resolved to the same key.
       */
      readonly channel: string;
      readonly priority: number;
      /**
       * Handed over from another region's Router, where it was created and counted: here it is only
       * live (the real-time figures), so the sum over regions counts its creation once.
       */
      readonly arrived?: boolean;
    }
  /** The task entered a queue (`task-queue.entered`); leaving its previous queue is a separate fact. */
  | { readonly type: "task.queue-entered"; readonly at: number; readonly taskSid: string; readonly queueSid: string }
  /**
   * The task left its queue: `moved` by a re-evaluation or a `skip_if` (counted in `tasks_moved`),
   * or `timeout` when its workflow target timed out (`task-queue.timeout`).
   */
  | { readonly type: "task.queue-left"; readonly at: number; readonly taskSid: string; readonly reason: "moved" | "timeout" }
  /** The last target of the task's filter timed out (`workflow.timeout`): `tasks_timed_out_in_workflow`. */
  | { readonly type: "task.workflow-timeout"; readonly at: number; readonly taskSid: string }
  /** The task's `assignment_status` changed; `canceled` and `completed` are counted, with wait times. */
  | { readonly type: "task.status-changed"; readonly at: number; readonly taskSid: string; readonly status: TaskStatus }
  /** Priority or channel changed (a target's priority, or an update through the API). */
  | { readonly type: "task.updated"; readonly at: number; readonly taskSid: string; readonly priority?: number; readonly channel?: string }
  /**
   * The task is gone: `api` for a REST DELETE (counted in `tasks_deleted`), `system` for the purge of a
   * finished task (`task.system-deleted`), which only leaves the real-time figures.
   */
  | { readonly type: "task.deleted"; readonly at: number; readonly taskSid: string; readonly by: "api" | "system" }
  /** A reservation of the task for the worker was created or ended. */
  | {
      readonly type: "reservation";
      readonly outcome: ReservationOutcome;
      readonly at: number;
      readonly taskSid: string;
      readonly workerSid: string;
    }
  /**
   * A worker left an Activity (changed Activity, or was deleted): one stint of `at - since` ms in it.
   * `queueSids` are the queues the worker belongs to now (`matcher.queuesOfWorker`), so
   * `Workers/Statistics?TaskQueueSid=` can report the queue's workers without a scan.
   */
  | {
      readonly type: "worker.activity-ended";
      readonly at: number;
      readonly workerSid: string;
      readonly activitySid: string;
      /** When the worker entered the Activity (the worker's `date_status_changed` before the change). */
      readonly since: number;
      readonly queueSids: readonly string[];
    };

/** A task as the real-time figures need it; the Router DO rebuilds them from its rows after eviction. */
export interface LiveTask {
  readonly sid: string;
  readonly workflowSid: string;
  /** The queue the task is in (or was in when assigned); null when it is in none. */
  readonly queueSid: string | null;
  readonly channel: string;
  readonly priority: number;
  readonly status: TaskStatus;
  /** Epoch ms of `date_created`. */
  readonly createdAt: number;
  /** Epoch ms of `task_queue_entered_date`; null when the task is in no queue. */
  readonly queueEnteredAt: number | null;
}

/**
 * The facts in a routing engine outcome for one task, in order: queue entries and exits and workflow
 * timeouts. The engine's other events (`workflow.entered`, `workflow.target-matched`, `workflow.skipped`)
 * change no statistic.
 *
 * @example
 * const { events } = engine.createTask(task, now);
 * for (const fact of factsFromRouting(task.sid, events)) stats.record(fact);
 */
export function factsFromRouting(taskSid: string, events: readonly RoutingEvent[]): StatisticsFact[] {
  const facts: StatisticsFact[] = [];
  for (const event of events) {
    switch (event.type) {
      case "task-queue.entered":
        facts.push({ type: "task.queue-entered", at: event.at, taskSid, queueSid: event.queue });
        break;
      case "task-queue.moved":
        facts.push({ type: "task.queue-left", at: event.at, taskSid, reason: "moved" });
        break;
      case "task-queue.timeout":
        facts.push({ type: "task.queue-left", at: event.at, taskSid, reason: "timeout" });
        break;
      case "workflow.timeout":
        facts.push({ type: "task.workflow-timeout", at: event.at, taskSid });
        break;
      case "workflow.entered":
      case "workflow.target-matched":
      case "workflow.skipped":
        break;
      default: {
        const never: never = event;
        throw new Error(`unhandled routing event ${JSON.stringify(never)}`);
      }
    }
  }
  return facts;
}
