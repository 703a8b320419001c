/**
 * Workspace configuration through the stock `twilio` client, as a team migrating from TaskRouter
 * would drive it: create / fetch / update / list / page / each / remove for Workspaces, Activities,
 * TaskChannels, TaskQueues and Workflows, the field types the client exposes (dates as Date), and
 * Twilio's error shape for bad input.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { raw, switchboardClient } from "./client";

const client = switchboardClient();
const workspaces = client.taskrouter.v1.workspaces;
/** A name no other test file uses, so list filters see only this file's workspaces. */
const tag = `compat-config-${randomUUID().slice(0, 8)}`;

/** Collects `each` into an array (the client streams pages by following next_page_url). */
function eachOf<T>(each: (opts: { pageSize: number; callback: (item: T) => void; done: (err?: Error) => void }) => void, pageSize: number) {
  return new Promise<T[]>((resolve, reject) => {
    const seen: T[] = [];
    each({ pageSize, callback: (item) => seen.push(item), done: (err) => (err ? reject(err) : resolve(seen)) });
  });
}

describe("Workspaces", () => {
  const created: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) created.push((await workspaces.create({ friendlyName: tag })).sid);
  });

  it("create returns the client's typed instance with Twilio's defaults", async () => {
    const ws = await workspaces.create({
      friendlyName: `${tag}-fifo`,
      template: "FIFO",
      prioritizeQueueOrder: "LIFO",
      eventCallbackUrl: "http://127.0.0.1:9/hooks/e",
    });
    expect(ws.sid).toMatch(/^WS[0-9a-f]{32}$/);
    expect(ws.dateCreated).toBeInstanceOf(Date);
    expect(ws.dateUpdated).toBeInstanceOf(Date);
    expect(Number.isNaN(ws.dateCreated.getTime())).toBe(false);
    expect(ws).toMatchObject({
      friendlyName: `${tag}-fifo`,
      multiTaskEnabled: true,
      prioritizeQueueOrder: "LIFO",
      defaultActivityName: "Offline",
      timeoutActivityName: "Offline",
      eventCallbackUrl: "http://127.0.0.1:9/hooks/e",
      eventsFilter: null,
    });
    expect(ws.url).toContain(`/taskrouter/v1/Workspaces/${ws.sid}`);
    expect(Object.keys(ws.links).sort()).toEqual([
      "activities",
      "cumulative_statistics",
      "events",
      "real_time_statistics",
      "statistics",
      "task_channels",
      "task_queues",
      "tasks",
      "workers",
      "workflows",
    ]);
    const queues = await workspaces(ws.sid).taskQueues.list();
    expect(queues.map((q) => q.friendlyName)).toEqual(["Sample Queue"]);
    const [workflow] = await workspaces(ws.sid).workflows.list();
    expect(workflow?.friendlyName).toBe("Default Fifo Workflow");
    expect(JSON.parse(workflow!.configuration)).toEqual({ task_routing: { filters: [], default_filter: { queue: queues[0]!.sid } } });
  });

  it("fetch, update and remove", async () => {
    const ws = await workspaces.create({ friendlyName: `${tag}-crud` });
    expect((await workspaces(ws.sid).fetch()).friendlyName).toBe(`${tag}-crud`);
    const activities = await workspaces(ws.sid).activities.list({ friendlyName: "Available" });
    const updated = await workspaces(ws.sid).update({
      friendlyName: `${tag}-crud2`,
      multiTaskEnabled: false,
      defaultActivitySid: activities[0]!.sid,
    });
    expect(updated).toMatchObject({ friendlyName: `${tag}-crud2`, multiTaskEnabled: false, defaultActivityName: "Available" });
    expect(await workspaces(ws.sid).remove()).toBe(true);
    await expect(workspaces(ws.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it("list, page and each visit every workspace once", async () => {
    const listed = await workspaces.list({ friendlyName: tag, pageSize: 1 });
    expect(listed.map((w) => w.sid).sort()).toEqual([...created].sort());

    const first = await workspaces.page({ friendlyName: tag, pageSize: 2 });
    expect(first.instances).toHaveLength(2);
    const second = await first.nextPage();
    expect(second?.instances.map((w) => w.sid)).toHaveLength(1);
    expect([...first.instances, ...second!.instances].map((w) => w.sid).sort()).toEqual([...created].sort());
    expect(await second!.nextPage()).toBeUndefined();

    const streamed = await eachOf<{ sid: string }>((opts) => workspaces.each({ ...opts, friendlyName: tag }), 1);
    expect(streamed.map((w) => w.sid).sort()).toEqual([...created].sort());
  });

  it("bad input gets Twilio's error body", async () => {
    await expect(workspaces.create({ friendlyName: "x".repeat(65) })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(workspaces.create({ friendlyName: "W", eventCallbackUrl: "not a url" })).rejects.toMatchObject({
      status: 400,
      code: 20001,
      message: expect.stringContaining("EventCallbackUrl"),
      moreInfo: expect.stringContaining("20001"),
    });
    const missing = await raw("POST", "/taskrouter/v1/Workspaces", {});
    expect(missing).toEqual({
      status: 400,
      body: {
        code: 20001,
        message: "Missing required parameter FriendlyName",
        more_info: `${inject("baseUrl")}/docs/errors/20001`,
        status: 400,
      },
    });
  });
});

describe("resources of a workspace", () => {
  let ws: ReturnType<typeof workspaces>;

  beforeAll(async () => {
    ws = workspaces((await workspaces.create({ friendlyName: `${tag}-resources` })).sid);
  });

  it("Activities: create, fetch, update, list with filters, each, remove", async () => {
    const brk = await ws.activities.create({ friendlyName: "Break", available: false });
    expect(brk).toMatchObject({ friendlyName: "Break", available: false });
    expect(brk.dateCreated).toBeInstanceOf(Date);
    expect(brk.links).toHaveProperty("workspace");
    expect((await ws.activities(brk.sid).fetch()).sid).toBe(brk.sid);
    expect((await ws.activities(brk.sid).update({ friendlyName: "Lunch" })).friendlyName).toBe("Lunch");
    expect((await ws.activities.list({ available: "false" })).map((a) => a.friendlyName).sort()).toEqual([
      "Lunch",
      "Offline",
      "Unavailable",
    ]);
    expect((await eachOf<{ sid: string }>((opts) => ws.activities.each(opts), 1)).length).toBe(4);
    expect(await ws.activities(brk.sid).remove()).toBe(true);
    await expect(ws.activities.create({ friendlyName: "Available" })).rejects.toMatchObject({
      status: 400,
      code: 20001,
      message: expect.stringContaining("FriendlyName"),
    });
  });

  it("TaskChannels: create, fetch by SID and unique name, update, list, remove", async () => {
    const fax = await ws.taskChannels.create({ friendlyName: "Fax", uniqueName: "fax", channelOptimizedRouting: true });
    expect(fax).toMatchObject({ friendlyName: "Fax", uniqueName: "fax", channelOptimizedRouting: true });
    expect(fax.dateCreated).toBeInstanceOf(Date);
    expect((await ws.taskChannels("fax").fetch()).sid).toBe(fax.sid);
    expect((await ws.taskChannels(fax.sid).update({ friendlyName: "Telefax" })).friendlyName).toBe("Telefax");
    const channels = await ws.taskChannels.list({ pageSize: 2 });
    expect(channels.map((c) => c.uniqueName).sort()).toEqual(["chat", "default", "email", "fax", "sms", "video", "voice"]);
    expect(await ws.taskChannels("fax").remove()).toBe(true);
    await expect(ws.taskChannels.create({ friendlyName: "V", uniqueName: "voice" })).rejects.toMatchObject({ status: 400, code: 20001 });
  });

  it("TaskQueues: create, fetch, update, list by worker attributes and ordering, remove", async () => {
    const spanish = await ws.taskQueues.create({ friendlyName: "Spanish", targetWorkers: "languages HAS 'es'", maxReservedWorkers: 2 });
    expect(spanish).toMatchObject({
      friendlyName: "Spanish",
      targetWorkers: "languages HAS 'es'",
      maxReservedWorkers: 2,
      taskOrder: "FIFO",
    });
    expect(spanish.dateCreated).toBeInstanceOf(Date);
    const everyone = await ws.taskQueues.create({ friendlyName: "Everyone" });
    expect((await ws.taskQueues(spanish.sid).fetch()).sid).toBe(spanish.sid);
    expect((await ws.taskQueues(spanish.sid).update({ taskOrder: "LIFO" })).taskOrder).toBe("LIFO");
    const forEnglish = await ws.taskQueues.list({ evaluateWorkerAttributes: JSON.stringify({ languages: ["en"] }) });
    expect(forEnglish.map((q) => q.sid)).toEqual([everyone.sid]);
    const newestFirst = await ws.taskQueues.list({ ordering: "DateCreated:desc", pageSize: 1 });
    expect(newestFirst.map((q) => q.sid)).toEqual([everyone.sid, spanish.sid]);
    await expect(ws.taskQueues.create({ friendlyName: "Bad", targetWorkers: "skills HAS" })).rejects.toMatchObject({
      status: 400,
      code: 20001,
      message: expect.stringContaining("Invalid parameter TargetWorkers: syntax error"),
    });
    expect(await ws.taskQueues(everyone.sid).remove()).toBe(true);
  });

  it("Workflows: create, fetch, update, list, remove; a queue in use cannot be removed", async () => {
    const queue = await ws.taskQueues.create({ friendlyName: "Routed" });
    const configuration = JSON.stringify({
      task_routing: { filters: [{ filter_friendly_name: "All", expression: "1==1", targets: [{ queue: queue.sid }] }] },
    });
    const workflow = await ws.workflows.create({ friendlyName: "Main", configuration, taskReservationTimeout: 30 });
    expect(workflow).toMatchObject({
      friendlyName: "Main",
      configuration,
      taskReservationTimeout: 30,
      documentContentType: "application/json",
    });
    expect(workflow.dateCreated).toBeInstanceOf(Date);
    expect((await ws.workflows(workflow.sid).fetch()).configuration).toBe(configuration);
    const updated = await ws
      .workflows(workflow.sid)
      .update({ assignmentCallbackUrl: "http://127.0.0.1:9/app/assign", reEvaluateTasks: "true" });
    expect(updated.assignmentCallbackUrl).toBe("http://127.0.0.1:9/app/assign");
    expect((await ws.workflows.list({ friendlyName: "Main" })).map((w) => w.sid)).toEqual([workflow.sid]);
    await expect(ws.taskQueues(queue.sid).remove()).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('Workflow "Main"'),
    });
    await expect(
      ws.workflows.create({
        friendlyName: "Bad",
        configuration: JSON.stringify({ task_routing: { filters: [{ expression: "", targets: [] }] } }),
      }),
    ).rejects.toMatchObject({ status: 400, code: 20001, message: expect.stringContaining("task_routing.filters[0]") });
    expect(await ws.workflows(workflow.sid).remove()).toBe(true);
    expect(await ws.taskQueues(queue.sid).remove()).toBe(true);
  });
});
