/**
 * Bad input to the Router DO: every case answers a 4xx naming the problem, and nothing is stored —
 * no row, no event, no queue message, no timer. Also: another account's workspace does not exist.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { routerName } from "../../platform/objects";
import type { ApiResult } from "../../durable-objects/common/rpc";
import { ACCOUNT, AVAILABLE, OFFLINE, OTHER_ACCOUNT, WORKSPACE, snapshot, value } from "./router-fixtures";

const stub = () => env.ROUTER.getByName(routerName(WORKSPACE, "validation"));
type Router = ReturnType<typeof stub>;

/** Rows in every table an operation could write to. */
async function footprint() {
  return runInDurableObject(stub(), (_instance, state) =>
    Object.fromEntries(
      ["sb_workers", "sb_worker_channels", "sb_tasks", "sb_reservations", "sb_events", "sb_outbox", "sb_timers"].map((table) => [
        table,
        state.storage.sql.exec(`SELECT count(*) AS n FROM ${table}`).one().n,
      ]),
    ),
  );
}

let ann: { sid: string; etag: string };
let assigned: string;
let waiting: { sid: string; etag: string };
let reservationOfAssigned: string;

beforeAll(async () => {
  value(await stub().applyConfig(snapshot(), []));
  const worker = value(await stub().createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE }));
  ann = { sid: worker.worker.sid, etag: worker.etag };
  // Ann takes one task (accepted, so assigned); a second task waits (Ann's capacity is 1).
  const first = value(await stub().createTask(ACCOUNT, {})).task;
  const [reservation] = value(await stub().listReservations(ACCOUNT, { taskSid: first.sid }, { pageSize: 10, page: 0 })).items;
  value(await stub().updateReservation(ACCOUNT, { taskSid: first.sid }, reservation!.sid, { reservationStatus: "accepted" }));
  assigned = first.sid;
  reservationOfAssigned = reservation!.sid;
  const second = value(await stub().createTask(ACCOUNT, {}));
  waiting = { sid: second.task.sid, etag: second.etag };
  ann.etag = value(await stub().getWorker(ACCOUNT, ann.sid)).etag;
});

const big = JSON.stringify({ notes: "x".repeat(16 * 1024) }); // 16 396 bytes > 16 384

