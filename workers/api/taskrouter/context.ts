/**
 * What every TaskRouter route handler shares: its Hono environment (bindings + the authenticated
 * account), and the five routes of a resource, which the Conversations API uses too, mounted its own
 * way. A workspace's Durable Objects are reached through platform/objects.ts: its configuration in its
 * WorkspaceDO, its workers and tasks in the Router of their region (placement.ts for new ones, routerOf
 * for the rest, across-regions.ts for lists).
 */
import { Hono, type Context } from "hono";
import type { z } from "zod";
import { ok, type ApiResult, type Page, type PageRequest } from "../../../durable-objects/common/rpc";
import type { AuthVariables } from "../../auth/basic";
import type { Env } from "../../../platform/env";
import { endpoint, pageBody, pageRequest, unwrap, type EndpointSpec } from "./wire";

export type TaskRouterEnv = { Bindings: Env; Variables: AuthVariables };
type Shape = Record<string, z.ZodType>;
type Params<S extends Shape> = z.output<z.ZodObject<S>>;
type TaskRouterContext = Context<TaskRouterEnv>;

/** A route group, mounted under /taskrouter/v1 behind authentication. */
export const routeGroup = () => new Hono<TaskRouterEnv>();

type Next = () => Promise<void>;

/**
 * Declares an endpoint (for /openapi.json) and mounts its handler, which reads the parameters when it
 * is ready to (after checking that the path is its own). {@link mountOne} mounts it at its one path;
 * the Conversations API mounts each at its account-level and chat-service paths.
 */
export type Mount = <S extends Shape>(
  routes: Hono<TaskRouterEnv>,
  spec: EndpointSpec<S>,
  handler: (c: TaskRouterContext, parse: () => Promise<Params<S>>, next: Next) => Promise<Response | void>,
) => void;

export const mountOne: Mount = (routes, spec, handler) => {
  const declared = endpoint(spec);
  routes.on(spec.method.toUpperCase(), spec.path, (c, next) => handler(c, () => declared.parse(c), next));
};

/** One of a resource's routes: what /openapi.json says of it, its parameters and the Durable Object call. */
interface Action<S extends Shape, Run> {
  readonly summary: string;
  readonly params: S;
  readonly run: Run;
}
type Call<T> = Promise<ApiResult<T>>;

/**
 * The record of a Router answer that carries an ETag (a task, a worker, a reservation), the ETag set
 * on the response. @example run: async (c, sid) => tagged(c, "task", await router(c).getTask(accountSid, sid))
 */
export function tagged<K extends string, R>(
  c: Context,
  key: K,
  result: ApiResult<{ readonly etag: string } & Record<NoInfer<K>, R>>,
): ApiResult<R> {
  if (!result.ok) return result;
  c.header("ETag", result.value.etag);
  return ok(result.value[key]);
}

/**
 * Mounts each route a resource has: create and list at `path`, fetch, update and delete at `itemPath`
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
    readonly mount?: Mount;
    /** The most body bytes create and update read, when not the default (wire.ts). */
    readonly maxBodyBytes?: number;
    readonly tag: string;
    readonly listKey: string;
    readonly body: (c: Context, record: R) => object;
    readonly sid?: (c: Context) => string | null;
    readonly create?: Action<C, (c: TaskRouterContext, p: Params<C>) => Call<R>>;
    readonly list?: Action<L, (c: TaskRouterContext, p: Params<L>, page: PageRequest) => Call<Page<R>>>;
    readonly fetch?: Omit<Action<Shape, (c: TaskRouterContext, sid: string) => Call<R>>, "params">;
    readonly update?: Action<U, (c: TaskRouterContext, sid: string, p: Params<U>) => Call<R>>;
    readonly remove?: Omit<Action<Shape, (c: TaskRouterContext, sid: string) => Call<unknown>>, "params">;
  },
): void {
  const { path, tag, body, prefix, listKey, create, list, fetch, update, remove } = spec;
  const mount = spec.mount ?? mountOne;
  const at = prefix === undefined ? { path, tag } : { path, prefix, tag };
  const limit = spec.maxBodyBytes === undefined ? {} : { maxBodyBytes: spec.maxBodyBytes };
  const item = { ...at, path: spec.itemPath ?? `${path}/:Sid` };
  const sidOf = spec.sid ?? ((c: Context) => c.req.param("Sid") ?? "");

  if (create) {
    mount(routes, { method: "post", ...at, ...limit, summary: create.summary, params: create.params }, async (c, parse) =>
      c.json(body(c, unwrap(await create.run(c, await parse()))), 201),
    );
  }
  if (list) {
    mount(routes, { method: "get", ...at, summary: list.summary, listKey, params: list.params }, async (c, parse) => {
      const p = await parse();
      const page = pageRequest(p);
      const result = unwrap(await list.run(c, p, page));
      return c.json(pageBody(c, listKey, result, page, (record) => body(c, record)));
    });
  }
  if (fetch) {
    mount(routes, { method: "get", ...item, summary: fetch.summary, params: {} }, async (c, parse, next) => {
      const sid = sidOf(c);
      if (sid === null) return next();
      await parse();
      return c.json(body(c, unwrap(await fetch.run(c, sid))));
    });
  }
  if (update) {
    mount(routes, { method: "post", ...item, ...limit, summary: update.summary, params: update.params }, async (c, parse, next) => {
      const sid = sidOf(c);
      if (sid === null) return next();
      return c.json(body(c, unwrap(await update.run(c, sid, await parse()))));
    });
  }
  if (remove) {
    mount(routes, { method: "delete", ...item, summary: remove.summary, params: {} }, async (c, parse, next) => {
      const sid = sidOf(c);
      if (sid === null) return next();
      await parse();
      unwrap(await remove.run(c, sid));
      return c.body(null, 204);
    });
  }
}
