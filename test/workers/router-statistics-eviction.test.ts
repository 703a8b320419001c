/**
 * Statistics facts are stored in the same transaction as the operation they count: a Router DO evicted
 * after every step of a scripted day answers exactly the figures it answered before the eviction, and
 * at the end the figures are the hand-worked ones — nothing lost, nothing counted twice. The day
 * covers what the HTTP test does not: a reservation timing out (the alarm, moving the worker to the
 * timeout Activity), a rejection, a workflow step timing out into the next queue, a task deleted through
 * the API, the purge of a completed task, and a worker deleted. The clock is the test's fake `Date`,
 * a day ahead of the real one, so the alarm fires only when the test runs it.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StatisticsQuery } from "../../durable-objects/router/router-do";
import { routerName } from "../../platform/objects";
import { ACCOUNT, AVAILABLE, BREAK, EVERYONE, OFFLINE, SUPPORT, WORKFLOW, WORKSPACE, snapshot, value, workflow } from "./router-fixtures";

const HOUR = 3_600_000;
const T0 = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;
const at = (seconds: number) => T0 + seconds * 1000;
const clock = (seconds: number) => vi.setSystemTime(at(seconds));

/** Support for 60 s, then Everyone; reservations time out after 30 s. */
const CONFIGURATION = {
  task_routing: {
    filters: [
      { filter_friendly_name: "Support", expression: "type == 'support'", targets: [{ queue: SUPPORT, timeout: 60 }, { queue: EVERYONE }] },
    ],
    default_filter: { queue: EVERYONE },
  },
};

const stub = () => env.ROUTER.getByName(routerName(WORKSPACE, "statistics-eviction"));
const QUERY: StatisticsQuery = { realtime: true, cumulative: { window: { startMs: T0, endMs: T0 + HOUR }, splitByWaitTime: [30, 60] } };
const workerSids: string[] = [];

/** Every statistics RPC's answer, for the whole day. */
async function everything() {
  const router = stub();
  return {
    workspace: value(await router.workspaceStatistics(ACCOUNT, QUERY)),
    voice: value(await router.workspaceStatistics(ACCOUNT, { ...QUERY, taskChannel: "voice" })),
    support: value(await router.queueStatistics(ACCOUNT, SUPPORT, QUERY)),
    everyone: value(await router.queueStatistics(ACCOUNT, EVERYONE, QUERY)),
    queues: value(await router.queueListStatistics(ACCOUNT, { pageSize: 50, page: 0 }, QUERY)),
    bulk: value(await router.bulkQueueStatistics(ACCOUNT, [SUPPORT, EVERYONE], QUERY)),
    workflow: value(await router.workflowStatistics(ACCOUNT, WORKFLOW, QUERY)),
    workers: value(await router.workersStatistics(ACCOUNT, {}, QUERY)),
    supportWorkers: value(await router.workersStatistics(ACCOUNT, { taskQueueSid: SUPPORT }, QUERY)),
    each: await Promise.all(workerSids.map(async (sid) => (await router.workerStatistics(ACCOUNT, sid, QUERY)).ok)),
  };
}

/** Runs a step, then checks that an eviction changes no figure. */
async function step<T>(seconds: number, run: () => Promise<T>): Promise<T> {
  clock(seconds);
  const result = await run();
  const before = await everything();
  await evictDurableObject(stub());
  expect(await everything()).toEqual(before);
  return result;
}

let final: Awaited<ReturnType<typeof everything>>;

/**
 * The day, in seconds after T0:
 *    0  Ann (support, Available) and Bob (Offline) created; task A (support, voice) reserved for Ann
 *   10  task B (support, voice) waits: Ann's voice capacity is taken
 *   30  alarm: A's reservation times out; Ann goes to Break (Available 0–30 s)
 *   40  Ann Available again (Break 30–40 s): reserved B (A excludes her now)
 *   45  Ann rejects B
 *   60  alarm: A's Support step times out; A enters Everyone
 *   70  alarm: B's step times out; B enters Everyone
 *   80  Bob Available (Offline 0–80 s): reserved A
 *   90  Bob accepts A: waited 90 s since creation, 30 s in Everyone
 *  100  B deleted through the API (counts as deleted, not canceled)
 *  110  A completed
 * 1010  alarm: A purged, 15 minutes after completing (gone from the real-time figures only)
 * 1020  Bob deleted (Available 80–1020 s = 940 s)
 */
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  clock(0);
  const workflows = [workflow({ configuration: JSON.stringify(CONFIGURATION), task_reservation_timeout: 30 })];
  value(await stub().applyConfig(snapshot(1, workflows), []));
  const ann = await step(0, async () =>
    value(await stub().createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' })),
  );
  const bob = await step(0, async () => value(await stub().createWorker(ACCOUNT, { friendlyName: "Bob", activitySid: OFFLINE })));
  workerSids.push(ann.worker.sid, bob.worker.sid);
  const support = { attributes: '{"type":"support"}', taskChannel: "voice" };
  const a = await step(0, async () => value(await stub().createTask(ACCOUNT, support)));
  expect(a.task.assignment_status).toBe("reserved");
  const b = await step(10, async () => value(await stub().createTask(ACCOUNT, support)));
  expect(await step(30, () => runDurableObjectAlarm(stub()))).toBe(true);
  await step(40, async () => value(await stub().updateWorker(ACCOUNT, ann.worker.sid, { activitySid: AVAILABLE })));
  const annB = value(await stub().listReservations(ACCOUNT, { taskSid: b.task.sid }, { pageSize: 50, page: 0 })).items[0]!;
  await step(45, async () =>
    value(await stub().updateReservation(ACCOUNT, { taskSid: b.task.sid }, annB.sid, { reservationStatus: "rejected" })),
  );
  expect(await step(60, () => runDurableObjectAlarm(stub()))).toBe(true);
  expect(await step(70, () => runDurableObjectAlarm(stub()))).toBe(true);
  expect(value(await stub().getTask(ACCOUNT, b.task.sid)).task.task_queue_sid).toBe(EVERYONE);
  await step(80, async () => value(await stub().updateWorker(ACCOUNT, bob.worker.sid, { activitySid: AVAILABLE })));
  const bobA = value(await stub().listReservations(ACCOUNT, { workerSid: bob.worker.sid }, { pageSize: 50, page: 0 })).items[0]!;
  await step(90, async () =>
    value(await stub().updateReservation(ACCOUNT, { workerSid: bob.worker.sid }, bobA.sid, { reservationStatus: "accepted" })),
  );
  await step(100, async () => value(await stub().deleteTask(ACCOUNT, b.task.sid)));
  await step(110, async () => value(await stub().updateTask(ACCOUNT, a.task.sid, { assignmentStatus: "completed" })));
  expect(await step(1010, () => runDurableObjectAlarm(stub()))).toBe(true);
  expect((await stub().getTask(ACCOUNT, a.task.sid)).ok).toBe(false);
  await step(1020, async () => value(await stub().deleteWorker(ACCOUNT, bob.worker.sid)));
  final = await everything();
});

