/**
 * The agents' channel frames in plain Node: what a malformed command is answered with (the REST API's
 * 400 naming the field), which events reach which workers and the frame each becomes, and that every
 * frame the server builds passes the shared zod schema a client would validate it with.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../durable-objects/router/realtime/commands";
import { framesOf, type FrameContext } from "../../durable-objects/router/lifecycle/event-frames";
import { agentFrame, agentQueuesFrame, serverFrame } from "../../contract/realtime-frames";
import { agentQueueOf } from "../../durable-objects/router/realtime/agent-queues";
import type { EventRecord } from "../../contract/taskrouter";

const WR = "WR" + "a".repeat(32);
const WT = "WT" + "b".repeat(32);
const WK = "WK" + "c".repeat(32);
const WK2 = "WK" + "d".repeat(32);
const WA = "WA" + "e".repeat(32);

describe("parseCommand", () => {
  it.each([
    ["not JSON", "{", null, "The frame is not valid JSON"],
    ["an array", "[1]", null, "A frame must be a JSON object with a type"],
    [
      "an unknown type",
      '{"type":"dance","id":1}',
      1,
      "Invalid parameter type: must be one of accept, reject, wrapup, complete, set-activity, update-attributes",
    ],
    [
      "no type",
      '{"id":"a"}',
      "a",
      "Invalid parameter type: must be one of accept, reject, wrapup, complete, set-activity, update-attributes",
    ],
    ["no id", `{"type":"accept","reservation_sid":"${WR}"}`, null, "Missing required parameter id"],
    ["a missing SID", '{"type":"accept","id":7}', 7, "Missing required parameter reservation_sid"],
    [
      "a malformed SID",
      '{"type":"accept","id":7,"reservation_sid":"WR1"}',
      7,
      'Invalid parameter reservation_sid: must be a WR SID (WR followed by 32 hex digits) (got "WR1")',
    ],
    [
      "an id that is neither",
      `{"type":"accept","id":true,"reservation_sid":"${WR}"}`,
      null,
      "Invalid parameter id: must be a string of 1 to 64 characters or an integer (got true)",
    ],
    ["an unknown field", `{"type":"accept","id":7,"reservation_sid":"${WR}","extra":1}`, 7, "Unknown parameter extra"],
    [
      "wrapup with neither target",
      '{"type":"wrapup","id":"w"}',
      "w",
      "Invalid parameter reservation_sid: give either reservation_sid or task_sid",
    ],
    [
      "complete with both targets",
      `{"type":"complete","id":"c","reservation_sid":"${WR}","task_sid":"${WT}"}`,
      "c",
      `Invalid parameter reservation_sid: give either reservation_sid or task_sid (got "${WR}")`,
    ],
    [
      "a boolean that is a string",
      `{"type":"set-activity","id":2,"activity_sid":"${WA}","reject_pending_reservations":"yes"}`,
      2,
      'Invalid parameter reject_pending_reservations: Invalid input: expected boolean, received string (got "yes")',
    ],
  ])("answers %s with a 400 naming the problem", (_, text, id, message) => {
    expect(parseCommand(text)).toEqual({ ok: false, id, failure: { ok: false, status: 400, code: 20001, message } });
  });

  it.each([
    [`{"type":"accept","id":1,"reservation_sid":"${WR}"}`, { type: "accept", id: 1, reservation_sid: WR }],
    [
      `{"type":"reject","id":"r","reservation_sid":"${WR}","activity_sid":"${WA}"}`,
      { type: "reject", id: "r", reservation_sid: WR, activity_sid: WA },
    ],
    [`{"type":"complete","id":3,"task_sid":"${WT}","reason":"done"}`, { type: "complete", id: 3, task_sid: WT, reason: "done" }],
    [
      `{"type":"update-attributes","id":4,"attributes":{"skills":["a"]}}`,
      { type: "update-attributes", id: 4, attributes: { skills: ["a"] } },
    ],
  ])("reads %s", (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });
});

function event(type: string, data: Record<string, unknown>): EventRecord {
  return {
    account_sid: "AC" + "1".repeat(32),
    workspace_sid: "WS" + "1".repeat(32),
    sid: "EV" + "f".repeat(32),
    event_type: type,
    event_date: "2026-11-25T12:00:00Z",
    event_date_ms: Date.UTC(2026, 10, 25, 12),
    description: "",
    resource_type: "Reservation",
    resource_sid: WR,
    resource_url: "",
    actor_type: "workspace",
    actor_sid: "WS" + "1".repeat(32),
    actor_url: "",
    event_data: data,
    source: "switchboard",
    source_ip_address: "",
  };
}

const taskData = {
  task_sid: WT,
  task_attributes: '{"type":"support"}',
  task_age: 3,
  task_priority: 5,
  task_assignment_status: "reserved",
  task_channel_sid: "TC" + "0".repeat(32),
  task_channel_unique_name: "default",
  task_queue_sid: "WQ" + "1".repeat(32),
  task_queue_name: "Support",
  workflow_sid: "WW" + "1".repeat(32),
  workflow_name: "Main",
};
const workerData = {
  worker_sid: WK,
  worker_name: "Ann",
  worker_attributes: "{}",
  worker_activity_sid: WA,
  worker_activity_name: "Available",
};
const TIMEOUT_AT = Date.UTC(2026, 10, 25, 12, 2);
const WRAPUP_ENDS_AT = Date.UTC(2026, 10, 25, 12, 0, 30);
const context: FrameContext = {
  workersHolding: (taskSid) => (taskSid === WT ? [WK, WK2] : []),
  channelCapacity: () => 3,
  // The timer a reservation.created event's operation set (WR's; other reservations have none).
  reservationTimeoutAt: (reservationSid) => (reservationSid === WR ? TIMEOUT_AT : null),
  // The timer a wrap-up on a queue with WrapUpTimeoutSeconds set (WT's: 30 s after the event).
  wrapUpEndsAt: (taskSid) => (taskSid === WT ? WRAPUP_ENDS_AT : null),
};

describe("framesOf", () => {
  it("addresses a reservation event to its worker, with the reservation's status and the task", () => {
    const frames = framesOf(event("reservation.wrapup", { reservation_sid: WR, ...taskData, ...workerData }), context);
    expect(frames).toEqual([
      {
        workerSid: WK,
        frame: {
          type: "reservation.wrapup",
          event_sid: "EV" + "f".repeat(32),
          date: "2026-11-25T12:00:00Z",
          date_ms: Date.UTC(2026, 10, 25, 12),
          // Wrapping does not time out, even if a timer were left; it ends by itself when its queue says so.
          reservation: { sid: WR, status: "wrapping", task_sid: WT, worker_sid: WK, timeout_at: null, wrapup_ends_at: WRAPUP_ENDS_AT },
          task: {
            sid: WT,
            attributes: '{"type":"support"}',
            assignment_status: "reserved",
            priority: 5,
            age: 3,
            task_channel_sid: "TC" + "0".repeat(32),
            task_channel_unique_name: "default",
            task_queue_sid: "WQ" + "1".repeat(32),
            task_queue_friendly_name: "Support",
            workflow_sid: "WW" + "1".repeat(32),
            workflow_friendly_name: "Main",
            reason: null,
          },
        },
      },
    ]);
  });

  it.each([
    // reservation, type, timeout_at
    [WR, "reservation.created", TIMEOUT_AT],
    ["WR" + "9".repeat(32), "reservation.created", null],
    [WR, "reservation.accepted", null],
    [WR, "reservation.rejected", null],
    [WR, "reservation.timeout", null],
  ])("a %s frame of %s says when it times out: %s", (reservationSid, type, timeoutAt) => {
    const [framed] = framesOf(event(type, { reservation_sid: reservationSid, ...taskData, ...workerData }), context);
    expect(framed!.frame).toMatchObject({ reservation: { sid: reservationSid, timeout_at: timeoutAt } });
    expect(serverFrame.safeParse({ ...framed!.frame, seq: 1 }).success).toBe(true);
  });

  it.each([
    // task, type, wrapup_ends_at: only a wrap-up frame says when the wrap-up ends, and only when a timer ends it
    [WT, "reservation.wrapup", WRAPUP_ENDS_AT],
    ["WT" + "9".repeat(32), "reservation.wrapup", null],
    [WT, "reservation.accepted", null],
    [WT, "reservation.completed", null],
  ])("a frame for task %s of %s says when its wrap-up ends: %s", (taskSid, type, endsAt) => {
    const [framed] = framesOf(event(type, { reservation_sid: WR, ...taskData, task_sid: taskSid, ...workerData }), context);
    expect(framed!.frame).toMatchObject({ reservation: { task_sid: taskSid, wrapup_ends_at: endsAt } });
    expect(serverFrame.safeParse({ ...framed!.frame, seq: 1 }).success).toBe(true);
  });

  it.each([
    // type, data, the workers it reaches
    ["task.updated", taskData, [WK, WK2]],
    ["task.created", taskData, []],
    ["workflow.entered", taskData, []],
    ["worker.activity.update", { ...workerData, worker_previous_activity_sid: "WA0", worker_previous_activity_name: "Offline" }, [WK]],
    ["worker.attributes.update", workerData, [WK]],
    ["worker.capacity.update", { ...workerData, task_channel_sid: "TC1", worker_channel_available: true }, [WK]],
    ["worker.channel.availability.update", { ...workerData, task_channel_sid: "TC1", worker_channel_available: false }, [WK]],
    ["worker.deleted", workerData, [WK]],
    ["worker.created", workerData, []],
  ])("%s reaches the workers it concerns", (type, data, workers) => {
    const frames = framesOf(event(type, data), context);
    expect(frames.map((f) => f.workerSid)).toEqual(workers);
    for (const { frame } of frames) expect(serverFrame.safeParse({ ...frame, seq: 1 }).success).toBe(true);
  });

  it("puts the channel's configured capacity on a capacity frame", () => {
    const [framed] = framesOf(
      event("worker.capacity.update", {
        ...workerData,
        task_channel_sid: "TC1",
        task_channel_unique_name: "chat",
        worker_channel_available: true,
        worker_channel_available_capacity: 67,
        worker_channel_task_count: 1,
      }),
      context,
    );
    expect(framed!.frame).toMatchObject({
      channel: {
        task_channel_sid: "TC1",
        task_channel_unique_name: "chat",
        configured_capacity: 3,
        available: true,
        available_capacity_percentage: 67,
        assigned_tasks: 1,
      },
    });
  });

  it("builds frames of the one union that covers both directions", () => {
    const frames = framesOf(event("reservation.created", { reservation_sid: WR, ...taskData, ...workerData }), context);
    expect(agentFrame.parse({ ...frames[0]!.frame, seq: 4 })).toMatchObject({ type: "reservation.created", seq: 4 });
    expect(agentFrame.parse({ type: "accept", id: 1, reservation_sid: WR })).toEqual({ type: "accept", id: 1, reservation_sid: WR });
  });
});

/**
 * Golden frames (test/unit/contract/golden/agent-frames.json, read by the desktop's tests too): the
 * frames the server builds from fixed events equal the frozen ones and parse, so a wire change needs a
 * deliberate golden update.
 */
