/**
 * What the hot path costs in SQL: the statements a task's creation runs, pinned, so a change that adds
 * one does it on purpose. Inside a Durable Object each statement costs a real share of a request (a
 * write alone is about a sixth of a no-op round trip), so an operation holds its writes back
 * (durable-objects/kit/sql-host.ts, `operationHost`): a row saved several times is written once, its events go in
 * together, and its statistics are one upsert per bucket changed. Counted with a node:sqlite host that logs
 * every statement.
 */
import { describe, expect, it } from "vitest";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { Router } from "../../../durable-objects/router/lifecycle/router";
import { insertEvent, listEvents } from "../../../durable-objects/router/store/event-store";
import { operationHost, type SqlValue, type StoreHost } from "../../../durable-objects/kit/sql-host";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import type { EventRecord } from "../../../contract/taskrouter";
import { ACCOUNT, AVAILABLE, OFFLINE, snapshot, value } from "../../workers/router-fixtures";
import { sqliteHost } from "../kit/sqlite-host";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function counted() {
  const inner = sqliteHost();
  const statements: string[] = [];
  const host: StoreHost = {
    sql: {
      exec(query: string, ...bindings: SqlValue[]) {
        statements.push(query.replace(/\s+/g, " ").trim());
        return inner.sql.exec(query, ...bindings);
      },
    },
    transactionSync: (fn) => inner.transactionSync(fn),
  };
  applyMigrations(host, ROUTER_MIGRATIONS);
  const router = new Router(host);
  router.load(T0);
  value(router.applyConfig(snapshot(), [], {}, T0));
  // The statistics' hourly upkeep runs on the first change of each hour; this one takes it.
  value(router.createTask(ACCOUNT, { attributes: "{}" }, T0));
  /** The statements `fn` runs, each as its first words (verb and table). */
  const during = (fn: () => void): string[] => {
    statements.length = 0;
    fn();
    return statements.map((s) => {
      const write = /^(INSERT OR REPLACE INTO|INSERT INTO|UPDATE|DELETE FROM) (\S+)/.exec(s);
      return write ? `${write[1]} ${write[2]}` : `SELECT ${/ FROM (\S+)/.exec(s)![1]}`;
    });
  };
  return { router, during };
}

describe("statements per task creation", () => {
  it("created and reserved: 12 (it was 24 before writes were held back)", () => {
    const { router, during } = counted();
    value(router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' }, T0));
    value(router.createWorker(ACCOUNT, { friendlyName: "Bob", activitySid: AVAILABLE, attributes: '{"skills":["support"]}' }, T0));
    let status = "";
    const statements = during(() => {
      status = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0 + 1000)).task.assignment_status;
    });
    expect(status).toBe("reserved");
    expect(statements.sort()).toEqual(
      [
        "INSERT OR REPLACE INTO sb_timers", // the TTL
        "SELECT sb_workers", // the reserved worker's name
        "INSERT OR REPLACE INTO sb_timers", // the reservation's timeout
        "UPDATE sb_workers", // idle since
        "UPDATE sb_worker_channels", // last assigned
        "INSERT OR REPLACE INTO sb_reservations",
        "INSERT OR REPLACE INTO sb_tasks", // saved four times: created, entered the queue, reserved — written once
        "INSERT INTO sb_events", // task.created, workflow.entered, workflow.target-matched, task-queue.entered, reservation.created
        // seven bucket changes in four buckets, one statement each: workspace, workflow, queue, worker
        ...Array<string>(4).fill("INSERT INTO sb_stats_buckets"),
      ].sort(),
    );
  });

  it("created with nobody ready: 7", () => {
    const { router, during } = counted();
    value(router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: OFFLINE, attributes: '{"skills":["support"]}' }, T0));
    const statements = during(() => {
      expect(value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0 + 1000)).task.assignment_status).toBe("pending");
    });
    expect(statements.sort()).toEqual(
      [
        "INSERT OR REPLACE INTO sb_timers", // the TTL
        "SELECT sb_reservations", // still pending: it has no open reservation
        "INSERT OR REPLACE INTO sb_tasks", // created, entered the queue: written once
        "INSERT INTO sb_events", // task.created, workflow.entered, workflow.target-matched, task-queue.entered
        ...Array<string>(3).fill("INSERT INTO sb_stats_buckets"), // workspace, workflow, queue
      ].sort(),
    );
  });
});

describe("an operation's events", () => {
  it("go in ten a statement, in the order recorded", () => {
    const host = sqliteHost();
    applyMigrations(host, ROUTER_MIGRATIONS);
    const operation = operationHost(host);
    const event = (n: number) =>
      ({ sid: `EV${String(n).padStart(32, "0")}`, event_date_ms: T0, event_type: "task.created" }) as EventRecord;
    for (let n = 0; n < 23; n++) insertEvent(operation, event(n), { taskSid: "WT1" });
    expect(listEvents(host, { startMs: T0, endMs: T0 }, { limit: 50, offset: 0, pageSize: 50 })).toEqual([]);
    // A query that names the table sees them: they are written first.
    const listed = listEvents(operation, { startMs: T0, endMs: T0, taskSid: "WT1" }, { limit: 50, offset: 0, pageSize: 50 });
    expect(listed.map((e) => e.sid)).toEqual(Array.from({ length: 23 }, (_, i) => event(22 - i).sid)); // newest (last recorded) first
    operation.flush();
    expect(listEvents(host, { startMs: T0, endMs: T0 }, { limit: 50, offset: 0, pageSize: 50 })).toHaveLength(23);
  });
});
