/**
 * Cumulative statistics as time buckets in the Router DO's SQLite: one row per scope × minute × task
 * channel holding counters and wait sums/min/max, a small histogram of waits in whole seconds (for
 * SplitByWaitTime), and Activity stints for worker statistics. A fetch reads the buckets of its window —
 * never the tasks — so its cost is set by the window's length, not by how busy the contact center is.
 *
 * Why SQL rather than an in-memory store serialized on eviction: 30 days of minute buckets for every
 * queue, workflow and worker does not fit a Durable Object's memory, while SQLite keeps them on disk,
 * writes each fact in place (coalesced with the DO's other writes of the same request), and needs no
 * restore step. The store takes only `{ exec }`, so `ctx.storage.sql` runs it in workerd and
 * `node:sqlite` in unit tests.
 *
 * Granularity: minute buckets (`span` 1) for recent data; once older than the minute retention (24 h by
 * default) whole hours are rolled up into hour buckets (`span` 60), so a 30-day window reads at most
 * ~720 hour rows plus ~1,500 minute rows per channel. A bucket counts in a window when the minute (or
 * hour) it starts at lies in [start, end): windows resolve to the minute, or to the hour for data rolled up.
 *
 * The column names in the statements below are built once, at module load, from the constant lists in
 * figures.ts; every value is a bound parameter.
 */
import type { Migration } from "../../kit/migrations";
import type { SqlExec, SqlValue } from "../../kit/sql-host";
import type { DurationFigures, SplitFigures, WorkMeter } from "./figures";
import { COUNTERS, NO_DURATION, WAITS, mergeDurations, zeroCounts, type Counter, type Wait } from "./figures";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const MINUTE_SPAN = 1;
const HOUR_SPAN = 60;

/**
 * The tables, as a migration for the Router DO to append to its list with its next version number:
 * `{ version: N, ...STATISTICS_SCHEMA }`. Written out literally: a shipped migration never changes.
 * `scope` is "workspace", a queue (WQ…), workflow (WW…) or worker (WK…) SID in the buckets and waits;
 * "workers" (everyone), a queue SID (its members) or a worker SID in the Activity stints.
 */
export const STATISTICS_SCHEMA: Omit<Migration, "version"> = {
  name: "statistics buckets (sb_stats_buckets, sb_stats_waits, sb_stats_activity)",
  sql: `
CREATE TABLE sb_stats_buckets (
  scope TEXT NOT NULL,
  span INTEGER NOT NULL,
  period INTEGER NOT NULL,
  channel TEXT NOT NULL,
  tasks_created INTEGER NOT NULL DEFAULT 0,
  tasks_entered INTEGER NOT NULL DEFAULT 0,
  tasks_canceled INTEGER NOT NULL DEFAULT 0,
  tasks_completed INTEGER NOT NULL DEFAULT 0,
  tasks_deleted INTEGER NOT NULL DEFAULT 0,
  tasks_moved INTEGER NOT NULL DEFAULT 0,
  tasks_timed_out_in_workflow INTEGER NOT NULL DEFAULT 0,
  reservations_created INTEGER NOT NULL DEFAULT 0,
  reservations_accepted INTEGER NOT NULL DEFAULT 0,
  reservations_rejected INTEGER NOT NULL DEFAULT 0,
  reservations_timed_out INTEGER NOT NULL DEFAULT 0,
  reservations_canceled INTEGER NOT NULL DEFAULT 0,
  reservations_rescinded INTEGER NOT NULL DEFAULT 0,
  accepted_count INTEGER NOT NULL DEFAULT 0,
  accepted_total_ms INTEGER NOT NULL DEFAULT 0,
  accepted_min_ms INTEGER,
  accepted_max_ms INTEGER,
  canceled_count INTEGER NOT NULL DEFAULT 0,
  canceled_total_ms INTEGER NOT NULL DEFAULT 0,
  canceled_min_ms INTEGER,
  canceled_max_ms INTEGER,
  in_queue_count INTEGER NOT NULL DEFAULT 0,
  in_queue_total_ms INTEGER NOT NULL DEFAULT 0,
  in_queue_min_ms INTEGER,
  in_queue_max_ms INTEGER,
  PRIMARY KEY (scope, span, period, channel)
) WITHOUT ROWID;
CREATE INDEX sb_stats_buckets_by_age ON sb_stats_buckets (span, period);
CREATE TABLE sb_stats_waits (
  scope TEXT NOT NULL,
  span INTEGER NOT NULL,
  period INTEGER NOT NULL,
  channel TEXT NOT NULL,
  outcome TEXT NOT NULL,
  wait_s INTEGER NOT NULL,
  tasks INTEGER NOT NULL,
  PRIMARY KEY (scope, span, period, channel, outcome, wait_s)
) WITHOUT ROWID;
CREATE INDEX sb_stats_waits_by_age ON sb_stats_waits (span, period);
CREATE TABLE sb_stats_activity (
  scope TEXT NOT NULL,
  span INTEGER NOT NULL,
  period INTEGER NOT NULL,
  activity_sid TEXT NOT NULL,
  stints INTEGER NOT NULL,
  total_ms INTEGER NOT NULL,
  min_ms INTEGER NOT NULL,
  max_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, span, period, activity_sid)
) WITHOUT ROWID;
CREATE INDEX sb_stats_activity_by_age ON sb_stats_activity (span, period);
`,
};

