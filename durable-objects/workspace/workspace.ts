/**
 * The workspace itself: its settings, what a new workspace starts with, and its deletion.
 *
 * A new workspace gets Twilio's defaults — activities Offline (default and timeout activity),
 * Available and Unavailable; task channels default, voice, chat, sms, video and email — and with
 * `Template=FIFO` a "Sample Queue" that every worker belongs to and a "Default Fifo Workflow" sending
 * every task there. Deleting a workspace wipes its resources and leaves the row as a tombstone, so its
 * SID answers 404 forever and is never created again.
 */
import { fail, invalid, ok, type ApiResult, type WorkspaceConfigSnapshot } from "../common/rpc";
import type { EventRecord, WorkspaceRecord } from "../../contract/taskrouter";
import type { SqlExec } from "../kit/sql-host";
import { jurisdictionOf } from "../../platform/jurisdictions";
import { activitySubject, insertActivity } from "./activities";
import { configEvent, type Change, type EventSubject, type Scope } from "./config-change";
import { checkActivityRef, checkFriendlyName, optionalUrl } from "./checks";
import type { CreateWorkspaceInput, UpdateWorkspaceInput } from "./config-inputs";
import {
  activityNames,
  activityRecord,
  activityRows,
  taskChannelRecord,
  taskChannelRows,
  taskQueueRecord,
  taskQueueRows,
  workflowRecord,
  joinRegion,
  workflowRows,
  workspaceRecord,
  workspaceRegions,
  type WorkspaceRow,
} from "./workspace-rows";
import { DEFAULT_TASK_CHANNELS, insertTaskChannel, taskChannelSubject } from "./task-channels";
import { createTaskQueue } from "./task-queues";
import { createWorkflow } from "./workflows";
import { namedCalendars } from "./calendars";

const subject = (row: WorkspaceRow): EventSubject => ({ type: "Workspace", sid: row.sid, path: "", name: row.friendly_name });

export function currentRecord(sql: SqlExec, row: WorkspaceRow): WorkspaceRecord {
  return workspaceRecord(row, activityNames(sql), workspaceRegions(sql));
}

function checkQueueOrder(value: string | undefined): ApiResult<"FIFO" | "LIFO" | undefined> {
  if (value === undefined || value === "FIFO" || value === "LIFO") return ok(value);
  return invalid("PrioritizeQueueOrder", `must be FIFO or LIFO, got ${JSON.stringify(value)}`);
}

