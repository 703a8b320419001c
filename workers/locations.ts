/**
 * Where a workspace's Router Durable Object lives: one per workspace × region, created with the
 * region's `locationHint` and, when the region has one, inside its `jurisdiction` (a different object
 * ID space — so every caller must reach routers through this one function, or they would address
 * different objects).
 */
import { routerName } from "../durable-objects/common/taskrouter";
import { regions } from "./config";
import type { Env } from "./env";

let warned = false;

/** The Router namespace, restricted to a jurisdiction; local workerd has none, so `npm start` runs unrestricted. */
function routerNamespace(env: Pick<Env, "ROUTER">, jurisdiction: DurableObjectJurisdiction | undefined): Env["ROUTER"] {
  if (!jurisdiction) return env.ROUTER;
  try {
    return env.ROUTER.jurisdiction(jurisdiction);
  } catch (error) {
    if (!(error instanceof Error) || !/not implemented in workerd/i.test(error.message)) throw error;
    if (!warned) console.warn(`Durable Object jurisdictions are not available locally; "${jurisdiction}" regions run unrestricted here.`);
    warned = true;
    return env.ROUTER;
  }
}

/**
 * The Router DO of `workspaceSid` in `regionId` (the deployment's default region when omitted).
 * @example routerFor(env, "WS…").getTask(accountSid, "WT…")
 */
export function routerFor(env: Pick<Env, "ROUTER">, workspaceSid: string, regionId: string = regions.defaultRegion) {
  const region = regions.regions.find((r) => r.id === regionId);
  if (!region) throw new Error(`Unknown region ${regionId}`);
  const namespace = routerNamespace(env, region.jurisdiction);
  return namespace.getByName(routerName(workspaceSid, region.id), { locationHint: region.locationHint });
}
