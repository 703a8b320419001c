/**
 * TaskQueues: which workers may take a task (`target_workers`), how many may be offered it at once, FIFO
 * or LIFO, and the activities single-tasking workers move to. Settings are parsed by the routing core's
 * own parser (router/queues), so a queue the API accepts is one the Router can load: a TargetWorkers
 * syntax error comes back as a 400 with its position and token. A queue a workflow routes to cannot be
 * deleted — the workflow would send tasks nowhere — and the refusal names the workflow.
 */
import { tryCompileExpression, type Attributes } from "../router/expression";
import { parseTaskQueueConfig } from "../router/queues";
import { calendarRefs } from "../router/workflow";
import { calendarNames } from "./calendars";
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { newSid } from "../../contract/ids";
import type { TaskQueueRecord } from "../../contract/taskrouter";
import { configEvent, type Change, type EventSubject, type Scope } from "./config-change";
import { checkActivityRef, checkFriendlyName, problemsFailure } from "./checks";
import type { CreateTaskQueueInput, TaskQueueFilters, UpdateTaskQueueInput } from "./config-inputs";
import { pageOfRows } from "../kit/paging";
import { applyDesk, NO_DESK } from "./task-queue-desk";
import { activityNames, taskQueueRecord, taskQueueRow, taskQueueRows, workflowsUsingQueue, type TaskQueueRow } from "./workspace-rows";

type ReadScope = Pick<Scope, "sql" | "ws">;

const subject = (row: TaskQueueRow): EventSubject => ({
  type: "TaskQueue",
  sid: row.sid,
  path: `TaskQueues/${row.sid}`,
  name: row.friendly_name,
  data: { task_queue_target_expression: row.target_workers },
});

/** Parses `EvaluateWorkerAttributes`: a JSON object of worker attributes. */
function workerAttributes(text: string): Attributes | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Attributes) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a worker with these attributes (and no other known field) would be a member of the queue. */
function admits(row: TaskQueueRow, attributes: Attributes): boolean {
  if (row.target_workers.trim() === "") return false; // Twilio: an empty TargetWorkers matches nobody
  const compiled = tryCompileExpression(row.target_workers, "queue");
  if (!compiled.ok) return false; // not reachable: stored expressions were compiled when saved
  const worker = { sid: "", friendlyName: "", activitySid: "", activityName: "", attributes, channels: {} };
  return compiled.expression.evaluate({ worker });
}

export function listTaskQueues(scope: ReadScope, filters: TaskQueueFilters, page: PageRequest): ApiResult<Page<TaskQueueRecord>> {
  let attributes: Attributes | undefined;
  if (filters.evaluateWorkerAttributes !== undefined) {
    attributes = workerAttributes(filters.evaluateWorkerAttributes);
    if (!attributes) return invalid("EvaluateWorkerAttributes", "must be a JSON object of worker attributes");
  }
  const order = filters.ordering === "DateCreated:desc" ? "desc" : "asc";
  const sids = filters.sids === undefined ? undefined : new Set(filters.sids);
  const rows = taskQueueRows(scope.sql).filter(
    (row) =>
      (filters.friendlyName === undefined || row.friendly_name === filters.friendlyName) &&
      (sids === undefined || sids.has(row.sid)) &&
      (attributes === undefined || admits(row, attributes)),
  );
  if (order === "desc") rows.reverse();
  const names = activityNames(scope.sql);
  return pageOfRows(rows, page, (row) => taskQueueRecord(scope.ws, row, names), order);
}

export function getTaskQueue(scope: ReadScope, sid: string): ApiResult<TaskQueueRecord> {
  const row = taskQueueRow(scope.sql, sid);
  return row ? ok(taskQueueRecord(scope.ws, row, activityNames(scope.sql))) : notFound("TaskQueue", sid);
}

/**
 * The row a create or update would store, after every check; a failure changes nothing.
 * `"" ` for an activity SID on update clears it.
 */
