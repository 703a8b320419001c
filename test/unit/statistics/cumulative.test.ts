import { describe, expect, it } from "vitest";
import {
  queueCumulativeBody,
  type Counter,
  type StatisticsFact,
  type TaskRouterStatistics,
  type TaskScope,
} from "../../../durable-objects/router/statistics";
import { accept, at, enqueue, queue, statistics, T0, task, worker, workflow } from "./helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const Q1 = queue(1);
const W1 = workflow(1);
/** Minutes=15 at 10:10 → [09:55, 10:10): every test below that happens around 10:00. */
const LAST_15 = { startMs: at(-5), endMs: at(10) };

/** Three tasks created at 10:00:00, in the queue 2 s later, accepted after 10, 20 and 40 s. */
function threeAccepted(): TaskRouterStatistics {
  const stats = statistics();
  [10, 20, 40].forEach((wait, i) => {
    enqueue(stats, task(i + 1), { queueSid: Q1, createdAt: at(0), enteredAt: at(0, 2) });
    accept(stats, task(i + 1), worker(i + 1), at(0, wait));
  });
  return stats;
}

describe("wait durations and SplitByWaitTime", () => {
  it("three tasks accepted after 10, 20 and 40 s", () => {
    const figures = threeAccepted().cumulative({ kind: "queue", sid: Q1 }, LAST_15, { splitByWaitTime: [15, 30] });
    const body = queueCumulativeBody(figures);
    // From creation: 10 + 20 + 40 = 70 s over 3 tasks = 23.33 s (avg_task_acceptance_time rounds to 23).
    expect(body.wait_duration_until_accepted).toEqual({ avg: 23.33, min: 10, max: 40, total: 70 });
    expect(body.avg_task_acceptance_time).toBe(23);
    // From queue entry (2 s later): 8 + 18 + 38 = 64 s → 21.33.
    expect(body.wait_duration_in_queue_until_accepted).toEqual({ avg: 21.33, min: 8, max: 38, total: 64 });
    expect(body.wait_duration_until_canceled).toEqual({ avg: 0, min: 0, max: 0, total: 0 });
    // 15 s: only the 10 s wait is within; 30 s: 10 and 20 are within, 40 is after.
    expect(body.split_by_wait_time).toEqual({
      "15": { below: { tasks_canceled: 0, reservations_accepted: 1 }, above: { tasks_canceled: 0, reservations_accepted: 2 } },
      "30": { below: { tasks_canceled: 0, reservations_accepted: 2 }, above: { tasks_canceled: 0, reservations_accepted: 1 } },
    });
    expect([body.tasks_entered, body.reservations_created, body.reservations_accepted]).toEqual([3, 3, 3]);
  });

  it("the same figures for the workflow and the workspace, which hold the same three tasks", () => {
    const stats = threeAccepted();
    for (const scope of [{ kind: "workflow", sid: W1 }, { kind: "workspace" }] as TaskScope[]) {
      const { waits, counts } = stats.cumulative(scope, LAST_15);
      expect(waits.wait_duration_until_accepted).toEqual({ count: 3, totalMs: 70_000, minMs: 10_000, maxMs: 40_000 });
      expect(counts.reservations_accepted).toBe(3);
    }
  });

  it("cancellations: waits from creation, split on the same thresholds", () => {
    const stats = statistics();
    // Canceled after 30 s and after 45 s: total 75, avg 37.5, min 30, max 45.
    [30, 45].forEach((wait, i) => {
      enqueue(stats, task(i + 1), { queueSid: Q1, createdAt: at(0), enteredAt: at(0, 5) });
      stats.record({ type: "task.status-changed", at: at(0, wait), taskSid: task(i + 1), status: "canceled" });
    });
    const body = queueCumulativeBody(stats.cumulative({ kind: "queue", sid: Q1 }, LAST_15, { splitByWaitTime: [30] }));
    expect(body.wait_duration_until_canceled).toEqual({ avg: 37.5, min: 30, max: 45, total: 75 });
    expect(body.tasks_canceled).toBe(2);
    // 30 s exactly is within 30: below.
    expect(body.split_by_wait_time).toEqual({
      "30": { below: { tasks_canceled: 1, reservations_accepted: 0 }, above: { tasks_canceled: 1, reservations_accepted: 0 } },
    });
  });

  it.each<[string, number, "below" | "above"]>([
    ["no wait", 0, "below"],
    ["29 s", 29_000, "below"],
    ["exactly the threshold", 30_000, "below"],
    ["one millisecond over", 30_001, "above"],
    ["31 s", 31_000, "above"],
  ])("a wait of %s against 30 s is %s", (_name, waitMs, side) => {
    const stats = statistics();
    enqueue(stats, task(1), { queueSid: Q1, createdAt: at(0) });
    accept(stats, task(1), worker(1), at(0) + waitMs);
    const [split] = stats.cumulative({ kind: "queue", sid: Q1 }, LAST_15, { splitByWaitTime: [30] }).splits;
    expect(split).toEqual({
      threshold: 30,
      canceledBelow: 0,
      canceledAbove: 0,
      acceptedBelow: side === "below" ? 1 : 0,
      acceptedAbove: side === "above" ? 1 : 0,
    });
  });
});

