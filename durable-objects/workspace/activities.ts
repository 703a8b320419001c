/**
 * Activities: what a worker is doing (Offline, Available, Break…) and whether that lets them receive
 * tasks. `available` is fixed at creation because workers' availability is derived from it. An
 * activity the workspace or a queue relies on (default, timeout, a queue's reservation or assignment
 * activity) cannot be deleted: workers would be moved to an activity that no longer exists.
 */
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { newSid } from "../../contract/ids";
import type { ActivityRecord } from "../../contract/taskrouter";
import { configEvent, type Change, type EventSubject, type Scope } from "./config-change";
import { checkFriendlyName } from "./checks";
import type { ActivityFilters, CreateActivityInput, UpdateActivityInput } from "./config-inputs";
import { pageOfRows } from "../kit/paging";
import { activityRecord, activityRow, activityRows, type ActivityRow } from "./workspace-rows";

type ReadScope = Pick<Scope, "sql" | "ws">;

export const activitySubject = (row: ActivityRow): EventSubject => ({
  type: "Activity",
  sid: row.sid,
  path: `Activities/${row.sid}`,
  name: row.friendly_name,
  data: { activity_available: row.available === 1 },
});

function nameTaken(scope: ReadScope, name: string, except?: string): boolean {
  return scope.sql.exec("SELECT 1 FROM activities WHERE friendly_name = ? AND sid IS NOT ?", name, except ?? null).toArray().length > 0;
}

export function listActivities(scope: ReadScope, filters: ActivityFilters, page: PageRequest): ApiResult<Page<ActivityRecord>> {
  const rows = activityRows(scope.sql).filter(
    (row) =>
      (filters.friendlyName === undefined || row.friendly_name === filters.friendlyName) &&
      (filters.available === undefined || row.available === (filters.available ? 1 : 0)),
  );
  return pageOfRows(rows, page, (row) => activityRecord(scope.ws, row));
}

export function getActivity(scope: ReadScope, sid: string): ApiResult<ActivityRecord> {
  const row = activityRow(scope.sql, sid);
  return row ? ok(activityRecord(scope.ws, row)) : notFound("Activity", sid);
}

/** Inserts an activity without checks: for the workspace's defaults, whose names are known to be free. */
export function insertActivity(scope: Scope, friendlyName: string, available: boolean): ActivityRow {
  const row: ActivityRow = {
    sid: newSid("WA"),
    friendly_name: friendlyName,
    available: available ? 1 : 0,
    date_created: scope.now,
    date_updated: scope.now,
  };
  scope.sql.exec(
    "INSERT INTO activities (sid, friendly_name, available, date_created, date_updated) VALUES (?, ?, ?, ?, ?)",
    row.sid,
    row.friendly_name,
    row.available,
    row.date_created,
    row.date_updated,
  );
  return row;
}

export function createActivity(scope: Scope, input: CreateActivityInput): ApiResult<Change<ActivityRecord>> {
  const bad = checkFriendlyName("FriendlyName", input.friendlyName);
  if (bad) return bad;
  if (nameTaken(scope, input.friendlyName))
    return invalid("FriendlyName", `an Activity named ${JSON.stringify(input.friendlyName)} already exists`);
  const row = insertActivity(scope, input.friendlyName, input.available ?? true);
  return ok({ value: activityRecord(scope.ws, row), events: [configEvent(scope, "activity.created", activitySubject(row))] });
}

export function updateActivity(scope: Scope, sid: string, input: UpdateActivityInput): ApiResult<Change<ActivityRecord>> {
  const current = activityRow(scope.sql, sid);
  if (!current) return notFound("Activity", sid);
  const friendlyName = input.friendlyName ?? current.friendly_name;
  const bad = checkFriendlyName("FriendlyName", friendlyName);
  if (bad) return bad;
  if (nameTaken(scope, friendlyName, sid))
    return invalid("FriendlyName", `an Activity named ${JSON.stringify(friendlyName)} already exists`);
  scope.sql.exec("UPDATE activities SET friendly_name = ?, date_updated = ? WHERE sid = ?", friendlyName, scope.now, sid);
  const row: ActivityRow = { ...current, friendly_name: friendlyName, date_updated: scope.now };
  return ok({ value: activityRecord(scope.ws, row), events: [configEvent(scope, "activity.updated", activitySubject(row))] });
}

/** Why an activity cannot go, or undefined when nothing relies on it. */
function inUse(scope: Scope, sid: string): string | undefined {
  if (scope.ws.default_activity_sid === sid) return "it is the workspace's default activity (DefaultActivitySid)";
  if (scope.ws.timeout_activity_sid === sid) return "it is the workspace's timeout activity (TimeoutActivitySid)";
  const [queue] = scope.sql
    .exec(
      "SELECT friendly_name FROM task_queues WHERE reservation_activity_sid = ? OR assignment_activity_sid = ? ORDER BY date_created, sid LIMIT 1",
      sid,
      sid,
    )
    .toArray();
  if (queue) return `TaskQueue ${JSON.stringify(queue.friendly_name)} uses it as its reservation or assignment activity`;
  return undefined;
}

export function deleteActivity(scope: Scope, sid: string): ApiResult<Change<null>> {
  const current = activityRow(scope.sql, sid);
  if (!current) return notFound("Activity", sid);
  const reason = inUse(scope, sid);
  if (reason) return fail(400, 20001, `Activity ${sid} cannot be deleted: ${reason}`);
  scope.sql.exec("DELETE FROM activities WHERE sid = ?", sid);
  return ok({ value: null, events: [configEvent(scope, "activity.deleted", activitySubject(current))] });
}
