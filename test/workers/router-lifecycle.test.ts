/**
 * The Router DO over RPC, as the Worker and the Workspace DO call it: a task's whole life with the
 * object evicted between every step, timers fired by the alarm (reservation timeout, workflow step
 * timeout, task TTL), and one winner when two accepts race. Storage is per test file, so each test
 * uses its own object (its own region name).
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { routerName } from "../../platform/objects";
import { ACCOUNT, AVAILABLE, BREAK, EVERYONE, SUPPORT, WORKSPACE, snapshot, value, workflow } from "./router-fixtures";

let objects = 0;
/** A fresh Router DO with the test configuration applied. */
async function freshRouter() {
  const name = routerName(WORKSPACE, `lifecycle-${++objects}`);
  const stub = () => env.ROUTER.getByName(name);
  return { name, stub };
}

async function configured(workflows = [workflow()]) {
  const router = await freshRouter();
  value(await router.stub().applyConfig(snapshot(1, workflows), []));
  return router;
}

const page = { pageSize: 50, page: 0 };
/** Timers fire at the time they were due (the alarm's time), which in a test is ahead of the clock. */
const anyTime = () => ({ startDate: Date.now() - 3_600_000, endDate: Date.now() + 2 * 86_400_000 });
const support = '{"skills":["support"]}';

describe("a task's life, evicted between every step", () => {
  it("is created, reserved, accepted, wrapped up and completed; nothing is lost or reserved twice", async () => {
    const { stub } = await configured();
    const evicted = async <T>(step: () => Promise<T>): Promise<T> => {
      const result = await step();
      await evictDurableObject(stub());
      return result;
    };

    const ann = await evicted(async () =>
      value(await stub().createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: support })),
    );
    const bob = await evicted(async () =>
      value(await stub().createWorker(ACCOUNT, { friendlyName: "Bob", activitySid: AVAILABLE, attributes: support })),
    );
    const created = await evicted(async () =>
      value(await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}', taskChannel: "voice" })),
    );
    // Ann has been idle longest (created first): she gets the reservation.
    expect(created.task).toMatchObject({ assignment_status: "reserved", task_queue_sid: SUPPORT, task_channel_unique_name: "voice" });

    const reservations = await evicted(
      async () => value(await stub().listReservations(ACCOUNT, { taskSid: created.task.sid }, page)).items,
    );
    expect(reservations.map((r) => [r.worker_name, r.reservation_status])).toEqual([["Ann", "pending"]]);

    // After the restart the task is still reserved for Ann only; Bob holds nothing.
    const bobVoice = await evicted(async () => value(await stub().getWorkerChannel(ACCOUNT, bob.worker.sid, "voice")));
    expect(bobVoice).toMatchObject({ assigned_tasks: 0, configured_capacity: 1 });
    const annVoice = await evicted(async () => value(await stub().getWorkerChannel(ACCOUNT, ann.worker.sid, "voice")));
    expect(annVoice).toMatchObject({ assigned_tasks: 1, available_capacity_percentage: 0 });

    const accepted = await evicted(async () =>
      value(
        await stub().updateReservation(ACCOUNT, { workerSid: ann.worker.sid }, reservations[0]!.sid, { reservationStatus: "accepted" }),
      ),
    );
    expect(accepted.reservation.reservation_status).toBe("accepted");
    expect(await evicted(async () => value(await stub().getTask(ACCOUNT, created.task.sid)).task.assignment_status)).toBe("assigned");

    await evicted(async () => value(await stub().updateTask(ACCOUNT, created.task.sid, { assignmentStatus: "wrapping" })));
    const reservationNow = await evicted(async () =>
      value(await stub().getReservation(ACCOUNT, { taskSid: created.task.sid }, reservations[0]!.sid)),
    );
    expect(reservationNow.reservation.reservation_status).toBe("wrapping");

    const done = await evicted(async () =>
      value(await stub().updateTask(ACCOUNT, created.task.sid, { assignmentStatus: "completed", reason: "resolved" })),
    );
    expect(done.task).toMatchObject({ assignment_status: "completed", reason: "resolved" });
    expect(await evicted(async () => value(await stub().getWorkerChannel(ACCOUNT, ann.worker.sid, "voice")).assigned_tasks)).toBe(0);

    const types = value(await stub().listEvents(ACCOUNT, { ...page, taskSid: created.task.sid }))
      .items.map((e) => e.event_type)
      .reverse();
    expect(types).toEqual([
      "task.created",
      "workflow.entered",
      "workflow.target-matched",
      "task-queue.entered",
      "reservation.created",
      "reservation.accepted",
      "reservation.wrapup",
      "task.wrapup",
      "reservation.completed",
      "task.completed",
    ]);
  });

  it("sends every event to the EVENTS queue after the transaction (the outbox empties)", async () => {
    const { stub } = await configured();
    value(await stub().createWorker(ACCOUNT, { friendlyName: "Cid", activitySid: AVAILABLE }));
    const left = async () => {
      for (let i = 0; i < 50; i++) {
        const n = await runInDurableObject(stub(), (_i, state) => state.storage.sql.exec("SELECT count(*) AS n FROM sb_outbox").one().n);
        if (n === 0) return 0;
        await new Promise((r) => setTimeout(r, 20));
      }
      return -1;
    };
    expect(await left()).toBe(0);
  });
});