describe("what each fact counts, and where", () => {
  // task 1: Q1 → moved (re-evaluated) to Q2 → its target times out into Q3, the workflow's default
  //         filter (workflow timeout); rejected by WK1, timed out on WK2, accepted by WK3, completed.
  // task 2: Q1, reserved for WK1, canceled (its reservation with it).
  // task 3: Q1, offered to WK1 and WK2, WK2 accepts (WK1's is rescinded), then deleted through the API.
  const facts = (): StatisticsFact[] => {
    const [t1, t2, t3] = [task(1), task(2), task(3)];
    const r = (
      outcome: "created" | "accepted" | "rejected" | "timeout" | "canceled" | "rescinded",
      taskSid: string,
      w: number,
      m: number,
    ) => ({ type: "reservation", outcome, at: at(m), taskSid, workerSid: worker(w) }) as const;
    return [
      { type: "task.created", at: at(0), taskSid: t1, workflowSid: W1, channel: "voice", priority: 0 },
      { type: "task.queue-entered", at: at(0), taskSid: t1, queueSid: Q1 },
      { type: "task.queue-left", at: at(1), taskSid: t1, reason: "moved" },
      { type: "task.queue-entered", at: at(1), taskSid: t1, queueSid: queue(2) },
      { type: "task.queue-left", at: at(2), taskSid: t1, reason: "timeout" },
      { type: "task.workflow-timeout", at: at(2), taskSid: t1 },
      { type: "task.queue-entered", at: at(2), taskSid: t1, queueSid: queue(3) },
      r("created", t1, 1, 3),
      r("rejected", t1, 1, 3),
      r("created", t1, 2, 4),
      r("timeout", t1, 2, 6),
      r("created", t1, 3, 7),
      r("accepted", t1, 3, 7),
      { type: "task.status-changed", at: at(7), taskSid: t1, status: "assigned" },
      { type: "task.status-changed", at: at(9), taskSid: t1, status: "completed" },
      { type: "task.created", at: at(0), taskSid: t2, workflowSid: W1, channel: "voice", priority: 0 },
      { type: "task.queue-entered", at: at(0), taskSid: t2, queueSid: Q1 },
      r("created", t2, 1, 1),
      { type: "task.status-changed", at: at(2), taskSid: t2, status: "canceled" },
      r("canceled", t2, 1, 2),
      { type: "task.created", at: at(0), taskSid: t3, workflowSid: W1, channel: "voice", priority: 0 },
      { type: "task.queue-entered", at: at(0), taskSid: t3, queueSid: Q1 },
      r("created", t3, 1, 1),
      r("created", t3, 2, 1),
      r("accepted", t3, 2, 2),
      r("rescinded", t3, 1, 2),
      { type: "task.deleted", at: at(5), taskSid: t3, by: "api" },
      // The purge of a finished task counts nothing.
      { type: "task.deleted", at: at(9), taskSid: t1, by: "system" },
    ];
  };

  const zero = {
    tasks_created: 0,
    tasks_entered: 0,
    tasks_canceled: 0,
    tasks_completed: 0,
    tasks_deleted: 0,
    tasks_moved: 0,
    tasks_timed_out_in_workflow: 0,
    reservations_created: 0,
    reservations_accepted: 0,
    reservations_rejected: 0,
    reservations_timed_out: 0,
    reservations_canceled: 0,
    reservations_rescinded: 0,
  } satisfies Record<Counter, number>;
  const everything = {
    ...zero,
    tasks_created: 3,
    tasks_entered: 3,
    tasks_canceled: 1, // task 2
    tasks_completed: 1, // task 1
    tasks_deleted: 1, // task 3
    tasks_moved: 1, // task 1 out of Q1 (the timeout out of Q2 is not a move)
    tasks_timed_out_in_workflow: 1,
    reservations_created: 6, // 3 + 1 + 2
    reservations_accepted: 2, // tasks 1 and 3
    reservations_rejected: 1,
    reservations_timed_out: 1,
    reservations_canceled: 1,
    reservations_rescinded: 1,
  };

  it.each<[string, TaskScope, Record<Counter, number>]>([
    ["the workspace", { kind: "workspace" }, everything],
    ["the workflow", { kind: "workflow", sid: W1 }, everything],
    [
      "Q1 (all three entered; task 1 moved out; tasks 2 and 3 ended there)",
      { kind: "queue", sid: Q1 },
      {
        ...zero,
        tasks_entered: 3,
        tasks_moved: 1,
        tasks_canceled: 1,
        tasks_deleted: 1,
        reservations_created: 3,
        reservations_accepted: 1,
        reservations_canceled: 1,
        reservations_rescinded: 1,
      },
    ],
    ["Q2 (task 1 timed out of it: entered, not moved)", { kind: "queue", sid: queue(2) }, { ...zero, tasks_entered: 1 }],
    [
      "Q3 (task 1's last queue)",
      { kind: "queue", sid: queue(3) },
      {
        ...zero,
        tasks_entered: 1,
        tasks_completed: 1,
        reservations_created: 3,
        reservations_rejected: 1,
        reservations_timed_out: 1,
        reservations_accepted: 1,
      },
    ],
  ])("%s", (_name, scope, expected) => {
    const stats = statistics();
    for (const fact of facts()) stats.record(fact);
    expect(stats.cumulative(scope, LAST_15).counts).toEqual(expected);
  });

  it.each<[number, Record<string, number>]>([
    // WK1: offered tasks 1, 2, 3 → rejected 1, canceled with task 2, rescinded when WK2 took task 3.
    [
      1,
      {
        reservations_created: 3,
        reservations_accepted: 0,
        reservations_rejected: 1,
        reservations_timed_out: 0,
        reservations_canceled: 1,
        reservations_rescinded: 1,
      },
    ],
    [
      2,
      {
        reservations_created: 2,
        reservations_accepted: 1,
        reservations_rejected: 0,
        reservations_timed_out: 1,
        reservations_canceled: 0,
        reservations_rescinded: 0,
      },
    ],
    [
      3,
      {
        reservations_created: 1,
        reservations_accepted: 1,
        reservations_rejected: 0,
        reservations_timed_out: 0,
        reservations_canceled: 0,
        reservations_rescinded: 0,
      },
    ],
  ])("worker %i's reservations", (n, expected) => {
    const stats = statistics();
    for (const fact of facts()) stats.record(fact);
    expect(stats.workersCumulative({ kind: "workers", sids: [worker(n)] }, LAST_15).reservations).toEqual(expected);
  });

  it("ignores facts about tasks it never saw", () => {
    const stats = statistics();
    stats.record({ type: "reservation", outcome: "accepted", at: at(0), taskSid: task(9), workerSid: worker(1) });
    stats.record({ type: "task.status-changed", at: at(0), taskSid: task(9), status: "canceled" });
    expect(stats.cumulative({ kind: "workspace" }, LAST_15).counts).toEqual(zero);
  });
});

