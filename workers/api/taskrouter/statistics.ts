/**
 * TaskRouter v1 statistics of a workspace, its task queues, workflows and workers: real-time,
 * cumulative, and both at once (`/Statistics`), plus the queue list and the bulk real-time fetch.
 *
 * Each request resolves its window (`Minutes`, or `StartDate`/`EndDate`) and `SplitByWaitTime` once,
 * here, with this Worker's clock, then asks the Router DO of every region the workspace uses for
 * figures (one RPC each, at once), adds them up (router/lifecycle/figures-across-regions.ts) and
 * formats them with the statistics module's builders, adding Twilio's `url`. A workspace of several
 * regions also gets each region's own figures, formatted alike, under `regions` (Switchboard's
 * extension); one of a single region answers exactly as before regions. The Router keeps the
 * figures incrementally, so no fetch scans tasks. Bad parameters are a 400 naming the parameter
 * before any Durable Object is asked.
 *
 * Mounted after the TaskQueues and Workers groups, whose `/{Sid}` routes pass any path that is not a
 * WQ or WK SID (`Statistics`, `RealTimeStatistics`, `CumulativeStatistics`) on to these.
 */
import type { Context } from "hono";
import type { z } from "zod";
import type { QueueFigures, StatisticsQuery, WorkersFigures } from "../../../durable-objects/router/router-do";
import {
  DEFAULT_MINUTES,
  RETENTION_MS,
  parseSplitByWaitTime,
  queueCumulativeBody,
  queueRealtimeBody,
  statisticsWindow,
  taskQueueBulkRealTimeStatistics,
  taskQueueCumulativeStatistics,
  taskQueueRealTimeStatistics,
  taskQueueStatistics,
  workerStatistics,
  workersCumulativeBody,
  workersCumulativeStatistics,
  workersRealTimeStatistics,
  workersRealtimeBody,
  workersStatistics,
  workflowCumulativeBody,
  workflowCumulativeStatistics,
  workflowRealTimeStatistics,
  workflowRealtimeBody,
  workflowStatistics,
  workspaceCumulativeBody,
  workspaceCumulativeStatistics,
  workspaceRealTimeStatistics,
  workspaceRealtimeBody,
  workspaceStatistics,
  type StatisticsIds,
} from "../../../durable-objects/router/statistics";
import { isSid } from "../../../contract/ids";
import { resourceNotFound } from "../../http/errors";
import { routeGroup, type TaskRouterEnv } from "./context";
import { date, int, paging, repeated, sid, str } from "./params";
import { apiUrl, endpoint, pageBody, pageRequest, unwrap, type EndpointSpec } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { followMoves, routerFor } from "../../../platform/objects";
import type { ApiResult } from "../../../durable-objects/common/rpc";
import { mergeTaskScopeFigures, mergeWorkersFigures } from "../../../durable-objects/router/lifecycle/figures-across-regions";
import { regionsOf } from "./across-regions";

export const routes = routeGroup();

const WS = "/Workspaces/:WorkspaceSid";
const MAX_MINUTES = RETENTION_MS / 60_000;

const channel = { TaskChannel: str({ min: 1, max: 64 }).optional() };
const window = {
  Minutes: int(1, MAX_MINUTES).optional(),
  StartDate: date().optional(),
  EndDate: date().optional(),
  ...channel,
};
const cumulative = { ...window, SplitByWaitTime: str({ max: 256 }).optional() };
const windowNote = `the last Minutes (default ${DEFAULT_MINUTES}) or StartDate to EndDate, within 30 days`;

type WindowParams = { Minutes?: number; StartDate?: number; EndDate?: number; TaskChannel?: string; SplitByWaitTime?: string };

/** The Router's query for these parameters, with the window resolved now: once per request. */
function query(p: WindowParams, now: number, wants: { realtime?: boolean; cumulative?: boolean }): StatisticsQuery {
  const window = () => unwrap(statisticsWindow({ minutes: p.Minutes, startDate: p.StartDate, endDate: p.EndDate }, now));
  return {
    ...(p.TaskChannel !== undefined ? { taskChannel: p.TaskChannel } : {}),
    ...(wants.realtime ? { realtime: true } : {}),
    ...(wants.cumulative ? { cumulative: { window: window(), splitByWaitTime: unwrap(parseSplitByWaitTime(p.SplitByWaitTime)) } } : {}),
  };
}

