/**
 * Where a new worker or task is created: the one place the defaults are chained, so the order can be
 * read (and changed) here alone —
 * - a task: the explicit `Region` → the channel's configured region (not yet: channels have none) →
 *   the region nearest the request's edge → the workspace's home region;
 * - a worker: the explicit `Region` → the nearest edge's → the home region.
 * Then, before anything is created in a region other than home, the WorkspaceDO adds it to the
 * workspace's regions (idempotent) and answers once that region's Router has the configuration.
 */
import type { Context } from "hono";
import { routerFor, workspaceFor } from "../../../platform/objects";
import { homeRegionOf } from "../../../platform/region-sids";
import type { Env } from "../../../platform/env";
import { unwrap } from "./wire";

/**
 * The region nearest the edge that received the request, from `request.cf`. The step is kept for
 * `nearestRegion(cf)` (platform/regions.ts); until it is wired, no region is nearest and the chain
 * goes on to the home region.
 */
export function nearestEdgeRegion(_request: Request): string | null {
  return null;
}

/**
 * The region a new task is created in.
 * @example taskRegion(c, "WS…", p.Region) // "eu-ireland" when asked; else the nearest edge's or home
 */
export const taskRegion = (c: Context, workspaceSid: string, explicit: string | undefined): string =>
  explicit ?? nearestEdgeRegion(c.req.raw) ?? homeRegionOf(workspaceSid);

/**
 * The region a new worker is created in (their home region: where their socket is held).
 * @example workerRegion(c, "WS…", p.Region)
 */
export const workerRegion = (c: Context, workspaceSid: string, explicit: string | undefined): string =>
  explicit ?? nearestEdgeRegion(c.req.raw) ?? homeRegionOf(workspaceSid);

/**
 * The Router to create something in `region`, once the region is one of the workspace's and its Router
 * has the configuration (the home region always is: no call is made for it).
 * @example await routerToCreateIn(c.env, accountSid, "WS…", "eu-ireland").then((router) => router.createTask(…))
 */
export async function routerToCreateIn(env: Env, accountSid: string, workspaceSid: string, region: string) {
  if (region !== homeRegionOf(workspaceSid)) unwrap(await workspaceFor(env, workspaceSid).useRegion(accountSid, region));
  return routerFor(env, workspaceSid, region);
}
