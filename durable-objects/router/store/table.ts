/**
 * A typed table: one row type, its columns listed once, and the few statements every store needs
 * (save a whole row, get by key, select with a WHERE clause, delete). The SQL text is built once
 * from these constant column lists; values are always bound parameters. Within an operation a save is
 * held back (host.ts, `operationHost`), so a row saved three times is written once.
 */
import { first, rows, run, type SqlValue, type StoreHost } from "../../kit/sql-host";

export type Row = Record<string, SqlValue>;

export interface Table<R extends Row> {
  readonly name: string;
  /** `SELECT <columns> FROM <table>`, to which callers append their WHERE / ORDER BY. */
  readonly select: string;
  /** Inserts the row, or replaces the row with the same key. */
  save(host: StoreHost, row: R): void;
  get(host: StoreHost, key: string): R | undefined;
  where(host: StoreHost, clause: string, ...bindings: SqlValue[]): R[];
  delete(host: StoreHost, key: string): void;
}

export function table<R extends Row>(name: string, columns: readonly (keyof R & string)[], key: keyof R & string): Table<R> {
  const select = `SELECT ${columns.join(", ")} FROM ${name}`;
  const save = `INSERT OR REPLACE INTO ${name} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
  return {
    name,
    select,
    save: (host, row) => {
      const values = columns.map((column) => row[column] ?? null);
      const cacheKey = `${name}:${row[key]}`;
      // In an operation, a row saved again before anything reads its table is written once.
      if (host.held) host.held.set(cacheKey, { table: name, write: (sql) => sql.exec(save, ...values).toArray() });
      else run(host, save, ...values);
      host.rowCache?.set(cacheKey, { ...row });
    },
    get: (host, value) => {
      const cacheKey = `${name}:${value}`;
      const cached = host.rowCache?.get(cacheKey);
      if (cached !== undefined) return cached === null ? undefined : ({ ...cached } as R);
      const found = first<R>(host, `${select} WHERE ${key} = ?`, value);
      host.rowCache?.set(cacheKey, found ? { ...found } : null);
      return found;
    },
    where: (host, clause, ...bindings) => rows<R>(host, `${select} WHERE ${clause}`, ...bindings),
    delete: (host, value) => {
      run(host, `DELETE FROM ${name} WHERE ${key} = ?`, value);
      host.rowCache?.set(`${name}:${value}`, null);
    },
  };
}
