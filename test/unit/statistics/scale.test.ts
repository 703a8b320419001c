/**
 * A fetch must cost the same with 10,000 waiting tasks as with 100: it reads buckets and counters,
 * never the tasks. Measured as work done (rows read, entries visited), not time.
 */
import { describe, expect, it } from "vitest";
import type { TaskRouterStatistics, TaskScope } from "../../../durable-objects/router/statistics";
import { accept, at, enqueue, queue, statistics, task, worker, workflow } from "./helpers";

/**
 * `n` tasks created over 10 minutes (task i at minute i % 10), in 2 queues and 2 channels, with 3
 * priorities. The first 80 are accepted after 1–7 s; the rest — 20 or 9,920 — wait. The first 40
 * already cover every minute × queue × channel, so both populations fill the same buckets.
 */
function population(n: number): TaskRouterStatistics {
  const stats = statistics();
  for (let i = 0; i < n; i++) {
    enqueue(stats, task(i), {
      queueSid: queue(Math.floor(i / 10) % 2),
      workflowSid: workflow(1),
      channel: Math.floor(i / 20) % 2 === 0 ? "voice" : "chat",
      priority: i % 3,
      createdAt: at(i % 10, Math.floor(i / 100) % 50),
    });
    if (i < 80) accept(stats, task(i), worker(i % 5), at(i % 10, Math.floor(i / 100) % 50) + ((i % 7) + 1) * 1000);
  }
  return stats;
}

const SCOPES: TaskScope[] = [{ kind: "workspace" }, { kind: "queue", sid: queue(0) }, { kind: "workflow", sid: workflow(1) }];
const WINDOW = { startMs: at(0), endMs: at(15) };

/** Every fetch a dashboard makes, with and without a channel; returns the work it took. */
function fetchAll(stats: TaskRouterStatistics) {
  stats.meter.rowsRead = 0;
  stats.meter.entriesVisited = 0;
  for (const scope of SCOPES) {
    for (const channel of [undefined, "voice"]) {
      stats.realtime(scope, channel);
      stats.cumulative(scope, WINDOW, { splitByWaitTime: [5, 30], ...(channel ? { channel } : {}) });
    }
  }
  stats.workersCumulative({ kind: "all" }, WINDOW);
  return { ...stats.meter };
}

describe("fetch cost does not grow with the number of tasks", () => {
  // Fills 10,000 tasks: about 6 s on a loaded 2-core machine.
  it("10,000 waiting tasks cost what 100 do, and stay within the bucket bound", () => {
    const small = population(100);
    const large = population(10_000);
    expect(large.realtime({ kind: "workspace" }).tasksByStatus.pending).toBe(9_920);

    const smallWork = fetchAll(small);
    const largeWork = fetchAll(large);
    expect(largeWork).toEqual(smallWork);

    // Per cumulative fetch: at most 10 minutes × 2 channels bucket rows, plus wait histogram rows —
    // at most 10 minutes × 2 channels × 7 distinct waits. 6 cumulative fetches (3 scopes × 2), plus the
    // workers' (10 × 2 rows for reservations; no Activity stints).
    expect(largeWork.rowsRead).toBeLessThanOrEqual(6 * (10 * 2 + 10 * 2 * 7) + 10 * 2);
    // Per real-time fetch: 6 statuses + 3 priorities + 2 ordered-set heads.
    expect(largeWork.entriesVisited).toBeLessThanOrEqual(6 * (6 + 3 + 2));
  }, 20_000);
});
