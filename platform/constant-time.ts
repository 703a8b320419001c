/**
 * Comparing what a caller presents (a signature, a token, a password hash, a secret) with what we
 * expect, in time that does not depend on where they first differ — so response times never tell an
 * attacker how much of a guess was right. Pure Web Crypto; used by Basic auth, passwords and every
 * channel's webhook verification.
 */

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
