/**
 * The Event Bridge's pure parts: the proxied paths it serves, the payload shapes (values worked out by
 * hand), which events become frames for whom, and the proxy's access rules against a fake backend.
 */
import { describe, expect, it } from "vitest";
import { bridgeFramesOf, type BridgeReader } from "../../durable-objects/router/eventbridge/bridge-frames";
import { bridgeTask, initFrame, seconds, versionOf } from "../../durable-objects/router/eventbridge/payloads";
import { serveBridge, type BridgeBackend } from "../../durable-objects/router/eventbridge/proxy";
import { routeOf } from "../../durable-objects/router/eventbridge/routes";
import { ok } from "../../durable-objects/common/rpc";
import type { EventRecord, TaskRecord } from "../../contract/taskrouter";

const WS = "WS" + "1".repeat(32);
const WK = "WK" + "2".repeat(32);
const WR = "WR" + "3".repeat(32);
const WT = "WT" + "4".repeat(32);

describe("routeOf", () => {
  it.each([
    [`Workspaces/${WS}/Workers/${WK}`, "GET", { op: "getWorker", workspaceSid: WS, workerSid: WK }],
    [`Workspaces/${WS}/Workers/${WK}`, "POST", { op: "updateWorker", workspaceSid: WS, workerSid: WK }],
    [`Workspaces\\${WS}\\Workers\\${WK}`, "get", { op: "getWorker", workspaceSid: WS, workerSid: WK }],
    [`Workspaces/${WS}/Activities`, "GET", { op: "listActivities", workspaceSid: WS }],
    [`Workspaces/${WS}/Workers/${WK}/WorkerChannels`, "GET", { op: "listChannels", workspaceSid: WS, workerSid: WK }],
    [`Workspaces/${WS}/Workers/${WK}/Channels`, "GET", { op: "listChannels", workspaceSid: WS, workerSid: WK }],
    [`Workspaces/${WS}/Workers/${WK}/Reservations`, "GET", { op: "listWorkerReservations", workspaceSid: WS, workerSid: WK }],
    [
      `Workspaces/${WS}/Workers/${WK}/Reservations/${WR}`,
      "POST",
      { op: "updateWorkerReservation", workspaceSid: WS, workerSid: WK, reservationSid: WR },
    ],
    [`Workspaces/${WS}/Tasks/${WT}`, "POST", { op: "updateTask", workspaceSid: WS, taskSid: WT }],
    [
      `Workspaces/${WS}/Tasks/${WT}/Reservations/${WR}`,
      "GET",
      { op: "getTaskReservation", workspaceSid: WS, taskSid: WT, reservationSid: WR },
    ],
    [`Workspaces/${WS}/Activities`, "POST", null],
    [`Workspaces/${WS}/Workers/${WK}/Transfers`, "POST", null],
    [`Workspaces/${WS}/Workers/WK123`, "GET", null],
  ])("%s %s", (url, method, expected) => {
    expect(routeOf(url, method)).toEqual(expected);
  });
});

describe("payloads", () => {
  it("dates in epoch seconds, versions from ETags, init with the token's remaining lifetime", () => {
    expect(seconds("2026-01-01T00:00:10Z")).toBe(1767225610);
    expect(seconds(null)).toBeNull();
    expect(versionOf('"7"')).toBe(7);
    expect(versionOf(undefined)).toBe(0);
    expect(JSON.parse(initFrame({ accountSid: "AC1", workspaceSid: WS, workerSid: WK, expiresAt: 10_000 }, 4_000))).toEqual({
      event_type: "init",
      payload: { account_sid: "AC1", workspace_sid: WS, channel_id: WK, token_lifetime: 6000 },
    });
  });

  it("a task with every key the SDK requires", () => {
    const task = bridgeTask(
      {
        account_sid: "AC1",
        workspace_sid: WS,
        sid: WT,
        attributes: '{"a":1}',
        assignment_status: "reserved",
        priority: 2,
        reason: null,
        age: 5,
        timeout: 86400,
        task_queue_sid: "WQ1",
        task_queue_friendly_name: "Support",
        task_queue_entered_date: null,
        task_channel_sid: "TC1",
        task_channel_unique_name: "default",
        workflow_sid: "WW1",
        workflow_friendly_name: "Main",
        virtual_start_time: "2026-01-01T00:00:00Z",
        ignore_capacity: false,
        routing_target: null,
        addons: "{}",
        date_created: "2026-01-01T00:00:00Z",
        date_updated: "2026-01-01T00:01:00Z",
      } satisfies TaskRecord,
      3,
    );
    for (const key of [
      "addons",
      "age",
      "attributes",
      "date_created",
      "date_updated",
      "priority",
      "queue_name",
      "queue_sid",
      "reason",
      "routing_target",
      "sid",
      "assignment_status",
      "task_channel_unique_name",
      "task_channel_sid",
      "timeout",
      "workflow_name",
      "workflow_sid",
      "version",
      "virtual_start_time",
    ])
      expect(task).toHaveProperty(key);
    expect(task).toMatchObject({ queue_name: "Support", date_created: 1767225600, date_updated: 1767225660, version: 3 });
  });
});

