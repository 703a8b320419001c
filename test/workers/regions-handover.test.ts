/**
 * Overflow between regions, one task handed over exactly once from the us-east Router (A) to the
 * eu-ireland Router (B) by a workflow target naming eu-ireland — with each side evicted at each step:
 * A after the routing decision (B not reachable yet), B after taking the task but before answering,
 * A after B took it but before recording the move. Whatever the order, the task ends up in one
 * region, reserved there only, never offered to A's worker; a cancel that arrives meanwhile is applied
 * once, where the task is; a repeated or older hop changes nothing. The clock is a day ahead (as in
 * router-statistics-eviction), so a failed handover's retry fires only when the test runs the alarm.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Router } from "../../durable-objects/router/lifecycle/router";
import type { HandoverPayload } from "../../durable-objects/router/lifecycle/handover";
import { followMoves, routerFor } from "../../platform/objects";
import { eventually } from "../support/eventually";
import { ACCOUNT, AVAILABLE, EVERYONE, snapshot, value, workflow } from "./router-fixtures";

const OVERFLOW = { task_routing: { filters: [{ expression: "1==1", targets: [{ queue: EVERYONE, region: "eu-ireland" }] }] } };
const SNAPSHOT = snapshot(1, [workflow({ configuration: JSON.stringify(OVERFLOW) })]);
const page = { pageSize: 50, page: 0 };

beforeAll(() => void vi.setSystemTime(Date.now() + 86_400_000));
afterAll(() => void vi.useRealTimers());

let workspaces = 0;

/** A workspace of its own: A configured, with its own available worker; B not configured yet (so not reachable for handovers). */
async function scenario() {
  const ws = "WS" + (0xa000 + ++workspaces).toString(16).padStart(32, "0");
  const a = () => routerFor(env, ws, "us-east");
  const b = () => routerFor(env, ws, "eu-ireland");
  value(await a().applyConfig(SNAPSHOT, []));
  const uma = value(await a().createWorker(ACCOUNT, { friendlyName: "Uma", activitySid: AVAILABLE })).worker.sid;
  const task = value(await a().createTask(ACCOUNT, { attributes: "{}" })).task.sid;
  let siobhan = "";
  return {
    ws,
    a,
    b,
    uma,
    task,
    siobhan: () => siobhan,
    /** B gets the configuration and an available worker: from now on it takes handovers. */
    async openB() {
      value(await b().applyConfig(SNAPSHOT, []));
      siobhan = value(await b().createWorker(ACCOUNT, { friendlyName: "Siobhan", activitySid: AVAILABLE })).worker.sid;
    },
    /** What A would send B for the task's first hop, read inside A as its drain reads it. */
    payload: () =>
      runInDurableObject(a(), (instance) =>
        (instance as unknown as { router: Router }).router.handoverPayload(
          { kind: "handover", taskSid: task, region: "eu-ireland", hop: 1 },
          Date.now(),
        ),
      ),
    reservations: async (router: ReturnType<typeof a>) => {
      const listed = await router.listReservations(ACCOUNT, { taskSid: task }, page);
      return listed.ok ? listed.value.items.map((r) => [r.worker_sid, r.reservation_status]) : listed.status;
    },
    events: async (router: ReturnType<typeof a>, type: string) =>
      value(await router.listEvents(ACCOUNT, { ...page, minutes: 60 * 48, taskSid: task, eventType: type })).items.length,
  };
}

/** B's record of the task's hops (`sb_moves`), read inside B. */
const movesIn = (router: ReturnType<typeof routerFor>, sid: string) =>
  runInDurableObject(router, (_instance, state) => state.storage.sql.exec("SELECT state, hop FROM sb_moves WHERE sid = ?", sid).toArray());

