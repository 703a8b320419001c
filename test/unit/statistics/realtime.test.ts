import { describe, expect, it } from "vitest";
import { mergeRealtime, type RealtimeFigures, type TaskRouterStatistics, type TaskScope } from "../../../durable-objects/router/statistics";
import { accept, at, enqueue, queue, statistics, task, worker, workflow } from "./helpers";

const [Q1, Q2, W1, W2] = [queue(1), queue(2), workflow(1), workflow(2)];
const NOW = at(5);

/**
 * At 10:05:
 * - t1: created 10:00, priority 0, voice, entered Q1 at 10:01            → pending
 * - t2: created 10:00:30, priority 10, voice, entered Q1 at 10:00:30     → reserved at 10:02
 * - t3: created 10:01, priority 0, chat, entered Q1 at 10:01             → assigned at 10:03
 * - t4: created 10:02, priority 0, voice, W1, entered Q2 at 10:02        → pending
 * - t5: created 10:02, priority 0, voice, W2, entered Q2 at 10:02        → canceled at 10:04
 */
function contactCenter(): TaskRouterStatistics {
  const stats = statistics();
  enqueue(stats, task(1), { queueSid: Q1, createdAt: at(0), enteredAt: at(1) });
  enqueue(stats, task(2), { queueSid: Q1, priority: 10, createdAt: at(0, 30) });
  stats.record({ type: "reservation", outcome: "created", at: at(2), taskSid: task(2), workerSid: worker(1) });
  stats.record({ type: "task.status-changed", at: at(2), taskSid: task(2), status: "reserved" });
  enqueue(stats, task(3), { queueSid: Q1, channel: "chat", createdAt: at(1) });
  accept(stats, task(3), worker(2), at(3));
  enqueue(stats, task(4), { queueSid: Q2, createdAt: at(2) });
  enqueue(stats, task(5), { queueSid: Q2, workflowSid: W2, createdAt: at(2) });
  stats.record({ type: "task.status-changed", at: at(4), taskSid: task(5), status: "canceled" });
  return stats;
}

const statuses = (counts: Partial<RealtimeFigures["tasksByStatus"]>) => ({
  pending: 0,
  reserved: 0,
  assigned: 0,
  wrapping: 0,
  completed: 0,
  canceled: 0,
  ...counts,
});