const cases: [string, (router: Router) => Promise<ApiResult<unknown>>, number, RegExp][] = [
  ["a worker without a name", (r) => r.createWorker(ACCOUNT, { friendlyName: " " }), 400, /FriendlyName: must not be empty/],
  [
    "a worker whose name is taken, in another case",
    (r) => r.createWorker(ACCOUNT, { friendlyName: "ANN" }),
    400,
    /FriendlyName: a Worker named "ANN" already exists/,
  ],
  [
    "a worker with attributes that are not JSON",
    (r) => r.createWorker(ACCOUNT, { friendlyName: "B", attributes: "{skills:" }),
    400,
    /Attributes: must be valid JSON/,
  ],
  [
    "a worker with attributes that are a JSON array",
    (r) => r.createWorker(ACCOUNT, { friendlyName: "B", attributes: "[1]" }),
    400,
    /Attributes: must be a JSON object/,
  ],
  [
    "a worker with oversized attributes",
    (r) => r.createWorker(ACCOUNT, { friendlyName: "B", attributes: big }),
    400,
    /at most 16384 bytes of JSON, got 16396/,
  ],
  [
    "a worker in an unknown activity",
    (r) => r.createWorker(ACCOUNT, { friendlyName: "B", activitySid: "WA" + "9".repeat(32) }),
    400,
    /ActivitySid: Activity WA9+ does not exist/,
  ],
  [
    "a worker update with a stale ETag",
    (r) => r.updateWorker(ACCOUNT, ann.sid, { attributes: "{}", ifMatch: '"999"' }),
    412,
    /has changed since the ETag/,
  ],
  [
    "RejectPendingReservations with an available activity",
    (r) => r.updateWorker(ACCOUNT, ann.sid, { activitySid: AVAILABLE, rejectPendingReservations: true }),
    400,
    /RejectPendingReservations: can only be used together with an ActivitySid of an unavailable Activity/,
  ],
  ["deleting a worker who holds a task", (r) => r.deleteWorker(ACCOUNT, ann.sid), 400, /cannot be deleted while holding 1 task/],
  [
    "a channel capacity above 50",
    (r) => r.updateWorkerChannel(ACCOUNT, ann.sid, "default", { capacity: 51 }),
    400,
    /Capacity: must be an integer from 0 to 50/,
  ],
  [
    "an unknown worker channel",
    (r) => r.getWorkerChannel(ACCOUNT, ann.sid, "carrier-pigeon"),
    404,
    /WorkerChannel carrier-pigeon was not found/,
  ],
  ["a task with attributes that are not JSON", (r) => r.createTask(ACCOUNT, { attributes: "nope" }), 400, /Attributes: must be valid JSON/],
  ["a task with oversized attributes", (r) => r.createTask(ACCOUNT, { attributes: big }), 400, /Attributes: must be at most 16384 bytes/],
  [
    "a task in an unknown workflow",
    (r) => r.createTask(ACCOUNT, { workflowSid: "WW" + "9".repeat(32) }),
    400,
    /WorkflowSid: Workflow WW9+ does not exist/,
  ],
  ["a task on an unknown channel", (r) => r.createTask(ACCOUNT, { taskChannel: "fax" }), 400, /TaskChannel: no TaskChannel .* "fax"/],
  [
    "a task with a TTL above two weeks",
    (r) => r.createTask(ACCOUNT, { timeout: 1_209_601 }),
    400,
    /Timeout: must be an integer from 1 to 1209600/,
  ],
  [
    "a task with a negative priority",
    (r) => r.createTask(ACCOUNT, { priority: -1 }),
    400,
    /Priority: must be an integer from 0 to 2147483647/,
  ],
  [
    "a task that starts in the future",
    (r) => r.createTask(ACCOUNT, { virtualStartTime: Date.now() + 60_000 }),
    400,
    /VirtualStartTime: must not be in the future/,
  ],
  [
    "completing a task that is only pending",
    (r) => r.updateTask(ACCOUNT, waiting.sid, { assignmentStatus: "completed" }),
    400,
    /cannot become completed: it is pending/,
  ],
  [
    "canceling an assigned task",
    (r) => r.updateTask(ACCOUNT, assigned, { assignmentStatus: "canceled" }),
    400,
    /cannot become canceled: it is assigned/,
  ],
  [
    "setting a task back to pending",
    (r) => r.updateTask(ACCOUNT, assigned, { assignmentStatus: "pending" }),
    400,
    /AssignmentStatus: can be set to canceled, wrapping or completed/,
  ],
  [
    "a task update with a stale ETag",
    (r) => r.updateTask(ACCOUNT, waiting.sid, { priority: 5, ifMatch: '"0"' }),
    412,
    /Task WT[0-9a-f]+ has changed/,
  ],
  ["deleting a task with a stale ETag", (r) => r.deleteTask(ACCOUNT, waiting.sid, "41"), 412, /has changed since the ETag/],
  [
    "accepting a reservation that was already accepted",
    (r) => r.updateReservation(ACCOUNT, { taskSid: assigned }, reservationOfAssigned, { reservationStatus: "accepted" }),
    400,
    /Reservation WR[0-9a-f]+ cannot be accepted: it is no longer pending \(it is accepted\)/,
  ],
  [
    "timing a reservation out by hand",
    (r) => r.updateReservation(ACCOUNT, { taskSid: assigned }, reservationOfAssigned, { reservationStatus: "timeout" }),
    400,
    /ReservationStatus: can be set to accepted, rejected, wrapping or completed, not timeout/,
  ],
  [
    "a reservation through another task's path",
    (r) => r.getReservation(ACCOUNT, { taskSid: waiting.sid }, reservationOfAssigned),
    404,
    /Reservation WR[0-9a-f]+ was not found/,
  ],
  [
    "a bad TargetWorkersExpression",
    (r) => r.listWorkers(ACCOUNT, { pageSize: 10, page: 0, targetWorkersExpression: "skills HAS" }),
    400,
    /TargetWorkersExpression: /,
  ],
  [
    "a bad EvaluateTaskAttributes",
    (r) => r.listTasks(ACCOUNT, { pageSize: 10, page: 0, evaluateTaskAttributes: "(type ==" }),
    400,
    /EvaluateTaskAttributes: /,
  ],
  [
    "a bad Ordering",
    (r) => r.listTasks(ACCOUNT, { pageSize: 10, page: 0, ordering: "Age:desc" }),
    400,
    /Ordering: must be DateCreated, Priority, VirtualStartTime/,
  ],
  [
    "a page token this list never issued",
    (r) => r.listTasks(ACCOUNT, { pageSize: 10, page: 1, pageToken: "garbage" }),
    400,
    /PageToken: is not a page token/,
  ],
  ["another account's workspace", (r) => r.getWorker(OTHER_ACCOUNT, ann.sid), 404, /Workspace was not found/],
  ["another account creating a task", (r) => r.createTask(OTHER_ACCOUNT, {}), 404, /Workspace was not found/],
];

describe("bad input is refused and leaves nothing behind", () => {
  it.each(cases)("%s", async (_name, call, status, message) => {
    const before = await footprint();
    const result = await call(stub());
    expect(result).toMatchObject({ ok: false, status });
    expect(!result.ok && result.message).toMatch(message);
    expect(await footprint()).toEqual(before);
  });

  it("refuses an old configuration version and keeps the newer one", async () => {
    value(await stub().applyConfig(snapshot(5), []));
    expect(value(await stub().applyConfig(snapshot(3), []))).toEqual({ applied: false, version: 5 });
  });

  it("answers 404 for a router whose workspace was never configured", async () => {
    const unknown = env.ROUTER.getByName(routerName("WS" + "9".repeat(32), "validation"));
    expect(await unknown.listTasks(ACCOUNT, { pageSize: 10, page: 0 })).toMatchObject({ ok: false, status: 404, code: 20404 });
  });

  it("moves a worker to an unavailable activity and rejects their pending reservations when asked", async () => {
    const bea = value(await stub().createWorker(ACCOUNT, { friendlyName: "Bea", activitySid: AVAILABLE }));
    // Bea takes the waiting task at once (Ann is full).
    const [pending] = value(await stub().listReservations(ACCOUNT, { workerSid: bea.worker.sid }, { pageSize: 10, page: 0 })).items;
    expect(pending).toMatchObject({ task_sid: waiting.sid, reservation_status: "pending" });
    value(await stub().updateWorker(ACCOUNT, bea.worker.sid, { activitySid: OFFLINE, rejectPendingReservations: true, ifMatch: bea.etag }));
    const after = value(await stub().getReservation(ACCOUNT, { workerSid: bea.worker.sid }, pending!.sid));
    expect(after.reservation.reservation_status).toBe("rejected");
    expect(value(await stub().getTask(ACCOUNT, waiting.sid)).task.assignment_status).toBe("pending");
  });
});
