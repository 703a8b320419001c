/**
 * TaskRouter v1 Workers of a workspace and their WorkerChannels, answered by the Router DO of the
 * worker's region (workers live where they route; the SID names it, a new worker's is `Region`, else
 * placement.ts's defaults; the list reads every region): create, fetch, update (with RejectPendingReservations and
 * If-Match), delete, list with Twilio's filters; channels by WC SID, TaskChannel SID or unique name.
 * Worker responses carry an ETag, which If-Match on update and delete compares with. Paths under
 * /Workers that are not a worker SID (`Statistics`, …) fall through to the statistics routes.
 */
import type { Context } from "hono";
import { isSid } from "../../../contract/ids";
import type { WorkerChannelRecord, WorkerRecord } from "../../../contract/taskrouter";
import { accountOf, currentUser } from "../../auth/session-guard";
import { cookieValue } from "../../auth/session";
import { ApiError, resourceNotFound } from "../../http/errors";
import { routeGroup, type TaskRouterEnv } from "./context";
import { bool, int, paging, region, sid, str } from "./params";
import { routerToCreateIn, workerRegion } from "./placement";
import { apiUrl, endpoint, pageBody, pageRequest, unwrap } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { byOrdering, holding, listAcrossRegions } from "./across-regions";
import { regionOfItem } from "../../../platform/region-sids";

export const routes = routeGroup();

/** A worker as Twilio returns it: the record plus `url` and `links`. */
export function workerBody(c: Context, record: WorkerRecord) {
  const workspace = apiUrl(c, `Workspaces/${record.workspace_sid}`);
  const url = `${workspace}/Workers/${record.sid}`;
  return {
    ...record,
    // Switchboard's own: the region whose Router holds the worker — after a move, not the one the SID
    // names; a Router of no region (tests') leaves it to the SID.
    region: record.region ?? regionOfItem(record.workspace_sid, record.sid),
    url,
    links: {
      activity: `${workspace}/Activities/${record.activity_sid}`,
      channels: `${url}/Channels`,
      reservations: `${url}/Reservations`,
      worker_statistics: `${url}/Statistics`,
      workspace,
    },
  };
}

export const workerChannelBody = (c: Context, record: WorkerChannelRecord) => ({
  ...record,
  url: apiUrl(c, `Workspaces/${record.workspace_sid}/Workers/${record.worker_sid}/Channels/${record.sid}`),
});

const BASE = "/Workspaces/:WorkspaceSid/Workers";
const friendlyName = str({ min: 1, max: 255 });
const attributes = str({ max: 65_536 });

const create = endpoint({
  method: "post",
  path: BASE,
  tag: "Workers",
  summary: "Create a worker (in the workspace's default activity unless ActivitySid says otherwise)",
  params: {
    FriendlyName: friendlyName,
    ActivitySid: sid("WA").optional(),
    Attributes: attributes.optional(),
    Region: region(
      "The worker's home region, whose Router holds the worker and their socket (default: the region nearest their agent's first sign-in, until then the workspace's home region)",
    ).optional(),
  },
});
const list = endpoint({
  method: "get",
  path: BASE,
  tag: "Workers",
  summary: "List workers, oldest first unless Ordering says otherwise",
  listKey: "workers",
  params: {
    ...paging,
    ActivityName: str().optional(),
    ActivitySid: sid("WA").optional(),
    Available: bool().optional(),
    FriendlyName: str().optional(),
    TargetWorkersExpression: str({ max: 4096 }).optional(),
    TaskQueueName: str().optional(),
    TaskQueueSid: sid("WQ").optional(),
    Ordering: str({ max: 200 }).optional(),
  },
});
const fetchOne = endpoint({ method: "get", path: `${BASE}/:Sid`, tag: "Workers", summary: "Fetch a worker (with its ETag)", params: {} });
const update = endpoint({
  method: "post",
  path: `${BASE}/:Sid`,
  tag: "Workers",
  summary: "Update a worker; RejectPendingReservations goes with an unavailable ActivitySid; If-Match guards against lost updates",
  params: {
    FriendlyName: friendlyName.optional(),
    ActivitySid: sid("WA").optional(),
    Attributes: attributes.optional(),
    RejectPendingReservations: bool().optional(),
    Region: region(
      "Switchboard's extension: moves the worker to this region's Router, which then holds them, their tasks and their socket (the SID keeps naming the first region, whose Router answers the one extra hop). Only a worker holding no reservation (pending, accepted or wrapping) moves: otherwise 409 (code 20409). The region they are in already changes nothing",
    ).optional(),
  },
  // Also a signed-in supervisor or admin of the workspace (sessionRoutes below): the desktop's edits.
  auth: "basic-or-session",
});
const remove = endpoint({
  method: "delete",
  path: `${BASE}/:Sid`,
  tag: "Workers",
  summary: "Delete a worker who holds no task (If-Match optional)",
  params: {},
});

