/**
 * Workflows: the routing document (filters → targets → queues) plus the reservation timeout and the
 * assignment callbacks. The document is validated by the routing core's own parser against this
 * workspace's queues, and a rejected one is answered with EVERY problem and its JSON path in one 400,
 * so an admin fixes a workflow in one round trip. The document is stored as the text that was sent,
 * as Twilio returns it; the queues it routes to are recorded so a queue in use cannot be deleted.
 */
import { parseWorkflowConfiguration, type WorkflowConfiguration } from "../router/workflow";
import { invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { newSid } from "../../contract/ids";
import type { WorkflowRecord } from "../../contract/taskrouter";
import { configEvent, type Change, type EventSubject, type Scope } from "./config-change";
import { checkFriendlyName, optionalUrl, problemsFailure } from "./checks";
import type { CreateWorkflowInput, UpdateWorkflowInput, WorkflowFilters } from "./config-inputs";
import { pageOfRows } from "../kit/paging";
import { joinRegion, taskQueueRow, workflowRecord, workflowRow, workflowRows, type WorkflowRow } from "./workspace-rows";
import { regionAllowed } from "../../platform/jurisdictions";
import { regions } from "../../platform/regions";
import { calendarNames } from "./calendars";

type ReadScope = Pick<Scope, "sql" | "ws">;

export const DEFAULT_TASK_RESERVATION_TIMEOUT = 120;
export const MAX_TASK_RESERVATION_TIMEOUT = 86_400;

const subject = (row: WorkflowRow): EventSubject => ({
  type: "Workflow",
  sid: row.sid,
  path: `Workflows/${row.sid}`,
  name: row.friendly_name,
});

/**
 * What is wrong with a target's `region` for this workspace: not a region of this deployment, or (for a
 * workspace pinned to a jurisdiction) one outside it; null when it is fine.
 */
function regionProblem(workspaceSid: string, region: string): string | null {
  if (!regions.regions.some((r) => r.id === region))
    return `no region ${JSON.stringify(region)} in this deployment (regions.json has: ${regions.regions.map((r) => r.id).join(", ")})`;
  if (!regionAllowed(workspaceSid, region)) return `region ${region} is outside the jurisdiction this workspace is pinned to`;
  return null;
}

/** Every region a configuration's targets name (overflow to another region's Router). */
function regionsOf(configuration: WorkflowConfiguration): Set<string> {
  const named = new Set<string>();
  for (const filter of configuration.filters) for (const target of filter.targets) if (target.region) named.add(target.region);
  if (configuration.defaultFilter?.region) named.add(configuration.defaultFilter.region);
  return named;
}

/** Every queue a configuration can send a task to. */
function queuesOf(configuration: WorkflowConfiguration): Set<string> {
  const queues = new Set<string>();
  for (const filter of configuration.filters) for (const target of filter.targets) queues.add(target.queue);
  if (configuration.defaultFilter) queues.add(configuration.defaultFilter.queue);
  return queues;
}

export function listWorkflows(scope: ReadScope, filters: WorkflowFilters, page: PageRequest): ApiResult<Page<WorkflowRecord>> {
  const rows = workflowRows(scope.sql).filter((row) => filters.friendlyName === undefined || row.friendly_name === filters.friendlyName);
  return pageOfRows(rows, page, (row) => workflowRecord(scope.ws, row));
}

export function getWorkflow(scope: ReadScope, sid: string): ApiResult<WorkflowRecord> {
  const row = workflowRow(scope.sql, sid);
  return row ? ok(workflowRecord(scope.ws, row)) : notFound("Workflow", sid);
}

/** The row a create or update would store and the queues it routes to, after every check. */
function validRow(
  scope: Scope,
  current: WorkflowRow,
  patch: UpdateWorkflowInput,
): ApiResult<{ row: WorkflowRow; queues: Set<string>; regions: Set<string> }> {
  const friendlyName = patch.friendlyName ?? current.friendly_name;
  const bad = checkFriendlyName("FriendlyName", friendlyName);
  if (bad) return bad;

  const text = patch.configuration ?? current.configuration;
  const parsed = parseWorkflowConfiguration(text, {
    queueExists: (sid) => taskQueueRow(scope.sql, sid) !== undefined,
    regionProblem: (region) => regionProblem(scope.ws.sid, region),
    calendarExists: (name) => calendarNames(scope.sql).has(name),
  });
  if (!parsed.ok) return problemsFailure("Configuration", parsed.problems);

  const assignment = optionalUrl("AssignmentCallbackUrl", patch.assignmentCallbackUrl, current.assignment_callback_url);
  if (!("value" in assignment)) return assignment;
  const fallback = optionalUrl(
    "FallbackAssignmentCallbackUrl",
    patch.fallbackAssignmentCallbackUrl,
    current.fallback_assignment_callback_url,
  );
  if (!("value" in fallback)) return fallback;

  const timeout = patch.taskReservationTimeout ?? current.task_reservation_timeout;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TASK_RESERVATION_TIMEOUT) {
    return invalid(
      "TaskReservationTimeout",
      `must be an integer number of seconds from 1 to ${MAX_TASK_RESERVATION_TIMEOUT}, got ${timeout}`,
    );
  }

  return ok({
    row: {
      ...current,
      friendly_name: friendlyName,
      configuration: text,
      assignment_callback_url: assignment.value,
      fallback_assignment_callback_url: fallback.value,
      task_reservation_timeout: timeout,
      date_updated: scope.now,
    },
    queues: queuesOf(parsed.configuration),
    regions: regionsOf(parsed.configuration),
  });
}

