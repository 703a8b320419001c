/**
 * The agents' live channel through the real Router DO and hibernatable WebSockets, with identities the
 * test builds (as the Worker passes them once a token checks out; realtime-route.test.ts goes through
 * the Worker with real tokens): a reservation pushed when a task arrives, accepted over the socket,
 * refused commands answered as the REST API would, replay after a reconnect, the object evicted while
 * the socket stays open, and presence by the alarm. Storage is per file, so each test has its own
 * Router DO (its own region name).
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { routerName } from "../../platform/objects";
import type { AgentIdentity } from "../../durable-objects/router/realtime/channel";
import { ACCOUNT, AVAILABLE, BREAK, OFFLINE, WORKSPACE, snapshot, value } from "./router-fixtures";
import { connectToRouter, type Frame } from "./realtime-helpers";

const HOUR = 3600_000;
const support = '{"skills":["support"]}';
const page = { pageSize: 50, page: 0 };

let objects = 0;
async function configured() {
  const name = routerName(WORKSPACE, `realtime-${++objects}`);
  const stub = () => env.ROUTER.getByName(name);
  value(await stub().applyConfig(snapshot(1), []));
  const worker = async (friendlyName: string) =>
    value(await stub().createWorker(ACCOUNT, { friendlyName, activitySid: AVAILABLE, attributes: support })).worker.sid;
  const identity = (workerSid: string, overrides: Partial<AgentIdentity> = {}): AgentIdentity => ({
    accountSid: ACCOUNT,
    workspaceSid: WORKSPACE,
    role: "worker",
    workerSid,
    ops: ["reservations:accept", "reservations:reject", "tasks:complete", "tasks:wrapup", "activity:set", "attributes:update"],
    expiresAt: Date.now() + HOUR,
    ...overrides,
  });
  const connect = (workerSid: string, since?: number | string, overrides?: Partial<AgentIdentity>) =>
    connectToRouter(stub(), identity(workerSid, overrides), since);
  const supportTask = async () => value(await stub().createTask(ACCOUNT, { attributes: '{"type":"support"}' })).task.sid;
  const reservationsOf = async (taskSid: string) =>
    value(await stub().listReservations(ACCOUNT, { taskSid }, page)).items.map((r) => [r.worker_sid, r.reservation_status]);
  /** Waits until the object has handled the close of a worker's last socket (presence records it). */
  const goneRecorded = async (workerSid: string) => {
    for (let i = 0; i < 100; i++) {
      const gone = await runInDurableObject(stub(), (_, state) => {
        const rows = state.storage.sql.exec("SELECT gone_since FROM sb_presence WHERE worker_sid = ?", workerSid).toArray();
        return rows[0]?.gone_since != null;
      });
      if (gone) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("the object never handled the close");
  };
  return { stub, worker, connect, supportTask, reservationsOf, goneRecorded };
}

const reservationSid = (frame: Frame) => (frame.reservation as { sid: string }).sid;

