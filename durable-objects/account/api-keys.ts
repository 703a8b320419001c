/**
 * API key secrets: how they are made, stored and checked. A secret is 32 random bytes (base64url, 43
 * characters), shown once at creation. HTTP Basic checks it against its SHA-256: verification hashes the
 * presented secret and compares hashes in constant time, and does the same work for an unknown key SID,
 * so timing tells nothing about which keys exist. For AccessTokens signed with the key, the secret is
 * also stored sealed under a key derived from the auth token (below), so a leaked database alone does
 * not leak working credentials.
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

// ── sealed secrets, for signatures made with a key ────────────────────────────────────────────────────
//
// A Twilio AccessToken signed with an API key can only be checked with the key's secret, which the
// hash cannot give back. So the secret is also kept sealed: AES-256-GCM under a key derived (HKDF) from
// the deployment's auth token, a Worker secret that is never in storage, with the key's SID as
// associated data so a sealed secret cannot be moved to another key's row. A leaked database alone
// still leaks no working credential. Rotating the auth token leaves old seals unopenable: those keys
// keep working for HTTP Basic (the hash) but must be re-created to sign AccessTokens.

const IV_BYTES = 12;

async function sealingKey(authToken: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(authToken), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("switchboard"), info: encoder.encode("api-key-secret/v1") },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** The secret sealed for storage: a random 12-byte IV followed by the AES-GCM ciphertext and tag. */
export async function sealSecret(secret: string, authToken: string, keySid: string): Promise<ArrayBuffer> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(keySid) },
    await sealingKey(authToken),
    encoder.encode(secret),
  );
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return out.buffer;
}

/** The sealed secret, or null when it does not open (sealed under another auth token, or altered). */
export async function openSecret(sealed: ArrayBuffer, authToken: string, keySid: string): Promise<string | null> {
  const bytes = new Uint8Array(sealed);
  if (bytes.length <= IV_BYTES) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: encoder.encode(keySid) },
      await sealingKey(authToken),
      bytes.slice(IV_BYTES),
    );
    return new TextDecoder().decode(plain);
  } catch (error) {
    // Web Crypto reports a failed authentication tag as an OperationError; anything else is a bug.
    if (error instanceof Error && error.name === "OperationError") return null;
    throw error;
  }
}

/** Decodes base64url (no padding), or null when it is not. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Whether `signature` is the HMAC-SHA256 of `data` keyed by `secret` (Web Crypto compares in constant time). */
export async function hmacMatches(secret: string, data: string, signature: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", key, signature, encoder.encode(data));
}
