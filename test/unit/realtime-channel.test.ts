/**
 * The agents' live channel over the real Router on node:sqlite, with plain objects for sockets: frames
 * pushed from committed operations only, numbered per worker and replayed after a reconnect; commands
 * answered as the REST API would; a worker acting only on their own reservations and tasks; presence
 * taking away an agent who left, and not one who came back in time. The workerd tests
 * (test/workers/realtime*.test.ts) repeat the key paths through the Durable Object and its sockets.
 */
import { describe, expect, it } from "vitest";
import { Router } from "../../durable-objects/router/lifecycle/router";
import { AgentChannel, type AgentIdentity, type Connection, type SocketHost } from "../../durable-objects/router/realtime/channel";
import { decidePresence, offlineActivity } from "../../durable-objects/router/realtime/presence";
import { applyMigrations } from "../../durable-objects/kit/migrations";
import { ROUTER_MIGRATIONS } from "../../durable-objects/router/store/schema";
import { serverFrame, type ServerFrame } from "../../contract/realtime-frames";
import {
  ACCOUNT,
  AVAILABLE,
  BREAK,
  DEFAULT_CHANNEL,
  EVERYONE,
  OFFLINE,
  OTHER_ACCOUNT,
  SUPPORT,
  WORKFLOW,
  WORKSPACE,
  snapshot,
  value,
  workflow,
} from "../workers/router-fixtures";
import { sqliteHost } from "./kit/sqlite-host";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
/** The fixture workspace's activities, as `hello` lists them. */
const ACTIVITIES = [
  { sid: AVAILABLE, friendly_name: "Available", available: true },
  { sid: OFFLINE, friendly_name: "Offline", available: false },
  { sid: BREAK, friendly_name: "Break", available: false },
];
const HOUR = 3600_000;
const support = '{"skills":["support"]}';

class FakeSocket {
  readonly sent: string[] = [];
  closed: { code: number; reason: string } | null = null;
  connection: Connection | null = null;
  pingedAt: number | null = null;
  constructor(readonly tag: string | undefined) {}
  /**
   * The JSON frames received: the `pong` text and the `queues.waiting` figures that follow changes left out
   * (the tests of those read {@link waiting}), so the change frames read as the operations made them.
   */
  frames(): Record<string, unknown>[] {
    return this.json().filter((frame) => frame.type !== "queues.waiting");
  }
  /** The `queues.waiting` frames received. */
  waiting(): Record<string, unknown>[] {
    return this.json().filter((frame) => frame.type === "queues.waiting");
  }
  private json(): Record<string, unknown>[] {
    return this.sent.filter((text) => text !== "pong").map((text) => JSON.parse(text) as Record<string, unknown>);
  }
  last(): Record<string, unknown> {
    return this.frames().at(-1)!;
  }
}

function setup() {
  const host = sqliteHost();
  applyMigrations(host, ROUTER_MIGRATIONS);
  const sockets: FakeSocket[] = [];
  const socketHost: SocketHost<FakeSocket> = {
    open: (workerSid) => sockets.filter((s) => s.closed === null && (workerSid === undefined || s.tag === workerSid)),
    connection: (s) => s.connection,
    setConnection: (s, c) => (s.connection = c),
    pingedAt: (s) => s.pingedAt,
    send: (s, text) => void s.sent.push(text),
    close: (s, code, reason) => void (s.closed ??= { code, reason }),
  };
  const clock = { now: T0 };
  // The Router reports to the channel, which is built on the Router: the callback reads it when called.
  const late: { channel?: AgentChannel<FakeSocket> } = {};
  const router = new Router(host, { onEvents: (events) => late.channel?.publish(events, clock.now) });
  const channel = (late.channel = new AgentChannel(host, router, socketHost));
  router.load(T0);
  value(router.applyConfig(snapshot(), [], {}, T0));
  const identity = (workerSid: string | undefined, overrides: Partial<AgentIdentity> = {}): AgentIdentity => ({
    accountSid: ACCOUNT,
    workspaceSid: WORKSPACE,
    role: "worker",
    workerSid,
    ops: ["reservations:accept", "reservations:reject", "tasks:complete", "tasks:wrapup", "activity:set", "attributes:update"],
    expiresAt: T0 + HOUR,
    ...overrides,
  });
  const connect = (workerSid: string | undefined, since: number | null = null, overrides: Partial<AgentIdentity> = {}) => {
    const socket = new FakeSocket(workerSid);
    sockets.push(socket);
    channel.open(socket, identity(workerSid, overrides), since, clock.now);
    return socket;
  };
  const send = (socket: FakeSocket, frame: unknown) => channel.message(socket, JSON.stringify(frame), clock.now);
  const worker = (name: string, attributes = support) =>
    value(router.createWorker(ACCOUNT, { friendlyName: name, activitySid: AVAILABLE, attributes }, clock.now)).worker.sid;
  const pending = (workerSid: string) =>
    value(router.listReservations(ACCOUNT, { workerSid }, { pageSize: 50, page: 0, reservationStatus: "pending" }, clock.now)).items;
  /** Closes a socket as the runtime would report it. */
  const drop = (socket: FakeSocket) => {
    socket.closed = { code: 1006, reason: "" };
    channel.closed(socket, clock.now);
  };
  return { host, router, channel, clock, connect, send, worker, pending, drop };
}

