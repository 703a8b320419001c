/**
 * Shared by the statistics tests: a `node:sqlite` database standing in for the Router DO's
 * `ctx.storage.sql`, SIDs that read as what they are, and a clock in whole minutes of one day.
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { SqlExec } from "../../../durable-objects/kit/sql-host";
import { STATISTICS_SCHEMA, TaskRouterStatistics, type StatisticsOptions } from "../../../durable-objects/router/statistics";

/** An in-memory SQLite with the statistics tables, behind the same `{ exec }` the DO passes. */
export function sqlite(): SqlExec {
  const db = new DatabaseSync(":memory:");
  db.exec(STATISTICS_SCHEMA.sql);
  const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  return {
    exec(query, ...bindings) {
      let statement = statements.get(query);
      if (!statement) statements.set(query, (statement = db.prepare(query)));
      const rows = statement.all(...(bindings as SQLInputValue[]));
      return { toArray: () => rows as Record<string, string | number | null>[] };
    },
  };
}

export function statistics(options?: StatisticsOptions, sql: SqlExec = sqlite()): TaskRouterStatistics {
  return new TaskRouterStatistics(sql, options);
}

const sid = (prefix: string, n: number | string) => `${prefix}${String(n).padStart(32, "0")}`;
export const task = (n: number) => sid("WT", n);
export const queue = (n: number) => sid("WQ", n);
export const workflow = (n: number) => sid("WW", n);
export const worker = (n: number) => sid("WK", n);
export const activity = (n: number) => sid("WA", n);

/** 2026-03-02T10:00:00Z, a whole hour. */
export const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
/** T0 plus minutes and seconds. */
export const at = (minutes: number, seconds = 0) => T0 + minutes * 60_000 + seconds * 1000;

export interface Enqueue {
  readonly queueSid: string;
  readonly workflowSid?: string;
  readonly channel?: string;
  readonly priority?: number;
  readonly createdAt: number;
  /** When it entered the queue; defaults to creation. */
  readonly enteredAt?: number;
}

/** Records a task's creation and its entry into a queue, as the Router DO would. */
export function enqueue(stats: TaskRouterStatistics, taskSid: string, task: Enqueue): void {
  stats.record({
    type: "task.created",
    at: task.createdAt,
    taskSid,
    workflowSid: task.workflowSid ?? workflow(1),
    channel: task.channel ?? "voice",
    priority: task.priority ?? 0,
  });
  stats.record({ type: "task.queue-entered", at: task.enteredAt ?? task.createdAt, taskSid, queueSid: task.queueSid });
}

/** A reservation for the task is created and accepted at `acceptedAt`; the task becomes assigned. */
export function accept(stats: TaskRouterStatistics, taskSid: string, workerSid: string, acceptedAt: number): void {
  stats.record({ type: "reservation", outcome: "created", at: acceptedAt, taskSid, workerSid });
  stats.record({ type: "reservation", outcome: "accepted", at: acceptedAt, taskSid, workerSid });
  stats.record({ type: "task.status-changed", at: acceptedAt, taskSid, status: "assigned" });
}
