/**
 * Business calendars in the WorkspaceDO: stored and checked (a bad one is refused naming the field and
 * changes nothing), `calendarStatus` — what a flow reads — at fixed instants, the Routers' snapshot
 * carrying them, and the link with workflows: an expression naming a calendar the workspace lacks is
 * refused on save, and a calendar a workflow names cannot be deleted or renamed (409 naming it).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newSid } from "../../contract/ids";
import type { ApiResult } from "../../durable-objects/common/rpc";
import { workspaceFor } from "../../platform/objects";

const ACCOUNT = "AC" + "c".repeat(32);
const ALL = { pageSize: 1000, page: 0 };

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
}

async function newWorkspace() {
  const sid = newSid("WS");
  const stub = workspaceFor(env, sid);
  value(await stub.createWorkspace(ACCOUNT, sid, { friendlyName: "Hours" }));
  return { sid, stub };
}

const weekdays = { start: "09:00", end: "17:00" };
const support = {
  uniqueName: "support",
  friendlyName: "Support hours",
  timeZone: "Europe/Madrid",
  weeklyHours: { monday: [weekdays], tuesday: [weekdays], wednesday: [weekdays], thursday: [weekdays], friday: [weekdays] },
  holidays: [{ date: "2000-12-25", name: "Navidad", yearly: true }],
  exceptions: [{ start_date: "2026-12-24", hours: [{ start: "09:00", end: "13:00" }] }],
};

describe("calendars in the WorkspaceDO", () => {
  it("stores a calendar, finds it by SID or unique name, and answers calendarStatus at fixed instants", async () => {
    const { sid, stub } = await newWorkspace();
    const created = value(await stub.createCalendar(ACCOUNT, support));
    expect(created).toMatchObject({
      account_sid: ACCOUNT,
      workspace_sid: sid,
      friendly_name: "Support hours",
      unique_name: "support",
      time_zone: "Europe/Madrid",
      holidays: [{ date: "2000-12-25", name: "Navidad", yearly: true }],
    });
    expect(created.sid).toMatch(/^BC[0-9a-f]{32}$/);
    expect(value(await stub.getCalendar(ACCOUNT, "support")).sid).toBe(created.sid);
    expect(value(await stub.getCalendar(ACCOUNT, created.sid)).unique_name).toBe("support");
    value(
      await stub.createCalendar(ACCOUNT, {
        uniqueName: "night",
        timeZone: "UTC",
        weeklyHours: { sunday: [{ start: "22:00", end: "06:00" }] },
      }),
    );

    // Monday 2026-01-05 10:00 CET = 09:00Z: support open until 17:00 CET = 16:00Z; night closed until Sunday 22:00Z.
    expect(value(await stub.calendarStatus(ACCOUNT, Date.parse("2026-01-05T09:00:00Z")))).toEqual({
      support: { open: true, next_change: "2026-01-05T16:00:00Z" },
      night: { open: false, next_change: "2026-01-11T22:00:00Z" },
    });
    // Thursday 2026-12-24 13:30 CET = 12:30Z: after the exception's 13:00; Friday the 25th is a holiday, so Monday 28th 09:00 CET = 08:00Z.
    expect(value(await stub.calendarStatus(ACCOUNT, Date.parse("2026-12-24T12:30:00Z"))).support).toEqual({
      open: false,
      next_change: "2026-12-28T08:00:00Z",
    });
    expect(value(await stub.calendarStatusOf(ACCOUNT, "night", Date.parse("2026-01-11T23:00:00Z")))).toEqual({
      sid: expect.stringMatching(/^BC/),
      unique_name: "night",
      time_zone: "UTC",
      at: "2026-01-11T23:00:00Z",
      open: true,
      next_change: "2026-01-12T06:00:00Z",
    });
    expect(value(await stub.listCalendars(ACCOUNT, ALL)).items.map((c) => c.unique_name)).toEqual(["support", "night"]);
  });

  it("answers an empty status for a workspace without calendars, and 404 for another account", async () => {
    const { stub } = await newWorkspace();
    expect(value(await stub.calendarStatus(ACCOUNT, Date.now()))).toEqual({});
    const other = await stub.calendarStatus("AC" + "d".repeat(32), Date.now());
    expect(other.ok ? 200 : other.status).toBe(404);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an unknown zone", { timeZone: "Mars/Olympus" }, 'Invalid parameter TimeZone: "Mars/Olympus" is not an IANA time zone'],
    [
      "25:00",
      { weeklyHours: { monday: [{ start: "09:00", end: "25:00" }] } },
      'Invalid parameter WeeklyHours: monday interval 1: end "25:00"',
    ],
    [
      "overlapping intervals",
      { weeklyHours: { friday: [weekdays, { start: "16:00", end: "18:00" }] } },
      "Invalid parameter WeeklyHours: friday interval 2 overlaps interval 1",
    ],
    ["a unique name that is not an identifier", { uniqueName: "after-hours" }, "Invalid parameter UniqueName"],
    ["a taken unique name", { uniqueName: "support" }, 'a Calendar with unique name "support" already exists'],
  ])("refuses %s with a 400 naming the field, storing nothing", async (_name, change, message) => {
    const { stub } = await newWorkspace();
    value(await stub.createCalendar(ACCOUNT, support));
    const before = value(await stub.getSnapshot(ACCOUNT)).version;
    const refused = await stub.createCalendar(ACCOUNT, { ...support, uniqueName: "other", ...change });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.status).toBe(400);
    expect(refused.message).toContain(message);
    expect(value(await stub.listCalendars(ACCOUNT, ALL)).items).toHaveLength(1);
    expect(value(await stub.getSnapshot(ACCOUNT)).version).toBe(before);
    // An update with the same mistake changes nothing either.
    if (change.uniqueName !== "support") {
      const update = await stub.updateCalendar(ACCOUNT, "support", change);
      expect(update.ok).toBe(false);
    }
    expect(value(await stub.getCalendar(ACCOUNT, "support")).time_zone).toBe("Europe/Madrid");
  });

  it("updates replace only the parts given", async () => {
    const { stub } = await newWorkspace();
    value(await stub.createCalendar(ACCOUNT, support));
    const updated = value(await stub.updateCalendar(ACCOUNT, "support", { holidays: [] }));
    expect(updated.holidays).toEqual([]);
    expect(updated.time_zone).toBe("Europe/Madrid");
    expect(updated.weekly_hours.monday).toEqual([weekdays]);
    expect(updated.exceptions).toHaveLength(1);
  });

  it("goes to the Routers in the snapshot, and ties workflows to the calendars they name", async () => {
    const { stub } = await newWorkspace();
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Support" }));
    const configuration = JSON.stringify({
      task_routing: {
        filters: [
          { filter_friendly_name: "Open", expression: "taskrouter.calendars.support.open == true", targets: [{ queue: queue.sid }] },
        ],
      },
    });
    const early = await stub.createWorkflow(ACCOUNT, { friendlyName: "Hours", configuration });
    expect(early.ok ? 200 : [early.status, early.message]).toEqual([
      400,
      expect.stringContaining(
        "task_routing.filters[0].expression: names calendar 'support' (taskrouter.calendars.support.open), which this workspace does not have",
      ),
    ]);

    const calendar = value(await stub.createCalendar(ACCOUNT, support));
    const snapshot = value(await stub.getSnapshot(ACCOUNT));
    expect(snapshot.calendars).toEqual([{ unique_name: "support", calendar: expect.objectContaining({ time_zone: "Europe/Madrid" }) }]);
    const workflow = value(await stub.createWorkflow(ACCOUNT, { friendlyName: "Hours", configuration }));

    for (const refused of [
      await stub.deleteCalendar(ACCOUNT, calendar.sid),
      await stub.updateCalendar(ACCOUNT, "support", { uniqueName: "support2" }),
    ]) {
      expect(refused.ok ? 200 : [refused.status, refused.message]).toEqual([
        409,
        expect.stringContaining(`Workflow ${workflow.sid} ('Hours')`),
      ]);
    }
    expect(value(await stub.getCalendar(ACCOUNT, "support")).sid).toBe(calendar.sid);

    // Once the workflow no longer names it, it can go.
    value(
      await stub.updateWorkflow(ACCOUNT, workflow.sid, {
        configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
      }),
    );
    value(await stub.deleteCalendar(ACCOUNT, calendar.sid));
    const gone = await stub.getCalendar(ACCOUNT, calendar.sid);
    expect(gone.ok ? 200 : gone.status).toBe(404);
    expect(value(await stub.getSnapshot(ACCOUNT)).calendars).toEqual([]);
  });

  it("ties TaskQueues to the calendars their TargetWorkers name, as workflows are", async () => {
    const { stub } = await newWorkspace();
    const targetWorkers = "taskrouter.calendars.night.open == true AND skills HAS 'nights'";
    const early = await stub.createTaskQueue(ACCOUNT, { friendlyName: "Night desk", targetWorkers });
    expect(early.ok ? 200 : [early.status, early.message]).toEqual([
      400,
      "Invalid parameter TargetWorkers: names calendar 'night' (taskrouter.calendars.night.open), which this workspace does not have",
    ]);
    value(
      await stub.createCalendar(ACCOUNT, {
        uniqueName: "night",
        timeZone: "UTC",
        weeklyHours: { sunday: [{ start: "22:00", end: "06:00" }] },
      }),
    );
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Night desk", targetWorkers }));
    const refused = await stub.deleteCalendar(ACCOUNT, "night");
    expect(refused.ok ? 200 : [refused.status, refused.message]).toEqual([
      409,
      expect.stringContaining(`TaskQueue ${queue.sid} ('Night desk')`),
    ]);
    value(await stub.updateTaskQueue(ACCOUNT, queue.sid, { targetWorkers: "skills HAS 'nights'" }));
    value(await stub.deleteCalendar(ACCOUNT, "night"));
  });
});
