/**
 * The Router's statistics: the pure `TaskRouterStatistics` (task figures kept from facts, cumulative
 * buckets in `sb_stats_*`) plus the one real-time figure it does not keep — how many of the region's
 * workers are in each Activity — kept here as counters.
 *
 * Facts reach it only from a committed operation, inside that operation's transaction (router.ts), so
 * an eviction can neither lose nor double them: the buckets are stored with the change they count, and
 * what lives in memory (live tasks, Activity counts) is rebuilt from the rows on wake. Rebuilding reads
 * every stored task and worker once; fetches read counters and buckets only (statistics-figures.ts).
 */
import { rows, type StoreHost } from "../../kit/sql-host";
import { tasks } from "../store/task-store";
import { TaskRouterStatistics, type StatisticsOptions } from "../statistics";
import type { ActivityMove, Op } from "./router-operation";

export class RouterStatistics {
  readonly tasks: TaskRouterStatistics;
  private readonly workersIn = new Map<string, number>();

  private constructor(host: StoreHost, options: StatisticsOptions) {
    this.tasks = new TaskRouterStatistics(host.sql, options);
  }

  /** Nothing known yet: a Router whose storage holds no task and no worker. */
  static empty(host: StoreHost, options: StatisticsOptions = {}): RouterStatistics {
    return new RouterStatistics(host, options);
  }

  /** The live tasks and the Activity counts, from the stored rows (on wake, or after a failed operation). */
  static load(host: StoreHost, options: StatisticsOptions = {}): RouterStatistics {
    const statistics = new RouterStatistics(host, options);
    for (const row of tasks.where(host, "1 = 1 ORDER BY created_at, sid")) {
      statistics.tasks.loadTask({
        sid: row.sid,
        workflowSid: row.workflow_sid,
        queueSid: row.queue_sid,
        channel: row.task_channel_sid,
        priority: row.priority,
        status: row.status,
        createdAt: row.created_at,
        queueEnteredAt: row.queue_sid === null ? null : row.queue_entered_at,
      });
    }
    for (const { activity_sid, workers } of rows<{ activity_sid: string; workers: number }>(
      host,
      "SELECT activity_sid, COUNT(*) AS workers FROM sb_workers GROUP BY activity_sid",
    )) {
      statistics.workersIn.set(activity_sid, workers);
    }
    return statistics;
  }

  /** Records what a successful operation did. Call inside its transaction, after it succeeded. */
  record(op: Op): void {
    this.tasks.recordAll(op.facts);
    for (const move of op.activityMoves) this.move(move);
  }

  /** Workers in an Activity now. */
  workersInActivity(activitySid: string): number {
    return this.workersIn.get(activitySid) ?? 0;
  }

  private move({ from, to }: ActivityMove): void {
    if (from !== null) {
      const left = (this.workersIn.get(from) ?? 0) - 1;
      if (left > 0) this.workersIn.set(from, left);
      else this.workersIn.delete(from);
    }
    if (to !== null) this.workersIn.set(to, (this.workersIn.get(to) ?? 0) + 1);
  }
}
