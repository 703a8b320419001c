/**
 * checkCalendar: what a stored calendar must be, and a refusal that names the parameter, the day and
 * the interval for each way it can be wrong.
 */
import { describe, expect, it } from "vitest";
import { checkCalendar } from "../../../durable-objects/common/calendars";

const zone = "Europe/Madrid";

describe("checkCalendar", () => {
  it("accepts and normalises a full calendar (overnight, 24:00, yearly 29 February)", () => {
    const checked = checkCalendar({
      time_zone: zone,
      weekly_hours: { friday: [{ start: "22:00", end: "06:00" }], saturday: [{ start: "06:00", end: "24:00" }], sunday: [] },
      holidays: [{ date: "2024-02-29", yearly: true, name: "Leap" }],
      exceptions: [{ start_date: "2026-12-24", hours: [{ start: "09:00", end: "13:00" }] }],
    });
    expect(checked).toEqual({
      ok: true,
      calendar: {
        time_zone: zone,
        weekly_hours: { sunday: [], friday: [{ start: "22:00", end: "06:00" }], saturday: [{ start: "06:00", end: "24:00" }] },
        holidays: [{ date: "2024-02-29", yearly: true, name: "Leap" }],
        exceptions: [{ start_date: "2026-12-24", hours: [{ start: "09:00", end: "13:00" }] }],
      },
    });
  });

  it.each<[string, Parameters<typeof checkCalendar>[0], string, string]>([
    ["an unknown zone", { time_zone: "Mars/Olympus" }, "TimeZone", '"Mars/Olympus" is not an IANA time zone'],
    ["no zone", { time_zone: undefined }, "TimeZone", "undefined is not an IANA time zone"],
    [
      "25:00",
      { time_zone: zone, weekly_hours: { monday: [{ start: "09:00", end: "25:00" }] } },
      "WeeklyHours",
      'monday interval 1: end "25:00" is not a time of day',
    ],
    [
      "a start of 24:00",
      { time_zone: zone, weekly_hours: { tuesday: [{ start: "24:00", end: "02:00" }] } },
      "WeeklyHours",
      'tuesday interval 1: start "24:00" is not a time of day',
    ],
    [
      "9:00 without its zero",
      { time_zone: zone, weekly_hours: { monday: [{ start: "9:00", end: "17:00" }] } },
      "WeeklyHours",
      'start "9:00"',
    ],
    [
      "overlapping intervals",
      {
        time_zone: zone,
        weekly_hours: {
          wednesday: [
            { start: "13:00", end: "18:00" },
            { start: "09:00", end: "14:00" },
          ],
        },
      },
      "WeeklyHours",
      "wednesday interval 1 overlaps interval 2",
    ],
    [
      "an empty interval",
      { time_zone: zone, weekly_hours: { monday: [{ start: "09:00", end: "09:00" }] } },
      "WeeklyHours",
      "monday interval 1: starts and ends at 09:00",
    ],
    [
      "too many intervals",
      { time_zone: zone, weekly_hours: { monday: Array.from({ length: 9 }, (_, i) => ({ start: `0${i}:00`, end: `0${i}:30` })) } },
      "WeeklyHours",
      "monday has 9 intervals; at most 8",
    ],
    ["a capitalised weekday", { time_zone: zone, weekly_hours: { Monday: [] } }, "WeeklyHours", '"Monday" is not a weekday'],
    [
      "a night shift into the next day's hours",
      { time_zone: zone, weekly_hours: { sunday: [{ start: "22:00", end: "07:00" }], monday: [{ start: "06:00", end: "10:00" }] } },
      "WeeklyHours",
      "sunday's overnight interval runs into monday's first interval",
    ],
    [
      "an extra key",
      { time_zone: zone, weekly_hours: { monday: [{ start: "09:00", end: "10:00", note: "x" }] } },
      "WeeklyHours",
      "monday interval 1 must be",
    ],
    ["30 February", { time_zone: zone, holidays: [{ date: "2026-02-30" }] }, "Holidays", 'holiday 1: "2026-02-30" is not a date'],
    [
      "29 February of a common year",
      { time_zone: zone, holidays: [{ date: "2026-02-29" }] },
      "Holidays",
      'holiday 1: "2026-02-29" is not a date',
    ],
    [
      "a yearly that is not a boolean",
      { time_zone: zone, holidays: [{ date: "2026-01-01", yearly: "yes" }] },
      "Holidays",
      "yearly must be true or false",
    ],
    [
      "an exception ending before it starts",
      { time_zone: zone, exceptions: [{ start_date: "2026-12-31", end_date: "2026-12-24", hours: [] }] },
      "Exceptions",
      "exception 1: end_date 2026-12-24 is before start_date 2026-12-31",
    ],
    [
      "overlapping exceptions",
      {
        time_zone: zone,
        exceptions: [
          { start_date: "2026-12-20", end_date: "2026-12-31", hours: [] },
          { start_date: "2026-12-24", hours: [{ start: "09:00", end: "13:00" }] },
        ],
      },
      "Exceptions",
      "exception 2 overlaps exception 1",
    ],
    [
      "an exception's bad hours",
      { time_zone: zone, exceptions: [{ start_date: "2026-12-24", hours: [{ start: "09:00", end: "24:30" }] }] },
      "Exceptions",
      'exception 1 hours interval 1: end "24:30"',
    ],
  ])("refuses %s", (_name, input, param, message) => {
    const checked = checkCalendar(input);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problem.param).toBe(param);
    expect(checked.problem.message).toContain(message);
  });
});
