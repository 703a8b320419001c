/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl (workerd and Node carry full ICU):
 * which local day and time an instant is, and which instant a local day and time is. Kept apart from
 * the calendar rules so the one hard part — daylight saving — is in one place and tested on its own.
 *
 * A local time that does not exist (02:30 on the night clocks spring forward) is read as Temporal's
 * "compatible" disambiguation reads it: shifted forward by the gap (02:30 → 03:30 daylight time); one
 * that exists twice (01:30 on the night clocks fall back) is its earlier occurrence.
 */

/** A civil date: `day` counts days since 1970-01-01 (so adding 1 is the next day, whatever the zone). */
export type CivilDay = number;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Zone strings come from configuration; bound the cache in case something feeds it garbage. */
const MAX_CACHED_ZONES = 256;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  const cached = formatters.get(zone);
  if (cached) return cached;
  const formatter = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
  formatters.set(zone, formatter);
  return formatter;
}

/**
 * Whether Intl knows `zone` as an IANA time zone name.
 *
 * @example
 * isKnownZone("Europe/Madrid") // true
 * isKnownZone("Mars/Olympus") // false
 */
export function isKnownZone(zone: string): boolean {
  if (typeof zone !== "string" || zone.length === 0 || zone.length > 64) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false; // RangeError: unknown time zone
  }
}

/** The wall clock of `instant` in `zone`, as if it were UTC: epoch ms of that local date and time. */
function wallClock(zone: string, instant: number): number {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(zone).formatToParts(instant)) {
    const value = Number(part.value);
    if (part.type === "year") year = value;
    else if (part.type === "month") month = value;
    else if (part.type === "day") day = value;
    else if (part.type === "hour")
      hour = value % 24; // some engines print midnight as "24"
    else if (part.type === "minute") minute = value;
    else if (part.type === "second") second = value;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The zone's offset from UTC at `instant`, in ms (New York in winter: −5 h). */
function offsetAt(zone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(zone, whole) - whole;
}

/**
 * The local day of `instant` in `zone` and the minutes since that day's midnight on the wall clock.
 *
 * @example
 * localTime("America/New_York", Date.UTC(2026, 0, 5, 14, 30)) // { day: civilDay(2026, 1, 5), minutes: 570 } (09:30)
 */
export function localTime(zone: string, instant: number): { day: CivilDay; minutes: number } {
  const wall = wallClock(zone, instant);
  const day = Math.floor(wall / DAY_MS);
  return { day, minutes: Math.floor((wall - day * DAY_MS) / MINUTE_MS) };
}

/**
 * The instant at which the wall clock in `zone` shows `minutes` after the midnight of `day` (minutes may
 * be 1440 or more: the next day's). A time skipped by a change to daylight time is shifted forward by
 * the gap; a time that happens twice is its first occurrence.
 *
 * @example
 * instantOf("America/New_York", civilDay(2026, 3, 8), 150) // 2026-03-08T07:30:00Z — 02:30 does not exist, read as 03:30 EDT
 * instantOf("America/New_York", civilDay(2026, 11, 1), 90) // 2026-11-01T05:30:00Z — the first 01:30 (EDT)
 */
export function instantOf(zone: string, day: CivilDay, minutes: number): number {
  const wall = day * DAY_MS + minutes * MINUTE_MS;
  // Real zones change their offset at most once in any two days, so the offsets a day either side
  // bracket every candidate.
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  const early = wall - before;
  const late = wall - after;
  const earlyFits = offsetAt(zone, early) === before;
  const lateFits = offsetAt(zone, late) === after;
  if (earlyFits && lateFits) return Math.min(early, late);
  if (earlyFits) return early;
  if (lateFits) return late;
  // In the gap: read with the offset in force before it, which lands as far past the change as the
  // time was past its start (02:30 EST = 03:30 EDT).
  return early;
}

/**
 * The civil day of a calendar date (month 1–12).
 *
 * @example
 * civilDay(1970, 1, 2) // 1
 */
export function civilDay(year: number, month: number, day: number): CivilDay {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The date of a civil day: year, month 1–12, day of month, and weekday 0 (Sunday) – 6 (Saturday). */
export function dateOf(day: CivilDay): { year: number; month: number; date: number; weekday: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate(), weekday: d.getUTCDay() };
}
