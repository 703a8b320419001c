/**
 * The Split Based On… widget's operators (Studio's condition `type`s), on the rendered input and value.
 * Text comparisons ignore case and surrounding spaces, so "Yes " matches "yes" as a customer means it;
 * `regex` is the exception: it runs as written, case and all.
 * Numbers, times and dates that do not parse match nothing — a split never throws, it falls to noMatch.
 *
 * Times: "14:30", "2:30 PM" or an ISO date-time (its clock time as written). Dates: "2026-12-07" (or an
 * ISO date-time's date) or Studio's US "12/07/2026".
 */
import type { Operator } from "./catalogue";

const fold = (text: string) => text.trim().toLowerCase();

/**
 * Whether `input` satisfies one condition.
 * @example
 * holds("matches_any_of", " YES", "yes,y,sure"); // true
 * holds("less_than", "9", "10"); // true (numbers, not text)
 */
export function holds(operator: Operator, input: string, value: string): boolean {
  switch (operator) {
    case "equal_to":
      return fold(input) === fold(value);
    case "not_equal_to":
      return fold(input) !== fold(value);
    case "matches_any_of":
      return anyOf(value).includes(fold(input));
    case "does_not_match_any_of":
      return !anyOf(value).includes(fold(input));
    case "is_blank":
      return input.trim() === "";
    case "is_not_blank":
      return input.trim() !== "";
    case "regex":
      return regex(value)?.test(input) ?? false;
    case "contains":
      return fold(input).includes(fold(value));
    case "does_not_contain":
      return !fold(input).includes(fold(value));
    case "starts_with":
      return fold(input).startsWith(fold(value));
    case "does_not_start_with":
      return !fold(input).startsWith(fold(value));
    case "less_than":
      return compare(number(input), number(value)) === -1;
    case "greater_than":
      return compare(number(input), number(value)) === 1;
    case "is_before_time":
      return compare(minutes(input), minutes(value)) === -1;
    case "is_after_time":
      return compare(minutes(input), minutes(value)) === 1;
    case "is_before_date":
      return compare(day(input), day(value)) === -1;
    case "is_after_date":
      return compare(day(input), day(value)) === 1;
    default: {
      const unknown: never = operator;
      return unknown;
    }
  }
}

/** "1, billing,,Bill" → ["1", "billing", "bill"]. */
const anyOf = (value: string) =>
  value
    .split(",")
    .map(fold)
    .filter((item) => item !== "");

function regex(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    return null; // The validator refuses literal bad patterns; one rendered from a template matches nothing.
  }
}

/** −1, 0, 1, or null when either side did not parse. */
function compare(a: number | null, b: number | null): -1 | 0 | 1 | null {
  if (a === null || b === null) return null;
  return a < b ? -1 : a > b ? 1 : 0;
}

function number(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}

/** Seconds since midnight of a clock time or an ISO date-time's time, or null. */
function minutes(text: string): number | null {
  const trimmed = text.trim();
  const clock =
    /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$/i.exec(trimmed) ??
    /^\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})(?::(\d{2}))?()/.exec(trimmed);
  if (!clock) return null;
  let hours = Number(clock[1]);
  const mins = Number(clock[2]);
  const secs = Number(clock[3] ?? 0);
  const half = clock[4]?.toLowerCase().replaceAll(".", "");
  if (half) {
    if (hours < 1 || hours > 12) return null;
    hours = (hours % 12) + (half === "pm" ? 12 : 0);
  }
  if (hours > 23 || mins > 59 || secs > 59) return null;
  return hours * 3600 + mins * 60 + secs;
}

/** A calendar day as yyyymmdd, or null. */
function day(text: string): number | null {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(trimmed);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  const [year, month, date] = iso ? [iso[1], iso[2], iso[3]] : us ? [us[3], us[1], us[2]] : [];
  if (year === undefined) return null;
  const [y, m, d] = [Number(year), Number(month), Number(date)];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return y * 10_000 + m * 100 + d;
}
