/**
 * What every TaskRouter route handler shares: its Hono environment (bindings + the authenticated
 * account), and the five routes of a resource kept in a workspace. A workspace's Durable Objects are
 * reached through platform/objects.ts: its configuration in its WorkspaceDO, its workers and tasks in
 * the Router of their region (placement.ts for new ones, routerOf for the rest, across-regions.ts for lists).
 */
import { Hono, type Context } from "hono";
import type { z } from "zod";
import type { ApiResult, Page, PageRequest } from "../../../durable-objects/common/rpc";
import type { AuthVariables } from "../../auth/basic";
import type { Env } from "../../../platform/env";
import { endpoint, pageBody, pageRequest, unwrap } from "./wire";

export type TaskRouterEnv = { Bindings: Env; Variables: AuthVariables };
type Shape = Record<string, z.ZodType>;
type Params<S extends Shape> = z.output<z.ZodObject<S>>;
type TaskRouterContext = Context<TaskRouterEnv>;

/** A route group, mounted under /taskrouter/v1 behind authentication. */
export const routeGroup = () => new Hono<TaskRouterEnv>();

/** One of a resource's routes: what /openapi.json says of it, its parameters and the Durable Object call. */
interface Action<S extends Shape, Run> {
  readonly summary: string;
  readonly params: S;
  readonly run: Run;
}

/**
 * Mounts a resource's create and list at `path` and its fetch, update and delete at `itemPath`
 * (`path/:Sid` unless said otherwise), declaring each endpoint in that order (for /openapi.json) and
 * answering as Twilio does: the record through `body` (201 on create), a page under `listKey`, an
 * empty 204 on delete. `sid` reads the path's `:Sid`, or null for another path at the same depth
 * (statistics), which falls through.
 * @example
 * resourceRoutes(routes, { path: "/Workspaces/:WorkspaceSid/Activities", tag: "Activities", listKey: "activities",
 *   body: activityBody, create: { summary: "Create an activity", params: { … }, run: (c, p) => … }, … });
 */
export function resourceRoutes<R, C extends Shape, L extends Shape, U extends Shape>(
  routes: Hono<TaskRouterEnv>,
  spec: {
    readonly path: string;
    readonly itemPath?: string;
    /** Where the paths are mounted, when not below /taskrouter/v1 (`/api` for Switchboard-native routes). */
    readonly prefix?: string;
    readonly tag: string;
    readonly listKey: string;
    readonly body: (c: Context, record: R) => object;
    readonly sid?: (c: Context) => string | null;
    readonly create: Action<C, (c: TaskRouterContext, p: Params<C>) => Promise<ApiResult<R>>>;
    readonly list: Action<L, (c: TaskRouterContext, p: Params<L>, page: PageRequest) => Promise<ApiResult<Page<R>>>>;
    readonly fetch: Omit<Action<Shape, (c: TaskRouterContext, sid: string) => Promise<ApiResult<R>>>, "params">;
    readonly update: Action<U, (c: TaskRouterContext, sid: string, p: Params<U>) => Promise<ApiResult<R>>>;
    readonly remove: Omit<Action<Shape, (c: TaskRouterContext, sid: string) => Promise<ApiResult<unknown>>>, "params">;
  },
): void {
  const { path, tag, body, prefix } = spec;
  const one = spec.itemPath ?? `${path}/:Sid`;
  const at = prefix === undefined ? { path, tag } : { path, prefix, tag };
  const item = { ...at, path: one };
  const sidOf = spec.sid ?? ((c: Context) => c.req.param("Sid") ?? "");
  const create = endpoint({ method: "post", ...at, summary: spec.create.summary, params: spec.create.params });
  const list = endpoint({ method: "get", ...at, summary: spec.list.summary, listKey: spec.listKey, params: spec.list.params });
  const fetchOne = endpoint({ method: "get", ...item, summary: spec.fetch.summary, params: {} });
  const update = endpoint({ method: "post", ...item, summary: spec.update.summary, params: spec.update.params });
  const remove = endpoint({ method: "delete", ...item, summary: spec.remove.summary, params: {} });

  routes.post(path, async (c) => c.json(body(c, unwrap(await spec.create.run(c, await create.parse(c)))), 201));
  routes.get(path, async (c) => {
    const p = await list.parse(c);
    const page = pageRequest(p);
    const result = unwrap(await spec.list.run(c, p, page));
    return c.json(pageBody(c, spec.listKey, result, page, (record) => body(c, record)));
  });
  routes.get(one, async (c, next) => {
    const sid = sidOf(c);
    if (sid === null) return next();
    await fetchOne.parse(c);
    return c.json(body(c, unwrap(await spec.fetch.run(c, sid))));
  });
  routes.post(one, async (c, next) => {
    const sid = sidOf(c);
    if (sid === null) return next();
    return c.json(body(c, unwrap(await spec.update.run(c, sid, await update.parse(c)))));
  });
  routes.delete(one, async (c, next) => {
    const sid = sidOf(c);
    if (sid === null) return next();
    await remove.parse(c);
    unwrap(await spec.remove.run(c, sid));
    return c.body(null, 204);
  });
}