describe("connecting", () => {
  it("says hello with the worker's place in the log and the heartbeat to send", () => {
    const { connect, worker } = setup();
    const ann = worker("Ann");
    const socket = connect(ann);
    expect(socket.closed).toBeNull();
    expect(socket.frames()).toEqual([
      {
        type: "hello",
        worker_sid: ann,
        last_seq: 0,
        replay: { since: null, count: 0, complete: true },
        // A third of the 60 s grace period is 20 s: two heartbeats may be lost before the agent counts as gone.
        heartbeat: { send: "ping", reply: "pong", interval_ms: 20_000 },
        presence_grace_ms: 60_000,
        expires_at: "2026-11-25T13:00:00Z",
        date_ms: T0, // the server's clock, for the client's skew
        presence_offline: null,
        worker: {
          sid: ann,
          friendly_name: "Ann",
          attributes: support,
          activity_sid: AVAILABLE,
          activity_name: "Available",
          available: true,
        },
        activities: ACTIVITIES,
        reservations: [],
        // Her queues (support skills: Support and Everyone), nothing waiting in either.
        queues: [
          { sid: SUPPORT, friendly_name: "Support", waiting: 0, oldest_waiting_since_ms: null, sla_threshold_seconds: null },
          { sid: EVERYONE, friendly_name: "Everyone", waiting: 0, oldest_waiting_since_ms: null, sla_threshold_seconds: null },
        ],
      },
    ]);
  });

  it.each([
    ["an expired token", { expiresAt: T0 }, 4401, "The token has expired"],
    ["another account", { accountSid: OTHER_ACCOUNT }, 4403, "The requested resource Workspace was not found"],
    [
      "a supervisor without a worker",
      { role: "supervisor" as const, workerSid: undefined },
      4403,
      "This channel serves one worker: the token names none",
    ],
  ])("closes a connection with %s", (_, overrides, code, reason) => {
    const { connect, worker } = setup();
    const socket = connect(worker("Ann"), null, overrides);
    expect(socket.closed).toEqual({ code, reason });
    expect(socket.sent).toEqual([]);
  });

  it("closes a connection for an unknown worker and a bad since", () => {
    const { connect, worker } = setup();
    const unknown = "WK" + "9".repeat(32);
    expect(connect(unknown).closed).toEqual({ code: 4403, reason: `The requested resource Worker ${unknown} was not found` });
    expect(connect(worker("Ann"), -1).closed).toEqual({ code: 4400, reason: "since must be a non-negative integer" });
  });
});

