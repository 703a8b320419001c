/**
 * Whether a business calendar is open at an instant, and when that next changes — the one evaluator the
 * WorkspaceDO (the status API, `calendarStatus` for flows) and the Router (workflow expressions) share.
 * Pure: Intl for the zone (zone.ts), nothing else.
 *
 * A day's hours become instants in the zone (so a 09:00–17:00 day is eight hours on a normal day and
 * still 09:00–17:00 on the wall clock on the day clocks change); a day's intervals and the night shift
 * spilling from the day before are what can cover an instant. Back-to-back intervals (Friday 22:00–24:00,
 * Saturday 00:00–06:00) are one opening, so there is no change at midnight between them.
 */
import { WEEKDAYS, dateParts, minutesOf, type CalendarDefinition } from "./calendar";
import { civilDay, dateOf, instantOf, localTime, type CivilDay } from "./zone";

/** How far ahead `next_change` looks, in days: a year and a bit, so a calendar closed for a yearly holiday still finds its next opening. */
export const NEXT_CHANGE_HORIZON_DAYS = 400;
const MAX_HORIZON_DAYS = 800;
const DAY_MINUTES = 1440;
/** The largest change of a zone's offset (Lord Howe's is 30 minutes; most are an hour), with room to spare. */
const DST_GAP_MINUTES = 180;

/** A calendar's open state at an instant: open or not, and the next instant (ISO) that changes, null when none within the horizon. */
export interface CalendarState {
  readonly open: boolean;
  readonly next_change: string | null;
}

/** A calendar compiled for evaluation: minutes instead of strings, dates as civil days. */
interface Compiled {
  readonly zone: string;
  /** Per weekday (0 = Sunday): [start, end) minutes after the day's midnight, end past 1440 when overnight. */
  readonly weekly: readonly (readonly [number, number][])[];
  readonly holidays: ReadonlySet<CivilDay>;
  /** "MM-DD" of yearly holidays. */
  readonly yearly: ReadonlySet<string>;
  readonly exceptions: readonly { readonly from: CivilDay; readonly to: CivilDay; readonly spans: readonly [number, number][] }[];
}

/** ISO 8601 in UTC to the second, as every date of the API is written. */
const isoOf = (instant: number): string => new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");

const compiledCache = new WeakMap<CalendarDefinition, Compiled>();