/** Column prefix of each wait in sb_stats_buckets. */
const WAIT_COLUMN: Readonly<Record<Wait, string>> = {
  wait_duration_until_accepted: "accepted",
  wait_duration_until_canceled: "canceled",
  wait_duration_in_queue_until_accepted: "in_queue",
};

type Fold = "sum" | "min" | "max";
const VALUE_COLUMNS: readonly (readonly [string, Fold])[] = [
  ...COUNTERS.map((c) => [c, "sum"] as const),
  ...WAITS.flatMap((w) => {
    const p = WAIT_COLUMN[w];
    return [
      [`${p}_count`, "sum"],
      [`${p}_total_ms`, "sum"],
      [`${p}_min_ms`, "min"],
      [`${p}_max_ms`, "max"],
    ] as const;
  }),
];

/** `SET` clause folding an incoming row (`excluded`) into an existing one; min/max skip NULLs. */
function mergeClause(columns: readonly (readonly [string, Fold])[]): string {
  return columns
    .map(([c, fold]) =>
      fold === "sum" ? `${c} = ${c} + excluded.${c}` : `${c} = ${fold}(coalesce(${c}, excluded.${c}), coalesce(excluded.${c}, ${c}))`,
    )
    .join(", ");
}

function rollUpStatement(table: string, keys: readonly string[], columns: readonly (readonly [string, Fold])[]): string {
  const names = columns.map(([c]) => c);
  const folds = columns.map(([c, fold]) => `${fold}(${c})`);
  const all = ["scope", "span", "period", ...keys];
  return (
    `INSERT INTO ${table} (${[...all, ...names].join(", ")}) ` +
    `SELECT scope, ${HOUR_SPAN}, period - period % ${HOUR_SPAN}, ${[...keys, ...folds].join(", ")} FROM ${table} ` +
    `WHERE span = ${MINUTE_SPAN} AND period < ? GROUP BY scope, period - period % ${HOUR_SPAN}${keys.map((k) => `, ${k}`).join("")} ` +
    `ON CONFLICT (${all.join(", ")}) DO UPDATE SET ${mergeClause(columns)}`
  );
}

const BUCKET_KEYS = ["channel"] as const;
const WAIT_KEYS = ["channel", "outcome", "wait_s"] as const;
const STINT_KEYS = ["activity_sid"] as const;
const WAIT_VALUES = [["tasks", "sum"]] as const;
const STINT_VALUES = [
  ["stints", "sum"],
  ["total_ms", "sum"],
  ["min_ms", "min"],
  ["max_ms", "max"],
] as const;

/**
 * Folds one row into a table: a row whose key exists is merged into it. (One statement per row: a
 * multi-row upsert, or rows passed as JSON, cost SQLite more than the statements they save.)
 */
function upsertStatement(table: string, keys: readonly string[], columns: readonly (readonly [string, Fold])[]): string {
  const all = [...keys, ...columns.map(([c]) => c)];
  return (
    `INSERT INTO ${table} (${all.join(", ")}) VALUES (${all.map(() => "?").join(", ")}) ` +
    `ON CONFLICT (${keys.join(", ")}) DO UPDATE SET ${mergeClause(columns)}`
  );
}