describe("what hello says about the worker now", () => {
  const hello = (socket: FakeSocket) => serverFrame.parse(socket.frames()[0]) as Extract<ServerFrame, { type: "hello" }>;

  it("lists a pending reservation with its task and when it times out (the workflow's task_reservation_timeout)", () => {
    const { router, connect, worker, clock } = setup();
    value(router.applyConfig(snapshot(2, [workflow({ task_reservation_timeout: 45 })]), [], {}, T0));
    const ann = worker("Ann");
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}', priority: 3 }, T0)).task;
    const [reservation] = value(router.listReservations(ACCOUNT, { workerSid: ann }, { pageSize: 50, page: 0 }, T0)).items;
    clock.now = T0 + 30_000;
    expect(hello(connect(ann)).reservations).toEqual([
      {
        reservation: {
          sid: reservation!.sid,
          status: "pending",
          task_sid: task.sid,
          worker_sid: ann,
          timeout_at: T0 + 45_000,
          wrapup_ends_at: null,
        },
        task: {
          sid: task.sid,
          attributes: '{"type":"support"}',
          assignment_status: "reserved",
          priority: 3,
          age: 30,
          task_channel_sid: DEFAULT_CHANNEL,
          task_channel_unique_name: "default",
          task_queue_sid: SUPPORT,
          task_queue_friendly_name: "Support",
          workflow_sid: WORKFLOW,
          workflow_friendly_name: "Main",
          reason: null,
        },
        date_ms: T0,
        accepted_ms: null,
      },
    ]);
    // Once it has timed out, a new page finds nothing to answer, and Ann in the workspace's timeout activity.
    clock.now = T0 + 45_000;
    router.fireTimers(clock.now);
    const later = hello(connect(ann));
    expect(later.reservations).toEqual([]);
    expect(later.worker).toMatchObject({ activity_sid: BREAK, activity_name: "Break", available: false });
  });

  it("lists the open reservations oldest first, accepted and wrapping ones without a timeout, ended ones not at all", () => {
    const { router, connect, worker, clock } = setup();
    const ann = worker("Ann");
    value(router.updateWorkerChannel(ACCOUNT, ann, "chat", { capacity: 3 }, T0));
    const chat = (at: number) => value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}', taskChannel: "chat" }, at)).task.sid;
    const reservationOf = (taskSid: string) =>
      value(router.listReservations(ACCOUNT, { taskSid }, { pageSize: 50, page: 0 }, clock.now)).items.find((r) => r.worker_sid === ann)!
        .sid;
    const answer = (taskSid: string, reservationStatus: "accepted" | "rejected" | "wrapping", at: number) =>
      value(router.updateReservation(ACCOUNT, { workerSid: ann }, reservationOf(taskSid), { reservationStatus }, at));
    const rejected = chat(T0);
    answer(rejected, "rejected", T0 + 1000);
    const wrapping = chat(T0 + 2000);
    answer(wrapping, "accepted", T0 + 3000);
    answer(wrapping, "wrapping", T0 + 4000);
    const accepted = chat(T0 + 5000);
    answer(accepted, "accepted", T0 + 6000);
    const pending = chat(T0 + 7000);
    clock.now = T0 + 8000;
    expect(
      hello(connect(ann)).reservations.map(({ reservation, task, date_ms, accepted_ms }) => [
        task.sid,
        reservation.status,
        task.assignment_status,
        reservation.timeout_at,
        date_ms,
        accepted_ms,
      ]),
    ).toEqual([
      // created, then accepted (the wrapping one 1 s after it was made, even though it wrapped up later)
      [wrapping, "wrapping", "wrapping", null, T0 + 2000, T0 + 3000],
      [accepted, "accepted", "assigned", null, T0 + 5000, T0 + 6000],
      [pending, "pending", "reserved", T0 + 7000 + 120_000, T0 + 7000, null],
    ]);
  });

  it("says when a wrap-up ends by itself (the queue's WrapUpTimeoutSeconds), and the timer completes the task then", () => {
    const { router, connect, worker, clock } = setup();
    const base = snapshot(2);
    const taskQueues = base.taskQueues.map((q) => (q.sid === SUPPORT ? { ...q, wrap_up_timeout_seconds: 30 } : q));
    value(router.applyConfig({ ...base, taskQueues }, [], {}, T0));
    const ann = worker("Ann");
    const socket = connect(ann);
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0)).task;
    const [reservation] = value(router.listReservations(ACCOUNT, { workerSid: ann }, { pageSize: 50, page: 0 }, T0)).items;
    const answer = (reservationStatus: "accepted" | "wrapping", at: number) =>
      value(router.updateReservation(ACCOUNT, { workerSid: ann }, reservation!.sid, { reservationStatus }, at));
    answer("accepted", T0 + 1000);
    clock.now = T0 + 5000;
    answer("wrapping", clock.now);
    // Wrap-up began at T0 + 5 s: it ends 30 s later, on the frame and on a page opened meanwhile.
    expect(socket.last()).toMatchObject({ type: "reservation.wrapup", reservation: { wrapup_ends_at: T0 + 35_000 } });
    clock.now = T0 + 20_000;
    expect(hello(connect(ann)).reservations[0]!.reservation).toMatchObject({ status: "wrapping", wrapup_ends_at: T0 + 35_000 });
    router.fireTimers(T0 + 34_999); // not yet
    expect(value(router.getTask(ACCOUNT, task.sid, clock.now)).task.assignment_status).toBe("wrapping");
    clock.now = T0 + 35_000;
    router.fireTimers(clock.now);
    expect(value(router.getTask(ACCOUNT, task.sid, clock.now)).task).toMatchObject({
      assignment_status: "completed",
      reason: "Wrap-up time ended",
    });
    expect(socket.last()).toMatchObject({ type: "reservation.completed", reservation: { status: "completed", wrapup_ends_at: null } });
    expect(hello(connect(ann)).reservations).toEqual([]);
  });

  it("ends no wrap-up by itself on a queue without WrapUpTimeoutSeconds, nor one the agent completed first", () => {
    const { router, connect, worker, clock, host } = setup();
    const ann = worker("Ann");
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0)).task;
    const [reservation] = value(router.listReservations(ACCOUNT, { workerSid: ann }, { pageSize: 50, page: 0 }, T0)).items;
    value(router.updateReservation(ACCOUNT, { workerSid: ann }, reservation!.sid, { reservationStatus: "accepted" }, T0));
    value(router.updateReservation(ACCOUNT, { workerSid: ann }, reservation!.sid, { reservationStatus: "wrapping" }, T0));
    expect(hello(connect(ann)).reservations[0]!.reservation.wrapup_ends_at).toBeNull();
    expect(host.sql.exec("SELECT count(*) AS n FROM sb_timers WHERE kind = 'wrapup'").toArray()[0]).toEqual({ n: 0 });
    clock.now = T0 + 3_600_000;
    router.fireTimers(clock.now);
    expect(value(router.getTask(ACCOUNT, task.sid, clock.now)).task.assignment_status).toBe("wrapping");
  });

  it("shows an Offline worker every activity of the workspace, Available among them", () => {
    const { router, connect } = setup();
    const olga = value(router.createWorker(ACCOUNT, { friendlyName: "Olga", activitySid: OFFLINE }, T0)).worker.sid;
    const frame = hello(connect(olga));
    expect(frame.worker).toEqual({
      sid: olga,
      friendly_name: "Olga",
      attributes: "{}",
      activity_sid: OFFLINE,
      activity_name: "Offline",
      available: false,
    });
    expect(frame.activities).toEqual(ACTIVITIES);
    expect(frame.reservations).toEqual([]);
  });

  it("shows a worker only their own reservations", () => {
    const { router, connect, worker } = setup();
    const ann = worker("Ann");
    const bob = worker("Bob", "{}");
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0)).task;
    expect(hello(connect(ann)).reservations.map((r) => r.task.sid)).toEqual([task.sid]);
    expect(hello(connect(bob)).reservations).toEqual([]);
  });
});

