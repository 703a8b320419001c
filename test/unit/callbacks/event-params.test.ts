// Event callback parameters: an EventRecord becomes exactly the form parameters Twilio sends.
import { describe, expect, it } from "vitest";
import type { EventRecord } from "../../../contract/taskrouter";
import { EVENT_DATA_PARAMS, eventCallbackParams, formValue } from "../../../callbacks/event-params";

const AC = "AC" + "a".repeat(32);
const WS = "WS" + "b".repeat(32);
const WT = "WT" + "c".repeat(32);
const WK = "WK" + "d".repeat(32);
const WR = "WR" + "e".repeat(32);
const WW = "WW" + "f".repeat(32);
const WQ = "WQ" + "1".repeat(32);
const TC = "TC" + "2".repeat(32);
const WA = "WA" + "3".repeat(32);
const WA2 = "WA" + "4".repeat(32);
const EV = "EV" + "5".repeat(32);

/** 2023-11-14T22:13:20.123Z */
const AT_MS = 1_700_000_000_123;

function event(event_type: string, resource_type: string, resource_sid: string, event_data: Record<string, unknown>): EventRecord {
  return {
    account_sid: AC,
    workspace_sid: WS,
    sid: EV,
    event_type,
    event_date: "2023-11-14T22:13:20Z",
    event_date_ms: AT_MS,
    description: `${event_type} happened`,
    resource_type,
    resource_sid,
    resource_url: `${resource_type}s/${resource_sid}`,
    actor_type: "workspace",
    actor_sid: WS,
    actor_url: "",
    event_data,
    source: "twilio",
    source_ip_address: "127.0.0.1",
  };
}

const common = (eventType: string, resourceType: string, resourceSid: string) => ({
  Sid: EV,
  EventType: eventType,
  AccountSid: AC,
  WorkspaceSid: WS,
  WorkspaceName: "Support",
  EventDescription: `${eventType} happened`,
  ResourceType: resourceType,
  ResourceSid: resourceSid,
  // floor(1_700_000_000_123 / 1000)
  Timestamp: "1700000000",
  TimestampMs: "1700000000123",
});

const task = {
  task_sid: WT,
  task_attributes: '{"type":"support"}',
  task_age: 42,
  task_priority: 10,
  task_channel_sid: TC,
  task_channel_unique_name: "chat",
  workflow_sid: WW,
  workflow_name: "Inbound",
};
const taskParams = {
  TaskSid: WT,
  TaskAttributes: '{"type":"support"}',
  TaskAge: "42",
  TaskPriority: "10",
  TaskChannelSid: TC,
  TaskChannelUniqueName: "chat",
  WorkflowSid: WW,
  WorkflowName: "Inbound",
};
const worker = {
  worker_sid: WK,
  worker_name: "alice",
  worker_attributes: '{"skills":["support"]}',
  worker_activity_sid: WA,
  worker_activity_name: "Available",
};
const workerParams = {
  WorkerSid: WK,
  WorkerName: "alice",
  WorkerAttributes: '{"skills":["support"]}',
  WorkerActivitySid: WA,
  WorkerActivityName: "Available",
};