function spansOf(hours: readonly { start: string; end: string }[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const { start, end } of hours) {
    const s = minutesOf(start);
    const e = minutesOf(end);
    if (s === null || e === null || s === e) continue; // checkCalendar refuses these; never stored
    spans.push([s, e > s ? e : e + 1440]);
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

function dayOf(text: string | undefined): CivilDay | null {
  const parts = dateParts(text);
  return parts ? civilDay(...parts) : null;
}

function compile(calendar: CalendarDefinition): Compiled {
  const cached = compiledCache.get(calendar);
  if (cached) return cached;
  const holidays = new Set<CivilDay>();
  const yearly = new Set<string>();
  for (const holiday of calendar.holidays) {
    if (holiday.yearly) yearly.add(holiday.date.slice(5));
    else {
      const day = dayOf(holiday.date);
      if (day !== null) holidays.add(day);
    }
  }
  const exceptions = [];
  for (const exception of calendar.exceptions) {
    const from = dayOf(exception.start_date);
    const to = exception.end_date === undefined ? from : dayOf(exception.end_date);
    if (from !== null && to !== null) exceptions.push({ from, to, spans: spansOf(exception.hours) });
  }
  const compiled: Compiled = {
    zone: calendar.time_zone,
    weekly: WEEKDAYS.map((day) => spansOf(calendar.weekly_hours[day] ?? [])),
    holidays,
    yearly,
    exceptions,
  };
  compiledCache.set(calendar, compiled);
  return compiled;
}

/** A day's hours: its exception's, else none on a holiday, else its weekday's. */
function spansOn(calendar: Compiled, day: CivilDay): readonly [number, number][] {
  for (const exception of calendar.exceptions) if (exception.from <= day && day <= exception.to) return exception.spans;
  if (calendar.holidays.has(day)) return [];
  const { month, date, weekday } = dateOf(day);
  if (calendar.yearly.size > 0 && calendar.yearly.has(`${String(month).padStart(2, "0")}-${String(date).padStart(2, "0")}`)) return [];
  return calendar.weekly[weekday] ?? [];
}

/** A day's openings as instants [from, to), in order. */
function openingsOn(calendar: Compiled, day: CivilDay): [number, number][] {
  return spansOn(calendar, day).map(([start, end]) => [instantOf(calendar.zone, day, start), instantOf(calendar.zone, day, end)]);
}

/**
 * Whether `calendar` is open at `instant` (epoch ms).
 *
 * @example
 * const office = { time_zone: "Europe/Madrid", weekly_hours: { monday: [{ start: "09:00", end: "17:00" }] }, holidays: [], exceptions: [] };
 * isOpen(office, Date.parse("2026-01-05T08:30:00Z")) // true — 09:30 in Madrid, a Monday
 */
export function isOpen(calendar: CalendarDefinition, instant: number): boolean {
  const compiled = compile(calendar);
  const today = localTime(compiled.zone, instant).day;
  for (const day of [today - 1, today]) {
    for (const [from, to] of openingsOn(compiled, day)) if (from <= instant && instant < to) return true;
  }
  return false;
}

/**
 * Whether `calendar` is open at `instant`, and the next instant its state changes (ISO 8601, UTC),
 * looking at most `horizonDays` ahead (null: no change in that time — always open, or closed for good).
 *
 * @example
 * calendarState(office, Date.parse("2026-01-05T08:30:00Z")) // { open: true, next_change: "2026-01-05T16:00:00Z" }
 */
export function calendarState(calendar: CalendarDefinition, instant: number, horizonDays = NEXT_CHANGE_HORIZON_DAYS): CalendarState {
  const compiled = compile(calendar);
  const today = localTime(compiled.zone, instant).day;
  // Openings come in order of their start, as wall-clock minutes since the epoch's local midnight;
  // those that touch or overlap are merged into runs, and only a run's two ends are made instants
  // (Intl is the cost: an always-open calendar is one run, two conversions). A run is settled once the
  // next opening starts after it: it holds the instant, comes after it, or is passed over.
  const at = (minute: number): number => instantOf(compiled.zone, Math.floor(minute / DAY_MINUTES), minute % DAY_MINUTES);
  let run: [number, number] | null = null;
  const settle = ([start, end]: [number, number]): CalendarState | null => {
    const from = at(start);
    if (instant < from) return { open: false, next_change: isoOf(from) };
    const to = at(end);
    if (instant < to) return { open: true, next_change: isoOf(to) };
    return null;
  };
  const lastDay = today + Math.max(1, Math.min(horizonDays, MAX_HORIZON_DAYS));
  for (let day = today - 1; day <= lastDay; day++) {
    for (const [start, end] of spansOn(compiled, day)) {
      const opening: [number, number] = [day * DAY_MINUTES + start, day * DAY_MINUTES + end];
      // A short gap on the wall clock may be none at all in time (an end skipped by a change to daylight time).
      const touches = run && (opening[0] <= run[1] || (opening[0] - run[1] < DST_GAP_MINUTES && at(opening[0]) <= at(run[1])));
      if (run && touches) {
        run[1] = Math.max(run[1], opening[1]);
        continue;
      }
      if (run) {
        const state = settle(run);
        if (state) return state;
      }
      run = opening;
    }
  }
  if (!run) return { open: false, next_change: null };
  // The last run: one still open when the horizon's last day begins has no change within the horizon.
  if (run[1] >= lastDay * DAY_MINUTES && instant >= at(run[0])) return { open: true, next_change: null };
  return settle(run) ?? { open: false, next_change: null };
}