describe("windows", () => {
  // Tasks created at 10:00:59, 10:01:00, 10:01:30, 10:02:59 and 10:03:00: the minute buckets hold
  // 10:00 → 1, 10:01 → 2, 10:02 → 1, 10:03 → 1. A bucket counts when the minute it starts at is in [start, end).
  const created = [at(0, 59), at(1), at(1, 30), at(2, 59), at(3)];

  it.each<[string, number, number, number]>([
    ["10:01:00 – 10:03:00: the 10:01 and 10:02 buckets", at(1), at(3), 3],
    ["10:00:30 – 10:03:00: the 10:00 bucket starts before the window", at(0, 30), at(3), 3],
    ["10:00:00 – 10:03:00", at(0), at(3), 4],
    ["10:00:00 – 10:03:00.001: now the 10:03 bucket starts inside", at(0), at(3) + 1, 5],
    ["Minutes=2 at 10:03:30 → 10:01:30 – 10:03:30: 10:02 and 10:03", at(1, 30), at(3, 30), 2],
    ["an empty window", at(1), at(1), 0],
  ])("%s → %i", (_name, startMs, endMs, expected) => {
    const stats = statistics();
    created.forEach((createdAt, i) => enqueue(stats, task(i), { queueSid: Q1, createdAt }));
    expect(stats.cumulative({ kind: "workspace" }, { startMs, endMs }).counts.tasks_created).toBe(expected);
  });

  it("reports the window it was asked for", () => {
    const figures = statistics().cumulative({ kind: "workspace" }, { startMs: at(0, 30), endMs: at(15, 30) });
    expect(queueCumulativeBody(figures)).toMatchObject({ start_time: "2026-03-02T10:00:30Z", end_time: "2026-03-02T10:15:30Z" });
  });
});

