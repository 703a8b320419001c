/**
 * The live channel's settings of a workspace (Switchboard-native, under /api): today the presence
 * grace period — how long an agent may be without a connection (a closed laptop, a dropped network)
 * before they are moved offline and their pending reservations go to someone else. Default 60 s.
 */
import { Hono } from "hono";
import { basicAuth, type AuthVariables } from "../auth/basic";
import type { Env } from "../../platform/env";
import { routerFor } from "../../platform/objects";
import { int, sid } from "./taskrouter/params";
import { endpoint, unwrap } from "./taskrouter/wire";
import { ApiError } from "../http/errors";

const tag = "Live channel";
const PATH = "/workspaces/:WorkspaceSid/realtime-settings";
const fetchSettings = endpoint({
  method: "get",
  path: PATH,
  prefix: "/api",
  tag,
  summary: "The live channel's settings of a workspace",
  params: {},
});
const updateSettings = endpoint({
  method: "post",
  path: PATH,
  prefix: "/api",
  tag,
  status: 200,
  summary: "Change the presence grace period (seconds an agent may be disconnected before going offline)",
  params: { PresenceGraceSeconds: int(1, 86_400) },
});

export const realtimeSettings = new Hono<{ Bindings: Env; Variables: AuthVariables }>();
for (const path of [PATH]) realtimeSettings.use(path, basicAuth());

function workspaceSid(raw: string | undefined): string {
  const parsed = sid("WS").safeParse(raw);
  if (!parsed.success) throw new ApiError(404, 20404, `The requested resource Workspace ${raw ?? ""} was not found`);
  return parsed.data;
}

realtimeSettings.get(PATH, async (c) => {
  await fetchSettings.parse(c);
  const ws = workspaceSid(c.req.param("WorkspaceSid"));
  return c.json(unwrap(await routerFor(c.env, ws).realtimeSettings(c.get("accountSid"))));
});

realtimeSettings.post(PATH, async (c) => {
  const p = await updateSettings.parse(c);
  const ws = workspaceSid(c.req.param("WorkspaceSid"));
  return c.json(unwrap(await routerFor(c.env, ws).realtimeSettings(c.get("accountSid"), { presenceGraceSeconds: p.PresenceGraceSeconds })));
});
