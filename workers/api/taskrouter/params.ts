/**
 * Twilio-style request parameters: PascalCase names, form-encoded bodies (JSON accepted too), values
 * that arrive as strings. The builders here describe each parameter once as a zod schema that both
 * validates the request (a 400 naming the parameter) and documents it in /openapi.json.
 */
import { z } from "zod";
import { regions } from "../../../platform/regions";

/** Parameters that may repeat (`AssignmentStatus=pending&AssignmentStatus=reserved`). */
const repeatedSchemas = new WeakSet<z.ZodType>();

export function isRepeated(schema: z.ZodType): boolean {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return repeatedSchemas.has(inner);
}

/** A string parameter, optionally bounded in length. */
export function str(options: { min?: number; max?: number } = {}) {
  let schema = z.string();
  if (options.min !== undefined) schema = schema.min(options.min, `must be at least ${options.min} characters`);
  if (options.max !== undefined) schema = schema.max(options.max, `must be at most ${options.max} characters`);
  return schema;
}

/** An integer in [min, max], given as a number (JSON) or its decimal text (form). */
export function int(min: number, max: number) {
  const range = `must be an integer from ${min} to ${max}`;
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === "number" ? v : /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({ code: "custom", message: range });
    return z.NEVER;
  });
}

/** Twilio's booleans: `true`, `1`, `yes` (any case) are true; anything else is false. */
export function bool() {
  return z
    .union([z.boolean(), z.string()])
    .transform((v) => (typeof v === "boolean" ? v : ["true", "1", "yes"].includes(v.trim().toLowerCase())));
}

/**
 * A boolean that must be spelled out — `true` or `false` (any case), or a JSON boolean — for switches
 * where Twilio's reading of anything else as false would turn a safeguard off on a typo.
 */
export function strictBool() {
  return z.union([z.boolean(), z.string()]).transform((v, ctx) => {
    if (typeof v === "boolean") return v;
    const word = v.trim().toLowerCase();
    if (word === "true" || word === "false") return word === "true";
    ctx.addIssue({ code: "custom", message: "must be true or false" });
    return z.NEVER;
  });
}

/**
 * Switchboard's `Region` parameter: the id of one of the deployment's regions (regions.json), or a 400
 * naming it and every region there is.
 */
export function region(what: string) {
  const known = regions.regions.map((r) => r.id);
  return z
    .string()
    .refine((v) => known.includes(v), { error: `must be one of this deployment's regions: ${known.join(", ")}` })
    .describe(`Switchboard only. ${what}: one of ${known.join(", ")}`);
}

/** One of a fixed set of values, compared exactly. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(", ")}` });
}

/** An ISO 8601 date-time, returned as epoch milliseconds. */
export function date() {
  return z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), {
      message: "must be an ISO 8601 date, e.g. 2026-01-31T12:00:00Z",
    })
    .transform((v) => Date.parse(v));
}

/** A JSON object carried as a string (Twilio's `Attributes`), at most `maxBytes` of UTF-8. */
export function jsonObject(maxBytes: number) {
  return z.string().transform((text, ctx) => {
    if (new TextEncoder().encode(text).length > maxBytes) {
      ctx.addIssue({ code: "custom", message: `must be at most ${maxBytes} bytes of JSON` });
      return z.NEVER;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be valid JSON" });
      return z.NEVER;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: "must be a JSON object" });
      return z.NEVER;
    }
    return value as Record<string, unknown>;
  });
}

/** An absolute http(s) URL. */
export function url() {
  return z.string().refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    },
    { message: "must be an absolute http or https URL" },
  );
}

/** A parameter that may be given several times; its value is the list. */
export function repeated<T extends z.ZodType>(item: T) {
  const schema = z.array(item);
  repeatedSchemas.add(schema);
  return schema;
}

/** A SID with its two-letter prefix. */
export function sid(prefix: string) {
  return z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a ${prefix} SID (${prefix} followed by 32 hex digits)`);
}

/** Paging parameters every list endpoint takes. */
export const paging = {
  PageSize: int(1, 1000).optional(),
  Page: int(0, 1_000_000).optional(),
  PageToken: str({ max: 512 }).optional(),
};
