/**
 * Business calendars in workflow expressions (`taskrouter.calendars.<unique_name>.open`): the key's
 * syntax, its value at fixed instants, and a Router routing by it — a task created while the support
 * calendar is open goes to the Support queue, one created after hours to the After hours queue, with
 * the instant injected as every Router call takes it. A calendar pushed in a new snapshot is read by
 * the next task; a snapshot stored before calendars existed reads every calendar as missing (NULL).
 */
import { describe, expect, it } from "vitest";
import { compileExpression, tryCompileExpression } from "../../../durable-objects/router/expression";
import { Router } from "../../../durable-objects/router/lifecycle/router";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import type { CalendarDefinition } from "../../../durable-objects/common/calendars";
import type { WorkspaceConfigSnapshot } from "../../../durable-objects/common/rpc";
import { ACCOUNT, EVERYONE, SUPPORT, snapshot, value, workflow } from "../../workers/router-fixtures";
import { sqliteHost } from "../kit/sqlite-host";

const nineToFive = [{ start: "09:00", end: "17:00" }];
/** New York, Monday to Friday 09:00–17:00. */
const supportHours: CalendarDefinition = {
  time_zone: "America/New_York",
  weekly_hours: { monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive },
  holidays: [{ date: "2026-01-19", name: "MLK Day" }],
  exceptions: [],
};

// Monday 2026-01-05 (EST, −5): 10:00 is 15:00Z, 18:00 is 23:00Z; Saturday 2026-01-10 11:00 is 16:00Z;
// Monday 2026-01-19 (a holiday) 10:00 is 15:00Z.
const MONDAY_10AM = Date.parse("2026-01-05T15:00:00Z");
const MONDAY_6PM = Date.parse("2026-01-05T23:00:00Z");
const SATURDAY_11AM = Date.parse("2026-01-10T16:00:00Z");
const HOLIDAY_10AM = Date.parse("2026-01-19T15:00:00Z");

describe("the taskrouter.calendars key", () => {
  it("reads a calendar by unique name, and only its `open`", () => {
    const expression = compileExpression("taskrouter.calendars.support.open == true", "filter");
    expect(expression.reads.clock).toBe(true); // changes with time: never cached or indexed as a constant
    const calendars = new Map([["support", supportHours]]);
    expect(expression.evaluate({ clock: { now: MONDAY_10AM, calendars } })).toBe(true);
    expect(expression.evaluate({ clock: { now: MONDAY_6PM, calendars } })).toBe(false);
    // A calendar the input lacks is NULL: equal to nothing.
    expect(expression.evaluate({ clock: { now: MONDAY_10AM } })).toBe(false);
    expect(compileExpression("taskrouter.calendars.support.open == false", "filter").evaluate({ clock: { now: MONDAY_10AM } })).toBe(false);
    // A task attribute of the same shape is not confused with it.
    expect(
      compileExpression("calendars.support.open == true", "filter").evaluate({
        task: { attributes: { calendars: { support: { open: true } } } },
      }),
    ).toBe(true);
  });

  it.each([
    ["taskrouter.calendars.support == true", "expected taskrouter.calendars.<calendar unique name>.open"],
    ["taskrouter.calendars.support.closed == true", "expected taskrouter.calendars.<calendar unique name>.open"],
    ["taskrouter.calendar.support.open == true", "taskrouter.calendars.<name>.open"],
  ])("refuses %s", (source, message) => {
    const result = tryCompileExpression(source, "filter");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(message);
  });
});

function routerWith(first: WorkspaceConfigSnapshot) {
  const host = sqliteHost();
  applyMigrations(host, ROUTER_MIGRATIONS);
  const router = new Router(host);
  router.load(MONDAY_10AM);
  value(router.applyConfig(first, [], {}, MONDAY_10AM));
  return router;
}

/** Support while the calendar is open, After hours otherwise. */
function hoursSnapshot(version: number, calendars: WorkspaceConfigSnapshot["calendars"]): WorkspaceConfigSnapshot {
  const configuration = JSON.stringify({
    task_routing: {
      filters: [{ filter_friendly_name: "Open", expression: "taskrouter.calendars.support.open == true", targets: [{ queue: SUPPORT }] }],
      default_filter: { queue: EVERYONE },
    },
  });
  const base = snapshot(version, [workflow({ configuration })]);
  return {
    ...base,
    taskQueues: base.taskQueues.map((queue) => (queue.sid === EVERYONE ? { ...queue, friendly_name: "After hours" } : queue)),
    ...(calendars === undefined ? {} : { calendars }),
  };
}

const queueAt = (router: Router, now: number) =>
  value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, now)).task.task_queue_friendly_name;

describe("a workflow routing by business hours", () => {
  it("sends a task to Support while the calendar is open and to After hours when it is closed", () => {
    const router = routerWith(hoursSnapshot(1, [{ unique_name: "support", calendar: supportHours }]));
    expect(queueAt(router, MONDAY_10AM)).toBe("Support");
    expect(queueAt(router, MONDAY_6PM)).toBe("After hours");
    expect(queueAt(router, SATURDAY_11AM)).toBe("After hours");
    expect(queueAt(router, HOLIDAY_10AM)).toBe("After hours");
  });

  it("reads a calendar changed by a later snapshot", () => {
    const router = routerWith(hoursSnapshot(1, [{ unique_name: "support", calendar: supportHours }]));
    expect(queueAt(router, MONDAY_6PM)).toBe("After hours");
    const late = { ...supportHours, weekly_hours: { ...supportHours.weekly_hours, monday: [{ start: "09:00", end: "20:00" }] } };
    value(router.applyConfig(hoursSnapshot(2, [{ unique_name: "support", calendar: late }]), [], {}, MONDAY_6PM));
    expect(queueAt(router, MONDAY_6PM)).toBe("Support");
  });

  it("reads a calendar as missing in a snapshot stored before calendars existed", () => {
    const router = routerWith(hoursSnapshot(1, undefined));
    expect(queueAt(router, MONDAY_10AM)).toBe("After hours");
  });
});
