/**
 * Where a user's live connections may be open, and which users' sockets still have to be told about a
 * change — so that deleting, disabling, demoting, unlinking or signing someone out closes what they
 * have open within seconds, not when their token expires.
 *
 * - **Places**: each time a token minted for a user opens a socket, the AccountDO (which checks it)
 *   notes where — the workspace (its Router DO holds the agent channel, the supervisors' feed and the
 *   SDK sockets) or the conversation (its ConversationDO holds the conversation socket). A token lives
 *   at most 24 hours, so places last seen longer ago than that are forgotten.
 * - **Notices**: a change to who a user is or to their sessions writes a notice in the same
 *   transaction; the AccountDO then sends the user's current access to every place (and retries from
 *   its alarm until every place has heard it, giving up after {@link MAX_NOTICE_ATTEMPTS}). A notice
 *   carries a version, so one written while an older one was being delivered is not lost when the
 *   older one completes. When it is due is a `notice` timer in the kit's `sb_timers` (kit/timers.ts),
 *   the table the AccountDO's one alarm is set from, as every other object's is.
 *
 * Pure logic over the AccountDO's storage, with the clock passed in.
 */
import { retryDelayMs, retryPolicy } from "../../platform/backoff";
import { first, rows, run, type StoreHost } from "../kit/sql-host";
import { clearTimer, earliestTimer, setTimer } from "../kit/timers";
import type { UserAccess } from "../common/user-access";
import { userAccess } from "./sessions";

/** The tables of migration 5 of the AccountDO (schema.ts); migration 6 moved `due_at` into `sb_timers`. */
export const USER_SOCKETS_SCHEMA = `
CREATE TABLE sb_user_places (
  user_sid  TEXT    NOT NULL,
  place     TEXT    NOT NULL,
  last_at   INTEGER NOT NULL,
  PRIMARY KEY (user_sid, place)
);
CREATE INDEX sb_user_places_by_age ON sb_user_places (last_at);
CREATE TABLE sb_user_notices (
  user_sid  TEXT    PRIMARY KEY,
  version   INTEGER NOT NULL,
  due_at    INTEGER NOT NULL,
  attempts  INTEGER NOT NULL DEFAULT 0
);`;

/** The kind of the timer (kit/timers.ts) that says when a user's notice is next due. */
const NOTICE_TIMER = "notice";

/** How long a place is remembered after the last socket opened there: the longest a token lives. */
export const PLACE_RETENTION_MS = 24 * 3600_000;
/** A failed delivery is tried again after 2, 4, 8 … s, at most a minute apart, ten times in all. */
export const MAX_NOTICE_ATTEMPTS = 10;
export const NOTICE_RETRIES = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: 60_000, maxAttempts: MAX_NOTICE_ATTEMPTS });

/** A Router DO (`WS…:<region>`, its name; a bare `WS…` is the home region's) or a conversation (`CH…`: its ConversationDO). */
export type Place = string;

/**
 * Notes that a socket for `userSid` is opening at `place` (and forgets places nobody opened in 24 h).
 * @example notePlace(host, "US…", "WS…", Date.now())
 */
export function notePlace(host: StoreHost, userSid: string, place: Place, now: number): void {
  host.transactionSync(() => {
    host.sql.exec("DELETE FROM sb_user_places WHERE last_at <= ?", now - PLACE_RETENTION_MS).toArray();
    host.sql
      .exec(
        `INSERT INTO sb_user_places (user_sid, place, last_at) VALUES (?, ?, ?)
         ON CONFLICT (user_sid, place) DO UPDATE SET last_at = excluded.last_at`,
        userSid,
        place,
        now,
      )
      .toArray();
  });
}

/** Where the user's sockets may still be open. */
export function placesOf(host: StoreHost, userSid: string, now: number): Place[] {
  return (
    host.sql
      .exec("SELECT place FROM sb_user_places WHERE user_sid = ? AND last_at > ? ORDER BY place", userSid, now - PLACE_RETENTION_MS)
      .toArray() as { place: string }[]
  ).map((row) => row.place);
}

