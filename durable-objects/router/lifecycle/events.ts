/**
 * What each event says. Every state change the Router makes is recorded as an EventRecord whose
 * `event_data` uses the snake_case keys of Twilio's callback parameters (the table in
 * callbacks/event-params.ts), so the same record serves the Events API and event callbacks.
 * These builders are pure; `Op.record` stores and sends what they return.
 */
import type { TaskRoutingEvent } from "../engine";
import type { ReservationRow } from "../store/reservation-store";
import type { TaskRow } from "../store/task-store";
import type { WorkerRow } from "../store/worker-store";
import type { EventSubjects } from "../store/event-store";
import type { ConfigView } from "./config-view";

/** An event before it gets its SID, actor and workspace fields. */
export interface EventDraft {
  readonly type: string;
  /** Epoch ms; a timeout's own deadline, otherwise the operation's time. */
  readonly at: number;
  readonly resourceType: "Task" | "Reservation" | "Worker" | "Workflow" | "TaskQueue" | "Conversation";
  readonly resourceSid: string;
  /** Below the workspace, e.g. "Tasks/WT…". */
  readonly resourceUrl: string;
  readonly description: string;
  readonly data: Record<string, unknown>;
  readonly subjects: EventSubjects;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export function taskData(view: ConfigView, task: TaskRow, now: number): Record<string, unknown> {
  const channel = view.taskChannel(task.task_channel_sid);
  const queue = task.queue_sid === null ? undefined : view.queue(task.queue_sid);
  return {
    task_sid: task.sid,
    task_attributes: task.attributes,
    task_age: Math.max(0, seconds(now - task.created_at)),
    task_priority: task.priority,
    task_assignment_status: task.status,
    task_date_created: seconds(task.created_at),
    task_channel_sid: task.task_channel_sid,
    task_channel_unique_name: channel?.unique_name,
    ...(task.queue_sid !== null
      ? {
          task_queue_sid: task.queue_sid,
          task_queue_name: queue?.friendly_name,
          ...(task.queue_entered_at !== null ? { task_queue_entered_date: seconds(task.queue_entered_at) } : {}),
        }
      : {}),
    workflow_sid: task.workflow_sid,
    workflow_name: view.workflow(task.workflow_sid)?.friendly_name,
    ...(task.status === "canceled" && task.reason !== null ? { task_canceled_reason: task.reason } : {}),
    ...(task.status === "completed" && task.reason !== null ? { task_completed_reason: task.reason } : {}),
  };
}

export function workerData(view: ConfigView, worker: WorkerRow): Record<string, unknown> {
  return {
    worker_sid: worker.sid,
    worker_name: worker.friendly_name,
    worker_attributes: worker.attributes,
    worker_activity_sid: worker.activity_sid,
    worker_activity_name: view.activity(worker.activity_sid)?.friendly_name,
  };
}

const taskSubjects = (task: TaskRow): EventSubjects => ({
  taskSid: task.sid,
  taskQueueSid: task.queue_sid,
  workflowSid: task.workflow_sid,
  taskChannelSid: task.task_channel_sid,
});

/** task.created, task.updated, task.canceled, task.wrapup, task.completed, task.deleted, task.system-deleted. */
export function taskEvent(view: ConfigView, type: string, task: TaskRow, at: number, description: string): EventDraft {
  return {
    type,
    at,
    resourceType: "Task",
    resourceSid: task.sid,
    resourceUrl: `Tasks/${task.sid}`,
    description,
    data: taskData(view, task, at),
    subjects: taskSubjects(task),
  };
}

/** reservation.created, .accepted, .rejected, .timeout, .canceled, .rescinded, .wrapup, .completed. */
export function reservationEvent(
  view: ConfigView,
  type: string,
  reservation: ReservationRow,
  task: TaskRow,
  worker: WorkerRow | undefined,
  at: number,
): EventDraft {
  const verb = type.slice("reservation.".length);
  return {
    type,
    at,
    resourceType: "Reservation",
    resourceSid: reservation.sid,
    resourceUrl: `Tasks/${task.sid}/Reservations/${reservation.sid}`,
    description: `Reservation ${reservation.sid} for Task ${task.sid} and Worker ${reservation.worker_name} ${verb === "wrapup" ? "wrapping up" : verb}`,
    data: {
      reservation_sid: reservation.sid,
      ...taskData(view, task, at),
      ...(worker ? workerData(view, worker) : { worker_sid: reservation.worker_sid, worker_name: reservation.worker_name }),
    },
    subjects: { ...taskSubjects(task), workerSid: reservation.worker_sid, reservationSid: reservation.sid },
  };
}

/** worker.created, .deleted, .attributes.update, .activity.update (with the previous activity). */
export function workerEvent(
  view: ConfigView,
  type: string,
  worker: WorkerRow,
  at: number,
  description: string,
  extra: Record<string, unknown> = {},
): EventDraft {
  return {
    type,
    at,
    resourceType: "Worker",
    resourceSid: worker.sid,
    resourceUrl: `Workers/${worker.sid}`,
    description,
    data: { ...workerData(view, worker), ...extra },
    subjects: { workerSid: worker.sid },
  };
}

/** The routing core's events (workflow.*, task-queue.entered/.timeout/.moved) for one task. */
export function routingEvent(view: ConfigView, event: TaskRoutingEvent, task: TaskRow): EventDraft {
  const workflow = view.workflow(task.workflow_sid);
  const data: Record<string, unknown> = { ...taskData(view, task, event.at) };
  if (event.type === "workflow.entered") {
    return {
      type: event.type,
      at: event.at,
      resourceType: "Workflow",
      resourceSid: task.workflow_sid,
      resourceUrl: `Workflows/${task.workflow_sid}`,
      description: `Task ${task.sid} entered Workflow ${workflow?.friendly_name ?? task.workflow_sid}`,
      data,
      subjects: taskSubjects(task),
    };
  }
  const step = event.step;
  data.workflow_filter_name = step.filterName;
  if (event.type === "task-queue.entered" || event.type === "task-queue.timeout" || event.type === "task-queue.moved") {
    const queue = view.queue(event.queue);
    const verb = event.type === "task-queue.entered" ? "entered" : event.type === "task-queue.timeout" ? "timed out of" : "moved out of";
    return {
      type: event.type,
      at: event.at,
      resourceType: "TaskQueue",
      resourceSid: event.queue,
      resourceUrl: `TaskQueues/${event.queue}`,
      description: `Task ${task.sid} ${verb} TaskQueue ${queue?.friendly_name ?? event.queue}`,
      data: {
        ...data,
        task_queue_sid: event.queue,
        task_queue_name: queue?.friendly_name,
        task_queue_target_expression: queue?.target_workers,
      },
      subjects: { ...taskSubjects(task), taskQueueSid: event.queue },
    };
  }
  const verb =
    event.type === "workflow.target-matched"
      ? "matched a target of"
      : event.type === "workflow.timeout"
        ? "timed out in"
        : "skipped a target of";
  return {
    type: event.type,
    at: event.at,
    resourceType: "Workflow",
    resourceSid: task.workflow_sid,
    resourceUrl: `Workflows/${task.workflow_sid}`,
    description: `Task ${task.sid} ${verb} Workflow ${workflow?.friendly_name ?? task.workflow_sid} (filter ${JSON.stringify(step.filterName)})`,
    data: { ...data, task_queue_sid: step.target.queue, task_queue_name: view.queue(step.target.queue)?.friendly_name },
    subjects: { ...taskSubjects(task), taskQueueSid: step.target.queue },
  };
}