describe("TaskChannel", () => {
  // voice: accepted after 10 s; chat: accepted after 50 s and one canceled after 5 s.
  function mixed(): TaskRouterStatistics {
    const stats = statistics();
    enqueue(stats, task(1), { queueSid: Q1, channel: "voice", createdAt: at(0) });
    accept(stats, task(1), worker(1), at(0, 10));
    enqueue(stats, task(2), { queueSid: Q1, channel: "chat", createdAt: at(0) });
    accept(stats, task(2), worker(2), at(0, 50));
    enqueue(stats, task(3), { queueSid: Q1, channel: "chat", createdAt: at(0) });
    stats.record({ type: "task.status-changed", at: at(0, 5), taskSid: task(3), status: "canceled" });
    return stats;
  }

  it.each<[string, string | undefined, object]>([
    [
      "every channel",
      undefined,
      { tasks_entered: 3, reservations_accepted: 2, tasks_canceled: 1, accepted: { avg: 30, min: 10, max: 50, total: 60 } },
    ],
    [
      "voice",
      "voice",
      { tasks_entered: 1, reservations_accepted: 1, tasks_canceled: 0, accepted: { avg: 10, min: 10, max: 10, total: 10 } },
    ],
    ["chat", "chat", { tasks_entered: 2, reservations_accepted: 1, tasks_canceled: 1, accepted: { avg: 50, min: 50, max: 50, total: 50 } }],
    [
      "a channel with no tasks",
      "sms",
      { tasks_entered: 0, reservations_accepted: 0, tasks_canceled: 0, accepted: { avg: 0, min: 0, max: 0, total: 0 } },
    ],
  ])("%s", (_name, channel, expected) => {
    const body = queueCumulativeBody(mixed().cumulative({ kind: "queue", sid: Q1 }, LAST_15, channel === undefined ? {} : { channel }));
    expect({
      tasks_entered: body.tasks_entered,
      reservations_accepted: body.reservations_accepted,
      tasks_canceled: body.tasks_canceled,
      accepted: body.wait_duration_until_accepted,
    }).toEqual(expected);
  });

  it("splits by wait time within the channel", () => {
    const [split] = mixed().cumulative({ kind: "queue", sid: Q1 }, LAST_15, { channel: "chat", splitByWaitTime: [20] }).splits;
    // chat: canceled after 5 s (below 20), accepted after 50 s (above).
    expect(split).toEqual({ threshold: 20, canceledBelow: 1, canceledAbove: 0, acceptedBelow: 0, acceptedAbove: 1 });
  });
});

describe("roll-up into hours and retention", () => {
  const DAY3 = T0 - 3 * DAY; // 2026-02-27T10:00:00Z

  /** Three days ago: accepted after 5 s at 10:05, after 50 s at 10:40, after 20 s at 11:20; then a task today. */
  function history(): TaskRouterStatistics {
    const stats = statistics();
    [
      [5, 5],
      [40, 50],
      [80, 20],
    ].forEach(([minute, wait], i) => {
      enqueue(stats, task(i + 1), { queueSid: Q1, createdAt: DAY3 + minute! * MINUTE });
      accept(stats, task(i + 1), worker(1), DAY3 + minute! * MINUTE + wait! * 1000);
    });
    enqueue(stats, task(9), { queueSid: Q1, createdAt: T0 }); // the first fact of a later hour rolls the old minutes up
    return stats;
  }

  it.each<[string, number, number, number]>([
    ["both hours", DAY3, DAY3 + 2 * HOUR, 3],
    ["the 10:00 hour", DAY3, DAY3 + HOUR, 2],
    // Rolled-up data resolves to the hour: the 10:00 hour starts before 10:30, so it is left out.
    ["from 10:30: only the 11:00 hour", DAY3 + 30 * MINUTE, DAY3 + 2 * HOUR, 1],
    ["today", T0, T0 + MINUTE, 1],
  ])("%s → %i tasks entered", (_name, startMs, endMs, expected) => {
    expect(history().cumulative({ kind: "queue", sid: Q1 }, { startMs, endMs }).counts.tasks_entered).toBe(expected);
  });

  it("keeps min, max, totals and the wait histogram exact through the roll-up", () => {
    const figures = history().cumulative(
      { kind: "queue", sid: Q1 },
      { startMs: DAY3, endMs: DAY3 + 2 * HOUR },
      { splitByWaitTime: [10, 30] },
    );
    // 5 + 50 + 20 = 75 s over 3 → 25.
    expect(figures.waits.wait_duration_until_accepted).toEqual({ count: 3, totalMs: 75_000, minMs: 5_000, maxMs: 50_000 });
    expect(figures.splits.map((s) => [s.threshold, s.acceptedBelow, s.acceptedAbove])).toEqual([
      [10, 1, 2],
      [30, 2, 1],
    ]);
  });

  it("drops buckets older than the retention", () => {
    const stats = statistics({ retentionMs: 30 * DAY });
    enqueue(stats, task(1), { queueSid: Q1, createdAt: T0 - 31 * DAY });
    enqueue(stats, task(2), { queueSid: Q1, createdAt: T0 });
    expect(stats.cumulative({ kind: "workspace" }, { startMs: T0 - 40 * DAY, endMs: T0 + MINUTE }).counts.tasks_created).toBe(1);
  });
});
