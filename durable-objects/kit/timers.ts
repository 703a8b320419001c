/**
 * Timers: every deadline a Durable Object keeps, in one table, so its single alarm can be set to the
 * earliest (Cloudflare allows one alarm per object; the Agents SDK keeps its schedules the same way).
 * A timer is keyed by its kind and what it concerns — a SID, or "" for the object itself — and setting
 * it again moves it. Kinds are the caller's: each object names its own (the Router's reservations and
 * TTLs, the ConversationDO's delivery head, the WorkspaceDO's delivery retry, …) and dispatches the due
 * ones itself; a timer written in the transaction of the change that needs it is never lost to an
 * eviction.
 *
 * @example
 * setTimer(host, "reservation", "WR…", now + 120_000);
 * const next = earliestTimer(host); // what the alarm is set to
 * for (const timer of dueTimers<"reservation">(host, Date.now())) fire(timer);
 *
 * {@link TimerAlarm} keeps the one alarm at the earliest timer, for every object the same way.
 */
import { first, rows, run, type StoreHost } from "./sql-host";

/** The table, for an object's migrations (the Router has had it since its first). */
export const TIMERS_TABLE = `CREATE TABLE sb_timers (
  kind   TEXT    NOT NULL,
  sid    TEXT    NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (kind, sid)
);
CREATE INDEX sb_timers_by_due ON sb_timers (due_at);`;

export interface Timer<K extends string = string> {
  readonly kind: K;
  /** What the timer concerns: a SID, or "" for the object itself. */
  readonly sid: string;
  readonly due_at: number;
}

/** Sets (or moves) the timer of `kind` for `sid`. */
export function setTimer(host: StoreHost, kind: string, sid: string, dueAt: number): void {
  run(host, "INSERT OR REPLACE INTO sb_timers (kind, sid, due_at) VALUES (?, ?, ?)", kind, sid, dueAt);
}

export function clearTimer(host: StoreHost, kind: string, sid: string): void {
  run(host, "DELETE FROM sb_timers WHERE kind = ? AND sid = ?", kind, sid);
}

/** Clears every timer of `kind` due at or before `now` (one tick that handles them all at once). */
export function clearDueTimers(host: StoreHost, kind: string, now: number): void {
  run(host, "DELETE FROM sb_timers WHERE kind = ? AND due_at <= ?", kind, now);
}

/** Every timer due at or before `now`, earliest first; `K` is the caller's union of kinds. */
export function dueTimers<K extends string>(host: StoreHost, now: number): Timer<K>[] {
  return rows<Timer<K>>(host, "SELECT kind, sid, due_at FROM sb_timers WHERE due_at <= ? ORDER BY due_at, kind, sid", now);
}

/** When the alarm should fire: the earliest timer, or null when there is none. */
export function earliestTimer(host: StoreHost): number | null {
  const row = first<{ at: number | null }>(host, "SELECT min(due_at) AS at FROM sb_timers");
  return row?.at ?? null;
}

/** When one timer is due (epoch ms), or null when it is not set. */
export function timerDueAt(host: StoreHost, kind: string, sid: string): number | null {
  const row = first<{ due_at: number }>(host, "SELECT due_at FROM sb_timers WHERE kind = ? AND sid = ?", kind, sid);
  return row === undefined ? null : Number(row.due_at);
}

/** The slice of `DurableObjectStorage` the alarm needs: its alarm, and the SQL its timers are in. */
export interface AlarmHost extends StoreHost {
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/**
 * An object's one alarm, pointed at its earliest timer. It remembers the time it last set, so a change
 * that leaves the earliest timer where it was costs no storage call. Cloudflare clears an alarm when it
 * fires, so the object's `alarm()` starts with {@link TimerAlarm.fired}: from then on the memo is not
 * trusted, and the next {@link TimerAlarm.sync} sets the alarm again even to the same time.
 *
 * @example
 * const alarm = new TimerAlarm(ctx.storage);
 * void ctx.blockConcurrencyWhile(() => alarm.load()); // on wake: the alarm as storage has it
 * setTimer(ctx.storage, "wait", "W1", now + 60_000);
 * await alarm.sync(); // set to the earliest timer, or deleted when there is none
 * // in alarm(): const now = alarm.fired(); …fire what is due at `now`…; await alarm.sync();
 */
export class TimerAlarm {
  /** The alarm as last set: the time it fires for, or null. */
  private setFor: number | null = null;

  constructor(
    private readonly host: AlarmHost,
    private readonly clock: () => number = Date.now,
  ) {}

  /** On wake (inside `blockConcurrencyWhile`): remembers the alarm storage holds. */
  async load(): Promise<void> {
    this.setFor = await this.host.getAlarm();
  }

  /**
   * The alarm fired (the first thing an object's `alarm()` does): storage no longer holds it, so the
   * memo is dropped. Returns the handler's "now": the time the alarm was set for, or the clock if later —
   * an alarm is never early by Cloudflare's clock, and `runDurableObjectAlarm` fires it early in tests,
   * which then run exactly the timers it was set for.
   */
  fired(): number {
    const at = Math.max(this.clock(), this.setFor ?? 0);
    this.setFor = null;
    return at;
  }

  /** Deletes the alarm (a wiped object): nothing is set. */
  async clear(): Promise<void> {
    await this.host.deleteAlarm();
    this.setFor = null;
  }

  /**
   * When a timer due by `latest` can be due without moving the alarm: the time the alarm is set for, when
   * that is between now and `latest`; else `latest`.
   * @example setTimer(storage, "index", "", alarm.aligned(now + 5_000)) // no setAlarm while one is pending
   */
  aligned(latest: number): number {
    const setFor = this.setFor;
    return setFor !== null && setFor > this.clock() && setFor <= latest ? setFor : latest;
  }

  /** Points the alarm at the earliest timer (deletes it when there is none); nothing when it is already there. */
  async sync(): Promise<void> {
    const next = earliestTimer(this.host);
    if (next === this.setFor) return;
    if (next === null) await this.host.deleteAlarm();
    else await this.host.setAlarm(next);
    this.setFor = next;
  }
}
