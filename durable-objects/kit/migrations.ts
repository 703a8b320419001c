/**
 * Schema migrations for the SQLite storage of every Durable Object class.
 *
 * SQLite-backed Durable Objects do not support `PRAGMA user_version`, so each object records the
 * migrations it has applied in its own `sb_migrations` table. A class lists its migrations in order
 * and calls {@link applyMigrations} from its constructor inside `ctx.blockConcurrencyWhile()`, so no
 * request ever sees a half-migrated schema. Each migration runs in its own synchronous transaction:
 * it either lands completely, together with its `sb_migrations` row, or not at all.
 *
 * Pure: it takes the narrow SQL host (sql-host.ts) instead of the Durable Object.
 */
import type { StoreHost } from "./sql-host";

export interface Migration {
  /** 1, 2, 3, …: strictly increasing, never renumbered or edited once shipped. */
  readonly version: number;
  /** Short description kept in `sb_migrations` for whoever inspects a live object. */
  readonly name: string;
  /** One or more `;`-separated DDL/DML statements, with no bound parameters. */
  readonly sql: string;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS sb_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/** Rejects a migration list that would apply in a surprising order; this is a programming error. */
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (!Number.isInteger(migration.version) || migration.version !== index + 1) {
      throw new Error(`migration "${migration.name}" has version ${migration.version}; versions must be 1, 2, 3, … in list order`);
    }
  });
}

/** The highest migration version recorded in this object's storage (0 for a new object). */
export function schemaVersion(host: Pick<StoreHost, "sql">): number {
  host.sql.exec(CREATE_TABLE);
  const [row] = host.sql.exec("SELECT coalesce(max(version), 0) AS version FROM sb_migrations").toArray();
  return Number(row?.version ?? 0);
}

/**
 * Applies every migration newer than the object's recorded version, in order.
 *
 * @returns the schema version after migrating.
 * @example
 * ctx.blockConcurrencyWhile(async () => {
 *   this.schemaVersion = applyMigrations(ctx.storage, MIGRATIONS);
 * });
 */
export function applyMigrations(host: StoreHost, migrations: readonly Migration[], now: () => number = Date.now): number {
  assertOrdered(migrations);
  let version = schemaVersion(host);
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    host.transactionSync(() => {
      host.sql.exec(migration.sql);
      host.sql.exec("INSERT INTO sb_migrations (version, name, applied_at) VALUES (?, ?, ?)", migration.version, migration.name, now());
    });
    version = migration.version;
  }
  return version;
}
