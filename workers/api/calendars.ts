/**
 * Business calendars of a workspace (Switchboard-native, under /api; issue 16, business hours): a time
 * zone, weekly hours, holidays and exceptions, which flows read as `calendars.<unique_name>.open` and
 * workflow expressions as `taskrouter.calendars.<unique_name>.open`. Basic auth, Twilio error bodies,
 * form or JSON bodies like every other /api route: the structured parts are JSON (`WeeklyHours`,
 * `Holidays`, `Exceptions` as JSON text in a form, or as values in a JSON body). A calendar is addressed
 * by SID (BC…) or unique name; `…/status` tells an admin whether it is open at an instant and when that
 * changes next.
 *
 * @example
 * curl -u "$ACCOUNT_SID:$AUTH_TOKEN" https://switchboard.example/api/workspaces/WS…/calendars \
 *   -d UniqueName=support -d TimeZone=Europe/Madrid \
 *   --data-urlencode 'WeeklyHours={"monday":[{"start":"09:00","end":"17:30"}]}'
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { CalendarRecord, CreateCalendarInput, UpdateCalendarInput } from "../../durable-objects/workspace/calendars";
import { defined } from "../../durable-objects/common/rpc";
import { basicAuth, type AuthVariables } from "../auth/basic";
import type { Env } from "../../platform/env";
import { ApiError } from "../http/errors";
import { date, sid, str } from "./taskrouter/params";
import { mountOne, resourceRoutes } from "./taskrouter/context";
import { unwrap } from "./taskrouter/wire";
import { workspaceFor } from "../../platform/objects";

const BASE = "/workspaces/:WorkspaceSid/calendars";
const ONE = `${BASE}/:CalendarSid`;
const STATUS = `${ONE}/status`;
const MAX_PART_BYTES = 32_768;

/** A JSON value carried as text (a form) or given as a value (a JSON body, which the wire reads as its text). */
function jsonText(what: string) {
  return z.string().transform((text, ctx) => {
    if (new TextEncoder().encode(text).length > MAX_PART_BYTES) {
      ctx.addIssue({ code: "custom", message: `must be at most ${MAX_PART_BYTES} bytes of JSON` });
      return z.NEVER;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: `must be JSON: ${what}` });
      return z.NEVER;
    }
  });
}

const partParams = {
  FriendlyName: str({ min: 1, max: 64 }).optional().describe("A name for people; default the unique name"),
  TimeZone: str({ min: 1, max: 64 })
    .optional()
    .describe("IANA time zone the hours are wall-clock times in, e.g. America/New_York (required on create)"),
  WeeklyHours: jsonText('{"monday":[{"start":"09:00","end":"17:30"}], …}')
    .optional()
    .describe(
      'Weekday (monday … sunday) → open intervals {"start":"HH:MM","end":"HH:MM"}, at most 8 a day; an end not after the start runs overnight, "24:00" is midnight; missing days are closed',
    ),
  Holidays: jsonText('[{"date":"2026-12-25","name":"Christmas","yearly":true}]')
    .optional()
    .describe('Dates closed all day: [{"date":"YYYY-MM-DD","name":…,"yearly":true|false}], at most 366'),
  Exceptions: jsonText('[{"start_date":"2026-12-24","end_date":"2026-12-24","hours":[{"start":"09:00","end":"13:00"}]}]')
    .optional()
    .describe(
      'Dates or ranges with their own hours (none: closed), overriding holidays and the week: [{"start_date":…,"end_date":…,"name":…,"hours":[…]}], at most 100, not overlapping',
    ),
};
const uniqueName = str({ min: 1, max: 64 }).describe(
  "Letters, digits and underscores, starting with a letter: how flows (calendars.<name>.open) and workflow expressions (taskrouter.calendars.<name>.open) name it",
);

type CalendarsEnv = { Bindings: Env; Variables: AuthVariables };
export const calendars = new Hono<CalendarsEnv>();
for (const path of [BASE, ONE, STATUS]) calendars.use(path, basicAuth());

const workspaceSid = (c: Context) => {
  const raw = c.req.param("WorkspaceSid");
  const parsed = sid("WS").safeParse(raw);
  if (!parsed.success) throw new ApiError(404, 20404, `The requested resource Workspace ${raw ?? ""} was not found`);
  return parsed.data;
};
const workspace = (c: Context<CalendarsEnv>) => workspaceFor(c.env, workspaceSid(c));
const calendarRef = (c: Context) => c.req.param("CalendarSid") ?? "";

function calendarBody(c: Context, record: CalendarRecord) {
  const url = `${new URL(c.req.url).origin}/api/workspaces/${record.workspace_sid}/calendars/${record.sid}`;
  return { ...record, url, links: { status: `${url}/status` } };
}

type PartParams = z.output<z.ZodObject<typeof partParams>>;
const changeInput = (p: PartParams): UpdateCalendarInput =>
  defined({
    friendlyName: p.FriendlyName,
    timeZone: p.TimeZone,
    weeklyHours: p.WeeklyHours,
    holidays: p.Holidays,
    exceptions: p.Exceptions,
  });

resourceRoutes(calendars, {
  path: BASE,
  itemPath: ONE,
  prefix: "/api",
  tag: "Calendars",
  listKey: "calendars",
  body: calendarBody,
  sid: calendarRef,
  create: {
    summary: "Create a business calendar (time zone, weekly hours, holidays, exceptions)",
    params: { UniqueName: uniqueName, ...partParams },
    run: (c, p) => {
      if (p.TimeZone === undefined)
        throw new ApiError(400, 20001, "Invalid parameter TimeZone: is required (an IANA time zone, e.g. America/New_York)");
      const input: CreateCalendarInput = { ...changeInput(p), uniqueName: p.UniqueName, timeZone: p.TimeZone };
      return workspace(c).createCalendar(c.get("accountSid"), input);
    },
  },
  list: {
    summary: "List the workspace's business calendars",
    params: {},
    run: (c, _p, page) => workspace(c).listCalendars(c.get("accountSid"), page),
  },
  fetch: {
    summary: "Fetch a business calendar by SID or unique name",
    run: (c, ref) => workspace(c).getCalendar(c.get("accountSid"), ref),
  },
  update: {
    summary:
      "Update a business calendar; each part given replaces the stored one (a new UniqueName is refused while a workflow names the old)",
    params: { UniqueName: uniqueName.optional(), ...partParams },
    run: (c, ref, p) =>
      workspace(c).updateCalendar(c.get("accountSid"), ref, { ...changeInput(p), ...defined({ uniqueName: p.UniqueName }) }),
  },
  remove: {
    summary: "Delete a business calendar (409 while a workflow's expression names it)",
    run: (c, ref) => workspace(c).deleteCalendar(c.get("accountSid"), ref),
  },
});

mountOne(
  calendars,
  {
    method: "get",
    path: STATUS,
    prefix: "/api",
    tag: "Calendars",
    summary: "Whether a business calendar is open at an instant (default now), and when that next changes (null: not within 400 days)",
    params: {
      At: date().optional().describe("The instant to ask about, ISO 8601 (default now)"),
      at: date().optional().describe("The same as At"),
    },
  },
  async (c, parse) => {
    const p = await parse();
    const at = p.At ?? p.at ?? Date.now();
    return c.json(unwrap(await workspace(c).calendarStatusOf(c.get("accountSid"), calendarRef(c), at)));
  },
);
