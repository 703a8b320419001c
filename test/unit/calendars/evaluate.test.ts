/**
 * The business-calendar evaluator at fixed instants, each expectation worked out by hand in the
 * comment beside it: daylight-saving weekends in New York and Madrid, a local time that does not
 * exist, night shifts, holidays, an exception that overrides a holiday, and a leap day.
 *
 * DST dates used: New York springs forward Sun 2026-03-08 02:00 EST → 03:00 EDT and falls back
 * Sun 2026-11-01 02:00 EDT → 01:00 EST; Madrid springs forward Sun 2026-03-29 (01:00Z) and falls back
 * Sun 2026-10-25 (01:00Z).
 */
import { describe, expect, it } from "vitest";
import { calendarState, isOpen, type CalendarDefinition, type OpenHours } from "../../../durable-objects/common/calendars";

const nineToFive: OpenHours[] = [{ start: "09:00", end: "17:00" }];
const calendar = (over: Partial<CalendarDefinition> & Pick<CalendarDefinition, "time_zone">): CalendarDefinition => ({
  weekly_hours: {},
  holidays: [],
  exceptions: [],
  ...over,
});

/** New York, 09:00–17:00 every day of the week. */
const newYorkDaily = calendar({
  time_zone: "America/New_York",
  weekly_hours: Object.fromEntries(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((d) => [d, nineToFive]),
  ),
});

/** New York, Sunday 02:30–05:00 only: 02:30 does not exist on 2026-03-08. */
const newYorkSmallHours = calendar({ time_zone: "America/New_York", weekly_hours: { sunday: [{ start: "02:30", end: "05:00" }] } });

/** New York, Sunday 00:00–02:30 and 03:00–06:00. */
const newYorkNightBreak = calendar({
  time_zone: "America/New_York",
  weekly_hours: {
    sunday: [
      { start: "00:00", end: "02:30" },
      { start: "03:00", end: "06:00" },
    ],
  },
});

/** Madrid, a split shift Monday–Thursday, mornings on Friday. */
const split: OpenHours[] = [
  { start: "09:00", end: "14:00" },
  { start: "16:00", end: "19:00" },
];
const madrid = calendar({
  time_zone: "Europe/Madrid",
  weekly_hours: { monday: split, tuesday: split, wednesday: split, thursday: split, friday: [{ start: "08:00", end: "15:00" }] },
  holidays: [
    { date: "2000-01-06", name: "Reyes", yearly: true },
    { date: "2000-12-24", name: "Nochebuena", yearly: true },
    { date: "2000-12-25", name: "Navidad", yearly: true },
  ],
  // Christmas Eve 2026 (a Thursday) opens in the morning despite the yearly holiday.
  exceptions: [{ start_date: "2026-12-24", name: "Nochebuena 2026", hours: [{ start: "09:00", end: "13:00" }] }],
});

/** New York night desk: Friday 22:00 – Saturday 06:00, then Saturday 06:00–12:00 (back to back). */
const nightDesk = calendar({
  time_zone: "America/New_York",
  weekly_hours: { friday: [{ start: "22:00", end: "06:00" }], saturday: [{ start: "06:00", end: "12:00" }] },
});

/** UTC, Tuesdays 09:00–17:00. */
const tuesdays = calendar({ time_zone: "UTC", weekly_hours: { tuesday: nineToFive } });

const allWeek = calendar({
  time_zone: "Asia/Tokyo",
  weekly_hours: Object.fromEntries(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((d) => [d, [{ start: "00:00", end: "24:00" }]]),
  ),
});

