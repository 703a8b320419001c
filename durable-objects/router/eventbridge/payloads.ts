/**
 * The "Event Bridge" payload shapes the stock `twilio-taskrouter` SDK reads (over its HTTP proxy and
 * its WebSocket), made from Switchboard's TaskRouter records. They are not the REST JSON: dates are
 * epoch seconds, attributes stay JSON text, every object carries a `version`, reservations embed
 * their full task, and lists are `{contents, after_sid}`. The SDK checks that each required key is
 * present (a missing one throws inside its socket handler), so every shape here lists them all.
 */
import type {
  ActivityRecord,
  ReservationRecord,
  ReservationStatus,
  TaskRecord,
  WorkerChannelRecord,
  WorkerRecord,
} from "../../../contract/taskrouter";

/** Epoch seconds of an ISO date (null stays null). */
export const seconds = (isoDate: string | null): number | null => (isoDate === null ? null : Math.floor(Date.parse(isoDate) / 1000));

/** The version an ETag (`"3"`) names; 0 when there is none. */
export const versionOf = (etag: string | undefined): number => {
  const digits = /\d+/.exec(etag ?? "")?.[0];
  return digits === undefined ? 0 : Number(digits);
};

export interface BridgeWorker {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  friendly_name: string;
  attributes: string;
  activity_sid: string;
  activity_name: string;
  available: boolean;
  date_created: number | null;
  date_updated: number | null;
  date_status_changed: number | null;
  version: number;
}

export function bridgeWorker(worker: WorkerRecord, version: number): BridgeWorker {
  return {
    account_sid: worker.account_sid,
    workspace_sid: worker.workspace_sid,
    sid: worker.sid,
    friendly_name: worker.friendly_name,
    attributes: worker.attributes,
    activity_sid: worker.activity_sid,
    activity_name: worker.activity_name,
    available: worker.available,
    date_created: seconds(worker.date_created),
    date_updated: seconds(worker.date_updated),
    date_status_changed: seconds(worker.date_status_changed),
    version,
  };
}

export function bridgeActivity(activity: ActivityRecord) {
  return {
    account_sid: activity.account_sid,
    workspace_sid: activity.workspace_sid,
    sid: activity.sid,
    friendly_name: activity.friendly_name,
    available: activity.available,
    date_created: seconds(activity.date_created),
    date_updated: seconds(activity.date_updated),
  };
}

export function bridgeChannel(channel: WorkerChannelRecord) {
  return {
    account_sid: channel.account_sid,
    workspace_sid: channel.workspace_sid,
    sid: channel.sid,
    worker_sid: channel.worker_sid,
    task_channel_sid: channel.task_channel_sid,
    task_channel_unique_name: channel.task_channel_unique_name,
    configured_capacity: channel.configured_capacity,
    available: channel.available,
    assigned_tasks: channel.assigned_tasks,
    available_capacity_percentage: channel.available_capacity_percentage,
    date_created: seconds(channel.date_created),
    date_updated: seconds(channel.date_updated),
    // Not kept by the Router; the SDK accepts null.
    last_reserved_time: null,
  };
}

export interface BridgeTask {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  addons: string;
  age: number;
  attributes: string;
  assignment_status: TaskRecord["assignment_status"];
  date_created: number | null;
  date_updated: number | null;
  priority: number;
  queue_name: string | null;
  queue_sid: string | null;
  reason: string | null;
  routing_target: string | null;
  task_channel_sid: string;
  task_channel_unique_name: string;
  timeout: number;
  workflow_name: string;
  workflow_sid: string;
  version: number;
  virtual_start_time: number | null;
}

export function bridgeTask(task: TaskRecord, version: number): BridgeTask {
  return {
    account_sid: task.account_sid,
    workspace_sid: task.workspace_sid,
    sid: task.sid,
    addons: task.addons,
    age: task.age,
    attributes: task.attributes,
    assignment_status: task.assignment_status,
    date_created: seconds(task.date_created),
    date_updated: seconds(task.date_updated),
    priority: task.priority,
    queue_name: task.task_queue_friendly_name,
    queue_sid: task.task_queue_sid,
    reason: task.reason,
    routing_target: task.routing_target,
    task_channel_sid: task.task_channel_sid,
    task_channel_unique_name: task.task_channel_unique_name,
    timeout: task.timeout,
    workflow_name: task.workflow_friendly_name,
    workflow_sid: task.workflow_sid,
    version,
    virtual_start_time: seconds(task.virtual_start_time),
  };
}

export interface BridgeReservation {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  task_sid: string;
  worker_sid: string;
  worker_name: string;
  reservation_status: ReservationStatus;
  /** The Router does not keep the workflow's reservation timeout on the reservation; the SDK only copies it. */
  reservation_timeout: number | null;
  date_created: number | null;
  date_updated: number | null;
  version: number;
  canceled_reason_code: null;
  task: BridgeTask | null;
}

/**
 * A reservation with its task embedded (`status` overrides the stored one: an event's frame carries the
 * status the event announced even when a later change in the same operation moved it on).
 */
export function bridgeReservation(
  reservation: ReservationRecord,
  version: number,
  task: BridgeTask | null,
  status: ReservationStatus = reservation.reservation_status,
): BridgeReservation {
  return {
    account_sid: reservation.account_sid,
    workspace_sid: reservation.workspace_sid,
    sid: reservation.sid,
    task_sid: reservation.task_sid,
    worker_sid: reservation.worker_sid,
    worker_name: reservation.worker_name,
    reservation_status: status,
    reservation_timeout: null,
    date_created: seconds(reservation.date_created),
    date_updated: seconds(reservation.date_updated),
    version,
    canceled_reason_code: null,
    task,
  };
}

/** A list as the SDK pages it: everything in one page, so no `after_sid`. */
export const bridgeList = <T>(contents: readonly T[]) => ({ contents, after_sid: null });

/** A server → SDK frame. */
export const bridgeFrame = (eventType: string, payload: unknown): string => JSON.stringify({ event_type: eventType, payload });

/** The frame the server sends first on every socket (the SDK then initializes the worker). */
export function initFrame(
  identity: { accountSid: string; workspaceSid: string; workerSid: string; expiresAt: number },
  now: number,
): string {
  return bridgeFrame("init", {
    account_sid: identity.accountSid,
    workspace_sid: identity.workspaceSid,
    channel_id: identity.workerSid,
    token_lifetime: Math.max(0, identity.expiresAt - now),
  });
}
