/**
 * API key secrets: how they are made, stored and checked. A secret is 32 random bytes (base64url, 43
 * characters), shown once at creation; only its SHA-256 is stored, so a leaked database does not leak
 * working credentials. Verification hashes the presented secret and compares hashes in constant time,
 * and does the same work for an unknown key SID, so timing tells nothing about which keys exist.
 */

const encoder = new TextEncoder();

/** A fresh secret: 32 random bytes, base64url without padding. */
export function newSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** SHA-256 of the secret's UTF-8 bytes: what is stored. */
export async function hashSecret(secret: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(secret));
}

/** A stand-in hash for unknown key SIDs, so they cost the same comparison as known ones. */
const NO_KEY = new Uint8Array(32).buffer;

/**
 * Whether `secret` hashes to `stored`, compared in constant time; `stored` undefined (no such key)
 * still costs a hash and a comparison, and answers false.
 */
export async function secretMatches(secret: string, stored: ArrayBuffer | undefined): Promise<boolean> {
  const presented = await hashSecret(secret);
  const expected = stored !== undefined && stored.byteLength === presented.byteLength ? stored : NO_KEY;
  const same = crypto.subtle.timingSafeEqual(presented, expected);
  return same && stored !== undefined && expected === stored;
}
