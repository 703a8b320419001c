/**
 * Signing in to the agent desktop, under /api/auth: with an email and password (`/login`), or with a
 * short-lived token the team's own backend signs with one of the account's API keys (`/sso`). Either
 * way the answer is the `sb_session` cookie (workers/auth/session.ts) naming a session the AccountDO
 * keeps, with which the desktop reads who it is (`/me`) and gets the token for its live connection
 * (`/token`, naming the user and the session) — so the browser never holds the account's credentials.
 * `/logout` ends the session, `/logout-all` every session of the user; either closes the live
 * connections opened from them. Passwords, cookies and tokens are never logged here.
 */
import { Hono, type Context } from "hono";
import type { UserRecord } from "../../durable-objects/account/users";
import { verifyApiKeyJwt } from "../auth/api-key-jwt";
import { DEFAULT_TTL } from "../auth/realtime-token";
import { cookieValue, mintSession, readSession, SESSION_TTL, sessionCookie } from "../auth/session";
import { accountOf, currentSession, currentUser } from "../auth/session-guard";
import { mintRealtimeToken } from "../auth/tokens";
import type { Env } from "../../platform/env";
import { followMoves, workspaceFor } from "../../platform/objects";
import { ApiError } from "../http/errors";
import { oneOf, sid, str } from "./taskrouter/params";
import { edgeOf, settleOnSignIn } from "./taskrouter/placement";
import { endpoint, unwrap } from "./taskrouter/wire";
import { tokenBody } from "./tokens";

const tag = "Sign-in";
/** Anyone may post to the sign-in routes: their fields (≤ 1 KB of password, an 8 KB SSO token) fit in 16 KB. */
const SIGN_IN_BODY_LIMIT = 16 * 1024;
const login = endpoint({
  method: "post",
  path: "/auth/login",
  prefix: "/api",
  tag,
  auth: "none",
  status: 200,
  summary: "Sign in with email and password (JSON or form); sets the sb_session cookie. 429 with Retry-After when rate-limited",
  params: { email: str({ min: 1, max: 254 }), password: str({ min: 1, max: 1024 }) },
  maxBodyBytes: SIGN_IN_BODY_LIMIT,
});
const sso = endpoint({
  method: "post",
  path: "/auth/sso",
  prefix: "/api",
  tag,
  auth: "none",
  status: 200,
  summary: "Sign in with a JWT your backend signed with an API key (HS256, kid = SK…, sub = email, aud = switchboard, ≤ 10 min)",
  params: { token: str({ min: 1, max: 8192 }) },
  maxBodyBytes: SIGN_IN_BODY_LIMIT,
});
const tokenEndpoint = endpoint({
  method: "post",
  path: "/auth/token",
  prefix: "/api",
  tag,
  auth: "session",
  status: 200,
  summary:
    "A token for the signed-in user's live connection: View=agent (their worker's channel; agents, and supervisors or admins linked to a worker) or View=supervisor (the workspace's feed; the default for supervisors and admins)",
  params: { WorkspaceSid: sid("WS").optional(), View: oneOf(["agent", "supervisor"]).optional() },
});
endpoint({
  method: "get",
  path: "/auth/me",
  prefix: "/api",
  tag,
  auth: "session",
  summary: "The signed-in user, their workspace and worker",
  params: {},
});
endpoint({
  method: "post",
  path: "/auth/logout",
  prefix: "/api",
  tag,
  auth: "session",
  status: 204,
  summary: "Sign out: ends this session (its live connections close) and clears the cookie",
  params: {},
});
const logoutAll = endpoint({
  method: "post",
  path: "/auth/logout-all",
  prefix: "/api",
  tag,
  auth: "session",
  status: 204,
  summary: "Sign out everywhere: ends every session of the signed-in user, this one included, and closes their live connections",
  params: {},
});

export const auth = new Hono<{ Bindings: Env }>();

/** SSO tokens live at most this long (exp − iat, seconds), and may be issued this far in our future. */
export const SSO_MAX_LIFETIME = 600;
export const SSO_AUDIENCE = "switchboard";