const goldenCases: [string, Record<string, unknown>][] = [
  ["reservation.created", { reservation_sid: WR, ...taskData, ...workerData }],
  ["reservation.accepted", { reservation_sid: WR, ...taskData, ...workerData }],
  ["reservation.wrapup", { reservation_sid: WR, ...taskData, ...workerData }],
  ["task.updated", taskData],
  ["worker.activity.update", { ...workerData, worker_previous_activity_sid: WA, worker_previous_activity_name: "Offline" }],
  ["worker.attributes.update", workerData],
  ["worker.capacity.update", { ...workerData, task_channel_sid: "TC1", worker_channel_available: true }],
  ["worker.deleted", workerData],
];

describe("golden frames", () => {
  it.each(goldenCases)("%s is built as frozen and parses", (type, data) => {
    const golden = JSON.parse(readFileSync(new URL("./contract/golden/agent-frames.json", import.meta.url), "utf8")) as Record<
      string,
      unknown
    >;
    const [framed] = framesOf(event(type, data), context);
    const frame = { ...framed!.frame, seq: 1 };
    expect(frame).toEqual(golden[type]);
    expect(serverFrame.parse(golden[type])).toEqual(golden[type]);
  });
});

/**
 * The agents' `queues.waiting` golden (test/unit/contract/golden/agent-queue-frames.json, apart from the
 * numbered change frames: it has no `seq`): built from a queue's real-time figures as the feed builds it.
 */
