/**
 * Which committed events reach which workers' live connections, and the frame each becomes. Frames are
 * derived only from the events an operation recorded (the Router reports them after its transaction
 * commits), so nothing is pushed that was not stored; the frame carries what the event recorded, in the
 * shape of frames.ts. Two things are read beside the event: a new reservation's timeout and the end of a
 * task's wrap-up, from the timers the same operation set (the event itself keeps TaskRouter's fields only, as callbacks and the Events API
 * show them).
 *
 * Who is concerned:
 * - `reservation.*`: the reservation's worker;
 * - `task.updated`: the workers holding the task (an open reservation: pending, accepted or wrapping);
 * - `worker.activity.update`, `worker.attributes.update`, `worker.capacity.update`,
 *   `worker.channel.availability.update`, `worker.deleted`: the worker.
 */
import type { EventRecord } from "../../../contract/taskrouter";
import { RESERVATION_FRAME_TYPES, WORKER_CHANNEL_FRAME_TYPES } from "../../../contract/frame-types";
import type { FrameTask, FrameWorker, UnnumberedChange } from "../../../contract/realtime-frames";

/** What deriving frames needs to know beyond the event (read after the operation committed). */
export interface FrameContext {
  /** Workers holding a task: an open reservation (pending, accepted, wrapping). */
  workersHolding(taskSid: string): readonly string[];
  /** A worker's configured capacity on a task channel, if the channel exists. */
  channelCapacity(workerSid: string, taskChannelSid: string): number | null;
  /** When a pending reservation times out (epoch ms), or null when it has no timeout timer. */
  reservationTimeoutAt(reservationSid: string): number | null;
  /** When a task's wrap-up ends by itself (epoch ms, its queue's WrapUpTimeoutSeconds), or null when it does not. */
  wrapUpEndsAt(taskSid: string): number | null;
}

export interface AddressedFrame {
  readonly workerSid: string;
  readonly frame: UnnumberedChange;
}

type Data = Record<string, unknown>;
export const text = (data: Data, key: string): string | null => (typeof data[key] === "string" ? (data[key] as string) : null);
const number = (data: Data, key: string): number | null => (typeof data[key] === "number" ? (data[key] as number) : null);

/** The reservation status each reservation event leaves behind (the agents' frames and the SDK bridge's). */
export const RESERVATION_STATUS = {
  "reservation.created": "pending",
  "reservation.accepted": "accepted",
  "reservation.rejected": "rejected",
  "reservation.timeout": "timeout",
  "reservation.canceled": "canceled",
  "reservation.rescinded": "rescinded",
  "reservation.wrapup": "wrapping",
  "reservation.completed": "completed",
} as const satisfies Record<(typeof RESERVATION_FRAME_TYPES)[number], string>;

const isReservationType = (type: string): type is (typeof RESERVATION_FRAME_TYPES)[number] =>
  (RESERVATION_FRAME_TYPES as readonly string[]).includes(type);
const isChannelType = (type: string): type is (typeof WORKER_CHANNEL_FRAME_TYPES)[number] =>
  (WORKER_CHANNEL_FRAME_TYPES as readonly string[]).includes(type);

/**
 * A task as frames carry it, from event data (or `taskData` in lifecycle/events.ts, for a task as it is now).
 * @example frameTaskOf(event.event_data).task_queue_friendly_name // "Support"
 */
export function frameTaskOf(data: Data): FrameTask {
  return {
    sid: text(data, "task_sid") ?? "",
    attributes: text(data, "task_attributes") ?? "{}",
    assignment_status: (text(data, "task_assignment_status") ?? "pending") as FrameTask["assignment_status"],
    priority: number(data, "task_priority") ?? 0,
    age: number(data, "task_age") ?? 0,
    task_channel_sid: text(data, "task_channel_sid") ?? "",
    task_channel_unique_name: text(data, "task_channel_unique_name"),
    task_queue_sid: text(data, "task_queue_sid"),
    task_queue_friendly_name: text(data, "task_queue_name"),
    workflow_sid: text(data, "workflow_sid") ?? "",
    workflow_friendly_name: text(data, "workflow_name"),
    reason: text(data, "task_canceled_reason") ?? text(data, "task_completed_reason"),
  };
}

/**
 * A worker as frames carry it, from event data (or `workerData` in lifecycle/events.ts, for a worker as it is now).
 * @example frameWorkerOf(event.event_data).activity_name // "Available"
 */
export function frameWorkerOf(data: Data): FrameWorker {
  return {
    sid: text(data, "worker_sid") ?? "",
    friendly_name: text(data, "worker_name") ?? "",
    attributes: text(data, "worker_attributes"),
    activity_sid: text(data, "worker_activity_sid"),
    activity_name: text(data, "worker_activity_name"),
  };
}

/**
 * The frames one event becomes, each addressed to a worker it concerns (none for the rest).
 * @example framesOf(reservationCreated, context) // [{ workerSid: "WK…", frame: { type: "reservation.created", reservation, task, … } }]
 */
export function framesOf(event: EventRecord, context: FrameContext): AddressedFrame[] {
  const data = event.event_data;
  const common = { event_sid: event.sid, date: event.event_date, date_ms: event.event_date_ms };
  const type = event.event_type;
  const workerSid = text(data, "worker_sid");

  if (isReservationType(type)) {
    if (workerSid === null) return [];
    const reservationSid = text(data, "reservation_sid") ?? event.resource_sid;
    const frame: UnnumberedChange = {
      type,
      ...common,
      reservation: {
        sid: reservationSid,
        status: RESERVATION_STATUS[type],
        task_sid: text(data, "task_sid") ?? "",
        worker_sid: workerSid,
        // Only a new reservation is pending; every later status has stopped its timer.
        timeout_at: type === "reservation.created" ? context.reservationTimeoutAt(reservationSid) : null,
        wrapup_ends_at: type === "reservation.wrapup" ? context.wrapUpEndsAt(text(data, "task_sid") ?? "") : null,
      },
      task: frameTaskOf(data),
    };
    return [{ workerSid, frame }];
  }
  if (type === "task.updated") {
    const taskSid = text(data, "task_sid");
    if (taskSid === null) return [];
    const frame: UnnumberedChange = { type, ...common, task: frameTaskOf(data) };
    return context.workersHolding(taskSid).map((holder) => ({ workerSid: holder, frame }));
  }
  if (workerSid === null) return [];
  switch (type) {
    case "worker.activity.update":
      return [
        {
          workerSid,
          frame: {
            type,
            ...common,
            worker: frameWorkerOf(data),
            previous_activity_sid: text(data, "worker_previous_activity_sid"),
            previous_activity_name: text(data, "worker_previous_activity_name"),
          },
        },
      ];
    case "worker.attributes.update":
    case "worker.deleted":
      return [{ workerSid, frame: { type, ...common, worker: frameWorkerOf(data) } }];
    default:
      break;
  }
  if (isChannelType(type)) {
    const channelSid = text(data, "task_channel_sid") ?? "";
    return [
      {
        workerSid,
        frame: {
          type,
          ...common,
          worker: frameWorkerOf(data),
          channel: {
            task_channel_sid: channelSid,
            task_channel_unique_name: text(data, "task_channel_unique_name"),
            configured_capacity: context.channelCapacity(workerSid, channelSid),
            available: data.worker_channel_available === true,
            available_capacity_percentage: number(data, "worker_channel_available_capacity"),
            assigned_tasks: number(data, "worker_channel_task_count"),
          },
        },
      },
    ];
  }
  return [];
}
