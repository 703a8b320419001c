/**
 * TaskRouter v1 Workflows of a workspace: create, fetch, update, delete and list, answered by the
 * WorkspaceDO. The Configuration document is validated there against the workspace's queues, and a
 * bad one is answered with every problem and its JSON path. `ReEvaluateTasks` on update re-runs the
 * workflow's waiting tasks against the new document.
 */
import type { Context } from "hono";
import type { WorkflowRecord } from "../../../contract/taskrouter";
import { routeGroup } from "./context";
import { bool, int, paging, str, url } from "./params";
import { endpoint, pageBody, pageRequest, unwrap, withLinks } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { workspaceFor } from "../../../platform/objects";

export const routes = routeGroup();

/** A workflow as Twilio returns it: the record plus `url` and its statistics `links`. */
export const workflowBody = (c: Context, record: WorkflowRecord) =>
  withLinks(c, record, `Workspaces/${record.workspace_sid}/Workflows/${record.sid}`, {
    statistics: "Statistics",
    real_time_statistics: "RealTimeStatistics",
    cumulative_statistics: "CumulativeStatistics",
  });

const BASE = "/Workspaces/:WorkspaceSid/Workflows";
const friendlyName = str({ min: 1, max: 64 });
/** Twilio's documented ceiling for a workflow document; the parser checks the exact byte count. */
const configuration = str({ min: 1, max: 65_536 });
const settings = {
  AssignmentCallbackUrl: url().optional(),
  FallbackAssignmentCallbackUrl: url().optional(),
  TaskReservationTimeout: int(1, 86_400).optional(),
};

const create = endpoint({
  method: "post",
  path: BASE,
  tag: "Workflows",
  summary: "Create a workflow",
  params: { FriendlyName: friendlyName, Configuration: configuration, ...settings },
});
const list = endpoint({
  method: "get",
  path: BASE,
  tag: "Workflows",
  summary: "List workflows, oldest first",
  listKey: "workflows",
  params: { ...paging, FriendlyName: str().optional() },
});
const fetchOne = endpoint({ method: "get", path: `${BASE}/:Sid`, tag: "Workflows", summary: "Fetch a workflow", params: {} });
const update = endpoint({
  method: "post",
  path: `${BASE}/:Sid`,
  tag: "Workflows",
  summary: "Update a workflow; ReEvaluateTasks re-routes its waiting tasks",
  params: {
    FriendlyName: friendlyName.optional(),
    Configuration: configuration.optional(),
    ...settings,
    ReEvaluateTasks: bool().optional(),
  },
});
const remove = endpoint({ method: "delete", path: `${BASE}/:Sid`, tag: "Workflows", summary: "Delete a workflow", params: {} });

const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c, "WorkspaceSid"));
const sidParam = (c: Context) => c.req.param("Sid") ?? "";

routes.post(create.path, async (c) => {
  const p = await create.parse(c);
  const result = await workspace(c).createWorkflow(c.get("accountSid"), {
    friendlyName: p.FriendlyName,
    configuration: p.Configuration,
    assignmentCallbackUrl: p.AssignmentCallbackUrl,
    fallbackAssignmentCallbackUrl: p.FallbackAssignmentCallbackUrl,
    taskReservationTimeout: p.TaskReservationTimeout,
  });
  return c.json(workflowBody(c, unwrap(result)), 201);
});

routes.get(list.path, async (c) => {
  const p = await list.parse(c);
  const page = pageRequest(p);
  const result = await workspace(c).listWorkflows(c.get("accountSid"), { friendlyName: p.FriendlyName }, page);
  return c.json(pageBody(c, "workflows", unwrap(result), page, (record) => workflowBody(c, record)));
});

routes.get(fetchOne.path, async (c) => {
  await fetchOne.parse(c);
  return c.json(workflowBody(c, unwrap(await workspace(c).getWorkflow(c.get("accountSid"), sidParam(c)))));
});

routes.post(update.path, async (c) => {
  const p = await update.parse(c);
  const result = await workspace(c).updateWorkflow(c.get("accountSid"), sidParam(c), {
    friendlyName: p.FriendlyName,
    configuration: p.Configuration,
    assignmentCallbackUrl: p.AssignmentCallbackUrl,
    fallbackAssignmentCallbackUrl: p.FallbackAssignmentCallbackUrl,
    taskReservationTimeout: p.TaskReservationTimeout,
    reEvaluateTasks: p.ReEvaluateTasks,
  });
  return c.json(workflowBody(c, unwrap(result)));
});

routes.delete(remove.path, async (c) => {
  await remove.parse(c);
  unwrap(await workspace(c).deleteWorkflow(c.get("accountSid"), sidParam(c)));
  return c.body(null, 204);
});
