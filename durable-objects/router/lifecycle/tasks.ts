/**
 * Tasks: create (the engine routes it at once), read (age computed now), update (attributes re-run
 * the workflow, priority and virtual start time re-order, AssignmentStatus cancels, wraps up or
 * completes), delete, and list with Twilio's filters and ordering.
 */
import { tryCompileExpression } from "../expression";
import { pageFrom, slicePage, type PageWindow } from "../../kit/paging";
import { rows, type SqlValue } from "../../kit/sql-host";
import { pendingOfTask } from "../store/reservation-store";
import { tasks, type TaskRow } from "../store/task-store";
import { setTimer } from "../../kit/timers";
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../../common/rpc";
import type { TaskRecord, TaskStatus } from "../../../contract/taskrouter";
import { storedAttributes, storedReason } from "./card-masking";
import { checkAttributes, checkDate, checkInteger, checkOrdering, checkString, MAX_PRIORITY } from "./checks";
import { taskEvent } from "./events";
import { newTask, parseAttributes } from "./load";
import type { Op } from "./router-operation";
import { applyOutcome } from "./routing-outcome";
import { etagMatches, etagOf, taskRecord } from "./api-records";
import { cancel, complete, remove, wrapUp } from "./transitions";
import { preconditionFailed } from "./workers";
import { movedAway } from "./handover";
import { DEFAULT_TASK_TIMEOUT_S, MAX_TASK_TIMEOUT_S } from "../../common/task-limits";

export { DEFAULT_TASK_TIMEOUT_S, MAX_TASK_TIMEOUT_S };
/** VirtualStartTime may not be before 1900 (Twilio). */
const EARLIEST_START = Date.UTC(1900, 0, 1);
export const TASK_STATUSES: readonly TaskStatus[] = ["pending", "reserved", "assigned", "canceled", "completed", "wrapping"];

export interface CreateTaskInput {
  /** JSON text of an object, default `{}`. */
  readonly attributes?: string;
  /** Optional when the workspace has exactly one workflow. */
  readonly workflowSid?: string;
  /** TTL in seconds until assignment, 1..1 209 600, default 86 400. */
  readonly timeout?: number;
  /** 0..2^31-1, default 0. */
  readonly priority?: number;
  /** A TaskChannel SID or unique name, default "default". */
  readonly taskChannel?: string;
  /** Epoch ms, not in the future; default: creation time. */
  readonly virtualStartTime?: number;
  /**
   * The caller built the attributes from content it masked itself and knows which fields are
   * addresses (the ConversationDO): they are stored as given. Never set from the REST API.
   */
  readonly attributesMasked?: boolean;
}

export interface UpdateTaskInput {
  readonly attributes?: string;
  /** canceled (pending or reserved tasks), wrapping (assigned), completed (assigned or wrapping). */
  readonly assignmentStatus?: TaskStatus;
  readonly reason?: string;
  readonly priority?: number;
  readonly taskChannel?: string;
  readonly virtualStartTime?: number;
  readonly ifMatch?: string;
}

export interface ListTasksInput extends PageRequest {
  readonly assignmentStatus?: readonly TaskStatus[];
  readonly workflowSid?: string;
  readonly workflowName?: string;
  readonly taskQueueSid?: string;
  readonly taskQueueName?: string;
  /** An expression over task attributes (kind "filter"). */
  readonly evaluateTaskAttributes?: string;
  readonly priority?: number;
  /** `DateCreated`, `Priority`, `VirtualStartTime` with `:asc`/`:desc`, comma-separated; default DateCreated:asc. */
  readonly ordering?: string;
}

export interface TaskResult {
  readonly task: TaskRecord;
  readonly etag: string;
}

const result = (op: Op, row: TaskRow): TaskResult => ({ task: taskRecord(op.view, row, op.now, op.regionId), etag: etagOf(row.version) });
const isWaiting = (task: TaskRow) => task.status === "pending" || task.status === "reserved";

