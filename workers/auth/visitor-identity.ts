/**
 * Identities the team's own site vouches for: a web visitor who is signed in on the team's site gets
 * a short-lived JWT from the team's backend, signed with one of the account's API keys, and the widget
 * hands it to `POST …/sessions` as `identity`. Only such an identity links a visitor to the customer
 * profile holding that email or phone (their history, their known agent); what a visitor types in the
 * pre-chat form is never more than a claim, shown to agents as unverified.
 *
 * The token: HS256, header `kid` = the API key's `SK…` SID, `aud` = `switchboard:webchat` (so an
 * agent's SSO token, audience `switchboard`, is never a visitor identity), `email` and/or `phone` (E.164),
 * optional `name`, `iat` and `exp` at most an hour apart — checked like an SSO token (api-key-jwt.ts).
 */
import { verifyApiKeyJwt, type VerifySignature } from "./api-key-jwt";
import { readPrechat, type VerifiedIdentity } from "./visitor-session";

/** The audience of visitor identities, distinct from SSO's `switchboard`. */
export const IDENTITY_AUDIENCE = "switchboard:webchat";
/** The longest an identity may live (exp − iat, seconds): it sits in a web page. */
export const IDENTITY_MAX_LIFETIME = 3600;
const MAX_TOKEN_LENGTH = 8192;

export type IdentityCheck = { readonly ok: true; readonly identity: VerifiedIdentity } | { readonly ok: false; readonly reason: string };

/**
 * Reads and checks an identity token at `now` (ms): header, audience, lifetime, the claims' shapes,
 * then the signature. The reason of a refusal names the problem, never a secret.
 * @example const check = await verifyVisitorIdentity(token, (kid, input, sig) => account.verifyApiKeySignature(kid, input, sig), Date.now());
 */
export async function verifyVisitorIdentity(token: string, verifySignature: VerifySignature, now: number): Promise<IdentityCheck> {
  const rules = { audience: IDENTITY_AUDIENCE, maxLifetime: IDENTITY_MAX_LIFETIME, maxLength: MAX_TOKEN_LENGTH };
  const check = await verifyApiKeyJwt(token, rules, verifySignature, now);
  if (!check.ok) return check;
  const { claims } = check;
  const details = readPrechat({ name: claims.name, email: claims.email, phone: claims.phone });
  if (!details.ok) return { ok: false, reason: details.message };
  const email = details.details.email ?? undefined;
  const phone = details.details.phone ?? undefined;
  const name = details.details.name ?? undefined;
  if (email === undefined && phone === undefined) return { ok: false, reason: "it must name the customer's email or phone" };
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
