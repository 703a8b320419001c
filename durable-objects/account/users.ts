/**
 * The people who sign in to the agent desktop: their records and the rules a record must keep. Pure
 * logic over the AccountDO's storage (`{ sql, transactionSync }`), so it runs the same in workerd and
 * on `node:sqlite` in a unit test. Passwords arrive here already hashed (passwords.ts);
 * no record that leaves this module carries the hash — only `has_password`.
 *
 * Roles: an **agent** works tasks as one TaskRouter worker of one workspace (both required); a
 * **supervisor** watches one workspace and may also be a worker in it; an **admin** manages the whole
 * account (workspace optional: the one the desktop opens first). Whether the worker exists is checked by
 * the Worker through the Router before it calls here: this object cannot see the Router's storage.
 */
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { iso } from "../../contract/taskrouter";
import { isSid, newSid } from "../../contract/ids";
import type { StoreHost, SqlValue } from "../kit/sql-host";
import { pageOfRows } from "../kit/paging";

export const USER_ROLES = ["agent", "supervisor", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const MAX_EMAIL_LENGTH = 254;
export const MAX_USER_NAME_LENGTH = 128;

/** A user as the API shows it: never the password hash. */
export interface UserRecord {
  sid: string;
  email: string;
  friendly_name: string;
  role: UserRole;
  workspace_sid: string | null;
  worker_sid: string | null;
  has_password: boolean;
  disabled: boolean;
  date_created: string;
  date_updated: string;
}

/** A stored row, hash included: only the AccountDO sees this. */
export interface UserRow {
  sid: string;
  email: string;
  friendly_name: string;
  role: UserRole;
  workspace_sid: string | null;
  worker_sid: string | null;
  password_hash: string | null;
  disabled: number;
  date_created: number;
  date_updated: number;
}

export interface UserInput {
  email: string;
  friendlyName?: string;
  role: UserRole;
  workspaceSid?: string | null;
  workerSid?: string | null;
  disabled?: boolean;
}

/** What an update may change; `undefined` keeps the field, `null` clears workspace or worker. */
export interface UserChanges {
  email?: string;
  friendlyName?: string;
  role?: UserRole;
  workspaceSid?: string | null;
  workerSid?: string | null;
  disabled?: boolean;
}

/** The tables of migration 3 of the AccountDO (see account-do.ts). */
export const USERS_SCHEMA = `
CREATE TABLE users (
  sid           TEXT    PRIMARY KEY,
  email         TEXT    NOT NULL UNIQUE,
  friendly_name TEXT    NOT NULL,
  role          TEXT    NOT NULL,
  workspace_sid TEXT,
  worker_sid    TEXT,
  password_hash TEXT,
  disabled      INTEGER NOT NULL DEFAULT 0,
  date_created  INTEGER NOT NULL,
  date_updated  INTEGER NOT NULL
);
CREATE INDEX users_by_workspace ON users (workspace_sid, date_created, sid);`;

const COLUMNS = "sid, email, friendly_name, role, workspace_sid, worker_sid, password_hash, disabled, date_created, date_updated";

const rowsOf = (host: StoreHost, query: string, ...bindings: SqlValue[]) =>
  host.sql.exec(query, ...bindings).toArray() as unknown as UserRow[];

/** Emails are compared lower-cased and trimmed: `Ada@Example.com ` signs in as ada@example.com. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const userRecord = (row: UserRow): UserRecord => ({
  sid: row.sid,
  email: row.email,
  friendly_name: row.friendly_name,
  role: row.role,
  workspace_sid: row.workspace_sid,
  worker_sid: row.worker_sid,
  has_password: row.password_hash !== null,
  disabled: row.disabled === 1,
  date_created: iso(row.date_created),
  date_updated: iso(row.date_updated),
});

function checkEmail(email: string): ApiResult<string> {
  const normalized = normalizeEmail(email);
  if (normalized.length > MAX_EMAIL_LENGTH) return invalid("Email", `must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalized)) return invalid("Email", "must be an email address, e.g. ada@example.com");
  return ok(normalized);
}

/**
 * The role's rules: an agent needs a workspace and a worker; a supervisor a workspace; a worker always
 * comes with its workspace.
 * @example checkRoleShape("agent", "WS…", null) // invalid WorkerSid: an agent is linked to a TaskRouter worker
 */
export function checkRoleShape(role: UserRole, workspaceSid: string | null, workerSid: string | null): ApiResult<null> {
  if (!(USER_ROLES as readonly string[]).includes(role)) return invalid("Role", `must be one of ${USER_ROLES.join(", ")}`);
  if (workspaceSid !== null && !isSid("WS", workspaceSid)) return invalid("WorkspaceSid", "must be a WS SID");
  if (workerSid !== null && !isSid("WK", workerSid)) return invalid("WorkerSid", "must be a WK SID");
  if (role !== "admin" && workspaceSid === null) return invalid("WorkspaceSid", `a ${role} belongs to one workspace`);
  if (role === "agent" && workerSid === null) return invalid("WorkerSid", "an agent is linked to a TaskRouter worker");
  if (workerSid !== null && workspaceSid === null) return invalid("WorkspaceSid", "a worker belongs to a workspace: name it too");
  return ok(null);
}

const taken = (email: string) => fail(409, 20409, `A user with email ${email} already exists`);

/**
 * Creates a user; `passwordHash` null for a user who signs in only through SSO.
 * @example createUser(host, { email: "ada@example.com", role: "agent", workspaceSid: "WS…", workerSid: "WK…" }, hash, Date.now())
 */
export function createUser(host: StoreHost, input: UserInput, passwordHash: string | null, now: number): ApiResult<UserRecord> {
  const email = checkEmail(input.email);
  if (!email.ok) return email;
  const friendlyName = input.friendlyName ?? email.value;
  if (friendlyName.length > MAX_USER_NAME_LENGTH) return invalid("FriendlyName", `must be at most ${MAX_USER_NAME_LENGTH} characters`);
  const row: UserRow = {
    sid: newSid("US"),
    email: email.value,
    friendly_name: friendlyName,
    role: input.role,
    workspace_sid: input.workspaceSid ?? null,
    worker_sid: input.workerSid ?? null,
    password_hash: passwordHash,
    disabled: input.disabled ? 1 : 0,
    date_created: now,
    date_updated: now,
  };
  const shape = checkRoleShape(row.role, row.workspace_sid, row.worker_sid);
  if (!shape.ok) return shape;
  if (userRowByEmail(host, row.email)) return taken(row.email);
  host.sql
    .exec(
      `INSERT INTO users (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.sid,
      row.email,
      row.friendly_name,
      row.role,
      row.workspace_sid,
      row.worker_sid,
      row.password_hash,
      row.disabled,
      row.date_created,
      row.date_updated,
    )
    .toArray();
  return ok(userRecord(row));
}

export function userRow(host: StoreHost, sid: string): UserRow | undefined {
  return rowsOf(host, `SELECT ${COLUMNS} FROM users WHERE sid = ?`, sid)[0];
}

export function userRowByEmail(host: StoreHost, email: string): UserRow | undefined {
  return rowsOf(host, `SELECT ${COLUMNS} FROM users WHERE email = ?`, normalizeEmail(email))[0];
}

export function getUser(host: StoreHost, sid: string): ApiResult<UserRecord> {
  const row = userRow(host, sid);
  return row ? ok(userRecord(row)) : notFound("User", sid);
}

export interface UserFilters {
  readonly workspaceSid?: string;
  readonly role?: UserRole;
}

/** Users oldest first, optionally of one workspace and one role. */
export function listUsers(host: StoreHost, filters: UserFilters, page: PageRequest): ApiResult<Page<UserRecord>> {
  const rows = rowsOf(
    host,
    `SELECT ${COLUMNS} FROM users WHERE (?1 IS NULL OR workspace_sid = ?1) AND (?2 IS NULL OR role = ?2) ORDER BY date_created, sid`,
    filters.workspaceSid ?? null,
    filters.role ?? null,
  );
  return pageOfRows(rows, page, userRecord);
}

/**
 * Applies changes, keeping the role's rules over the merged record; `passwordHash` undefined keeps the
 * password, a string replaces it.
 */
export function updateUser(
  host: StoreHost,
  sid: string,
  changes: UserChanges,
  passwordHash: string | undefined,
  now: number,
): ApiResult<UserRecord> {
  const row = userRow(host, sid);
  if (!row) return notFound("User", sid);
  let email = row.email;
  if (changes.email !== undefined) {
    const checked = checkEmail(changes.email);
    if (!checked.ok) return checked;
    email = checked.value;
    const other = userRowByEmail(host, email);
    if (other && other.sid !== sid) return taken(email);
  }
  const friendlyName = changes.friendlyName ?? row.friendly_name;
  if (friendlyName.length > MAX_USER_NAME_LENGTH) return invalid("FriendlyName", `must be at most ${MAX_USER_NAME_LENGTH} characters`);
  const next: UserRow = {
    ...row,
    email,
    friendly_name: friendlyName,
    role: changes.role ?? row.role,
    workspace_sid: changes.workspaceSid !== undefined ? changes.workspaceSid : row.workspace_sid,
    worker_sid: changes.workerSid !== undefined ? changes.workerSid : row.worker_sid,
    password_hash: passwordHash ?? row.password_hash,
    disabled: changes.disabled === undefined ? row.disabled : changes.disabled ? 1 : 0,
    date_updated: now,
  };
  const shape = checkRoleShape(next.role, next.workspace_sid, next.worker_sid);
  if (!shape.ok) return shape;
  host.sql
    .exec(
      `UPDATE users SET email = ?, friendly_name = ?, role = ?, workspace_sid = ?, worker_sid = ?, password_hash = ?, disabled = ?, date_updated = ?
       WHERE sid = ?`,
      next.email,
      next.friendly_name,
      next.role,
      next.workspace_sid,
      next.worker_sid,
      next.password_hash,
      next.disabled,
      next.date_updated,
      sid,
    )
    .toArray();
  return ok(userRecord(next));
}

export function deleteUser(host: StoreHost, sid: string): ApiResult<null> {
  if (!userRow(host, sid)) return notFound("User", sid);
  host.sql.exec("DELETE FROM users WHERE sid = ?", sid).toArray();
  return ok(null);
}

/** Whether any admin exists (enabled or not): the first admin from the environment is made only when none does. */
export function hasAdmin(host: StoreHost): boolean {
  return host.sql.exec("SELECT 1 AS one FROM users WHERE role = 'admin' LIMIT 1").toArray().length > 0;
}
