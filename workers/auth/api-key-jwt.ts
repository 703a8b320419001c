/**
 * JWTs that a team's own backend signs with one of the account's API keys: an agent's SSO token
 * (`POST /api/auth/sso`) and a signed-in web visitor's identity (`POST …/sessions`). Both are HS256 with
 * header `kid` = the API key's `SK…` SID, an audience of their own (so one can never pass for the
 * other), and `iat`/`exp` at most a short lifetime apart. The claims are checked here; the signature by
 * the caller's `verifySignature` (the AccountDO, which keeps the keys' secrets sealed), so this module
 * stays pure. A refusal names the problem, never a secret.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";
import { isSid } from "../../contract/ids";
import { iso } from "../../contract/taskrouter";

/** How far in our future a token may say it was issued (clocks differ), in seconds. */
const CLOCK_SKEW = 60;

/** Checks `signature` over `signingInput` with the secret of API key `kid`. */
export type VerifySignature = (kid: string, signingInput: string, signature: string) => Promise<boolean>;

export interface ApiKeyJwtRules {
  /** The `aud` the token must carry (or include). */
  readonly audience: string;
  /** The longest `exp − iat`, in seconds. */
  readonly maxLifetime: number;
  /** The longest token, in characters. */
  readonly maxLength?: number;
}

export type ApiKeyJwtCheck = { readonly ok: true; readonly claims: JWTPayload } | { readonly ok: false; readonly reason: string };

/**
 * Reads and checks a token at `now` (ms): header, audience, lifetime, then the signature.
 * @example
 * const check = await verifyApiKeyJwt(token, { audience: "switchboard", maxLifetime: 600 }, account.verifyApiKeySignature, Date.now());
 * if (!check.ok) throw new ApiError(401, 20003, `SSO token refused: ${check.reason}`);
 */
export async function verifyApiKeyJwt(
  token: string,
  rules: ApiKeyJwtRules,
  verifySignature: VerifySignature,
  now: number,
): Promise<ApiKeyJwtCheck> {
  const refuse = (reason: string): ApiKeyJwtCheck => ({ ok: false, reason });
  if (rules.maxLength !== undefined && token.length > rules.maxLength) return refuse(`it is longer than ${rules.maxLength} characters`);
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
  if (aud !== rules.audience && !(Array.isArray(aud) && aud.includes(rules.audience))) return refuse(`aud must be "${rules.audience}"`);
  if (typeof iat !== "number" || typeof exp !== "number") return refuse("it needs numeric iat and exp");
  if (exp <= seconds) return refuse(`it expired at ${iso(exp * 1000)}`);
  if (iat > seconds + CLOCK_SKEW) return refuse("it was issued in the future");
  if (exp <= iat || exp - iat > rules.maxLifetime) return refuse(`exp must be after iat and at most ${rules.maxLifetime} seconds after it`);
  const [head, payload, signature] = token.split(".");
  if (!(await verifySignature(header.kid, `${head}.${payload}`, signature ?? ""))) {
    return refuse("the signature does not match the secret of API key kid");
  }
  return { ok: true, claims };
}
