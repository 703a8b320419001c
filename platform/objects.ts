/**
 * The one place that addresses Durable Objects: one function per kind of object, named for what the
 * object is one of. Where an object lives is decided here alone: a workspace's Router DO (one per
 * workspace × region) is created with its region's `locationHint` and, when the region has one, inside
 * its `jurisdiction` — a different object ID space, so a caller that addressed a router any other way
 * would reach a different object. The other objects are named by their SID. A workspace pinned to a
 * jurisdiction (platform/jurisdictions.ts) says so in its SID, as its conversations' SIDs do, so its
 * WorkspaceDO, DirectoryDO, ConversationDOs and Router DOs are all addressed inside that jurisdiction
 * from the SID alone. Nothing else calls `getByName` (ESLint refuses it outside this file), as
 * partyserver's `getServerByName` and livekit-server-sdk's `ServiceBase` keep addressing and options in
 * one place.
 */
import type { Env } from "./env";
import { jurisdictionOf, regionAllowed } from "./jurisdictions";
import { homeRegionOf, regionOfItem } from "./region-sids";
import { regions } from "./regions";

/** A Router DO's name: one per workspace × region ("WS…:<region>"). */
export const routerName = (workspaceSid: string, regionId: string): string => `${workspaceSid}:${regionId}`;

let warned = false;

/** `namespace` restricted to a jurisdiction; local workerd has none, so `npm start` runs unrestricted. */
function inJurisdiction<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  jurisdiction: DurableObjectJurisdiction | null | undefined,
): DurableObjectNamespace<T> {
  if (!jurisdiction) return namespace;
  try {
    return namespace.jurisdiction(jurisdiction);
  } catch (error) {
    if (!(error instanceof Error) || !/not implemented in workerd/i.test(error.message)) throw error;
    if (!warned) console.warn(`Durable Object jurisdictions are not available locally; "${jurisdiction}" objects run unrestricted here.`);
    warned = true;
    return namespace;
  }
}

/**
 * The Router DO of `workspaceSid` in `regionId` — by default the workspace's home region, which its SID
 * names (the deployment's default for a workspace from before regions). A region outside a pinned
 * workspace's jurisdiction is never addressed: that throws, as a region that does not exist does.
 * @example routerFor(env, "WS…", "eu-ireland").listWorkers(accountSid, page)
 */
export function routerFor(env: Pick<Env, "ROUTER">, workspaceSid: string, regionId: string = homeRegionOf(workspaceSid)) {
  const region = regions.regions.find((r) => r.id === regionId);
  if (!region) throw new Error(`Unknown region ${regionId}`);
  if (!regionAllowed(workspaceSid, region.id))
    throw new Error(`Region ${regionId} is outside the jurisdiction of workspace ${workspaceSid}`);
  const namespace = inJurisdiction(env.ROUTER, region.jurisdiction);
  return namespace.getByName(routerName(workspaceSid, region.id), { locationHint: region.locationHint });
}

/**
 * The Router DO that holds the worker, task or reservation `sid` of `workspaceSid`: the region its SID
 * names (platform/region-sids.ts), else the workspace's home region. Every path that has such a SID
 * reaches its owner through this, without asking anyone first.
 * @example routerOf(env, "WS…", "WT…").getTask(accountSid, "WT…")
 */
export const routerOf = (env: Pick<Env, "ROUTER">, workspaceSid: string, sid: string) =>
  routerFor(env, workspaceSid, regionOfItem(workspaceSid, sid));

/** A task handed over twice more while a caller followed it is still found; past this many hops it is not (a bug). */
const MAX_MOVES_FOLLOWED = 4;

/**
 * Calls `call` on the Router that holds `sid` (`routerOf`) and, when that Router answers that the item
 * was handed over to another region (an ApiFailure with `movedTo`, router/lifecycle/handover.ts), on
 * the Router of that region — so only handed-over items pay the extra hop. Every path that changes or
 * reads a task by SID goes through this: the Worker's routes, the ConversationDO's task changes.
 * @example await followMoves(env, "WS…", "WT…", (router) => router.getTask(accountSid, "WT…"))
 */
