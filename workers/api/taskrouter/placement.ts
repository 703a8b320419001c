/**
 * Where a new task or worker is created — the one place the defaults are chained, so the order can be
 * read (and changed) here alone. A new task's region is, top to bottom:
 *
 *   1. the explicit `Region` of the API call;
 *   2. else the region of the channel its conversation came through (channel settings);
 *   3. else the region nearest the edge the request reached (`nearestRegion(request.cf)`), but only
 *      among the regions the workspace already uses: a region where nobody works would strand the task
 *      (the list is the isolate's copy, used-regions.ts; when the nearest region of all is the home
 *      region, nothing is asked). For a conversation's task the edge is the customer's: the request
 *      that opened the conversation (webhooks.ts records the choice on it);
 *   4. else the workspace's home region, which its SID names.
 *
 * Then failover (platform/failover.ts): while that region is down, the task is created in its partner,
 * or refused with a 503 naming the region and why when the partner is outside the workspace's
 * jurisdiction. The ConversationDO applies the same step when it creates its conversation's task,
 * since it makes that call itself (and may retry it later, from its alarm).
 *
 * A new worker is created in the explicit `Region`, else the home region: an admin's API call says
 * nothing about where the agent will sign in. That home region is only a default: the first sign-in
 * of the agent linked to the worker settles it (`settleOnSignIn`), moving the worker to the region
 * nearest that sign-in's edge (inside the workspace's jurisdiction) when it is another; from then on,
 * only an explicit `Region` moves them.
 *
 * Before anything is created in a region other than home, the WorkspaceDO adds it to the workspace's
 * regions (idempotent) and answers once that region's Router has the configuration.
 */
import { newTaskIn } from "../../../platform/new-task";
import { jurisdictionOf, regionAllowed } from "../../../platform/jurisdictions";
import { followMoves, routerFor, workspaceFor } from "../../../platform/objects";
import { homeRegionOf } from "../../../platform/region-sids";
import { nearestRegion, type RequestGeo } from "../../../platform/regions";
import type { Env } from "../../../platform/env";
import { ApiError } from "../../http/errors";
import { fail } from "../../../durable-objects/common/rpc";
import { rememberRegions, usedRegions } from "./used-regions";
import { unwrap } from "./wire";

/** What a new task's region is chosen from (each optional). */
export interface TaskPlacementInput {
  /** The API call's `Region`. */
  readonly explicit?: string | undefined;
  /** The region of the channel the task's conversation came through. */
  readonly channel?: string | null | undefined;
  /** The `cf` of the request that asked for the task (the customer's, for a conversation). */
  readonly edge?: RequestGeo | null | undefined;
}

/** Where a request came from, as Cloudflare placed it (`request.cf`; absent locally unless a test gives one). */
export const edgeOf = (request: Request): RequestGeo | undefined => request.cf as RequestGeo | undefined;

/**
 * The region a new task is meant for: the chain above, steps 1–4 (failover is {@link createTaskIn}'s).
 * @example await taskRegion(env, accountSid, "WS…", { explicit: p.Region, edge: c.req.raw.cf }) // "ap-sydney"
 */
export async function taskRegion(env: Env, accountSid: string, workspaceSid: string, input: TaskPlacementInput): Promise<string> {
  if (input.explicit) return input.explicit;
  if (input.channel) return input.channel;
  return (await nearestUsedRegion(env, accountSid, workspaceSid, input.edge)) ?? homeRegionOf(workspaceSid);
}

/**
 * The region a new worker is created in: the explicit `Region`, else the workspace's home region.
 * @example workerRegion("WS…", p.Region) // "eu-ireland" when asked
 */
export const workerRegion = (workspaceSid: string, explicit: string | undefined): string => explicit ?? homeRegionOf(workspaceSid);

/**
 * The agent linked to worker `workerSid` signed in from `edge`: while the worker's region is by
 * default, this first sign-in settles it and moves them to the region nearest `edge` (durable-objects/
 * router/lifecycle/worker-move.ts). An edge that places the request nowhere (local, no `cf`) settles
 * nothing. Answers where the worker moved, or null; a failure is thrown for the caller to log.
 * @example await settleOnSignIn(env, accountSid, "WS…", "WK…", edgeOf(c.req.raw)) // "ap-sydney"
 */
