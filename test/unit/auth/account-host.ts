/**
 * The AccountDO's storage for unit tests: `node:sqlite` behind the same `{ sql, transactionSync }` host
 * `ctx.storage` gives the object, migrated by the AccountDO's own migrations (schema.ts), so a test sees
 * the tables a deployed object has.
 */
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { ACCOUNT_MIGRATIONS } from "../../../durable-objects/account/schema";
import { sqliteHost } from "../kit/sqlite-host";

export function accountHost(): StoreHost {
  const host = sqliteHost();
  applyMigrations(host, ACCOUNT_MIGRATIONS);
  return host;
}