describe("real-time figures", () => {
  it.each<[string, TaskScope, string | undefined, RealtimeFigures]>([
    [
      "the workspace: all five; the oldest waiting is t1 (t3 is assigned, t5 canceled)",
      { kind: "workspace" },
      undefined,
      {
        tasksByStatus: statuses({ pending: 2, reserved: 1, assigned: 1, canceled: 1 }),
        tasksByPriority: { "0": 4, "10": 1 },
        totalTasks: 5,
        longestWaiting: { sid: task(1), since: at(0) },
        longestInQueue: null,
      },
    ],
    [
      "Q1: t2 has waited longest in the queue though t1 is older",
      { kind: "queue", sid: Q1 },
      undefined,
      {
        tasksByStatus: statuses({ pending: 1, reserved: 1, assigned: 1 }),
        tasksByPriority: { "0": 2, "10": 1 },
        totalTasks: 3,
        longestWaiting: { sid: task(1), since: at(0) },
        longestInQueue: { sid: task(2), since: at(0, 30) },
      },
    ],
    [
      "Q1, voice only",
      { kind: "queue", sid: Q1 },
      "voice",
      {
        tasksByStatus: statuses({ pending: 1, reserved: 1 }),
        tasksByPriority: { "0": 1, "10": 1 },
        totalTasks: 2,
        longestWaiting: { sid: task(1), since: at(0) },
        longestInQueue: { sid: task(2), since: at(0, 30) },
      },
    ],
    [
      "Q1, chat only: the one chat is assigned, so nothing waits",
      { kind: "queue", sid: Q1 },
      "chat",
      { tasksByStatus: statuses({ assigned: 1 }), tasksByPriority: { "0": 1 }, totalTasks: 1, longestWaiting: null, longestInQueue: null },
    ],
    [
      "W1: t1–t4",
      { kind: "workflow", sid: W1 },
      undefined,
      {
        tasksByStatus: statuses({ pending: 2, reserved: 1, assigned: 1 }),
        tasksByPriority: { "0": 3, "10": 1 },
        totalTasks: 4,
        longestWaiting: { sid: task(1), since: at(0) },
        longestInQueue: null,
      },
    ],
    [
      "W2: t5, canceled, still counted until it is purged",
      { kind: "workflow", sid: W2 },
      undefined,
      { tasksByStatus: statuses({ canceled: 1 }), tasksByPriority: { "0": 1 }, totalTasks: 1, longestWaiting: null, longestInQueue: null },
    ],
    [
      "an unknown queue: zeros",
      { kind: "queue", sid: queue(9) },
      undefined,
      { tasksByStatus: statuses({}), tasksByPriority: {}, totalTasks: 0, longestWaiting: null, longestInQueue: null },
    ],
  ])("%s", (_name, scope, channel, expected) => {
    expect(contactCenter().realtime(scope, channel)).toEqual(expected);
  });

  it("follows transitions: acceptance, priority and channel changes, moves and purges", () => {
    const stats = contactCenter();
    accept(stats, task(2), worker(1), NOW);
    // t2 is no longer waiting: Q1's longest in queue is t1 now (entered 10:01).
    expect(stats.realtime({ kind: "queue", sid: Q1 }).longestInQueue).toEqual({ sid: task(1), since: at(1) });

    stats.record({ type: "task.updated", at: NOW, taskSid: task(1), priority: 5, channel: "chat" });
    expect(stats.realtime({ kind: "queue", sid: Q1 }, "chat")).toMatchObject({
      tasksByPriority: { "0": 1, "5": 1 },
      totalTasks: 2,
      longestWaiting: { sid: task(1), since: at(0) },
    });

    stats.record({ type: "task.queue-left", at: NOW, taskSid: task(1), reason: "moved" });
    stats.record({ type: "task.queue-entered", at: at(6), taskSid: task(1), queueSid: Q2 });
    expect(stats.realtime({ kind: "queue", sid: Q1 }).totalTasks).toBe(2);
    // In Q2, t1 entered at 10:06 but was created at 10:00: the oldest, and the newest in the queue.
    expect(stats.realtime({ kind: "queue", sid: Q2 })).toMatchObject({
      totalTasks: 3,
      longestWaiting: { sid: task(1), since: at(0) },
      longestInQueue: { sid: task(4), since: at(2) },
    });

    stats.record({ type: "task.deleted", at: at(20), taskSid: task(5), by: "system" });
    expect(stats.realtime({ kind: "workflow", sid: W2 }).totalTasks).toBe(0);
    expect(stats.realtime({ kind: "workspace" }).totalTasks).toBe(4);
  });

  it("breaks ties between tasks created in the same millisecond by SID", () => {
    const stats = statistics();
    enqueue(stats, task(2), { queueSid: Q1, createdAt: at(0) });
    enqueue(stats, task(1), { queueSid: Q1, createdAt: at(0) });
    expect(stats.realtime({ kind: "workspace" }).longestWaiting?.sid).toBe(task(1));
  });
});

describe("mergeRealtime (several regions)", () => {
  it("adds counts and keeps the oldest waiting task", () => {
    const east = contactCenter().realtime({ kind: "queue", sid: Q1 });
    const west = statistics();
    enqueue(west, task(7), { queueSid: Q1, priority: 3, createdAt: at(-2), enteredAt: at(4) });
    const merged = mergeRealtime([east, west.realtime({ kind: "queue", sid: Q1 })]);
    expect(merged).toEqual({
      tasksByStatus: statuses({ pending: 2, reserved: 1, assigned: 1 }),
      tasksByPriority: { "0": 2, "3": 1, "10": 1 },
      totalTasks: 4,
      longestWaiting: { sid: task(7), since: at(-2) }, // created 09:58 in the west
      longestInQueue: { sid: task(2), since: at(0, 30) }, // in the east queue since 10:00:30
    });
  });
});
