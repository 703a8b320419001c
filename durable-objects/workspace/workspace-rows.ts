/**
 * Rows of the WorkspaceDO's tables (see schema.ts) and how each becomes the API record the contract
 * defines (contract/taskrouter.ts): snake_case, ISO dates without milliseconds, booleans
 * from 0/1, activity names joined in. Reads only; every query binds its parameters. Rows are read with
 * `toArray()` at once, so no cursor outlives the synchronous call that opened it.
 */
import type { SqlExec } from "../kit/sql-host";
import { jurisdictionOf } from "../../platform/jurisdictions";
import {
  iso,
  type ActivityRecord,
  type TaskChannelRecord,
  type TaskQueueRecord,
  type WorkflowRecord,
  type WorkspaceRecord,
} from "../../contract/taskrouter";

export interface WorkspaceRow {
  readonly sid: string;
  readonly account_sid: string;
  readonly friendly_name: string;
  readonly event_callback_url: string | null;
  readonly events_filter: string | null;
  readonly default_activity_sid: string | null;
  readonly timeout_activity_sid: string | null;
  readonly multi_task_enabled: number;
  readonly prioritize_queue_order: "FIFO" | "LIFO";
  readonly card_masking_enabled: number;
  readonly hold_music_url: string | null;
  readonly home_region: string;
  readonly version: number;
  readonly date_created: number;
  readonly date_updated: number;
  readonly deleted_at: number | null;
}

export interface ActivityRow {
  readonly sid: string;
  readonly friendly_name: string;
  readonly available: number;
  readonly date_created: number;
  readonly date_updated: number;
}

export interface TaskChannelRow {
  readonly sid: string;
  readonly friendly_name: string;
  readonly unique_name: string;
  readonly channel_optimized_routing: number;
  readonly date_created: number;
  readonly date_updated: number;
}

export interface TaskQueueRow {
  readonly sid: string;
  readonly friendly_name: string;
  readonly target_workers: string;
  readonly max_reserved_workers: number;
  readonly task_order: "FIFO" | "LIFO";
  readonly reservation_activity_sid: string | null;
  readonly assignment_activity_sid: string | null;
  readonly sla_threshold_seconds: number | null;
  readonly waiting_threshold: number | null;
  readonly longest_wait_threshold_seconds: number | null;
  readonly service_level_target: number | null;
  readonly wrap_up_timeout_seconds: number | null;
  readonly date_created: number;
  readonly date_updated: number;
}

export interface WorkflowRow {
  readonly sid: string;
  readonly friendly_name: string;
  readonly configuration: string;
  readonly assignment_callback_url: string | null;
  readonly fallback_assignment_callback_url: string | null;
  readonly task_reservation_timeout: number;
  readonly date_created: number;
  readonly date_updated: number;
}

/** Rows come back as generic records; these casts name the table's shape once, here. */
function rows<T>(sql: SqlExec, query: string, ...bindings: (string | number | null)[]): T[] {
  return sql.exec(query, ...bindings).toArray() as unknown as T[];
}

/** The workspace row, tombstoned or not; undefined before `createWorkspace`. */
export function workspaceRow(sql: SqlExec): WorkspaceRow | undefined {
  return rows<WorkspaceRow>(sql, "SELECT * FROM workspace LIMIT 1")[0];
}

export function activityRows(sql: SqlExec): ActivityRow[] {
  return rows<ActivityRow>(sql, "SELECT * FROM activities ORDER BY date_created, sid");
}
export function activityRow(sql: SqlExec, sid: string): ActivityRow | undefined {
  return rows<ActivityRow>(sql, "SELECT * FROM activities WHERE sid = ?", sid)[0];
}

export function taskChannelRows(sql: SqlExec): TaskChannelRow[] {
  return rows<TaskChannelRow>(sql, "SELECT * FROM task_channels ORDER BY date_created, sid");
}
/** By SID (TC…) or by unique name, as Twilio's TaskChannel paths allow. */
export function taskChannelRow(sql: SqlExec, sidOrUniqueName: string): TaskChannelRow | undefined {
  return rows<TaskChannelRow>(
    sql,
    "SELECT * FROM task_channels WHERE sid = ? OR unique_name = ? ORDER BY sid = ? DESC LIMIT 1",
    sidOrUniqueName,
    sidOrUniqueName,
    sidOrUniqueName,
  )[0];
}

export function taskQueueRows(sql: SqlExec): TaskQueueRow[] {
  return rows<TaskQueueRow>(sql, "SELECT * FROM task_queues ORDER BY date_created, sid");
}
export function taskQueueRow(sql: SqlExec, sid: string): TaskQueueRow | undefined {
  return rows<TaskQueueRow>(sql, "SELECT * FROM task_queues WHERE sid = ?", sid)[0];
}

export function workflowRows(sql: SqlExec): WorkflowRow[] {
  return rows<WorkflowRow>(sql, "SELECT * FROM workflows ORDER BY date_created, sid");
}
export function workflowRow(sql: SqlExec, sid: string): WorkflowRow | undefined {
  return rows<WorkflowRow>(sql, "SELECT * FROM workflows WHERE sid = ?", sid)[0];
}