describe("the waiting count of the agent's queues", () => {
  const waitingFrames = (socket: FakeSocket) => socket.waiting();

  it("tells each agent what waits in their queues when it changes, at most once a second, and only agents of those queues", () => {
    const { router, channel, connect, clock, host } = setup();
    const base = snapshot(2);
    const taskQueues = base.taskQueues.map((q) => (q.sid === SUPPORT ? { ...q, sla_threshold_seconds: 45 } : q));
    value(router.applyConfig({ ...base, taskQueues }, [], {}, T0));
    // Ann (support) is in Support and Everyone but Offline, so nothing rings her; Olga (no skills) only in Everyone.
    const ann = value(router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: OFFLINE, attributes: support }, T0)).worker.sid;
    const olga = value(router.createWorker(ACCOUNT, { friendlyName: "Olga", activitySid: OFFLINE, attributes: "{}" }, T0)).worker.sid;
    const annSocket = connect(ann);
    const olgaSocket = connect(olga);

    clock.now = T0 + 5000; // a support task: goes at once to Ann (her Support queue), not to Olga
    value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, clock.now));
    expect(waitingFrames(annSocket)).toEqual([
      {
        type: "queues.waiting",
        date_ms: T0 + 5000,
        queues: [
          { sid: SUPPORT, friendly_name: "Support", waiting: 1, oldest_waiting_since_ms: T0 + 5000, sla_threshold_seconds: 45 },
          { sid: EVERYONE, friendly_name: "Everyone", waiting: 0, oldest_waiting_since_ms: null, sla_threshold_seconds: null },
        ],
      },
    ]);
    expect(waitingFrames(olgaSocket)).toEqual([]);

    clock.now = T0 + 5500; // within the second: coalesced into a timer, nothing sent yet
    value(router.createTask(ACCOUNT, { attributes: '{"type":"other"}' }, clock.now)); // Everyone: both agents' queue
    value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, clock.now));
    expect(waitingFrames(annSocket)).toHaveLength(1);
    expect(host.sql.exec("SELECT sid, due_at FROM sb_timers WHERE kind = 'agent-queues' ORDER BY sid").toArray()).toEqual(
      [
        { sid: SUPPORT, due_at: T0 + 6000 },
        { sid: EVERYONE, due_at: T0 + 6000 },
      ].sort((a, b) => (a.sid < b.sid ? -1 : 1)),
    );
    clock.now = T0 + 6000;
    channel.sweep(clock.now); // the alarm
    expect(waitingFrames(annSocket).at(-1)).toMatchObject({
      date_ms: T0 + 6000,
      queues: [
        { sid: SUPPORT, waiting: 2, oldest_waiting_since_ms: T0 + 5000 },
        { sid: EVERYONE, waiting: 1, oldest_waiting_since_ms: T0 + 5500 },
      ],
    });
    expect(waitingFrames(olgaSocket)).toEqual([
      {
        type: "queues.waiting",
        date_ms: T0 + 6000,
        queues: [{ sid: EVERYONE, friendly_name: "Everyone", waiting: 1, oldest_waiting_since_ms: T0 + 5500, sla_threshold_seconds: null }],
      },
    ]);
    // A fresh page is told in its hello.
    expect(serverFrame.parse(connect(olga).frames()[0])).toMatchObject({ type: "hello", queues: [{ sid: EVERYONE, waiting: 1 }] });
  });

  it("sends an agent their new list when their attributes change which queues are theirs", () => {
    const { router, connect, clock } = setup();
    const olga = value(router.createWorker(ACCOUNT, { friendlyName: "Olga", activitySid: OFFLINE, attributes: "{}" }, T0)).worker.sid;
    const socket = connect(olga);
    clock.now = T0 + 2000;
    value(router.updateWorker(ACCOUNT, olga, { attributes: support }, clock.now));
    expect(waitingFrames(socket).at(-1)!.queues).toEqual([
      { sid: SUPPORT, friendly_name: "Support", waiting: 0, oldest_waiting_since_ms: null, sla_threshold_seconds: null },
      { sid: EVERYONE, friendly_name: "Everyone", waiting: 0, oldest_waiting_since_ms: null, sla_threshold_seconds: null },
    ]);
    expect(serverFrame.safeParse(waitingFrames(socket).at(-1)).success).toBe(true);
  });
});

