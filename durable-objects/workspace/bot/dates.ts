/**
 * Dates customers say in words — "tomorrow", "next Monday", "in 3 days", "on 12 March", "mañana", "el
 * próximo lunes", "dentro de 3 días", "el 12 de marzo" — read by chrono-node (English and Spanish) against
 * a reference: the message's time, in a time zone (UTC unless one is given). The value is the calendar day
 * meant, `YYYY-MM-DD`; a date without a year is the next one to come ("on 12 March" in December is next
 * year's). Times alone ("at 5pm"), spans under a day ("in 5 minutes", "a second") and lowercase weekday
 * abbreviations that are words ("sun", "sat") are not dates and are left out. Pure: the reference is passed in;
 * entities.ts runs this after its exact formats (ISO, numeric, day-month-year) have claimed theirs.
 */
import { casual as english } from "chrono-node/en";
import { casual as spanish } from "chrono-node/es";

/** When a text was written, and where: relative dates count from that day in that time zone. */
export interface DateReference {
  /** Epoch milliseconds (the message's time). */
  readonly at: number;
  /** An IANA time zone ("Europe/Madrid"); UTC when absent or unknown. */
  readonly timeZone?: string;
}

export interface FoundDate {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** `YYYY-MM-DD`. */
  readonly value: string;
}

/**
 * The wall-clock time at `at` in `timeZone`, as if it were UTC: chrono then counts days in UTC, the same
 * in workerd and in any test machine's zone, and the days it counts are the zone's.
 */
function wallClock(at: number, timeZone: string | undefined): Date {
  if (timeZone === undefined) return new Date(at);
  let parts: Intl.DateTimeFormatPart[];
  try {
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    parts = format.formatToParts(new Date(at));
  } catch {
    return new Date(at); // not a time zone this runtime knows: UTC, as documented
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return new Date(Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second")));
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Times of day or spans under a day ("a second", "in 5 minutes", "now"): chrono gives them today's date, but no day is meant. */
const UNDER_A_DAY = /\b(?:now|ahora|seconds?|minutes?|mins?|hours?|hrs?|segundos?|minutos?|horas?)\b/i;
/** Words chrono reads as a weekday or a day that customers mostly mean otherwise ("the sun", "I sat down", "one day"). */
const NOT_A_DAY = /^(?:sun|mon|tue|wed|thu|fri|sat|(?:a|one) day)$/;

/** Whether chrono's match is a word that only looks like a date. */
const spurious = (said: string): boolean => UNDER_A_DAY.test(said) || NOT_A_DAY.test(said.trim());

/**
 * The dates said in `text`, in `language` ("es" reads Spanish, anything else English), counted from `reference`.
 * @example relativeDates("can you come tomorrow?", "en", { at: Date.parse("2026-12-07T10:00:00Z") })
 *   // [{ start: 13, end: 21, text: "tomorrow", value: "2026-12-08" }]
 * @example relativeDates("el próximo lunes", "es", { at: Date.parse("2026-12-07T23:30:00Z"), timeZone: "Europe/Madrid" })
 *   // Tuesday 8 December in Madrid: [{ start: 3, end: 16, text: "próximo lunes", value: "2026-12-14" }]
 */
export function relativeDates(text: string, language: string, reference: DateReference): FoundDate[] {
  const parser = language === "es" ? spanish : english;
  const results = parser.parse(text, { instant: wallClock(reference.at, reference.timeZone), timezone: 0 }, { forwardDate: true });
  const found: FoundDate[] = [];
  for (const result of results) {
    const { start } = result;
    // "at 5pm" names a time on no particular day; "Friday" and "in 3 days" name one.
    if ((!start.isCertain("day") && !start.isCertain("weekday")) || spurious(result.text)) continue;
    const [year, month, day] = [start.get("year"), start.get("month"), start.get("day")];
    if (year === null || month === null || day === null) continue;
    found.push({
      start: result.index,
      end: result.index + result.text.length,
      text: result.text,
      value: `${pad(year, 4)}-${pad(month)}-${pad(day)}`,
    });
  }
  return found;
}
