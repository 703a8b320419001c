/**
 * TaskRouter's resources as the API returns them and the browser reads them: Twilio's snake_case
 * JSON, dates as ISO 8601 UTC strings, without `url`/`links`, which only the Worker can build because
 * only it knows the request's origin. The Durable Objects return these records over RPC; the Worker
 * adds the links; the desktop's live channel carries parts of them (realtime-frames.ts).
 */

/** A date on the wire: ISO 8601 UTC to the second (`2026-12-01T09:30:00Z`). */
export type IsoDate = string;

/** @example iso(Date.UTC(2026, 11, 1, 9, 30)) // "2026-12-01T09:30:00Z" */
export const iso = (ms: number): IsoDate => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface WorkspaceRecord {
  account_sid: string;
  sid: string;
  friendly_name: string;
  event_callback_url: string | null;
  events_filter: string | null;
  default_activity_sid: string | null;
  default_activity_name: string | null;
  timeout_activity_sid: string | null;
  timeout_activity_name: string | null;
  multi_task_enabled: boolean;
  prioritize_queue_order: "FIFO" | "LIFO";
  /**
   * Switchboard's own: card numbers in task and worker attributes (and so in events) are masked before
   * they are stored. On unless the workspace turned it off; snapshots from before it existed lack it.
   */
  card_masking_enabled: boolean;
  /**
   * Switchboard's own: the team's hold music, a WAV (16-bit PCM) the media service fetches and loops to
   * callers who wait or are held; null plays the built-in loop. Absent in snapshots from before it existed.
   */
  hold_music_url?: string | null;
  /** Switchboard's own: the region the workspace was created in, whose Router holds what names no other. */
  home_region?: string;
  /**
   * Switchboard's own: the regions whose Routers hold the workspace's workers and tasks, home first,
   * then in the order they joined (the first worker or task created there). Absent in older snapshots.
   */
  regions?: string[];
  /**
   * Switchboard's own: the jurisdiction the workspace was pinned to at creation (every object and byte of
   * it stays there; README, "Data residency"), or null. Fixed for the workspace's life.
   */
  jurisdiction: "eu" | "fedramp" | null;
  date_created: IsoDate;
  date_updated: IsoDate;
}

export interface ActivityRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  friendly_name: string;
  available: boolean;
  date_created: IsoDate;
  date_updated: IsoDate;
}

export interface TaskChannelRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  friendly_name: string;
  unique_name: string;
  channel_optimized_routing: boolean;
  date_created: IsoDate;
  date_updated: IsoDate;
}

export interface TaskQueueRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  friendly_name: string;
  target_workers: string;
  max_reserved_workers: number;
  task_order: "FIFO" | "LIFO";
  reservation_activity_sid: string | null;
  reservation_activity_name: string | null;
  assignment_activity_sid: string | null;
  assignment_activity_name: string | null;
  /**
   * Switchboard's own desk settings (null: not set), which stock clients ignore. A task waiting longer
   * than `sla_threshold_seconds` is over the queue's SLA (the desk colours its card; the supervisors'
   * service level counts within it, 30 s when unset).
   */
  sla_threshold_seconds: number | null;
  /** The supervisors' tiles: more tasks waiting than this is crossed. */
  waiting_threshold: number | null;
  /** The supervisors' tiles: a task waiting longer than this (seconds) is crossed. */
  longest_wait_threshold_seconds: number | null;
  /** The supervisors' tiles: a service level today below this percentage is crossed. */
  service_level_target: number | null;
  /** A task in wrap-up on this queue is completed this many seconds after wrap-up began (null: never). */
  wrap_up_timeout_seconds: number | null;
  date_created: IsoDate;
  date_updated: IsoDate;
}

export interface WorkflowRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  friendly_name: string;
  /** The configuration JSON as a string, as Twilio returns it. */
  configuration: string;
  assignment_callback_url: string | null;
  fallback_assignment_callback_url: string | null;
  task_reservation_timeout: number;
  document_content_type: string;
  date_created: IsoDate;
  date_updated: IsoDate;
}

export interface WorkerRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  friendly_name: string;
  activity_sid: string;
  activity_name: string;
  /** JSON as a string. */
  attributes: string;
  available: boolean;
  date_status_changed: IsoDate;
  date_created: IsoDate;
  date_updated: IsoDate;
  /** Switchboard's own: the region whose Router holds the worker (after a move, not the one its SID names). */
  region?: string;
}

export interface WorkerChannelRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  worker_sid: string;
  task_channel_sid: string;
  task_channel_unique_name: string;
  configured_capacity: number;
  assigned_tasks: number;
  available: boolean;
  available_capacity_percentage: number;
  date_created: IsoDate;
  date_updated: IsoDate;
}

export type TaskStatus = "pending" | "reserved" | "assigned" | "canceled" | "completed" | "wrapping";

export type ReservationStatus = "pending" | "accepted" | "rejected" | "timeout" | "canceled" | "rescinded" | "wrapping" | "completed";

export interface TaskRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  /** JSON as a string. */
  attributes: string;
  assignment_status: TaskStatus;
  priority: number;
  reason: string | null;
  /** Seconds since creation. */
  age: number;
  /** TTL in seconds. */
  timeout: number;
  task_queue_sid: string | null;
  task_queue_friendly_name: string | null;
  task_queue_entered_date: IsoDate | null;
  task_channel_sid: string;
  task_channel_unique_name: string;
  workflow_sid: string;
  workflow_friendly_name: string;
  virtual_start_time: IsoDate;
  ignore_capacity: boolean;
  routing_target: string | null;
  addons: string;
  date_created: IsoDate;
  date_updated: IsoDate;
  /** Switchboard's own: the region whose Router holds the task (after a handover, not the one its SID names). */
  region?: string;
}

export interface ReservationRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  task_sid: string;
  worker_sid: string;
  worker_name: string;
  reservation_status: ReservationStatus;
  date_created: IsoDate;
  date_updated: IsoDate;
}

export interface EventRecord {
  account_sid: string;
  workspace_sid: string;
  sid: string;
  event_type: string;
  event_date: IsoDate;
  event_date_ms: number;
  description: string;
  resource_type: string;
  resource_sid: string;
  /** Path below the workspace, e.g. "Tasks/WT…"; the Worker makes it absolute. */
  resource_url: string;
  actor_type: string;
  actor_sid: string;
  actor_url: string;
  event_data: Record<string, unknown>;
  source: string;
  source_ip_address: string;
}
