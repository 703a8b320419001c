/**
 * Switchboard's IDs, as Twilio shapes them: a two-letter prefix naming the kind of thing (WS
 * workspace, WT task, WK worker, WR reservation, CH conversation, ME media …) and 32 lowercase hex
 * digits, never reused. Shared by the browser and the server.
 */

/** SIDs: two-letter prefix + 32 lowercase hex, never reused. */
export function newSid(prefix: string): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return prefix + hex;
}

export function isSid(prefix: string, value: unknown): value is string {
  return typeof value === "string" && value.length === 34 && value.startsWith(prefix) && /^[0-9a-f]{32}$/.test(value.slice(2));
}
