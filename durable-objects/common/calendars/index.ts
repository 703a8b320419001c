/**
 * Business calendars (issue 16): what one is and its checks (calendar.ts), whether it is open and when
 * that changes (evaluate.ts), on wall-clock arithmetic in its zone (zone.ts). Pure.
 */
export * from "./calendar";
export { calendarState, isOpen, NEXT_CHANGE_HORIZON_DAYS, type CalendarState } from "./evaluate";
export { isKnownZone } from "./zone";