/** The friendly names of the workflows that route to a queue, for the refusal to delete it. */
export function workflowsUsingQueue(sql: SqlExec, queueSid: string): { sid: string; friendly_name: string }[] {
  return rows(
    sql,
    `SELECT w.sid, w.friendly_name FROM workflow_queues q JOIN workflows w ON w.sid = q.workflow_sid
     WHERE q.queue_sid = ? ORDER BY w.date_created, w.sid`,
    queueSid,
  );
}

/** Names of every activity, for the `*_activity_name` fields. */
export function activityNames(sql: SqlExec): Map<string, string> {
  return new Map(
    rows<{ sid: string; friendly_name: string }>(sql, "SELECT sid, friendly_name FROM activities").map((r) => [r.sid, r.friendly_name]),
  );
}

const nameOf = (names: ReadonlyMap<string, string>, sid: string | null): string | null => (sid === null ? null : (names.get(sid) ?? null));

/** The regions the workspace uses, home first, then in the order they joined. */
export const workspaceRegions = (sql: SqlExec): string[] =>
  rows<{ region: string }>(sql, "SELECT region FROM sb_regions ORDER BY position").map((row) => row.region);

/**
 * Makes `region` one of the workspace's regions (after those already there; one already there stays
 * where it is). Its Router gets the configuration from the delivery that follows every change.
 */
export function joinRegion(sql: SqlExec, region: string): void {
  sql.exec(
    `INSERT INTO sb_regions (region, position, router_version)
     SELECT ?, (SELECT coalesce(max(position), -1) + 1 FROM sb_regions), 0
     WHERE NOT EXISTS (SELECT 1 FROM sb_regions WHERE region = ?)`,
    region,
    region,
  );
}

export function workspaceRecord(row: WorkspaceRow, names: ReadonlyMap<string, string>, regions: readonly string[]): WorkspaceRecord {
  return {
    account_sid: row.account_sid,
    sid: row.sid,
    friendly_name: row.friendly_name,
    event_callback_url: row.event_callback_url,
    events_filter: row.events_filter,
    default_activity_sid: row.default_activity_sid,
    default_activity_name: nameOf(names, row.default_activity_sid),
    timeout_activity_sid: row.timeout_activity_sid,
    timeout_activity_name: nameOf(names, row.timeout_activity_sid),
    multi_task_enabled: row.multi_task_enabled === 1,
    prioritize_queue_order: row.prioritize_queue_order,
    card_masking_enabled: row.card_masking_enabled === 1,
    hold_music_url: row.hold_music_url,
    home_region: row.home_region,
    regions: [...regions],
    jurisdiction: jurisdictionOf(row.sid),
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}

export function activityRecord(ws: WorkspaceRow, row: ActivityRow): ActivityRecord {
  return {
    account_sid: ws.account_sid,
    workspace_sid: ws.sid,
    sid: row.sid,
    friendly_name: row.friendly_name,
    available: row.available === 1,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}

export function taskChannelRecord(ws: WorkspaceRow, row: TaskChannelRow): TaskChannelRecord {
  return {
    account_sid: ws.account_sid,
    workspace_sid: ws.sid,
    sid: row.sid,
    friendly_name: row.friendly_name,
    unique_name: row.unique_name,
    channel_optimized_routing: row.channel_optimized_routing === 1,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}

export function taskQueueRecord(ws: WorkspaceRow, row: TaskQueueRow, names: ReadonlyMap<string, string>): TaskQueueRecord {
  return {
    account_sid: ws.account_sid,
    workspace_sid: ws.sid,
    sid: row.sid,
    friendly_name: row.friendly_name,
    target_workers: row.target_workers,
    max_reserved_workers: row.max_reserved_workers,
    task_order: row.task_order,
    reservation_activity_sid: row.reservation_activity_sid,
    reservation_activity_name: nameOf(names, row.reservation_activity_sid),
    assignment_activity_sid: row.assignment_activity_sid,
    assignment_activity_name: nameOf(names, row.assignment_activity_sid),
    sla_threshold_seconds: row.sla_threshold_seconds,
    waiting_threshold: row.waiting_threshold,
    longest_wait_threshold_seconds: row.longest_wait_threshold_seconds,
    service_level_target: row.service_level_target,
    wrap_up_timeout_seconds: row.wrap_up_timeout_seconds,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}

export function workflowRecord(ws: WorkspaceRow, row: WorkflowRow): WorkflowRecord {
  return {
    account_sid: ws.account_sid,
    workspace_sid: ws.sid,
    sid: row.sid,
    friendly_name: row.friendly_name,
    configuration: row.configuration,
    assignment_callback_url: row.assignment_callback_url,
    fallback_assignment_callback_url: row.fallback_assignment_callback_url,
    task_reservation_timeout: row.task_reservation_timeout,
    document_content_type: "application/json",
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}
