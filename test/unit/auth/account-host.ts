/**
 * The AccountDO's storage for unit tests: `node:sqlite` behind the same `{ sql, transactionSync }` host
 * `ctx.storage` gives the object, with the AccountDO's user, sign-in, plugin, desktop settings, session and
 * user-socket tables.
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { DESKTOP_SETTINGS_SCHEMA } from "../../../durable-objects/account/desktop-settings";
import { LOGIN_LIMITS_SCHEMA } from "../../../durable-objects/account/login-limits";
import { PLUGINS_SCHEMA } from "../../../durable-objects/account/plugins";
import { SESSIONS_SCHEMA } from "../../../durable-objects/account/sessions";
import { USER_SOCKETS_SCHEMA } from "../../../durable-objects/account/user-sockets";
import { USERS_SCHEMA } from "../../../durable-objects/account/users";

export function accountHost(): StoreHost {
  const db = new DatabaseSync(":memory:");
  db.exec(USERS_SCHEMA + LOGIN_LIMITS_SCHEMA + PLUGINS_SCHEMA + DESKTOP_SETTINGS_SCHEMA + SESSIONS_SCHEMA + USER_SOCKETS_SCHEMA);
  return {
    sql: {
      exec(query, ...bindings) {
        const statement = db.prepare(query);
        const rows =
          statement.columns().length > 0
            ? statement.all(...(bindings as SQLInputValue[]))
            : (statement.run(...(bindings as SQLInputValue[])), []);
        return { toArray: () => rows as Record<string, string | number | null>[] };
      },
    },
    transactionSync(fn) {
      db.exec("BEGIN");
      try {
        const result = fn();
        db.exec("COMMIT");
        return result;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
  };
}