/** Queues telling the user's places about a change (replacing a notice not yet delivered). Call inside the change's transaction. */
export function queueNotice(host: StoreHost, userSid: string, now: number): void {
  host.sql
    .exec(
      `INSERT INTO sb_user_notices (user_sid, version, attempts) VALUES (?, 1, 0)
       ON CONFLICT (user_sid) DO UPDATE SET version = sb_user_notices.version + 1, attempts = 0`,
      userSid,
    )
    .toArray();
  setTimer(host, NOTICE_TIMER, userSid, now);
}

export interface Notice {
  readonly userSid: string;
  readonly version: number;
  readonly attempts: number;
}

/** Notices due by `now`, oldest first. */
export function dueNotices(host: StoreHost, now: number): Notice[] {
  return rows<{ user_sid: string; version: number; attempts: number }>(
    host,
    `SELECT n.user_sid, n.version, n.attempts FROM sb_user_notices n
     JOIN sb_timers t ON t.kind = ? AND t.sid = n.user_sid
     WHERE t.due_at <= ? ORDER BY t.due_at, n.user_sid`,
    NOTICE_TIMER,
    now,
  ).map((row) => ({ userSid: row.user_sid, version: row.version, attempts: row.attempts }));
}

/** When the next notice is due, or null when none waits: notices are the AccountDO's only timers. */
export const nextNoticeAt = (host: StoreHost): number | null => earliestTimer(host);

/** Every place heard the notice: forget it, unless a newer change queued another meanwhile (whose timer stays). */
export function noticeDelivered(host: StoreHost, notice: Notice): void {
  run(host, "DELETE FROM sb_user_notices WHERE user_sid = ? AND version = ?", notice.userSid, notice.version);
  if (!first(host, "SELECT 1 AS queued FROM sb_user_notices WHERE user_sid = ?", notice.userSid))
    clearTimer(host, NOTICE_TIMER, notice.userSid);
}

/**
 * Some place could not be reached: try the notice again later; false when it was the last attempt
 * (the notice is dropped, and the caller logs it — the sockets still close when their token expires).
 */
export function noticeFailed(host: StoreHost, notice: Notice, now: number): boolean {
  const attempts = notice.attempts + 1;
  const delay = retryDelayMs(NOTICE_RETRIES, attempts);
  if (delay === null) {
    noticeDelivered(host, notice);
    return false;
  }
  run(host, "UPDATE sb_user_notices SET attempts = ? WHERE user_sid = ? AND version = ?", attempts, notice.userSid, notice.version);
  setTimer(host, NOTICE_TIMER, notice.userSid, now + delay);
  return true;
}

/** Tells one place a user's access now (null: deleted); rejects when the place could not be reached. */
export type TellPlace = (place: Place, userSid: string, access: UserAccess | null) => Promise<void>;

/**
 * Delivers every notice due by `now()`: the user's current access to each of their places, in parallel.
 * @example await deliverNotices(ctx.storage, (place, user, access) => routerFor(env, place).closeUserSockets(…), Date.now)
 */
export async function deliverNotices(host: StoreHost, tell: TellPlace, now: () => number): Promise<void> {
  for (const notice of dueNotices(host, now())) {
    const access = userAccess(host, notice.userSid, now());
    const places = placesOf(host, notice.userSid, now());
    const results = await Promise.allSettled(places.map((place) => tell(place, notice.userSid, access)));
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failures.length === 0) {
      noticeDelivered(host, notice);
      continue;
    }
    const retried = noticeFailed(host, notice, now());
    console.warn(
      `AccountDO: ${failures.length} of ${places.length} places of user ${notice.userSid} could not be told of a change; ${retried ? "retrying" : "giving up"}`,
      failures[0]!.reason,
    );
  }
}
