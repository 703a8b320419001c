/**
 * Dates in words (durable-objects/workspace/bot/dates.ts, through extractEntities): counted from the
 * message's time in English and Spanish, in the time zone given (the day there, not in UTC), a date
 * without a year the next to come, times alone left out, and exact formats and team patterns still first.
 */
import { describe, expect, it } from "vitest";
import { relativeDates, type DateReference } from "../../../durable-objects/workspace/bot/dates";
import { extractEntities } from "../../../durable-objects/workspace/bot/entities";

// Monday 7 December 2026, 10:00 UTC.
const MONDAY: DateReference = { at: Date.parse("2026-12-07T10:00:00Z") };

const dateOf = (text: string, language: string, reference: DateReference = MONDAY) =>
  extractEntities(text, [], language, reference)
    .filter((e) => e.entity === "date")
    .map((e) => [e.text, e.value]);

describe("dates in words", () => {
  it.each([
    // From Monday 7 December 2026: tomorrow is Tuesday the 8th, next Monday the 14th, 3 days on the 10th,
    // 12 March has passed this year so it is 2027's; Friday is the 11th.
    ["can I come tomorrow?", "en", "tomorrow", "2026-12-08"],
    ["next Monday please", "en", "next Monday", "2026-12-14"],
    ["in 3 days", "en", "in 3 days", "2026-12-10"],
    ["I'll be away on 12 March", "en", "on 12 March", "2027-03-12"],
    ["is Friday ok", "en", "Friday", "2026-12-11"],
    ["today, if possible", "en", "today", "2026-12-07"],
    ["¿puede ser mañana?", "es", "mañana", "2026-12-08"],
    ["el próximo lunes", "es", "próximo lunes", "2026-12-14"],
    ["dentro de 3 días", "es", "dentro de 3 días", "2026-12-10"],
    ["vuelvo el 12 de marzo", "es", "12 de marzo", "2027-03-12"],
  ])("%s (%s) → %s = %s", (text, language, said, value) => {
    expect(dateOf(text, language)).toEqual([[said, value]]);
  });

  it("counts days in the time zone given: 23:30 UTC on Monday is already Tuesday in Madrid", () => {
    const late = { at: Date.parse("2026-12-07T23:30:00Z") };
    expect(dateOf("tomorrow", "en", late)).toEqual([["tomorrow", "2026-12-08"]]);
    expect(dateOf("tomorrow", "en", { ...late, timeZone: "Europe/Madrid" })).toEqual([["tomorrow", "2026-12-09"]]);
    expect(dateOf("mañana", "es", { ...late, timeZone: "Europe/Madrid" })).toEqual([["mañana", "2026-12-09"]]);
    // 03:00 UTC on Monday is 22:00 on Sunday in New York: tomorrow there is Monday.
    expect(dateOf("tomorrow", "en", { at: Date.parse("2026-12-07T03:00:00Z"), timeZone: "America/New_York" })).toEqual([
      ["tomorrow", "2026-12-07"],
    ]);
    // An unknown zone is UTC, not an error.
    expect(dateOf("tomorrow", "en", { ...late, timeZone: "Mars/Olympus" })).toEqual([["tomorrow", "2026-12-08"]]);
  });

  it.each([
    "call me at 5pm",
    "I need a second one",
    "can you do it now",
    "wait a minute",
    "done in 5 minutes",
    "in 2 hours",
    "the sun is out",
    "I sat down",
    "one day maybe",
    "may I get a refund",
    "dentro de 10 minutos",
    "ahora mismo",
  ])("finds no date in %s (a time, a span under a day, or a word that only looks like one)", (text) => {
    expect(relativeDates(text, /minutos|ahora/.test(text) ? "es" : "en", MONDAY)).toEqual([]);
  });

  it("leaves out times on no particular day, and reads nothing without a reference", () => {
    expect(relativeDates("call me at 5pm", "en", MONDAY)).toEqual([]);
    expect(extractEntities("tomorrow", [], "en")).toEqual([]);
  });

  it("keeps exact dates, team patterns and numbers as they were, each span once", () => {
    const found = extractEntities("ORD-3 in 3 days, or 2026-12-24, for 2", [{ name: "orderId", pattern: "ORD-\\d+" }], "en", MONDAY);
    // ORD-3 is the team's; "in 3 days" a date, not the number 3; 2026-12-24 the exact date; 2 a number.
    expect(found).toEqual([
      { entity: "orderId", text: "ORD-3", value: "ORD-3" },
      { entity: "date", text: "in 3 days", value: "2026-12-10" },
      { entity: "date", text: "2026-12-24", value: "2026-12-24" },
      { entity: "number", text: "2", value: 2 },
    ]);
  });
});
