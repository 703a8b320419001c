/**
 * Plugin registrations (Switchboard-native, under /api/workspaces/:WorkspaceSid/plugins): the ES module
 * URLs the agent desktop of a workspace imports at start-up. Anyone signed in to the workspace (and
 * every admin) may read them — the desktop needs the list — and only admins, or a backend with the
 * account's Basic credentials, may change them. A URL must be https (http only on localhost, for a
 * plugin being developed): see durable-objects/account/plugins.ts.
 */
import { Hono, type Context } from "hono";
import type { AuthVariables } from "../auth/basic";
import { accountOf, basicOrSession, type Caller } from "../auth/session-guard";
import type { Env } from "../../platform/env";
import { ApiError } from "../http/errors";
import { bool, sid, str } from "./taskrouter/params";
import { endpoint, pageBody, pageRequest, unwrap } from "./taskrouter/wire";
import { defined } from "../../durable-objects/common/rpc";
import { workspaceFor } from "../../platform/objects";

/** Where these Switchboard-native endpoints live, how they are called, and their OpenAPI group. */
const signedIn = { prefix: "/api", auth: "basic-or-session", tag: "Plugins" } as const;
const LIST = "/workspaces/:WorkspaceSid/plugins";
const ONE = `${LIST}/:PluginSid`;
const create = endpoint({
  method: "post",
  path: LIST,
  ...signedIn,
  status: 201,
  summary: "Register a plugin (admins): Url of an ES module, https (http only on localhost)",
  params: { Url: str({ min: 1, max: 2048 }), FriendlyName: str({ max: 64 }).optional(), Enabled: bool().optional() },
});
const list = endpoint({
  method: "get",
  path: LIST,
  ...signedIn,
  summary: "List the workspace's plugins, oldest first",
  params: {},
  listKey: "plugins",
});
const fetchOne = endpoint({
  method: "get",
  path: ONE,
  ...signedIn,
  summary: "Fetch a plugin",
  params: {},
});
const update = endpoint({
  method: "post",
  path: ONE,
  ...signedIn,
  summary: "Update a plugin (admins)",
  params: { Url: str({ min: 1, max: 2048 }).optional(), FriendlyName: str({ max: 64 }).optional(), Enabled: bool().optional() },
});
const remove = endpoint({
  method: "delete",
  path: ONE,
  ...signedIn,
  status: 204,
  summary: "Delete a plugin (admins)",
  params: {},
});

type PluginsEnv = { Bindings: Env; Variables: AuthVariables };
export const plugins = new Hono<PluginsEnv>();

const missing = (c: Context) => new ApiError(404, 20404, `The requested resource ${c.req.path} was not found`);

/** The workspace SID of the path, which must exist in the account (404 otherwise, as for another account's). */
async function workspaceOf(c: Context<PluginsEnv>, caller: Caller): Promise<string> {
  const workspaceSid = c.req.param("WorkspaceSid") ?? "";
  if (!sid("WS").safeParse(workspaceSid).success) throw missing(c);
  const found = await workspaceFor(c.env, workspaceSid).getWorkspace(caller.accountSid);
  if (!found.ok) throw missing(c);
  return workspaceSid;
}

function pluginSid(c: Context): string {
  const raw = c.req.param("PluginSid") ?? "";
  if (!sid("FP").safeParse(raw).success) throw missing(c);
  return raw;
}

/** Readers: Basic, any admin, or a user of this workspace. */
function mayRead(caller: Caller, workspaceSid: string): void {
  if (caller.kind === "user" && caller.user.role !== "admin" && caller.user.workspace_sid !== workspaceSid) {
    throw new ApiError(403, 20403, "You may only read the plugins of your own workspace");
  }
}

function mayWrite(caller: Caller): void {
  if (caller.kind === "user" && caller.user.role !== "admin") throw new ApiError(403, 20403, "Only admins may change plugins");
}

plugins.get(LIST, async (c) => {
  const caller = await basicOrSession(c);
  const workspaceSid = await workspaceOf(c, caller);
  mayRead(caller, workspaceSid);
  const request = pageRequest(await list.parse(c));
  const page = unwrap(await accountOf(c.env).stub.listPlugins(workspaceSid, request));
  return c.json(pageBody(c, "plugins", page, request, (plugin) => plugin));
});

plugins.post(LIST, async (c) => {
  const caller = await basicOrSession(c);
  mayWrite(caller);
  const workspaceSid = await workspaceOf(c, caller);
  const p = await create.parse(c);
  const input = { url: p.Url, ...defined({ friendlyName: p.FriendlyName, enabled: p.Enabled }) };
  return c.json(unwrap(await accountOf(c.env).stub.createPlugin(workspaceSid, input)), 201);
});

plugins.get(ONE, async (c) => {
  const caller = await basicOrSession(c);
  const workspaceSid = await workspaceOf(c, caller);
  mayRead(caller, workspaceSid);
  await fetchOne.parse(c);
  return c.json(unwrap(await accountOf(c.env).stub.getPlugin(workspaceSid, pluginSid(c))));
});

plugins.post(ONE, async (c) => {
  const caller = await basicOrSession(c);
  mayWrite(caller);
  const workspaceSid = await workspaceOf(c, caller);
  const p = await update.parse(c);
  const input = defined({ url: p.Url, friendlyName: p.FriendlyName, enabled: p.Enabled });
  return c.json(unwrap(await accountOf(c.env).stub.updatePlugin(workspaceSid, pluginSid(c), input)));
});

plugins.delete(ONE, async (c) => {
  const caller = await basicOrSession(c);
  mayWrite(caller);
  const workspaceSid = await workspaceOf(c, caller);
  await remove.parse(c);
  unwrap(await accountOf(c.env).stub.deletePlugin(workspaceSid, pluginSid(c)));
  return c.body(null, 204);
});
