/**
 * Checks on what clients send, shared by the Router's operations. The Worker validates types first;
 * these run again inside the Durable Object because an RPC caller could be anything, and they answer
 * `invalid("<Parameter>", …)` — a value, never a throw — naming the parameter as the client spelled it.
 */
import type { Attributes } from "../expression";
import { invalid, ok, type ApiResult } from "../../common/rpc";

/** Largest Attributes document, in UTF-8 bytes, whitespace included. */
export const MAX_ATTRIBUTES_BYTES = 16 * 1024;
export const MAX_FRIENDLY_NAME_LENGTH = 255;
export { MAX_PRIORITY } from "../../common/task-limits";

const describe = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** An `Attributes` parameter: JSON text of an object, at most 16 KB. */
export function checkAttributes(value: unknown, param = "Attributes"): ApiResult<{ text: string; value: Attributes }> {
  if (typeof value !== "string") return invalid(param, `must be a string of JSON, got ${describe(value)}`);
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > MAX_ATTRIBUTES_BYTES) return invalid(param, `must be at most ${MAX_ATTRIBUTES_BYTES} bytes of JSON, got ${bytes}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return invalid(param, "must be valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return invalid(param, "must be a JSON object");
  return ok({ text: value, value: parsed as Attributes });
}

export function checkFriendlyName(value: unknown, param = "FriendlyName"): ApiResult<string> {
  if (typeof value !== "string") return invalid(param, `must be a string, got ${describe(value)}`);
  if (value.trim() === "") return invalid(param, "must not be empty");
  if (value.length > MAX_FRIENDLY_NAME_LENGTH)
    return invalid(param, `must be at most ${MAX_FRIENDLY_NAME_LENGTH} characters, got ${value.length}`);
  return ok(value);
}

export function checkInteger(value: unknown, param: string, min: number, max: number): ApiResult<number> {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return invalid(param, `must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return ok(value);
}

export function checkBoolean(value: unknown, param: string): ApiResult<boolean> {
  return typeof value === "boolean" ? ok(value) : invalid(param, `must be true or false, got ${describe(value)}`);
}

export function checkString(value: unknown, param: string): ApiResult<string> {
  return typeof value === "string" ? ok(value) : invalid(param, `must be a string, got ${describe(value)}`);
}

/** A date parameter as epoch ms (the Worker parses ISO 8601). */
export function checkDate(value: unknown, param: string): ApiResult<number> {
  return typeof value === "number" && Number.isFinite(value) ? ok(value) : invalid(param, `must be a date, got ${describe(value)}`);
}

/**
 * An `Ordering` parameter: `Field:asc|desc`, comma-separated, fields from `allowed` (Twilio's names).
 * @example checkOrdering("Priority:desc,DateCreated:asc", { Priority: "priority", DateCreated: "created_at" })
 * // ok([["priority", "desc"], ["created_at", "asc"]])
 */
export function checkOrdering<C extends string>(
  value: unknown,
  allowed: Readonly<Record<string, C>>,
  param = "Ordering",
): ApiResult<[C, "asc" | "desc"][]> {
  if (typeof value !== "string") return invalid(param, `must be a string, got ${describe(value)}`);
  const out: [C, "asc" | "desc"][] = [];
  for (const part of value.split(",")) {
    const match = /^\s*([A-Za-z]+)\s*(?::\s*(asc|desc)\s*)?$/i.exec(part);
    const column = match ? allowed[match[1]!] : undefined;
    if (!match || column === undefined) {
      return invalid(param, `must be ${Object.keys(allowed).join(", ")} with :asc or :desc, comma-separated, got ${describe(value)}`);
    }
    out.push([column, (match[2]?.toLowerCase() ?? "asc") as "asc" | "desc"]);
  }
  return ok(out);
}