describe("the agents' live channel in the Router DO", () => {
  it("pushes a reservation to the connected agent when a task arrives", async () => {
    const { worker, connect, supportTask } = await configured();
    const ann = await worker("Ann");
    const socket = await connect(ann);
    expect(await socket.nextOf("hello")).toMatchObject({ worker_sid: ann, last_seq: 0, replay: { since: null, count: 0, complete: true } });
    const task = await supportTask();
    const created = await socket.nextOf("reservation.created");
    expect(created).toMatchObject({
      seq: 1,
      reservation: { status: "pending", task_sid: task, worker_sid: ann },
      task: { sid: task, assignment_status: "reserved", task_queue_friendly_name: "Support" },
    });
    expect((created.reservation as { timeout_at: number }).timeout_at).toBe((created.date_ms as number) + 120_000);
  });

  it("says hello with the worker, every activity and the reservation already ringing, with its timeout", async () => {
    const { stub, worker, connect, supportTask } = await configured();
    const ann = await worker("Ann");
    const task = await supportTask();
    const offline = value(await stub().createWorker(ACCOUNT, { friendlyName: "Olga", activitySid: OFFLINE })).worker.sid;
    const hello = await (await connect(ann)).nextOf("hello");
    expect(hello).toMatchObject({
      worker: { sid: ann, friendly_name: "Ann", activity_sid: AVAILABLE, activity_name: "Available", available: true },
      reservations: [
        { reservation: { status: "pending", task_sid: task, worker_sid: ann }, task: { sid: task, assignment_status: "reserved" } },
      ],
    });
    const [held] = hello.reservations as { reservation: { timeout_at: number }; date_ms: number }[];
    // The fixture workflow's task_reservation_timeout: 120 s after the reservation was made.
    expect(held!.reservation.timeout_at).toBe(held!.date_ms + 120_000);
    const activities = [
      { sid: AVAILABLE, friendly_name: "Available", available: true },
      { sid: OFFLINE, friendly_name: "Offline", available: false },
      { sid: BREAK, friendly_name: "Break", available: false },
    ];
    expect(hello.activities).toEqual(activities);
    expect(await (await connect(offline)).nextOf("hello")).toMatchObject({
      worker: { sid: offline, activity_name: "Offline", available: false },
      activities,
      reservations: [],
    });
  });

  it("accepts a reservation over the socket: an ack, and the task is assigned", async () => {
    const { stub, worker, connect, supportTask } = await configured();
    const ann = await worker("Ann");
    const socket = await connect(ann);
    const task = await supportTask();
    const reservation = reservationSid(await socket.nextOf("reservation.created"));
    socket.send({ type: "accept", id: "accept-1", reservation_sid: reservation });
    expect(await socket.nextOf("reservation.accepted")).toMatchObject({ seq: 2, reservation: { sid: reservation, status: "accepted" } });
    expect(await socket.nextOf("ack")).toMatchObject({
      id: "accept-1",
      reservation: { sid: reservation, reservation_status: "accepted", task_sid: task },
    });
    expect(value(await stub().getTask(ACCOUNT, task)).task.assignment_status).toBe("assigned");
  });

  it("answers malformed frames and refused commands with error frames, and stays open", async () => {
    const { stub, worker, connect, supportTask } = await configured();
    const ann = await worker("Ann");
    const socket = await connect(ann);
    await supportTask();
    const reservation = reservationSid(await socket.nextOf("reservation.created"));

    socket.send("not json");
    expect(await socket.nextOf("error")).toEqual({
      type: "error",
      id: null,
      status: 400,
      code: 20001,
      message: "The frame is not valid JSON",
    });
    socket.send({ type: "accept", id: 1 });
    expect(await socket.nextOf("error")).toEqual({
      type: "error",
      id: 1,
      status: 400,
      code: 20001,
      message: "Missing required parameter reservation_sid",
    });

    // Wrapping up a reservation that is still pending: refused as the REST API refuses it.
    socket.send({ type: "wrapup", id: 2, reservation_sid: reservation });
    const refused = await socket.nextOf("error");
    const rest = await stub().updateReservation(ACCOUNT, { workerSid: ann }, reservation, { reservationStatus: "wrapping" });
    expect(rest.ok).toBe(false);
    if (rest.ok) return;
    expect(refused).toEqual({ type: "error", id: 2, status: rest.status, code: rest.code, message: rest.message });
    expect(refused.message).toBe(
      `Reservation ${reservation} cannot be wrapping: only an accepted reservation of an assigned task can (it is pending)`,
    );
    // An activity that does not exist: the Router's own 400, naming the REST parameter.
    socket.send({ type: "set-activity", id: 3, activity_sid: "WA" + "9".repeat(32) });
    expect(await socket.nextOf("error")).toMatchObject({
      id: 3,
      status: 400,
      code: 20001,
      message: `Invalid parameter ActivitySid: Activity WA${"9".repeat(32)} does not exist in this workspace`,
    });
    // Still open and serving.
    socket.send({ type: "accept", id: 4, reservation_sid: reservation });
    expect(await socket.nextOf("ack")).toMatchObject({ id: 4 });
    expect(socket.close).toBeNull();
  });

  it("replays what a reconnecting agent missed, after the given since", async () => {
    const { stub, worker, connect, supportTask } = await configured();
    const ann = await worker("Ann");
    const first = await connect(ann);
    const task = await supportTask();
    const created = await first.nextOf("reservation.created");
    first.ws.close(1000, "network dropped");
    // While she is away: her activity moves to Break, which rejects the pending reservation.
    value(await stub().updateWorker(ACCOUNT, ann, { activitySid: BREAK, rejectPendingReservations: true }));
    // The frames were stored with the change: a restart in between loses none.
    await evictDurableObject(stub());
    const again = await connect(ann, created.seq as number);
    expect(await again.nextOf("hello")).toMatchObject({ last_seq: 3, replay: { since: 1, count: 2, complete: true } });
    expect(await again.next()).toMatchObject({ type: "worker.activity.update", seq: 2, worker: { activity_sid: BREAK } });
    expect(await again.next()).toMatchObject({ type: "reservation.rejected", seq: 3, reservation: { task_sid: task } });
    // Then live frames follow (and, her queues having changed, what waits in them: queues.waiting).
    value(await stub().updateWorker(ACCOUNT, ann, { attributes: '{"skills":["sales"]}' }));
    expect(await again.next()).toMatchObject({ type: "worker.attributes.update", seq: 4 });
    expect(await again.next()).toMatchObject({ type: "queues.waiting" });
  });

  it("keeps serving an open socket after the object is evicted (hibernation)", async () => {
    const { stub, worker, connect, supportTask } = await configured();
    const ann = await worker("Ann");
    const socket = await connect(ann);
    await socket.nextOf("hello");
    await evictDurableObject(stub());
    const task = await supportTask();
    const reservation = reservationSid(await socket.nextOf("reservation.created"));
    await evictDurableObject(stub());
    socket.send({ type: "accept", id: "after-eviction", reservation_sid: reservation });
    expect(await socket.nextOf("ack")).toMatchObject({ id: "after-eviction", reservation: { reservation_status: "accepted" } });
    expect(value(await stub().getTask(ACCOUNT, task)).task.assignment_status).toBe("assigned");
    // The heartbeat is answered by the runtime itself.
    socket.send("ping");
    await socket.waitFor(() => socket.pongs === 1, "the pong");
  });

  it("takes an agent who left offline after the grace period; their reservation goes to someone else", async () => {
    const { stub, worker, connect, supportTask, reservationsOf, goneRecorded } = await configured();
    const ann = await worker("Ann");
    await new Promise((resolve) => setTimeout(resolve, 5)); // Ann idle longer than Bob, who would tie on the clock
    const bob = await worker("Bob");
    const socket = await connect(ann);
    const task = await supportTask();
    await socket.nextOf("reservation.created");
    expect(await reservationsOf(task)).toEqual([[ann, "pending"]]);
    socket.ws.close(1000, "bye");
    await goneRecorded(ann);
    // The first check was set when she connected (60 s later): she left after that, so she is kept.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(value(await stub().getWorker(ACCOUNT, ann)).worker.activity_sid).toBe(AVAILABLE);
    // The next one is 60 s after she left: offline, and the task offered to Bob.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(value(await stub().getWorker(ACCOUNT, ann)).worker).toMatchObject({ activity_sid: OFFLINE, activity_name: "Offline" });
    expect(await reservationsOf(task)).toEqual([
      [ann, "rejected"],
      [bob, "pending"],
    ]);
  });

  it("takes an agent offline when a restart dropped their socket without a close", async () => {
    const { stub, worker, connect } = await configured();
    const ann = await worker("Ann");
    const socket = await connect(ann);
    await socket.nextOf("hello");
    await evictDurableObject(stub(), { webSockets: "close" });
    await socket.closed();
    // The first check finds no connection and counts her gone from then; the next, a grace period later, takes her offline.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(value(await stub().getWorker(ACCOUNT, ann)).worker.activity_sid).toBe(AVAILABLE);
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(value(await stub().getWorker(ACCOUNT, ann)).worker.activity_sid).toBe(OFFLINE);
    // Evicted again before she comes back: her next connection is still told, and why.
    await evictDurableObject(stub());
    const back = await connect(ann);
    expect(await back.nextOf("hello")).toMatchObject({
      presence_offline: { activity_sid: OFFLINE, activity_name: "Offline", reason: "disconnected", grace_ms: 60_000 },
    });
  });

  it("changes nothing for an agent who reconnects within the grace period", async () => {
    const { stub, worker, connect, supportTask, reservationsOf, goneRecorded } = await configured();
    const ann = await worker("Ann");
    const first = await connect(ann);
    const task = await supportTask();
    await first.nextOf("reservation.created");
    first.ws.close(1000, "network dropped");
    await goneRecorded(ann);
    const again = await connect(ann, 1);
    await again.nextOf("hello");
    // Every presence check due within the grace period after she left passes her by.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(value(await stub().getWorker(ACCOUNT, ann)).worker.activity_sid).toBe(AVAILABLE);
    expect(await reservationsOf(task)).toEqual([[ann, "pending"]]);
    expect(again.close).toBeNull();
  });

  it("closes a socket whose identity cannot use the channel with a 44xx code", async () => {
    const { worker, connect } = await configured();
    const ann = await worker("Ann");
    expect(await (await connect(ann, undefined, { expiresAt: Date.now() - 1 })).closed()).toEqual({
      code: 4401,
      reason: "The token has expired",
    });
    expect(await (await connect(ann, undefined, { accountSid: "AC" + "6".repeat(32) })).closed()).toEqual({
      code: 4403,
      reason: "The requested resource Workspace was not found",
    });
    expect(await (await connect(ann, "yesterday")).closed()).toEqual({ code: 4400, reason: "since must be a non-negative integer" });
  });

  it("sets the presence grace period for the workspace's agents", async () => {
    const { stub } = await configured();
    expect(value(await stub().realtimeSettings(ACCOUNT))).toEqual({ presence_grace_seconds: 60 });
    expect(value(await stub().realtimeSettings(ACCOUNT, { presenceGraceSeconds: 120 }))).toEqual({ presence_grace_seconds: 120 });
    expect(await stub().realtimeSettings("AC" + "6".repeat(32))).toMatchObject({ ok: false, status: 404 });
  });
});