describe("frames from committed operations", () => {
  it("pushes a reservation to its worker only, numbered per worker", () => {
    const { router, connect, worker, clock } = setup();
    const ann = worker("Ann");
    const bob = worker("Bob", "{}");
    const annSocket = connect(ann);
    const bobSocket = connect(bob);
    clock.now += 1000;
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, clock.now)).task;
    const frame = annSocket.last();
    expect(frame).toMatchObject({
      type: "reservation.created",
      seq: 1,
      // The workflow's task_reservation_timeout (120 s) from the moment it was made.
      reservation: { status: "pending", task_sid: task.sid, worker_sid: ann, timeout_at: clock.now + 120_000 },
      task: { sid: task.sid, attributes: '{"type":"support"}', assignment_status: "reserved", task_queue_friendly_name: "Support" },
    });
    expect(bobSocket.frames().map((f) => f.type)).toEqual(["hello"]);
  });

  it("pushes nothing for an operation that was refused", () => {
    const { router, connect, worker } = setup();
    const socket = connect(worker("Ann"));
    const refused = router.createTask(ACCOUNT, { attributes: "[1]" }, T0);
    expect(refused.ok).toBe(false);
    expect(socket.frames().map((f) => f.type)).toEqual(["hello"]);
  });

  it("tells a worker of updates to the tasks they hold", () => {
    const { router, connect, worker } = setup();
    const ann = worker("Ann");
    const socket = connect(ann);
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0)).task;
    value(router.updateTask(ACCOUNT, task.sid, { priority: 7 }, T0 + 1000));
    expect(socket.last()).toMatchObject({ type: "task.updated", seq: 2, task: { sid: task.sid, priority: 7 } });
  });

  it("replays the frames after since, then says whether the replay is complete", () => {
    const { router, connect, worker, drop, clock } = setup();
    const ann = worker("Ann");
    const first = connect(ann);
    drop(first);
    // While Ann is away: a reservation (1), her activity set to Break (2) which rejects it (3).
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, clock.now)).task;
    value(router.updateWorker(ACCOUNT, ann, { activitySid: BREAK, rejectPendingReservations: true }, clock.now));
    const again = connect(ann, 1);
    const frames = again.frames();
    expect(frames[0]).toMatchObject({ type: "hello", last_seq: 3, replay: { since: 1, count: 2, complete: true } });
    expect(frames.slice(1).map((f) => [f.seq, f.type])).toEqual([
      [2, "worker.activity.update"],
      [3, "reservation.rejected"],
    ]);
    expect(frames[2]).toMatchObject({ reservation: { task_sid: task.sid, status: "rejected", timeout_at: null } });
    // Since 0 is everything kept; a since ahead of the log is not something this log can complete.
    expect(connect(ann, 0).frames()[0]).toMatchObject({ replay: { since: 0, count: 3, complete: true } });
    expect(connect(ann, 9).frames()[0]).toMatchObject({ last_seq: 3, replay: { since: 9, count: 0, complete: false } });
  });

  it("says a replay is incomplete once the frames asked for are older than an hour", () => {
    const { router, connect, worker, clock } = setup();
    const ann = worker("Ann");
    connect(ann);
    value(router.updateWorker(ACCOUNT, ann, { attributes: '{"a":1}' }, clock.now)); // seq 1, at T0
    clock.now = T0 + HOUR + 1;
    value(router.updateWorker(ACCOUNT, ann, { attributes: '{"a":2}' }, clock.now)); // seq 2, an hour later
    const later = { expiresAt: clock.now + HOUR };
    expect(connect(ann, 0, later).frames()[0]).toMatchObject({ last_seq: 2, replay: { since: 0, count: 1, complete: false } });
    expect(connect(ann, 1, later).frames()[0]).toMatchObject({ last_seq: 2, replay: { since: 1, count: 1, complete: true } });
  });
});

