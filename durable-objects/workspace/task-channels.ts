/**
 * TaskChannels: the kinds of work (voice, chat, sms…) a worker has capacity for. A channel is found by
 * its SID or by its unique name, which tasks and worker-channel paths use, so the unique name is fixed
 * at creation, is a single path segment (no whitespace or "/") and cannot look like a TaskChannel SID.
 * Like Twilio, a name with a hyphen or a dot is accepted although `worker.channel.<name>.…` expressions
 * cannot address it.
 */
import { invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { isSid, newSid } from "../../contract/ids";
import type { TaskChannelRecord } from "../../contract/taskrouter";
import { configEvent, type Change, type EventSubject, type Scope } from "./config-change";
import { checkFriendlyName } from "./checks";
import type { CreateTaskChannelInput, UpdateTaskChannelInput } from "./config-inputs";
import { pageOfRows } from "../kit/paging";
import { taskChannelRecord, taskChannelRow, taskChannelRows, type TaskChannelRow } from "./workspace-rows";

type ReadScope = Pick<Scope, "sql" | "ws">;

const UNIQUE_NAME = /^[^\s/]{1,64}$/;

/** The channels every workspace starts with, as Twilio creates them: unique name → friendly name. */
export const DEFAULT_TASK_CHANNELS: readonly (readonly [string, string])[] = [
  ["default", "Default"],
  ["voice", "Voice"],
  ["chat", "Chat"],
  ["sms", "SMS"],
  ["video", "Video"],
  ["email", "Email"],
];

export const taskChannelSubject = (row: TaskChannelRow): EventSubject => ({
  type: "TaskChannel",
  sid: row.sid,
  path: `TaskChannels/${row.sid}`,
  name: row.friendly_name,
  data: { task_channel_unique_name: row.unique_name, task_channel_optimized_routing: row.channel_optimized_routing === 1 },
});

export function listTaskChannels(scope: ReadScope, page: PageRequest): ApiResult<Page<TaskChannelRecord>> {
  return pageOfRows(taskChannelRows(scope.sql), page, (row) => taskChannelRecord(scope.ws, row));
}

/** By SID (TC…) or unique name. */
export function getTaskChannel(scope: ReadScope, sidOrUniqueName: string): ApiResult<TaskChannelRecord> {
  const row = taskChannelRow(scope.sql, sidOrUniqueName);
  return row ? ok(taskChannelRecord(scope.ws, row)) : notFound("TaskChannel", sidOrUniqueName);
}

/** Inserts a channel without checks: for the workspace's defaults. */
export function insertTaskChannel(
  scope: Scope,
  uniqueName: string,
  friendlyName: string,
  channelOptimizedRouting: boolean,
): TaskChannelRow {
  const row: TaskChannelRow = {
    sid: newSid("TC"),
    friendly_name: friendlyName,
    unique_name: uniqueName,
    channel_optimized_routing: channelOptimizedRouting ? 1 : 0,
    date_created: scope.now,
    date_updated: scope.now,
  };
  scope.sql.exec(
    "INSERT INTO task_channels (sid, friendly_name, unique_name, channel_optimized_routing, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?)",
    row.sid,
    row.friendly_name,
    row.unique_name,
    row.channel_optimized_routing,
    row.date_created,
    row.date_updated,
  );
  return row;
}

export function createTaskChannel(scope: Scope, input: CreateTaskChannelInput): ApiResult<Change<TaskChannelRecord>> {
  const bad = checkFriendlyName("FriendlyName", input.friendlyName);
  if (bad) return bad;
  if (!UNIQUE_NAME.test(input.uniqueName) || isSid("TC", input.uniqueName)) {
    return invalid(
      "UniqueName",
      `must be 1 to 64 characters without whitespace or "/", and not a TaskChannel SID, got ${JSON.stringify(input.uniqueName)}`,
    );
  }
  if (scope.sql.exec("SELECT 1 FROM task_channels WHERE unique_name = ?", input.uniqueName).toArray().length > 0) {
    return invalid("UniqueName", `a TaskChannel with unique name ${JSON.stringify(input.uniqueName)} already exists`);
  }
  const row = insertTaskChannel(scope, input.uniqueName, input.friendlyName, input.channelOptimizedRouting ?? false);
  return ok({ value: taskChannelRecord(scope.ws, row), events: [configEvent(scope, "task-channel.created", taskChannelSubject(row))] });
}

export function updateTaskChannel(
  scope: Scope,
  sidOrUniqueName: string,
  input: UpdateTaskChannelInput,
): ApiResult<Change<TaskChannelRecord>> {
  const current = taskChannelRow(scope.sql, sidOrUniqueName);
  if (!current) return notFound("TaskChannel", sidOrUniqueName);
  const friendlyName = input.friendlyName ?? current.friendly_name;
  const bad = checkFriendlyName("FriendlyName", friendlyName);
  if (bad) return bad;
  const optimized = input.channelOptimizedRouting === undefined ? current.channel_optimized_routing : input.channelOptimizedRouting ? 1 : 0;
  scope.sql.exec(
    "UPDATE task_channels SET friendly_name = ?, channel_optimized_routing = ?, date_updated = ? WHERE sid = ?",
    friendlyName,
    optimized,
    scope.now,
    current.sid,
  );
  const row: TaskChannelRow = { ...current, friendly_name: friendlyName, channel_optimized_routing: optimized, date_updated: scope.now };
  return ok({ value: taskChannelRecord(scope.ws, row), events: [configEvent(scope, "task-channel.updated", taskChannelSubject(row))] });
}

export function deleteTaskChannel(scope: Scope, sidOrUniqueName: string): ApiResult<Change<null>> {
  const current = taskChannelRow(scope.sql, sidOrUniqueName);
  if (!current) return notFound("TaskChannel", sidOrUniqueName);
  scope.sql.exec("DELETE FROM task_channels WHERE sid = ?", current.sid);
  return ok({ value: null, events: [configEvent(scope, "task-channel.deleted", taskChannelSubject(current))] });
}
