/**
 * HMAC keys imported once per secret in an isolate: every signed webhook (Twilio's HMAC-SHA1, Meta's and
 * the custom channel's HMAC-SHA256), every signed media link and every callback Switchboard signs would
 * otherwise import its channel's or account's secret again, a WebCrypto call of its own each time. The
 * secrets are the ones already in memory (the channel configuration's cached copy, the account's token);
 * a key is only ever used to sign. At most {@link MAX_KEYS} are kept, the least recently used going first.
 */

import { IsolateCache } from "./isolate-cache";

/** The hashes Switchboard signs with. */
export type HmacHash = "SHA-1" | "SHA-256";

/** Keys kept per isolate. */
export const MAX_KEYS = 256;

/** An imported key, as WebCrypto answers it (typed from the call: the Node and workerd typings differ). */
type ImportedKey = ReturnType<typeof crypto.subtle.importKey>;

/** Never stale (a changed secret is another key): a key stays until newer ones push it out. */
const keys = new IsolateCache<ImportedKey>(Infinity, MAX_KEYS);
const encoder = new TextEncoder();

/**
 * The signing key of `secret` for HMAC with `hash`: imported the first time, the same key after that
 * (an import that fails is not kept).
 *
 * @example const mac = await crypto.subtle.sign("HMAC", await hmacKey(authToken, "SHA-1"), payload);
 */
export function hmacKey(secret: string, hash: HmacHash): ImportedKey {
  const id = `${hash}:${secret}`;
  const kept = keys.get(id, 0);
  if (kept !== undefined) return kept;
  const key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  key.catch(() => keys.delete(id));
  keys.set(id, key, 0);
  return key;
}
