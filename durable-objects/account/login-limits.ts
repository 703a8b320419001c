/**
 * How fast passwords may be guessed: at most 5 failed sign-ins per email *from one client* (its IP
 * address, `CF-Connecting-IP`, or "local") and 20 per client across all emails, within any 15 minutes.
 * Beyond that, that client is refused — before any password is hashed — until the oldest failure in
 * the window ages out, and it is told how many seconds that is. The limit is per (email, client)
 * together so that a stranger guessing from elsewhere can never lock the real user out: their own
 * client still has all its tries. A successful sign-in clears the email's failures from that client
 * (not the client's own count: one right password must not buy twenty more guesses at other accounts).
 *
 * An attempt is counted as failed *before* its password is checked and un-counted if it succeeds, so
 * guesses sent in parallel (which interleave while PBKDF2 runs) can never exceed the limit. Pure logic
 * over the AccountDO's storage with an injected clock, so the windows are tested without waiting.
 */
import type { StoreHost } from "../kit/sql-host";

export const LOGIN_LIMITS = { perAccountAndClient: 5, perClient: 20, windowMs: 15 * 60_000 } as const;

/** The table of migration 3 of the AccountDO. */
export const LOGIN_LIMITS_SCHEMA = `
CREATE TABLE login_failures (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  subject TEXT    NOT NULL,
  at      INTEGER NOT NULL
);
CREATE INDEX login_failures_by_subject ON login_failures (subject, at);`;

// JSON keeps the pair unambiguous whatever characters the client key or the typed email hold.
const pairSubject = (email: string, clientKey: string) => `pair:${JSON.stringify([clientKey, email])}`;
const clientSubject = (clientKey: string) => `client:${clientKey}`;

/** Seconds until `subject` may try again, or 0 when it has fewer than `limit` failures in the window. */
function waitFor(host: StoreHost, subject: string, limit: number, now: number): number {
  const rows = host.sql
    .exec(
      "SELECT at FROM login_failures WHERE subject = ? AND at > ? ORDER BY at DESC LIMIT ?",
      subject,
      now - LOGIN_LIMITS.windowMs,
      limit,
    )
    .toArray() as { at: number }[];
  if (rows.length < limit) return 0;
  // The limit-th most recent failure must leave the window before one more attempt fits.
  const oldest = rows[rows.length - 1]!.at;
  return Math.max(1, Math.ceil((oldest + LOGIN_LIMITS.windowMs - now) / 1000));
}

/**
 * Seconds the caller must wait before signing in as `email` from `clientKey`, or 0 when it may try now.
 * @example const wait = loginWait(host, "ada@example.com", "203.0.113.7", Date.now()); if (wait > 0) refuse(wait);
 */
export function loginWait(host: StoreHost, email: string, clientKey: string, now: number): number {
  return Math.max(
    waitFor(host, pairSubject(email, clientKey), LOGIN_LIMITS.perAccountAndClient, now),
    waitFor(host, clientSubject(clientKey), LOGIN_LIMITS.perClient, now),
  );
}

/** A counted attempt: what {@link attemptSucceeded} needs to un-count it. */
export interface Attempt {
  readonly clientRowId: number;
  readonly email: string;
  readonly clientKey: string;
}

/**
 * Counts an attempt as failed for both the (email, client) pair and the client (and forgets failures
 * older than the window while at it).
 */
export function countAttempt(host: StoreHost, email: string, clientKey: string, now: number): Attempt {
  return host.transactionSync(() => {
    host.sql.exec("DELETE FROM login_failures WHERE at <= ?", now - LOGIN_LIMITS.windowMs).toArray();
    host.sql.exec("INSERT INTO login_failures (subject, at) VALUES (?, ?)", pairSubject(email, clientKey), now).toArray();
    const [row] = host.sql
      .exec("INSERT INTO login_failures (subject, at) VALUES (?, ?) RETURNING id", clientSubject(clientKey), now)
      .toArray() as { id: number }[];
    return { clientRowId: row!.id, email, clientKey };
  });
}

/** The attempt succeeded: clear the email's failures from this client and this attempt's client row. */
export function attemptSucceeded(host: StoreHost, attempt: Attempt): void {
  host.transactionSync(() => {
    host.sql.exec("DELETE FROM login_failures WHERE subject = ?", pairSubject(attempt.email, attempt.clientKey)).toArray();
    host.sql.exec("DELETE FROM login_failures WHERE id = ?", attempt.clientRowId).toArray();
  });
}
