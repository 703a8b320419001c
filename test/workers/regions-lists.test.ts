/**
 * Lists and statistics across the regions of a workspace homed in us-east that added eu-ireland and
 * ap-sydney: workers, tasks and events page through every region with page sizes 1 and 2 (each item
 * once, in the list's order, following next_page_url), filters apply in every region, a foreign page
 * token is a 400, and the workspace's, a queue's, a workflow's and the workers' statistics are the sums
 * of the regions', each region's own under `regions`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BASIC, call } from "./auth-helpers";
import { ok, taskrouter } from "./regions-helpers";

let ws: string;
const api = (path: string) => `/Workspaces/${ws}${path}`;
let activities: Record<string, string>;
let queue: string;
let workflow: string;
/** In creation order: name → SID. */
const workers: [string, string][] = [];
const tasks: string[] = [];

beforeAll(async () => {
  ws = (await ok("POST", "/Workspaces", { FriendlyName: "Lists", Template: "FIFO" })).sid;
  const listed = (await ok("GET", api("/Activities"))).activities as { sid: string; friendly_name: string }[];
  activities = Object.fromEntries(listed.map((a) => [a.friendly_name, a.sid]));
  queue = ((await ok("GET", api("/TaskQueues"))).task_queues as { sid: string }[])[0]!.sid;
  workflow = ((await ok("GET", api("/Workflows"))).workflows as { sid: string }[])[0]!.sid;
  // Created one after another, so creation order is this order (whole seconds may tie: then by SID).
  for (const [name, region, activity] of [
    ["Ann", "us-east", "Offline"],
    ["Eve", "eu-ireland", "Offline"],
    ["Sam", "ap-sydney", "Available"],
    ["Una", "eu-ireland", "Offline"],
  ] as const) {
    const sid = (await ok("POST", api("/Workers"), { FriendlyName: name, Region: region, ActivitySid: activities[activity]! })).sid;
    workers.push([name, sid]);
  }
  // Nobody available but Sam (in ap-sydney): the Irish and American tasks wait, Sydney's is reserved.
  for (const region of ["eu-ireland", "us-east", "ap-sydney", "eu-ireland"]) {
    tasks.push((await ok("POST", api("/Tasks"), { Attributes: "{}", Region: region })).sid);
  }
});

/** Every page of a list, following next_page_url, as the stock clients do. */
async function walk(path: string, key: string, query: Record<string, string>): Promise<string[][]> {
  const pages: string[][] = [];
  let url: string | null = `/taskrouter/v1${path}?${new URLSearchParams(query).toString()}`;
  while (url) {
    const reply = await call("GET", url, { authorization: BASIC, origin: null });
    expect(reply.status).toBe(200);
    pages.push((reply.body[key] as { sid: string }[]).map((item) => item.sid));
    const next = (reply.body.meta as { next_page_url: string | null }).next_page_url;
    url = next === null ? null : next.slice(new URL(next).origin.length);
  }
  return pages;
}

/** The whole list in one page, and its items' creation dates (whole seconds, Twilio's precision). */
async function whole(path: string, key: string, query: Record<string, string> = {}) {
  const items = (await ok("GET", path, { ...query, PageSize: "1000" }))[key] as { sid: string; date_created: string }[];
  const dates = items.map((item) => item.date_created);
  return { sids: items.map((item) => item.sid), dates };
}

/**
 * Across regions the order is DateCreated to the second (what the records say; the test creates all
 * within a second or two), each region's own order kept within a second: the pages, whatever their
 * size, walk exactly that list.
 */