export async function followMoves<R>(
  env: Pick<Env, "ROUTER">,
  workspaceSid: string,
  sid: string,
  call: (router: ReturnType<typeof routerFor>) => R,
): Promise<Awaited<R>> {
  let result = await call(routerOf(env, workspaceSid, sid));
  for (let hops = 0; hops < MAX_MOVES_FOLLOWED; hops++) {
    const movedTo = (result as { ok?: boolean; movedTo?: string }).movedTo;
    if (movedTo === undefined) break;
    result = await call(routerFor(env, workspaceSid, movedTo));
  }
  return result;
}

/**
 * On a Router's answer to a forwarded WebSocket upgrade (status 421): the region the worker moved to
 * (router/lifecycle/worker-move.ts). {@link upgradeAtHolder} forwards the upgrade there instead.
 */
export const MOVED_TO_HEADER = "sb-moved-to";

/**
 * Forwards a WebSocket upgrade for worker `workerSid` to the Router holding them now: the one their
 * SID names, which accepts it, or — when they moved to another region — answers 421 naming it, and the
 * upgrade goes there (one extra hop, only for moved workers). The request carries no body, so it is
 * sent again as it is.
 * @example return upgradeAtHolder(env, "WS…", "WK…", new Request(url, { headers }))
 */
export async function upgradeAtHolder(
  env: Pick<Env, "ROUTER">,
  workspaceSid: string,
  workerSid: string,
  request: Request,
): Promise<Response> {
  let response = await routerOf(env, workspaceSid, workerSid).fetch(request.clone());
  for (let hops = 0; hops < MAX_MOVES_FOLLOWED; hops++) {
    const movedTo = response.status === 421 ? response.headers.get(MOVED_TO_HEADER) : null;
    if (movedTo === null) break;
    response = await routerFor(env, workspaceSid, movedTo).fetch(request.clone());
  }
  return response;
}

/** The Router DO that answers `/api/ping`, the no-op round trip the benchmarks measure against. @example await pingRouter(env).ping() */
export const pingRouter = (env: Pick<Env, "ROUTER">) => env.ROUTER.getByName("ping");

/** The AccountDO of `accountSid`: workspaces, API keys, users, sessions; global, even for pinned workspaces (README, "Data residency"). @example await accountFor(env, "AC…").desktopSources() */
export const accountFor = (env: Pick<Env, "ACCOUNT">, accountSid: string) => env.ACCOUNT.getByName(accountSid);

/** The WorkspaceDO of `workspaceSid`: configuration of record, channels. @example await workspaceFor(env, "WS…").getWorkspace(accountSid) */
export const workspaceFor = (env: Pick<Env, "WORKSPACE">, workspaceSid: string) =>
  inJurisdiction(env.WORKSPACE, jurisdictionOf(workspaceSid)).getByName(workspaceSid);

/** The DirectoryDO of `workspaceSid`: conversations' index, customers, profiles. @example await directoryFor(env, "WS…").webhookConfigs(accountSid) */
export const directoryFor = (env: Pick<Env, "DIRECTORY">, workspaceSid: string) =>
  inJurisdiction(env.DIRECTORY, jurisdictionOf(workspaceSid)).getByName(workspaceSid);

/** The ConversationDO of `conversationSid` (in its workspace's jurisdiction, which its SID carries). @example await conversationFor(env, "CH…").getConversation(accountSid) */
export const conversationFor = (env: Pick<Env, "CONVERSATION">, conversationSid: string) =>
  inJurisdiction(env.CONVERSATION, jurisdictionOf(conversationSid)).getByName(conversationSid);

/** The FlowDO of the flow execution `executionSid` (in its workspace's jurisdiction, which its SID carries). @example await flowFor(env, "FN…").getExecution(accountSid) */
export const flowFor = (env: Pick<Env, "FLOW">, executionSid: string) =>
  inJurisdiction(env.FLOW, jurisdictionOf(executionSid)).getByName(executionSid);
