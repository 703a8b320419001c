/**
 * The supervisors' feed through the real Router DO and hibernatable WebSockets, with identities the
 * test builds: the snapshot after a scripted setup (figures worked out by hand), a delta when a task
 * arrives, deltas coalesced to one a second through the alarm, eviction while connected, commands
 * refused, and worker tokens still getting the agents' channel. Storage is per file, so each test has
 * its own Router DO (its own region name). The clock is the test's (fake `Date`, which the Router DO
 * shares in workerd), a day ahead of the real one so no alarm fires by itself: a second passes when the
 * test says so, not by sleeping, and the one-a-second rule is checked without racing the real alarm.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { routerName } from "../../platform/objects";
import type { AgentIdentity } from "../../durable-objects/router/realtime/channel";
import type { SupervisorQueue, SupervisorWorker } from "../../contract/realtime-frames";
import {
  ACCOUNT,
  AVAILABLE,
  BREAK,
  CHAT,
  DEFAULT_CHANNEL,
  EVERYONE,
  OFFLINE,
  SUPPORT,
  WORKSPACE,
  snapshot,
  value,
} from "./router-fixtures";
import { connectToRouter, queueAsSeen, type AgentSocket, type Frame } from "./realtime-helpers";

const HOUR = 3600_000;
/** A whole hour a day ahead of the real clock. */
const T0 = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;
const clock = (ms: number) => vi.setSystemTime(T0 + ms);
const support = '{"skills":["support"]}';

let objects = 0;
async function configured() {
  const name = routerName(WORKSPACE, `supervisor-${++objects}`);
  const stub = () => env.ROUTER.getByName(name);
  value(await stub().applyConfig(snapshot(1), []));
  const worker = async (friendlyName: string, activitySid = AVAILABLE, attributes = support) =>
    value(await stub().createWorker(ACCOUNT, { friendlyName, activitySid, attributes })).worker.sid;
  const identity = (overrides: Partial<AgentIdentity> = {}): AgentIdentity => ({
    accountSid: ACCOUNT,
    workspaceSid: WORKSPACE,
    role: "supervisor",
    ops: [],
    expiresAt: Date.now() + HOUR,
    ...overrides,
  });
  const supervise = (overrides?: Partial<AgentIdentity>) => connectToRouter(stub(), identity(overrides));
  const task = async (type = "support") => value(await stub().createTask(ACCOUNT, { attributes: JSON.stringify({ type }) })).task.sid;
  const flushRows = () =>
    runInDurableObject(stub(), (_, state) =>
      state.storage.sql
        .exec<{ sid: string }>("SELECT sid FROM sb_timers WHERE kind = 'supervisor-flush' ORDER BY sid")
        .toArray()
        .map((row) => row.sid),
    );
  return { stub, worker, supervise, task, flushRows };
}