describe("lists across regions", () => {
  it.each([1, 2])("page every worker once, in creation order, %i at a time", async (size) => {
    const all = await whole(api("/Workers"), "workers");
    expect([...all.sids].sort()).toEqual(workers.map(([, sid]) => sid).sort());
    expect(all.dates).toEqual([...all.dates].sort());
    const pages = await walk(api("/Workers"), "workers", { PageSize: String(size) });
    expect(pages.flat()).toEqual(all.sids);
    expect(pages.map((page) => page.length)).toEqual(size === 1 ? [1, 1, 1, 1] : [2, 2]);
  });

  it("apply filters in every region", async () => {
    const offline = await walk(api("/Workers"), "workers", { PageSize: "1", ActivityName: "Offline" });
    expect([...offline.flat()].sort()).toEqual([workers[0]![1], workers[1]![1], workers[3]![1]].sort());
    expect(offline.flat()).toEqual((await whole(api("/Workers"), "workers", { ActivityName: "Offline" })).sids);
    const eve = await walk(api("/Workers"), "workers", { FriendlyName: "Eve" });
    expect(eve.flat()).toEqual([workers[1]![1]]);
    const newest = await walk(api("/Workers"), "workers", { PageSize: "2", Ordering: "DateCreated:desc" });
    const newestDates = (await whole(api("/Workers"), "workers", { Ordering: "DateCreated:desc" })).dates;
    expect(newest.flat().length).toBe(4);
    expect(newestDates).toEqual([...newestDates].sort().reverse());
  });

  it.each([1, 2])("page every task once, %i at a time, with AssignmentStatus across regions", async (size) => {
    const all = await whole(api("/Tasks"), "tasks");
    expect([...all.sids].sort()).toEqual([...tasks].sort());
    expect((await walk(api("/Tasks"), "tasks", { PageSize: String(size) })).flat()).toEqual(all.sids);
    const pending = await walk(api("/Tasks"), "tasks", { PageSize: String(size), AssignmentStatus: "pending" });
    expect([...pending.flat()].sort()).toEqual([tasks[0]!, tasks[1]!, tasks[3]!].sort());
    const reserved = await walk(api("/Tasks"), "tasks", { PageSize: String(size), AssignmentStatus: "reserved" });
    expect(reserved.flat()).toEqual([tasks[2]]);
  });

  it("page the events of every region, newest first", async () => {
    const pages = await walk(api("/Events"), "events", { PageSize: "2", EventType: "task.created" });
    const sids = pages.flat();
    expect(sids.length).toBe(4);
    const events = await Promise.all(sids.map((sid) => ok("GET", api(`/Events/${sid}`))));
    expect(events.map((e) => e.resource_sid).sort()).toEqual([...tasks].sort());
    const dates = events.map((e) => e.event_date_ms as number);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it.each([
    ["a token of another list's kind", "WyJvIiwyXQ"],
    ["garbage", "%%%"],
  ])("refuse %s with a 400", async (_case, token) => {
    const reply = await taskrouter("GET", api("/Workers"), { PageSize: "1", Page: "1", PageToken: token });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe("Invalid parameter PageToken: is not a page token of this list");
  });
});

describe("statistics across regions", () => {
  it("of the workspace are the sums of the regions', each region's own under regions", async () => {
    const stats = await ok("GET", api("/RealTimeStatistics"));
    expect(stats).toMatchObject({ total_tasks: 4, tasks_by_status: { pending: 3, reserved: 1 } });
    const regions = stats.regions as Record<string, { total_tasks: number; tasks_by_status: Record<string, number> }>;
    expect(Object.keys(regions)).toEqual(["us-east", "eu-ireland", "ap-sydney"]);
    expect([regions["us-east"]!.total_tasks, regions["eu-ireland"]!.total_tasks, regions["ap-sydney"]!.total_tasks]).toEqual([1, 2, 1]);
    const byActivity = Object.fromEntries(
      (stats.activity_statistics as { friendly_name: string; workers: number }[]).map((a) => [a.friendly_name, a.workers]),
    );
    expect(byActivity).toMatchObject({ Offline: 3, Available: 1 });

    const cumulative = await ok("GET", api("/CumulativeStatistics"), { Minutes: "60" });
    expect(cumulative).toMatchObject({ tasks_created: 4, reservations_created: 1 });
    expect((cumulative.regions as Record<string, { tasks_created: number }>)["eu-ireland"]!.tasks_created).toBe(2);
  });

  it("of a queue, a workflow and the workers add up too", async () => {
    const queueStats = await ok("GET", api(`/TaskQueues/${queue}/Statistics`), { Minutes: "60" });
    expect(queueStats).toMatchObject({ realtime: { total_tasks: 4, total_eligible_workers: 4 }, cumulative: { tasks_entered: 4 } });
    const workflowStats = await ok("GET", api(`/Workflows/${workflow}/Statistics`), { Minutes: "60" });
    expect(workflowStats).toMatchObject({ realtime: { total_tasks: 4 }, cumulative: { tasks_entered: 4 } });
    const workerStats = await ok("GET", api("/Workers/Statistics"), { Minutes: "60" });
    expect(workerStats).toMatchObject({ realtime: { total_workers: 4 }, cumulative: { reservations_created: 1 } });
    const listed = (await ok("GET", api("/TaskQueues/Statistics"))).task_queues_statistics as { realtime: { total_tasks: number } }[];
    expect(listed[0]!.realtime.total_tasks).toBe(4);
  });
});

describe("the agent desktop across regions", () => {
  const basic = { authorization: BASIC, origin: null };

  it("offers every region's agents as transfer targets", async () => {
    const reply = await call("GET", `/api/workspaces/${ws}/transfer-targets`, basic);
    expect(reply.status).toBe(200);
    const listed = (reply.body.workers as { sid: string; available: boolean }[]).map((w) => w.sid).sort();
    expect(listed).toEqual(workers.map(([, sid]) => sid).sort());
  });

  it("counts every region's tasks in a queue's statistics since midnight", async () => {
    const reply = await call("GET", `/api/workspaces/${ws}/queue-statistics`, basic);
    expect(reply.status).toBe(200);
    const [sample] = reply.body.queues as { sid: string; tasks_entered: number }[];
    expect(sample).toMatchObject({ sid: queue, tasks_entered: 4 });
  });
});
