/**
 * A `node:sqlite` database behind the same narrow host the Router's stores take in workerd
 * (`{ sql.exec, transactionSync }`), so the whole router lifecycle runs in plain Node. Nested
 * transactions use savepoints, as Durable Object storage does.
 */
import { DatabaseSync } from "node:sqlite";
import type { SqlValue, StoreHost } from "../../../durable-objects/kit/sql-host";

export function sqliteHost(): StoreHost {
  const db = new DatabaseSync(":memory:");
  let depth = 0;
  return {
    sql: {
      exec(query: string, ...bindings: SqlValue[]) {
        if (bindings.length === 0 && query.trim().replace(/;\s*$/, "").includes(";")) {
          db.exec(query);
          return { toArray: () => [] };
        }
        const found = db.prepare(query).all(...(bindings as (string | number | null)[]));
        return { toArray: () => found.map((row) => ({ ...row }) as Record<string, SqlValue>) };
      },
    },
    transactionSync<T>(fn: () => T): T {
      const name = `sp${depth++}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = fn();
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
        throw error;
      } finally {
        depth--;
      }
    },
  };
}
