/**
 * TaskRouter statistics over HTTP, end to end: facts recorded by the Router DO as a scripted day goes
 * by, read back through every statistics endpoint with hand-worked figures. The clock is the test's
 * (fake `Date`, which the Worker and the Router DO share in workerd), starting a day ahead of the real
 * one so no alarm fires by itself. Also: the TaskChannel filter, SplitByWaitTime, route order next to
 * the Workers and TaskQueues routes, and bad parameters answered with a 400 naming the parameter.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { app } from "../../workers/app";
import { routerFor } from "../../platform/objects";
import { AVAILABLE, BREAK, CHAT, EVERYONE, OFFLINE, SUPPORT, VOICE, WORKFLOW, WORKSPACE, snapshot, value } from "./router-fixtures";

const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);
const ORIGIN = "http://switchboard.test";
const WS = `/taskrouter/v1/Workspaces/${WORKSPACE}`;
const HOUR = 3_600_000;
/** A whole hour a day ahead of the real clock. */
const T0 = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;
const at = (seconds: number) => T0 + seconds * 1000;
const clock = (seconds: number) => vi.setSystemTime(at(seconds));
const iso = (seconds: number) => new Date(at(seconds)).toISOString().replace(/\.000Z$/, "Z");
/** The whole scripted day: buckets that start in [T0, T0 + 10 min). */
const DAY = { StartDate: iso(0), EndDate: iso(600) };

type Body = Record<string, unknown>;

async function call(method: string, path: string, params: Record<string, string | string[]> = {}) {
  const form = new URLSearchParams();
  for (const [name, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) form.append(name, one);
  const init: RequestInit = { method, headers: { authorization: AUTH } };
  let url = `${ORIGIN}${path}`;
  if (method === "POST") {
    init.body = form.toString();
    (init.headers as Record<string, string>)["content-type"] = "application/x-www-form-urlencoded";
  } else if (form.toString() !== "") url += `?${form.toString()}`;
  const res = await app.request(url, init, env);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Body };
}

async function ok(method: string, path: string, params?: Record<string, string | string[]>): Promise<Body> {
  const res = await call(method, path, params);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const tasks: Record<"A" | "B" | "C", string> = { A: "", B: "", C: "" };
let ann = "";

async function reservationOf(taskSid: string): Promise<string> {
  const list = await ok("GET", `${WS}/Tasks/${taskSid}/Reservations`);
  return ((list.reservations as Body[])[0]!.sid as string) ?? "";
}

/**
 * The scripted day (seconds after T0). Ann (skills: support) starts Offline; every task is a support
 * task, so all three enter Support.
 *   0  Ann created (Offline); task A created on voice
 *  30  task B created on chat
 *  60  task C created on voice
 *  90  Ann becomes Available: she is reserved A (voice, oldest) and B (chat) — capacity 1 on each
 * 100  Ann accepts A: waited 100 s (since creation and in the queue)
 * 150  Ann accepts B: waited 150 − 30 = 120 s
 * 200  C is canceled, never reserved: waited 200 − 60 = 140 s
 * 240  A is completed
 */
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  clock(0);
  value(await routerFor(env, WORKSPACE).applyConfig(snapshot(), []));
  ann = (await ok("POST", `${WS}/Workers`, { FriendlyName: "Ann", Attributes: '{"skills":["support"]}' })).sid as string;
  const support = { Attributes: '{"type":"support"}' };
  tasks.A = (await ok("POST", `${WS}/Tasks`, { ...support, TaskChannel: "voice" })).sid as string;
  clock(30);
  tasks.B = (await ok("POST", `${WS}/Tasks`, { ...support, TaskChannel: CHAT })).sid as string;
  clock(60);
  tasks.C = (await ok("POST", `${WS}/Tasks`, { ...support, TaskChannel: "voice" })).sid as string;
});

afterAll(() => {
  vi.useRealTimers();
});

