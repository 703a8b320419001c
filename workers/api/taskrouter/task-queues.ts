/**
 * TaskRouter v1 TaskQueues of a workspace: create, fetch, update, delete and list, answered by the
 * WorkspaceDO. The `WorkerSid` list filter needs to know which queues a worker is in, which only the
 * Router knows (membership follows worker attributes), so the route asks it first and passes the SIDs
 * on. Paths under /TaskQueues that are not a queue SID (`Statistics`, `RealTimeStatistics`) fall
 * through to the statistics routes.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { isSid } from "../../../contract/ids";
import type { TaskQueueRecord } from "../../../contract/taskrouter";
import { resourceRoutes, routeGroup } from "./context";
import { int, oneOf, paging, sid, str } from "./params";
import { apiUrl, unwrap } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { DESK_SETTINGS } from "../../../durable-objects/workspace/task-queue-desk";
import { followMoves, workspaceFor } from "../../../platform/objects";

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

const friendlyName = str({ min: 1, max: 64 });
const settings = {
  TargetWorkers: str({ max: 4096 }).optional(),
  MaxReservedWorkers: int(1, 50).optional(),
  TaskOrder: oneOf(["FIFO", "LIFO"]).optional(),
  ReservationActivitySid: sid("WA").optional(),
  AssignmentActivitySid: sid("WA").optional(),
};
/** Switchboard's desk settings (durable-objects/workspace/task-queue-desk.ts): whole numbers, 0 clears one. */
const desk = Object.fromEntries(
  DESK_SETTINGS.map((s) => [s.param, int(0, s.max).describe(`Switchboard only. ${s.describe}; 0 turns it off`).optional()]),
);
const deskInput = (p: Record<string, unknown>) => Object.fromEntries(DESK_SETTINGS.map((s) => [s.key, p[s.param] as number | undefined]));
/** The settings as the WorkspaceDO takes them. */
const settingsInput = (p: z.output<z.ZodObject<typeof settings>>) => ({
  targetWorkers: p.TargetWorkers,
  maxReservedWorkers: p.MaxReservedWorkers,
  taskOrder: p.TaskOrder,
  reservationActivitySid: p.ReservationActivitySid,
  assignmentActivitySid: p.AssignmentActivitySid,
  desk: deskInput(p),
});
const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c, "WorkspaceSid"));

resourceRoutes(routes, {
  path: "/Workspaces/:WorkspaceSid/TaskQueues",
  tag: "TaskQueues",
  listKey: "task_queues",
  body: taskQueueBody,
  /** The queue SID of the path, or null for another path at the same depth (statistics). */
  sid: (c) => {
    const value = c.req.param("Sid") ?? "";
    return isSid("WQ", value) ? value : null;
  },
  create: {
    summary: "Create a task queue (TargetWorkers defaults to 1==1; an empty one matches nobody)",
    params: { FriendlyName: friendlyName, ...settings, ...desk },
    run: (c, p) => workspace(c).createTaskQueue(c.get("accountSid"), { friendlyName: p.FriendlyName, ...settingsInput(p) }),
  },
  list: {
    summary: "List task queues, oldest first unless Ordering says otherwise",
    params: {
      ...paging,
      FriendlyName: str().optional(),
      EvaluateWorkerAttributes: str({ max: 16_384 }).optional(),
      WorkerSid: sid("WK").optional(),
      Ordering: oneOf(["DateCreated:asc", "DateCreated:desc"]).optional(),
    },
    run: async (c, p, page) => {
      const accountSid = c.get("accountSid");
      const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
      let sids: string[] | undefined;
      const workerSid = p.WorkerSid;
      if (workerSid !== undefined) {
        unwrap(await workspaceFor(c.env, workspaceSid).getWorkspace(accountSid)); // 404 before asking the Router
        sids = unwrap(await followMoves(c.env, workspaceSid, workerSid, (router) => router.queuesOfWorker(accountSid, workerSid)));
      }
      const filters = { friendlyName: p.FriendlyName, evaluateWorkerAttributes: p.EvaluateWorkerAttributes, sids, ordering: p.Ordering };
      return workspaceFor(c.env, workspaceSid).listTaskQueues(accountSid, filters, page);
    },
  },
  fetch: { summary: "Fetch a task queue", run: (c, sid) => workspace(c).getTaskQueue(c.get("accountSid"), sid) },
  update: {
    summary: "Update a task queue",
    params: { FriendlyName: friendlyName.optional(), ...settings, ...desk },
    run: (c, sid, p) => workspace(c).updateTaskQueue(c.get("accountSid"), sid, { friendlyName: p.FriendlyName, ...settingsInput(p) }),
  },
  remove: {
    summary: "Delete a task queue no workflow routes to",
    run: (c, sid) => workspace(c).deleteTaskQueue(c.get("accountSid"), sid),
  },
});
