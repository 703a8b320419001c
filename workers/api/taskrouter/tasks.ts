/**
 * TaskRouter v1 Tasks of a workspace, answered by the Router DO of the task's region (its SID names it;
 * a new one's is `Region`, else placement.ts's defaults; lists read every region): create (routed at once),
 * fetch (age computed now), update (attributes re-run the workflow; AssignmentStatus cancels, wraps up
 * or completes; If-Match guards against lost updates), delete, and list with Twilio's filters and
 * Ordering. Task responses carry an ETag. RoutingTarget and TaskQueueSid (routing a task straight to a
 * worker or queue) are not supported yet and answer 400 rather than being silently ignored.
 */
import type { Context } from "hono";
import type { TaskRecord, TaskStatus } from "../../../contract/taskrouter";
import { ApiError } from "../../http/errors";
import { routeGroup } from "./context";
import { bool, date, int, oneOf, paging, region, repeated, sid, str } from "./params";
import { routerToCreateIn, taskRegion } from "./placement";
import { apiUrl, endpoint, pageBody, pageRequest, unwrap } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { routerOf } from "../../../platform/objects";
import { byOrdering, listAcrossRegions } from "./across-regions";

export const routes = routeGroup();

/** A task as Twilio returns it: the record plus `url` and `links`. */
export function taskBody(c: Context, record: TaskRecord) {
  const workspace = apiUrl(c, `Workspaces/${record.workspace_sid}`);
  const url = `${workspace}/Tasks/${record.sid}`;
  const links: Record<string, string> = {
    reservations: `${url}/Reservations`,
    workflow: `${workspace}/Workflows/${record.workflow_sid}`,
    workspace,
  };
  if (record.task_queue_sid) links.task_queue = `${workspace}/TaskQueues/${record.task_queue_sid}`;
  return { ...record, url, links };
}

const STATUSES = ["pending", "reserved", "assigned", "canceled", "completed", "wrapping"] as const;
const BASE = "/Workspaces/:WorkspaceSid/Tasks";
const attributes = str({ max: 65_536 });
const priority = int(0, 2_147_483_647);

const create = endpoint({
  method: "post",
  path: BASE,
  tag: "Tasks",
  summary: "Create a task; it enters its workflow (optional when the workspace has one) at once",
  params: {
    Timeout: int(1, 1_209_600).optional(),
    Priority: priority.optional(),
    TaskChannel: str({ min: 1, max: 64 }).optional(),
    WorkflowSid: sid("WW").optional(),
    Attributes: attributes.optional(),
    VirtualStartTime: date().optional(),
    RoutingTarget: str().optional(),
    IgnoreCapacity: bool().optional(),
    TaskQueueSid: sid("WQ").optional(),
    Region: region("The region whose Router routes the task (default: the workspace's home region)").optional(),
  },
});
const list = endpoint({
  method: "get",
  path: BASE,
  tag: "Tasks",
  summary: "List tasks (AssignmentStatus may repeat); Ordering defaults to DateCreated:asc",
  listKey: "tasks",
  params: {
    ...paging,
    Priority: priority.optional(),
    AssignmentStatus: repeated(str()).optional(),
    WorkflowSid: sid("WW").optional(),
    WorkflowName: str().optional(),
    TaskQueueSid: sid("WQ").optional(),
    TaskQueueName: str().optional(),
    EvaluateTaskAttributes: str({ max: 4096 }).optional(),
    RoutingTarget: str().optional(),
    Ordering: str({ max: 200 }).optional(),
    HasAddons: bool().optional(),
  },
});
const fetchOne = endpoint({ method: "get", path: `${BASE}/:Sid`, tag: "Tasks", summary: "Fetch a task (with its ETag)", params: {} });
const update = endpoint({
  method: "post",
  path: `${BASE}/:Sid`,
  tag: "Tasks",
  summary:
    "Update a task: attributes, priority, channel, virtual start time, or AssignmentStatus canceled | wrapping | completed (with Reason)",
  params: {
    Attributes: attributes.optional(),
    AssignmentStatus: oneOf(STATUSES).optional(),
    Reason: str({ max: 1024 }).optional(),
    Priority: priority.optional(),
    TaskChannel: str({ min: 1, max: 64 }).optional(),
    VirtualStartTime: date().optional(),
  },
});
const remove = endpoint({
  method: "delete",
  path: `${BASE}/:Sid`,
  tag: "Tasks",
  summary: "Delete a task in any state (If-Match optional)",
  params: {},
});

