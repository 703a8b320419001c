/**
 * Entities in a customer's text: the built-in ones (emails, dates, numbers) and the team's, each a
 * regular expression run with RE2's semantics (patterns.ts: an order ID, a booking reference). One pass
 * claims spans in order — the team's patterns first, then emails, exact dates, dates in words (dates.ts:
 * "tomorrow", "in 3 days", given the message's time), numbers — so "ORD-1234" is an order ID and not also
 * the number 1234, the date 2026-12-07 is not three numbers and "in 3 days" is a date, not a 3. Pure; classifier.ts adds them to a Classification.
 */
import type { Classification } from "../../flow/engine/types";
import type { BotEntityPattern } from "./corpus";
import { relativeDates, type DateReference } from "./dates";
import { patternMatches } from "./patterns";

export type Entity = Classification["entities"][number];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const NUMBER = /(?<![\p{L}\p{N}])-?\d+(?:[.,]\d+)?(?![\p{L}\p{N}])/gu;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
const SLASH_DATE = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g;
const MONTHS: Readonly<Record<string, number>> = {
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  enero: 1,
  febrero: 2,
  marzo: 3,
  abril: 4,
  mayo: 5,
  junio: 6,
  julio: 7,
  agosto: 8,
  septiembre: 9,
  octubre: 10,
  noviembre: 11,
  diciembre: 12,
};
const MONTH = Object.keys(MONTHS).join("|");
// "7 December 2026", "7 de diciembre de 2026", "December 7, 2026".
const DAY_MONTH_YEAR = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:de\\s+)?(${MONTH})(?:,?\\s+(?:de\\s+)?(\\d{4}))\\b`, "giu");
const MONTH_DAY_YEAR = new RegExp(`\\b(${MONTH})\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, "giu");

/** `YYYY-MM-DD` when the parts make a real date, else null. */
function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

interface Found extends Entity {
  readonly start: number;
  readonly end: number;
}

/**
 * The entities of `text`: the team's patterns, then emails, dates (value `YYYY-MM-DD`; `d/m/yyyy` in
 * Spanish, `m/d/yyyy` in English; in words too when `reference` says when the text was written) and
 * numbers (value a number), in the order they appear.
 * @example extractEntities("Order ORD-1234 for 2 on 2026-12-24", [{ name: "orderId", pattern: "ORD-\\d+" }], "en")
 *   // [{ entity: "orderId", text: "ORD-1234", value: "ORD-1234" }, { entity: "number", text: "2", value: 2 },
 *   //  { entity: "date", text: "2026-12-24", value: "2026-12-24" }]
 */
export function extractEntities(
  text: string,
  patterns: readonly BotEntityPattern[],
  language: string,
  reference?: DateReference,
): Entity[] {
  const found: Found[] = [];
  const free = (start: number, end: number) => found.every((f) => end <= f.start || start >= f.end);
  const claim = (regex: RegExp, make: (match: RegExpExecArray) => Omit<Entity, "text"> | null) => {
    for (const match of text.matchAll(regex)) {
      const start = match.index;
      const end = start + match[0].length;
      if (match[0].length === 0 || !free(start, end)) continue;
      const made = make(match);
      if (made) found.push({ ...made, text: match[0], start, end });
    }
  };
  for (const { name, pattern } of patterns) {
    for (const { start, end, text: matched } of patternMatches(pattern, text)) {
      if (free(start, end)) found.push({ entity: name, value: matched, text: matched, start, end });
    }
  }
  claim(EMAIL, (m) => ({ entity: "email", value: m[0].toLowerCase() }));
  claim(ISO_DATE, (m) => date(isoDate(Number(m[1]), Number(m[2]), Number(m[3]))));
  claim(SLASH_DATE, (m) => {
    const [a, b] = [Number(m[1]), Number(m[2])];
    return date(language === "en" ? isoDate(Number(m[3]), a, b) : isoDate(Number(m[3]), b, a));
  });
  claim(DAY_MONTH_YEAR, (m) => date(isoDate(Number(m[3]), MONTHS[m[2]!.toLowerCase()]!, Number(m[1]))));
  claim(MONTH_DAY_YEAR, (m) => date(isoDate(Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]))));
  if (reference) {
    for (const { start, end, text: said, value } of relativeDates(text, language, reference)) {
      if (free(start, end)) found.push({ entity: "date", value, text: said, start, end });
    }
  }
  claim(NUMBER, (m) => ({ entity: "number", value: Number(m[0].replace(",", ".")) }));
  return found.sort((a, b) => a.start - b.start).map(({ entity, text: matched, value }) => ({ entity, text: matched, value }));
}

const date = (value: string | null) => (value === null ? null : { entity: "date", value });
