/**
 * TaskRouter v1 TaskChannels of a workspace: create, fetch, update, delete and list, all answered by
 * the WorkspaceDO. As in Twilio, a channel's path takes its SID (`TC…`) or its unique name (`voice`).
 * The list key is `channels`, as twilio-node reads it.
 */
import type { Context } from "hono";
import type { TaskChannelRecord } from "../../../contract/taskrouter";
import { resourceRoutes, routeGroup } from "./context";
import { bool, paging, str } from "./params";
import { apiUrl } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { workspaceFor } from "../../../platform/objects";

export const routes = routeGroup();

/** A task channel as Twilio returns it: the record plus `url` and a link to its workspace. */
export const taskChannelBody = (c: Context, record: TaskChannelRecord) => ({
  ...record,
  url: apiUrl(c, `Workspaces/${record.workspace_sid}/TaskChannels/${record.sid}`),
  links: { workspace: apiUrl(c, `Workspaces/${record.workspace_sid}`) },
});

const friendlyName = str({ min: 1, max: 64 });
const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c, "WorkspaceSid"));

resourceRoutes(routes, {
  path: "/Workspaces/:WorkspaceSid/TaskChannels",
  tag: "TaskChannels",
  listKey: "channels",
  body: taskChannelBody,
  create: {
    summary: "Create a task channel",
    params: { FriendlyName: friendlyName, UniqueName: str({ min: 1, max: 64 }), ChannelOptimizedRouting: bool().optional() },
    run: (c, p) =>
      workspace(c).createTaskChannel(c.get("accountSid"), {
        friendlyName: p.FriendlyName,
        uniqueName: p.UniqueName,
        channelOptimizedRouting: p.ChannelOptimizedRouting,
      }),
  },
  list: {
    summary: "List task channels, oldest first",
    params: { ...paging },
    run: (c, _p, page) => workspace(c).listTaskChannels(c.get("accountSid"), page),
  },
  fetch: {
    summary: "Fetch a task channel by SID or unique name",
    run: (c, sid) => workspace(c).getTaskChannel(c.get("accountSid"), sid),
  },
  update: {
    summary: "Update a task channel (by SID or unique name)",
    params: { FriendlyName: friendlyName.optional(), ChannelOptimizedRouting: bool().optional() },
    run: (c, sid, p) =>
      workspace(c).updateTaskChannel(c.get("accountSid"), sid, {
        friendlyName: p.FriendlyName,
        channelOptimizedRouting: p.ChannelOptimizedRouting,
      }),
  },
  remove: {
    summary: "Delete a task channel (by SID or unique name)",
    run: (c, sid) => workspace(c).deleteTaskChannel(c.get("accountSid"), sid),
  },
});
