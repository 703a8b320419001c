/**
 * What the agent desktop asks of its workspace besides TaskRouter (Switchboard-native, under
 * /api/workspaces/:WorkspaceSid):
 * - `desktop-settings`: the CRM link template, wrap-up codes and canned responses (read by anyone
 *   signed in to the workspace; changed by admins or the account's Basic credentials);
 * - `transfer-targets`: the queues and agents a task can be transferred to, with who is available;
 * - `flow-targets`: the published Studio flows an agent can send a customer to ("Send to a flow…", issue 16)
 *   — Studio's own routes take Basic credentials only, and an agent never holds those;
 * - `queue-statistics`: each queue's counts since midnight UTC and its service level (reservations
 *   accepted within a threshold), for the supervisors' Queue Stats — the live feed carries only
 *   real-time figures.
 * A user of another workspace gets a 404, as for a workspace that does not exist (admins see every
 * workspace of the account). Cookie-authenticated POSTs need this site's Origin (session-guard.ts).
 */
import { SERVICE_LEVEL_SECONDS } from "../../durable-objects/router/realtime/supervisor-today";
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { DesktopSettingsRecord } from "../../durable-objects/account/desktop-settings";
import type { FlowRecord } from "../../durable-objects/workspace/flows";
import { defined, type Page, type PageRequest } from "../../durable-objects/common/rpc";
import type { TaskQueueRecord, WorkerRecord } from "../../contract/taskrouter";
import type { QueueFigures } from "../../durable-objects/router/router-do";
import { queueCumulativeBody } from "../../durable-objects/router/statistics";
import { mergeTaskScopeFigures } from "../../durable-objects/router/lifecycle/figures-across-regions";
import type { AuthVariables } from "../auth/basic";
import { accountOf, basicOrSession, type Caller } from "../auth/session-guard";
import type { Env } from "../../platform/env";
import { routerFor, workspaceFor } from "../../platform/objects";
import { ApiError } from "../http/errors";
import { int, repeated, sid, str } from "./taskrouter/params";
import { endpoint, unwrap } from "./taskrouter/wire";

/** Where these Switchboard-native endpoints live, how they are called, and their OpenAPI group. */
const signedIn = { prefix: "/api", auth: "basic-or-session", tag: "Agent desktop" } as const;
const WS = "/workspaces/:WorkspaceSid";
const SETTINGS = `${WS}/desktop-settings`;
const TARGETS = `${WS}/transfer-targets`;
const FLOW_TARGETS = `${WS}/flow-targets`;
const QUEUE_STATS = `${WS}/queue-statistics`;
/** Lists are read in pages of this size, at most MAX_PAGES of them (a desktop lists, it does not page). */
const PAGE_SIZE = 1000;
const MAX_PAGES = 5;
/** The service level's default threshold: answered (reservation accepted) within 30 s. */
/** The same threshold the supervisors' feed uses for its live service level. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = SERVICE_LEVEL_SECONDS;

const fetchSettings = endpoint({
  method: "get",
  path: SETTINGS,
  ...signedIn,
  summary: "The desktop settings of a workspace (defaults when unset)",
  params: {},
});
const updateSettings = endpoint({
  method: "post",
  path: SETTINGS,
  ...signedIn,
  summary:
    "Change the desktop settings (admins): CrmUrlTemplate (http(s) with {{task.<attribute>}}; empty removes it), " +
    "DispositionCode (repeated, 1–50, ≤ 64 characters), CannedResponses (JSON array ≤ 100 of {title ≤ 80, body ≤ 2000})",
  params: {
    CrmUrlTemplate: str({ max: 2048 }).optional(),
    DispositionCode: repeated(str({ max: 64 })).optional(),
    // Form: one JSON array. JSON body: the array itself, which arrives as one item per element.
    CannedResponses: repeated(z.union([str({ max: 400_000 }), z.record(z.string(), z.unknown())])).optional(),
  },
});
const targets = endpoint({
  method: "get",
  path: TARGETS,
  ...signedIn,
  summary: "Where a task can be transferred: every queue, and every worker with whether their activity is available",
  params: {},
});
const flowTargets = endpoint({
  method: "get",
  path: FLOW_TARGETS,
  ...signedIn,
  summary:
    "The published flows a conversation can be sent to (POST /api/conversations/{ConversationSid}/flow): sid, friendly_name, status; by name",
  params: {},
});
const queueStats = endpoint({
  method: "get",
  path: QUEUE_STATS,
  ...signedIn,
  summary: "Each queue's tasks and reservations since midnight UTC and its service level (supervisors and admins)",
  params: { ServiceLevelSeconds: int(1, 3600).optional() },
});

type DesktopEnv = { Bindings: Env; Variables: AuthVariables };
export const desktop = new Hono<DesktopEnv>();

const missing = (c: Context) => new ApiError(404, 20404, `The requested resource ${c.req.path} was not found`);

/**
 * The caller and the path's workspace, which must exist in the account and be the user's own (admins:
 * any); 404 otherwise, so a user cannot probe other workspaces.
 */
