/**
 * The shape of a SID — two letters naming the kind and 32 lowercase hex digits, never reused — without
 * zod, so the browser bundles that only need to tell or mint a SID (the desk's transcript, the widget)
 * don't carry zod with it. The branded parses are `Sids` in ./ids.ts.
 */

/**
 * A new SID of the kind `prefix` names: 128 random bits.
 * @example newSid("WT") // "WT3f9c…" (34 characters)
 */
export function newSid(prefix: string): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return prefix + hex;
}

/**
 * Whether `value` is a SID of the kind `prefix` names.
 * @example isSid("CH", "CH" + "0".repeat(32)) // true
 */
export function isSid(prefix: string, value: unknown): value is string {
  return typeof value === "string" && value.length === 34 && value.startsWith(prefix) && /^[0-9a-f]{32}$/.test(value.slice(2));
}
