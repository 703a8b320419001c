/**
 * The contract between the Worker and the TaskRouter Durable Objects: the records each resource is
 * returned as (Twilio's snake_case JSON, dates as ISO 8601 UTC strings, without `url`/`links`, which
 * only the Worker can build because only it knows the request's origin), paging, and how a Durable
 * Object reports a client error across RPC (a value, never a thrown error: RPC keeps only an error's
 * message). Pure types and tiny helpers; imported by both sides.
 */

/** A client error, in Twilio's terms. The Worker turns it into `{code, message, more_info, status}`. */
export interface ApiFailure {
  readonly ok: false;
  readonly status: number;
  readonly code: number;
  readonly message: string;
}
export type ApiResult<T> = { readonly ok: true; readonly value: T } | ApiFailure;

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = (status: number, code: number, message: string): ApiFailure => ({ ok: false, status, code, message });
export const notFound = (what: string, sid: string): ApiFailure => fail(404, 20404, `The requested resource ${what} ${sid} was not found`);
export const invalid = (param: string, message: string): ApiFailure => fail(400, 20001, `Invalid parameter ${param}: ${message}`);

/** A page request as the Durable Object sees it. `pageToken` is opaque and comes from a previous page. */
export interface PageRequest {
  readonly pageSize: number;
  readonly page: number;
  readonly pageToken?: string;
}

/** One page of a list; `nextPageToken` null on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string | null;
  readonly previousPageToken: string | null;
}

export type IsoDate = string;

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

/** SIDs: two-letter prefix + 32 lowercase hex, never reused. */
export function newSid(prefix: string): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return prefix + hex;
}

export function isSid(prefix: string, value: unknown): value is string {
  return typeof value === "string" && value.length === 34 && value.startsWith(prefix) && /^[0-9a-f]{32}$/.test(value.slice(2));
}

export const iso = (ms: number): IsoDate => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Everything a Router DO needs to know about a workspace's configuration, pushed by the Workspace DO
 * after every change (the Router keeps the highest `version` it has seen and ignores older pushes).
 */
export interface WorkspaceConfigSnapshot {
  readonly version: number;
  readonly workspace: WorkspaceRecord;
  readonly activities: readonly ActivityRecord[];
  readonly taskChannels: readonly TaskChannelRecord[];
  readonly taskQueues: readonly TaskQueueRecord[];
  readonly workflows: readonly WorkflowRecord[];
}

/** The Router DO of a workspace in a region. */
export const routerName = (workspaceSid: string, regionId: string): string => `${workspaceSid}:${regionId}`;