async function workspaceOf(c: Context<DesktopEnv>): Promise<{ caller: Caller; workspaceSid: string }> {
  const caller = await basicOrSession(c);
  const workspaceSid = c.req.param("WorkspaceSid") ?? "";
  if (!sid("WS").safeParse(workspaceSid).success) throw missing(c);
  if (caller.kind === "user" && caller.user.role !== "admin" && caller.user.workspace_sid !== workspaceSid) throw missing(c);
  const found = await workspaceFor(c.env, workspaceSid).getWorkspace(caller.accountSid);
  if (!found.ok) throw missing(c);
  return { caller, workspaceSid };
}

function requireRole(caller: Caller, roles: readonly string[], what: string): void {
  if (caller.kind === "user" && !roles.includes(caller.user.role)) throw new ApiError(403, 20403, `Only ${what} may do this`);
}

const settingsBody = (c: Context, workspaceSid: string, record: DesktopSettingsRecord) => ({
  crm_url_template: record.crm_url_template,
  disposition_codes: record.disposition_codes,
  canned_responses: record.canned_responses,
  date_updated: record.date_updated,
  url: `${new URL(c.req.url).origin}/api/workspaces/${workspaceSid}/desktop-settings`,
});

desktop.get(SETTINGS, async (c) => {
  const { workspaceSid } = await workspaceOf(c);
  await fetchSettings.parse(c);
  return c.json(settingsBody(c, workspaceSid, await accountOf(c.env).stub.getDesktopSettings(workspaceSid)));
});

desktop.post(SETTINGS, async (c) => {
  const { caller, workspaceSid } = await workspaceOf(c);
  requireRole(caller, ["admin"], "admins");
  const p = await updateSettings.parse(c);
  const canned = p.CannedResponses;
  const input = {
    ...defined({ crmUrlTemplate: p.CrmUrlTemplate, dispositionCodes: p.DispositionCode }),
    ...(canned !== undefined ? { cannedResponses: cannedText(canned) } : {}),
  };
  return c.json(settingsBody(c, workspaceSid, unwrap(await accountOf(c.env).stub.putDesktopSettings(workspaceSid, input))));
});

/** The form's one JSON text as it is; a JSON body's array (one item per element) back as JSON text. */
function cannedText(values: readonly (string | Record<string, unknown>)[]): string {
  if (values.length === 1 && typeof values[0] === "string") return values[0];
  return JSON.stringify(values);
}

/** Every item of a paged RPC, up to PAGE_SIZE × MAX_PAGES. */
async function all<T>(fetchPage: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage({ pageSize: PAGE_SIZE, page, ...(token ? { pageToken: token } : {}) });
    out.push(...result.items);
    if (!result.nextPageToken) break;
    token = result.nextPageToken;
  }
  return out;
}

const queuesOf = (env: Env, accountSid: string, workspaceSid: string) =>
  all<TaskQueueRecord>(async (page) => unwrap(await workspaceFor(env, workspaceSid).listTaskQueues(accountSid, {}, page)));

