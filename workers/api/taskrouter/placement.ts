/**
 * Where a new worker or task is created: the explicit `Region`, else the workspace's home region — the
 * one place the defaults are chained, so the order can be read (and changed) here alone. Before
 * anything is created in a region other than home, the WorkspaceDO adds it to the workspace's regions
 * (idempotent) and answers once that region's Router has the configuration.
 *
 * Not yet in the chain, on purpose: the region nearest the request's edge (`nearestRegion(cf)` in
 * platform/regions.ts) and a channel's own region. Until a task can overflow to another region's
 * workers, a task placed by nearness could wait in a region where nobody works; and a worker created
 * by an admin's API call says nothing about where the agent will sign in.
 */
import { routerFor, workspaceFor } from "../../../platform/objects";
import { homeRegionOf } from "../../../platform/region-sids";
import type { Env } from "../../../platform/env";
import { unwrap } from "./wire";

/**
 * The region a new worker or task is created in.
 * @example placementOf("WS…", p.Region) // "eu-ireland" when asked; else the workspace's home region
 */
export const placementOf = (workspaceSid: string, explicit: string | undefined): string => explicit ?? homeRegionOf(workspaceSid);

/**
 * The Router to create something in `region`, once the region is one of the workspace's and its Router
 * has the configuration (the home region always is: no call is made for it).
 * @example await routerToCreateIn(c.env, accountSid, "WS…", "eu-ireland").then((router) => router.createTask(…))
 */
export async function routerToCreateIn(env: Env, accountSid: string, workspaceSid: string, region: string) {
  if (region !== homeRegionOf(workspaceSid)) unwrap(await workspaceFor(env, workspaceSid).useRegion(accountSid, region));
  return routerFor(env, workspaceSid, region);
}