const CHANNELS = `${BASE}/:WorkerSid/Channels`;
const listChannels = endpoint({
  method: "get",
  path: CHANNELS,
  tag: "WorkerChannels",
  summary: "List a worker's channels",
  listKey: "channels",
  params: { ...paging },
});
const fetchChannel = endpoint({
  method: "get",
  path: `${CHANNELS}/:Sid`,
  tag: "WorkerChannels",
  summary: "Fetch a worker channel by its SID, its TaskChannel's SID or unique name",
  params: {},
});
const updateChannel = endpoint({
  method: "post",
  path: `${CHANNELS}/:Sid`,
  tag: "WorkerChannels",
  summary: "Set a worker channel's capacity (0 stops new reservations) or switch it on or off",
  params: { Capacity: int(0, 50).optional(), Available: bool().optional() },
  // Also a signed-in supervisor or admin of the workspace (sessionRoutes below): the desktop's edits.
  auth: "basic-or-session",
});

/** The Workers list's orderings (as the Routers sort: durable-objects/router/lifecycle/workers.ts), for merging regions. */
const WORKER_ORDER = {
  DateCreated: (w: WorkerRecord) => w.date_created,
  DateStatusChanged: (w: WorkerRecord) => w.date_status_changed,
  FriendlyName: (w: WorkerRecord) => w.friendly_name.toLowerCase(),
};
const pathWorker = (c: Context) => c.req.param("WorkerSid") ?? "";
/** The worker SID of the path, or null for another path at the same depth (statistics). */
const workerSid = (c: Context): string | null => {
  const value = c.req.param("Sid") ?? "";
  return isSid("WK", value) ? value : null;
};
const ifMatch = (c: Context) => c.req.header("if-match");

routes.post(create.path, async (c) => {
  const p = await create.parse(c);
  const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
  const router = await routerToCreateIn(c.env, c.get("accountSid"), workspaceSid, workerRegion(workspaceSid, p.Region));
  const result = unwrap(
    await router.createWorker(c.get("accountSid"), {
      friendlyName: p.FriendlyName,
      activitySid: p.ActivitySid,
      attributes: p.Attributes,
      // Without Region, the home region is a default the agent's first sign-in may change (auth.ts).
      regionByDefault: p.Region === undefined,
    }),
  );
  c.header("ETag", result.etag);
  return c.json(workerBody(c, result.worker), 201);
});

routes.get(list.path, async (c) => {
  const p = await list.parse(c);
  const page = pageRequest(p);
  const compare = byOrdering<WorkerRecord>(p.Ordering, WORKER_ORDER, "DateCreated:asc");
  const result = await listAcrossRegions(c, page, compare, (router, request) =>
    router.listWorkers(c.get("accountSid"), {
      ...request,
      activityName: p.ActivityName,
      activitySid: p.ActivitySid,
      available: p.Available,
      friendlyName: p.FriendlyName,
      targetWorkersExpression: p.TargetWorkersExpression,
      taskQueueName: p.TaskQueueName,
      taskQueueSid: p.TaskQueueSid,
      ordering: p.Ordering,
    }),
  );
  return c.json(pageBody(c, "workers", unwrap(result), page, (record) => workerBody(c, record)));
});

routes.get(fetchOne.path, async (c, next) => {
  const sid = workerSid(c);
  if (sid === null) return next();
  await fetchOne.parse(c);
  const result = unwrap(await holding(c, sid, (router) => router.getWorker(c.get("accountSid"), sid)));
  c.header("ETag", result.etag);
  return c.json(workerBody(c, result.worker));
});

routes.post(update.path, async (c, next) => {
  const sid = workerSid(c);
  if (sid === null) return next();
  return updateWorkerHandler(c, sid);
});

/** `staff`: the role of a signed-in supervisor or admin (the desktop's edits), null for Basic auth. */
async function updateWorkerHandler(c: Context<TaskRouterEnv>, sid: string, staff: StaffRole | null = null) {
  const p = await update.parse(c);
  const accountSid = c.get("accountSid");
  if (staff !== null && (p.FriendlyName !== undefined || p.ActivitySid !== undefined || p.RejectPendingReservations !== undefined)) {
    throw new ApiError(403, 20403, "A signed-in supervisor may change a worker's Attributes only (an admin their Region too)");
  }
  if (staff === "supervisor" && p.Region !== undefined) throw new ApiError(403, 20403, "Only an admin may move a worker to another region");
  if (p.Region !== undefined) await moveWorker(c, sid, p.Region);
  const result = unwrap(
    await holding(c, sid, (router) =>
      router.updateWorker(accountSid, sid, {
        friendlyName: p.FriendlyName,
        activitySid: p.ActivitySid,
        attributes: p.Attributes,
        rejectPendingReservations: p.RejectPendingReservations,
        ifMatch: ifMatch(c),
        regionSettled: p.Region !== undefined,
      }),
    ),
  );
  c.header("ETag", result.etag);
  return c.json(workerBody(c, result.worker));
}

