/**
 * Identities the team's own site vouches for: a web visitor who is signed in on the team's site gets
 * a short-lived JWT from the team's backend, signed with one of the account's API keys, and the widget
 * hands it to `POST …/sessions` as `identity`. Only such an identity links a visitor to the customer
 * profile holding that email or phone (their history, their known agent); what a visitor types in the
 * pre-chat form is never more than a claim, shown to agents as unverified.
 *
 * The token: HS256, header `kid` = the API key's `SK…` SID, `aud` = `switchboard:webchat` (so an
 * agent's SSO token, audience `switchboard`, is never a visitor identity), `email` and/or `phone` (E.164),
 * optional `name`, `iat` and `exp` at most an hour apart. The signature is checked by the caller's
 * `verifySignature` (the AccountDO, which keeps the keys' secrets sealed), so this module stays pure.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";
import { isSid } from "../../durable-objects/common/taskrouter";
import { readPrechat } from "./visitor-session";

/** The audience of visitor identities, distinct from SSO's `switchboard`. */
export const IDENTITY_AUDIENCE = "switchboard:webchat";
/** The longest an identity may live (exp − iat, seconds): it sits in a web page. */
export const IDENTITY_MAX_LIFETIME = 3600;
const CLOCK_SKEW = 60;
const MAX_TOKEN_LENGTH = 8192;

/** Who the team's site says the visitor is; email lower-cased. */
export interface VerifiedIdentity {
  readonly email?: string;
  readonly phone?: string;
  readonly name?: string;
}

export type IdentityCheck = { readonly ok: true; readonly identity: VerifiedIdentity } | { readonly ok: false; readonly reason: string };

/** Checks `signature` over `signingInput` with the secret of API key `kid`. */
export type VerifySignature = (kid: string, signingInput: string, signature: string) => Promise<boolean>;

/**
 * Reads and checks an identity token at `now` (ms): header, audience, lifetime, the claims' shapes,
 * then the signature. The reason of a refusal names the problem, never a secret.
 * @example const check = await verifyVisitorIdentity(token, (kid, input, sig) => account.verifyApiKeySignature(kid, input, sig), Date.now());
 */
export async function verifyVisitorIdentity(token: string, verifySignature: VerifySignature, now: number): Promise<IdentityCheck> {
  const refuse = (reason: string): IdentityCheck => ({ ok: false, reason });
  if (token.length > MAX_TOKEN_LENGTH) return refuse(`it is longer than ${MAX_TOKEN_LENGTH} characters`);
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    return refuse("not a JWT");
  }
  if (header.alg !== "HS256") return refuse("it must be signed with HS256");
  if (!isSid("SK", header.kid)) return refuse("its header needs kid = the SID of the API key that signed it (SK…)");
  const { aud, iat, exp } = claims;
  const seconds = now / 1000;
  if (aud !== IDENTITY_AUDIENCE && !(Array.isArray(aud) && aud.includes(IDENTITY_AUDIENCE)))
    return refuse(`aud must be "${IDENTITY_AUDIENCE}"`);
  if (typeof iat !== "number" || typeof exp !== "number") return refuse("it needs numeric iat and exp");
  if (exp <= seconds) return refuse("it expired");
  if (iat > seconds + CLOCK_SKEW) return refuse("it was issued in the future");
  if (exp <= iat || exp - iat > IDENTITY_MAX_LIFETIME)
    return refuse(`exp must be after iat and at most ${IDENTITY_MAX_LIFETIME} seconds after it`);
  const details = readPrechat({ name: claims.name, email: claims.email, phone: claims.phone });
  if (!details.ok) return refuse(details.message);
  const email = details.details.email ?? undefined;
  const phone = details.details.phone ?? undefined;
  const name = details.details.name ?? undefined;
  if (email === undefined && phone === undefined) return refuse("it must name the customer's email or phone");
  const [head, payload, signature] = token.split(".");
  if (!(await verifySignature(header.kid, `${head}.${payload}`, signature ?? ""))) {
    return refuse("the signature does not match the secret of API key kid");
  }
  return {
    ok: true,
    identity: {
      ...(email === undefined ? {} : { email }),
      ...(phone === undefined ? {} : { phone }),
      ...(name === undefined ? {} : { name }),
    },
  };
}

/** Whether two identities name the same customer (same email and phone). */
export const sameCustomer = (a: VerifiedIdentity | null, b: VerifiedIdentity | null): boolean =>
  (a?.email ?? null) === (b?.email ?? null) && (a?.phone ?? null) === (b?.phone ?? null);
