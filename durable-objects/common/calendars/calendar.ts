/**
 * A business calendar as it is stored and sent (issue 16, business hours): an IANA time zone, the
 * weekly opening hours, holidays and exceptions — and the checks that keep a stored one sound, each
 * failure naming the parameter, the day and the interval, so an admin fixes it in one read.
 *
 * Hours are wall-clock times "HH:MM" in the calendar's zone. An interval whose end is not after its
 * start runs overnight into the next day ("22:00"–"06:00"), and belongs to the day it starts on (a
 * holiday on Saturday does not cut short Friday's night shift); "24:00" ends an interval at midnight.
 * Which hours a day has: an exception covering the date, else closed if it is a holiday, else its
 * weekday's hours — so an exception overrides a holiday (Christmas Eve 09:00–13:00).
 */
import { isKnownZone } from "./zone";
import { isRecord } from "../../../contract/is-record";

export type Weekday = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";
/** In JavaScript's order (`getUTCDay()`: 0 is Sunday). */
export const WEEKDAYS: readonly Weekday[] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** One open interval, wall-clock "HH:MM" in the calendar's zone; end ≤ start runs overnight, "24:00" is midnight. */
export interface OpenHours {
  readonly start: string;
  readonly end: string;
}

/** A date closed all day; `yearly`: on that month and day every year (29 February only in leap years). */
export interface Holiday {
  readonly date: string;
  readonly name?: string;
  readonly yearly?: boolean;
}

/** A date or an inclusive date range with its own hours (none: closed), overriding holidays and the week. */
export interface CalendarException {
  readonly start_date: string;
  /** Inclusive; the start date when absent. */
  readonly end_date?: string;
  readonly name?: string;
  readonly hours: readonly OpenHours[];
}

export interface CalendarDefinition {
  readonly time_zone: string;
  /** Missing weekdays are closed. */
  readonly weekly_hours: Readonly<Partial<Record<Weekday, readonly OpenHours[]>>>;
  readonly holidays: readonly Holiday[];
  readonly exceptions: readonly CalendarException[];
}

export const MAX_INTERVALS_PER_DAY = 8;
export const MAX_HOLIDAYS = 366;
export const MAX_EXCEPTIONS = 100;
/** The longest exception range, in days. */
export const MAX_EXCEPTION_DAYS = 366;

/** One problem: the API parameter it is about, and what is wrong. */
export interface CalendarProblem {
  readonly param: "TimeZone" | "WeeklyHours" | "Holidays" | "Exceptions";
  readonly message: string;
}

export type CalendarCheck =
  { readonly ok: true; readonly calendar: CalendarDefinition } | { readonly ok: false; readonly problem: CalendarProblem };

const TIME = /^([01][0-9]|2[0-4]):([0-5][0-9])$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const MAX_NAME = 64;

/** Minutes after midnight of "HH:MM" (00:00–24:00), or null. */
export function minutesOf(time: unknown): number | null {
  if (typeof time !== "string") return null;
  const match = TIME.exec(time);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 1440 ? minutes : null;
}