const invalidLogin = () => new ApiError(401, 20003, "Invalid email or password");

/** A cross-site form must not sign the visitor in as someone else: a browser's Origin must be ours. */
function refuseCrossSite(c: Context): void {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, 20403, "Cross-site sign-in refused: sign in from this site (Origin header)");
  }
}

async function signedIn(c: Context<{ Bindings: Env }>, user: UserRecord): Promise<Response> {
  const account = accountOf(c.env);
  // The session is kept in the AccountDO; null when the user was disabled or deleted a moment ago.
  const sessionSid = await account.stub.startSession(user.sid, SESSION_TTL * 1000);
  if (sessionSid === null) throw new ApiError(403, 20403, "This user is disabled: ask an admin");
  c.header("Set-Cookie", sessionCookie(await mintSession(user, sessionSid, account.authToken, account.sid, Date.now()), c.req.url));
  c.header("Cache-Control", "no-store");
  await settleWorkerRegion(c, user);
  return c.json({ user });
}

/**
 * An agent's first sign-in decides where their worker works (placement.ts, settleOnSignIn). It never
 * fails the sign-in: a move that cannot be made now is logged, and the worker stays where they are.
 */
async function settleWorkerRegion(c: Context<{ Bindings: Env }>, user: UserRecord): Promise<void> {
  if (!user.workspace_sid || !user.worker_sid) return;
  try {
    await settleOnSignIn(c.env, accountOf(c.env).sid, user.workspace_sid, user.worker_sid, edgeOf(c.req.raw));
  } catch (error) {
    console.warn(`auth: the region of worker ${user.worker_sid} was not settled at ${user.email}'s sign-in`, error);
  }
}

auth.post("/auth/login", async (c) => {
  refuseCrossSite(c);
  const { email, password } = await login.parse(c);
  const account = accountOf(c.env);
  const { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword } = c.env;
  // The first admin comes from the environment, made lazily on the first sign-in with that email.
  if (adminEmail && adminPassword && email.trim().toLowerCase() === adminEmail.trim().toLowerCase()) {
    await account.stub.bootstrapAdmin(adminEmail, adminPassword);
  }
  const clientKey = c.req.header("cf-connecting-ip") ?? "local";
  const outcome = await account.stub.checkPassword(email, password, clientKey, Date.now());
  if (outcome.ok) return signedIn(c, outcome.user);
  switch (outcome.reason) {
    case "invalid":
      throw invalidLogin();
    case "disabled":
      throw new ApiError(403, 20403, "This user is disabled: ask an admin");
    case "rate-limited": {
      c.header("Retry-After", String(outcome.retryAfter));
      const error = new ApiError(429, 20429, `Too many failed sign-ins: try again in ${outcome.retryAfter} seconds`);
      return c.json({ ...error.toBody(new URL(c.req.url).origin), retry_after: outcome.retryAfter }, 429);
    }
    default: {
      const unknown: never = outcome;
      throw new Error(`Unknown sign-in outcome ${JSON.stringify(unknown)}`);
    }
  }
});

/**
 * The email an SSO token names, once its signature (through the AccountDO, which keeps API key
 * secrets sealed), audience and lifetime check out.
 */
async function ssoEmail(env: Env, token: string, now: number): Promise<string> {
  const account = accountOf(env).stub;
  const rules = { audience: SSO_AUDIENCE, maxLifetime: SSO_MAX_LIFETIME };
  const check = await verifyApiKeyJwt(token, rules, (kid, input, signature) => account.verifyApiKeySignature(kid, input, signature), now);
  if (!check.ok) throw new ApiError(401, 20003, `SSO token refused: ${check.reason}`);
  const { sub } = check.claims;
  if (typeof sub !== "string" || sub === "") throw new ApiError(401, 20003, "SSO token refused: sub must be the user's email");
  return sub;
}

