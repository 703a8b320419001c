/**
 * What every Studio v2 route shares (issue 16): where a request's flows live and how its URLs read.
 *
 * Flows belong to a workspace (its WorkspaceDO). Each endpoint is mounted twice with one handler:
 * - at Studio's own path, `/v2/Flows…`, acting on the account's default workspace (its oldest, as the
 *   Conversations account-level paths do) — point the stock client there with
 *   `client.studio.baseUrl = "<origin>"`;
 * - at the workspace-scoped twin, `/api/workspaces/{WorkspaceSid}/studio/v2/Flows…`, for accounts with
 *   several workspaces (`client.studio.baseUrl = "<origin>/api/workspaces/WS…/studio"`).
 * Records' `url`s follow the path the request came in by, so a client keeps to the one it was given.
 */
import type { Context } from "hono";
import type { ApiResult } from "../../../durable-objects/common/rpc";
import { isSid } from "../../../contract/ids";
import { ApiError, resourceNotFound } from "../../http/errors";
import { routeGroup as taskRouterGroup, type Mount, type TaskRouterEnv } from "../taskrouter/context";
import { defaultWorkspace } from "../conversations/context";
import { endpoint } from "../taskrouter/wire";

export type StudioEnv = TaskRouterEnv;
export type StudioContext = Context<StudioEnv>;

/** A route group of the Studio API; app.ts mounts them at the root. */
export const routeGroup = taskRouterGroup;

/** Where the workspace-scoped twin of a Studio path lives: `/api` + this + `/v2/Flows…`. */
const SCOPED = "/workspaces/:WorkspaceSid/studio";

/** The paths the routes answer, for basic auth (app.ts). */
export const STUDIO_PATHS = ["/v2/*", `/api${SCOPED}/*`] as const;

/**
 * Mounts an endpoint at Studio's path (`/v2/Flows…`) and at its workspace-scoped twin, both documented
 * in /openapi.json, with one handler (taskrouter/context.ts's Mount): pass it as a resource's `mount`.
 */
export const mountStudio: Mount = (routes, spec, handler) => {
  const account = endpoint({ ...spec, prefix: "" });
  const scoped = endpoint({ ...spec, path: `${SCOPED}${spec.path}`, summary: `${spec.summary} (in a workspace)`, prefix: "/api" });
  routes.on(spec.method.toUpperCase(), [account.path, `/api${scoped.path}`], (c, next) => handler(c, () => account.parse(c), next));
};

/**
 * The workspace a request's flows live in: the path's (its WorkspaceDO then checks it is the caller's)
 * or the account's default one, its oldest.
 */
export async function flowWorkspace(c: StudioContext): Promise<string> {
  const fromPath = c.req.param("WorkspaceSid");
  if (fromPath !== undefined) {
    if (!isSid("WS", fromPath)) throw resourceNotFound(new URL(c.req.url).pathname);
    return fromPath;
  }
  return defaultWorkspace(c.env, c.get("accountSid"), "flows");
}

/** The base of this request's Studio URLs: the origin, or the workspace's `…/api/workspaces/WS…/studio`. */
export function studioBase(c: Context): string {
  const origin = new URL(c.req.url).origin;
  const workspace = c.req.param("WorkspaceSid");
  return workspace === undefined ? origin : `${origin}/api/workspaces/${workspace}/studio`;
}

/** The URL of a flow as this request addresses flows. @example flowUrl(c, "FW…") // "https://sb.example/v2/Flows/FW…" */
export const flowUrl = (c: Context, flowSid: string): string => `${studioBase(c)}/v2/Flows/${flowSid}`;

/** A path SID of `prefix`, or the 404 Studio answers for a malformed one. */
export function pathSid(c: Context, name: string, prefix: string, what: string): string {
  const value = c.req.param(name) ?? "";
  if (!isSid(prefix, value)) throw new ApiError(404, 20404, `The requested resource ${what} ${value} was not found`);
  return value;
}

/**
 * A Durable Object's answer typed as its method declares it. Workers' RPC typing turns a record that
 * holds `unknown` values (a flow's definition, an execution's context) into `never`; the value itself
 * crosses whole (structured clone). @example asDeclared<ExecutionRecord>(await flowFor(env, sid).getExecution(accountSid))
 */
export const asDeclared = <T>(result: unknown): ApiResult<T> => result as ApiResult<T>;
