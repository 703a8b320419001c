/**
 * TaskRouter v1 TaskChannels of a workspace: create, fetch, update, delete and list, all answered by
 * the WorkspaceDO. As in Twilio, a channel's path takes its SID (`TC…`) or its unique name (`voice`).
 * The list key is `channels`, as twilio-node reads it.
 */
import type { Context } from "hono";
import type { TaskChannelRecord } from "../../../contract/taskrouter";
import { routeGroup } from "./context";
import { bool, paging, str } from "./params";
import { apiUrl, endpoint, pageBody, pageRequest, unwrap } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { workspaceFor } from "../../../platform/objects";

export const routes = routeGroup();

/** A task channel as Twilio returns it: the record plus `url` and a link to its workspace. */
export const taskChannelBody = (c: Context, record: TaskChannelRecord) => ({
  ...record,
  url: apiUrl(c, `Workspaces/${record.workspace_sid}/TaskChannels/${record.sid}`),
  links: { workspace: apiUrl(c, `Workspaces/${record.workspace_sid}`) },
});

const BASE = "/Workspaces/:WorkspaceSid/TaskChannels";
const friendlyName = str({ min: 1, max: 64 });

const create = endpoint({
  method: "post",
  path: BASE,
  tag: "TaskChannels",
  summary: "Create a task channel",
  params: { FriendlyName: friendlyName, UniqueName: str({ min: 1, max: 64 }), ChannelOptimizedRouting: bool().optional() },
});
const list = endpoint({
  method: "get",
  path: BASE,
  tag: "TaskChannels",
  summary: "List task channels, oldest first",
  listKey: "channels",
  params: { ...paging },
});
const fetchOne = endpoint({
  method: "get",
  path: `${BASE}/:Sid`,
  tag: "TaskChannels",
  summary: "Fetch a task channel by SID or unique name",
  params: {},
});
const update = endpoint({
  method: "post",
  path: `${BASE}/:Sid`,
  tag: "TaskChannels",
  summary: "Update a task channel (by SID or unique name)",
  params: { FriendlyName: friendlyName.optional(), ChannelOptimizedRouting: bool().optional() },
});
const remove = endpoint({
  method: "delete",
  path: `${BASE}/:Sid`,
  tag: "TaskChannels",
  summary: "Delete a task channel (by SID or unique name)",
  params: {},
});

const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c, "WorkspaceSid"));
const sidParam = (c: Context) => c.req.param("Sid") ?? "";

routes.post(create.path, async (c) => {
  const p = await create.parse(c);
  const result = await workspace(c).createTaskChannel(c.get("accountSid"), {
    friendlyName: p.FriendlyName,
    uniqueName: p.UniqueName,
    channelOptimizedRouting: p.ChannelOptimizedRouting,
  });
  return c.json(taskChannelBody(c, unwrap(result)), 201);
});

routes.get(list.path, async (c) => {
  const page = pageRequest(await list.parse(c));
  const result = await workspace(c).listTaskChannels(c.get("accountSid"), page);
  return c.json(pageBody(c, "channels", unwrap(result), page, (record) => taskChannelBody(c, record)));
});

routes.get(fetchOne.path, async (c) => {
  await fetchOne.parse(c);
  return c.json(taskChannelBody(c, unwrap(await workspace(c).getTaskChannel(c.get("accountSid"), sidParam(c)))));
});

routes.post(update.path, async (c) => {
  const p = await update.parse(c);
  const result = await workspace(c).updateTaskChannel(c.get("accountSid"), sidParam(c), {
    friendlyName: p.FriendlyName,
    channelOptimizedRouting: p.ChannelOptimizedRouting,
  });
  return c.json(taskChannelBody(c, unwrap(result)));
});

routes.delete(remove.path, async (c) => {
  await remove.parse(c);
  unwrap(await workspace(c).deleteTaskChannel(c.get("accountSid"), sidParam(c)));
  return c.body(null, 204);
});
