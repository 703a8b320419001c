/**
 * Sessions of anonymous web chat visitors: the only credential a widget on a team's site holds.
 *
 * A session is an HS256 JWT signed with a key derived from the account's auth token by HKDF with the
 * info `webchat:<channel SID>`, so a session minted for one channel can never pass for another (its
 * signature does not even check), and no web chat session can pass for an agent's token (those use
 * another derivation, see realtime-token.ts). Claims: `sub` the visitor ID (`WV` + 32 hex), `ws`, `xc`,
 * what the pre-chat form said (`name`, `email`, `phone`: the visitor's word, never proof of who they
 * are), `idv` — the identity the team's site signed (visitor-identity.ts), when there was one — `iat`,
 * `exp` (30 days, renewed on every visit), and where the visitor's messages go without asking the
 * workspace's home region: `cv` their open conversation, or for a new visitor the one their first message
 * will open, with `pr` the SID their profile will have (webchat-direct.ts).
 *
 * Pure apart from Web Crypto and jose: the Worker passes the auth token, tests run it in plain Node.
 */
import { SignJWT, errors, jwtVerify, type CryptoKey } from "jose";
import { isSid, newSid } from "../../contract/ids";

/** Who the team's site says the visitor is (visitor-identity.ts checks its signature); email lower-cased. */
export interface VerifiedIdentity {
  readonly email?: string;
  readonly phone?: string;
  readonly name?: string;
}

/** How long a session lasts since the visitor's last visit, in seconds. */
export const SESSION_TTL_SECONDS = 30 * 86_400;
/** The audience of every visitor session: the web chat routes, nothing else. */
export const SESSION_AUDIENCE = "switchboard:webchat";
const MAX_TOKEN_LENGTH = 4096;

/** What the pre-chat form may tell about the visitor: unverified. */
export interface VisitorDetails {
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
}

/**
 * Where the visitor's messages go straight: `conversationSid`, their open conversation; with
 * `newProfileSid` too, a new visitor's conversation that their first message opens (nothing about them
 * is in the directory yet, so what it would answer is known: a new profile of this SID, no history).
 */
export interface VisitorConversation {
  readonly conversationSid: string | null;
  readonly newProfileSid: string | null;
}

/** A verified session. Times in ms since epoch. */
export interface VisitorSession extends VisitorDetails, VisitorConversation {
  /** Who the team's site said the visitor is (a signed identity), or null for an anonymous visitor. */
  readonly identified: VerifiedIdentity | null;
  readonly visitorId: string;
  readonly workspaceSid: string;
  readonly channelSid: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** A token refused: 4401 when it is not a valid session at all, 4403 when it is one for somewhere else. */
export type SessionCheck =
  { readonly ok: true; readonly session: VisitorSession } | { readonly ok: false; readonly code: 4401 | 4403; readonly reason: string };

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A fresh visitor ID: `WV` + 32 hex, never reused. */
export const newVisitorId = (): string => newSid("WV");

/** The channel's session key: HKDF-SHA256 of the auth token, bound to the channel. */
async function sessionKey(authToken: string, channelSid: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", utf8(authToken), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: utf8("switchboard"), info: utf8(`webchat:${channelSid}`) },
    material,
    256,
  );
  return crypto.subtle.importKey("raw", bits, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/**
 * Signs a session for a visitor of a channel, valid {@link SESSION_TTL_SECONDS} from `now`.
 * @example const { token } = await mintVisitorSession(env.AUTH_TOKEN, { visitorId: newVisitorId(), workspaceSid, channelSid, name: "Ada", email: null, phone: null }, Date.now())
 */
export async function mintVisitorSession(
  authToken: string,
  visitor: VisitorDetails & {
    readonly visitorId: string;
    readonly workspaceSid: string;
    readonly channelSid: string;
    readonly identified?: VerifiedIdentity | null;
  } & Partial<VisitorConversation>,
  now: number,
): Promise<{ token: string; session: VisitorSession }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + SESSION_TTL_SECONDS;
  const identified = visitor.identified ?? null;
  const claims: Record<string, string | VerifiedIdentity> = { ws: visitor.workspaceSid, xc: visitor.channelSid };
  if (visitor.name !== null) claims.name = visitor.name;
  if (visitor.email !== null) claims.email = visitor.email;
  if (visitor.phone !== null) claims.phone = visitor.phone;
  if (identified !== null) claims.idv = identified;
  const conversationSid = visitor.conversationSid ?? null;
  const newProfileSid = conversationSid === null ? null : (visitor.newProfileSid ?? null);
  if (conversationSid !== null) claims.cv = conversationSid;
  if (newProfileSid !== null) claims.pr = newProfileSid;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(visitor.visitorId)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await sessionKey(authToken, visitor.channelSid));
  return { token, session: { ...visitor, identified, conversationSid, newProfileSid, issuedAt: iat * 1000, expiresAt: exp * 1000 } };
}

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** The `idv` claim as this module wrote it: an object of email, phone and name strings, one of the first two set. */
function identityClaim(value: unknown): VerifiedIdentity | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const claim = value as Record<string, unknown>;
  const [email, phone, name] = [text(claim.email), text(claim.phone), text(claim.name)];
  if (email === null && phone === null) return null;
  return { ...(email === null ? {} : { email }), ...(phone === null ? {} : { phone }), ...(name === null ? {} : { name }) };
}