export async function settleOnSignIn(
  env: Env,
  accountSid: string,
  workspaceSid: string,
  workerSid: string,
  edge: RequestGeo | null | undefined,
): Promise<string | null> {
  const nearest = nearestRegion(edge, { jurisdiction: jurisdictionOf(workspaceSid) ?? undefined })?.id;
  if (nearest === undefined) return null;
  // One read on every sign-in; the rest only on the first.
  if (!unwrap(await followMoves(env, workspaceSid, workerSid, (router) => router.regionUnsettled(accountSid, workerSid)))) return null;
  await routerToCreateIn(env, accountSid, workspaceSid, nearest); // that region's Router has the configuration to take them
  const settled = unwrap(
    await followMoves(env, workspaceSid, workerSid, (router) => router.settleWorkerRegion(accountSid, workerSid, nearest)),
  );
  if (settled.refused) console.warn(`placement: worker ${workerSid} stays where they are at their first sign-in: ${settled.refused}`);
  return settled.region;
}

/** Step 3: the region nearest `edge` among those the workspace uses, or null when `edge` places the request nowhere. */
async function nearestUsedRegion(
  env: Env,
  accountSid: string,
  workspaceSid: string,
  edge: RequestGeo | null | undefined,
): Promise<string | null> {
  const jurisdiction = jurisdictionOf(workspaceSid) ?? undefined;
  const nearest = nearestRegion(edge, { jurisdiction });
  if (nearest === null || nearest.id === homeRegionOf(workspaceSid)) return nearest?.id ?? null; // home is always used
  const used = await usedRegions(env, accountSid, workspaceSid, Date.now()).catch((error: unknown) =>
    fail(503, 20503, error instanceof Error ? error.message : String(error)),
  );
  if (!used.ok) {
    // Not knowing the list is no reason to refuse a task: the home region is always one of them.
    console.warn(`placement: the regions of ${workspaceSid} could not be read (${used.message}); the task goes home`);
    return null;
  }
  return nearestRegion(edge, { jurisdiction, within: used.value })?.id ?? null;
}

/**
 * Creates a task in `wanted` — or, while it is down, in its partner (platform/new-task.ts) — through
 * `create`; a region outside a pinned workspace's jurisdiction is a 400. A refusal (the partner outside the workspace's jurisdiction, or down too) is a 503 naming the
 * region, and so is a Router that cannot be reached (before failover says its region is down).
 * @example await createTaskIn(env, accountSid, "WS…", "us-east", (router) => router.createTask(accountSid, input))
 */
export async function createTaskIn<T>(
  env: Env,
  accountSid: string,
  workspaceSid: string,
  wanted: string,
  create: (router: ReturnType<typeof routerFor>) => Promise<T>,
): Promise<T> {
  checkAllowed(workspaceSid, wanted); // before anything is asked of it
  const placed = await newTaskIn(env, accountSid, workspaceSid, wanted, create, (used) =>
    rememberRegions(accountSid, workspaceSid, used, Date.now()),
  );
  if (!placed.ok) throw new ApiError(placed.status as 503, placed.code, placed.message);
  return placed.value;
}

/**
 * The Router to create something in `region`, once the region is one of the workspace's and its Router
 * has the configuration (the home region always is: no call is made for it). A region outside a pinned
 * workspace's jurisdiction is a 400.
 * @example await routerToCreateIn(c.env, accountSid, "WS…", "eu-ireland").then((router) => router.createWorker(…))
 */
export async function routerToCreateIn(env: Env, accountSid: string, workspaceSid: string, region: string) {
  checkAllowed(workspaceSid, region);
  if (region !== homeRegionOf(workspaceSid))
    rememberRegions(accountSid, workspaceSid, unwrap(await workspaceFor(env, workspaceSid).useRegion(accountSid, region)), Date.now());
  return routerFor(env, workspaceSid, region);
}

/** A 400 for a region outside a pinned workspace's jurisdiction (only an explicit `Region` can be; the other steps choose inside it). */
function checkAllowed(workspaceSid: string, region: string): void {
  if (!regionAllowed(workspaceSid, region))
    throw new ApiError(400, 20001, `Invalid parameter Region: ${region} is outside the jurisdiction of workspace ${workspaceSid}`);
}
