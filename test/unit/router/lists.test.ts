/**
 * The Router's lists as Twilio filters and orders them: tasks by status, queue, workflow, priority,
 * expression and Ordering; events by time window (Minutes, StartDate/EndDate) and subject, newest
 * first; and paging by tokens that walk a list exactly once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Router } from "../../../durable-objects/router/lifecycle/router";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { ACCOUNT, AVAILABLE, CHAT, snapshot, value } from "../../workers/router-fixtures";
import { sqliteHost } from "../kit/sqlite-host";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const MINUTE = 60_000;
let router: Router;
const sids: string[] = [];

// Five tasks a minute apart (t0 … t4), with priorities 1, 5, 5, 0, 9; t1 and t3 are support tasks on
// chat, the others sales tasks on the default channel (Everyone); t4 started (VirtualStartTime) an hour
// before T0. Ann (support; capacity 1 per channel) arrives at T0 + 10 min and takes the best task on
// each channel: t1 on chat (priority 5 beats t3's 0), t4 on default (priority 9).
beforeAll(() => {
  const host = sqliteHost();
  applyMigrations(host, ROUTER_MIGRATIONS);
  router = new Router(host);
  router.load(T0);
  value(router.applyConfig(snapshot(), [], {}, T0));
  const specs = [
    { priority: 1, attributes: '{"type":"sales"}' },
    { priority: 5, attributes: '{"type":"support"}', taskChannel: "chat" },
    { priority: 5, attributes: '{"type":"sales"}' },
    { priority: 0, attributes: '{"type":"support"}', taskChannel: "chat" },
    { priority: 9, attributes: '{"type":"sales"}', virtualStartTime: T0 - 60 * MINUTE },
  ];
  specs.forEach((spec, i) => sids.push(value(router.createTask(ACCOUNT, spec, T0 + i * MINUTE)).task.sid));
  value(
    router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' }, T0 + 10 * MINUTE),
  );
});

const names = (found: { items: readonly { sid: string }[] }) => found.items.map((item) => `t${sids.indexOf(item.sid)}`);
const page = { pageSize: 50, page: 0 };
const NOW = T0 + 11 * MINUTE;

describe("tasks", () => {
  it.each([
    ["every task, oldest first", {}, ["t0", "t1", "t2", "t3", "t4"]],
    ["reserved: Ann's two", { assignmentStatus: ["reserved"] as const }, ["t1", "t4"]],
    ["pending or reserved", { assignmentStatus: ["pending", "reserved"] as const }, ["t0", "t1", "t2", "t3", "t4"]],
    ["in the Support queue", { taskQueueName: "Support" }, ["t1", "t3"]],
    ["by workflow name", { workflowName: "Main" }, ["t0", "t1", "t2", "t3", "t4"]],
    ["an unknown workflow name matches nothing", { workflowName: "Nope" }, []],
    ["priority 5", { priority: 5 }, ["t1", "t2"]],
    ["by expression", { evaluateTaskAttributes: "type == 'sales'" }, ["t0", "t2", "t4"]],
    ["Priority:desc, then DateCreated:asc", { ordering: "Priority:desc,DateCreated:asc" }, ["t4", "t1", "t2", "t0", "t3"]],
    ["VirtualStartTime:asc (t4 started an hour early)", { ordering: "VirtualStartTime:asc" }, ["t4", "t0", "t1", "t2", "t3"]],
    ["DateCreated:desc", { ordering: "DateCreated:desc" }, ["t4", "t3", "t2", "t1", "t0"]],
  ])("%s", (_name, filters, expected) => {
    expect(names(value(router.listTasks(ACCOUNT, { ...page, ...filters }, NOW)))).toEqual(expected);
  });

  it("walks pages with tokens, forward and back", () => {
    const first = value(router.listTasks(ACCOUNT, { pageSize: 2, page: 0 }, NOW));
    expect(names(first)).toEqual(["t0", "t1"]);
    const second = value(router.listTasks(ACCOUNT, { pageSize: 2, page: 1, pageToken: first.nextPageToken! }, NOW));
    expect(names(second)).toEqual(["t2", "t3"]);
    const third = value(router.listTasks(ACCOUNT, { pageSize: 2, page: 2, pageToken: second.nextPageToken! }, NOW));
    expect(names(third)).toEqual(["t4"]);
    expect(third.nextPageToken).toBeNull();
    const back = value(router.listTasks(ACCOUNT, { pageSize: 2, page: 1, pageToken: third.previousPageToken! }, NOW));
    expect(names(back)).toEqual(["t2", "t3"]);
    // Pages by number work without a token, as Twilio's Page parameter does.
    expect(names(value(router.listTasks(ACCOUNT, { pageSize: 2, page: 2 }, NOW)))).toEqual(["t4"]);
  });
});

describe("events", () => {
  const types = (found: { items: readonly { event_type: string }[] }) => found.items.map((e) => e.event_type);

  it("lists the last 15 minutes by default, newest first", () => {
    // At T0 + 16 min the window starts at T0 + 1 min: t0's events (at T0) are out, Ann's are in.
    const found = value(router.listEvents(ACCOUNT, { ...page }, T0 + 16 * MINUTE));
    expect(types(found).slice(0, 3)).toEqual(["reservation.created", "reservation.created", "worker.created"]);
    expect(found.items.some((e) => e.event_data.task_sid === sids[0])).toBe(false);
  });

  it.each([
    ["Minutes widens the window: all 23 (4 per task, worker.created, 2 reservation.created)", { minutes: 20 }, 23],
    ["StartDate and EndDate bound it", { startDate: T0, endDate: T0 + 59_999 }, 4], // t0 only: created, entered, matched, queue
    ["by task and type", { startDate: T0 - MINUTE, taskSid: "t1", eventType: "reservation.created" }, 1],
    ["by task channel unique name", { startDate: T0 - MINUTE, taskChannel: "chat", eventType: "task.created" }, 2],
    ["by task channel SID", { startDate: T0 - MINUTE, taskChannel: CHAT, eventType: "task.created" }, 2],
  ])("%s", (_name, query, count) => {
    const resolved = "taskSid" in query ? { ...query, taskSid: sids[Number(query.taskSid.slice(1))] } : query;
    expect(value(router.listEvents(ACCOUNT, { ...page, ...resolved }, T0 + 16 * MINUTE)).items).toHaveLength(count);
  });

  it("refuses a window that ends before it starts", () => {
    expect(router.listEvents(ACCOUNT, { ...page, startDate: T0, endDate: T0 - 1 }, NOW)).toMatchObject({ ok: false, status: 400 });
  });
});