function validRow(scope: Scope, current: TaskQueueRow, patch: UpdateTaskQueueInput): ApiResult<TaskQueueRow> {
  const friendlyName = patch.friendlyName ?? current.friendly_name;
  const bad = checkFriendlyName("FriendlyName", friendlyName);
  if (bad) return bad;
  const taken = scope.sql.exec("SELECT 1 FROM task_queues WHERE friendly_name = ? AND sid != ?", friendlyName, current.sid).toArray();
  if (taken.length > 0) return invalid("FriendlyName", `a TaskQueue named ${JSON.stringify(friendlyName)} already exists`);

  const parsed = parseTaskQueueConfig({
    sid: current.sid,
    friendlyName,
    targetWorkers: patch.targetWorkers ?? current.target_workers,
    maxReservedWorkers: patch.maxReservedWorkers ?? current.max_reserved_workers,
    taskOrder: patch.taskOrder ?? current.task_order,
  });
  if (!parsed.ok) return problemsFailure(undefined, parsed.problems);
  const calendars = calendarNames(scope.sql);
  const unknown = calendarRefs(parsed.queue.targetWorkers).find((name) => !calendars.has(name));
  if (unknown !== undefined)
    return invalid(
      "TargetWorkers",
      `names calendar '${unknown}' (taskrouter.calendars.${unknown}.open), which this workspace does not have`,
    );

  const activity = (param: string, given: string | undefined, now: string | null): ApiResult<string | null> => {
    if (given === undefined) return ok(now);
    if (given === "") return ok(null);
    return checkActivityRef(scope.sql, param, given) ?? ok(given);
  };
  const reservation = activity("ReservationActivitySid", patch.reservationActivitySid, current.reservation_activity_sid);
  if (!reservation.ok) return reservation;
  const assignment = activity("AssignmentActivitySid", patch.assignmentActivitySid, current.assignment_activity_sid);
  if (!assignment.ok) return assignment;
  const desk = applyDesk(current, patch.desk);
  if (!desk.ok) return desk;

  return ok({
    ...desk.value,
    friendly_name: friendlyName,
    target_workers: parsed.queue.targetWorkers.source,
    max_reserved_workers: parsed.queue.maxReservedWorkers,
    task_order: parsed.queue.taskOrder,
    reservation_activity_sid: reservation.value,
    assignment_activity_sid: assignment.value,
    date_updated: scope.now,
  });
}

function save(scope: Scope, row: TaskQueueRow): void {
  scope.sql.exec(
    `INSERT INTO task_queues (sid, friendly_name, target_workers, max_reserved_workers, task_order,
       reservation_activity_sid, assignment_activity_sid, sla_threshold_seconds, waiting_threshold,
       longest_wait_threshold_seconds, service_level_target, wrap_up_timeout_seconds, date_created, date_updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET friendly_name = excluded.friendly_name, target_workers = excluded.target_workers,
       max_reserved_workers = excluded.max_reserved_workers, task_order = excluded.task_order,
       reservation_activity_sid = excluded.reservation_activity_sid, assignment_activity_sid = excluded.assignment_activity_sid,
       sla_threshold_seconds = excluded.sla_threshold_seconds, waiting_threshold = excluded.waiting_threshold,
       longest_wait_threshold_seconds = excluded.longest_wait_threshold_seconds,
       service_level_target = excluded.service_level_target, wrap_up_timeout_seconds = excluded.wrap_up_timeout_seconds,
       date_updated = excluded.date_updated`,
    row.sid,
    row.friendly_name,
    row.target_workers,
    row.max_reserved_workers,
    row.task_order,
    row.reservation_activity_sid,
    row.assignment_activity_sid,
    row.sla_threshold_seconds,
    row.waiting_threshold,
    row.longest_wait_threshold_seconds,
    row.service_level_target,
    row.wrap_up_timeout_seconds,
    row.date_created,
    row.date_updated,
  );
}

export function createTaskQueue(scope: Scope, input: CreateTaskQueueInput): ApiResult<Change<TaskQueueRecord>> {
  const blank: TaskQueueRow = {
    sid: newSid("WQ"),
    friendly_name: input.friendlyName,
    target_workers: "1==1",
    max_reserved_workers: 1,
    task_order: "FIFO",
    reservation_activity_sid: null,
    assignment_activity_sid: null,
    ...NO_DESK,
    date_created: scope.now,
    date_updated: scope.now,
  };
  const row = validRow(scope, blank, input);
  if (!row.ok) return row;
  save(scope, row.value);
  const record = taskQueueRecord(scope.ws, row.value, activityNames(scope.sql));
  return ok({ value: record, events: [configEvent(scope, "task-queue.created", subject(row.value))] });
}

export function updateTaskQueue(scope: Scope, sid: string, input: UpdateTaskQueueInput): ApiResult<Change<TaskQueueRecord>> {
  const current = taskQueueRow(scope.sql, sid);
  if (!current) return notFound("TaskQueue", sid);
  const row = validRow(scope, current, input);
  if (!row.ok) return row;
  save(scope, row.value);
  const events = [configEvent(scope, "task-queue.updated", subject(row.value))];
  if (row.value.target_workers !== current.target_workers)
    events.push(configEvent(scope, "task-queue.expression.updated", subject(row.value)));
  return ok({ value: taskQueueRecord(scope.ws, row.value, activityNames(scope.sql)), events });
}

export function deleteTaskQueue(scope: Scope, sid: string): ApiResult<Change<null>> {
  const current = taskQueueRow(scope.sql, sid);
  if (!current) return notFound("TaskQueue", sid);
  const users = workflowsUsingQueue(scope.sql, sid);
  if (users.length > 0) {
    const named = users.map((w) => `${JSON.stringify(w.friendly_name)} (${w.sid})`).join(", ");
    return fail(400, 20001, `TaskQueue ${sid} cannot be deleted: Workflow ${named} routes tasks to it; remove it from the workflow first`);
  }
  scope.sql.exec("DELETE FROM task_queues WHERE sid = ?", sid);
  return ok({ value: null, events: [configEvent(scope, "task-queue.deleted", subject(current))] });
}
