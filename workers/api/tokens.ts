/**
 * Tokens for agents' and supervisors' live connections, under /api/tokens. A team's backend asks for
 * one with the account credentials or an API key (HTTP Basic), for a workspace and — for an agent — a
 * worker, and hands it to the browser; the browser refreshes it with the token itself before it
 * expires. Switchboard alone signs these tokens (realtime-token.ts says how), so no secret ever has to
 * leave the backend or this Worker.
 */
import { Hono, type Context } from "hono";
import { iso } from "../../contract/taskrouter";
import { basicAuth, type AuthVariables } from "../auth/basic";
import { DEFAULT_TTL, MAX_TTL, MIN_TTL, refreshGrant, type MintedToken } from "../auth/realtime-token";
import { ROLES } from "../../durable-objects/common/token-claims";
import { inspectRealtimeToken, mintRealtimeToken } from "../auth/tokens";
import type { Env } from "../../platform/env";
import { followMoves, workspaceFor } from "../../platform/objects";
import { ApiError } from "../http/errors";
import { int, oneOf, sid } from "./taskrouter/params";
import { endpoint, unwrap } from "./taskrouter/wire";

const tag = "Tokens";
const mint = endpoint({
  method: "post",
  path: "/tokens",
  prefix: "/api",
  tag,
  status: 200,
  summary: "Mint a short-lived token for an agent's or supervisor's live connection (WorkerSid required for Role worker)",
  params: {
    WorkspaceSid: sid("WS"),
    Role: oneOf(ROLES),
    WorkerSid: sid("WK").optional(),
    Ttl: int(MIN_TTL, MAX_TTL).optional(),
  },
});
const refresh = endpoint({
  method: "post",
  path: "/tokens/refresh",
  prefix: "/api",
  tag,
  status: 200,
  auth: "bearer",
  summary:
    "Exchange a valid token (Authorization: Bearer) for a new one with the same claims, within 24 hours of the first; a signed-in user's token only while the user, their sign-in and their role still allow it",
  params: {},
});

type TokensEnv = { Bindings: Env; Variables: AuthVariables };
export const tokens = new Hono<TokensEnv>();

/** The worker must exist in the workspace, and the workspace in the account (404 otherwise). */
async function checkGrantable(env: Env, accountSid: string, workspaceSid: string, workerSid: string | undefined): Promise<void> {
  unwrap(await workspaceFor(env, workspaceSid).getWorkspace(accountSid));
  if (workerSid) unwrap(await followMoves(env, workspaceSid, workerSid, (router) => router.getWorker(accountSid, workerSid)));
}

/** The user part of the Basic credentials basicAuth() accepted: the account SID or an `SK…` key SID. */
function basicUser(c: Context<TokensEnv>): string {
  const encoded = /^Basic\s+(\S+)/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
  return atob(encoded).split(":", 1)[0]!;
}

/** How a minted token is answered: `POST /api/tokens`, its refresh, and the desktop's `POST /api/auth/token`. */
export const tokenBody = ({ token, identity }: MintedToken) => ({
  token,
  expires_at: iso(identity.expiresAt),
  identity: {
    account_sid: identity.accountSid,
    workspace_sid: identity.workspaceSid,
    role: identity.role,
    worker_sid: identity.workerSid ?? null,
    ops: identity.ops,
  },
});

tokens.post("/tokens", basicAuth(), async (c) => {
  const p = await mint.parse(c);
  if (p.Role === "worker" && !p.WorkerSid)
    throw new ApiError(400, 20001, "Missing required parameter WorkerSid: a worker's token names the worker");
  const accountSid = c.get("accountSid");
  await checkGrantable(c.env, accountSid, p.WorkspaceSid, p.WorkerSid);
  const issuer = c.get("credential") === "account" ? accountSid : basicUser(c);
  const minted = await mintRealtimeToken(c.env, {
    issuer,
    accountSid,
    workspaceSid: p.WorkspaceSid,
    role: p.Role,
    ...(p.WorkerSid ? { workerSid: p.WorkerSid } : {}),
    ttl: p.Ttl ?? DEFAULT_TTL,
  });
  return c.json(tokenBody(minted));
});

tokens.post("/tokens/refresh", async (c) => {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!bearer) {
    c.header("WWW-Authenticate", 'Bearer realm="Switchboard"');
    throw new ApiError(401, 20003, "Authentication required: Authorization: Bearer <the token to refresh>");
  }
  const now = Date.now();
  // A user's token is checked against the AccountDO too: removed, disabled, signed out or demoted is refused.
  const check = await inspectRealtimeToken(c.env, bearer, { now });
  if (!check.ok) throw check.code === 4403 ? new ApiError(403, 20403, check.reason) : new ApiError(401, 20101, check.reason);
  if (check.details.kind !== "switchboard") {
    throw new ApiError(
      401,
      20101,
      "Only Switchboard tokens can be refreshed; a Twilio AccessToken is renewed by the backend that signed it",
    );
  }
  await refresh.parse(c);
  // The workspace or worker may have been deleted since: refreshing must not outlive them.
  await checkGrantable(c.env, check.identity.accountSid, check.identity.workspaceSid, check.identity.workerSid);
  return c.json(tokenBody(await mintRealtimeToken(c.env, refreshGrant(check.identity, check.details), now)));
});
