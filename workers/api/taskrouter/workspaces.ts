/**
 * TaskRouter v1 Workspaces: create, fetch, update, delete (each by the WorkspaceDO of that SID) and
 * list (by the account's directory in its AccountDO, so listing never wakes every workspace).
 * Parameter names and the `links` of a workspace are Twilio's, from its OpenAPI description.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { WorkspaceRecord } from "../../../contract/taskrouter";
import { isSid, newSid } from "../../../contract/ids";
import { resourceNotFound } from "../../http/errors";
import { routeGroup } from "./context";
import { bool, oneOf, paging, sid, str, strictBool, url } from "./params";
import { endpoint, pageBody, pageRequest, unwrap, withLinks } from "./wire";
import { accountFor, workspaceFor } from "../../../platform/objects";

export const routes = routeGroup();

const WORKSPACE_LINKS = {
  activities: "Activities",
  events: "Events",
  task_queues: "TaskQueues",
  tasks: "Tasks",
  workers: "Workers",
  workflows: "Workflows",
  statistics: "Statistics",
  real_time_statistics: "RealTimeStatistics",
  cumulative_statistics: "CumulativeStatistics",
  task_channels: "TaskChannels",
};

/** A workspace as Twilio returns it: the record plus `url` and `links`. */
export const workspaceBody = (c: Context, record: WorkspaceRecord) => withLinks(c, record, `Workspaces/${record.sid}`, WORKSPACE_LINKS);

/** The `Sid` path parameter when it is a workspace SID; anything else is a 404, without waking an object. */
export function workspaceSidParam(c: Context, name = "Sid"): string {
  const value = c.req.param(name) ?? "";
  if (!isSid("WS", value)) throw resourceNotFound(new URL(c.req.url).pathname);
  return value;
}

const friendlyName = str({ min: 1, max: 64 });
const queueOrder = oneOf(["FIFO", "LIFO"]);
/** On update an empty string clears the URL. */
const clearableUrl = z.union([z.literal(""), url()]);
/** Switchboard's own parameter (Twilio has no such setting); on by default. */
const cardMasking = strictBool().describe(
  "Switchboard only. Mask card numbers in task and worker attributes (and the events that carry them) before they are stored: true (default) or false",
);

const create = endpoint({
  method: "post",
  path: "/Workspaces",
  tag: "Workspaces",
  summary: "Create a workspace with Twilio's default activities and task channels (Template=FIFO adds a queue and a workflow)",
  params: {
    FriendlyName: friendlyName,
    EventCallbackUrl: url().optional(),
    EventsFilter: str({ max: 4096 }).optional(),
    MultiTaskEnabled: bool().optional(),
    Template: oneOf(["NONE", "FIFO"]).optional(),
    PrioritizeQueueOrder: queueOrder.optional(),
    CardMaskingEnabled: cardMasking.optional(),
  },
});

const list = endpoint({
  method: "get",
  path: "/Workspaces",
  tag: "Workspaces",
  summary: "List the account's workspaces, oldest first",
  listKey: "workspaces",
  params: { ...paging, FriendlyName: str().optional() },
});

const fetchOne = endpoint({ method: "get", path: "/Workspaces/:Sid", tag: "Workspaces", summary: "Fetch a workspace", params: {} });

const update = endpoint({
  method: "post",
  path: "/Workspaces/:Sid",
  tag: "Workspaces",
  summary: "Update a workspace",
  params: {
    DefaultActivitySid: sid("WA").optional(),
    EventCallbackUrl: clearableUrl.optional(),
    EventsFilter: str({ max: 4096 }).optional(),
    FriendlyName: friendlyName.optional(),
    MultiTaskEnabled: bool().optional(),
    TimeoutActivitySid: sid("WA").optional(),
    PrioritizeQueueOrder: queueOrder.optional(),
    CardMaskingEnabled: cardMasking.optional(),
  },
});

const remove = endpoint({
  method: "delete",
  path: "/Workspaces/:Sid",
  tag: "Workspaces",
  summary: "Delete a workspace and everything in it",
  params: {},
});

routes.post(create.path, async (c) => {
  const p = await create.parse(c);
  const sid = newSid("WS");
  const result = await workspaceFor(c.env, sid).createWorkspace(c.get("accountSid"), sid, {
    friendlyName: p.FriendlyName,
    eventCallbackUrl: p.EventCallbackUrl,
    eventsFilter: p.EventsFilter,
    multiTaskEnabled: p.MultiTaskEnabled,
    template: p.Template,
    prioritizeQueueOrder: p.PrioritizeQueueOrder,
    cardMaskingEnabled: p.CardMaskingEnabled,
  });
  return c.json(workspaceBody(c, unwrap(result)), 201);
});

routes.get(list.path, async (c) => {
  const p = await list.parse(c);
  const page = pageRequest(p);
  const result = await accountFor(c.env, c.get("accountSid")).listWorkspaces({ friendlyName: p.FriendlyName }, page);
  return c.json(pageBody(c, "workspaces", unwrap(result), page, (record) => workspaceBody(c, record)));
});

routes.get(fetchOne.path, async (c) => {
  await fetchOne.parse(c);
  const result = await workspaceFor(c.env, workspaceSidParam(c)).getWorkspace(c.get("accountSid"));
  return c.json(workspaceBody(c, unwrap(result)));
});

routes.post(update.path, async (c) => {
  const p = await update.parse(c);
  const result = await workspaceFor(c.env, workspaceSidParam(c)).updateWorkspace(c.get("accountSid"), {
    defaultActivitySid: p.DefaultActivitySid,
    eventCallbackUrl: p.EventCallbackUrl,
    eventsFilter: p.EventsFilter,
    friendlyName: p.FriendlyName,
    multiTaskEnabled: p.MultiTaskEnabled,
    timeoutActivitySid: p.TimeoutActivitySid,
    prioritizeQueueOrder: p.PrioritizeQueueOrder,
    cardMaskingEnabled: p.CardMaskingEnabled,
  });
  return c.json(workspaceBody(c, unwrap(result)));
});

routes.delete(remove.path, async (c) => {
  await remove.parse(c);
  unwrap(await workspaceFor(c.env, workspaceSidParam(c)).deleteWorkspace(c.get("accountSid")));
  return c.body(null, 204);
});