/** Checks and stores a new workspace with its default activities and channels (and the FIFO template). */
export function createWorkspace(
  sql: SqlExec,
  accountSid: string,
  sid: string,
  input: CreateWorkspaceInput,
  now: number,
  homeRegion: string,
): ApiResult<Change<WorkspaceRecord>> {
  const bad = checkFriendlyName("FriendlyName", input.friendlyName);
  if (bad) return bad;
  const callback = optionalUrl("EventCallbackUrl", input.eventCallbackUrl, null);
  if (!("value" in callback)) return callback;
  const queueOrder = checkQueueOrder(input.prioritizeQueueOrder);
  if (!queueOrder.ok) return queueOrder;
  const holdMusic = optionalUrl("HoldMusicUrl", input.holdMusicUrl, null);
  if (!("value" in holdMusic)) return holdMusic;
  const template = input.template ?? "NONE";
  if (template !== "NONE" && template !== "FIFO") return invalid("Template", `must be NONE or FIFO, got ${JSON.stringify(template)}`);

  let ws: WorkspaceRow = {
    sid,
    account_sid: accountSid,
    friendly_name: input.friendlyName,
    event_callback_url: callback.value,
    events_filter: input.eventsFilter === undefined || input.eventsFilter === "" ? null : input.eventsFilter,
    default_activity_sid: null,
    timeout_activity_sid: null,
    multi_task_enabled: input.multiTaskEnabled === false ? 0 : 1,
    prioritize_queue_order: queueOrder.value ?? "FIFO",
    card_masking_enabled: input.cardMaskingEnabled === false ? 0 : 1,
    hold_music_url: holdMusic.value,
    home_region: homeRegion,
    version: 0,
    date_created: now,
    date_updated: now,
    deleted_at: null,
  };
  const scope: Scope = { sql, ws, now, accountSid };
  const events: EventRecord[] = [];
  const offline = insertActivity(scope, "Offline", false);
  const activities = [offline, insertActivity(scope, "Available", true), insertActivity(scope, "Unavailable", false)];
  ws = { ...ws, default_activity_sid: offline.sid, timeout_activity_sid: offline.sid };
  sql.exec(
    `INSERT INTO workspace (sid, account_sid, friendly_name, event_callback_url, events_filter, default_activity_sid,
       timeout_activity_sid, multi_task_enabled, prioritize_queue_order, card_masking_enabled, hold_music_url, home_region,
       version, date_created, date_updated, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
    ws.sid,
    ws.account_sid,
    ws.friendly_name,
    ws.event_callback_url,
    ws.events_filter,
    ws.default_activity_sid,
    ws.timeout_activity_sid,
    ws.multi_task_enabled,
    ws.prioritize_queue_order,
    ws.card_masking_enabled,
    ws.hold_music_url,
    ws.home_region,
    ws.version,
    ws.date_created,
    ws.date_updated,
  );
  // The home region's Router is the first to be given the configuration.
  sql.exec("INSERT INTO sb_regions (region, position, router_version) VALUES (?, 0, 0)", homeRegion);
  const live: Scope = { ...scope, ws };
  events.push(configEvent(live, "workspace.created", subject(ws)));
  for (const row of activities) events.push(configEvent(live, "activity.created", activitySubject(row)));
  for (const [uniqueName, friendlyName] of DEFAULT_TASK_CHANNELS) {
    events.push(configEvent(live, "task-channel.created", taskChannelSubject(insertTaskChannel(live, uniqueName, friendlyName, false))));
  }
  if (template === "FIFO") {
    const queue = createTaskQueue(live, { friendlyName: "Sample Queue", targetWorkers: "1==1" });
    if (!queue.ok) return queue;
    const configuration = JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.value.value.sid } } });
    const workflow = createWorkflow(live, { friendlyName: "Default Fifo Workflow", configuration });
    if (!workflow.ok) return workflow;
    events.push(...queue.value.events, ...workflow.value.events);
  }
  return ok({ value: currentRecord(sql, ws), events });
}

export function updateWorkspace(scope: Scope, input: UpdateWorkspaceInput): ApiResult<Change<WorkspaceRecord>> {
  const { sql, ws } = scope;
  if (input.jurisdiction !== undefined && (input.jurisdiction || null) !== jurisdictionOf(ws.sid)) {
    return invalid("Jurisdiction", "moving a workspace between jurisdictions is not supported");
  }
  const friendlyName = input.friendlyName ?? ws.friendly_name;
  const bad = checkFriendlyName("FriendlyName", friendlyName);
  if (bad) return bad;
  const callback = optionalUrl("EventCallbackUrl", input.eventCallbackUrl, ws.event_callback_url);
  if (!("value" in callback)) return callback;
  const queueOrder = checkQueueOrder(input.prioritizeQueueOrder);
  if (!queueOrder.ok) return queueOrder;
  const holdMusic = optionalUrl("HoldMusicUrl", input.holdMusicUrl, ws.hold_music_url);
  if (!("value" in holdMusic)) return holdMusic;
  for (const [param, sid] of [
    ["DefaultActivitySid", input.defaultActivitySid],
    ["TimeoutActivitySid", input.timeoutActivitySid],
  ] as const) {
    const wrong = sid === undefined ? undefined : checkActivityRef(sql, param, sid);
    if (wrong) return wrong;
  }

  const row: WorkspaceRow = {
    ...ws,
    friendly_name: friendlyName,
    event_callback_url: callback.value,
    events_filter: input.eventsFilter === undefined ? ws.events_filter : input.eventsFilter === "" ? null : input.eventsFilter,
    multi_task_enabled: input.multiTaskEnabled === undefined ? ws.multi_task_enabled : input.multiTaskEnabled ? 1 : 0,
    prioritize_queue_order: queueOrder.value ?? ws.prioritize_queue_order,
    card_masking_enabled: input.cardMaskingEnabled === undefined ? ws.card_masking_enabled : input.cardMaskingEnabled ? 1 : 0,
    hold_music_url: holdMusic.value,
    default_activity_sid: input.defaultActivitySid ?? ws.default_activity_sid,
    timeout_activity_sid: input.timeoutActivitySid ?? ws.timeout_activity_sid,
    date_updated: scope.now,
  };
  sql.exec(
    `UPDATE workspace SET friendly_name = ?, event_callback_url = ?, events_filter = ?, multi_task_enabled = ?,
       prioritize_queue_order = ?, card_masking_enabled = ?, hold_music_url = ?, default_activity_sid = ?, timeout_activity_sid = ?,
       date_updated = ?
     WHERE sid = ?`,
    row.friendly_name,
    row.event_callback_url,
    row.events_filter,
    row.multi_task_enabled,
    row.prioritize_queue_order,
    row.card_masking_enabled,
    row.hold_music_url,
    row.default_activity_sid,
    row.timeout_activity_sid,
    row.date_updated,
    row.sid,
  );
  return ok({ value: currentRecord(sql, row), events: [configEvent({ ...scope, ws: row }, "workspace.updated", subject(row))] });
}

/**
 * Adds `region` to the regions the workspace uses (after those already there); its Router is then
 * given the configuration by the delivery that follows every change. No event: Twilio has none for it.
 */
export function addRegion(scope: Scope, region: string): ApiResult<Change<string[]>> {
  joinRegion(scope.sql, region);
  return ok({ value: workspaceRegions(scope.sql), events: [] });
}

/** Wipes every resource and tombstones the workspace row. */
export function deleteWorkspace(scope: Scope): ApiResult<Change<null>> {
  const { sql, ws } = scope;
  if (ws.deleted_at !== null) return fail(404, 20404, `The requested resource Workspace ${ws.sid} was not found`);
  for (const table of ["workflow_queues", "workflows", "task_queues", "task_channels", "activities"] as const) {
    sql.exec(`DELETE FROM ${table}`); // table names come from the constant list above, never from input
  }
  sql.exec(
    "UPDATE workspace SET deleted_at = ?, date_updated = ?, default_activity_sid = NULL, timeout_activity_sid = NULL WHERE sid = ?",
    scope.now,
    scope.now,
    ws.sid,
  );
  return ok({ value: null, events: [configEvent(scope, "workspace.deleted", subject(ws))] });
}

/**
 * Everything the Router needs, at the current version. A deleted workspace has no resources, and the
 * `workspace.deleted` event that came with the last change tells the Router to drop its state.
 */
export function loadSnapshot(sql: SqlExec, ws: WorkspaceRow): WorkspaceConfigSnapshot {
  const names = activityNames(sql);
  return {
    version: ws.version,
    workspace: workspaceRecord(ws, names, workspaceRegions(sql)),
    activities: activityRows(sql).map((row) => activityRecord(ws, row)),
    taskChannels: taskChannelRows(sql).map((row) => taskChannelRecord(ws, row)),
    taskQueues: taskQueueRows(sql).map((row) => taskQueueRecord(ws, row, names)),
    workflows: workflowRows(sql).map((row) => workflowRecord(ws, row)),
    calendars: namedCalendars(sql),
  };
}