describe("golden queues.waiting frame", () => {
  it("is built as frozen and parses", () => {
    const golden = JSON.parse(readFileSync(new URL("./contract/golden/agent-queue-frames.json", import.meta.url), "utf8")) as Record<
      string,
      unknown
    >;
    const now = Date.UTC(2026, 10, 25, 12);
    const byStatus = (pending: number, reserved: number) => ({ pending, reserved, assigned: 4, wrapping: 1, completed: 2, canceled: 0 });
    // Support: 2 pending + 1 reserved = 3 waiting, the oldest created 90 s ago; Everyone: nothing waits.
    const frame = {
      type: "queues.waiting",
      date_ms: now,
      queues: [
        agentQueueOf(
          { sid: "WQ" + "1".repeat(32), friendly_name: "Support", sla_threshold_seconds: 45 },
          { tasksByStatus: byStatus(2, 1), longestWaiting: { sid: WT, since: now - 90_000 } },
        ),
        agentQueueOf({ sid: "WQ" + "2".repeat(32), friendly_name: "Everyone" }, { tasksByStatus: byStatus(0, 0), longestWaiting: null }),
      ],
    };
    expect(frame).toEqual(golden["queues.waiting"]);
    expect(agentQueuesFrame.strict().parse(golden["queues.waiting"])).toEqual(golden["queues.waiting"]);
    expect(serverFrame.parse(golden["queues.waiting"])).toEqual(golden["queues.waiting"]);
  });
});
