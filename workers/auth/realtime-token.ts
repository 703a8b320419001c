/**
 * The tokens agents' and supervisors' live connections present, minted and checked. Two kinds are
 * accepted, both HS256 JWTs:
 *
 * - **Switchboard tokens**, minted only by Switchboard (`POST /api/tokens`), signed with a key derived
 *   from the account's auth token by HKDF-SHA256 (never the auth token itself, so a Switchboard token
 *   can never pass for a Twilio AccessToken or the reverse). Claims: `iss` (the account SID or the API
 *   key SID that asked for it), `sub` (the worker SID, when there is one), `aud`, `account_sid`,
 *   `workspace_sid`, `role`, `ops`, `iat`, `exp`, `jti`, and `auth_time` — when the first token of the
 *   chain was minted; refreshing never takes a token past `auth_time` + 24 h. A token minted for a
 *   signed-in user (the desktop's) also names them: `user_sid` (US…) and `session_sid` (SE…, the sign-in
 *   it came from), which the Worker checks against the AccountDO on every refresh and connect.
 * - **Twilio AccessTokens with a TaskRouter grant**, as the stock `twilio-taskrouter` SDK sends them
 *   (header `cty: "twilio-fpa;v=1"`, `grants.task_router = { workspace_sid, worker_sid, role }`),
 *   signed by the team's backend with the auth token (`iss` = the account SID) or with an API key's
 *   secret (`iss` = `SK…`). Switchboard keeps key secrets sealed in the AccountDO, so the signature of
 *   a key-signed token is checked there, through {@link TokenAuthority.verifyApiKeySignature}.
 *
 * Pure apart from Web Crypto: the Worker supplies the account's credentials and its AccountDO as a
 * {@link TokenAuthority}, and unit tests supply a double, so the stock `twilio` package can mint the
 * tokens they check.
 */
import { SignJWT, compactVerify, decodeJwt, decodeProtectedHeader, errors, type CryptoKey, type JWTPayload } from "jose";
import { isSid } from "../../contract/ids";
import { iso } from "../../contract/taskrouter";
import {
  isRole,
  opsFor,
  type RealtimeIdentity,
  type RealtimeRole,
  type TokenCheck,
  type TokenUser,
} from "../../durable-objects/common/token-claims";
import { isRecord } from "../../contract/is-record";

/** Token lifetimes, in seconds: at least a minute when minted, an hour unless asked, never over a day. */
export const MIN_TTL = 60;
export const DEFAULT_TTL = 3600;
export const MAX_TTL = 86_400;
/** How far in the future `iat` and `nbf` may lie, for clocks that differ a little. */
const CLOCK_SKEW_SECONDS = 60;
const MAX_TOKEN_LENGTH = 8192;
/** The content type Twilio puts in an AccessToken's header. */
export const TWILIO_ACCESS_TOKEN = "twilio-fpa;v=1";
/** The audience of Switchboard tokens: live connections, nothing else. */
export const AUDIENCE = "switchboard:realtime";

/** What checking a token needs from the deployment: the account's credentials and its API keys. */
export interface TokenAuthority {
  readonly accountSid: string;
  readonly authToken: string;
  /** Whether `signature` (base64url) is the HMAC-SHA256 of `signingInput` under API key `keySid`'s secret. */
  verifyApiKeySignature(keySid: string, signingInput: string, signature: string): Promise<boolean>;
  /** Whether the API key still exists: deleting a key revokes the Switchboard tokens it asked for. */
  apiKeyExists(keySid: string): Promise<boolean>;
}

/** What a Switchboard token grants, as minted. */
export interface TokenGrant {
  /** The account SID, or the API key SID that asked for the token. */
  readonly issuer: string;
  readonly accountSid: string;
  readonly workspaceSid: string;
  readonly role: RealtimeRole;
  readonly workerSid?: string;
  /** Seconds, at most {@link MAX_TTL}. */
  readonly ttl: number;
  /** When the chain of refreshes began (seconds since epoch); a new token's own `iat` when omitted. */
  readonly sessionStart?: number;
  /** The signed-in user the token is for (the desktop's tokens); omitted for a backend's worker token. */
  readonly user?: TokenUser;
}

export interface MintedToken {
  readonly token: string;
  readonly identity: RealtimeIdentity;
}