describe("eventCallbackParams", () => {
  it.each([
    {
      name: "task.created: the task and its workflow",
      event: event("task.created", "task", WT, { ...task, task_assignment_status: "pending", task_date_created: 1_700_000_000 }),
      expected: { ...common("task.created", "task", WT), ...taskParams, TaskAssignmentStatus: "pending", TaskDateCreated: "1700000000" },
    },
    {
      name: "task-queue.entered: the task and the queue it entered",
      event: event("task-queue.entered", "task", WT, {
        ...task,
        task_assignment_status: "pending",
        task_queue_sid: WQ,
        task_queue_name: "Support",
      }),
      expected: {
        ...common("task-queue.entered", "task", WT),
        ...taskParams,
        TaskAssignmentStatus: "pending",
        TaskQueueSid: WQ,
        TaskQueueName: "Support",
      },
    },
    {
      name: "reservation.created: task, worker, queue and reservation",
      event: event("reservation.created", "reservation", WR, {
        ...task,
        ...worker,
        task_assignment_status: "reserved",
        task_queue_sid: WQ,
        task_queue_name: "Support",
        reservation_sid: WR,
      }),
      expected: {
        ...common("reservation.created", "reservation", WR),
        ...taskParams,
        ...workerParams,
        TaskAssignmentStatus: "reserved",
        TaskQueueSid: WQ,
        TaskQueueName: "Support",
        ReservationSid: WR,
      },
    },
    {
      name: "task.canceled: the reason",
      event: event("task.canceled", "task", WT, { ...task, task_assignment_status: "canceled", task_canceled_reason: "Task TTL Exceeded" }),
      expected: {
        ...common("task.canceled", "task", WT),
        ...taskParams,
        TaskAssignmentStatus: "canceled",
        TaskCanceledReason: "Task TTL Exceeded",
      },
    },
    {
      name: "task.completed: the reason",
      event: event("task.completed", "task", WT, { ...task, task_assignment_status: "completed", task_completed_reason: "resolved" }),
      expected: {
        ...common("task.completed", "task", WT),
        ...taskParams,
        TaskAssignmentStatus: "completed",
        TaskCompletedReason: "resolved",
      },
    },
    {
      name: "worker.activity.update: the previous activity, seconds derived from ms (61 999 ms → 61 s, truncated)",
      event: event("worker.activity.update", "worker", WK, {
        ...worker,
        worker_previous_activity_sid: WA2,
        worker_previous_activity_name: "Offline",
        worker_time_in_previous_activity_ms: 61_999,
      }),
      expected: {
        ...common("worker.activity.update", "worker", WK),
        ...workerParams,
        WorkerPreviousActivitySid: WA2,
        WorkerPreviousActivityName: "Offline",
        WorkerTimeInPreviousActivityMs: "61999",
        WorkerTimeInPreviousActivity: "61",
      },
    },
    {
      name: "worker.capacity.update: channel numbers and a boolean",
      event: event("worker.capacity.update", "worker", WK, {
        ...worker,
        task_channel_sid: TC,
        task_channel_unique_name: "chat",
        worker_channel_available: true,
        worker_channel_available_capacity: 50,
        worker_channel_previous_capacity: 2,
        worker_channel_task_count: 2,
      }),
      expected: {
        ...common("worker.capacity.update", "worker", WK),
        ...workerParams,
        TaskChannelSid: TC,
        TaskChannelUniqueName: "chat",
        WorkerChannelAvailable: "true",
        WorkerChannelAvailableCapacity: "50",
        WorkerChannelPreviousCapacity: "2",
        WorkerChannelTaskCount: "2",
      },
    },
    {
      name: "activity.created: an unavailable activity says false",
      event: event("activity.created", "activity", WA, { activity_sid: WA, activity_name: "Offline", activity_available: false }),
      expected: { ...common("activity.created", "activity", WA), ActivitySid: WA, ActivityName: "Offline", ActivityAvailable: "false" },
    },
    {
      name: "workflow.target-matched: the filter's name",
      event: event("workflow.target-matched", "task", WT, { ...task, workflow_filter_name: "Spanish support" }),
      expected: { ...common("workflow.target-matched", "task", WT), ...taskParams, WorkflowFilterName: "Spanish support" },
    },
    {
      name: "workspace.updated: the common parameters alone",
      event: event("workspace.updated", "workspace", WS, {}),
      expected: common("workspace.updated", "workspace", WS),
    },
  ])("$name", ({ event, expected }) => {
    expect(eventCallbackParams(event, "Support")).toEqual(expected);
  });

  it("sends an explicit WorkerTimeInPreviousActivity as given rather than deriving it", () => {
    const params = eventCallbackParams(
      event("worker.activity.update", "worker", WK, { worker_time_in_previous_activity: 7, worker_time_in_previous_activity_ms: 61_999 }),
      "Support",
    );
    expect(params.WorkerTimeInPreviousActivity).toBe("7");
  });

  it("stringifies object attributes and leaves out null, unknown keys and anything that would override the record", () => {
    const params = eventCallbackParams(
      event("task.updated", "task", WT, {
        task_sid: WT,
        task_attributes: { type: "sales", vip: true },
        task_queue_sid: null,
        internal_debug: "x",
        event_type: "forged",
        workspace_name: "Forged",
      }),
      "Support",
    );
    expect(params).toEqual({ ...common("task.updated", "task", WT), TaskSid: WT, TaskAttributes: '{"type":"sales","vip":true}' });
  });

  it("maps every documented key to its snake_case spelling in PascalCase", () => {
    // The table is explicit so it can be searched; this guards it against typos.
    for (const [key, param] of Object.entries(EVENT_DATA_PARAMS)) {
      const pascal = key.replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase());
      expect(param, key).toBe(pascal);
    }
  });
});

describe("formValue", () => {
  it.each([
    { value: "text", expected: "text" },
    { value: "", expected: "" },
    { value: 0, expected: "0" },
    { value: 2.5, expected: "2.5" },
    { value: Number.NaN, expected: undefined },
    { value: Number.POSITIVE_INFINITY, expected: undefined },
    { value: true, expected: "true" },
    { value: false, expected: "false" },
    { value: null, expected: undefined },
    { value: undefined, expected: undefined },
    { value: ["a", 1], expected: '["a",1]' },
    { value: { a: { b: null } }, expected: '{"a":{"b":null}}' },
  ])("$value → $expected", ({ value, expected }) => {
    expect(formValue(value)).toBe(expected);
  });
});
