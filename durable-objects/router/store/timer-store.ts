/**
 * Timers: every deadline the Router keeps, in one table, so the Durable Object's single alarm can be
 * set to the earliest. A timer is keyed by its kind and the SID it concerns; setting it again moves it.
 */
import { first, rows, run, type StoreHost } from "../../kit/sql-host";

export type TimerKind =
  /** A pending reservation times out (the workflow's task_reservation_timeout). */
  | "reservation"
  /** A waiting task's workflow step times out (the engine's deadlines). */
  | "step"
  /** A task's TTL (`Timeout`) runs out before it is assigned. */
  | "ttl"
  /** A completed or canceled task is purged. */
  | "purge"
  /** Outbox messages that could not be sent are retried. */
  | "outbox"
  /** Workers of the live channel who have been gone longer than the grace period go offline (realtime/presence.ts). */
  | "presence"
  /** The stock SDK's sockets get an empty frame, so they never sit silent for 30 s (eventbridge/hub.ts). */
  | "eb-heartbeat"
  /** Changes coalesced for the supervisors' feed go out (realtime/supervisors.ts); one row per queue or worker SID. */
  | "supervisor-flush";

export interface Timer {
  readonly kind: TimerKind;
  readonly sid: string;
  readonly due_at: number;
}

export function setTimer(host: StoreHost, kind: TimerKind, sid: string, dueAt: number): void {
  run(host, "INSERT OR REPLACE INTO sb_timers (kind, sid, due_at) VALUES (?, ?, ?)", kind, sid, dueAt);
}

export function clearTimer(host: StoreHost, kind: TimerKind, sid: string): void {
  run(host, "DELETE FROM sb_timers WHERE kind = ? AND sid = ?", kind, sid);
}

/** Every timer due at or before `now`, earliest first. */
export function dueTimers(host: StoreHost, now: number): Timer[] {
  return rows<Timer>(host, "SELECT kind, sid, due_at FROM sb_timers WHERE due_at <= ? ORDER BY due_at, kind, sid", now);
}

/** When the alarm should fire: the earliest timer, or null when there is none. */
export function earliestTimer(host: StoreHost): number | null {
  const row = first<{ at: number | null }>(host, "SELECT min(due_at) AS at FROM sb_timers");
  return row?.at ?? null;
}

/** When one timer is due (epoch ms), or null when it is not set. */
export function timerDueAt(host: StoreHost, kind: TimerKind, sid: string): number | null {
  const row = first<{ due_at: number }>(host, "SELECT due_at FROM sb_timers WHERE kind = ? AND sid = ?", kind, sid);
  return row === undefined ? null : Number(row.due_at);
}