const SQL = {
  addBuckets: upsertStatement("sb_stats_buckets", ["scope", "span", "period", ...BUCKET_KEYS], VALUE_COLUMNS),
  addWaits: upsertStatement("sb_stats_waits", ["scope", "span", "period", ...WAIT_KEYS], WAIT_VALUES),
  addStints: upsertStatement("sb_stats_activity", ["scope", "span", "period", ...STINT_KEYS], STINT_VALUES),
  readBuckets: `SELECT * FROM sb_stats_buckets WHERE scope = ? AND span IN (${MINUTE_SPAN}, ${HOUR_SPAN}) AND period >= ? AND period < ?`,
  readWaits: `SELECT channel, outcome, wait_s, tasks FROM sb_stats_waits WHERE scope = ? AND span IN (${MINUTE_SPAN}, ${HOUR_SPAN}) AND period >= ? AND period < ?`,
  readStints: `SELECT activity_sid, stints, total_ms, min_ms, max_ms FROM sb_stats_activity WHERE scope = ? AND span IN (${MINUTE_SPAN}, ${HOUR_SPAN}) AND period >= ? AND period < ?`,
  rollUp: [
    rollUpStatement("sb_stats_buckets", BUCKET_KEYS, VALUE_COLUMNS),
    rollUpStatement("sb_stats_waits", WAIT_KEYS, WAIT_VALUES),
    rollUpStatement("sb_stats_activity", STINT_KEYS, STINT_VALUES),
  ],
  dropMinutes: ["sb_stats_buckets", "sb_stats_waits", "sb_stats_activity"].map(
    (t) => `DELETE FROM ${t} WHERE span = ${MINUTE_SPAN} AND period < ?`,
  ),
  dropAll: ["sb_stats_buckets", "sb_stats_waits", "sb_stats_activity"].map(
    (t) => `DELETE FROM ${t} WHERE span IN (${MINUTE_SPAN}, ${HOUR_SPAN}) AND period < ?`,
  ),
};

/** What one fact adds to one bucket: counter increments and at most one wait of each kind. */
export interface BucketDelta {
  readonly counts?: Partial<Record<Counter, number>>;
  readonly waits?: Partial<Record<Wait, number>>;
}

/** The buckets whose start lies in [start, end), as epoch minutes [from, to). */
export interface MinuteRange {
  readonly from: number;
  readonly to: number;
}

export function minuteRange(startMs: number, endMs: number): MinuteRange {
  return { from: Math.ceil(startMs / MINUTE_MS), to: Math.ceil(endMs / MINUTE_MS) };
}

export interface BucketSums {
  readonly counts: Record<Counter, number>;
  readonly waits: Record<Wait, DurationFigures>;
}

export type WaitOutcome = "accepted" | "canceled";

/**
 * Rows to fold into one table, merged in memory first (the same folds as the statement's): what an
 * operation adds to the same bucket is one statement (a task created and reserved: seven changes, four buckets).
 */
class Pending {
  private readonly rows = new Map<string, SqlValue[]>();

  constructor(
    private readonly statement: string,
    private readonly keyCount: number,
    private readonly folds: readonly Fold[],
  ) {}

  add(row: SqlValue[]): void {
    const key = JSON.stringify(row.slice(0, this.keyCount));
    const before = this.rows.get(key);
    if (!before) return void this.rows.set(key, row);
    this.folds.forEach((fold, i) => (before[this.keyCount + i] = foldValue(fold, before[this.keyCount + i]!, row[this.keyCount + i]!)));
  }

  write(sql: SqlExec): void {
    for (const row of this.rows.values()) sql.exec(this.statement, ...row).toArray();
    this.rows.clear();
  }
}

function foldValue(fold: Fold, a: SqlValue, b: SqlValue): SqlValue {
  if (fold === "sum") return Number(a) + Number(b);
  if (a === null) return b;
  if (b === null) return a;
  return fold === "min" ? Math.min(Number(a), Number(b)) : Math.max(Number(a), Number(b));
}

export class BucketStore {
  private readonly newBuckets = new Pending(
    SQL.addBuckets,
    4,
    VALUE_COLUMNS.map(([, fold]) => fold),
  );
  private readonly newWaits = new Pending(
    SQL.addWaits,
    6,
    WAIT_VALUES.map(([, fold]) => fold),
  );
  private readonly newStints = new Pending(
    SQL.addStints,
    4,
    STINT_VALUES.map(([, fold]) => fold),
  );

  constructor(
    private readonly sql: SqlExec,
    private readonly meter: WorkMeter,
  ) {}

  /** Adds to a bucket; stored by the next {@link flush}. */
  add(scope: string, channel: string, at: number, delta: BucketDelta): void {
    const values: SqlValue[] = [];
    for (const counter of COUNTERS) values.push(delta.counts?.[counter] ?? 0);
    for (const wait of WAITS) {
      const ms = delta.waits?.[wait];
      values.push(...(ms === undefined ? [0, 0, null, null] : [1, ms, ms, ms]));
    }
    this.newBuckets.add([scope, MINUTE_SPAN, minuteOf(at), channel, ...values]);
  }

