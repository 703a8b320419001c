/**
 * TaskRouter v1 TaskQueues of a workspace: create, fetch, update, delete and list, answered by the
 * WorkspaceDO. The `WorkerSid` list filter needs to know which queues a worker is in, which only the
 * Router knows (membership follows worker attributes), so the route asks it first and passes the SIDs
 * on. Paths under /TaskQueues that are not a queue SID (`Statistics`, `RealTimeStatistics`) fall
 * through to the statistics routes.
 */
import type { Context } from "hono";
import { isSid } from "../../../contract/ids";
import type { TaskQueueRecord } from "../../../contract/taskrouter";
import { routeGroup } from "./context";
import { int, oneOf, paging, sid, str } from "./params";
import { apiUrl, endpoint, pageBody, pageRequest, unwrap } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { routerFor, workspaceFor } from "../../../platform/objects";

export const routes = routeGroup();

/** A task queue as Twilio returns it: the record plus `url` and `links` (activities only when set). */
export function taskQueueBody(c: Context, record: TaskQueueRecord) {
  const workspace = apiUrl(c, `Workspaces/${record.workspace_sid}`);
  const url = `${workspace}/TaskQueues/${record.sid}`;
  const links: Record<string, string> = {
    workspace,
    statistics: `${url}/Statistics`,
    real_time_statistics: `${url}/RealTimeStatistics`,
    cumulative_statistics: `${url}/CumulativeStatistics`,
    list_statistics: `${workspace}/TaskQueues/Statistics`,
    bulk_real_time_statistics: `${workspace}/TaskQueues/RealTimeStatistics`,
  };
  if (record.assignment_activity_sid) links.assignment_activity = `${workspace}/Activities/${record.assignment_activity_sid}`;
  if (record.reservation_activity_sid) links.reservation_activity = `${workspace}/Activities/${record.reservation_activity_sid}`;
  return { ...record, url, links };
}

const BASE = "/Workspaces/:WorkspaceSid/TaskQueues";
const friendlyName = str({ min: 1, max: 64 });
const settings = {
  TargetWorkers: str({ max: 4096 }).optional(),
  MaxReservedWorkers: int(1, 50).optional(),
  TaskOrder: oneOf(["FIFO", "LIFO"]).optional(),
  ReservationActivitySid: sid("WA").optional(),
  AssignmentActivitySid: sid("WA").optional(),
};

const create = endpoint({
  method: "post",
  path: BASE,
  tag: "TaskQueues",
  summary: "Create a task queue (TargetWorkers defaults to 1==1; an empty one matches nobody)",
  params: { FriendlyName: friendlyName, ...settings },
});
const list = endpoint({
  method: "get",
  path: BASE,
  tag: "TaskQueues",
  summary: "List task queues, oldest first unless Ordering says otherwise",
  listKey: "task_queues",
  params: {
    ...paging,
    FriendlyName: str().optional(),
    EvaluateWorkerAttributes: str({ max: 16_384 }).optional(),
    WorkerSid: sid("WK").optional(),
    Ordering: oneOf(["DateCreated:asc", "DateCreated:desc"]).optional(),
  },
});
const fetchOne = endpoint({ method: "get", path: `${BASE}/:Sid`, tag: "TaskQueues", summary: "Fetch a task queue", params: {} });
const update = endpoint({
  method: "post",
  path: `${BASE}/:Sid`,
  tag: "TaskQueues",
  summary: "Update a task queue",
  params: { FriendlyName: friendlyName.optional(), ...settings },
});
const remove = endpoint({
  method: "delete",
  path: `${BASE}/:Sid`,
  tag: "TaskQueues",
  summary: "Delete a task queue no workflow routes to",
  params: {},
});

const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c, "WorkspaceSid"));
/** The queue SID of the path, or null for another path at the same depth (statistics). */
const queueSid = (c: Context): string | null => {
  const value = c.req.param("Sid") ?? "";
  return isSid("WQ", value) ? value : null;
};

routes.post(create.path, async (c) => {
  const p = await create.parse(c);
  const result = await workspace(c).createTaskQueue(c.get("accountSid"), {
    friendlyName: p.FriendlyName,
    targetWorkers: p.TargetWorkers,
    maxReservedWorkers: p.MaxReservedWorkers,
    taskOrder: p.TaskOrder,
    reservationActivitySid: p.ReservationActivitySid,
    assignmentActivitySid: p.AssignmentActivitySid,
  });
  return c.json(taskQueueBody(c, unwrap(result)), 201);
});

routes.get(list.path, async (c) => {
  const p = await list.parse(c);
  const page = pageRequest(p);
  const accountSid = c.get("accountSid");
  const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
  let sids: string[] | undefined;
  if (p.WorkerSid !== undefined) {
    unwrap(await workspaceFor(c.env, workspaceSid).getWorkspace(accountSid)); // 404 before asking the Router
    sids = unwrap(await routerFor(c.env, workspaceSid).queuesOfWorker(accountSid, p.WorkerSid));
  }
  const filters = { friendlyName: p.FriendlyName, evaluateWorkerAttributes: p.EvaluateWorkerAttributes, sids, ordering: p.Ordering };
  const result = await workspaceFor(c.env, workspaceSid).listTaskQueues(accountSid, filters, page);
  return c.json(pageBody(c, "task_queues", unwrap(result), page, (record) => taskQueueBody(c, record)));
});

routes.get(fetchOne.path, async (c, next) => {
  const sid = queueSid(c);
  if (sid === null) return next();
  await fetchOne.parse(c);
  return c.json(taskQueueBody(c, unwrap(await workspace(c).getTaskQueue(c.get("accountSid"), sid))));
});

routes.post(update.path, async (c, next) => {
  const sid = queueSid(c);
  if (sid === null) return next();
  const p = await update.parse(c);
  const result = await workspace(c).updateTaskQueue(c.get("accountSid"), sid, {
    friendlyName: p.FriendlyName,
    targetWorkers: p.TargetWorkers,
    maxReservedWorkers: p.MaxReservedWorkers,
    taskOrder: p.TaskOrder,
    reservationActivitySid: p.ReservationActivitySid,
    assignmentActivitySid: p.AssignmentActivitySid,
  });
  return c.json(taskQueueBody(c, unwrap(result)));
});

routes.delete(remove.path, async (c, next) => {
  const sid = queueSid(c);
  if (sid === null) return next();
  await remove.parse(c);
  unwrap(await workspace(c).deleteTaskQueue(c.get("accountSid"), sid));
  return c.body(null, 204);
});
