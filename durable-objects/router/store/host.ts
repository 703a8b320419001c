/**
 * The narrow slice of Durable Object storage the Router's stores use: `sql.exec` with bound parameters
 * and `transactionSync`. `ctx.storage` satisfies it in workerd; a `node:sqlite` wrapper satisfies it in
 * plain Node, so every store and the whole router lifecycle run in unit tests without workerd.
 * Cursors are always read to arrays at once: nothing here holds one across an `await`.
 */
import type { MigrationHost, SqlValue } from "../../common/migrations";

export type StoreHost = MigrationHost & {
  /** Rows read or written by key during one operation (see {@link withRowCache}). */
  readonly rowCache?: Map<string, Record<string, SqlValue> | null>;
};

/**
 * The same storage for one operation, remembering rows by key: an operation that reads the same task
 * several times (routing, reservations, statistics) queries it once. Writes go to SQL as always and
 * update the cache; a new operation starts with an empty cache, so a rollback leaves nothing behind.
 */
export function withRowCache(host: StoreHost): StoreHost {
  return { sql: host.sql, transactionSync: (fn) => host.transactionSync(fn), rowCache: new Map() };
}
export type { SqlValue };

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
