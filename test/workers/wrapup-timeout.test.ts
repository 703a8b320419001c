/**
 * The automatic end of wrap-up in a real Router DO: a task wrapping up on a queue with
 * WrapUpTimeoutSeconds is completed by the one alarm that many seconds later, as the agent's `complete`
 * would be (the same events, the worker's capacity freed), with the object evicted in between; the agent's
 * frame says when. The clock is the test's fake `Date`, a day ahead of the real one, so the alarm fires
 * only when the test runs it.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { routerName } from "../../platform/objects";
import { ACCOUNT, AVAILABLE, SUPPORT, WORKSPACE, snapshot, value } from "./router-fixtures";
import { connectToRouter } from "./realtime-helpers";

const HOUR = 3_600_000;
const T0 = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;
const clock = (seconds: number) => vi.setSystemTime(T0 + seconds * 1000);
const page = { pageSize: 50, page: 0 };

let objects = 0;
/** A Router whose Support queue ends wrap-up after `seconds` (null: never). */
async function routerWithWrapUp(seconds: number | null) {
  const name = routerName(WORKSPACE, `wrapup-timeout-${++objects}`);
  const stub = () => env.ROUTER.getByName(name);
  const base = snapshot(1);
  const taskQueues = base.taskQueues.map((q) => (q.sid === SUPPORT ? { ...q, wrap_up_timeout_seconds: seconds } : q));
  value(await stub().applyConfig({ ...base, taskQueues }, []));
  const ann = value(
    await stub().createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' }),
  ).worker.sid;
  const task = value(await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}' })).task.sid;
  const reservation = value(await stub().listReservations(ACCOUNT, { taskSid: task }, page)).items[0]!.sid;
  const answer = async (reservationStatus: "accepted" | "wrapping" | "completed") =>
    value(await stub().updateReservation(ACCOUNT, { workerSid: ann }, reservation, { reservationStatus }));
  const status = async () => value(await stub().getTask(ACCOUNT, task)).task;
  const wrapupTimers = () =>
    runInDurableObject(stub(), (_, state) => state.storage.sql.exec("SELECT due_at FROM sb_timers WHERE kind = 'wrapup'").toArray());
  return { stub, ann, task, reservation, answer, status, wrapupTimers };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  clock(0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the automatic end of wrap-up (a queue's WrapUpTimeoutSeconds)", () => {
  it("completes the task when the time is up, by the alarm, across an eviction, and tells the agent when", async () => {
    const { stub, ann, task, reservation, answer, status } = await routerWithWrapUp(30);
    const socket = await connectToRouter(stub(), {
      accountSid: ACCOUNT,
      workspaceSid: WORKSPACE,
      role: "worker",
      workerSid: ann,
      ops: ["tasks:complete", "tasks:wrapup"],
      expiresAt: T0 + HOUR,
    });
    await socket.nextOf("hello");
    clock(1);
    await answer("accepted");
    clock(5);
    await answer("wrapping");
    // Wrap-up began at 5 s: it ends at 35 s, which the agent's frame says.
    expect(await socket.nextOf("reservation.wrapup")).toMatchObject({ reservation: { sid: reservation, wrapup_ends_at: T0 + 35_000 } });
    await evictDurableObject(stub());
    // The timer outlived the eviction, and the one alarm is set for it (the object runs a due alarm as of its
    // scheduled time, so running it is the time coming).
    expect(await runInDurableObject(stub(), (_, state) => state.storage.getAlarm())).toBe(T0 + 35_000);
    expect((await status()).assignment_status).toBe("wrapping");

    clock(35);
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(await status()).toMatchObject({ assignment_status: "completed", reason: "Wrap-up time ended" });
    expect(value(await stub().getReservation(ACCOUNT, { workerSid: ann }, reservation)).reservation.reservation_status).toBe("completed");
    // The same events as an agent's complete, at the time it was due.
    const events = value(await stub().listEvents(ACCOUNT, { ...page, minutes: 60, taskSid: task })).items.map((e) => e.event_type);
    expect(events).toEqual(expect.arrayContaining(["reservation.completed", "task.completed"]));
    expect(await socket.nextOf("reservation.completed")).toMatchObject({ reservation: { sid: reservation, status: "completed" } });
    // Ann's capacity is free again: the next task rings her.
    const next = value(await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}' })).task.sid;
    expect(value(await stub().listReservations(ACCOUNT, { taskSid: next }, page)).items.map((r) => r.worker_sid)).toEqual([ann]);
  });

  it("leaves a task the agent completed first alone, and ends nothing on a queue without the setting", async () => {
    const timed = await routerWithWrapUp(30);
    await timed.answer("accepted");
    await timed.answer("wrapping");
    expect(await timed.wrapupTimers()).toEqual([{ due_at: T0 + 30_000 }]);
    clock(10);
    await timed.answer("completed");
    expect(await timed.wrapupTimers()).toEqual([]);
    expect((await timed.status()).reason).toBeNull();

    const untimed = await routerWithWrapUp(null);
    await untimed.answer("accepted");
    await untimed.answer("wrapping");
    expect(await untimed.wrapupTimers()).toEqual([]);
    clock(3600);
    await runDurableObjectAlarm(untimed.stub());
    expect((await untimed.status()).assignment_status).toBe("wrapping");
  });
});