/** Facts about a verified token beyond the identity: what a refresh carries over. */
export interface TokenDetails {
  readonly kind: "switchboard" | "twilio";
  readonly issuer: string;
  /** Seconds since epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly sessionStart: number;
}

type Refusal = Extract<TokenCheck, { ok: false }>;
export type TokenInspection = { ok: true; identity: RealtimeIdentity; details: TokenDetails } | Refusal;

const utf8 = (text: string) => new TextEncoder().encode(text);
const invalid = (reason: string): Refusal => ({ ok: false, code: 4401, reason });
const forbidden = (reason: string): Refusal => ({ ok: false, code: 4403, reason });

/**
 * The key Switchboard tokens are signed with: HKDF-SHA256 of the auth token, bound to the account.
 * Rotating the auth token therefore invalidates every Switchboard token at once.
 */
export async function signingKey(authToken: string, accountSid: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", utf8(authToken), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: utf8("switchboard"), info: utf8(`realtime-token/v1 ${accountSid}`) },
    material,
    256,
  );
  return crypto.subtle.importKey("raw", bits, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** The auth token as an HMAC key, for AccessTokens the team's backend signed with it. */
const authTokenKey = (authToken: string) =>
  crypto.subtle.importKey("raw", utf8(authToken), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);

/**
 * Mints a Switchboard token. The caller has checked that the workspace and worker exist; `ttl` is
 * cut short so the token never outlives `sessionStart` + 24 h.
 * @example await mintToken(authority, { issuer: "AC…", accountSid: "AC…", workspaceSid: "WS…", role: "worker", workerSid: "WK…", ttl: 3600 }, Date.now())
 */
export async function mintToken(
  authority: Pick<TokenAuthority, "accountSid" | "authToken">,
  grant: TokenGrant,
  now: number,
): Promise<MintedToken> {
  const iat = Math.floor(now / 1000);
  const sessionStart = grant.sessionStart ?? iat;
  const exp = Math.min(iat + grant.ttl, sessionStart + MAX_TTL);
  if (!(grant.ttl <= MAX_TTL && exp > iat)) throw new Error(`A token cannot be minted for ${grant.ttl} s from ${iso(now)}`);
  const ops = opsFor(grant.role, grant.workerSid);
  const jwt = new SignJWT({
    account_sid: grant.accountSid,
    workspace_sid: grant.workspaceSid,
    role: grant.role,
    ops: [...ops],
    auth_time: sessionStart,
    ...(grant.user ? { user_sid: grant.user.userSid, session_sid: grant.user.sessionSid } : {}),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(grant.issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID());
  if (grant.workerSid) jwt.setSubject(grant.workerSid);
  const token = await jwt.sign(await signingKey(authority.authToken, authority.accountSid));
  const identity: RealtimeIdentity = {
    accountSid: grant.accountSid,
    workspaceSid: grant.workspaceSid,
    role: grant.role,
    ...(grant.workerSid ? { workerSid: grant.workerSid } : {}),
    ops,
    expiresAt: exp * 1000,
    ...(grant.user ? { user: { ...grant.user } } : {}),
  };
  return { token, identity };
}

/** The grant a refresh mints: the same claims, the same lifetime, the same session start. */
export function refreshGrant(identity: RealtimeIdentity, details: TokenDetails): TokenGrant {
  return {
    issuer: details.issuer,
    accountSid: identity.accountSid,
    workspaceSid: identity.workspaceSid,
    role: identity.role,
    ...(identity.workerSid ? { workerSid: identity.workerSid } : {}),
    ttl: details.expiresAt - details.issuedAt,
    sessionStart: details.sessionStart,
    ...(identity.user ? { user: identity.user } : {}),
  };
}

/**
 * Checks a token of either kind: signature first, then lifetime, then what it grants. It says only
 * who the token stands for; whether the workspace and worker still exist is for the Router, whose
 * every call is scoped by the identity's account.
 * @example const check = await inspectToken(token, authority, Date.now()); if (!check.ok) ws.close(check.code, check.reason);
 */
export async function inspectToken(token: string, authority: TokenAuthority, now: number): Promise<TokenInspection> {
  if (token.length > MAX_TOKEN_LENGTH) return invalid(`The token is longer than ${MAX_TOKEN_LENGTH} characters`);
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch (error) {
    if (!(error instanceof errors.JOSEError) && !(error instanceof TypeError)) throw error;
    return invalid("The token is not a JWT");
  }
  if (header.alg !== "HS256") return invalid("The token must be signed with HS256");
  return header.cty === TWILIO_ACCESS_TOKEN
    ? inspectAccessToken(token, claims, authority, now)
    : inspectSwitchboardToken(token, claims, authority, now);
}

async function signedWith(token: string, key: CryptoKey): Promise<boolean> {
  try {
    await compactVerify(token, key, { algorithms: ["HS256"] });
    return true;
  } catch (error) {
    if (error instanceof errors.JOSEError) return false;
    throw error;
  }
}

const isSeconds = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** `iat`, `exp` and `nbf` against the clock: expired, from the future, or longer than a day is refused. */
function checkTimes(claims: JWTPayload, now: number): { ok: true; iat: number; exp: number } | Refusal {
  const { iat, exp, nbf } = claims;
  if (!isSeconds(iat) || !isSeconds(exp)) return invalid("The token needs numeric iat and exp claims");
  if (exp * 1000 <= now) return invalid(`The token expired at ${iso(exp * 1000)}`);
  if (exp <= iat || exp - iat > MAX_TTL) return invalid("The token's lifetime (exp - iat) must be between 1 second and 24 hours");
  if (iat * 1000 > now + CLOCK_SKEW_SECONDS * 1000) return invalid("The token was issued in the future");
  if (nbf !== undefined && (!isSeconds(nbf) || nbf * 1000 > now + CLOCK_SKEW_SECONDS * 1000))
    return invalid("The token is not valid yet (nbf)");
  return { ok: true, iat, exp };
}

async function inspectAccessToken(token: string, claims: JWTPayload, authority: TokenAuthority, now: number): Promise<TokenInspection> {
  const issuer = claims.iss;
  let genuine: boolean;
  if (issuer === authority.accountSid) {
    genuine = await signedWith(token, await authTokenKey(authority.authToken));
  } else if (isSid("SK", issuer)) {
    const [head, payload, signature] = token.split(".");
    genuine = await authority.verifyApiKeySignature(issuer, `${head}.${payload}`, signature ?? "");
  } else {
    return invalid("The AccessToken's issuer is neither this account's SID nor one of its API keys");
  }
  if (!genuine) return invalid("The AccessToken's signature does not match its issuer's secret");
  const times = checkTimes(claims, now);
  if (!times.ok) return times;
  if (claims.sub !== authority.accountSid) return forbidden("The AccessToken is for another account");

  const grant = isRecord(claims.grants) ? claims.grants.task_router : undefined;
  if (!isRecord(grant)) return forbidden("The AccessToken has no TaskRouter grant");
  const { workspace_sid: workspaceSid, worker_sid: workerSid, role = "worker" } = grant;
  if (!isSid("WS", workspaceSid)) return invalid("The TaskRouter grant needs a workspace_sid (WS…)");
  if (workerSid !== undefined && !isSid("WK", workerSid)) return invalid("The TaskRouter grant's worker_sid must be a WK SID");
  if (!isRole(role)) return forbidden("The TaskRouter grant's role must be worker, supervisor or admin");
  if (role === "worker" && workerSid === undefined) return invalid("A worker's TaskRouter grant needs a worker_sid");

  const identity: RealtimeIdentity = {
    accountSid: authority.accountSid,
    workspaceSid,
    role,
    ...(workerSid !== undefined ? { workerSid } : {}),
    ops: opsFor(role, workerSid),
    expiresAt: times.exp * 1000,
  };
  return { ok: true, identity, details: { kind: "twilio", issuer, issuedAt: times.iat, expiresAt: times.exp, sessionStart: times.iat } };
}

async function inspectSwitchboardToken(
  token: string,
  claims: JWTPayload,
  authority: TokenAuthority,
  now: number,
): Promise<TokenInspection> {
  if (!(await signedWith(token, await signingKey(authority.authToken, authority.accountSid)))) {
    return invalid("The token's signature does not match: it was not minted by this deployment");
  }
  const times = checkTimes(claims, now);
  if (!times.ok) return times;
  if (claims.aud !== AUDIENCE) return invalid("The token is not meant for live connections");
  if (claims.account_sid !== authority.accountSid) return forbidden("The token is for another account");

  const {
    iss: issuer,
    sub: workerSid,
    workspace_sid: workspaceSid,
    role,
    ops,
    auth_time: sessionStart,
    user_sid: userSid,
    session_sid: sessionSid,
  } = claims;
  if (issuer !== authority.accountSid && !isSid("SK", issuer))
    return invalid("The token's issuer is neither this account nor one of its API keys");
  if (!isSid("WS", workspaceSid)) return invalid("The token has no workspace_sid");
  if (!isRole(role)) return forbidden("The token's role must be worker, supervisor or admin");
  if (workerSid !== undefined && !isSid("WK", workerSid)) return invalid("The token's sub must be a worker SID");
  if (role === "worker" && workerSid === undefined) return invalid("A worker's token needs its worker SID in sub");
  if (!Array.isArray(ops) || !ops.every((op) => typeof op === "string")) return invalid("The token's ops must be a list of operations");
  if (!isSeconds(sessionStart) || sessionStart > times.iat || times.exp > sessionStart + MAX_TTL) {
    return invalid("The token's auth_time must be at most 24 hours before it expires");
  }
  if ((userSid !== undefined || sessionSid !== undefined) && !(isSid("US", userSid) && isSid("SE", sessionSid))) {
    return invalid("A user's token needs both user_sid (US…) and session_sid (SE…)");
  }
  if (issuer !== authority.accountSid && !(await authority.apiKeyExists(issuer)))
    return invalid("The API key that asked for this token was deleted");

  // The role bounds the operations: a claim can narrow them, never widen them.
  const identity: RealtimeIdentity = {
    accountSid: authority.accountSid,
    workspaceSid,
    role,
    ...(workerSid !== undefined ? { workerSid } : {}),
    ops: opsFor(role, workerSid).filter((op) => ops.includes(op)),
    expiresAt: times.exp * 1000,
    ...(isSid("US", userSid) && isSid("SE", sessionSid) ? { user: { userSid, sessionSid } } : {}),
  };
  return { ok: true, identity, details: { kind: "switchboard", issuer, issuedAt: times.iat, expiresAt: times.exp, sessionStart } };
}
