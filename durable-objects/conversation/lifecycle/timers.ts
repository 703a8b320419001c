/**
 * The conversation's deadlines, one row per kind, so the Durable Object's single alarm can be set to
 * the earliest: the head of the delivery queue (a retry's backoff, or the in-flight guard of a send that
 * may have died with an eviction), the pending task's next attempt, a retry of the directory entry, and
 * the post-event outbox's (`hooks`) next attempt at the queue.
 */
import { first, run, type StoreHost } from "../../kit/sql-host";

export type TimerKind = "delivery" | "task" | "index" | "hooks";

export function setTimer(host: StoreHost, kind: TimerKind, dueAt: number): void {
  run(host, "INSERT OR REPLACE INTO sb_timers (kind, due_at) VALUES (?, ?)", kind, dueAt);
}

export function clearTimer(host: StoreHost, kind: TimerKind): void {
  run(host, "DELETE FROM sb_timers WHERE kind = ?", kind);
}

/** When the kind's timer is due, or null when it is not set. */
export function timerDue(host: StoreHost, kind: TimerKind): number | null {
  return first<{ due_at: number }>(host, "SELECT due_at FROM sb_timers WHERE kind = ?", kind)?.due_at ?? null;
}

/** When the alarm should fire: the earliest timer, or null. */
export function earliestTimer(host: StoreHost): number | null {
  return first<{ at: number | null }>(host, "SELECT min(due_at) AS at FROM sb_timers")?.at ?? null;
}
