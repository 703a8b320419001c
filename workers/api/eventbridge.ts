/**
 * `/v1/wschannels` — what the stock `twilio-taskrouter` SDK talks to when given
 * `ebServer: "<origin>/v1/wschannels"` and `wsServer: "ws(s)://<host>/v1/wschannels"`:
 * - `POST`: its HTTP proxy. The body is JSON `{url, method, params, token}` whatever the content type
 *   says; the token is verified here, then durable-objects/router/eventbridge/proxy.ts serves `url`
 *   with the same Router and Workspace DO calls the REST routes make, scoped to the token's account
 *   and worker. The answer is `{payload}`, or a non-2xx `{message}` (the SDK reads nothing else).
 * - `GET` with `Upgrade: websocket`: its event socket. The token (`?token=`) is checked here and the
 *   upgrade goes to the workspace's Router DO with the verified identity, which sends `init`, the
 *   worker's events and a heartbeat. A refused token upgrades, then closes 4401/4403 with the reason.
 *   `closeExistingSessions=true` closes the worker's older SDK sockets (4409), which then reconnect.
 * Browsers send custom headers (apiVersion, clientVersion, If-Match), so preflights are answered.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { IDENTITY_HEADER } from "../../durable-objects/router/realtime/handshake";
import { serveBridge, type BridgeBackend } from "../../durable-objects/router/eventbridge/proxy";
import type { ReservationOwner } from "../../durable-objects/router/router-do";
import { verifyRealtimeToken } from "../auth/tokens";
import type { RealtimeIdentity } from "../../durable-objects/common/token-claims";
import type { Env } from "../../platform/env";
import { followMoves, routerOf, upgradeAtHolder, workspaceFor } from "../../platform/objects";
import { readText } from "../http/body-limit";
import { ApiError } from "../http/errors";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Allow-Headers": "apiVersion, clientVersion, If-Match, Content-Type",
  "Access-Control-Max-Age": "600",
};

/** Anyone may post here (the token is in the body): a request carries at most a task's 16 KB of attributes, JSON in JSON. */
export const BRIDGE_BODY_LIMIT = 64 * 1024;

const body = z.object({
  url: z.string().min(1),
  method: z.string().min(1),
  params: z.record(z.string(), z.unknown()).nullish(),
  token: z.string().min(1),
});

type BridgeContext = Context<{ Bindings: Env }>;

const message = (c: BridgeContext, status: 400 | 401 | 403 | 404 | 426, text: string) => c.json({ message: text }, status, CORS);

/** The Router and Workspace calls of the proxy, scoped to the token's account. */
function backendFor(env: Env, identity: RealtimeIdentity): BridgeBackend {
  // Each call goes to the Router that holds its worker or task: the region its SID names, or the one a
  // task was handed over to (followMoves).
  const via = <R>(sid: string, call: (router: ReturnType<typeof routerOf>) => R) => followMoves(env, identity.workspaceSid, sid, call);
  const ownerSid = (owner: ReservationOwner) => ("taskSid" in owner ? owner.taskSid : owner.workerSid);
  const workspace = workspaceFor(env, identity.workspaceSid);
  const account = identity.accountSid;
  return {
    getWorker: (workerSid) => via(workerSid, (router) => router.getWorker(account, workerSid)),
    updateWorker: (workerSid, input) => via(workerSid, (router) => router.updateWorker(account, workerSid, input)),
    listActivities: (page) => workspace.listActivities(account, {}, page),
    listWorkerChannels: (workerSid, page) => via(workerSid, (router) => router.listWorkerChannels(account, workerSid, page)),
    listReservations: (owner, input) => via(ownerSid(owner), (router) => router.listReservations(account, owner, input)),
    getReservation: (owner, sid) => via(ownerSid(owner), (router) => router.getReservation(account, owner, sid)),
    updateReservation: (owner, sid, input) => via(ownerSid(owner), (router) => router.updateReservation(account, owner, sid, input)),
    getTask: (taskSid) => via(taskSid, (router) => router.getTask(account, taskSid)),
    updateTask: (taskSid, input) => via(taskSid, (router) => router.updateTask(account, taskSid, input)),
  };
}

/** Upgrades, then closes at once with `code` and `reason` (the SDK retries about every second). */
function refuse(code: number, reason: string): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(code, reason);
  return new Response(null, { status: 101, webSocket: client });
}

export const eventbridge = new Hono<{ Bindings: Env }>();

eventbridge.options("/", () => new Response(null, { status: 204, headers: CORS }));

eventbridge.post("/", async (c) => {
  let text: string;
  try {
    // JSON labelled as a form by the SDK: read as bytes, so the runtime does not warn about the type.
    text = await readText(c, BRIDGE_BODY_LIMIT);
  } catch (error) {
    if (error instanceof ApiError) return c.json(error.toBody(new URL(c.req.url).origin), error.status, CORS);
    throw error;
  }
  let parsed: z.infer<typeof body>;
  try {
    const result = body.safeParse(JSON.parse(text));
    if (!result.success) return message(c, 400, "The body must be JSON {url, method, params, token}");
    parsed = result.data;
  } catch {
    return message(c, 400, "The body must be JSON {url, method, params, token}");
  }
  const check = await verifyRealtimeToken(c.env, parsed.token);
  if (!check.ok) return message(c, check.code === 4403 ? 403 : 401, check.reason);
  const answer = await serveBridge(backendFor(c.env, check.identity), check.identity, {
    url: parsed.url,
    method: parsed.method,
    params: parsed.params ?? {},
  });
  if ("payload" in answer) return c.json({ payload: answer.payload }, 200, CORS);
  return c.json({ status: answer.status, message: answer.message }, answer.status as 400, CORS);
});

eventbridge.get("/", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return message(c, 426, "GET /v1/wschannels is the SDK's WebSocket: connect with a WebSocket client");
  }
  const query = new URL(c.req.url).searchParams;
  const token = query.get("token");
  if (!token) return refuse(4401, "A token is required: ?token=");
  const check = await verifyRealtimeToken(c.env, token, { opening: "workspace" });
  if (!check.ok) return refuse(check.code, check.reason);
  if (check.identity.workerSid === undefined) return refuse(4403, "The SDK serves one worker: the token names none");
  const headers = new Headers({ upgrade: "websocket", [IDENTITY_HEADER]: JSON.stringify(check.identity) });
  const url = new URL("https://router.internal/eventbridge");
  if (query.get("closeExistingSessions") === "true") url.searchParams.set("closeExistingSessions", "true");
  // The SDK serves one worker: its socket is held by the Router of the worker's region (where they moved, if they did).
  return upgradeAtHolder(c.env, check.identity.workspaceSid, check.identity.workerSid, new Request(url, { headers }));
});
