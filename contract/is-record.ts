/**
 * A JSON object — not null, not an array: the one guard the parsers of untrusted JSON (frames, webhook
 * bodies, flow definitions, workflow configurations, stored attributes) narrow with, on both sides.
 *
 * @example
 * const body: unknown = JSON.parse(text);
 * if (isRecord(body) && typeof body.sid === "string") use(body.sid);
 */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