/** A figure the Router was asked for; its absence is a bug, not a client error. */
function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the Router answered without the ${what} figures asked for`);
  return value;
}

/** A path SID of the given kind, or a 404 for the path without waking any object. */
function pathSid(c: Context, name: string, prefix: string): string {
  const value = c.req.param(name) ?? "";
  if (!isSid(prefix, value)) throw resourceNotFound(new URL(c.req.url).pathname);
  return value;
}

async function scope(c: Context<TaskRouterEnv>) {
  const workspaceSid = workspaceSidParam(c, "WorkspaceSid");
  const accountSid: string = c.get("accountSid");
  const ids: StatisticsIds = { accountSid, workspaceSid };
  const workspace = apiUrl(c, `Workspaces/${workspaceSid}`);
  const regions = await regionsOf(c);
  return { accountSid, ids, workspace, regions, router: (region: string) => routerFor(c.env, workspaceSid, region), now: Date.now() };
}

type Scope = Awaited<ReturnType<typeof scope>>;
type Router = ReturnType<Scope["router"]>;
/** Figures summed across the workspace's regions, and each region's own when there are several. */
type Summed<F> = { readonly total: F; readonly byRegion: Readonly<Record<string, F>> | null };

/** Asks every region's Router for the same figures, at once, and adds them up with `merge`. */
async function everyRegion<F>(s: Scope, ask: (router: Router) => Promise<ApiResult<F>>, merge: (parts: F[]) => F): Promise<Summed<F>> {
  const parts = await Promise.all(s.regions.map(async (region) => unwrap(await ask(s.router(region)))));
  if (parts.length === 1) return { total: parts[0]!, byRegion: null };
  return { total: merge(parts), byRegion: Object.fromEntries(s.regions.map((region, i) => [region, parts[i]!])) };
}

/** The body of the sum, with each region's own body under `regions` when the workspace spans several. */
function withRegions<F>(figures: Summed<F>, format: (figures: F) => object): object {
  const body = format(figures.total);
  if (!figures.byRegion) return body;
  return { ...body, regions: Object.fromEntries(Object.entries(figures.byRegion).map(([region, f]) => [region, format(f)])) };
}

/** Items of the same page from every region (the same queues: one configuration), added up item by item. */
function mergeQueueLists(parts: readonly (readonly QueueFigures[])[]): QueueFigures[] {
  return parts[0]!.map((item, i) => ({ ...mergeTaskScopeFigures(parts.map((part) => part[i]!)), queueSid: item.queueSid }));
}

/** Declares a statistics endpoint (a GET unless said otherwise) and answers it with what `answer` builds. */
function figuresRoute<S extends Record<string, z.ZodType>>(
  spec: Omit<EndpointSpec<S>, "method"> & { readonly method?: "post" },
  answer: (p: z.output<z.ZodObject<S>>, s: Scope, c: Context) => Promise<object>,
): void {
  const declared = endpoint({ method: "get", ...spec });
  routes.on(declared.method.toUpperCase(), declared.path, async (c) => {
    const p = await declared.parse(c);
    return c.json(await answer(p, await scope(c), c));
  });
}

// ── workspace ─────────────────────────────────────────────────────────────────────────────────────

figuresRoute(
  {
    path: `${WS}/Statistics`,
    tag: "WorkspaceStatistics",
    summary: `Workspace statistics: real-time, and cumulative over ${windowNote}`,
    params: cumulative,
  },
  async (p, s) => {
    const q = query(p, s.now, { realtime: true, cumulative: true });
    const figures = await everyRegion(s, (router) => router.workspaceStatistics(s.accountSid, q), mergeTaskScopeFigures);
    const body = withRegions(figures, (f) =>
      workspaceStatistics(
        s.ids,
        workspaceRealtimeBody(need(f.realtime, "real-time"), need(f.workers, "worker"), s.now),
        workspaceCumulativeBody(need(f.cumulative, "cumulative")),
      ),
    );
    return { ...body, url: `${s.workspace}/Statistics` };
  },
);

figuresRoute(
  { path: `${WS}/RealTimeStatistics`, tag: "WorkspaceStatistics", summary: "Workspace real-time statistics", params: channel },
  async (p, s) => {
    const q = query(p, s.now, { realtime: true });
    const figures = await everyRegion(s, (router) => router.workspaceStatistics(s.accountSid, q), mergeTaskScopeFigures);
    const body = withRegions(figures, (f) =>
      workspaceRealTimeStatistics(s.ids, need(f.realtime, "real-time"), need(f.workers, "worker"), s.now),
    );
    return { ...body, url: `${s.workspace}/RealTimeStatistics` };
  },
);

figuresRoute(
  {
    path: `${WS}/CumulativeStatistics`,
    tag: "WorkspaceStatistics",
    summary: `Workspace cumulative statistics over ${windowNote}`,
    params: cumulative,
  },
  async (p, s) => {
    const q = query(p, s.now, { cumulative: true });
    const figures = await everyRegion(s, (router) => router.workspaceStatistics(s.accountSid, q), mergeTaskScopeFigures);
    const body = withRegions(figures, (f) => workspaceCumulativeStatistics(s.ids, need(f.cumulative, "cumulative")));
    return { ...body, url: `${s.workspace}/CumulativeStatistics` };
  },
);

// ── task queues ───────────────────────────────────────────────────────────────────────────────────

const QUEUE = `${WS}/TaskQueues/:TaskQueueSid`;

/** A queue's `{realtime, cumulative}` pair, as `/Statistics` and each list item nest them. */
function queuePair(figures: QueueFigures, ids: StatisticsIds, now: number) {
  return taskQueueStatistics(
    ids,
    figures.queueSid,
    queueRealtimeBody(need(figures.realtime, "real-time"), need(figures.workers, "worker"), now),
    queueCumulativeBody(need(figures.cumulative, "cumulative")),
  );
}

figuresRoute(
  {
    path: `${QUEUE}/Statistics`,
    tag: "TaskQueueStatistics",
    summary: `A task queue's statistics: real-time, and cumulative over ${windowNote}`,
    params: cumulative,
  },
  async (p, s, c) => {
    const queueSid = pathSid(c, "TaskQueueSid", "WQ");
    const q = query(p, s.now, { realtime: true, cumulative: true });
    const figures = await everyRegion(s, (router) => router.queueStatistics(s.accountSid, queueSid, q), mergeTaskScopeFigures);
    return {
      ...withRegions(figures, (f) => queuePair({ ...f, queueSid }, s.ids, s.now)),
      url: `${s.workspace}/TaskQueues/${queueSid}/Statistics`,
    };
  },
);

