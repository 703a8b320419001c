/**
 * After an eviction the Router DO builds a new TaskRouterStatistics over the same SQLite and hands it
 * its live tasks: every figure must come out as before, and both must carry on identically.
 */
import { describe, expect, it } from "vitest";
import { TaskRouterStatistics, type LiveTask, type StatisticsFact, type TaskScope } from "../../../durable-objects/router/statistics";
import { accept, activity, at, enqueue, queue, sqlite, statistics, task, worker, workflow } from "./helpers";

const SCOPES: TaskScope[] = [
  { kind: "workspace" },
  { kind: "queue", sid: queue(1) },
  { kind: "queue", sid: queue(2) },
  { kind: "workflow", sid: workflow(1) },
  { kind: "workflow", sid: workflow(2) },
];
const WINDOW = { startMs: at(-5), endMs: at(15) };

/** A few minutes of a contact center: waits, cancellations, moves, priorities, two channels, Activity stints. */
function busyMinutes(stats: TaskRouterStatistics): void {
  enqueue(stats, task(1), { queueSid: queue(1), createdAt: at(0), enteredAt: at(0, 3) });
  enqueue(stats, task(2), { queueSid: queue(1), channel: "chat", priority: 7, createdAt: at(0, 20) });
  enqueue(stats, task(3), { queueSid: queue(2), workflowSid: workflow(2), createdAt: at(1) });
  enqueue(stats, task(4), { queueSid: queue(2), createdAt: at(1, 30) });
  accept(stats, task(1), worker(1), at(0, 40));
  stats.record({ type: "task.status-changed", at: at(2), taskSid: task(3), status: "canceled" });
  stats.record({ type: "task.queue-left", at: at(3), taskSid: task(4), reason: "moved" });
  stats.record({ type: "task.queue-entered", at: at(3), taskSid: task(4), queueSid: queue(1) });
  stats.record({ type: "reservation", outcome: "created", at: at(4), taskSid: task(2), workerSid: worker(2) });
  stats.record({ type: "task.status-changed", at: at(4), taskSid: task(2), status: "reserved" });
  stats.record({
    type: "worker.activity-ended",
    at: at(5),
    workerSid: worker(1),
    activitySid: activity(1),
    since: at(-60),
    queueSids: [queue(1)],
  });
}

function everything(stats: TaskRouterStatistics) {
  return {
    realtime: SCOPES.flatMap((scope) => [undefined, "voice", "chat"].map((channel) => stats.realtime(scope, channel))),
    cumulative: SCOPES.flatMap((scope) =>
      [undefined, "voice", "chat"].map((channel) =>
        stats.cumulative(scope, WINDOW, { splitByWaitTime: [10, 60], ...(channel ? { channel } : {}) }),
      ),
    ),
    workers: [
      stats.workersCumulative({ kind: "all" }, WINDOW),
      stats.workersCumulative({ kind: "queue", sid: queue(1) }, WINDOW),
      stats.workersCumulative({ kind: "workers", sids: [worker(1), worker(2)] }, WINDOW),
    ],
  };
}

function restored(sql: ReturnType<typeof sqlite>, tasks: readonly LiveTask[]): TaskRouterStatistics {
  const stats = new TaskRouterStatistics(sql);
  for (const t of tasks) stats.loadTask(t);
  return stats;
}

describe("rebuilding after an eviction", () => {
  it("gives identical figures, and carries on identically", () => {
    // `uninterrupted` never stops; the other instance, on its own database, is evicted after busyMinutes.
    const uninterrupted = statistics();
    busyMinutes(uninterrupted);
    const sql = sqlite();
    const evicted = statistics({}, sql);
    busyMinutes(evicted);
    const after = restored(sql, evicted.liveTasks());
    expect(everything(after)).toEqual(everything(uninterrupted));

    const next: StatisticsFact[] = [
      { type: "reservation", outcome: "accepted", at: at(6), taskSid: task(2), workerSid: worker(2) },
      { type: "task.status-changed", at: at(6), taskSid: task(2), status: "assigned" },
      { type: "task.status-changed", at: at(7), taskSid: task(4), status: "canceled" },
      { type: "task.deleted", at: at(8), taskSid: task(3), by: "system" },
    ];
    for (const fact of next) {
      uninterrupted.record(fact);
      after.record(fact);
    }
    expect(everything(after)).toEqual(everything(uninterrupted));
    // Task 4 was canceled in Q1, where its move had put it before the eviction.
    expect(after.cumulative({ kind: "queue", sid: queue(1) }, WINDOW).counts.tasks_canceled).toBe(1);
  });

  it("takes the live tasks as the Router DO stores them", () => {
    const before = statistics();
    busyMinutes(before);
    // Task 4 as a row of the DO's task table would give it: moved to Q1 at 10:03.
    const row: LiveTask = {
      sid: task(4),
      workflowSid: workflow(1),
      queueSid: queue(1),
      channel: "voice",
      priority: 0,
      status: "pending",
      createdAt: at(1, 30),
      queueEnteredAt: at(3),
    };
    expect(before.liveTasks().find((t) => t.sid === task(4))).toEqual(row);
  });

  it("keeps cumulative figures in SQLite: without the live tasks only the real-time ones are empty", () => {
    const sql = sqlite();
    const before = statistics({}, sql);
    busyMinutes(before);
    const bare = new TaskRouterStatistics(sql);
    expect(bare.realtime({ kind: "workspace" }).totalTasks).toBe(0);
    expect(everything(bare).cumulative).toEqual(everything(before).cumulative);
  });
});