describe("real-time statistics", () => {
  it("before anyone is available: three tasks pending, the oldest (A) waiting 80 s at 80 s", async () => {
    clock(80);
    const body = await ok("GET", `${WS}/RealTimeStatistics`);
    expect(body).toEqual({
      account_sid: env.ACCOUNT_SID,
      workspace_sid: WORKSPACE,
      longest_task_waiting_age: 80,
      longest_task_waiting_sid: tasks.A,
      tasks_by_priority: { "0": 3 },
      tasks_by_status: { pending: 3, reserved: 0, assigned: 0, wrapping: 0, completed: 0, canceled: 0 },
      total_tasks: 3,
      activity_statistics: [
        { sid: AVAILABLE, friendly_name: "Available", workers: 0 },
        { sid: OFFLINE, friendly_name: "Offline", workers: 1 },
        { sid: BREAK, friendly_name: "Break", workers: 0 },
      ],
      total_workers: 1,
      url: `${ORIGIN}${WS}/RealTimeStatistics`,
    });
  });

  it("at 95 s, after Ann became Available at 90 s: A and B reserved, C pending; per channel and per queue", async () => {
    clock(90);
    await ok("POST", `${WS}/Workers/${ann}`, { ActivitySid: AVAILABLE });
    clock(95);
    const workspace = await ok("GET", `${WS}/RealTimeStatistics`);
    expect(workspace).toMatchObject({
      tasks_by_status: { pending: 1, reserved: 2 },
      total_tasks: 3,
      longest_task_waiting_sid: tasks.A,
      longest_task_waiting_age: 95,
      total_workers: 1,
    });
    // Chat: B alone, created at 30 s → 65 s old. A TaskChannel may be given by SID or unique name.
    for (const channel of [CHAT, "chat"]) {
      expect(await ok("GET", `${WS}/RealTimeStatistics`, { TaskChannel: channel })).toMatchObject({
        tasks_by_status: { pending: 0, reserved: 1 },
        total_tasks: 1,
        longest_task_waiting_sid: tasks.B,
        longest_task_waiting_age: 65,
      });
    }
    const queue = await ok("GET", `${WS}/TaskQueues/${SUPPORT}/RealTimeStatistics`);
    expect(queue).toMatchObject({
      task_queue_sid: SUPPORT,
      total_tasks: 3,
      longest_relative_task_sid_in_queue: tasks.A,
      longest_relative_task_age_in_queue: 95,
      total_available_workers: 1,
      total_eligible_workers: 1,
      url: `${ORIGIN}${WS}/TaskQueues/${SUPPORT}/RealTimeStatistics`,
    });
    const empty = await ok("GET", `${WS}/TaskQueues/${EVERYONE}/RealTimeStatistics`);
    expect(empty).toMatchObject({ total_tasks: 0, longest_task_waiting_sid: null, total_eligible_workers: 1 });
    const workflow = await ok("GET", `${WS}/Workflows/${WORKFLOW}/RealTimeStatistics`, { TaskChannel: "voice" });
    expect(workflow).toEqual({
      account_sid: env.ACCOUNT_SID,
      workspace_sid: WORKSPACE,
      workflow_sid: WORKFLOW,
      longest_task_waiting_age: 95,
      longest_task_waiting_sid: tasks.A,
      tasks_by_priority: { "0": 2 },
      tasks_by_status: { pending: 1, reserved: 1, assigned: 0, wrapping: 0, completed: 0, canceled: 0 },
      total_tasks: 2,
      url: `${ORIGIN}${WS}/Workflows/${WORKFLOW}/RealTimeStatistics`,
    });
    const workers = await ok("GET", `${WS}/Workers/RealTimeStatistics`);
    expect(workers).toMatchObject({ total_workers: 1, url: `${ORIGIN}${WS}/Workers/RealTimeStatistics` });
    expect(workers.activity_statistics).toContainEqual({ sid: AVAILABLE, friendly_name: "Available", workers: 1 });
  });

  it("answers several queues at once (POST, QueueSids repeated) in the order asked", async () => {
    const body = await ok("POST", `${WS}/TaskQueues/RealTimeStatistics`, { QueueSids: [EVERYONE, SUPPORT] });
    expect(body).toMatchObject({
      account_sid: env.ACCOUNT_SID,
      workspace_sid: WORKSPACE,
      task_queue_response_count: 2,
      url: `${ORIGIN}${WS}/TaskQueues/RealTimeStatistics`,
    });
    const data = body.task_queue_data as Body[];
    expect(data.map((q) => [q.task_queue_sid, q.total_tasks, q.total_available_workers])).toEqual([
      [EVERYONE, 0, 1],
      [SUPPORT, 3, 1],
    ]);
  });
});