/** A queue as the supervisor has it after `frame` (a delta's row carries only what changed): undefined when the frame does not carry it. */
const queueOf = (frame: Frame, sid: string) => queueAsSeen<SupervisorQueue>(frame, sid);
const workerOf = (frame: Frame, sid: string) => (frame.workers as SupervisorWorker[]).find((worker) => worker.sid === sid);
const deltas = (socket: AgentSocket) => socket.frames.filter((frame) => frame.type === "supervisor.delta");
const statuses = (counts: Partial<Record<string, number>>) => ({
  pending: 0,
  reserved: 0,
  assigned: 0,
  wrapping: 0,
  completed: 0,
  canceled: 0,
  ...counts,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  clock(0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the supervisors' feed in the Router DO", () => {
  it("closes a supervisor whose token expired while connected, at the next delta (4401)", async () => {
    const { supervise, task } = await configured();
    const socket = await supervise({ expiresAt: T0 + 300 });
    expect((await socket.next()).type).toBe("supervisor.snapshot");
    clock(400); // the token expires; nothing is sent until something changes
    await task();
    expect(await socket.closed()).toEqual({ code: 4401, reason: "The token has expired" });
    expect(deltas(socket)).toEqual([]);
  });

  it("sends a snapshot of every queue and worker first", async () => {
    const { worker, supervise, task } = await configured();
    // Alice (available, support) takes the support task; Bob (available, no skills) is in Everyone only;
    // Carol (offline, support) is a member of both but not available.
    const alice = await worker("Alice");
    const bob = await worker("Bob", AVAILABLE, '{"skills":[]}');
    const carol = await worker("Carol", OFFLINE);
    const t1 = await task();

    const socket = await supervise();
    const frame = await socket.next();
    expect(frame.type).toBe("supervisor.snapshot");
    expect(queueOf(frame, SUPPORT)).toMatchObject({
      friendly_name: "Support",
      tasks_by_status: statuses({ reserved: 1 }),
      total_tasks: 1,
      longest_task_waiting_sid: t1,
      total_available_workers: 1,
      total_eligible_workers: 2,
      activity_statistics: [
        { sid: AVAILABLE, friendly_name: "Available", workers: 1 },
        { sid: OFFLINE, friendly_name: "Offline", workers: 1 },
        { sid: expect.any(String), friendly_name: "Break", workers: 0 },
      ],
    });
    expect(queueOf(frame, SUPPORT)!.longest_task_waiting_age).toBe(0);
    expect(queueOf(frame, EVERYONE)).toMatchObject({
      friendly_name: "Everyone",
      tasks_by_status: statuses({}),
      total_tasks: 0,
      longest_task_waiting_sid: null,
      longest_task_waiting_age: 0,
      total_available_workers: 2,
      total_eligible_workers: 3,
    });
    expect((frame.workers as SupervisorWorker[]).map((w) => w.friendly_name)).toEqual(["Alice", "Bob", "Carol"]);
    const a = workerOf(frame, alice)!;
    expect(a).toMatchObject({ activity_sid: AVAILABLE, activity_name: "Available", available: true, attributes: support });
    expect(a.reservations).toEqual([
      {
        sid: expect.stringMatching(/^WR/),
        task_sid: t1,
        status: "pending",
        task_channel_unique_name: "default",
        date_created: expect.any(String),
        // A task made through the API for no conversation, whose attributes name nobody.
        conversation_sid: null,
        channel_type: null,
        customer: null,
        task_queue_sid: SUPPORT,
        task_queue_name: "Support",
      },
    ]);
    expect(a.channels.find((c) => c.task_channel_sid === DEFAULT_CHANNEL)).toMatchObject({ reserved_tasks: 1, assigned_tasks: 0 });
    expect(workerOf(frame, bob)!.reservations).toEqual([]);
    expect(workerOf(frame, carol)).toMatchObject({ activity_name: "Offline", available: false, reservations: [] });
    expect(workerOf(frame, carol)!.date_status_changed_ms).toBe(T0);
  });

  it("lists every worker's channels in the workspace's task channel order, and the queues each is a member of", async () => {
    const { worker, supervise } = await configured();
    // Worker channels made in one operation share a creation time: their stored order is by random SID.
    const names = ["Ann", "Ben", "Cleo", "Dan", "Eve", "Fay"];
    const sids = await Promise.all(names.map((name, i) => worker(name, AVAILABLE, i % 2 === 0 ? support : '{"skills":[]}')));
    const frame = await (await supervise()).nextOf("supervisor.snapshot");
    for (const [i, sid] of sids.entries()) {
      const row = workerOf(frame, sid)!;
      expect(row.channels.map((c) => c.task_channel_unique_name)).toEqual(["default", "voice", "chat"]);
      expect(row.task_queue_sids).toEqual(i % 2 === 0 ? [EVERYONE, SUPPORT].sort() : [EVERYONE]);
    }
  });

  it("pushes a delta with the queue and the worker a new task touched, then coalesces changes to one a second", async () => {
    const { stub, worker, supervise, task, flushRows } = await configured();
    const alice = await worker("Alice");
    const socket = await supervise();
    const first = await socket.nextOf("supervisor.snapshot");
    expect(queueOf(first, SUPPORT)!.total_tasks).toBe(0);

    // The first change goes at once: nothing was flushed in the last second.
    const t1 = await task();
    const delta = await socket.nextOf("supervisor.delta");
    expect(queueOf(delta, SUPPORT)).toMatchObject({ tasks_by_status: statuses({ reserved: 1 }), longest_task_waiting_sid: t1 });
    expect(queueOf(delta, EVERYONE)).toBeUndefined();
    expect((delta.workers as SupervisorWorker[]).map((w) => w.sid)).toEqual([alice]);
    expect(workerOf(delta, alice)!.reservations).toMatchObject([{ task_sid: t1, status: "pending" }]);
    expect(delta.removed_worker_sids).toEqual([]);

    // Two more within the second: kept as flush rows, no frame yet (Alice is full, so they wait).
    await task();
    await task();
    expect(deltas(socket)).toHaveLength(1);
    expect(await flushRows()).toEqual([SUPPORT]);
    await runDurableObjectAlarm(stub());
    const coalesced = await socket.nextOf("supervisor.delta");
    expect(queueOf(coalesced, SUPPORT)!.tasks_by_status).toEqual(statuses({ pending: 2, reserved: 1 }));
    expect([delta.date_ms, coalesced.date_ms]).toEqual([T0, T0 + 1000]);
    expect(await flushRows()).toEqual([]);
    expect(deltas(socket)).toHaveLength(2);

    // A change a second after that flush goes at once again: no flush row, no alarm needed.
    clock(2000);
    await task("sales");
    expect(await flushRows()).toEqual([]);
    const immediate = await socket.nextOf("supervisor.delta");
    expect(immediate.date_ms).toBe(T0 + 2000);
    expect(queueOf(immediate, EVERYONE)!.total_tasks).toBe(1);
  });

  it("carries each queue's figures since midnight UTC, live: 2 tasks created, 1 accepted within 30 s → service level 1", async () => {
    const { stub, worker, supervise, task, flushRows } = await configured();
    const alice = await worker("Alice");
    const socket = await supervise();
    const midnight = new Date();
    midnight.setUTCHours(0, 0, 0, 0);
    const first = await socket.nextOf("supervisor.snapshot");
    const none = { tasks_created: 0, tasks_accepted: 0, tasks_completed: 0, tasks_canceled: 0, service_level: null };
    expect(queueOf(first, SUPPORT)!.today).toEqual({ since: midnight.getTime(), ...none, service_level_threshold: 30 });
    expect(queueOf(first, EVERYONE)!.today).toMatchObject(none);

    const t1 = await task();
    const created = await socket.nextOf("supervisor.delta");
    expect(queueOf(created, SUPPORT)!.today).toMatchObject({ ...none, tasks_created: 1 });
    await task();
    await runDurableObjectAlarm(stub());
    expect(queueOf(await socket.nextOf("supervisor.delta"), SUPPORT)!.today).toMatchObject({ ...none, tasks_created: 2 });

    const reservation = workerOf(created, alice)!.reservations.find((r) => r.task_sid === t1)!;
    value(await stub().updateReservation(ACCOUNT, { workerSid: alice }, reservation.sid, { reservationStatus: "accepted" }));
    if ((await flushRows()).length > 0) await runDurableObjectAlarm(stub());
    const accepted = await socket.nextOf("supervisor.delta");
    expect(queueOf(accepted, SUPPORT)!.today).toEqual({
      since: midnight.getTime(),
      tasks_created: 2,
      tasks_accepted: 1,
      tasks_completed: 0,
      tasks_canceled: 0,
      service_level: 1,
      service_level_threshold: 30,
    });

    // A reconnecting supervisor's snapshot has the same figures (kept minutes and all).
    const again = await supervise();
    expect(queueOf(await again.nextOf("supervisor.snapshot"), SUPPORT)!.today).toMatchObject({ tasks_created: 2, tasks_accepted: 1 });
  });

  it("marks a worker's queues when their activity changes", async () => {
    const { stub, worker, supervise } = await configured();
    const bob = await worker("Bob", AVAILABLE, '{"skills":[]}');
    const socket = await supervise();
    await socket.nextOf("supervisor.snapshot");
    value(await stub().updateWorker(ACCOUNT, bob, { activitySid: OFFLINE }));
    const delta = await socket.nextOf("supervisor.delta");
    expect((delta.queues as SupervisorQueue[]).map((q) => q.sid)).toEqual([EVERYONE]);
    expect(queueOf(delta, EVERYONE)).toMatchObject({ total_available_workers: 0, total_eligible_workers: 1 });
    expect(workerOf(delta, bob)).toMatchObject({ activity_name: "Offline", available: false });
  });

  it("keeps serving through an eviction, with the coalesced changes kept in storage", async () => {
    const { stub, worker, supervise, task, flushRows } = await configured();
    await worker("Alice");
    const socket = await supervise();
    await socket.nextOf("supervisor.snapshot");
    await task();
    await socket.nextOf("supervisor.delta");
    await task();
    expect(await flushRows()).toEqual([SUPPORT]);

    await evictDurableObject(stub());
    await runDurableObjectAlarm(stub());
    const flushed = await socket.nextOf("supervisor.delta");
    expect(queueOf(flushed, SUPPORT)!.tasks_by_status).toEqual(statuses({ pending: 1, reserved: 1 }));

    // A restarted object has flushed nothing yet, so the next change goes at once, within the second.
    await evictDurableObject(stub());
    clock(1500);
    await task("sales");
    expect(await flushRows()).toEqual([]);
    expect(queueOf(await socket.nextOf("supervisor.delta"), EVERYONE)!.total_tasks).toBe(1);
  });

  it("refuses commands from a supervisor, and the runtime answers its ping", async () => {
    const { supervise } = await configured();
    const socket = await supervise({ role: "admin" });
    expect((await socket.next()).type).toBe("supervisor.snapshot");
    socket.send({ type: "accept", id: 7, reservation_sid: "WR" + "0".repeat(32) });
    expect(await socket.nextOf("error")).toEqual({
      type: "error",
      id: 7,
      status: 400,
      code: 20001,
      message: "A supervisor's connection takes no commands",
    });
    socket.send("ping");
    await socket.waitFor(() => socket.pongs === 1, "the pong");
  });

  it("still gives a worker's token, or a supervisor token naming a worker, the agents' channel", async () => {
    const { stub, worker, supervise } = await configured();
    const alice = await worker("Alice");
    const agent = await connectToRouter(stub(), {
      accountSid: ACCOUNT,
      workspaceSid: WORKSPACE,
      role: "worker",
      workerSid: alice,
      ops: [],
      expiresAt: Date.now() + HOUR,
    });
    expect(await agent.next()).toMatchObject({ type: "hello", worker_sid: alice });
    const named = await supervise({ workerSid: alice });
    expect(await named.next()).toMatchObject({ type: "hello", worker_sid: alice });
    const expired = await supervise({ expiresAt: Date.now() - 1 });
    expect(await expired.closed()).toEqual({ code: 4401, reason: "The token has expired" });
  });
});

describe("the supervisors' tiles in the Router DO's feed", () => {
  it("crosses each queue's thresholds as the figures pass them, counts the team by state, and lists only the channels it uses", async () => {
    const name = routerName(WORKSPACE, `supervisor-tiles-${++objects}`);
    const stub = () => env.ROUTER.getByName(name);
    const base = snapshot(1);
    const desk = { sla_threshold_seconds: 45, waiting_threshold: 1, longest_wait_threshold_seconds: 60, service_level_target: 80 };
    const taskQueues = base.taskQueues.map((q) => (q.sid === SUPPORT ? { ...q, ...desk } : q));
    value(await stub().applyConfig({ ...base, taskQueues }, []));
    const worker = async (friendlyName: string, activitySid: string) =>
      value(await stub().createWorker(ACCOUNT, { friendlyName, activitySid, attributes: support })).worker.sid;
    const ann = await worker("Ann", AVAILABLE);
    await worker("Bob", BREAK);
    await worker("Cy", OFFLINE);
    // A chat-only team: everyone's default and voice channels are off.
    const off = async (workerSid: string, ref: string) =>
      value(await stub().updateWorkerChannel(ACCOUNT, workerSid, ref, { available: false }));
    const everyone = value(await stub().listWorkers(ACCOUNT, { pageSize: 50, page: 0 })).items.map((w) => w.sid);
    for (const sid of everyone) for (const ref of ["default", "voice"]) await off(sid, ref);
    const socket = await connectToRouter(stub(), {
      accountSid: ACCOUNT,
      workspaceSid: WORKSPACE,
      role: "supervisor",
      ops: [],
      expiresAt: T0 + HOUR,
    });

    const first = await socket.nextOf("supervisor.snapshot");
    expect(first.team).toEqual({
      agents_by_state: { available: 1, busy: 0, wrapping: 0, away: 1, offline: 1 },
      task_channels: [{ task_channel_sid: CHAT, task_channel_unique_name: "chat" }],
    });
    expect(workerOf(first, ann)?.state).toBe("available");
    expect(queueOf(first, SUPPORT)).toMatchObject({
      waiting: 0,
      thresholds: { sla_seconds: 45, waiting: 1, longest_wait_seconds: 60, service_level_target: 80 },
      crossed: { waiting: false, longest_wait: false, service_level: false },
      today: { service_level_threshold: 45 },
    });

    clock(5_000); // two support tasks on the default channel, which nobody has on: 2 waiting > 1
    const created = value(await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}' })).task.sid;
    clock(5_001); // a millisecond younger, so the first task is the oldest and rings first (a tie would go by SID)
    value(await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}' }));
    await socket.nextOf("supervisor.delta");
    clock(6_000);
    await runDurableObjectAlarm(stub()); // the second task's change, coalesced
    const waiting = await socket.nextOf("supervisor.delta");
    expect(queueOf(waiting, SUPPORT)).toMatchObject({ waiting: 2, crossed: { waiting: true, longest_wait: false } });

    clock(75_000); // Ann switches default on and is rung for the first task, waiting 75 s > 60
    value(await stub().updateWorkerChannel(ACCOUNT, ann, "default", { available: true }));
    const rung = await socket.nextOf("supervisor.delta");
    expect(queueOf(rung, SUPPORT)).toMatchObject({ waiting: 2, crossed: { waiting: true, longest_wait: true, service_level: false } });
    expect(rung.team).toMatchObject({
      agents_by_state: { available: 1, busy: 0 }, // a ring is not a task taken
      task_channels: [
        { task_channel_sid: DEFAULT_CHANNEL, task_channel_unique_name: "default" },
        { task_channel_sid: CHAT, task_channel_unique_name: "chat" },
      ],
    });

    clock(80_000); // she accepts after 75 s, past the 45 s SLA: today's service level 0 % < 80 %
    const reservation = value(await stub().listReservations(ACCOUNT, { taskSid: created }, { pageSize: 50, page: 0 })).items[0]!.sid;
    value(await stub().updateReservation(ACCOUNT, { workerSid: ann }, reservation, { reservationStatus: "accepted" }));
    const accepted = await socket.nextOf("supervisor.delta");
    expect(queueOf(accepted, SUPPORT)).toMatchObject({
      waiting: 1,
      today: { service_level: 0 },
      crossed: { waiting: false, service_level: true },
    });
    expect(workerOf(accepted, ann)?.state).toBe("busy");
    expect(accepted.team).toMatchObject({ agents_by_state: { available: 0, busy: 1, wrapping: 0, away: 1, offline: 1 } });
  });
});

describe("the tasks in hand on the supervisors' feed", () => {
  const CONVERSATION = "CH" + "c".repeat(32);
  const VISITOR = "WV" + "0a".repeat(16);

  it("names each task's conversation, customer and queue, and follows it from ringing to accepted, wrapping and completed", async () => {
    const { stub, worker, supervise } = await configured();
    const alice = await worker("Alice");
    const socket = await supervise();
    await socket.nextOf("supervisor.snapshot");

    // A web chat whose visitor gave their name on the pre-chat form: the desk's name rule, never the WV… ID.
    const attributes = {
      type: "support",
      conversationSid: CONVERSATION,
      channelType: "web",
      from: VISITOR,
      customers: { name: "Ann Lee" },
    };
    const taskSid = value(await stub().createTask(ACCOUNT, { attributes: JSON.stringify(attributes) })).task.sid;
    const rung = workerOf(await socket.nextOf("supervisor.delta"), alice)!;
    expect(rung.reservations).toEqual([
      {
        sid: expect.stringMatching(/^WR/),
        task_sid: taskSid,
        status: "pending",
        task_channel_unique_name: "default",
        date_created: new Date(T0).toISOString().replace(/\.\d{3}Z$/, "Z"),
        conversation_sid: CONVERSATION,
        channel_type: "web",
        customer: "Ann Lee",
        task_queue_sid: SUPPORT,
        task_queue_name: "Support",
      },
    ]);
    const reservationSid = rung.reservations[0]!.sid;
    const held = async () => workerOf(await socket.nextOf("supervisor.delta"), alice)!.reservations;

    clock(1_000);
    value(await stub().updateReservation(ACCOUNT, { workerSid: alice }, reservationSid, { reservationStatus: "accepted" }));
    expect(await held()).toMatchObject([
      { status: "accepted", conversation_sid: CONVERSATION, customer: "Ann Lee", task_queue_name: "Support" },
    ]);

    // The customer's name becomes known later (an attributes update): the holder's row says so.
    clock(2_000);
    const named = { ...attributes, customers: { name: "Ann Lee-Smith" } };
    value(await stub().updateTask(ACCOUNT, taskSid, { attributes: JSON.stringify(named) }));
    expect(await held()).toMatchObject([{ status: "accepted", customer: "Ann Lee-Smith" }]);

    clock(3_000);
    value(await stub().updateTask(ACCOUNT, taskSid, { assignmentStatus: "wrapping" }));
    expect(await held()).toMatchObject([{ status: "wrapping", conversation_sid: CONVERSATION, customer: "Ann Lee-Smith" }]);

    clock(4_000);
    value(await stub().updateTask(ACCOUNT, taskSid, { assignmentStatus: "completed" }));
    expect(await held()).toEqual([]);
  });

  it("says null for a task with no conversation and a customer known only by their visitor ID", async () => {
    const { worker, supervise, stub } = await configured();
    const alice = await worker("Alice");
    value(await stub().createTask(ACCOUNT, { attributes: JSON.stringify({ type: "support", from: VISITOR, channelType: "web" }) }));
    const snapshotFrame = await (await supervise()).nextOf("supervisor.snapshot");
    expect(workerOf(snapshotFrame, alice)!.reservations).toMatchObject([
      {
        status: "pending",
        conversation_sid: null,
        channel_type: "web",
        customer: null,
        task_queue_sid: SUPPORT,
        task_queue_name: "Support",
      },
    ]);
  });
});
