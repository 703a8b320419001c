/**
 * Who is calling a route of the desktop's API: the signed-in user (the `sb_session` cookie, checked by
 * session.ts, then its session and user checked afresh in the AccountDO, so a signed-out session or a
 * deleted, disabled or demoted user loses access on their very next request), or a backend with the
 * account's Basic credentials.
 *
 * CSRF: a cookie rides along on cross-site requests, so every cookie-authenticated POST or DELETE must
 * carry an `Origin` equal to the request's own origin, or it is refused with a 403. (SameSite=Lax
 * already keeps the cookie off cross-site POSTs in current browsers; this holds without relying on it.)
 */
import type { Context } from "hono";
import type { UserRecord } from "../../durable-objects/account/users";
import { ApiError } from "../http/errors";
import type { Env } from "../../platform/env";
import { basicAuth, type AuthVariables } from "./basic";
import { cookieValue, readSession } from "./session";
import { accountFor } from "../../platform/objects";

/** Refuses a state-changing request whose `Origin` is missing or another site's. */
export function requireSameOrigin(c: Context): void {
  if (c.req.method === "GET" || c.req.method === "HEAD") return;
  const origin = c.req.header("origin");
  if (origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, 20403, "Cross-site request refused: a signed-in POST or DELETE must come from this site (Origin header)");
  }
}

export const notSignedIn = () => new ApiError(401, 20003, "Not signed in (sign in with POST /api/auth/login or /api/auth/sso)");

/** The AccountDO: one per deployment. */
export const accountOf = (env: Env) => {
  if (!env.ACCOUNT_SID || !env.AUTH_TOKEN)
    throw new ApiError(401, 20003, "This deployment has no account credentials (set ACCOUNT_SID and AUTH_TOKEN)");
  return { sid: env.ACCOUNT_SID, authToken: env.AUTH_TOKEN, stub: accountFor(env, env.ACCOUNT_SID) };
};

/** A signed-in user and the session their cookie names. */
export interface SignedIn {
  readonly user: UserRecord;
  /** SE…: the session, which a token minted for the user carries (it stops working when the session ends). */
  readonly sessionSid: string;
}

/**
 * The signed-in user and their session, checked afresh in the AccountDO (401 without a valid cookie,
 * when the session has ended, or when the user was deleted or disabled since). State-changing requests
 * must also pass the same-origin check.
 * @example const { user, sessionSid } = await currentSession(c);
 */
export async function currentSession<E extends { Bindings: Env }>(c: Context<E>): Promise<SignedIn> {
  const token = cookieValue(c.req.header("cookie"));
  if (!token) throw notSignedIn();
  const account = accountOf(c.env);
  const claims = await readSession(token, account.authToken, account.sid, Date.now());
  if (!claims) throw new ApiError(401, 20003, "The session is invalid or expired: sign in again");
  requireSameOrigin(c);
  const user = await account.stub.sessionUser(claims.sub, claims.sid);
  if (!user.ok) throw new ApiError(401, 20003, user.message);
  return { user: user.value, sessionSid: claims.sid };
}

/**
 * The signed-in user (see {@link currentSession}).
 * @example const user = await currentUser(c); if (user.role !== "admin") throw forbidden;
 */
export async function currentUser<E extends { Bindings: Env }>(c: Context<E>): Promise<UserRecord> {
  return (await currentSession(c)).user;
}

/** Who is calling a route that takes either the account's Basic credentials or a session. */
export type Caller = { kind: "account"; accountSid: string } | { kind: "user"; accountSid: string; user: UserRecord; sessionSid: string };

/**
 * Basic credentials when an `Authorization` header is present (account SID or API key, as everywhere),
 * otherwise the session cookie.
 * @example const caller = await basicOrSession(c); if (caller.kind === "user" && caller.user.role !== "admin") …
 */
export async function basicOrSession(c: Context<{ Bindings: Env; Variables: AuthVariables }>): Promise<Caller> {
  if (c.req.header("authorization") !== undefined) {
    await basicAuth()(c, async () => {});
    return { kind: "account", accountSid: c.get("accountSid") };
  }
  const { user, sessionSid } = await currentSession(c);
  return { kind: "user", accountSid: accountOf(c.env).sid, user, sessionSid };
}