function checkStart(op: Op, value: unknown): ApiResult<number> {
  const date = checkDate(value, "VirtualStartTime");
  if (!date.ok) return date;
  if (date.value > op.now) return invalid("VirtualStartTime", "must not be in the future");
  if (date.value < EARLIEST_START) return invalid("VirtualStartTime", "must not be before 1900");
  return date;
}

export function createTask(op: Op, input: CreateTaskInput): ApiResult<TaskResult> {
  const attributes = checkAttributes(input.attributes ?? "{}");
  if (!attributes.ok) return attributes;
  let workflowSid = input.workflowSid;
  if (workflowSid === undefined) {
    const all = op.view.workflowList;
    if (all.length === 0) return invalid("WorkflowSid", "is required: the workspace has no Workflow yet");
    if (all.length > 1) return invalid("WorkflowSid", "is required when the workspace has more than one Workflow");
    workflowSid = all[0]!.sid;
  }
  const workflowText = checkString(workflowSid, "WorkflowSid");
  if (!workflowText.ok) return workflowText;
  if (!op.view.workflow(workflowText.value))
    return invalid("WorkflowSid", `Workflow ${workflowText.value} does not exist in this workspace`);
  if (!op.view.workflowConfig(workflowText.value))
    return fail(400, 20001, `Workflow ${workflowText.value} has a configuration that cannot route tasks`);
  const timeout = checkInteger(input.timeout ?? DEFAULT_TASK_TIMEOUT_S, "Timeout", 1, MAX_TASK_TIMEOUT_S);
  if (!timeout.ok) return timeout;
  const priority = checkInteger(input.priority ?? 0, "Priority", 0, MAX_PRIORITY);
  if (!priority.ok) return priority;
  const channelRef = checkString(input.taskChannel ?? "default", "TaskChannel");
  if (!channelRef.ok) return channelRef;
  const channel = op.view.taskChannelRef(channelRef.value);
  if (!channel)
    return invalid("TaskChannel", `no TaskChannel with SID or unique name ${JSON.stringify(channelRef.value)} in this workspace`);
  const start = input.virtualStartTime === undefined ? ok(op.now) : checkStart(op, input.virtualStartTime);
  if (!start.ok) return start;

  const row: TaskRow = {
    sid: op.mint("WT"),
    workflow_sid: workflowText.value,
    task_channel_sid: channel.sid,
    attributes: input.attributesMasked === true ? attributes.value.text : storedAttributes(op.view, attributes.value),
    status: "pending",
    priority: priority.value,
    reason: null,
    timeout: timeout.value,
    virtual_start_time: start.value,
    queue_sid: null,
    queue_entered_at: null,
    filter_index: null,
    target_index: null,
    workflow_entered_at: null,
    created_at: op.now,
    updated_at: op.now,
    version: 1,
  };
  tasks.save(op.host, row);
  setTimer(op.host, "ttl", row.sid, op.now + timeout.value * 1000);
  op.record(taskEvent(op.view, "task.created", row, op.now, `Task ${row.sid} created`));
  op.countCreated(row);
  applyOutcome(op, op.route.createTask(newTask(op.view, row), op.now));
  return ok(result(op, tasks.get(op.host, row.sid)!));
}

/** A task not here: moved to another region (the caller follows it there), or not found. */
const missingTask = (op: Op, sid: string) => movedAway(op, "Task", sid) ?? notFound("Task", sid);

export function getTask(op: Op, sid: string): ApiResult<TaskResult> {
  const row = tasks.get(op.host, sid);
  return row ? ok(result(op, row)) : missingTask(op, sid);
}

/** Which AssignmentStatus a client may set, from which statuses. */
const ALLOWED_FROM: Readonly<Partial<Record<TaskStatus, readonly TaskStatus[]>>> = {
  canceled: ["pending", "reserved"],
  wrapping: ["assigned"],
  completed: ["assigned", "wrapping"],
};

