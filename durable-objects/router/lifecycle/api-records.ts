/**
 * Stored rows as the API returns them: Twilio's records (snake_case, ISO dates), with the names of
 * activities, queues, workflows and channels read from the current configuration so a rename shows at
 * once, and figures that change with time (a task's age) computed when asked.
 */
import { availableCapacityPercentage } from "../matcher/worker-state";
import type { ReservationRow } from "../store/reservation-store";
import type { TaskRow } from "../store/task-store";
import type { WorkerChannelRow, WorkerRow } from "../store/worker-store";
import { iso, type ReservationRecord, type TaskRecord, type WorkerChannelRecord, type WorkerRecord } from "../../../contract/taskrouter";
import type { ConfigView } from "./config-view";

/** The ETag of a worker, task or reservation: its version, quoted as HTTP wants. */
export const etagOf = (version: number): string => `"${version}"`;

/** Whether an If-Match header value names this version (quoted or not, weak or not, or `*`). */
export function etagMatches(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined || ifMatch.trim() === "" || ifMatch.trim() === "*") return true;
  return ifMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "").replace(/^"|"$/g, "") === String(version));
}

/** A worker as the API shows it; `region` is the Router's own (a moved worker's is not the one its SID names). */
export function workerRecord(view: ConfigView, row: WorkerRow, region = ""): WorkerRecord {
  const activity = view.activity(row.activity_sid);
  return {
    account_sid: view.accountSid,
    workspace_sid: view.workspaceSid,
    sid: row.sid,
    friendly_name: row.friendly_name,
    activity_sid: row.activity_sid,
    activity_name: activity?.friendly_name ?? "",
    attributes: row.attributes,
    available: activity?.available ?? false,
    date_status_changed: iso(row.status_changed_at),
    date_created: iso(row.created_at),
    date_updated: iso(row.updated_at),
    ...(region ? { region } : {}),
  };
}

/** A WorkerChannel; undefined when its task channel is no longer configured. */
export function workerChannelRecord(view: ConfigView, row: WorkerChannelRow, assigned: number): WorkerChannelRecord | undefined {
  const channel = view.taskChannel(row.task_channel_sid);
  if (!channel) return undefined;
  return {
    account_sid: view.accountSid,
    workspace_sid: view.workspaceSid,
    sid: row.sid,
    worker_sid: row.worker_sid,
    task_channel_sid: channel.sid,
    task_channel_unique_name: channel.unique_name,
    configured_capacity: row.capacity,
    assigned_tasks: assigned,
    available: row.available === 1,
    available_capacity_percentage: availableCapacityPercentage(row.capacity, assigned),
    date_created: iso(row.created_at),
    date_updated: iso(row.updated_at),
  };
}

/** A task as the API shows it; `region` is the Router's own (a handed-over task's is not the one its SID names). */
export function taskRecord(view: ConfigView, row: TaskRow, now: number, region = ""): TaskRecord {
  const queue = row.queue_sid === null ? undefined : view.queue(row.queue_sid);
  const channel = view.taskChannel(row.task_channel_sid);
  return {
    account_sid: view.accountSid,
    workspace_sid: view.workspaceSid,
    sid: row.sid,
    attributes: row.attributes,
    assignment_status: row.status,
    priority: row.priority,
    reason: row.reason,
    age: Math.max(0, Math.floor((now - row.created_at) / 1000)),
    timeout: row.timeout,
    task_queue_sid: row.queue_sid,
    task_queue_friendly_name: queue?.friendly_name ?? null,
    task_queue_entered_date: row.queue_entered_at === null ? null : iso(row.queue_entered_at),
    task_channel_sid: row.task_channel_sid,
    task_channel_unique_name: channel?.unique_name ?? "",
    workflow_sid: row.workflow_sid,
    workflow_friendly_name: view.workflow(row.workflow_sid)?.friendly_name ?? "",
    virtual_start_time: iso(row.virtual_start_time),
    ignore_capacity: false,
    routing_target: null,
    addons: "{}",
    date_created: iso(row.created_at),
    date_updated: iso(row.updated_at),
    ...(region ? { region } : {}),
  };
}

export function reservationRecord(view: ConfigView, row: ReservationRow): ReservationRecord {
  return {
    account_sid: view.accountSid,
    workspace_sid: view.workspaceSid,
    sid: row.sid,
    task_sid: row.task_sid,
    worker_sid: row.worker_sid,
    worker_name: row.worker_name,
    reservation_status: row.status,
    date_created: iso(row.created_at),
    date_updated: iso(row.updated_at),
  };
}