/**
 * Checks a session token for this workspace's channel: signature (under the channel's own key),
 * lifetime, audience, and that its claims name this workspace and channel.
 * @example const check = await verifyVisitorSession(env.AUTH_TOKEN, { workspaceSid, channelSid }, token, Date.now())
 */
export async function verifyVisitorSession(
  authToken: string,
  where: { readonly workspaceSid: string; readonly channelSid: string },
  token: string,
  now: number,
): Promise<SessionCheck> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, code: 4401, reason: "The session token is too long" };
  let payload: Record<string, unknown>;
  try {
    const verified = await jwtVerify(token, await sessionKey(authToken, where.channelSid), {
      algorithms: ["HS256"],
      audience: SESSION_AUDIENCE,
      currentDate: new Date(now),
      requiredClaims: ["sub", "iat", "exp"],
    });
    payload = verified.payload;
  } catch (error) {
    if (!(error instanceof errors.JOSEError) && !(error instanceof TypeError)) throw error;
    const reason = error instanceof errors.JWTExpired ? "The session expired" : "The session token is not valid for this channel";
    return { ok: false, code: 4401, reason };
  }
  // Only this deployment can sign with the channel's key; the claims are checked all the same.
  if (payload.ws !== where.workspaceSid || payload.xc !== where.channelSid) {
    return { ok: false, code: 4403, reason: "The session belongs to another channel" };
  }
  if (!isSid("WV", payload.sub)) return { ok: false, code: 4401, reason: "The session names no visitor" };
  return {
    ok: true,
    session: {
      visitorId: payload.sub,
      workspaceSid: where.workspaceSid,
      channelSid: where.channelSid,
      name: text(payload.name),
      email: text(payload.email),
      phone: text(payload.phone),
      identified: identityClaim(payload.idv),
      // Only this deployment signs these; a value of another shape is read as absent all the same.
      conversationSid: isSid("CH", payload.cv) ? payload.cv : null,
      newProfileSid: isSid("CH", payload.cv) && isSid("PR", payload.pr) ? payload.pr : null,
      issuedAt: Number(payload.iat) * 1000,
      expiresAt: Number(payload.exp) * 1000,
    },
  };
}

/** The outcome of reading a pre-chat form: the details, or the field that is wrong and why. */
export type PrechatCheck =
  | { readonly ok: true; readonly details: Partial<VisitorDetails> }
  | { readonly ok: false; readonly field: "name" | "email" | "phone"; readonly message: string };

const EMAIL = /^[^\s@<>()[\],;:"]{1,64}@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Validates what a pre-chat form sent: name ≤ 100 characters, an email address's shape, a phone in
 * E.164. Absent or empty fields are left out; values are trimmed.
 * @example readPrechat({ name: " Ada ", email: "ada@example.com" }) // { ok: true, details: { name: "Ada", email: "ada@example.com" } }
 */
export function readPrechat(input: { readonly name?: unknown; readonly email?: unknown; readonly phone?: unknown }): PrechatCheck {
  const details: { name?: string; email?: string; phone?: string } = {};
  for (const field of ["name", "email", "phone"] as const) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") return { ok: false, field, message: `${field} must be a string` };
    const trimmed = value.trim();
    if (trimmed === "") continue;
    if (field === "name" && trimmed.length > 100) return { ok: false, field, message: "name must be at most 100 characters" };
    if (field === "email" && (trimmed.length > 254 || !EMAIL.test(trimmed)))
      return { ok: false, field, message: "email must be an address like name@example.com" };
    if (field === "phone" && !E164.test(trimmed)) return { ok: false, field, message: "phone must be in E.164 form, like +15551234567" };
    details[field] = field === "email" ? trimmed.toLowerCase() : trimmed;
  }
  return { ok: true, details };
}