export function updateTask(op: Op, sid: string, input: UpdateTaskInput): ApiResult<TaskResult> {
  let task = tasks.get(op.host, sid);
  if (!task) return missingTask(op, sid);
  if (!etagMatches(input.ifMatch, task.version)) return preconditionFailed("Task", sid);
  if (task.status === "completed" || task.status === "canceled") {
    return fail(400, 20001, `Task ${sid} is ${task.status} and can no longer be updated`);
  }

  const attributes = input.attributes === undefined ? undefined : checkAttributes(input.attributes);
  if (attributes && !attributes.ok) return attributes;
  const priority = input.priority === undefined ? undefined : checkInteger(input.priority, "Priority", 0, MAX_PRIORITY);
  if (priority && !priority.ok) return priority;
  const reason = input.reason === undefined ? undefined : checkString(input.reason, "Reason");
  if (reason && !reason.ok) return reason;
  const start = input.virtualStartTime === undefined ? undefined : checkStart(op, input.virtualStartTime);
  if (start && !start.ok) return start;
  let channelSid: string | undefined;
  if (input.taskChannel !== undefined) {
    const ref = checkString(input.taskChannel, "TaskChannel");
    if (!ref.ok) return ref;
    const channel = op.view.taskChannelRef(ref.value);
    if (!channel) return invalid("TaskChannel", `no TaskChannel with SID or unique name ${JSON.stringify(ref.value)} in this workspace`);
    if (channel.sid !== task.task_channel_sid && (!isWaiting(task) || pendingOfTask(op.host, sid).length > 0)) {
      return invalid("TaskChannel", "can be changed only while the task is pending, with no open reservation");
    }
    channelSid = channel.sid;
  }
  const status = input.assignmentStatus;
  if (status !== undefined && status !== task.status) {
    const from = ALLOWED_FROM[status];
    if (!TASK_STATUSES.includes(status)) return invalid("AssignmentStatus", `must be one of ${TASK_STATUSES.join(", ")}`);
    if (!from) return invalid("AssignmentStatus", `can be set to canceled, wrapping or completed, not ${status}`);
    if (!from.includes(task.status))
      return fail(400, 20001, `Task ${sid} cannot become ${status}: it is ${task.status} (allowed from ${from.join(" or ")})`);
  }

  const changes: Partial<TaskRow> = {};
  const attributesText = attributes && storedAttributes(op.view, attributes.value, task.attributes);
  if (attributesText !== undefined && attributesText !== task.attributes) changes.attributes = attributesText;
  if (priority && priority.value !== task.priority) changes.priority = priority.value;
  if (start && start.value !== task.virtual_start_time) changes.virtual_start_time = start.value;
  if (channelSid !== undefined && channelSid !== task.task_channel_sid) changes.task_channel_sid = channelSid;
  if (Object.keys(changes).length > 0) {
    task = op.saveTask({ ...task, ...changes });
    op.record(taskEvent(op.view, "task.updated", task, op.now, `Task ${sid} updated`));
    if (op.engine.hasTask(sid)) {
      if (changes.virtual_start_time !== undefined || changes.task_channel_sid !== undefined) {
        const routed = newTask(op.view, task);
        applyOutcome(op, op.route.updateTask(sid, { order: routed.order, channel: routed.channel }, op.now));
      }
      if (changes.priority !== undefined) applyOutcome(op, op.route.updateTaskPriority(sid, changes.priority, op.now));
      if (changes.attributes !== undefined)
        applyOutcome(op, op.route.updateTaskAttributes(sid, parseAttributes(changes.attributes), op.now));
    }
    task = tasks.get(op.host, sid)!;
  }
  if (status !== undefined && status !== task.status) {
    const why = reason ? storedReason(op.view, reason.value) : null;
    if (status === "canceled") cancel(op, task, why);
    else if (status === "wrapping") wrapUp(op, task);
    else if (status === "completed") complete(op, task, why);
  }
  return ok(result(op, tasks.get(op.host, sid)!));
}