  /** One task accepted or canceled after `waitMs`, for SplitByWaitTime (kept in whole seconds, rounded up). */
  addWait(scope: string, channel: string, at: number, outcome: WaitOutcome, waitMs: number): void {
    this.newWaits.add([scope, MINUTE_SPAN, minuteOf(at), channel, outcome, Math.ceil(Math.max(0, waitMs) / 1000), 1]);
  }

  /** One Activity stint of `durationMs` that ended at `at`. */
  addStint(scope: string, activitySid: string, at: number, durationMs: number): void {
    this.newStints.add([scope, MINUTE_SPAN, minuteOf(at), activitySid, 1, durationMs, durationMs, durationMs]);
  }

  /** Stores what was added since the last flush: one statement per bucket changed. */
  flush(): void {
    this.newBuckets.write(this.sql);
    this.newWaits.write(this.sql);
    this.newStints.write(this.sql);
  }

  /** Counters and waits of the scopes' buckets in `range`, over every channel or one. */
  sums(scopes: readonly string[], range: MinuteRange, channel?: string): BucketSums {
    const counts = zeroCounts(COUNTERS);
    const waits = Object.fromEntries(WAITS.map((w) => [w, NO_DURATION])) as Record<Wait, DurationFigures>;
    for (const row of this.read(SQL.readBuckets, scopes, range)) {
      if (channel !== undefined && row.channel !== channel) continue;
      for (const counter of COUNTERS) counts[counter] += Number(row[counter]);
      for (const wait of WAITS) {
        const p = WAIT_COLUMN[wait];
        const bucket = {
          count: Number(row[`${p}_count`]),
          totalMs: Number(row[`${p}_total_ms`]),
          minMs: nullable(row[`${p}_min_ms`]),
          maxMs: nullable(row[`${p}_max_ms`]),
        };
        waits[wait] = mergeDurations(waits[wait], bucket);
      }
    }
    return { counts, waits };
  }

  /** For each threshold (whole seconds, ascending): tasks canceled and accepted within it and after it. */
  splits(scopes: readonly string[], range: MinuteRange, thresholds: readonly number[], channel?: string): SplitFigures[] {
    const out = thresholds.map((threshold) => ({ threshold, canceledBelow: 0, canceledAbove: 0, acceptedBelow: 0, acceptedAbove: 0 }));
    if (thresholds.length === 0) return out;
    for (const row of this.read(SQL.readWaits, scopes, range)) {
      if (channel !== undefined && row.channel !== channel) continue;
      const wait = Number(row.wait_s);
      const tasks = Number(row.tasks);
      for (const split of out) {
        const below = wait <= split.threshold;
        if (row.outcome === "accepted") split[below ? "acceptedBelow" : "acceptedAbove"] += tasks;
        else split[below ? "canceledBelow" : "canceledAbove"] += tasks;
      }
    }
    return out;
  }

  /** Activity SID → stints that ended in `range`. */
  stints(scopes: readonly string[], range: MinuteRange): Record<string, DurationFigures> {
    const out: Record<string, DurationFigures> = {};
    for (const row of this.read(SQL.readStints, scopes, range)) {
      const sid = String(row.activity_sid);
      const stint = { count: Number(row.stints), totalMs: Number(row.total_ms), minMs: Number(row.min_ms), maxMs: Number(row.max_ms) };
      out[sid] = mergeDurations(out[sid] ?? NO_DURATION, stint);
    }
    return out;
  }

  /** Rolls minute buckets that start before `beforeMinute` (an hour boundary) up into hour buckets. */
  rollUp(beforeMinute: number): void {
    for (const statement of SQL.rollUp) this.sql.exec(statement, beforeMinute);
    for (const statement of SQL.dropMinutes) this.sql.exec(statement, beforeMinute);
  }

  /** Forgets every bucket that starts before `beforeMinute`. */
  dropBefore(beforeMinute: number): void {
    for (const statement of SQL.dropAll) this.sql.exec(statement, beforeMinute);
  }

  private read(query: string, scopes: readonly string[], range: MinuteRange): Record<string, SqlValue>[] {
    const rows: Record<string, SqlValue>[] = [];
    if (range.to <= range.from) return rows;
    for (const scope of new Set(scopes)) {
      const found = this.sql.exec(query, scope, range.from, range.to).toArray();
      this.meter.rowsRead += found.length;
      for (const row of found) rows.push(row);
    }
    return rows;
  }
}

const minuteOf = (at: number): number => Math.floor(at / MINUTE_MS);
const nullable = (value: SqlValue | undefined): number | null => (value === null || value === undefined ? null : Number(value));
