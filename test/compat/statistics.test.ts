/**
 * Statistics through the stock `twilio` client: the `statistics()`, `realTimeStatistics()` and
 * `cumulativeStatistics()` fetchers of the workspace, a task queue, a workflow and the workers, one
 * worker's statistics, the task queue statistics list and the bulk real-time fetch — with the field
 * types the client exposes (numbers it deserializes, dates, nested objects it passes through).
 *
 * The server runs on the real clock, so waits are not checked here (the workerd tests work them out
 * on a fake clock); counts are: Ann takes the first of two tasks, and the second waits for her.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { raw, switchboardClient } from "./client";

const client = switchboardClient();
let ws: ReturnType<typeof client.taskrouter.v1.workspaces>;
let workspaceSid: string;
let support: string;
let workflowSid: string;
let ann: string;
let first: string;
let second: string;

beforeAll(async () => {
  const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-statistics-${randomUUID().slice(0, 8)}` });
  workspaceSid = workspace.sid;
  ws = client.taskrouter.v1.workspaces(workspaceSid);
  const available = (await ws.activities.list()).find((a) => a.friendlyName === "Available")!.sid;
  support = (await ws.taskQueues.create({ friendlyName: "Support", targetWorkers: "skills HAS 'support'" })).sid;
  const configuration = JSON.stringify({ task_routing: { filters: [], default_filter: { queue: support } } });
  workflowSid = (await ws.workflows.create({ friendlyName: "Main", configuration })).sid;
  ann = (await ws.workers.create({ friendlyName: "Ann", activitySid: available, attributes: '{"skills":["support"]}' })).sid;
  first = (await ws.tasks.create({ workflowSid, attributes: "{}", taskChannel: "voice" })).sid;
  const [reservation] = await ws.tasks(first).reservations.list();
  await ws.tasks(first).reservations(reservation!.sid).update({ reservationStatus: "accepted" });
  second = (await ws.tasks.create({ workflowSid, attributes: "{}", taskChannel: "voice" })).sid;
});

const base = () => `/taskrouter/v1/Workspaces/${workspaceSid}`;
const hour = { minutes: 60 };

describe("workspace", () => {
  it("statistics(): realtime and cumulative nested as plain objects", async () => {
    const stats = await ws.statistics().fetch({ ...hour, splitByWaitTime: "5,30" });
    expect(stats.accountSid).toBe(inject("accountSid"));
    expect(stats.workspaceSid).toBe(workspaceSid);
    expect(stats.url).toMatch(new RegExp(`/Workspaces/${workspaceSid}/Statistics$`));
    expect(stats.realtime).toMatchObject({ total_tasks: 2, total_workers: 1, tasks_by_status: { assigned: 1, pending: 1 } });
    expect(stats.cumulative).toMatchObject({ tasks_created: 2, reservations_accepted: 1 });
    expect(Object.keys((stats.cumulative as { split_by_wait_time: object }).split_by_wait_time).sort()).toEqual(["30", "5"]);
  });

  it("realTimeStatistics(): integers, the waiting task, workers by Activity", async () => {
    const stats = await ws.realTimeStatistics().fetch();
    expect(stats.totalTasks).toBe(2);
    expect(stats.totalWorkers).toBe(1);
    expect(stats.longestTaskWaitingSid).toBe(second);
    expect(typeof stats.longestTaskWaitingAge).toBe("number");
    expect(stats.tasksByStatus).toMatchObject({ pending: 1, reserved: 0, assigned: 1 });
    expect(stats.tasksByPriority).toEqual({ "0": 2 });
    expect(stats.activityStatistics).toContainEqual(expect.objectContaining({ friendly_name: "Available", workers: 1 }));
  });

  it("cumulativeStatistics(): counters as integers, window as Dates, waits as objects", async () => {
    const stats = await ws.cumulativeStatistics().fetch({ ...hour, taskChannel: "voice" });
    expect(stats).toMatchObject({
      tasksCreated: 2,
      reservationsCreated: 1,
      reservationsAccepted: 1,
      tasksCanceled: 0,
      splitByWaitTime: null,
    });
    expect(stats.startTime).toBeInstanceOf(Date);
    expect(stats.endTime.getTime() - stats.startTime.getTime()).toBe(3_600_000);
    expect(typeof stats.avgTaskAcceptanceTime).toBe("number");
    expect(stats.waitDurationUntilAccepted).toEqual({
      avg: expect.any(Number) as unknown,
      min: expect.any(Number) as unknown,
      max: expect.any(Number) as unknown,
      total: expect.any(Number) as unknown,
    });
    expect((await ws.cumulativeStatistics().fetch({ ...hour, taskChannel: "chat" })).tasksCreated).toBe(0);
  });
});

describe("task queues", () => {
  it("one queue's statistics(), realTimeStatistics() and cumulativeStatistics()", async () => {
    const queue = ws.taskQueues(support);
    const both = await queue.statistics().fetch(hour);
    expect(both.taskQueueSid).toBe(support);
    expect(both.realtime).toMatchObject({ total_tasks: 2, total_eligible_workers: 1 });
    expect(both.cumulative).toMatchObject({ tasks_entered: 2 });
    const realtime = await queue.realTimeStatistics().fetch();
    expect(realtime).toMatchObject({
      totalTasks: 2,
      totalAvailableWorkers: 1,
      totalEligibleWorkers: 1,
      longestRelativeTaskSidInQueue: second,
    });
    expect(typeof realtime.longestRelativeTaskAgeInQueue).toBe("number");
    const cumulative = await queue.cumulativeStatistics().fetch(hour);
    expect(cumulative).toMatchObject({ taskQueueSid: support, tasksEntered: 2, reservationsAccepted: 1 });
    expect(cumulative.waitDurationInQueueUntilAccepted).toHaveProperty("avg");
  });

  it("taskQueues.statistics.list() follows Twilio's task_queues_statistics key", async () => {
    const items = await ws.taskQueues.statistics.list({ ...hour, pageSize: 1 });
    expect(items.map((item) => item.taskQueueSid)).toEqual([support]);
    expect(items[0]!.cumulative).toMatchObject({ tasks_entered: 2 });
    expect(items[0]!.realtime).toMatchObject({ total_tasks: 2 });
  });

  it("taskQueues.bulkRealTimeStatistics.create() answers task_queue_data", async () => {
    const bulk = await ws.taskQueues.bulkRealTimeStatistics.create({ QueueSids: [support] });
    expect(bulk.taskQueueResponseCount).toBe(1);
    expect(bulk.taskQueueData).toEqual([expect.objectContaining({ task_queue_sid: support, total_tasks: 2 })]);
  });
});

describe("workflows and workers", () => {
  it("a workflow's three fetchers", async () => {
    const workflow = ws.workflows(workflowSid);
    expect((await workflow.statistics().fetch(hour)).cumulative).toMatchObject({ tasks_entered: 2 });
    expect(await workflow.realTimeStatistics().fetch()).toMatchObject({ workflowSid, totalTasks: 2, longestTaskWaitingSid: second });
    expect(await workflow.cumulativeStatistics().fetch(hour)).toMatchObject({ tasksEntered: 2, tasksTimedOutInWorkflow: 0 });
  });

  it("the workers' three fetchers and one worker's statistics", async () => {
    const both = await ws.workers.statistics().fetch({ ...hour, taskQueueSid: support });
    expect(both.realtime).toMatchObject({ total_workers: 1 });
    expect(both.cumulative).toMatchObject({ reservations_accepted: 1 });
    expect((await ws.workers.realTimeStatistics().fetch()).totalWorkers).toBe(1);
    const cumulative = await ws.workers.cumulativeStatistics().fetch(hour);
    expect(cumulative).toMatchObject({ reservationsCreated: 1, reservationsAccepted: 1 });
    expect(cumulative.activityDurations).toContainEqual(expect.objectContaining({ friendly_name: "Available", total: expect.any(Number) }));
    const one = await ws.workers(ann).statistics().fetch(hour);
    expect(one.workerSid).toBe(ann);
    expect(one.cumulative).toMatchObject({ reservations_accepted: 1 });
  });
});

describe("bad parameters", () => {
  it.each([
    ["Statistics?Minutes=0", "Minutes"],
    ["CumulativeStatistics?SplitByWaitTime=abc", "SplitByWaitTime"],
    ["Workers/CumulativeStatistics?StartDate=yesterday", "StartDate"],
  ])("%s → 400 naming %s", async (path, parameter) => {
    const res = await raw("GET", `${base()}/${path}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 20001, status: 400, message: expect.stringContaining(parameter) as unknown });
  });
});