describe("timers fire from the alarm", () => {
  it("times a reservation out: the worker moves to the timeout activity and the task goes to the next worker", async () => {
    const { stub } = await configured();
    const ann = value(await stub().createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: support }));
    // Ann must have been idle longer than Bob: workers idle since the same millisecond tie on their
    // (random) SIDs, so let the clock move on between the two.
    await new Promise((r) => setTimeout(r, 5));
    const bob = value(await stub().createWorker(ACCOUNT, { friendlyName: "Bob", activitySid: AVAILABLE, attributes: support }));
    const task = value(await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}' })).task;
    await evictDurableObject(stub());
    // Timers: Ann's reservation at +120 s (the workflow's timeout), the TTL at +86 400 s. The first fires.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    const all = value(await stub().listReservations(ACCOUNT, { taskSid: task.sid }, page)).items;
    expect(all.map((r) => [r.worker_name, r.reservation_status])).toEqual([
      ["Ann", "timeout"],
      ["Bob", "pending"],
    ]);
    expect(value(await stub().getWorker(ACCOUNT, ann.worker.sid)).worker).toMatchObject({ activity_sid: BREAK, available: false });
    expect(value(await stub().getWorker(ACCOUNT, bob.worker.sid)).worker.activity_sid).toBe(AVAILABLE);
    expect(value(await stub().getTask(ACCOUNT, task.sid)).task.assignment_status).toBe("reserved");
  });

  it("moves a task on when its workflow step times out", async () => {
    // Nobody matches the first target (a queue with no support agents for 30 s), then Everyone.
    const configuration = JSON.stringify({
      task_routing: { filters: [{ expression: "1==1", targets: [{ queue: SUPPORT, timeout: 30 }, { queue: EVERYONE }] }] },
    });
    const { stub } = await configured([workflow({ configuration })]);
    value(await stub().createWorker(ACCOUNT, { friendlyName: "Dee", activitySid: AVAILABLE }));
    const task = value(await stub().createTask(ACCOUNT, {})).task;
    expect(task).toMatchObject({ assignment_status: "pending", task_queue_sid: SUPPORT });
    await evictDurableObject(stub());
    expect(await runDurableObjectAlarm(stub())).toBe(true); // the step deadline at +30 s comes before the TTL
    expect(value(await stub().getTask(ACCOUNT, task.sid)).task).toMatchObject({ assignment_status: "reserved", task_queue_sid: EVERYONE });
    const types = value(await stub().listEvents(ACCOUNT, { ...page, ...anyTime(), taskSid: task.sid })).items.map((e) => e.event_type);
    expect(types).toContain("task-queue.timeout");
  });

  it("cancels a task whose TTL runs out before it is assigned", async () => {
    const { stub } = await configured();
    const task = value(await stub().createTask(ACCOUNT, { timeout: 60 })).task;
    await evictDurableObject(stub());
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(value(await stub().getTask(ACCOUNT, task.sid)).task).toMatchObject({
      assignment_status: "canceled",
      reason: "Task TTL Exceeded",
    });
    const canceled = value(await stub().listEvents(ACCOUNT, { ...page, ...anyTime(), taskSid: task.sid, eventType: "task.canceled" }));
    expect(canceled.items[0]?.event_data).toMatchObject({ task_canceled_reason: "Task TTL Exceeded" });
  });
});

describe("concurrency", () => {
  it("lets exactly one of two concurrent accepts of a reservation win", async () => {
    const { stub } = await configured();
    value(await stub().createWorker(ACCOUNT, { friendlyName: "Eve", activitySid: AVAILABLE }));
    const task = value(await stub().createTask(ACCOUNT, {})).task;
    const [reservation] = value(await stub().listReservations(ACCOUNT, { taskSid: task.sid }, page)).items;
    const accept = () =>
      env.ROUTER.getByName(routerName(WORKSPACE, `lifecycle-${objects}`)).updateReservation(
        ACCOUNT,
        { taskSid: task.sid },
        reservation!.sid,
        { reservationStatus: "accepted" },
      );
    const results = await Promise.all([accept(), accept(), accept()]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const lost of results.filter((r) => !r.ok)) {
      expect(lost).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/no longer pending \(it is accepted\)/) });
    }
  });
});