/** The Tasks list's orderings (as the Routers sort: durable-objects/router/lifecycle/tasks.ts), for merging regions. */
const TASK_ORDER = {
  DateCreated: (t: TaskRecord) => t.date_created,
  Priority: (t: TaskRecord) => t.priority,
  VirtualStartTime: (t: TaskRecord) => t.virtual_start_time,
};
const taskSid = (c: Context) => c.req.param("Sid") ?? "";
/** The Router that holds the task of the path: the region its SID names, else the workspace's home region. */
const routerOfTask = (c: Context) => routerOf(c.env, workspaceSidParam(c, "WorkspaceSid"), taskSid(c));
const notSupported = (name: string) => new ApiError(400, 20001, `${name} is not supported yet: route the task through a Workflow`);

routes.post(create.path, async (c) => {
  const p = await create.parse(c);
  if (p.RoutingTarget !== undefined) throw notSupported("RoutingTarget");
  if (p.TaskQueueSid !== undefined) throw notSupported("TaskQueueSid");
  const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
  const router = await routerToCreateIn(c.env, c.get("accountSid"), workspaceSid, taskRegion(c, workspaceSid, p.Region));
  const result = unwrap(
    await router.createTask(c.get("accountSid"), {
      attributes: p.Attributes,
      workflowSid: p.WorkflowSid,
      timeout: p.Timeout,
      priority: p.Priority,
      taskChannel: p.TaskChannel,
      virtualStartTime: p.VirtualStartTime,
    }),
  );
  c.header("ETag", result.etag);
  return c.json(taskBody(c, result.task), 201);
});

routes.get(list.path, async (c) => {
  const p = await list.parse(c);
  const page = pageRequest(p);
  if (p.RoutingTarget !== undefined) throw notSupported("RoutingTarget");
  // Twilio's clients repeat AssignmentStatus; a comma-separated value is accepted too.
  const statuses = p.AssignmentStatus?.flatMap((value) => value.split(",").map((s) => s.trim())).filter((s) => s !== "");
  const unknown = statuses?.find((status) => !(STATUSES as readonly string[]).includes(status));
  if (unknown !== undefined)
    throw new ApiError(400, 20001, `Invalid parameter AssignmentStatus: must be one of ${STATUSES.join(", ")} (got "${unknown}")`);
  const noAddons = p.HasAddons === true; // no task has add-ons here
  const result = noAddons
    ? { ok: true as const, value: { items: [], nextPageToken: null, previousPageToken: null } }
    : await listAcrossRegions(c, page, byOrdering<TaskRecord>(p.Ordering, TASK_ORDER, "DateCreated:asc"), (router, request) =>
        router.listTasks(c.get("accountSid"), {
          ...request,
          assignmentStatus: statuses as TaskStatus[] | undefined,
          workflowSid: p.WorkflowSid,
          workflowName: p.WorkflowName,
          taskQueueSid: p.TaskQueueSid,
          taskQueueName: p.TaskQueueName,
          evaluateTaskAttributes: p.EvaluateTaskAttributes,
          priority: p.Priority,
          ordering: p.Ordering,
        }),
      );
  return c.json(pageBody(c, "tasks", unwrap(result), page, (record: TaskRecord) => taskBody(c, record)));
});

routes.get(fetchOne.path, async (c) => {
  await fetchOne.parse(c);
  const result = unwrap(await routerOfTask(c).getTask(c.get("accountSid"), taskSid(c)));
  c.header("ETag", result.etag);
  return c.json(taskBody(c, result.task));
});

routes.post(update.path, async (c) => {
  const p = await update.parse(c);
  const result = unwrap(
    await routerOfTask(c).updateTask(c.get("accountSid"), taskSid(c), {
      attributes: p.Attributes,
      assignmentStatus: p.AssignmentStatus,
      reason: p.Reason,
      priority: p.Priority,
      taskChannel: p.TaskChannel,
      virtualStartTime: p.VirtualStartTime,
      ifMatch: c.req.header("if-match"),
    }),
  );
  c.header("ETag", result.etag);
  return c.json(taskBody(c, result.task));
});

routes.delete(remove.path, async (c) => {
  await remove.parse(c);
  unwrap(await routerOfTask(c).deleteTask(c.get("accountSid"), taskSid(c), c.req.header("if-match")));
  return c.body(null, 204);
});