describe("cumulative statistics after the whole day", () => {
  beforeAll(async () => {
    clock(100);
    await ok("POST", `${WS}/Tasks/${tasks.A}/Reservations/${await reservationOf(tasks.A)}`, { ReservationStatus: "accepted" });
    clock(150);
    await ok("POST", `${WS}/Tasks/${tasks.B}/Reservations/${await reservationOf(tasks.B)}`, { ReservationStatus: "accepted" });
    clock(200);
    await ok("POST", `${WS}/Tasks/${tasks.C}`, { AssignmentStatus: "canceled" });
    clock(240);
    await ok("POST", `${WS}/Tasks/${tasks.A}`, { AssignmentStatus: "completed" });
    clock(300);
  });

  // Accepted: A after 100 s, B after 120 s → avg 110, min 100, max 120, total 220.
  // Canceled: C after 140 s. Two reservations, both accepted.
  const waits = {
    wait_duration_until_accepted: { avg: 110, min: 100, max: 120, total: 220 },
    wait_duration_until_canceled: { avg: 140, min: 140, max: 140, total: 140 },
  };

  it("for the workspace, with Twilio's fields", async () => {
    const body = await ok("GET", `${WS}/CumulativeStatistics`, DAY);
    expect(body).toEqual({
      account_sid: env.ACCOUNT_SID,
      workspace_sid: WORKSPACE,
      start_time: iso(0),
      end_time: iso(600),
      avg_task_acceptance_time: 110,
      tasks_created: 3,
      tasks_canceled: 1,
      tasks_completed: 1,
      tasks_deleted: 0,
      tasks_moved: 0,
      tasks_timed_out_in_workflow: 0,
      reservations_created: 2,
      reservations_accepted: 2,
      reservations_rejected: 0,
      reservations_timed_out: 0,
      reservations_canceled: 0,
      reservations_rescinded: 0,
      ...waits,
      split_by_wait_time: null,
      url: `${ORIGIN}${WS}/CumulativeStatistics`,
    });
  });

  it.each([
    // voice: A accepted after 100 s, C canceled after 140 s, A completed; one reservation.
    ["voice", { tasks_created: 2, tasks_canceled: 1, tasks_completed: 1, reservations_created: 1, avg_task_acceptance_time: 100 }],
    [VOICE, { tasks_created: 2, tasks_canceled: 1, tasks_completed: 1, reservations_created: 1, avg_task_acceptance_time: 100 }],
    // chat: B accepted after 120 s.
    ["chat", { tasks_created: 1, tasks_canceled: 0, tasks_completed: 0, reservations_created: 1, avg_task_acceptance_time: 120 }],
  ])("TaskChannel=%s counts that channel's tasks only", async (channel, expected) => {
    expect(await ok("GET", `${WS}/CumulativeStatistics`, { ...DAY, TaskChannel: channel })).toMatchObject(expected);
  });

  it.each([
    // Accepted waits 100 and 120 s, canceled 140 s; a wait equal to the threshold is below it.
    ["100", { "100": { below: { reservations_accepted: 1, tasks_canceled: 0 }, above: { reservations_accepted: 1, tasks_canceled: 1 } } }],
    [
      "150,30",
      {
        "30": { below: { reservations_accepted: 0, tasks_canceled: 0 }, above: { reservations_accepted: 2, tasks_canceled: 1 } },
        "150": { below: { reservations_accepted: 2, tasks_canceled: 1 }, above: { reservations_accepted: 0, tasks_canceled: 0 } },
      },
    ],
  ])("SplitByWaitTime=%s", async (split, expected) => {
    const body = await ok("GET", `${WS}/CumulativeStatistics`, { ...DAY, SplitByWaitTime: split });
    expect(body.split_by_wait_time).toEqual(expected);
  });

  it("for the queue and the workflow, where all three tasks entered", async () => {
    const queue = await ok("GET", `${WS}/TaskQueues/${SUPPORT}/CumulativeStatistics`, DAY);
    expect(queue).toMatchObject({
      task_queue_sid: SUPPORT,
      tasks_entered: 3,
      tasks_canceled: 1,
      reservations_accepted: 2,
      ...waits,
      wait_duration_in_queue_until_accepted: { avg: 110, min: 100, max: 120, total: 220 },
      url: `${ORIGIN}${WS}/TaskQueues/${SUPPORT}/CumulativeStatistics`,
    });
    expect(await ok("GET", `${WS}/TaskQueues/${EVERYONE}/CumulativeStatistics`, DAY)).toMatchObject({ tasks_entered: 0 });
    const workflow = await ok("GET", `${WS}/Workflows/${WORKFLOW}/CumulativeStatistics`, DAY);
    expect(workflow).toMatchObject({ workflow_sid: WORKFLOW, tasks_entered: 3, tasks_timed_out_in_workflow: 0, ...waits });
  });

  it("a window that ends before the first acceptance (at 100 s) counts only what happened before", async () => {
    // Buckets are minutes: [T0, T0 + 1 min) holds A's and B's creations; C's (at 60 s) is the next minute's.
    const body = await ok("GET", `${WS}/CumulativeStatistics`, { StartDate: iso(0), EndDate: iso(60) });
    expect(body).toMatchObject({ tasks_created: 2, reservations_created: 0, reservations_accepted: 0, end_time: iso(60) });
  });

  it("Minutes counts back from now (300 s): 10 minutes cover the day", async () => {
    const body = await ok("GET", `${WS}/CumulativeStatistics`, { Minutes: "10" });
    expect(body).toMatchObject({ start_time: iso(-300), end_time: iso(300), tasks_created: 3, reservations_accepted: 2 });
  });

  it("for the workers: reservations, and Ann's 90 s Offline until she became Available", async () => {
    const durations = (body: Body) => Object.fromEntries((body.activity_durations as Body[]).map((a) => [a.friendly_name, a]));
    const body = await ok("GET", `${WS}/Workers/CumulativeStatistics`, DAY);
    expect(body).toMatchObject({ reservations_created: 2, reservations_accepted: 2, url: `${ORIGIN}${WS}/Workers/CumulativeStatistics` });
    expect(durations(body)).toEqual({
      Available: { sid: AVAILABLE, friendly_name: "Available", avg: 0, min: 0, max: 0, total: 0 },
      Offline: { sid: OFFLINE, friendly_name: "Offline", avg: 90, min: 90, max: 90, total: 90 },
      Break: { sid: BREAK, friendly_name: "Break", avg: 0, min: 0, max: 0, total: 0 },
    });
    const one = await ok("GET", `${WS}/Workers/${ann}/Statistics`, DAY);
    expect(one).toMatchObject({ worker_sid: ann, url: `${ORIGIN}${WS}/Workers/${ann}/Statistics` });
    expect(one.cumulative).toMatchObject({ reservations_created: 2, reservations_accepted: 2 });
    expect(durations(one.cumulative as Body).Offline).toMatchObject({ total: 90 });
  });

  it("/Workers/Statistics filters by queue and by name; a filter matching nobody answers zeros", async () => {
    const everyone = await ok("GET", `${WS}/Workers/Statistics`, DAY);
    expect(everyone.realtime).toMatchObject({ total_workers: 1 });
    expect(everyone.cumulative).toMatchObject({ reservations_created: 2 });
    expect(everyone.url).toBe(`${ORIGIN}${WS}/Workers/Statistics`);
    const matching: Record<string, string>[] = [{ TaskQueueSid: SUPPORT }, { TaskQueueName: "Support" }, { FriendlyName: "ann" }];
    for (const filter of matching) {
      const body = await ok("GET", `${WS}/Workers/Statistics`, { ...DAY, ...filter });
      expect(body.realtime, JSON.stringify(filter)).toMatchObject({ total_workers: 1 });
    }
    const nobody: Record<string, string>[] = [{ FriendlyName: "Zed" }, { TaskQueueName: "Nowhere" }];
    for (const filter of nobody) {
      const body = await ok("GET", `${WS}/Workers/Statistics`, { ...DAY, ...filter });
      expect(body.realtime, JSON.stringify(filter)).toMatchObject({ total_workers: 0 });
      expect(body.cumulative, JSON.stringify(filter)).toMatchObject({ reservations_created: 0 });
    }
  });

  it("/Statistics nests both, for the workspace, a queue and a workflow; the queue list pages", async () => {
    const workspace = await ok("GET", `${WS}/Statistics`, DAY);
    expect(Object.keys(workspace).sort()).toEqual(["account_sid", "cumulative", "realtime", "url", "workspace_sid"]);
    expect(workspace.realtime).toMatchObject({ tasks_by_status: { assigned: 1, completed: 1, canceled: 1 }, total_tasks: 3 });
    expect(workspace.cumulative).toMatchObject({ tasks_created: 3 });
    const queue = await ok("GET", `${WS}/TaskQueues/${SUPPORT}/Statistics`, DAY);
    expect(queue).toMatchObject({ task_queue_sid: SUPPORT, url: `${ORIGIN}${WS}/TaskQueues/${SUPPORT}/Statistics` });
    expect(queue.cumulative).toMatchObject({ tasks_entered: 3 });
    const workflow = await ok("GET", `${WS}/Workflows/${WORKFLOW}/Statistics`, DAY);
    expect(workflow).toMatchObject({ workflow_sid: WORKFLOW, cumulative: { tasks_entered: 3 }, realtime: { total_tasks: 3 } });

    const first = await ok("GET", `${WS}/TaskQueues/Statistics`, { ...DAY, PageSize: "1" });
    const items = first.task_queues_statistics as Body[];
    expect(items.map((q) => q.task_queue_sid)).toEqual([SUPPORT]);
    expect(Object.keys(items[0]!).sort()).toEqual(["account_sid", "cumulative", "realtime", "task_queue_sid", "workspace_sid"]);
    expect(first.meta).toMatchObject({ key: "task_queues_statistics", page_size: 1 });
    const next = new URL(String((first.meta as Body).next_page_url));
    const second = await ok("GET", next.pathname, Object.fromEntries(next.searchParams));
    expect((second.task_queues_statistics as Body[]).map((q) => q.task_queue_sid)).toEqual([EVERYONE]);
    const named = await ok("GET", `${WS}/TaskQueues/Statistics`, { FriendlyName: "Everyone" });
    expect((named.task_queues_statistics as Body[]).map((q) => q.task_queue_sid)).toEqual([EVERYONE]);
  });
});

