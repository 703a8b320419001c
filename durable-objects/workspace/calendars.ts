/**
 * Business calendars of a workspace (issue 16, business hours): stored here, checked by the pure
 * evaluator's rules (common/calendars/), read by flows (`calendarStatus`, Liquid `calendars.<name>.open`)
 * and pushed to the Routers with the configuration snapshot for workflow expressions
 * (`taskrouter.calendars.<unique_name>.open`). A calendar is found by SID (BC…) or unique name; the
 * unique name is what expressions and flows write, so it is an identifier, and a calendar a workflow
 * or TaskQueue names can be neither deleted nor renamed (409 naming it) — it would stop routing.
 * A calendar change is a configuration change (the Routers get it) with no TaskRouter event: Twilio
 * has no such resource.
 */
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { isSid, newSid } from "../../contract/ids";
import { iso, type IsoDate } from "../../contract/taskrouter";
import { calendarState, checkCalendar, type CalendarDefinition, type CalendarState } from "../common/calendars";
import type { CalendarStatus } from "../flow/engine/types";
import type { SqlExec } from "../kit/sql-host";
import { pageOfRows } from "../kit/paging";
import type { Change, Scope } from "./config-change";
import { checkFriendlyName } from "./checks";
import { taskQueueRows, workflowRows } from "./workspace-rows";
import { calendarRefs, calendarsNamedBy } from "../router/workflow";
import { tryCompileExpression } from "../router/expression";

type ReadScope = Pick<Scope, "sql" | "ws">;

/** Rows come back as generic records; the casts name the table's shape once, here. */
function rows<T>(sql: SqlExec, query: string, ...bindings: (string | number | null)[]): T[] {
  return sql.exec(query, ...bindings).toArray() as unknown as T[];
}

/** An identifier, so `taskrouter.calendars.<name>.open` and Liquid's `calendars.<name>.open` can write it. */
const UNIQUE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const MAX_CALENDARS = 100;

/** A calendar as the API shows it (Twilio's snake_case; the route adds `url` and `links`). */
export interface CalendarRecord extends CalendarDefinition {
  readonly sid: string;
  readonly account_sid: string;
  readonly workspace_sid: string;
  readonly friendly_name: string;
  readonly unique_name: string;
  readonly date_created: IsoDate;
  readonly date_updated: IsoDate;
}

/** A calendar's state at an instant, as `GET …/calendars/{Sid}/status` answers it. */
export interface CalendarStatusRecord extends CalendarState {
  readonly sid: string;
  readonly unique_name: string;
  readonly time_zone: string;
  readonly at: IsoDate;
}

/** What the Worker passes: the structured parts as parsed JSON, checked here. */
export interface CreateCalendarInput {
  readonly uniqueName: string;
  /** Default: the unique name. */
  readonly friendlyName?: string;
  readonly timeZone: string;
  readonly weeklyHours?: unknown;
  readonly holidays?: unknown;
  readonly exceptions?: unknown;
}
/** Each part given replaces the stored one; omitted parts stay. */
export type UpdateCalendarInput = Partial<CreateCalendarInput>;

/** What the Routers get in the snapshot: each calendar by the name expressions use. */
export interface NamedCalendar {
  readonly unique_name: string;
  readonly calendar: CalendarDefinition;
}

interface CalendarRow {
  readonly sid: string;
  readonly friendly_name: string;
  readonly unique_name: string;
  readonly definition: string;
  readonly date_created: number;
  readonly date_updated: number;
}

function calendarRows(sql: SqlExec): CalendarRow[] {
  return rows<CalendarRow>(sql, "SELECT * FROM calendars ORDER BY date_created, sid");
}

function calendarRow(sql: SqlExec, sidOrUniqueName: string): CalendarRow | undefined {
  return rows<CalendarRow>(
    sql,
    "SELECT * FROM calendars WHERE sid = ? OR unique_name = ? ORDER BY sid = ? DESC LIMIT 1",
    sidOrUniqueName,
    sidOrUniqueName,
    sidOrUniqueName,
  )[0];
}