figuresRoute(
  { path: `${QUEUE}/RealTimeStatistics`, tag: "TaskQueueStatistics", summary: "A task queue's real-time statistics", params: channel },
  async (p, s, c) => {
    const queueSid = pathSid(c, "TaskQueueSid", "WQ");
    const q = query(p, s.now, { realtime: true });
    const figures = await everyRegion(s, (router) => router.queueStatistics(s.accountSid, queueSid, q), mergeTaskScopeFigures);
    const body = withRegions(figures, (f) =>
      taskQueueRealTimeStatistics(s.ids, queueSid, need(f.realtime, "real-time"), need(f.workers, "worker"), s.now),
    );
    return { ...body, url: `${s.workspace}/TaskQueues/${queueSid}/RealTimeStatistics` };
  },
);

figuresRoute(
  {
    path: `${QUEUE}/CumulativeStatistics`,
    tag: "TaskQueueStatistics",
    summary: `A task queue's cumulative statistics over ${windowNote}`,
    params: cumulative,
  },
  async (p, s, c) => {
    const queueSid = pathSid(c, "TaskQueueSid", "WQ");
    const q = query(p, s.now, { cumulative: true });
    const figures = await everyRegion(s, (router) => router.queueStatistics(s.accountSid, queueSid, q), mergeTaskScopeFigures);
    const body = withRegions(figures, (f) => taskQueueCumulativeStatistics(s.ids, queueSid, need(f.cumulative, "cumulative")));
    return { ...body, url: `${s.workspace}/TaskQueues/${queueSid}/CumulativeStatistics` };
  },
);

