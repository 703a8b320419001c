/**
 * clockValues: the taskrouter.* values at fixed instants, in UTC and in zones either side of it, and
 * the fallbacks that keep it from ever throwing.
 */
import { describe, expect, it } from "vitest";
import { clockValues } from "../../../durable-objects/router/expression";

describe("clockValues", () => {
  it.each<[string, number, string | undefined, ReturnType<typeof clockValues>]>([
    // 2024-01-01 is a Monday.
    ["UTC by default", Date.UTC(2024, 0, 1, 8, 5), undefined, { currentTime: 805, currentHour: 8, currentMin: 5, dayOfWeek: "Mon" }],
    ["UTC, explicitly", Date.UTC(2024, 0, 1, 18, 30), "UTC", { currentTime: 1830, currentHour: 18, currentMin: 30, dayOfWeek: "Mon" }],
    ["UTC midnight", Date.UTC(2024, 0, 7, 0, 0), "UTC", { currentTime: 0, currentHour: 0, currentMin: 0, dayOfWeek: "Sun" }],
    // New York is UTC−5 in January: Monday 03:05.
    [
      "New York, winter",
      Date.UTC(2024, 0, 1, 8, 5),
      "America/New_York",
      { currentTime: 305, currentHour: 3, currentMin: 5, dayOfWeek: "Mon" },
    ],
    // …and UTC−4 in July (daylight saving): 2024-07-01 (Monday) 12:00 UTC is 08:00.
    [
      "New York, summer",
      Date.UTC(2024, 6, 1, 12, 0),
      "America/New_York",
      { currentTime: 800, currentHour: 8, currentMin: 0, dayOfWeek: "Mon" },
    ],
    // Monday 02:00 UTC is still Sunday 21:00 in New York.
    [
      "New York, the day before",
      Date.UTC(2024, 0, 1, 2, 0),
      "America/New_York",
      { currentTime: 2100, currentHour: 21, currentMin: 0, dayOfWeek: "Sun" },
    ],
    // Tokyo is UTC+9: Monday 17:05.
    ["Tokyo", Date.UTC(2024, 0, 1, 8, 5), "Asia/Tokyo", { currentTime: 1705, currentHour: 17, currentMin: 5, dayOfWeek: "Mon" }],
    // Sunday 15:30 UTC is Monday 00:30 in Tokyo (hour 0, not 24).
    [
      "Tokyo, past midnight",
      Date.UTC(2024, 0, 7, 15, 30),
      "Asia/Tokyo",
      { currentTime: 30, currentHour: 0, currentMin: 30, dayOfWeek: "Mon" },
    ],
    // India is UTC+5:30: minutes shift too.
    ["Kolkata", Date.UTC(2024, 0, 1, 8, 45), "Asia/Kolkata", { currentTime: 1415, currentHour: 14, currentMin: 15, dayOfWeek: "Mon" }],
    [
      "an unknown zone falls back to UTC",
      Date.UTC(2024, 0, 3, 9, 15),
      "Mars/Olympus_Mons",
      { currentTime: 915, currentHour: 9, currentMin: 15, dayOfWeek: "Wed" },
    ],
    [
      "an empty zone falls back to UTC",
      Date.UTC(2024, 0, 3, 9, 15),
      "",
      { currentTime: 915, currentHour: 9, currentMin: 15, dayOfWeek: "Wed" },
    ],
    [
      "an invalid instant reads as epoch 0 (Thursday)",
      Number.NaN,
      "UTC",
      { currentTime: 0, currentHour: 0, currentMin: 0, dayOfWeek: "Thu" },
    ],
    ["an out-of-range instant reads as epoch 0", 1e20, "Asia/Tokyo", { currentTime: 900, currentHour: 9, currentMin: 0, dayOfWeek: "Thu" }],
  ])("%s", (_, now, zone, expected) => {
    expect(zone === undefined ? clockValues(now) : clockValues(now, zone)).toEqual(expected);
  });

  it("gives every weekday its three-letter name", () => {
    const days = Array.from({ length: 7 }, (_, i) => clockValues(Date.UTC(2024, 0, 1 + i, 12, 0)).dayOfWeek);
    expect(days).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
  });

  it("is the same after the one-entry memo is replaced", () => {
    const a = clockValues(Date.UTC(2024, 0, 1, 8, 5), "Asia/Tokyo");
    clockValues(Date.UTC(2024, 0, 1, 8, 5), "UTC");
    expect(clockValues(Date.UTC(2024, 0, 1, 8, 5), "Asia/Tokyo")).toEqual(a);
  });
});
