/**
 * The desktop's sign-in sessions, on the server: one row per sign-in, named by the `sid` claim of the
 * `sb_session` cookie (workers/auth/session.ts). The cookie proves who signed in; the row says the
 * sign-in has not ended. Every use of a cookie — and every refresh or (re)connect of a token minted
 * from it — checks the row, so ending a session takes effect on the very next request:
 * - signing out ends that session;
 * - "sign out everywhere", disabling or deleting the user ends all of theirs;
 * - a new password ends all of the user's other sessions (all of them when an admin sets it for someone else).
 *
 * Pure logic over the AccountDO's storage, with the clock passed in.
 */
import type { StoreHost } from "../kit/sql-host";
import { newSid } from "../../contract/ids";
import type { UserAccess } from "../common/user-access";
import { userRow } from "./users";

/** The table of migration 5 of the AccountDO (see account-do.ts). */
export const SESSIONS_SCHEMA = `
CREATE TABLE sb_sessions (
  sid        TEXT    PRIMARY KEY,
  user_sid   TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sb_sessions_by_user ON sb_sessions (user_sid, expires_at);`;

/**
 * Starts a session for `userSid` that lasts `ttlMs` (and forgets sessions that have expired meanwhile).
 * @example const sid = startSession(host, "US…", Date.now(), SESSION_TTL * 1000);
 */
export function startSession(host: StoreHost, userSid: string, now: number, ttlMs: number): string {
  const sid = newSid("SE");
  host.transactionSync(() => {
    host.sql.exec("DELETE FROM sb_sessions WHERE expires_at <= ?", now).toArray();
    host.sql
      .exec("INSERT INTO sb_sessions (sid, user_sid, created_at, expires_at) VALUES (?, ?, ?, ?)", sid, userSid, now, now + ttlMs)
      .toArray();
  });
  return sid;
}

/** The user's sessions that have not ended, oldest first. */
export function liveSessions(host: StoreHost, userSid: string, now: number): string[] {
  return (
    host.sql.exec("SELECT sid FROM sb_sessions WHERE user_sid = ? AND expires_at > ? ORDER BY created_at, sid", userSid, now).toArray() as {
      sid: string;
    }[]
  ).map((row) => row.sid);
}

/** Whether session `sid` is the user's and has not ended. */
export function isLive(host: StoreHost, userSid: string, sid: string, now: number): boolean {
  return (
    host.sql.exec("SELECT 1 AS one FROM sb_sessions WHERE sid = ? AND user_sid = ? AND expires_at > ?", sid, userSid, now).toArray()
      .length > 0
  );
}

/** Ends one of the user's sessions; false when it had already ended (or was someone else's). */
export function endSession(host: StoreHost, userSid: string, sid: string): boolean {
  return host.sql.exec("DELETE FROM sb_sessions WHERE sid = ? AND user_sid = ? RETURNING sid", sid, userSid).toArray().length > 0;
}

/**
 * Ends all of the user's sessions but `keep` (when given); answers how many ended.
 * @example endSessions(host, "US…", currentSid) // a new password: every other device signs in again
 */
export function endSessions(host: StoreHost, userSid: string, keep: string | null = null): number {
  return host.sql.exec("DELETE FROM sb_sessions WHERE user_sid = ? AND sid IS NOT ? RETURNING sid", userSid, keep).toArray().length;
}

/**
 * The user as the live connections' rule needs them (common/user-access.ts), or null when deleted.
 * @example accessRefusal(userAccess(host, binding.userSid, Date.now()), binding)
 */
export function userAccess(host: StoreHost, userSid: string, now: number): UserAccess | null {
  const row = userRow(host, userSid);
  if (!row) return null;
  return {
    role: row.role,
    workspaceSid: row.workspace_sid,
    workerSid: row.worker_sid,
    disabled: row.disabled === 1,
    sessions: liveSessions(host, userSid, now),
  };
}
