/**
 * The desktop's sign-in session: an HS256 JWT in an HttpOnly cookie (`sb_session`, 12 hours), signed
 * with a key derived from the auth token by HKDF (info "switchboard-session …"), so it can never pass
 * for a realtime token or a Twilio AccessToken, and rotating the auth token signs everyone out.
 * Claims: `sub` (US…), `sid` (SE…, the session), `role`, `ws`, `wk`, `name`, `iat`, `exp`.
 *
 * The JWT only says who signed in, and in which session. Every route that acts on a session asks the
 * AccountDO (one RPC per request, see `currentUser` in session-guard.ts) whether that session is still
 * open and loads the user again, so signing out, "sign out everywhere", a new password, and deleting,
 * disabling or demoting a user take effect on the very next request (durable-objects/account/sessions.ts).
 *
 * Pure apart from Web Crypto (tested in plain Node); the route guards that use it are in session-guard.ts.
 */
import { jwtVerify, SignJWT, errors, type CryptoKey, type JWTPayload } from "jose";
import type { UserRecord, UserRole } from "../../durable-objects/account/users";
import { isSid } from "../../contract/ids";

export const SESSION_COOKIE = "sb_session";
/** Seconds: a working day and a bit. */
export const SESSION_TTL = 43_200;

export interface SessionClaims {
  readonly sub: string;
  /** The server-side session (SE…): the cookie is good only while it has not ended. */
  readonly sid: string;
  readonly role: UserRole;
  readonly ws: string | null;
  readonly wk: string | null;
  readonly name: string;
  readonly iat: number;
  readonly exp: number;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** HKDF-SHA256 of the auth token, bound to the account, for sessions only. */
export async function sessionKey(authToken: string, accountSid: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", utf8(authToken), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: utf8("switchboard"), info: utf8(`switchboard-session ${accountSid}`) },
    material,
    256,
  );
  return crypto.subtle.importKey("raw", bits, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/**
 * A session JWT for `user` and their server-side session `sessionSid`, valid {@link SESSION_TTL} seconds from `now`.
 * @example const jwt = await mintSession(user, "SE…", env.AUTH_TOKEN, env.ACCOUNT_SID, Date.now());
 */
export async function mintSession(
  user: UserRecord,
  sessionSid: string,
  authToken: string,
  accountSid: string,
  now: number,
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ sid: sessionSid, role: user.role, ws: user.workspace_sid, wk: user.worker_sid, name: user.friendly_name })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.sid)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL)
    .sign(await sessionKey(authToken, accountSid));
}

/**
 * The claims of a genuine, unexpired session JWT, or null (forged, expired, another deployment's, not a JWT).
 * @example const claims = await readSession(cookieValue, env.AUTH_TOKEN, env.ACCOUNT_SID, Date.now());
 */
export async function readSession(token: string, authToken: string, accountSid: string, now: number): Promise<SessionClaims | null> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await sessionKey(authToken, accountSid), {
      algorithms: ["HS256"],
      currentDate: new Date(now),
      requiredClaims: ["sub", "sid", "iat", "exp"],
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
    throw error;
  }
  const { sub, sid, role, ws = null, wk = null, name, iat, exp } = payload;
  // A cookie from before sessions were kept on the server has no sid: it is refused (sign in again).
  if (!isSid("US", sub) || !isSid("SE", sid) || typeof role !== "string" || typeof name !== "string") return null;
  if (typeof iat !== "number" || typeof exp !== "number" || exp - iat > SESSION_TTL) return null;
  return { sub, sid, role: role as UserRole, ws: ws as string | null, wk: wk as string | null, name, iat, exp };
}

const isHttps = (url: string) => new URL(url).protocol === "https:";

/**
 * The `Set-Cookie` value carrying a session (`jwt`) or clearing it (`null`).
 * @example c.header("Set-Cookie", sessionCookie(jwt, c.req.url));
 */
export function sessionCookie(jwt: string | null, requestUrl: string): string {
  const secure = isHttps(requestUrl) ? "; Secure" : "";
  return jwt === null
    ? `${SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0${secure}`
    : `${SESSION_COOKIE}=${jwt}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${SESSION_TTL}${secure}`;
}

/** The session cookie's value in a `Cookie` header, if any. */
export function cookieValue(header: string | undefined): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