/** What each Router of the workspace's regions answers, every page of it: workers and queues span regions. */
async function fromEveryRegion<T>(
  env: Env,
  accountSid: string,
  workspaceSid: string,
  list: (router: ReturnType<typeof routerFor>, page: PageRequest) => Promise<Page<T>>,
): Promise<T[][]> {
  const regions = unwrap(await workspaceFor(env, workspaceSid).workspaceRegions(accountSid));
  return Promise.all(regions.map((region) => all<T>((page) => list(routerFor(env, workspaceSid, region), page))));
}

desktop.get(TARGETS, async (c) => {
  const { caller, workspaceSid } = await workspaceOf(c);
  await targets.parse(c);
  const [queues, byRegion] = await Promise.all([
    queuesOf(c.env, caller.accountSid, workspaceSid),
    fromEveryRegion<WorkerRecord>(c.env, caller.accountSid, workspaceSid, async (router, page) =>
      unwrap(await router.listWorkers(caller.accountSid, page)),
    ),
  ]);
  const workers = byRegion.flat();
  return c.json({
    queues: queues.map((q) => ({ sid: q.sid, friendly_name: q.friendly_name })),
    workers: workers.map((w) => ({ sid: w.sid, friendly_name: w.friendly_name, available: w.available })),
  });
});

desktop.get(FLOW_TARGETS, async (c) => {
  const { caller, workspaceSid } = await workspaceOf(c);
  await flowTargets.parse(c);
  const flows = await all<FlowRecord>(async (page) => unwrap(await workspaceFor(c.env, workspaceSid).listFlows(caller.accountSid, page)));
  // A flow's status is its latest revision's: one being edited (a draft on top) is not offered until published again.
  const published = flows.filter((flow) => flow.status === "published");
  return c.json({
    flows: published
      .map((flow) => ({ sid: flow.sid, friendly_name: flow.friendly_name, status: flow.status }))
      .sort((a, b) => a.friendly_name.localeCompare(b.friendly_name) || a.sid.localeCompare(b.sid)),
  });
});

desktop.get(QUEUE_STATS, async (c) => {
  const { caller, workspaceSid } = await workspaceOf(c);
  requireRole(caller, ["supervisor", "admin"], "supervisors and admins");
  const p = await queueStats.parse(c);
  const threshold = p.ServiceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS;
  const now = Date.now();
  const midnight = new Date(now);
  midnight.setUTCHours(0, 0, 0, 0);
  const names = new Map((await queuesOf(c.env, caller.accountSid, workspaceSid)).map((q) => [q.sid, q.friendly_name]));
  const query = { cumulative: { window: { startMs: midnight.getTime(), endMs: now }, splitByWaitTime: [threshold] } };
  // Each region counts its own tasks of every queue: a queue's figures are the sum over the regions.
  const byRegion = await fromEveryRegion<QueueFigures>(c.env, caller.accountSid, workspaceSid, async (router, page) =>
    unwrap(await router.queueListStatistics(caller.accountSid, page, query)),
  );
  const figures = byRegion[0]!.map((first) => ({
    ...mergeTaskScopeFigures(byRegion.flatMap((list) => list.filter((f) => f.queueSid === first.queueSid))),
    queueSid: first.queueSid,
  }));
  const out = figures.flatMap((f) => {
    if (!f.cumulative) return [];
    const body = queueCumulativeBody(f.cumulative);
    const split = body.split_by_wait_time?.[String(threshold)];
    const within = split?.below.reservations_accepted ?? 0;
    const after = split?.above.reservations_accepted ?? 0;
    return [
      {
        sid: f.queueSid,
        friendly_name: names.get(f.queueSid) ?? "",
        tasks_entered: body.tasks_entered,
        reservations_accepted: body.reservations_accepted,
        tasks_completed: body.tasks_completed,
        tasks_canceled: body.tasks_canceled,
        answered_within_threshold: within,
        answered_after_threshold: after,
        // Share of today's answers (reservations accepted) within the threshold; null before the first.
        service_level: within + after === 0 ? null : within / (within + after),
      },
    ];
  });
  return c.json({
    start_time: midnight.toISOString(),
    end_time: new Date(now).toISOString(),
    service_level_threshold: threshold,
    queues: out,
  });
});
