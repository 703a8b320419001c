/**
 * One behavioural suite for the SQL host every store and kit part takes (durable-objects/kit/), run
 * against each implementation as hono runs `router/common.case.test.ts` against every router:
 * `node:sqlite` in test/unit/kit/sql-host.test.ts and a real Durable Object's storage in
 * test/workers/kit-sql-host.test.ts. What the stores rely on is checked here once: bound parameters,
 * `;`-separated DDL, transactions that roll back whole (nested ones as savepoints), and the timers
 * and outbox over them.
 */
import { describe, expect, it } from "vitest";
import { retryPolicy } from "../../../platform/backoff";
import { enqueue, Outbox, OUTBOX_TABLE, OUTBOX_TIMER, unsent } from "../../../durable-objects/kit/outbox";
import { first, rows, run, type StoreHost } from "../../../durable-objects/kit/sql-host";
import {
  clearDueTimers,
  clearTimer,
  dueTimers,
  earliestTimer,
  setTimer,
  timerDueAt,
  TIMERS_TABLE,
} from "../../../durable-objects/kit/timers";

/** Runs `fn` with a fresh host that has the kit's tables (a new database or a new object each time). */
export type WithHost = (fn: (host: StoreHost) => void | Promise<void>) => Promise<void>;

const prepare = (host: StoreHost) => {
  host.sql.exec(`${TIMERS_TABLE}\n${OUTBOX_TABLE}\nCREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER);`);
};

export function runSqlHostCases(name: string, withHost: WithHost): void {
  const each = (fn: (host: StoreHost) => void | Promise<void>) => () =>
    withHost(async (host) => {
      prepare(host);
      await fn(host);
    });

  describe(`SQL host: ${name}`, () => {
    it(
      "binds parameters and reads rows to arrays",
      each((host) => {
        run(host, "INSERT INTO t (k, v) VALUES (?, ?), (?, ?)", "a", 1, "b", 2);
        expect(rows<{ k: string; v: number }>(host, "SELECT k, v FROM t WHERE v >= ? ORDER BY k", 1)).toEqual([
          { k: "a", v: 1 },
          { k: "b", v: 2 },
        ]);
        expect(first(host, "SELECT k FROM t WHERE k = ?", "zz")).toBeUndefined();
      }),
    );

    it(
      "commits a transaction, and rolls back one that throws, whole",
      each((host) => {
        expect(host.transactionSync(() => (run(host, "INSERT INTO t (k, v) VALUES ('a', 1)"), 7))).toBe(7);
        expect(() =>
          host.transactionSync(() => {
            run(host, "INSERT INTO t (k, v) VALUES ('b', 2)");
            throw new Error("no");
          }),
        ).toThrow("no");
        expect(rows(host, "SELECT k FROM t ORDER BY k")).toEqual([{ k: "a" }]);
      }),
    );

    it(
      "rolls back a nested transaction alone when the outer one catches its error",
      each((host) => {
        host.transactionSync(() => {
          run(host, "INSERT INTO t (k, v) VALUES ('outer', 1)");
          try {
            host.transactionSync(() => {
              run(host, "INSERT INTO t (k, v) VALUES ('inner', 2)");
              throw new Error("inner");
            });
          } catch {
            // the outer one goes on
          }
        });
        expect(rows(host, "SELECT k FROM t ORDER BY k")).toEqual([{ k: "outer" }]);
      }),
    );

    it(
      "keeps timers by kind and SID: set moves, the earliest is the alarm, due ones come earliest first",
      each((host) => {
        setTimer(host, "reservation", "WR1", 300);
        setTimer(host, "ttl", "WT1", 200);
        setTimer(host, "reservation", "WR1", 100); // moved
        setTimer(host, "step", "", 250);
        expect(earliestTimer(host)).toBe(100);
        expect(timerDueAt(host, "reservation", "WR1")).toBe(100);
        expect(dueTimers(host, 250).map((t) => `${t.kind}:${t.sid}@${t.due_at}`)).toEqual([
          "reservation:WR1@100",
          "ttl:WT1@200",
          "step:@250",
        ]);
        clearTimer(host, "reservation", "WR1");
        clearDueTimers(host, "step", 250);
        expect(timerDueAt(host, "step", "")).toBeNull();
        expect(earliestTimer(host)).toBe(200);
        clearTimer(host, "ttl", "WT1");
        expect(earliestTimer(host)).toBeNull();
      }),
    );

    it(
      "drains an outbox topic in order, a batch at a time, and leaves other topics alone",
      each(async (host) => {
        for (const n of [1, 2, 3, 4, 5]) enqueue(host, "events", JSON.stringify({ n }));
        enqueue(host, "hooks", JSON.stringify({ n: 99 }));
        const sent: number[][] = [];
        const outbox = new Outbox(
          host,
          "events",
          async (batch) => {
            sent.push(batch.map((row) => (JSON.parse(row.body) as { n: number }).n));
            return Math.min(batch.length, 2); // the receiver takes two at a time
          },
          retryPolicy({ baseDelayMs: 1_000, maxDelayMs: 1_000 }),
          3,
        );
        expect(await outbox.drain()).toBe(true);
        expect(sent).toEqual([[1, 2, 3], [3, 4, 5], [5]]);
        expect(outbox.hasUnsent()).toBe(false);
        expect(unsent(host, "hooks", 10).map((row) => row.body)).toEqual(['{"n":99}']);
      }),
    );

    it(
      "keeps what a failed drain did not send, and sets the topic's retry timer; the guard sets it up front",
      each(async (host) => {
        enqueue(host, "events", "1");
        enqueue(host, "events", "2");
        let up = false;
        const outbox = new Outbox(
          host,
          "events",
          async () => {
            if (!up) throw new Error("unreachable");
            return 1;
          },
          retryPolicy({ baseDelayMs: 30_000, maxDelayMs: 30_000 }),
        );
        const before = Date.now();
        expect(await outbox.drain()).toBe(false);
        expect(unsent(host, "events", 10).map((row) => row.body)).toEqual(["1", "2"]);
        expect(timerDueAt(host, OUTBOX_TIMER, "events")).toBeGreaterThanOrEqual(before + 30_000);
        up = true;
        expect(await outbox.drain()).toBe(true);
        expect(timerDueAt(host, OUTBOX_TIMER, "events")).toBeNull();
        outbox.guard(host, 1_000);
        expect(timerDueAt(host, OUTBOX_TIMER, "events")).toBe(31_000);
      }),
    );
  });
}
