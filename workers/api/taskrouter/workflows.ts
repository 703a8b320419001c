/**
 * TaskRouter v1 Workflows of a workspace: create, fetch, update, delete and list, answered by the
 * WorkspaceDO. The Configuration document is validated there against the workspace's queues, and a
 * bad one is answered with every problem and its JSON path. `ReEvaluateTasks` on update re-runs the
 * workflow's waiting tasks against the new document.
 */
import type { Context } from "hono";
import type { z } from "zod";
import type { WorkflowRecord } from "../../../contract/taskrouter";
import { resourceRoutes, routeGroup } from "./context";
import { bool, int, paging, str, url } from "./params";
import { withLinks } from "./wire";
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

const friendlyName = str({ min: 1, max: 64 });
/** Twilio's documented ceiling for a workflow document; the parser checks the exact byte count. */
const configuration = str({ min: 1, max: 65_536 }).describe(
  "The routing document (JSON): task_routing.filters[].targets[] and default_filter, as Twilio's. Switchboard's extension: a " +
    'target may name a region ("region": "eu-ireland", one of regions.json\'s ids, inside a pinned workspace\'s jurisdiction); a ' +
    "task entering that step is handed over to that region's Router, which routes it to its workers. Saving a workflow that names " +
    "a region makes it one of the workspace's. A bad document is a 400 listing every problem with its JSON path.",
);
const settings = {
  AssignmentCallbackUrl: url().optional(),
  FallbackAssignmentCallbackUrl: url().optional(),
  TaskReservationTimeout: int(1, 86_400).optional(),
};
/** The settings as the WorkspaceDO takes them. */
const settingsInput = (p: z.output<z.ZodObject<typeof settings>>) => ({
  assignmentCallbackUrl: p.AssignmentCallbackUrl,
  fallbackAssignmentCallbackUrl: p.FallbackAssignmentCallbackUrl,
  taskReservationTimeout: p.TaskReservationTimeout,
});
const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c, "WorkspaceSid"));

resourceRoutes(routes, {
  path: "/Workspaces/:WorkspaceSid/Workflows",
  tag: "Workflows",
  listKey: "workflows",
  body: workflowBody,
  create: {
    summary: "Create a workflow",
    params: { FriendlyName: friendlyName, Configuration: configuration, ...settings },
    run: (c, p) =>
      workspace(c).createWorkflow(c.get("accountSid"), {
        friendlyName: p.FriendlyName,
        configuration: p.Configuration,
        ...settingsInput(p),
      }),
  },
  list: {
    summary: "List workflows, oldest first",
    params: { ...paging, FriendlyName: str().optional() },
    run: (c, p, page) => workspace(c).listWorkflows(c.get("accountSid"), { friendlyName: p.FriendlyName }, page),
  },
  fetch: { summary: "Fetch a workflow", run: (c, sid) => workspace(c).getWorkflow(c.get("accountSid"), sid) },
  update: {
    summary: "Update a workflow; ReEvaluateTasks re-routes its waiting tasks",
    params: {
      FriendlyName: friendlyName.optional(),
      Configuration: configuration.optional(),
      ...settings,
      ReEvaluateTasks: bool().optional(),
    },
    run: (c, sid, p) =>
      workspace(c).updateWorkflow(c.get("accountSid"), sid, {
        friendlyName: p.FriendlyName,
        configuration: p.Configuration,
        ...settingsInput(p),
        reEvaluateTasks: p.ReEvaluateTasks,
      }),
  },
  remove: { summary: "Delete a workflow", run: (c, sid) => workspace(c).deleteWorkflow(c.get("accountSid"), sid) },
});
