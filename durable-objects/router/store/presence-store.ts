/**
 * Presence of the workers who use the live channel: one row per worker who connected and has not been
 * taken offline since, with the time their last connection went away (null while one is open), the
 * grace period before a worker who is gone moves offline (a Router setting until the workspace
 * carries one), and the one timer that wakes the Router to check (kind "presence" in `sb_timers`, so
 * the object's single alarm covers it; the Router DO handles it before the Router fires its own).
 * Version 4 adds `sb_presence_notices`: a worker presence took offline, and to which Activity, until
 * their next connection tells them; version 9 why (closed or silent), since when, and the grace period.
 */
import type { Migration } from "../../kit/migrations";
import { first, rows, run, type StoreHost } from "../../kit/sql-host";
import { clearTimer, setTimer, timerDueAt } from "../../kit/timers";

export interface PresenceRow {
  readonly worker_sid: string;
  readonly account_sid: string;
  /** Epoch ms since which the worker has had no open connection; null while they have one. */
  readonly gone_since: number | null;
}

/** How long a worker may be without a connection before they are taken offline, by default. */
export const DEFAULT_PRESENCE_GRACE_MS = 60_000;

/** The one presence timer's SID (its kind is "presence" too). */
const PRESENCE_TIMER = "presence";

export function presenceRows(host: StoreHost): PresenceRow[] {
  return rows<PresenceRow>(host, "SELECT worker_sid, account_sid, gone_since FROM sb_presence ORDER BY worker_sid");
}

/** The worker has an open connection. */
export function markPresent(host: StoreHost, workerSid: string, accountSid: string): void {
  run(host, "INSERT OR REPLACE INTO sb_presence (worker_sid, account_sid, gone_since) VALUES (?, ?, NULL)", workerSid, accountSid);
}

/** The worker's last connection went away at `at` (a worker not tracked, or already gone, is left alone). */
export function markGone(host: StoreHost, workerSid: string, at: number): void {
  run(host, "UPDATE sb_presence SET gone_since = ? WHERE worker_sid = ? AND gone_since IS NULL", at, workerSid);
}

/** Stops watching a worker (taken offline, or deleted) until they connect again. */
export function forgetPresence(host: StoreHost, workerSid: string): void {
  run(host, "DELETE FROM sb_presence WHERE worker_sid = ?", workerSid);
}

export function presenceGraceMs(host: StoreHost): number {
  const row = first<{ presence_grace_ms: number }>(host, "SELECT presence_grace_ms FROM sb_realtime_settings WHERE id = 1");
  return row ? Number(row.presence_grace_ms) : DEFAULT_PRESENCE_GRACE_MS;
}

export function setPresenceGraceMs(host: StoreHost, ms: number): void {
  run(host, "INSERT OR REPLACE INTO sb_realtime_settings (id, presence_grace_ms) VALUES (1, ?)", ms);
}

/** When presence is next checked, or null. */
export function presenceCheckAt(host: StoreHost): number | null {
  return timerDueAt(host, PRESENCE_TIMER, PRESENCE_TIMER);
}

/** Sets (or, with null, clears) the time presence is next checked. */
export function setPresenceCheck(host: StoreHost, at: number | null): void {
  if (at === null) clearTimer(host, "presence", PRESENCE_TIMER);
  else setTimer(host, "presence", PRESENCE_TIMER, at);
}

export function presenceOf(host: StoreHost, workerSid: string): PresenceRow | undefined {
  return first<PresenceRow>(host, "SELECT worker_sid, account_sid, gone_since FROM sb_presence WHERE worker_sid = ?", workerSid);
}

/** Migration 4's DDL, written out literally: a shipped migration never changes. */
export const PRESENCE_NOTICES_SCHEMA: Omit<Migration, "version"> = {
  name: "realtime: workers presence took offline, until their next connection is told (sb_presence_notices)",
  sql: `
CREATE TABLE sb_presence_notices (
  worker_sid   TEXT    PRIMARY KEY,
  activity_sid TEXT    NOT NULL,
  at           INTEGER NOT NULL
);
`,
};

/** Why presence took a worker offline: every connection closed (or lost unheard), or one open but silent. */
export type OfflineReason = "disconnected" | "silent";

/** Migration 9: why (presence.ts's OfflineReason), since when the grace period ran, and how long it was. */
export const PRESENCE_NOTICE_CAUSE_SCHEMA: Omit<Migration, "version"> = {
  name: "realtime: why presence took a worker offline (reason, since, grace), for their next hello",
  sql: `
ALTER TABLE sb_presence_notices ADD COLUMN reason TEXT;
ALTER TABLE sb_presence_notices ADD COLUMN since INTEGER;
ALTER TABLE sb_presence_notices ADD COLUMN grace_ms INTEGER;
`,
};

export interface PresenceNotice {
  readonly activitySid: string;
  /** Epoch ms. */
  readonly at: number;
  /** Null for a notice stored before migration 9 (the hello then says "disconnected"). */
  readonly reason: OfflineReason | null;
  /** Epoch ms the grace period ran from (last sign of life, or noticed gone); null when not known. */
  readonly since: number | null;
  readonly graceMs: number | null;
}

/** Presence moved the worker to `notice.activitySid` at `notice.at`, for `notice.reason`. */
export function notePresenceOffline(host: StoreHost, workerSid: string, notice: PresenceNotice): void {
  run(
    host,
    "INSERT OR REPLACE INTO sb_presence_notices (worker_sid, activity_sid, at, reason, since, grace_ms) VALUES (?, ?, ?, ?, ?, ?)",
    workerSid,
    notice.activitySid,
    notice.at,
    notice.reason,
    notice.since,
    notice.graceMs,
  );
}

/** The worker's notice, removed as it is read (it is said once), or null. */
export function takePresenceNotice(host: StoreHost, workerSid: string): PresenceNotice | null {
  const row = first<{ activity_sid: string; at: number; reason: OfflineReason | null; since: number | null; grace_ms: number | null }>(
    host,
    "SELECT activity_sid, at, reason, since, grace_ms FROM sb_presence_notices WHERE worker_sid = ?",
    workerSid,
  );
  if (!row) return null;
  run(host, "DELETE FROM sb_presence_notices WHERE worker_sid = ?", workerSid);
  const orNull = (value: number | null) => (value === null ? null : Number(value));
  return { activitySid: row.activity_sid, at: Number(row.at), reason: row.reason, since: orNull(row.since), graceMs: orNull(row.grace_ms) };
}