const definitionOf = (row: CalendarRow): CalendarDefinition => JSON.parse(row.definition) as CalendarDefinition;

function calendarRecord(scope: ReadScope, row: CalendarRow): CalendarRecord {
  const definition = definitionOf(row);
  return {
    sid: row.sid,
    account_sid: scope.ws.account_sid,
    workspace_sid: scope.ws.sid,
    friendly_name: row.friendly_name,
    unique_name: row.unique_name,
    time_zone: definition.time_zone,
    weekly_hours: definition.weekly_hours,
    holidays: definition.holidays,
    exceptions: definition.exceptions,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}

/** Every calendar by unique name, for the Routers' snapshot. */
export function namedCalendars(sql: SqlExec): NamedCalendar[] {
  return calendarRows(sql).map((row) => ({ unique_name: row.unique_name, calendar: definitionOf(row) }));
}

/** The unique names of the workspace's calendars, for checking a workflow's expressions. */
export function calendarNames(sql: SqlExec): Set<string> {
  return new Set(rows<{ unique_name: string }>(sql, "SELECT unique_name FROM calendars").map((row) => row.unique_name));
}

export function listCalendars(scope: ReadScope, page: PageRequest): ApiResult<Page<CalendarRecord>> {
  return pageOfRows(calendarRows(scope.sql), page, (row) => calendarRecord(scope, row));
}

/** By SID (BC…) or unique name. */
export function getCalendar(scope: ReadScope, sidOrUniqueName: string): ApiResult<CalendarRecord> {
  const row = calendarRow(scope.sql, sidOrUniqueName);
  return row ? ok(calendarRecord(scope, row)) : notFound("Calendar", sidOrUniqueName);
}

/**
 * Every calendar's state at `at`, by unique name: what a flow's Liquid and splits read.
 *
 * @example
 * calendarStatus(scope, Date.parse("2026-01-05T08:30:00Z")) // { support: { open: true, next_change: "2026-01-05T16:00:00Z" } }
 */
export function calendarStatus(scope: ReadScope, at: number): ApiResult<CalendarStatus> {
  const status: Record<string, CalendarState> = {};
  for (const row of calendarRows(scope.sql)) status[row.unique_name] = calendarState(definitionOf(row), at);
  return ok(status);
}

/** One calendar's state at `at`. */
export function calendarStatusOf(scope: ReadScope, sidOrUniqueName: string, at: number): ApiResult<CalendarStatusRecord> {
  const row = calendarRow(scope.sql, sidOrUniqueName);
  if (!row) return notFound("Calendar", sidOrUniqueName);
  const definition = definitionOf(row);
  return ok({ sid: row.sid, unique_name: row.unique_name, time_zone: definition.time_zone, at: iso(at), ...calendarState(definition, at) });
}

/** The first workflow, else TaskQueue, whose expressions name calendar `uniqueName`, if any. */
function userOf(sql: SqlExec, uniqueName: string): { what: "Workflow" | "TaskQueue"; sid: string; friendly_name: string } | undefined {
  const workflow = workflowRows(sql).find((row) => calendarsNamedBy(row.configuration).has(uniqueName));
  if (workflow) return { what: "Workflow", sid: workflow.sid, friendly_name: workflow.friendly_name };
  const queue = taskQueueRows(sql).find((row) => {
    const compiled = tryCompileExpression(row.target_workers, "queue");
    return compiled.ok && calendarRefs(compiled.expression).includes(uniqueName);
  });
  return queue ? { what: "TaskQueue", sid: queue.sid, friendly_name: queue.friendly_name } : undefined;
}

function inUse(sql: SqlExec, row: CalendarRow, doing: string): ApiResult<never> | null {
  const user = userOf(sql, row.unique_name);
  if (!user) return null;
  const change = user.what === "Workflow" ? "the workflow" : "the queue's TargetWorkers";
  return fail(
    409,
    20409,
    `Cannot ${doing} Calendar ${row.unique_name}: ${user.what} ${user.sid} ('${user.friendly_name}') names it in an expression (taskrouter.calendars.${row.unique_name}); change ${change} first`,
  );
}

/** The row a create or update would store, after every check. */
function validRow(scope: Scope, current: CalendarRow | undefined, input: UpdateCalendarInput): ApiResult<CalendarRow> {
  const uniqueName = input.uniqueName ?? current?.unique_name;
  if (uniqueName === undefined) return invalid("UniqueName", "is required");
  if (!UNIQUE_NAME.test(uniqueName) || isSid("BC", uniqueName))
    return invalid(
      "UniqueName",
      `must be 1 to 64 letters, digits or underscores starting with a letter (it is written in expressions as taskrouter.calendars.<name>), got ${JSON.stringify(uniqueName)}`,
    );
  const clash = calendarRow(scope.sql, uniqueName);
  if (clash && clash.sid !== current?.sid)
    return invalid("UniqueName", `a Calendar with unique name ${JSON.stringify(uniqueName)} already exists`);
  const friendlyName = input.friendlyName ?? current?.friendly_name ?? uniqueName;
  const bad = checkFriendlyName("FriendlyName", friendlyName);
  if (bad) return bad;
  const before = current ? definitionOf(current) : undefined;
  const timeZone = input.timeZone ?? before?.time_zone;
  if (timeZone === undefined) return invalid("TimeZone", "is required (an IANA time zone, e.g. America/New_York)");
  const checked = checkCalendar({
    time_zone: timeZone,
    weekly_hours: input.weeklyHours ?? before?.weekly_hours,
    holidays: input.holidays ?? before?.holidays,
    exceptions: input.exceptions ?? before?.exceptions,
  });
  if (!checked.ok) return invalid(checked.problem.param, checked.problem.message);
  return ok({
    sid: current?.sid ?? newSid("BC"),
    friendly_name: friendlyName,
    unique_name: uniqueName,
    definition: JSON.stringify(checked.calendar),
    date_created: current?.date_created ?? scope.now,
    date_updated: scope.now,
  });
}

function save(sql: SqlExec, row: CalendarRow): void {
  sql.exec(
    `INSERT INTO calendars (sid, friendly_name, unique_name, definition, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET friendly_name = excluded.friendly_name, unique_name = excluded.unique_name,
       definition = excluded.definition, date_updated = excluded.date_updated`,
    row.sid,
    row.friendly_name,
    row.unique_name,
    row.definition,
    row.date_created,
    row.date_updated,
  );
}

export function createCalendar(scope: Scope, input: CreateCalendarInput): ApiResult<Change<CalendarRecord>> {
  const count = rows<{ n: number }>(scope.sql, "SELECT COUNT(*) AS n FROM calendars")[0]?.n ?? 0;
  if (count >= MAX_CALENDARS) return fail(400, 20001, `A workspace has at most ${MAX_CALENDARS} calendars`);
  const row = validRow(scope, undefined, input);
  if (!row.ok) return row;
  save(scope.sql, row.value);
  return ok({ value: calendarRecord(scope, row.value), events: [] });
}

export function updateCalendar(scope: Scope, sidOrUniqueName: string, input: UpdateCalendarInput): ApiResult<Change<CalendarRecord>> {
  const current = calendarRow(scope.sql, sidOrUniqueName);
  if (!current) return notFound("Calendar", sidOrUniqueName);
  const row = validRow(scope, current, input);
  if (!row.ok) return row;
  if (row.value.unique_name !== current.unique_name) {
    const used = inUse(scope.sql, current, "rename");
    if (used) return used;
  }
  save(scope.sql, row.value);
  return ok({ value: calendarRecord(scope, row.value), events: [] });
}

export function deleteCalendar(scope: Scope, sidOrUniqueName: string): ApiResult<Change<null>> {
  const current = calendarRow(scope.sql, sidOrUniqueName);
  if (!current) return notFound("Calendar", sidOrUniqueName);
  const used = inUse(scope.sql, current, "delete");
  if (used) return used;
  scope.sql.exec("DELETE FROM calendars WHERE sid = ?", current.sid);
  return ok({ value: null, events: [] });
}
