/**
 * TaskRouter v1 Activities of a workspace: create, fetch, update (FriendlyName only: `Available` is
 * fixed at creation), delete and list, all answered by the WorkspaceDO.
 */
import type { Context } from "hono";
import type { ActivityRecord } from "../../../contract/taskrouter";
import { apiUrl } from "./wire";
import { resourceRoutes, routeGroup } from "./context";
import { bool, paging, str } from "./params";
import { workspaceSidParam } from "./workspaces";
import { workspaceFor } from "../../../platform/objects";

export const routes = routeGroup();

/** An activity as Twilio returns it: the record plus `url` and a link to its workspace. */
export const activityBody = (c: Context, record: ActivityRecord) => ({
  ...record,
  url: apiUrl(c, `Workspaces/${record.workspace_sid}/Activities/${record.sid}`),
  links: { workspace: apiUrl(c, `Workspaces/${record.workspace_sid}`) },
});

const friendlyName = str({ min: 1, max: 64 });
const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c, "WorkspaceSid"));

resourceRoutes(routes, {
  path: "/Workspaces/:WorkspaceSid/Activities",
  tag: "Activities",
  listKey: "activities",
  body: activityBody,
  create: {
    summary: "Create an activity (Available defaults to true and cannot change later)",
    params: { FriendlyName: friendlyName, Available: bool().optional() },
    run: (c, p) => workspace(c).createActivity(c.get("accountSid"), { friendlyName: p.FriendlyName, available: p.Available }),
  },
  list: {
    summary: "List activities, oldest first",
    params: { ...paging, FriendlyName: str().optional(), Available: bool().optional() },
    run: (c, p, page) => workspace(c).listActivities(c.get("accountSid"), { friendlyName: p.FriendlyName, available: p.Available }, page),
  },
  fetch: { summary: "Fetch an activity", run: (c, sid) => workspace(c).getActivity(c.get("accountSid"), sid) },
  update: {
    summary: "Rename an activity",
    params: { FriendlyName: friendlyName.optional() },
    run: (c, sid, p) => workspace(c).updateActivity(c.get("accountSid"), sid, { friendlyName: p.FriendlyName }),
  },
  remove: {
    summary: "Delete an activity nothing relies on (not the default or timeout activity, nor a queue's)",
    run: (c, sid) => workspace(c).deleteActivity(c.get("accountSid"), sid),
  },
});
