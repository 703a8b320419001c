/**
 * `GET /api/realtime` — an agent's live connection: a WebSocket held by the workspace's Router DO,
 * which pushes the agent's reservations and changes and takes their commands (see
 * durable-objects/router/realtime/). The token comes as `?token=`, a `token.<token>` subprotocol or
 * `Authorization: Bearer`; `?since=<seq>` replays what a reconnecting client missed.
 *
 * The token is checked here, before any Durable Object is reached, and the verified identity is sent
 * to the Router DO in a header this Worker sets on a request it builds itself (nothing from the client
 * is forwarded, so the identity cannot be forged). A refused token still upgrades, then closes with
 * 4401 or 4403 and the reason: a browser can read a close code, not the status of a failed upgrade.
 */
import type { Context } from "hono";
import { IDENTITY_HEADER, SUBPROTOCOL, readHandshake } from "../../durable-objects/router/realtime/handshake";
import { verifyRealtimeToken } from "../auth/tokens";
import type { TokenCheck } from "../../durable-objects/common/token-claims";
import type { Env } from "../../platform/env";
import { routerFor, upgradeAtHolder } from "../../platform/objects";
import { ApiError } from "../http/errors";

/** Who the token stands for: the one place the live channel checks tokens. */
function identify(env: Env, token: string): Promise<TokenCheck> {
  return verifyRealtimeToken(env, token, { opening: "workspace" });
}

const answered = (subprotocol: boolean): HeadersInit => (subprotocol ? { "Sec-WebSocket-Protocol": SUBPROTOCOL } : {});

/** Upgrades, then closes at once with `code` and `reason`. */
function refuse(code: number, reason: string, subprotocol: boolean): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  // The Worker's own end of a socket it closes straight away (nothing is held, so no hibernation).
  server.accept();
  server.close(code, reason);
  return new Response(null, { status: 101, webSocket: client, headers: answered(subprotocol) });
}

/**
 * The route handler, mounted at `GET /api/realtime` in app.ts.
 * @example new WebSocket(`wss://switchboard.example/api/realtime?token=${token}&since=${lastSeq}`)
 */
export async function realtime(c: Context<{ Bindings: Env }>): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, 20426, "GET /api/realtime is a WebSocket endpoint: connect with a WebSocket client");
  }
  const handshake = readHandshake(new URL(c.req.url), c.req.raw.headers);
  if (handshake.token === null) {
    return refuse(4401, "A token is required: ?token=, a token.<token> subprotocol or Authorization: Bearer", handshake.subprotocol);
  }
  const check = await identify(c.env, handshake.token);
  if (!check.ok) return refuse(check.code, check.reason, handshake.subprotocol);
  const url = new URL("https://router.internal/realtime");
  if (handshake.since !== null) url.searchParams.set("since", handshake.since);
  const headers = new Headers({ upgrade: "websocket", [IDENTITY_HEADER]: JSON.stringify(check.identity) });
  if (handshake.subprotocol) headers.set("sec-websocket-protocol", SUBPROTOCOL);
  // An agent's socket is held by the Router of their worker's region; a supervisor's by the home region's,
  // which leases the other regions' shares of the feed (durable-objects/router/realtime/supervisors.ts).
  const { workspaceSid, workerSid } = check.identity;
  // A worker who moved to another region is found there (upgradeAtHolder: one extra hop, for them only).
  const upgrade = new Request(url, { headers });
  return workerSid === undefined ? routerFor(c.env, workspaceSid).fetch(upgrade) : upgradeAtHolder(c.env, workspaceSid, workerSid, upgrade);
}
