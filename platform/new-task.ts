/**
 * Where a new task is created, once, for both who create tasks: the Worker's placement (a task through the
 * API or a Flex Interaction, workers/api/taskrouter/placement.ts) and a conversation's task (the
 * ConversationDO). The region chosen, or while it is down its partner (failover.ts, with this isolate's
 * record of each region's health); a region other than home joins the workspace first, so its Router has
 * the configuration before anything is made in it; then `create` against that region's Router, whose throw
 * counts against the region (an answer, even a refusal, does not) and is answered as a 503 naming it: the
 * caller may try again, and after FAILOVER_AFTER_SECONDS of these the partner answers.
 */
import type { Env } from "./env";
import { failoverSettings, regionForNewTask, regionHealth } from "./failover";
import { routerFor, workspaceFor } from "./objects";
import { homeRegionOf } from "./region-sids";

/** Made in `region`; or refused (the partner outside the jurisdiction or down too, the region not joined), with Twilio's status and code. */
export type NewTaskPlacement<T> =
  | { readonly ok: true; readonly region: string; readonly value: T }
  | { readonly ok: false; readonly status: number; readonly code: number; readonly message: string };

/**
 * Creates a task in `wanted`, or its partner while it is down, through `create`; `joined` hears the
 * workspace's regions when it had to join one.
 * @example await newTaskIn(env, accountSid, "WS…", "ap-sydney", (router) => router.createTask(accountSid, input))
 */
export async function newTaskIn<T>(
  env: Env,
  accountSid: string,
  workspaceSid: string,
  wanted: string,
  create: (router: ReturnType<typeof routerFor>) => Promise<T>,
  joined?: (regions: readonly string[]) => void,
): Promise<NewTaskPlacement<T>> {
  const placed = await regionForNewTask(workspaceSid, wanted, {
    settings: failoverSettings(env),
    health: regionHealth,
    ping: (region) => routerFor(env, workspaceSid, region).ping(),
  });
  if (!placed.ok) return { ok: false, status: 503, code: 20503, message: placed.message };
  if (placed.region !== homeRegionOf(workspaceSid)) {
    const used = await workspaceFor(env, workspaceSid).useRegion(accountSid, placed.region);
    if (!used.ok) return used;
    joined?.(used.value);
  }
  const router = routerFor(env, workspaceSid, placed.region);
  try {
    return { ok: true, region: placed.region, value: await regionHealth.observe(placed.region, () => create(router)) };
  } catch (error) {
    console.error(`creating a task in ${placed.region} for ${workspaceSid} failed`, error);
    return { ok: false, status: 503, code: 20503, message: `The Router of region ${placed.region} cannot be reached; try again` };
  }
}
