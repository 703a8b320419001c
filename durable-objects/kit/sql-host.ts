/**
 * The SQL host: the narrow slice of Durable Object storage every store and shared part takes —
 * `sql.exec` with bound parameters and `transactionSync` — instead of the Durable Object. `ctx.storage`
 * satisfies it in workerd; a `node:sqlite` wrapper satisfies it in plain Node, so every store, every
 * part of this folder and each object's pure core run in unit tests without workerd (one behavioural
 * suite, test/unit/kit/sql-host.case.ts, runs against both). Cursors are always read to arrays at
 * once: nothing here holds one across an `await`.
 *
 * @example
 * const host: StoreHost = ctx.storage;
 * const open = rows<{ sid: string }>(host, "SELECT sid FROM sb_tasks WHERE status = ?", "pending");
 */

import type { ApiFailure } from "../common/rpc";

export type SqlValue = string | number | null | ArrayBuffer;

/** The slice of `SqlStorage` a store needs. */
export interface SqlExec {
  exec(query: string, ...bindings: SqlValue[]): { toArray(): Record<string, SqlValue>[] };
}

/** A write an operation holds back (see {@link operationHost}): it touches `table` and runs once. */
export interface HeldWrite {
  readonly table: string;
  write(sql: SqlExec): void;
}

/** The slice of `DurableObjectStorage` a store needs. */
export interface StoreHost {
  readonly sql: SqlExec;
  transactionSync<T>(fn: () => T): T;
  /** Rows read or written by key during one operation (see {@link operationHost}). */
  readonly rowCache?: Map<string, Record<string, SqlValue> | null>;
  /** Writes held back until the operation ends, by key: a later write of the same key replaces the earlier. */
  readonly held?: Map<string, HeldWrite>;
}

/** The storage of one operation (see {@link operationHost}); `flush` runs the writes it still holds. */
export type OperationHost = StoreHost & Required<Pick<StoreHost, "rowCache" | "held">> & { flush(): void };

/**
 * The same storage for one operation, remembering rows by key and holding writes back: an operation
 * that reads the same task several times (routing, reservations, statistics) queries it once, and one
 * that saves it several times (created, entered a queue, reserved) writes it once; the events it
 * records go in as one statement. A held write runs before the first statement that names its table,
 * and the rest when the operation ends (`flush`, inside its transaction), so every query sees what the
 * operation wrote. A new operation starts empty, so a rollback leaves nothing behind.
 */
export function operationHost(host: StoreHost): OperationHost {
  const held = new Map<string, HeldWrite>();
  const release = (query: string | null) => {
    for (const [key, write] of held) {
      if (query !== null && !query.includes(write.table)) continue;
      held.delete(key);
      write.write(host.sql);
    }
  };
  const sql: SqlExec = {
    exec(query, ...bindings) {
      if (held.size > 0) release(query);
      return host.sql.exec(query, ...bindings);
    },
  };
  return { sql, transactionSync: (fn) => host.transactionSync(fn), rowCache: new Map(), held, flush: () => release(null) };
}

/** Every row a query returns, typed by the caller (columns are as the schema declares them). */
export function rows<T>(host: StoreHost, query: string, ...bindings: SqlValue[]): T[] {
  return host.sql.exec(query, ...bindings).toArray() as unknown as T[];
}

/** The first row a query returns, or undefined. */
export function first<T>(host: StoreHost, query: string, ...bindings: SqlValue[]): T | undefined {
  return rows<T>(host, query, ...bindings)[0];
}

/** Runs a statement to completion. */
export function run(host: StoreHost, query: string, ...bindings: SqlValue[]): void {
  host.sql.exec(query, ...bindings).toArray();
}

/** SQLite has no booleans: 1 and 0. */
export const bit = (value: boolean): number => (value ? 1 : 0);

/** Thrown inside `transactionSync` to roll back an operation whose result is a failure; the caller returns `failure`. */
export class Rollback extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
  }
}
