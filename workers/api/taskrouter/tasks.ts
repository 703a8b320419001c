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
import { ok } from "../../../durable-objects/common/rpc";
import { resourceRoutes, routeGroup, tagged } from "./context";
import { bool, date, int, oneOf, paging, region, repeated, sid, str } from "./params";
import { createTaskIn, edgeOf, taskRegion } from "./placement";
import { apiUrl } from "./wire";
import { regionOfItem } from "../../../platform/region-sids";
import { workspaceSidParam } from "./workspaces";
import { byOrdering, holding, listAcrossRegions } from "./across-regions";

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
  // Switchboard's own: the region whose Router holds the task — its partner's after a failover, the
  // other region's after a handover; a Router of no region (tests') leaves it to the SID.
  return { ...record, region: record.region ?? regionOfItem(record.workspace_sid, record.sid), url, links };
}

const STATUSES = ["pending", "reserved", "assigned", "canceled", "completed", "wrapping"] as const;
const attributes = str({ max: 65_536 });
const priority = int(0, 2_147_483_647);

/** The Tasks list's orderings (as the Routers sort: durable-objects/router/lifecycle/tasks.ts), for merging regions. */
const TASK_ORDER = {
  DateCreated: (t: TaskRecord) => t.date_created,
  Priority: (t: TaskRecord) => t.priority,
  VirtualStartTime: (t: TaskRecord) => t.virtual_start_time,
};
const notSupported = (name: string) => new ApiError(400, 20001, `${name} is not supported yet: route the task through a Workflow`);

resourceRoutes(routes, {
  path: "/Workspaces/:WorkspaceSid/Tasks",
  tag: "Tasks",
  listKey: "tasks",
  body: taskBody,
  create: {
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
      Region: region(
        "The region whose Router routes the task (default: the region nearest the caller among those the workspace uses, else its home region; while that region is down, its partner)",
      ).optional(),
    },
    run: async (c, p) => {
      if (p.RoutingTarget !== undefined) throw notSupported("RoutingTarget");
      if (p.TaskQueueSid !== undefined) throw notSupported("TaskQueueSid");
      const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
      const accountSid = c.get("accountSid");
      const wanted = await taskRegion(c.env, accountSid, workspaceSid, { explicit: p.Region, edge: edgeOf(c.req.raw) });
      const created = await createTaskIn(c.env, accountSid, workspaceSid, wanted, async (router) =>
        router.createTask(accountSid, {
          attributes: p.Attributes,
          workflowSid: p.WorkflowSid,
          timeout: p.Timeout,
          priority: p.Priority,
          taskChannel: p.TaskChannel,
          virtualStartTime: p.VirtualStartTime,
        }),
      );
      return tagged(c, "task", created);
    },
  },
  list: {
    summary: "List tasks (AssignmentStatus may repeat); Ordering defaults to DateCreated:asc",
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
    run: async (c, p, page) => {
      if (p.RoutingTarget !== undefined) throw notSupported("RoutingTarget");
      // Twilio's clients repeat AssignmentStatus; a comma-separated value is accepted too.
      const statuses = p.AssignmentStatus?.flatMap((value) => value.split(",").map((s) => s.trim())).filter((s) => s !== "");
      const unknown = statuses?.find((status) => !(STATUSES as readonly string[]).includes(status));
      if (unknown !== undefined)
        throw new ApiError(400, 20001, `Invalid parameter AssignmentStatus: must be one of ${STATUSES.join(", ")} (got "${unknown}")`);
      if (p.HasAddons === true) return ok({ items: [], nextPageToken: null, previousPageToken: null }); // no task has add-ons here
      return listAcrossRegions(c, page, byOrdering<TaskRecord>(p.Ordering, TASK_ORDER, "DateCreated:asc"), (router, request) =>
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
    },
  },
  fetch: {
    summary: "Fetch a task (with its ETag)",
    run: async (c, sid) => tagged(c, "task", await holding(c, sid, (router) => router.getTask(c.get("accountSid"), sid))),
  },
  update: {
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
    run: async (c, sid, p) => {
      const input = {
        attributes: p.Attributes,
        assignmentStatus: p.AssignmentStatus,
        reason: p.Reason,
        priority: p.Priority,
        taskChannel: p.TaskChannel,
        virtualStartTime: p.VirtualStartTime,
        ifMatch: c.req.header("if-match"),
      };
      const updated = await holding(c, sid, (router) => router.updateTask(c.get("accountSid"), sid, input));
      return tagged(c, "task", updated);
    },
  },
  remove: {
    summary: "Delete a task in any state (If-Match optional)",
    run: (c, sid) => holding(c, sid, (router) => router.deleteTask(c.get("accountSid"), sid, c.req.header("if-match"))),
  },
});