const event = (type: string, data: Record<string, unknown>): EventRecord =>
  ({ account_sid: "AC1", event_type: type, resource_sid: "X", event_data: data }) as unknown as EventRecord;

describe("bridgeFramesOf", () => {
  const reader: BridgeReader = {
    worker: (_, sid) => ({ sid }) as never,
    reservation: (_, workerSid, sid) => ({ sid, worker_sid: workerSid, reservation_status: "accepted" }) as never,
    task: (_, sid) => ({ sid }) as never,
    channel: (_, workerSid, tc) => ({ sid: "WC1", task_channel_sid: tc }),
    reservationWorkers: () => ["WKa", "WKb"],
  };
  const all = () => true;

  it.each([
    ["reservation.created", { worker_sid: "WKa", reservation_sid: WR }, all, [["WKa", { sid: WR, reservation_status: "pending" }]]],
    ["reservation.completed", { worker_sid: "WKa", reservation_sid: WR }, all, [["WKa", { reservation_status: "completed" }]]],
    ["task.completed", { task_sid: WT }, (w: string) => w === "WKb", [["WKb", { sid: WT }]]],
    ["worker.activity.update", { worker_sid: "WKa" }, all, [["WKa", { sid: "WKa" }]]],
    ["worker.capacity.update", { worker_sid: "WKa", task_channel_sid: "TC1" }, all, [["WKa", { sid: "WC1" }]]],
    ["worker.activity.update", { worker_sid: "WKa" }, () => false, []],
    ["task.created", { task_sid: WT }, all, []],
  ] as const)("%s", (type, data, listening, expected) => {
    const frames = bridgeFramesOf(event(type, data), reader, listening);
    expect(frames.map((f) => [f.workerSid, JSON.parse(f.text).payload])).toMatchObject(expected);
    for (const frame of frames) expect(JSON.parse(frame.text).event_type).toBe(type);
  });
});

describe("serveBridge access", () => {
  const calls: string[] = [];
  const backend = {
    getWorker: (sid: string) => (calls.push(`getWorker ${sid}`), { ok: false, status: 404, code: 20404, message: "no" }),
    listReservations: (owner: { taskSid?: string }, input: { workerSid?: string }) =>
      ok({ items: input.workerSid === "WKmine" ? [{}] : [], nextPageToken: null, previousPageToken: null }),
  } as unknown as BridgeBackend;
  const caller = { workspaceSid: WS, role: "worker", workerSid: "WKmine" };

  it.each([
    [`Workspaces/WS${"9".repeat(32)}/Workers/${WK}`, 403],
    [`Workspaces/${WS}/Workers/${WK}`, 403],
    [`Workspaces/${WS}/Tasks/${WT}`, 403],
    [`Workspaces/${WS}/Nope`, 404],
  ])("%s → %i", async (url, status) => {
    expect(await serveBridge(backend, { ...caller, workerSid: "WKother" }, { url, method: "GET", params: {} })).toMatchObject({ status });
  });

  it("a supervisor may read another worker (the backend answers)", async () => {
    const answer = await serveBridge(
      backend,
      { ...caller, role: "supervisor" },
      { url: `Workspaces/${WS}/Workers/${WK}`, method: "GET", params: {} },
    );
    expect(answer).toEqual({ status: 404, message: "no" });
    expect(calls).toEqual([`getWorker ${WK}`]);
  });
});