describe("a task whose target names another region", () => {
  it("stays pending in A while B cannot be reached — visible, offered to nobody, after an eviction too — and the retry hands it over once", async () => {
    const s = await scenario();
    await evictDurableObject(s.a());
    expect(value(await s.a().getTask(ACCOUNT, s.task)).task).toMatchObject({ assignment_status: "pending", task_queue_sid: null });
    expect(await s.reservations(s.a())).toEqual([]);

    await s.openB();
    await runDurableObjectAlarm(s.a());
    await eventually(async () => ((await s.a().getTask(ACCOUNT, s.task)).ok ? undefined : true), "A recording the move");

    expect(value(await s.b().getTask(ACCOUNT, s.task)).task).toMatchObject({ sid: s.task, assignment_status: "reserved" });
    expect(await s.reservations(s.b())).toEqual([[s.siobhan(), "pending"]]);
    expect(await s.a().getTask(ACCOUNT, s.task)).toMatchObject({ ok: false, status: 409, movedTo: "eu-ireland" });
    expect(await s.events(s.a(), "task.transferred-region")).toBe(1);
    expect(await s.events(s.a(), "reservation.created")).toBe(0);
    // A's worker was never offered it, and is free for A's own tasks.
    expect(value(await s.a().getWorkerChannel(ACCOUNT, s.uma, "default")).assigned_tasks).toBe(0);

    // After the move, both evicted: the tombstone and B's reservation are what storage says.
    await evictDurableObject(s.a());
    await evictDurableObject(s.b());
    expect(await s.a().getTask(ACCOUNT, s.task)).toMatchObject({ ok: false, status: 409, movedTo: "eu-ireland" });
    expect(await s.reservations(s.b())).toEqual([[s.siobhan(), "pending"]]);
    expect(value(await s.a().listTasks(ACCOUNT, page)).items).toEqual([]);
  });

  it("converges when B is evicted after taking it and A after B took it, before A recorded the move", async () => {
    const s = await scenario();
    await s.openB();
    const payload = (await s.payload()) as HandoverPayload;
    expect(value(await s.b().acceptHandover(ACCOUNT, payload))).toEqual({ accepted: true });
    await evictDurableObject(s.b());
    await evictDurableObject(s.a());

    // A's wake-up retry and this update meet in one drain: B answers "already taken", A records the move.
    const update = await followMoves(env, s.ws, s.task, (router) => router.updateTask(ACCOUNT, s.task, { priority: 5 }));
    expect(value(update).task).toMatchObject({ priority: 5, assignment_status: "reserved" });
    expect(await s.a().getTask(ACCOUNT, s.task)).toMatchObject({ ok: false, movedTo: "eu-ireland" });
    expect(await s.reservations(s.b())).toEqual([[s.siobhan(), "pending"]]);
    expect(await s.events(s.a(), "task.transferred-region")).toBe(1);

    // The repeated hop, and an older one, change nothing in B.
    expect(value(await s.b().acceptHandover(ACCOUNT, payload))).toEqual({ accepted: false });
    expect(value(await s.b().acceptHandover(ACCOUNT, { ...payload, hop: 0 }))).toEqual({ accepted: false });
    expect(await s.reservations(s.b())).toEqual([[s.siobhan(), "pending"]]);
    expect(value(await s.b().getTask(ACCOUNT, s.task)).task.priority).toBe(5);
  });

  it("is canceled in A once when the cancel comes while B cannot be reached, and B never gets it", async () => {
    const s = await scenario();
    const canceled = await followMoves(env, s.ws, s.task, (router) =>
      router.updateTask(ACCOUNT, s.task, { assignmentStatus: "canceled", reason: "customer left" }),
    );
    expect(value(canceled).task).toMatchObject({ sid: s.task, assignment_status: "canceled" });
    await evictDurableObject(s.a());

    await s.openB();
    await runDurableObjectAlarm(s.a());
    await eventually(async () => ((await movesIn(s.b(), s.task)).length > 0 ? true : undefined), "B hearing the withdrawal");
    expect(await movesIn(s.b(), s.task)).toEqual([{ state: "withdrawn", hop: 1 }]);
    expect((await s.b().getTask(ACCOUNT, s.task)).ok).toBe(false);
    expect(value(await s.a().getTask(ACCOUNT, s.task)).task.assignment_status).toBe("canceled");
    expect(await s.events(s.a(), "task.canceled")).toBe(1);

    // A late copy of the withdrawn hop is refused.
    const late: HandoverPayload = {
      accountSid: ACCOUNT,
      sid: s.task,
      hop: 1,
      fromRegion: "us-east",
      workflowSid: SNAPSHOT.workflows[0]!.sid,
      taskChannelSid: SNAPSHOT.taskChannels[0]!.sid,
      attributes: "{}",
      priority: 0,
      timeout: 3600,
      virtualStartTime: Date.now(),
      createdAt: Date.now(),
      step: { filterIndex: 0, targetIndex: 0, workflowEnteredAt: Date.now() },
    };
    expect(value(await s.b().acceptHandover(ACCOUNT, late))).toEqual({ accepted: false });
    expect(await s.reservations(s.b())).toEqual(404);
  });

  it("is canceled in B once when the cancel comes after B took it but before A recorded the move", async () => {
    const s = await scenario();
    await s.openB();
    expect(value(await s.b().acceptHandover(ACCOUNT, (await s.payload()) as HandoverPayload))).toEqual({ accepted: true });

    const canceled = await followMoves(env, s.ws, s.task, (router) =>
      router.updateTask(ACCOUNT, s.task, { assignmentStatus: "canceled", reason: "customer left" }),
    );
    expect(value(canceled).task.assignment_status).toBe("canceled");
    expect(await s.reservations(s.b())).toEqual([[s.siobhan(), "canceled"]]);
    expect(await s.events(s.b(), "task.canceled")).toBe(1);
    expect(await s.events(s.a(), "task.canceled")).toBe(0);
    expect(await s.a().getTask(ACCOUNT, s.task)).toMatchObject({ ok: false, movedTo: "eu-ireland" });
  });
});
