/**
 * The AccountDO's storage for unit tests: `node:sqlite` behind the same `{ sql, transactionSync }` host
 * `ctx.storage` gives the object, with the AccountDO's user, sign-in, plugin, desktop settings, session and
 * user-socket tables.
 */
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { sqliteHost } from "../kit/sqlite-host";
import { DESKTOP_SETTINGS_SCHEMA } from "../../../durable-objects/account/desktop-settings";
import { LOGIN_LIMITS_SCHEMA } from "../../../durable-objects/account/login-limits";
import { PLUGINS_SCHEMA } from "../../../durable-objects/account/plugins";
import { SESSIONS_SCHEMA } from "../../../durable-objects/account/sessions";
import { USER_SOCKETS_SCHEMA } from "../../../durable-objects/account/user-sockets";
import { USERS_SCHEMA } from "../../../durable-objects/account/users";

export function accountHost(): StoreHost {
  const host = sqliteHost();
  host.sql.exec(USERS_SCHEMA + LOGIN_LIMITS_SCHEMA + PLUGINS_SCHEMA + DESKTOP_SETTINGS_SCHEMA + SESSIONS_SCHEMA + USER_SOCKETS_SCHEMA);
  return host;
}