describe("bad requests", () => {
  it.each([
    ["Minutes=0", `${WS}/CumulativeStatistics`, { Minutes: "0" }, "Minutes"],
    ["Minutes beyond 30 days", `${WS}/Statistics`, { Minutes: "43201" }, "Minutes"],
    ["Minutes with StartDate", `${WS}/CumulativeStatistics`, { Minutes: "5", StartDate: iso(0) }, "Minutes"],
    ["a bad StartDate", `${WS}/TaskQueues/${SUPPORT}/CumulativeStatistics`, { StartDate: "yesterday" }, "StartDate"],
    ["a bad EndDate", `${WS}/Workers/CumulativeStatistics`, { EndDate: "2026-13-45" }, "EndDate"],
    ["StartDate after EndDate", `${WS}/Workflows/${WORKFLOW}/Statistics`, { StartDate: iso(60), EndDate: iso(0) }, "StartDate"],
    ["SplitByWaitTime=abc", `${WS}/Statistics`, { SplitByWaitTime: "abc" }, "SplitByWaitTime"],
    ["an unknown TaskChannel", `${WS}/RealTimeStatistics`, { TaskChannel: "fax" }, "TaskChannel"],
    ["a parameter realtime does not take", `${WS}/RealTimeStatistics`, { Minutes: "5" }, "Minutes"],
    ["a bad TaskQueueSid filter", `${WS}/Workers/Statistics`, { TaskQueueSid: "WQ123" }, "TaskQueueSid"],
  ])("%s → 400 naming the parameter", async (_name, path, params, parameter) => {
    const res = await call("GET", path, params);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 20001, status: 400 });
    expect(String(res.body.message)).toContain(parameter);
  });

  it("the bulk fetch needs QueueSids, at most 50, all known", async () => {
    expect((await call("POST", `${WS}/TaskQueues/RealTimeStatistics`, {})).body.message).toContain("QueueSids");
    const many = Array.from({ length: 51 }, () => SUPPORT);
    const tooMany = await call("POST", `${WS}/TaskQueues/RealTimeStatistics`, { QueueSids: many });
    expect([tooMany.status, tooMany.body.message]).toEqual([400, expect.stringContaining("QueueSids") as unknown]);
    const unknown = await call("POST", `${WS}/TaskQueues/RealTimeStatistics`, { QueueSids: ["WQ" + "9".repeat(32)] });
    expect(unknown.status).toBe(404);
  });

  it.each([
    ["an unknown queue", `${WS}/TaskQueues/WQ${"9".repeat(32)}/Statistics`],
    ["a path that is no queue SID", `${WS}/TaskQueues/Support/RealTimeStatistics`],
    ["an unknown workflow", `${WS}/Workflows/WW${"9".repeat(32)}/CumulativeStatistics`],
    ["an unknown worker", `${WS}/Workers/WK${"9".repeat(32)}/Statistics`],
    ["an unknown workspace", `/taskrouter/v1/Workspaces/WS${"9".repeat(32)}/Statistics`],
  ])("%s → 404", async (_name, path) => {
    const res = await call("GET", path);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 20404 });
  });

  it("the Workers and TaskQueues routes leave their statistics paths alone", async () => {
    // Not "Worker Statistics was not found", nor a worker update: these are statistics.
    for (const path of ["Workers/Statistics", "Workers/RealTimeStatistics", "Workers/CumulativeStatistics", "TaskQueues/Statistics"]) {
      expect((await call("GET", `${WS}/${path}`)).status, path).toBe(200);
    }
    expect((await call("POST", `${WS}/TaskQueues/RealTimeStatistics`, { QueueSids: [SUPPORT] })).status).toBe(200);
  });
});