/** [year, month, day] of a real "YYYY-MM-DD" date, or null. `leapDayAnyYear`: 02-29 of any year passes (a yearly holiday). */
export function dateParts(text: unknown, leapDayAnyYear = false): [number, number, number] | null {
  if (typeof text !== "string") return null;
  const match = DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return null;
  if (leapDayAnyYear && month === 2 && day === 29) return [year, month, day];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? [year, month, day] : null;
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

type Problem = (message: string) => CalendarCheck;

/** One day's intervals: [start, end) in minutes, end past 1440 when overnight; sorted, checked for overlaps. */
function checkDay(value: unknown, where: string, problem: Problem): { ok: true; spans: [number, number][] } | CalendarCheck {
  if (!Array.isArray(value)) return problem(`${where} must be a list of {"start":"HH:MM","end":"HH:MM"} intervals`);
  if (value.length > MAX_INTERVALS_PER_DAY) return problem(`${where} has ${value.length} intervals; at most ${MAX_INTERVALS_PER_DAY}`);
  const spans: [number, number, number][] = [];
  for (const [index, interval] of value.entries()) {
    const label = `${where} interval ${index + 1}`;
    if (!isRecord(interval) || Object.keys(interval).some((key) => key !== "start" && key !== "end"))
      return problem(`${label} must be {"start":"HH:MM","end":"HH:MM"}, got ${show(interval)}`);
    const start = minutesOf(interval.start);
    const end = minutesOf(interval.end);
    if (start === null || start === 1440)
      return problem(`${label}: start ${show(interval.start)} is not a time of day (HH:MM, 00:00–23:59)`);
    if (end === null) return problem(`${label}: end ${show(interval.end)} is not a time of day (HH:MM, 00:00–24:00)`);
    if (end === start) return problem(`${label}: starts and ends at ${interval.start as string}; use 00:00–24:00 for the whole day`);
    spans.push([start, end > start ? end : end + 1440, index + 1]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    const [prev, next] = [spans[i - 1]!, spans[i]!];
    if (next[0] < prev[1]) return problem(`${where} interval ${next[2]} overlaps interval ${prev[2]}`);
  }
  return { ok: true, spans: spans.map(([start, end]) => [start, end]) };
}

function checkName(value: unknown, label: string, problem: Problem): CalendarCheck | null {
  if (value === undefined || (typeof value === "string" && value.length <= MAX_NAME)) return null;
  return problem(`${label}: name must be a string of at most ${MAX_NAME} characters`);
}

/**
 * Checks a calendar's parts as given (parsed JSON) and returns it normalised, or the first problem.
 *
 * @example
 * checkCalendar({ time_zone: "Europe/Madrid", weekly_hours: { monday: [{ start: "09:00", end: "25:00" }] } })
 * // { ok: false, problem: { param: "WeeklyHours", message: 'monday interval 1: end "25:00" is not a time of day (HH:MM, 00:00–24:00)' } }
 */
export function checkCalendar(input: {
  time_zone: unknown;
  weekly_hours?: unknown;
  holidays?: unknown;
  exceptions?: unknown;
}): CalendarCheck {
  const fail =
    (param: CalendarProblem["param"]): Problem =>
    (message) => ({ ok: false, problem: { param, message } });

  if (typeof input.time_zone !== "string" || !isKnownZone(input.time_zone))
    return fail("TimeZone")(`${show(input.time_zone)} is not an IANA time zone (e.g. "America/New_York", "Europe/Madrid", "UTC")`);

  const week = fail("WeeklyHours");
  const weekly = input.weekly_hours ?? {};
  if (!isRecord(weekly)) return week(`must be an object of weekday → intervals, e.g. {"monday":[{"start":"09:00","end":"17:30"}]}`);
  const spansByDay = new Map<Weekday, [number, number][]>();
  for (const [day, value] of Object.entries(weekly)) {
    if (!WEEKDAYS.includes(day as Weekday)) return week(`${show(day)} is not a weekday (monday … sunday, lower case)`);
    const checked = checkDay(value, day, week);
    if (!("spans" in checked)) return checked;
    spansByDay.set(day as Weekday, checked.spans);
  }
  // A night shift must end before the next day's first interval starts.
  for (const [index, day] of WEEKDAYS.entries()) {
    const next = WEEKDAYS[(index + 1) % 7]!;
    const spill = Math.max(0, ...(spansByDay.get(day) ?? []).map(([, end]) => end - 1440));
    const first = spansByDay.get(next)?.[0];
    if (spill > 0 && first && first[0] < spill) return week(`${day}'s overnight interval runs into ${next}'s first interval`);
  }

  const holidayProblem = fail("Holidays");
  const holidays = input.holidays ?? [];
  if (!Array.isArray(holidays)) return holidayProblem(`must be a list of {"date":"YYYY-MM-DD","name":…,"yearly":…}`);
  if (holidays.length > MAX_HOLIDAYS) return holidayProblem(`has ${holidays.length} entries; at most ${MAX_HOLIDAYS}`);
  const cleanHolidays: Holiday[] = [];
  for (const [index, holiday] of holidays.entries()) {
    const label = `holiday ${index + 1}`;
    if (!isRecord(holiday) || Object.keys(holiday).some((key) => key !== "date" && key !== "name" && key !== "yearly"))
      return holidayProblem(`${label} must be {"date":"YYYY-MM-DD","name":…,"yearly":…}, got ${show(holiday)}`);
    if (holiday.yearly !== undefined && typeof holiday.yearly !== "boolean")
      return holidayProblem(`${label}: yearly must be true or false`);
    if (!dateParts(holiday.date, holiday.yearly === true))
      return holidayProblem(`${label}: ${show(holiday.date)} is not a date (YYYY-MM-DD)`);
    const named = checkName(holiday.name, label, holidayProblem);
    if (named) return named;
    cleanHolidays.push({
      date: holiday.date as string,
      ...(holiday.name === undefined ? {} : { name: holiday.name as string }),
      ...(holiday.yearly === true ? { yearly: true } : {}),
    });
  }

  const exceptionProblem = fail("Exceptions");
  const exceptions = input.exceptions ?? [];
  if (!Array.isArray(exceptions)) return exceptionProblem(`must be a list of {"start_date":…,"end_date":…,"name":…,"hours":[…]}`);
  if (exceptions.length > MAX_EXCEPTIONS) return exceptionProblem(`has ${exceptions.length} entries; at most ${MAX_EXCEPTIONS}`);
  const cleanExceptions: CalendarException[] = [];
  const ranges: [number, number, number][] = [];
  for (const [index, exception] of exceptions.entries()) {
    const label = `exception ${index + 1}`;
    const keys = ["start_date", "end_date", "name", "hours"];
    if (!isRecord(exception) || Object.keys(exception).some((key) => !keys.includes(key)))
      return exceptionProblem(`${label} must be {"start_date":…,"end_date":…,"name":…,"hours":[…]}, got ${show(exception)}`);
    const start = dateParts(exception.start_date);
    if (!start) return exceptionProblem(`${label}: start_date ${show(exception.start_date)} is not a date (YYYY-MM-DD)`);
    const end = exception.end_date === undefined ? start : dateParts(exception.end_date);
    if (!end) return exceptionProblem(`${label}: end_date ${show(exception.end_date)} is not a date (YYYY-MM-DD)`);
    const [from, to] = [Date.UTC(start[0], start[1] - 1, start[2]) / 86_400_000, Date.UTC(end[0], end[1] - 1, end[2]) / 86_400_000];
    if (to < from)
      return exceptionProblem(`${label}: end_date ${exception.end_date as string} is before start_date ${exception.start_date as string}`);
    if (to - from + 1 > MAX_EXCEPTION_DAYS) return exceptionProblem(`${label} spans ${to - from + 1} days; at most ${MAX_EXCEPTION_DAYS}`);
    const named = checkName(exception.name, label, exceptionProblem);
    if (named) return named;
    const hours = checkDay(exception.hours ?? [], `${label} hours`, exceptionProblem);
    if (!("spans" in hours)) return hours;
    const clash = ranges.find(([a, b]) => from <= b && a <= to);
    if (clash) return exceptionProblem(`${label} overlaps exception ${clash[2]}: a date has one set of hours`);
    ranges.push([from, to, index + 1]);
    cleanExceptions.push({
      start_date: exception.start_date as string,
      ...(exception.end_date === undefined ? {} : { end_date: exception.end_date as string }),
      ...(exception.name === undefined ? {} : { name: exception.name as string }),
      hours: ((exception.hours as OpenHours[] | undefined) ?? []).map(({ start: s, end: e }) => ({ start: s, end: e })),
    });
  }

  const cleanWeekly: Partial<Record<Weekday, OpenHours[]>> = {};
  for (const day of WEEKDAYS) {
    const value = (weekly as Record<string, OpenHours[] | undefined>)[day];
    if (value !== undefined) cleanWeekly[day] = value.map(({ start, end }) => ({ start, end }));
  }
  return {
    ok: true,
    calendar: { time_zone: input.time_zone, weekly_hours: cleanWeekly, holidays: cleanHolidays, exceptions: cleanExceptions },
  };
}