describe("commands", () => {
  it("accepts a reservation: the reservation frame, then the ack with the reservation; the task is assigned", () => {
    const { router, connect, send, worker } = setup();
    const ann = worker("Ann");
    const socket = connect(ann);
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0)).task;
    const reservation = (socket.last().reservation as { sid: string }).sid;
    send(socket, { type: "accept", id: "a1", reservation_sid: reservation });
    const [pushed, ack] = socket.frames().slice(-2);
    expect(pushed).toMatchObject({ type: "reservation.accepted", seq: 2, reservation: { sid: reservation, status: "accepted" } });
    expect(ack).toMatchObject({
      type: "ack",
      id: "a1",
      reservation: { sid: reservation, reservation_status: "accepted", worker_sid: ann },
    });
    expect(value(router.getTask(ACCOUNT, task.sid, T0)).task.assignment_status).toBe("assigned");
  });

  it("answers a refused command with the REST API's status, code and message", () => {
    const { router, connect, send, worker } = setup();
    const ann = worker("Ann");
    const socket = connect(ann);
    value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0));
    const reservation = (socket.last().reservation as { sid: string }).sid;
    send(socket, { type: "accept", id: 1, reservation_sid: reservation });
    send(socket, { type: "accept", id: 2, reservation_sid: reservation });
    const rest = router.updateReservation(ACCOUNT, { workerSid: ann }, reservation, { reservationStatus: "accepted" }, T0);
    expect(rest.ok).toBe(false);
    expect(socket.last()).toEqual({ type: "error", id: 2, status: 400, code: 20001, message: (rest as { message: string }).message });
    expect(socket.last().message).toBe(`Reservation ${reservation} cannot be accepted: it is no longer pending (it is accepted)`);
  });

  it("lets a worker act only on their own reservations and tasks", () => {
    const { router, connect, send, worker } = setup();
    const ann = worker("Ann");
    const bob = worker("Bob", "{}");
    const annSocket = connect(ann);
    const bobSocket = connect(bob);
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0)).task;
    const reservation = (annSocket.last().reservation as { sid: string }).sid;
    send(bobSocket, { type: "accept", id: 1, reservation_sid: reservation });
    expect(bobSocket.last()).toEqual({
      type: "error",
      id: 1,
      status: 404,
      code: 20404,
      message: `The requested resource Reservation ${reservation} was not found`,
    });
    send(annSocket, { type: "accept", id: 1, reservation_sid: reservation });
    send(bobSocket, { type: "complete", id: 2, task_sid: task.sid });
    expect(bobSocket.last()).toMatchObject({
      type: "error",
      id: 2,
      status: 404,
      message: `The requested resource Task ${task.sid} was not found`,
    });
    send(annSocket, { type: "complete", id: 3, task_sid: task.sid, reason: "solved" });
    expect(annSocket.last()).toMatchObject({
      type: "ack",
      id: 3,
      task: { sid: task.sid, assignment_status: "completed", reason: "solved" },
    });
  });

  it("wraps up and completes by reservation, sets the activity and the attributes", () => {
    const { router, connect, send, worker } = setup();
    const ann = worker("Ann");
    const socket = connect(ann);
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0)).task;
    const reservation = (socket.last().reservation as { sid: string }).sid;
    send(socket, { type: "accept", id: 1, reservation_sid: reservation });
    send(socket, { type: "wrapup", id: 2, reservation_sid: reservation });
    expect(socket.last()).toMatchObject({ type: "ack", id: 2, reservation: { reservation_status: "wrapping" } });
    send(socket, { type: "complete", id: 3, reservation_sid: reservation });
    expect(socket.last()).toMatchObject({ type: "ack", id: 3, reservation: { reservation_status: "completed" } });
    expect(value(router.getTask(ACCOUNT, task.sid, T0)).task.assignment_status).toBe("completed");
    send(socket, { type: "set-activity", id: 4, activity_sid: BREAK });
    expect(socket.last()).toMatchObject({ type: "ack", id: 4, worker: { sid: ann, activity_sid: BREAK, activity_name: "Break" } });
    send(socket, { type: "update-attributes", id: 5, attributes: { skills: ["sales"] } });
    expect(socket.last()).toMatchObject({ type: "ack", id: 5, worker: { attributes: '{"skills":["sales"]}' } });
    send(socket, { type: "update-attributes", id: 6, attributes: "[1]" });
    expect(socket.last()).toEqual({
      type: "error",
      id: 6,
      status: 400,
      code: 20001,
      message: "Invalid parameter Attributes: must be a JSON object",
    });
    const types = socket.frames().map((f) => f.type);
    expect(types).toContain("worker.activity.update");
    expect(types).toContain("worker.attributes.update");
  });

  it("refuses what the token's ops do not allow, and keeps the socket open after a malformed frame", () => {
    const { connect, send, worker, channel } = setup();
    const socket = connect(worker("Ann"), null, { ops: ["reservations:accept"] });
    send(socket, { type: "set-activity", id: 1, activity_sid: BREAK });
    expect(socket.last()).toEqual({
      type: "error",
      id: 1,
      status: 403,
      code: 20403,
      message: "This token does not allow set-activity (it needs the activity:set operation)",
    });
    channel.message(socket, "{oops", T0);
    expect(socket.last()).toEqual({ type: "error", id: null, status: 400, code: 20001, message: "The frame is not valid JSON" });
    expect(socket.closed).toBeNull();
  });

  it("closes a connection whose token expired when it next speaks", () => {
    const { connect, send, worker, clock } = setup();
    const socket = connect(worker("Ann"));
    clock.now = T0 + HOUR;
    send(socket, { type: "set-activity", id: 1, activity_sid: BREAK });
    expect(socket.closed).toEqual({ code: 4401, reason: "The token has expired" });
  });
});