/**
 * `Region` on update: the worker moves to that region's Router (durable-objects/router/lifecycle/worker-move.ts),
 * and this waits until they are there; the region they are in already changes nothing. A region outside
 * a pinned workspace's jurisdiction is a 400, a worker holding a reservation a 409 (20409), a Router
 * that cannot be reached a 503 (the worker stays where they were, offered nothing, and the move is retried).
 */
async function moveWorker(c: Context<TaskRouterEnv>, sid: string, region: string): Promise<void> {
  const accountSid = c.get("accountSid");
  // Joins the region to the workspace's first, so its Router has the configuration to take the worker.
  await routerToCreateIn(c.env, accountSid, workspaceSidParam(c, "WorkspaceSid"), region);
  unwrap(await holding(c, sid, (router) => router.moveWorker(accountSid, sid, region)));
}

routes.delete(remove.path, async (c, next) => {
  const sid = workerSid(c);
  if (sid === null) return next();
  await remove.parse(c);
  unwrap(await holding(c, sid, (router) => router.deleteWorker(c.get("accountSid"), sid, ifMatch(c))));
  return c.body(null, 204);
});

routes.get(listChannels.path, async (c) => {
  const p = await listChannels.parse(c);
  const page = pageRequest(p);
  const result = await holding(c, pathWorker(c), (router) => router.listWorkerChannels(c.get("accountSid"), pathWorker(c), page));
  return c.json(pageBody(c, "channels", unwrap(result), page, (record) => workerChannelBody(c, record)));
});

routes.get(fetchChannel.path, async (c) => {
  await fetchChannel.parse(c);
  const result = await holding(c, pathWorker(c), (router) =>
    router.getWorkerChannel(c.get("accountSid"), pathWorker(c), c.req.param("Sid") ?? ""),
  );
  return c.json(workerChannelBody(c, unwrap(result)));
});

routes.post(updateChannel.path, (c) => updateChannelHandler(c));

async function updateChannelHandler(c: Context<TaskRouterEnv>) {
  const p = await updateChannel.parse(c);
  const result = await holding(c, pathWorker(c), (router) =>
    router.updateWorkerChannel(c.get("accountSid"), pathWorker(c), c.req.param("Sid") ?? "", {
      capacity: p.Capacity,
      available: p.Available,
    }),
  );
  return c.json(workerChannelBody(c, unwrap(result)));
}

// ── the same two updates for a signed-in supervisor (the Teams view), mounted before Basic auth ─────

/**
 * `POST …/Workers/{WK}` (Attributes only; an admin's `Region` too, to move the agent) and `POST …/Workers/{WK}/Channels/{WC}` with the desktop's
 * session cookie, for supervisors and admins of the workspace (agents: 403; another workspace: 404).
 * A request with an `Authorization` header, or without a session cookie, passes on to the Basic-auth
 * routes unchanged. Mounted at /taskrouter/v1 ahead of the TaskRouter group.
 * @example fetch(`/taskrouter/v1/Workspaces/${ws}/Workers/${wk}`, { method: "POST", credentials: "same-origin", body: form })
 */
export const sessionRoutes = routeGroup();

type StaffRole = "supervisor" | "admin";

/** The role of the signed-in supervisor or admin making this request, or null when it is not made with a session. */
async function signedInSupervisor(c: Context<TaskRouterEnv>): Promise<StaffRole | null> {
  if (c.req.header("authorization") !== undefined || cookieValue(c.req.header("cookie")) === null) return null;
  const user = await currentUser(c);
  const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
  if (user.role !== "admin" && user.workspace_sid !== workspaceSid) throw resourceNotFound(new URL(c.req.url).pathname);
  if (user.role === "agent") throw new ApiError(403, 20403, "Only supervisors and admins may change workers");
  c.set("accountSid", accountOf(c.env).sid);
  return user.role;
}

sessionRoutes.post(update.path, async (c, next) => {
  const sid = workerSid(c);
  const staff = sid === null ? null : await signedInSupervisor(c);
  if (sid === null || staff === null) return next();
  return updateWorkerHandler(c, sid, staff);
});

sessionRoutes.post(updateChannel.path, async (c, next) => {
  if ((await signedInSupervisor(c)) === null) return next();
  return updateChannelHandler(c);
});