figuresRoute(
  {
    path: `${WS}/TaskQueues/Statistics`,
    tag: "TaskQueueStatistics",
    summary: `Statistics of every task queue (or those named FriendlyName), oldest first: real-time, and cumulative over ${windowNote}`,
    listKey: "task_queues_statistics",
    params: { ...paging, ...cumulative, FriendlyName: str().optional() },
  },
  async (p, s, c) => {
    const page = pageRequest(p);
    const q = query(p, s.now, { realtime: true, cumulative: true });
    // Every region pages the same queues (one configuration): the first region's tokens serve for all.
    const pages = await Promise.all(
      s.regions.map(async (region) =>
        unwrap(await s.router(region).queueListStatistics(s.accountSid, { ...page, friendlyName: p.FriendlyName }, q)),
      ),
    );
    const result = { ...pages[0]!, items: pages.length === 1 ? pages[0]!.items : mergeQueueLists(pages.map((part) => part.items)) };
    return pageBody(c, "task_queues_statistics", result, page, (figures) => queuePair(figures, s.ids, s.now));
  },
);

figuresRoute(
  {
    method: "post",
    path: `${WS}/TaskQueues/RealTimeStatistics`,
    tag: "TaskQueueStatistics",
    summary: "Real-time statistics of up to 50 task queues at once (QueueSids, repeated or a JSON array)",
    params: { QueueSids: repeated(sid("WQ")), ...channel },
    status: 200,
  },
  async (p, s) => {
    const q = query(p, s.now, { realtime: true });
    const { total } = await everyRegion(s, (router) => router.bulkQueueStatistics(s.accountSid, p.QueueSids, q), mergeQueueLists);
    const queues = total.map((f) => ({
      queueSid: f.queueSid,
      figures: need(f.realtime, "real-time"),
      workers: need(f.workers, "worker"),
    }));
    return { ...taskQueueBulkRealTimeStatistics(s.ids, queues, s.now), url: `${s.workspace}/TaskQueues/RealTimeStatistics` };
  },
);

// ── workflows ─────────────────────────────────────────────────────────────────────────────────────

const WORKFLOW = `${WS}/Workflows/:WorkflowSid`;

figuresRoute(
  {
    path: `${WORKFLOW}/Statistics`,
    tag: "WorkflowStatistics",
    summary: `A workflow's statistics: real-time, and cumulative over ${windowNote}`,
    params: cumulative,
  },
  async (p, s, c) => {
    const workflowSid = pathSid(c, "WorkflowSid", "WW");
    const q = query(p, s.now, { realtime: true, cumulative: true });
    const figures = await everyRegion(s, (router) => router.workflowStatistics(s.accountSid, workflowSid, q), mergeTaskScopeFigures);
    const body = withRegions(figures, (f) =>
      workflowStatistics(
        s.ids,
        workflowSid,
        workflowRealtimeBody(need(f.realtime, "real-time"), s.now),
        workflowCumulativeBody(need(f.cumulative, "cumulative")),
      ),
    );
    return { ...body, url: `${s.workspace}/Workflows/${workflowSid}/Statistics` };
  },
);

figuresRoute(
  { path: `${WORKFLOW}/RealTimeStatistics`, tag: "WorkflowStatistics", summary: "A workflow's real-time statistics", params: channel },
  async (p, s, c) => {
    const workflowSid = pathSid(c, "WorkflowSid", "WW");
    const q = query(p, s.now, { realtime: true });
    const figures = await everyRegion(s, (router) => router.workflowStatistics(s.accountSid, workflowSid, q), mergeTaskScopeFigures);
    const body = withRegions(figures, (f) => workflowRealTimeStatistics(s.ids, workflowSid, need(f.realtime, "real-time"), s.now));
    return { ...body, url: `${s.workspace}/Workflows/${workflowSid}/RealTimeStatistics` };
  },
);