/**
 * Stores the workflow and the queues it routes to. A region its targets name joins the workspace's
 * regions in the same change, so that region's Router has the configuration before a task overflows there.
 */
function save(scope: Scope, row: WorkflowRow, queues: ReadonlySet<string>, named: ReadonlySet<string>): void {
  for (const region of named) joinRegion(scope.sql, region);
  scope.sql.exec(
    `INSERT INTO workflows (sid, friendly_name, configuration, assignment_callback_url, fallback_assignment_callback_url,
       task_reservation_timeout, date_created, date_updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET friendly_name = excluded.friendly_name, configuration = excluded.configuration,
       assignment_callback_url = excluded.assignment_callback_url,
       fallback_assignment_callback_url = excluded.fallback_assignment_callback_url,
       task_reservation_timeout = excluded.task_reservation_timeout, date_updated = excluded.date_updated`,
    row.sid,
    row.friendly_name,
    row.configuration,
    row.assignment_callback_url,
    row.fallback_assignment_callback_url,
    row.task_reservation_timeout,
    row.date_created,
    row.date_updated,
  );
  scope.sql.exec("DELETE FROM workflow_queues WHERE workflow_sid = ?", row.sid);
  for (const queue of queues) scope.sql.exec("INSERT INTO workflow_queues (workflow_sid, queue_sid) VALUES (?, ?)", row.sid, queue);
}

export function createWorkflow(scope: Scope, input: CreateWorkflowInput): ApiResult<Change<WorkflowRecord>> {
  const blank: WorkflowRow = {
    sid: newSid("WW"),
    friendly_name: input.friendlyName,
    configuration: input.configuration,
    assignment_callback_url: null,
    fallback_assignment_callback_url: null,
    task_reservation_timeout: DEFAULT_TASK_RESERVATION_TIMEOUT,
    date_created: scope.now,
    date_updated: scope.now,
  };
  const valid = validRow(scope, blank, input);
  if (!valid.ok) return valid;
  save(scope, valid.value.row, valid.value.queues, valid.value.regions);
  return ok({
    value: workflowRecord(scope.ws, valid.value.row),
    events: [configEvent(scope, "workflow.created", subject(valid.value.row))],
  });
}

export function updateWorkflow(scope: Scope, sid: string, input: UpdateWorkflowInput): ApiResult<Change<WorkflowRecord>> {
  const current = workflowRow(scope.sql, sid);
  if (!current) return notFound("Workflow", sid);
  const valid = validRow(scope, current, input);
  if (!valid.ok) return valid;
  save(scope, valid.value.row, valid.value.queues, valid.value.regions);
  return ok({
    value: workflowRecord(scope.ws, valid.value.row),
    events: [configEvent(scope, "workflow.updated", subject(valid.value.row))],
    ...(input.reEvaluateTasks === true ? { reEvaluateTasksOf: sid } : {}),
  });
}

export function deleteWorkflow(scope: Scope, sid: string): ApiResult<Change<null>> {
  const current = workflowRow(scope.sql, sid);
  if (!current) return notFound("Workflow", sid);
  scope.sql.exec("DELETE FROM workflow_queues WHERE workflow_sid = ?", sid);
  scope.sql.exec("DELETE FROM workflows WHERE sid = ?", sid);
  return ok({ value: null, events: [configEvent(scope, "workflow.deleted", subject(current))] });
}