export function deleteTask(op: Op, sid: string, ifMatch?: string): ApiResult<null> {
  const task = tasks.get(op.host, sid);
  if (!task) return missingTask(op, sid);
  if (!etagMatches(ifMatch, task.version)) return preconditionFailed("Task", sid);
  remove(op, task, "task.deleted");
  return ok(null);
}

const TASK_ORDERING = { DateCreated: "created_at", Priority: "priority", VirtualStartTime: "virtual_start_time" } as const;

export function listTasks(op: Op, input: ListTasksInput, window: PageWindow): ApiResult<Page<TaskRecord>> {
  const clauses: string[] = [];
  const bindings: SqlValue[] = [];
  const anyOf = (column: string, values: readonly string[]) => {
    clauses.push(`${column} IN (${values.map(() => "?").join(", ")})`);
    bindings.push(...values);
  };
  const empty = () => ok(slicePage<TaskRecord>([], window));

  if (input.assignmentStatus !== undefined && input.assignmentStatus.length > 0) {
    const unknown = input.assignmentStatus.find((status) => !TASK_STATUSES.includes(status));
    if (unknown !== undefined)
      return invalid("AssignmentStatus", `must be one of ${TASK_STATUSES.join(", ")}, got ${JSON.stringify(unknown)}`);
    anyOf("status", input.assignmentStatus);
  }
  if (input.workflowSid !== undefined) anyOf("workflow_sid", [input.workflowSid]);
  if (input.workflowName !== undefined) {
    const named = op.view.workflowsNamed(input.workflowName).map((workflow) => workflow.sid);
    if (named.length === 0) return empty();
    anyOf("workflow_sid", named);
  }
  if (input.taskQueueSid !== undefined) anyOf("queue_sid", [input.taskQueueSid]);
  if (input.taskQueueName !== undefined) {
    const named = op.view.queuesNamed(input.taskQueueName).map((queue) => queue.sid);
    if (named.length === 0) return empty();
    anyOf("queue_sid", named);
  }
  if (input.priority !== undefined) {
    const priority = checkInteger(input.priority, "Priority", 0, MAX_PRIORITY);
    if (!priority.ok) return priority;
    clauses.push("priority = ?");
    bindings.push(priority.value);
  }
  const ordering = checkOrdering(input.ordering ?? "DateCreated:asc", TASK_ORDERING);
  if (!ordering.ok) return ordering;
  const orderBy = [...ordering.value.map(([column, direction]) => `${column} ${direction === "asc" ? "ASC" : "DESC"}`), "sid ASC"].join(
    ", ",
  );
  const where = clauses.length > 0 ? clauses.join(" AND ") : "1 = 1";

  if (input.evaluateTaskAttributes !== undefined) {
    const compiled = tryCompileExpression(input.evaluateTaskAttributes, "filter");
    if (!compiled.ok) return invalid("EvaluateTaskAttributes", compiled.error.message);
    const matching = tasks
      .where(op.host, `${where} ORDER BY ${orderBy}`, ...bindings)
      .filter((row) =>
        compiled.expression.evaluate({ task: { sid: row.sid, attributes: parseAttributes(row.attributes) }, clock: { now: op.now } }),
      );
    const page = slicePage(matching, window);
    return ok({ ...page, items: page.items.map((row) => taskRecord(op.view, row, op.now, op.regionId)) });
  }
  const fetched = rows<TaskRow>(
    op.host,
    `${tasks.select} WHERE ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
    ...bindings,
    window.limit,
    window.offset,
  );
  const page = pageFrom(fetched, window);
  return ok({ ...page, items: page.items.map((row) => taskRecord(op.view, row, op.now, op.regionId)) });
}