figuresRoute(
  {
    path: `${WORKFLOW}/CumulativeStatistics`,
    tag: "WorkflowStatistics",
    summary: `A workflow's cumulative statistics over ${windowNote}`,
    params: cumulative,
  },
  async (p, s, c) => {
    const workflowSid = pathSid(c, "WorkflowSid", "WW");
    const q = query(p, s.now, { cumulative: true });
    const figures = await everyRegion(s, (router) => router.workflowStatistics(s.accountSid, workflowSid, q), mergeTaskScopeFigures);
    const body = withRegions(figures, (f) => workflowCumulativeStatistics(s.ids, workflowSid, need(f.cumulative, "cumulative")));
    return { ...body, url: `${s.workspace}/Workflows/${workflowSid}/CumulativeStatistics` };
  },
);

// ── workers ───────────────────────────────────────────────────────────────────────────────────────

const WORKERS = `${WS}/Workers`;
const workersCumulativeOf = (figures: WorkersFigures) => workersCumulativeBody(need(figures.cumulative, "cumulative"), figures.activities);

figuresRoute(
  {
    path: `${WORKERS}/Statistics`,
    tag: "WorkerStatistics",
    summary: `Workers' statistics (everyone, a queue's members, or one by FriendlyName): real-time, and cumulative over ${windowNote}`,
    params: { ...window, TaskQueueSid: sid("WQ").optional(), TaskQueueName: str().optional(), FriendlyName: str().optional() },
  },
  async (p, s) => {
    const filter = { taskQueueSid: p.TaskQueueSid, taskQueueName: p.TaskQueueName, friendlyName: p.FriendlyName };
    const q = query(p, s.now, { realtime: true, cumulative: true });
    const figures = await everyRegion(s, (router) => router.workersStatistics(s.accountSid, filter, q), mergeWorkersFigures);
    const body = withRegions(figures, (f) =>
      workersStatistics(s.ids, workersRealtimeBody(need(f.realtime, "real-time")), workersCumulativeOf(f)),
    );
    return { ...body, url: `${s.workspace}/Workers/Statistics` };
  },
);

figuresRoute(
  {
    path: `${WORKERS}/RealTimeStatistics`,
    tag: "WorkerStatistics",
    summary: "Workers' real-time statistics: how many are in each Activity",
    params: channel,
  },
  async (p, s) => {
    const q = query(p, s.now, { realtime: true });
    const figures = await everyRegion(s, (router) => router.workersStatistics(s.accountSid, {}, q), mergeWorkersFigures);
    const body = withRegions(figures, (f) => workersRealTimeStatistics(s.ids, need(f.realtime, "real-time")));
    return { ...body, url: `${s.workspace}/Workers/RealTimeStatistics` };
  },
);

figuresRoute(
  {
    path: `${WORKERS}/CumulativeStatistics`,
    tag: "WorkerStatistics",
    summary: `Workers' cumulative statistics over ${windowNote}: reservations and time in each Activity`,
    params: window,
  },
  async (p, s) => {
    const q = query(p, s.now, { cumulative: true });
    const figures = await everyRegion(s, (router) => router.workersStatistics(s.accountSid, {}, q), mergeWorkersFigures);
    const body = withRegions(figures, (f) => workersCumulativeStatistics(s.ids, need(f.cumulative, "cumulative"), f.activities));
    return { ...body, url: `${s.workspace}/Workers/CumulativeStatistics` };
  },
);

figuresRoute(
  {
    path: `${WORKERS}/:WorkerSid/Statistics`,
    tag: "WorkerStatistics",
    summary: `A worker's cumulative statistics over ${windowNote}`,
    params: window,
  },
  async (p, s, c) => {
    const workerSid = pathSid(c, "WorkerSid", "WK");
    // A worker's figures are all in their own region's Router (where they moved, if they did: followMoves).
    const figures = unwrap(
      await followMoves(c.env, s.ids.workspaceSid, workerSid, (router) =>
        router.workerStatistics(s.accountSid, workerSid, query(p, s.now, { cumulative: true })),
      ),
    );
    return { ...workerStatistics(s.ids, workerSid, workersCumulativeOf(figures)), url: `${s.workspace}/Workers/${workerSid}/Statistics` };
  },
);
