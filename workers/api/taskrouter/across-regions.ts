/**
 * Lists that span the workspace's regions (workers, tasks, events): the regions come from the
 * WorkspaceDO, each region's Router answers its part with the client's filters, and
 * kit/region-pages.ts merges the pages in the list's order. A workspace of one region is answered by
 * that region's Router alone, exactly as before regions. And the one Router a single item's path reaches.
 */
import type { Context } from "hono";
import type { ApiResult, Page, PageRequest } from "../../../durable-objects/common/rpc";
import { pageAcrossRegions } from "../../../durable-objects/kit/region-pages";
import { followMoves, routerFor, routerOf, workspaceFor } from "../../../platform/objects";
import { homeRegionOf } from "../../../platform/region-sids";
import type { TaskRouterEnv } from "./context";
import { unwrap } from "./wire";
import { workspaceSidParam } from "./workspaces";

export type Router = ReturnType<typeof routerFor>;

/**
 * The Router that holds the worker, task, reservation or event `sid` of the path's workspace: the region
 * its SID names, else the workspace's home region.
 * @example await routerHolding(c, "WT…").getTask(accountSid, "WT…")
 */
export const routerHolding = (c: Context, sid: string) => routerOf(c.env, workspaceSidParam(c, "WorkspaceSid"), sid);

/**
 * `call` on the Router that holds `sid` now: the one its SID names, or, for a task handed over to
 * another region, that region's (one extra hop, for handed-over items only).
 * @example await holding(c, "WT…", (router) => router.getTask(accountSid, "WT…"))
 */
export const holding = <R>(c: Context, sid: string, call: (router: Router) => R): Promise<Awaited<R>> =>
  followMoves(c.env, workspaceSidParam(c, "WorkspaceSid"), sid, call);

/**
 * The regions the workspace of the path uses, home first. One the WorkspaceDO does not know (another
 * account's, or none) is left to its home region's Router, which answers it as it did before regions
 * (a 404 unless it holds the workspace, as Router tests that push a configuration directly do).
 */
export async function regionsOf(c: Context<TaskRouterEnv>): Promise<string[]> {
  const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
  const listed = await workspaceFor(c.env, workspaceSid).workspaceRegions(c.get("accountSid"));
  if (!listed.ok && listed.status === 404) return [homeRegionOf(workspaceSid)];
  return unwrap(listed);
}

/**
 * One page of a list across the workspace's regions.
 * @example await listAcrossRegions(c, page, byOrdering(p.Ordering, WORKER_FIELDS), (router, request) => router.listWorkers(accountSid, { ...filters, ...request }))
 */
export async function listAcrossRegions<T extends { readonly sid: string }>(
  c: Context<TaskRouterEnv>,
  request: PageRequest,
  compare: (a: T, b: T) => number,
  list: (router: Router, request: PageRequest) => Promise<ApiResult<Page<T>>>,
): Promise<ApiResult<Page<T>>> {
  const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
  const regions = await regionsOf(c);
  if (regions.length === 1) return list(routerFor(c.env, workspaceSid, regions[0]), request);
  return pageAcrossRegions(regions, request, compare, (region, page) => list(routerFor(c.env, workspaceSid, region), page));
}

/**
 * How two records compare under Twilio's `Ordering` ("DateCreated:asc,FriendlyName:desc"), as the Routers
 * order them (`fields` maps each name to the record's value), ties broken by SID. Names a Router would
 * refuse are skipped here: the Router's 400 is the answer.
 * @example byOrdering("Priority:desc", { Priority: (t) => t.priority }, "DateCreated:asc")
 */
export function byOrdering<T extends { sid: string }>(
  ordering: string | undefined,
  fields: Readonly<Record<string, (item: T) => string | number>>,
  fallback: string,
): (a: T, b: T) => number {
  const keys = (ordering ?? fallback).split(",").flatMap((part) => {
    const [name = "", direction = "asc"] = part.split(":").map((s) => s.trim());
    const field = Object.entries(fields).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    return field ? [{ field, sign: direction.toLowerCase() === "desc" ? -1 : 1 }] : [];
  });
  return (a, b) => {
    for (const { field, sign } of keys) {
      const [x, y] = [field(a), field(b)];
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0;
  };
}
