/**
 * The `taskrouter.*` clock: the current time of day, hour, minute and weekday for an instant in an IANA
 * time zone. Kept apart so it is computed once per evaluation (and, through a one-entry memo, once per
 * instant across a whole matching pass) and so tests can pin it to fixed instants.
 */

export type DayOfWeek = "Mon" | "Tue" | "Wed" | "Thu" | "Fri" | "Sat" | "Sun";

export interface ClockValues {
  /** HHMM on a 24-hour clock as an integer: 08:05 → 805, 18:30 → 1830. */
  readonly currentTime: number;
  /** 0–23. */
  readonly currentHour: number;
  /** 0–59. */
  readonly currentMin: number;
  readonly dayOfWeek: DayOfWeek;
}

const DAYS: readonly DayOfWeek[] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAY_NAMES: ReadonlySet<string> = new Set(DAYS);
/** The largest |epoch ms| a Date can hold. */
const MAX_INSTANT = 8.64e15;
/** Zone strings come from configuration; bound the cache in case something feeds it garbage. */
const MAX_CACHED_ZONES = 256;

/** Per zone: its formatter, or null for "compute in UTC" (UTC itself, or a zone Intl does not know). */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

let memoNow = Number.NaN;
let memoZone = "";
let memoValues: ClockValues | undefined;

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(zone);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat | null = null;
  if (zone !== "UTC") {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        weekday: "short",
        hour: "numeric",
        minute: "numeric",
      });
    } catch {
      formatter = null; // RangeError: unknown time zone → UTC
    }
  }
  if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
  formatters.set(zone, formatter);
  return formatter;
}

function values(hour: number, minute: number, dayOfWeek: DayOfWeek): ClockValues {
  return Object.freeze({ currentTime: hour * 100 + minute, currentHour: hour, currentMin: minute, dayOfWeek });
}

function utcValues(instant: number): ClockValues {
  const date = new Date(instant);
  return values(date.getUTCHours(), date.getUTCMinutes(), DAYS[date.getUTCDay()] ?? "Sun");
}

function zonedValues(formatter: Intl.DateTimeFormat, instant: number): ClockValues {
  let hour = Number.NaN;
  let minute = Number.NaN;
  let day = "";
  for (const part of formatter.formatToParts(instant)) {
    if (part.type === "hour")
      hour = Number(part.value) % 24; // % 24: some engines print midnight as "24"
    else if (part.type === "minute") minute = Number(part.value);
    else if (part.type === "weekday") day = part.value;
  }
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || !DAY_NAMES.has(day)) return utcValues(instant);
  return values(hour, minute, day as DayOfWeek);
}

/**
 * The `taskrouter.*` values at `now` (epoch ms) in `timeZone` (IANA, default "UTC"). Never throws: an
 * unknown zone falls back to UTC, and an instant that is not a valid date is read as epoch 0.
 *
 * @example
 * clockValues(Date.UTC(2024, 0, 1, 8, 5)) // { currentTime: 805, currentHour: 8, currentMin: 5, dayOfWeek: "Mon" }
 * clockValues(Date.UTC(2024, 0, 1, 8, 5), "Asia/Tokyo") // { currentTime: 1705, currentHour: 17, currentMin: 5, dayOfWeek: "Mon" }
 */
export function clockValues(now: number, timeZone: string = "UTC"): ClockValues {
  const zone = typeof timeZone === "string" ? timeZone : "UTC";
  if (now === memoNow && zone === memoZone && memoValues !== undefined) return memoValues;
  const instant = typeof now === "number" && Number.isFinite(now) && Math.abs(now) <= MAX_INSTANT ? now : 0;
  let result: ClockValues;
  try {
    const formatter = formatterFor(zone);
    result = formatter === null ? utcValues(instant) : zonedValues(formatter, instant);
  } catch {
    result = utcValues(instant);
  }
  memoNow = now;
  memoZone = zone;
  memoValues = result;
  return result;
}
