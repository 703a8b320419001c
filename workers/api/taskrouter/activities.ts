/**
 * TaskRouter v1 Activities of a workspace: create, fetch, update (FriendlyName only: `Available` is
 * fixed at creation), delete and list, all answered by the WorkspaceDO.
 */
import type { Context } from "hono";
import type { ActivityRecord } from "../../../contract/taskrouter";
import { apiUrl, endpoint, pageBody, pageRequest, unwrap } from "./wire";
import { routeGroup } from "./context";
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

const BASE = "/Workspaces/:WorkspaceSid/Activities";
const friendlyName = str({ min: 1, max: 64 });

const create = endpoint({
  method: "post",
  path: BASE,
  tag: "Activities",
  summary: "Create an activity (Available defaults to true and cannot change later)",
  params: { FriendlyName: friendlyName, Available: bool().optional() },
});
const list = endpoint({
  method: "get",
  path: BASE,
  tag: "Activities",
  summary: "List activities, oldest first",
  listKey: "activities",
  params: { ...paging, FriendlyName: str().optional(), Available: bool().optional() },
});
const fetchOne = endpoint({ method: "get", path: `${BASE}/:Sid`, tag: "Activities", summary: "Fetch an activity", params: {} });
const update = endpoint({
  method: "post",
  path: `${BASE}/:Sid`,
  tag: "Activities",
  summary: "Rename an activity",
  params: { FriendlyName: friendlyName.optional() },
});
const remove = endpoint({
  method: "delete",
  path: `${BASE}/:Sid`,
  tag: "Activities",
  summary: "Delete an activity nothing relies on (not the default or timeout activity, nor a queue's)",
  params: {},
});

const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c, "WorkspaceSid"));
const sidParam = (c: Context) => c.req.param("Sid") ?? "";

routes.post(create.path, async (c) => {
  const p = await create.parse(c);
  const result = await workspace(c).createActivity(c.get("accountSid"), { friendlyName: p.FriendlyName, available: p.Available });
  return c.json(activityBody(c, unwrap(result)), 201);
});

routes.get(list.path, async (c) => {
  const p = await list.parse(c);
  const page = pageRequest(p);
  const result = await workspace(c).listActivities(c.get("accountSid"), { friendlyName: p.FriendlyName, available: p.Available }, page);
  return c.json(pageBody(c, "activities", unwrap(result), page, (record) => activityBody(c, record)));
});

routes.get(fetchOne.path, async (c) => {
  await fetchOne.parse(c);
  return c.json(activityBody(c, unwrap(await workspace(c).getActivity(c.get("accountSid"), sidParam(c)))));
});

routes.post(update.path, async (c) => {
  const p = await update.parse(c);
  const result = await workspace(c).updateActivity(c.get("accountSid"), sidParam(c), { friendlyName: p.FriendlyName });
  return c.json(activityBody(c, unwrap(result)));
});

routes.delete(remove.path, async (c) => {
  await remove.parse(c);
  unwrap(await workspace(c).deleteActivity(c.get("accountSid"), sidParam(c)));
  return c.body(null, 204);
});