describe("presence", () => {
  it.each([
    // worker: goneSince, lastSeen → with grace 60 s at now = 100 s
    ["connected, seen 10 s ago", null, 90_000, { offline: false, next: 150_000 }],
    ["connected but silent 60 s", null, 40_000, { offline: true, next: null }],
    ["gone 30 s ago", 70_000, null, { offline: false, next: 130_000 }],
    ["gone 60 s ago", 40_000, null, { offline: true, next: null }],
    ["noticed gone now (no close heard)", null, null, { offline: false, next: 160_000 }],
  ])("decides a worker %s", (_, goneSince, lastSeen, expected) => {
    const decision = decidePresence([{ workerSid: "WK1", accountSid: "AC1", goneSince, lastSeen }], 100_000, 60_000);
    expect({ offline: decision.offline.length > 0, next: decision.nextCheckAt }).toEqual(expected);
  });

  it("moves a worker to the default activity named Offline, else the unavailable timeout activity", () => {
    const config = snapshot();
    expect(offlineActivity(config)?.sid).toBe(OFFLINE);
    const noDefault = { ...config, workspace: { ...config.workspace, default_activity_sid: AVAILABLE } };
    expect(offlineActivity(noDefault)?.sid).toBe(BREAK);
    const onlyAvailable = { ...noDefault, activities: config.activities.filter((a) => a.available) };
    expect(offlineActivity(onlyAvailable)).toBeNull();
  });

  it("takes an agent offline once gone for the grace period; their pending reservation goes to someone else", () => {
    const { router, channel, connect, worker, pending, drop, clock, host } = setup();
    const ann = worker("Ann");
    clock.now += 1000;
    const bob = worker("Bob");
    const socket = connect(ann);
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, clock.now)).task;
    expect(pending(ann).map((r) => r.task_sid)).toEqual([task.sid]); // Ann idle longest
    drop(socket);
    const goneAt = clock.now;
    channel.sweep(goneAt + 59_999);
    expect(value(router.getWorker(ACCOUNT, ann, clock.now)).worker.activity_sid).toBe(AVAILABLE);
    clock.now = goneAt + 60_000;
    channel.sweep(clock.now);
    expect(value(router.getWorker(ACCOUNT, ann, clock.now)).worker.activity_name).toBe("Offline");
    expect(pending(ann)).toEqual([]);
    expect(pending(bob).map((r) => r.task_sid)).toEqual([task.sid]);
    // Nobody is watched any more, so no presence timer is left.
    expect(host.sql.exec("SELECT count(*) AS n FROM sb_timers WHERE kind = 'presence'").toArray()[0]!.n).toBe(0);
  });

  it("tells the agent on their next connection that presence set them offline, once", () => {
    const { channel, connect, worker, drop, clock } = setup();
    const ann = worker("Ann");
    drop(connect(ann));
    clock.now = T0 + 60_000;
    channel.sweep(clock.now);
    clock.now = T0 + 3 * HOUR; // later in the day, say: whenever she comes back, with a new token
    const fresh = { expiresAt: clock.now + HOUR };
    const back = connect(ann, null, fresh);
    expect(back.frames()[0]).toMatchObject({
      type: "hello",
      // Why: her connection closed at T0 and none came back within the 60 s grace period.
      presence_offline: {
        date_ms: T0 + 60_000,
        activity_sid: OFFLINE,
        activity_name: "Offline",
        reason: "disconnected",
        since_ms: T0,
        grace_ms: 60_000,
      },
    });
    expect(connect(ann, null, fresh).frames()[0]).toMatchObject({ presence_offline: null }); // told once
  });

  it("tells the agent whose open connection fell silent (no heartbeat for the grace period) that this is why", () => {
    const { channel, connect, worker, clock } = setup();
    const ann = worker("Ann");
    const asleep = connect(ann); // open at T0, then nothing: a laptop asleep
    clock.now = T0 + 60_000;
    channel.sweep(clock.now);
    expect(asleep.closed).not.toBeNull();
    clock.now = T0 + 2 * HOUR;
    const back = connect(ann, null, { expiresAt: clock.now + HOUR });
    expect(back.frames()[0]).toMatchObject({
      presence_offline: { date_ms: T0 + 60_000, activity_sid: OFFLINE, reason: "silent", since_ms: T0, grace_ms: 60_000 },
    });
  });

  it("does not tell an agent presence set them offline once their activity changed since", () => {
    const { router, channel, connect, worker, drop, clock } = setup();
    const ann = worker("Ann");
    drop(connect(ann));
    clock.now = T0 + 60_000;
    channel.sweep(clock.now);
    value(router.updateWorker(ACCOUNT, ann, { activitySid: AVAILABLE }, clock.now)); // a supervisor put her back
    expect(connect(ann).frames()[0]).toMatchObject({ presence_offline: null });
    // Nor one who left by choosing Offline themselves.
    const bob = worker("Bob");
    const socket = connect(bob);
    value(router.updateWorker(ACCOUNT, bob, { activitySid: OFFLINE }, clock.now));
    drop(socket);
    clock.now += 60_000;
    channel.sweep(clock.now);
    expect(connect(bob).frames()[0]).toMatchObject({ presence_offline: null });
  });

  it("changes nothing for an agent who reconnects within the grace period", () => {
    const { router, channel, connect, worker, pending, drop, clock } = setup();
    const ann = worker("Ann");
    const socket = connect(ann);
    value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, clock.now));
    drop(socket);
    clock.now += 30_000;
    const again = connect(ann);
    again.pingedAt = clock.now + 25_000;
    channel.sweep(clock.now + 30_000); // the first deadline, 60 s after she left
    expect(value(router.getWorker(ACCOUNT, ann, clock.now)).worker.activity_sid).toBe(AVAILABLE);
    expect(pending(ann)).toHaveLength(1);
    expect(again.closed).toBeNull();
  });

  it("counts a silent connection as gone from its last heartbeat", () => {
    const { router, channel, connect, worker, clock } = setup();
    const ann = worker("Ann");
    const socket = connect(ann);
    socket.pingedAt = T0 + 30_000;
    channel.sweep(T0 + 60_000); // seen at 30 s: alive until 90 s
    expect(socket.closed).toBeNull();
    channel.sweep(T0 + 90_000);
    expect(socket.closed).toEqual({ code: 4408, reason: "No heartbeat for 60 s" });
    expect(value(router.getWorker(ACCOUNT, ann, clock.now)).worker.activity_sid).toBe(OFFLINE);
  });

  it("closes a connection whose token expired at the next check; the worker is gone from then", () => {
    const { router, channel, connect, worker } = setup();
    const ann = worker("Ann");
    const socket = connect(ann, null, { expiresAt: T0 + 30_000 });
    socket.pingedAt = T0 + 50_000;
    channel.sweep(T0 + 60_000);
    expect(socket.closed).toEqual({ code: 4401, reason: "The token has expired" });
    expect(value(router.getWorker(ACCOUNT, ann, T0)).worker.activity_sid).toBe(AVAILABLE);
    channel.sweep(T0 + 119_999); // gone since the check at 60 s: not yet
    expect(value(router.getWorker(ACCOUNT, ann, T0)).worker.activity_sid).toBe(AVAILABLE);
    channel.sweep(T0 + 120_000);
    expect(value(router.getWorker(ACCOUNT, ann, T0)).worker.activity_sid).toBe(OFFLINE);
  });

  it("uses the grace period set for the workspace", () => {
    const { channel, router, connect, worker, drop } = setup();
    expect(value(channel.settings(ACCOUNT, {}, T0))).toEqual({ presence_grace_seconds: 60 });
    expect(channel.settings(ACCOUNT, { presenceGraceSeconds: 0 }, T0)).toMatchObject({
      ok: false,
      message: "Invalid parameter PresenceGraceSeconds: must be an integer from 1 to 86400",
    });
    expect(channel.settings(OTHER_ACCOUNT, {}, T0)).toMatchObject({ ok: false, status: 404 });
    expect(value(channel.settings(ACCOUNT, { presenceGraceSeconds: 5 }, T0))).toEqual({ presence_grace_seconds: 5 });
    const ann = worker("Ann");
    drop(connect(ann));
    channel.sweep(T0 + 5000);
    expect(value(router.getWorker(ACCOUNT, ann, T0)).worker.activity_sid).toBe(OFFLINE);
  });
});