describe("calendarState", () => {
  it.each<[string, CalendarDefinition, string, boolean, string | null]>([
    // Sun 2026-03-08 is EDT (−4): 09:30 EDT = 13:30Z, open until 17:00 EDT = 21:00Z (under EST it would be 08:30, closed).
    ["NY, the spring-forward Sunday, 09:30 EDT", newYorkDaily, "2026-03-08T13:30:00Z", true, "2026-03-08T21:00:00Z"],
    // 17:30 EDT = 21:30Z: closed (16:30 under EST); opens Monday 09:00 EDT = 13:00Z.
    ["NY, the spring-forward Sunday, 17:30 EDT", newYorkDaily, "2026-03-08T21:30:00Z", false, "2026-03-09T13:00:00Z"],
    // Sunday 00:00 EST = 05:00Z: the day opens at 09:00 EDT = 13:00Z, eight hours of wall clock minus the lost hour later.
    ["NY, the spring-forward night", newYorkDaily, "2026-03-08T05:00:00Z", false, "2026-03-08T13:00:00Z"],
    // Saturday 2026-10-31 17:30 EDT = 21:30Z; Sunday 11-01 is EST (−5): 09:00 EST = 14:00Z.
    ["NY, into the fall-back Sunday", newYorkDaily, "2026-10-31T21:30:00Z", false, "2026-11-01T14:00:00Z"],
    // Sunday 11-01 16:59 EST = 21:59Z: open until 17:00 EST = 22:00Z.
    ["NY, the fall-back Sunday afternoon", newYorkDaily, "2026-11-01T21:59:00Z", true, "2026-11-01T22:00:00Z"],
    // 02:30 does not exist on 2026-03-08: read as 03:30 EDT = 07:30Z. At 01:59 EST (06:59Z) the next opening is then.
    ["NY, a nonexistent 02:30 start", newYorkSmallHours, "2026-03-08T06:59:00Z", false, "2026-03-08T07:30:00Z"],
    // 03:15 EDT (07:15Z) is before the shifted start.
    ["NY, inside the skipped hour's shadow", newYorkSmallHours, "2026-03-08T07:15:00Z", false, "2026-03-08T07:30:00Z"],
    // 03:30 EDT = 07:30Z: open until 05:00 EDT = 09:00Z.
    ["NY, at the shifted start", newYorkSmallHours, "2026-03-08T07:30:00Z", true, "2026-03-08T09:00:00Z"],
    // 00:00–02:30 then 03:00–06:00 on the spring-forward Sunday: 02:30 reads as 03:30 EDT (07:30Z), after 03:00
    // EDT (07:00Z), so there is no gap in time: open from 00:00 EST (05:00Z) to 06:00 EDT = 10:00Z.
    ["NY, a wall-clock gap that the DST change closes", newYorkNightBreak, "2026-03-08T06:30:00Z", true, "2026-03-08T10:00:00Z"],
    // A normal Sunday (2026-03-15, EDT): 02:30 EDT = 06:30Z.
    ["NY, 02:30 on a normal Sunday", newYorkSmallHours, "2026-03-15T06:30:00Z", true, "2026-03-15T09:00:00Z"],
    // Fri 2026-03-27 14:59 CET = 13:59Z: open until 15:00 CET = 14:00Z.
    ["Madrid, Friday before spring-forward", madrid, "2026-03-27T13:59:00Z", true, "2026-03-27T14:00:00Z"],
    // Closed from Fri 15:00 CET; Monday 2026-03-30 is CEST (+2): 09:00 CEST = 07:00Z, not 08:00Z.
    ["Madrid, the spring-forward weekend", madrid, "2026-03-27T14:00:00Z", false, "2026-03-30T07:00:00Z"],
    // Fri 2026-10-23 closes 15:00 CEST = 13:00Z; Monday 10-26 is CET (+1): 09:00 CET = 08:00Z.
    ["Madrid, the fall-back weekend", madrid, "2026-10-23T13:00:00Z", false, "2026-10-26T08:00:00Z"],
    // Split shift, Monday 2026-01-05 14:30 CET = 13:30Z: lunch, reopens 16:00 CET = 15:00Z.
    ["Madrid, the lunch break", madrid, "2026-01-05T13:30:00Z", false, "2026-01-05T15:00:00Z"],
    // Tuesday 2026-01-06 (Reyes, yearly) 10:00 CET = 09:00Z: closed; Wednesday 09:00 CET = 08:00Z.
    ["Madrid, a holiday on a weekday", madrid, "2026-01-06T09:00:00Z", false, "2026-01-07T08:00:00Z"],
    // Thursday 2026-12-24 12:59 CET = 11:59Z: the exception's hours, open until 13:00 CET = 12:00Z.
    ["Madrid, an exception over a holiday", madrid, "2026-12-24T11:59:00Z", true, "2026-12-24T12:00:00Z"],
    // After 13:00 on the 24th: 25th holiday (Fri), weekend, Monday 2026-12-28 09:00 CET = 08:00Z.
    ["Madrid, after the exception's hours", madrid, "2026-12-24T12:00:00Z", false, "2026-12-28T08:00:00Z"],
    // Friday 2027-12-24, no exception that year: the yearly holiday closes it. Next: Mon 2027-12-27 09:00 CET = 08:00Z.
    ["Madrid, the holiday without an exception", madrid, "2027-12-24T09:00:00Z", false, "2027-12-27T08:00:00Z"],
    // Sat 2026-01-10 00:00 EST = 05:00Z: inside Friday's night shift, which runs on into Saturday's 06:00–12:00
    // without a break: one opening, closing 12:00 EST = 17:00Z.
    ["NY, a night shift back to back with the morning", nightDesk, "2026-01-10T05:00:00Z", true, "2026-01-10T17:00:00Z"],
    // Friday 21:59 EST = 02:59Z Saturday: opens 22:00 EST = 03:00Z.
    ["NY, just before the night shift", nightDesk, "2026-01-10T02:59:00Z", false, "2026-01-10T03:00:00Z"],
    // 2028-02-29 is a Tuesday: 09:30Z open until 17:00Z.
    ["UTC, a leap day", tuesdays, "2028-02-29T09:30:00Z", true, "2028-02-29T17:00:00Z"],
    ["always open", allWeek, "2026-06-01T00:00:00Z", true, null],
    ["never open", calendar({ time_zone: "UTC" }), "2026-06-01T00:00:00Z", false, null],
  ])("%s", (_name, cal, at, open, nextChange) => {
    const instant = Date.parse(at);
    expect(calendarState(cal, instant)).toEqual({ open, next_change: nextChange });
    expect(isOpen(cal, instant)).toBe(open);
  });

  it("a holiday on Saturday cuts Saturday's hours but not Friday's night shift", () => {
    const cal = { ...nightDesk, holidays: [{ date: "2026-01-10" }] };
    // Sat 00:00 EST (05:00Z): still Friday's shift, until 06:00 EST = 11:00Z; Saturday's 06:00–12:00 is off.
    expect(calendarState(cal, Date.parse("2026-01-10T05:00:00Z"))).toEqual({ open: true, next_change: "2026-01-10T11:00:00Z" });
    expect(isOpen(cal, Date.parse("2026-01-10T12:00:00Z"))).toBe(false);
  });

  it("a yearly 29 February holiday closes leap days only", () => {
    const cal = { ...tuesdays, holidays: [{ date: "2024-02-29", yearly: true }] };
    // 2028-02-29 (Tuesday) closed; the next Tuesday 2028-03-07 opens at 09:00Z.
    expect(calendarState(cal, Date.parse("2028-02-29T10:00:00Z"))).toEqual({ open: false, next_change: "2028-03-07T09:00:00Z" });
    // 2027-03-02 is a Tuesday and not a holiday.
    expect(isOpen(cal, Date.parse("2027-03-02T10:00:00Z"))).toBe(true);
  });

  it("an exception over a date range, across a leap day", () => {
    const cal = {
      ...tuesdays,
      exceptions: [{ start_date: "2028-02-28", end_date: "2028-03-01", hours: [{ start: "10:00", end: "12:00" }] }],
    };
    expect(isOpen(cal, Date.parse("2028-02-29T09:30:00Z"))).toBe(false);
    // Mon 28, Tue 29 and Wed 1 March all get 10:00–12:00.
    expect(calendarState(cal, Date.parse("2028-02-28T10:30:00Z"))).toEqual({ open: true, next_change: "2028-02-28T12:00:00Z" });
    expect(calendarState(cal, Date.parse("2028-02-29T12:00:00Z"))).toEqual({ open: false, next_change: "2028-03-01T10:00:00Z" });
  });

  it("the last opening before a closed stretch names its close, and a short horizon finds nothing", () => {
    const once = calendar({ time_zone: "UTC", exceptions: [{ start_date: "2026-05-04", hours: nineToFive }] });
    expect(calendarState(once, Date.parse("2026-05-04T10:00:00Z"))).toEqual({ open: true, next_change: "2026-05-04T17:00:00Z" });
    expect(calendarState(once, Date.parse("2026-05-04T18:00:00Z"))).toEqual({ open: false, next_change: null });
    expect(calendarState(once, Date.parse("2026-04-01T00:00:00Z"), 7)).toEqual({ open: false, next_change: null });
  });
});
