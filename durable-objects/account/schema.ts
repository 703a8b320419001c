/**
 * The AccountDO's tables, each declared by the module that reads and writes it. Append-only: never
 * edit or renumber a shipped migration.
 */
import type { Migration } from "../kit/migrations";
import { TIMERS_TABLE } from "../kit/timers";
import { API_KEYS_SCHEMA } from "./api-key-store";
import { DESKTOP_SETTINGS_SCHEMA } from "./desktop-settings";
import { LOGIN_LIMITS_SCHEMA } from "./login-limits";
import { PLUGINS_SCHEMA } from "./plugins";
import { SESSIONS_SCHEMA } from "./sessions";
import { USER_SOCKETS_SCHEMA } from "./user-sockets";
import { USERS_SCHEMA } from "./users";
import { WORKSPACES_SCHEMA } from "./workspace-directory";

export const ACCOUNT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "workspace directory and API keys",
    sql: WORKSPACES_SCHEMA + API_KEYS_SCHEMA,
  },
  {
    version: 2,
    // NULL for keys created before it (or without an auth token): they cannot sign AccessTokens.
    name: "sealed API key secrets, to check AccessTokens signed with a key",
    sql: `ALTER TABLE api_keys ADD COLUMN secret_sealed BLOB;`,
  },
  {
    version: 3,
    name: "users, sign-in failures and plugin registrations",
    sql: USERS_SCHEMA + LOGIN_LIMITS_SCHEMA + PLUGINS_SCHEMA,
  },
  {
    version: 4,
    name: "agent desktop settings per workspace",
    sql: DESKTOP_SETTINGS_SCHEMA,
  },
  {
    version: 5,
    name: "sign-in sessions, where users' sockets are open, and notices of changes to them",
    sql: SESSIONS_SCHEMA + USER_SOCKETS_SCHEMA,
  },
  {
    version: 6,
    // The alarm is set from sb_timers, as in the other objects; a notice still waiting keeps its due time.
    name: "notices' due times in the kit's timers table",
    sql: `${TIMERS_TABLE}
INSERT INTO sb_timers (kind, sid, due_at) SELECT 'notice', user_sid, due_at FROM sb_user_notices;
ALTER TABLE sb_user_notices DROP COLUMN due_at;`,
  },
];
