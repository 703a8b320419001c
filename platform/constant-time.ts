/**
 * Comparing what a caller presents (a signature, a token, a password hash, a secret) with what we
 * expect, in time that does not depend on where they first differ — so response times never tell an
 * attacker how much of a guess was right; and the hex digests most of them are compared with. Pure Web
 * Crypto; used by Basic auth, passwords and every channel's webhook verification and signed links.
 */

import { hmacKey } from "./hmac-keys";

const encoder = new TextEncoder();

/**
 * Equal bytes. Lengths are compared first: only for values whose length is not secret (hashes).
 * @example sameBytes(derivedHash, storedHash)
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Equal strings, in time that depends only on `expected`'s length (a length mismatch still costs a full pass).
 * @example sameText(request.headers.get("X-Twilio-Signature") ?? "", expectedSignature)
 */
export function sameText(presented: string, expected: string): boolean {
  let difference = presented.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    difference |= expected.charCodeAt(i) ^ (i < presented.length ? presented.charCodeAt(i) : 0);
  }
  return difference === 0;
}

/**
 * Equal secrets of any length: both are hashed first, which equalizes their lengths.
 * @example if (!(await sameSecret(given.password, env.AUTH_TOKEN))) throw unauthorized();
 */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return sameBytes(new Uint8Array(x), new Uint8Array(y));
}

const hex = (bytes: ArrayBuffer): string => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
const bytesOf = (data: Uint8Array | string): Uint8Array => (typeof data === "string" ? encoder.encode(data) : data);

/**
 * The hex HMAC-SHA256 of `data`: Meta's and the custom channel's signatures, our signed media links.
 * @example sameText(presented, await hmacSha256Hex(appSecret, rawBody))
 */
export async function hmacSha256Hex(secret: string, data: Uint8Array | string): Promise<string> {
  return hex(await crypto.subtle.sign("HMAC", await hmacKey(secret, "SHA-256"), bytesOf(data)));
}

/** The hex SHA-256 of `data`, a stable name for content that brings none. @example await sha256Hex(rawMail) */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", bytesOf(data)));
}