afterAll(() => {
  vi.useRealTimers();
});

const none = { count: 0, totalMs: 0, minMs: null, maxMs: null };
const seconds = (...values: number[]) => ({
  count: values.length,
  totalMs: values.reduce((sum, v) => sum + v * 1000, 0),
  minMs: Math.min(...values) * 1000,
  maxMs: Math.max(...values) * 1000,
});

describe("after a day evicted at every step", () => {
  it("the workspace counted each task and reservation once", () => {
    const { counts, waits, splits } = final.workspace.cumulative!;
    expect(counts).toEqual({
      tasks_created: 2,
      tasks_entered: 2,
      tasks_canceled: 0, // B was deleted, not canceled
      tasks_completed: 1,
      tasks_deleted: 1,
      tasks_moved: 0, // timing out of a step is not a move
      tasks_timed_out_in_workflow: 0,
      reservations_created: 3, // Ann–A, Ann–B, Bob–A
      reservations_accepted: 1,
      reservations_rejected: 1,
      reservations_timed_out: 1,
      reservations_canceled: 0,
      reservations_rescinded: 0,
    });
    expect(waits).toEqual({
      wait_duration_until_accepted: seconds(90),
      wait_duration_until_canceled: none,
      wait_duration_in_queue_until_accepted: seconds(30),
    });
    // A waited 90 s: above 30, above 60.
    expect(splits).toEqual([
      { threshold: 30, canceledBelow: 0, canceledAbove: 0, acceptedBelow: 0, acceptedAbove: 1 },
      { threshold: 60, canceledBelow: 0, canceledAbove: 0, acceptedBelow: 0, acceptedAbove: 1 },
    ]);
    expect(final.voice.cumulative!.counts.tasks_created).toBe(2);
  });

  it("each queue counted what happened while the task was in it", () => {
    // Support: both tasks entered; Ann's reservations (A timed out, B rejected) were made there.
    expect(final.support.cumulative!.counts).toMatchObject({
      tasks_entered: 2,
      reservations_created: 2,
      reservations_timed_out: 1,
      reservations_rejected: 1,
      reservations_accepted: 0,
      tasks_deleted: 0,
    });
    // Everyone: both entered after their step timed out; Bob accepted A there, B was deleted there.
    expect(final.everyone.cumulative!.counts).toMatchObject({
      tasks_entered: 2,
      reservations_created: 1,
      reservations_accepted: 1,
      tasks_completed: 1,
      tasks_deleted: 1,
    });
    expect(final.everyone.cumulative!.waits.wait_duration_in_queue_until_accepted).toEqual(seconds(30));
    expect(final.workflow.cumulative!.counts).toMatchObject({ tasks_entered: 2, reservations_created: 3, tasks_deleted: 1 });
  });

  it("workers' Activity stints: Ann Available 30 s and Break 10 s, Bob Offline 80 s and Available 940 s", () => {
    const { activities, reservations } = final.workers.cumulative!;
    expect(activities).toEqual({ [AVAILABLE]: seconds(30, 940), [BREAK]: seconds(10), [OFFLINE]: seconds(80) });
    expect(reservations).toMatchObject({ reservations_created: 3, reservations_timed_out: 1, reservations_rejected: 1 });
    // Support's members: Ann only.
    expect(final.supportWorkers.cumulative!.activities).toEqual({ [AVAILABLE]: seconds(30), [BREAK]: seconds(10) });
    // Bob was deleted: his own statistics are gone with him; Ann's remain.
    expect(final.each).toEqual([true, false]);
  });

  it("a refused operation counts nothing", async () => {
    clock(1030);
    expect((await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}', taskChannel: "fax" })).ok).toBe(false);
    expect((await stub().updateWorker(ACCOUNT, workerSids[0]!, { activitySid: "WA" + "9".repeat(32) })).ok).toBe(false);
    expect(await everything()).toEqual(final);
  });

  it("real time: no task left (A purged, B deleted), Ann Available", () => {
    expect(final.workspace.realtime).toMatchObject({ totalTasks: 0, longestWaiting: null });
    expect(final.workspace.workers!.activities.map((a) => [a.friendlyName, a.workers])).toEqual([
      ["Available", 1],
      ["Offline", 0],
      ["Break", 0],
    ]);
    expect(final.support.workers).toMatchObject({ available: 1, eligible: 1 });
  });
});