auth.post("/auth/sso", async (c) => {
  refuseCrossSite(c);
  const { token } = await sso.parse(c);
  const email = await ssoEmail(c.env, token, Date.now());
  // No just-in-time creation: an admin creates the user first (POST /api/users), without a password.
  const user = await accountOf(c.env).stub.findUserByEmail(email);
  if (!user) throw new ApiError(403, 20403, `No user has the email ${email}: an admin must create the user before they can sign in`);
  if (user.disabled) throw new ApiError(403, 20403, "This user is disabled: ask an admin");
  return signedIn(c, user);
});

auth.post("/auth/logout", async (c) => {
  // Clearing needs no valid session (an expired one is cleared too), but must come from this site.
  const origin = c.req.header("origin");
  if (origin !== new URL(c.req.url).origin) throw new ApiError(403, 20403, "Cross-site request refused (Origin header)");
  const account = accountOf(c.env);
  const cookie = cookieValue(c.req.header("cookie"));
  const claims = cookie === null ? null : await readSession(cookie, account.authToken, account.sid, Date.now());
  if (claims) await account.stub.endSession(claims.sub, claims.sid);
  c.header("Set-Cookie", sessionCookie(null, c.req.url));
  return c.body(null, 204);
});

auth.post("/auth/logout-all", async (c) => {
  const { user } = await currentSession(c);
  await logoutAll.parse(c);
  await accountOf(c.env).stub.endAllSessions(user.sid);
  c.header("Set-Cookie", sessionCookie(null, c.req.url));
  return c.body(null, 204);
});

auth.get("/auth/me", async (c) => {
  const user = await currentUser(c);
  const accountSid = accountOf(c.env).sid;
  const workspace = user.workspace_sid ? await workspaceFor(c.env, user.workspace_sid).getWorkspace(accountSid) : null;
  const worker =
    user.workspace_sid && user.worker_sid
      ? await followMoves(c.env, user.workspace_sid, user.worker_sid, (router) => router.getWorker(accountSid, user.worker_sid!))
      : null;
  c.header("Cache-Control", "no-store");
  return c.json({
    user,
    workspace: workspace?.ok ? workspace.value : null,
    worker: worker?.ok ? worker.value.worker : null,
  });
});

auth.post("/auth/token", async (c) => {
  const { user, sessionSid } = await currentSession(c);
  const { WorkspaceSid: asked, View: view = user.role === "agent" ? "agent" : "supervisor" } = await tokenEndpoint.parse(c);
  if (view === "supervisor" && user.role === "agent") throw new ApiError(403, 20403, "An agent cannot watch the supervisors' feed");
  if (view === "agent" && !user.worker_sid) throw new ApiError(400, 20001, "Invalid parameter View: this user is linked to no worker");
  const accountSid = accountOf(c.env).sid;
  // Agents and supervisors work in their own workspace; an admin picks one (or uses their default).
  if (user.role !== "admin" && asked !== undefined && asked !== user.workspace_sid) {
    throw new ApiError(403, 20403, `A ${user.role} can only connect to their own workspace ${user.workspace_sid}`);
  }
  const workspaceSid = user.role === "admin" ? (asked ?? user.workspace_sid) : user.workspace_sid;
  if (!workspaceSid) throw new ApiError(400, 20001, "Missing required parameter WorkspaceSid: an admin names the workspace to watch");
  unwrap(await workspaceFor(c.env, workspaceSid).getWorkspace(accountSid));
  const workerSid = view === "agent" && user.worker_sid ? user.worker_sid : undefined;
  if (workerSid) unwrap(await followMoves(c.env, workspaceSid, workerSid, (router) => router.getWorker(accountSid, workerSid)));
  const minted = await mintRealtimeToken(c.env, {
    issuer: accountSid,
    accountSid,
    workspaceSid,
    role: user.role === "agent" ? "worker" : "supervisor",
    ...(workerSid ? { workerSid } : {}),
    ttl: DEFAULT_TTL,
    // The token names the user and the session: refresh and connect check both again.
    user: { userSid: user.sid, sessionSid },
  });
  c.header("Cache-Control", "no-store");
  return c.json(tokenBody(minted));
});
