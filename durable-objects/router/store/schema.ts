/**
 * The Router DO's tables. Append-only: never edit or renumber a shipped migration.
 *
 * What is stored and why:
 * - `sb_config`: the latest WorkspaceConfigSnapshot pushed by the Workspace DO (one row).
 * - `sb_workers`, `sb_worker_channels`: workers and one WorkerChannel per worker per task channel;
 *   `idle_since` / `last_assigned_at` are what the matcher orders ready workers by.
 * - `sb_tasks`: tasks with their place in routing (queue, and the step as filter/target indexes plus
 *   the time the task entered its workflow, from which the step's deadline follows).
 * - `sb_reservations`: every reservation. Capacity held and exclusions are derived from them (pending,
 *   accepted and wrapping hold capacity; rejected and timed-out ones exclude the worker), so there is no
 *   counter that could drift from the rows it counts.
 * - `sb_events`: every state change (kept 30 days), with the columns the Events list filters on.
 * - `sb_timers`: reservation timeouts, workflow step deadlines, task TTLs and purges; the one alarm is
 *   set to the earliest `due_at`.
 * - `sb_outbox`: queue messages written in the same transaction as the change they announce and sent
 *   after it commits, so an eviction between the two delays a message but never loses it.
 * - `sb_stats_*` (version 2): the statistics module's cumulative time buckets, written in the same
 *   transaction as the operation they count (see statistics/bucket-store.ts).
 * - version 3, the agents' live channel (see frame-store.ts, presence-store.ts): `sb_frames` and
 *   `sb_frame_heads` (frames pushed to each worker, numbered per worker, kept for replay after a
 *   reconnect), `sb_presence` (connected workers and since when their last connection is gone) and
 *   `sb_realtime_settings` (the presence grace period).
 * - version 4, `sb_presence_notices`: workers presence took offline, until their next connection says so.
 * - version 5: `sb_outbox` becomes the outbox every object shares (kit/outbox.ts), its messages under
 *   the topic `events`, and the outbox's retry timer is named for the topic.
 * - version 6, the supervisors' feed across regions (realtime/supervisor-leases.ts, supervisor-regions.ts):
 *   `sb_supervisor_leases`, `sb_supervisor_regions`, `sb_supervisor_parts`.
 * - version 7, `sb_moves` (move-store.ts): tasks handed over to or from another region's Router, and
 *   the tombstones of those that left (and, with the same rows, workers moved between regions).
 * - version 8, `sb_workers.region_unsettled`: a worker in the home region by default, until their
 *   agent's first sign-in settles where they work (lifecycle/worker-move.ts).
 * - version 9, `sb_presence_notices` gains why presence took the worker offline (closed or silent),
 *   since when and the grace period, which their next `hello` says.
 */
import type { Migration } from "../../kit/migrations";
import { STATISTICS_SCHEMA } from "../statistics";
import { REALTIME_SCHEMA } from "./frame-store";
import { MOVES_SCHEMA } from "./move-store";
import { PRESENCE_NOTICE_CAUSE_SCHEMA, PRESENCE_NOTICES_SCHEMA } from "./presence-store";

export const ROUTER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "router: config, workers, channels, tasks, reservations, events, timers, outbox",
    sql: `
      CREATE TABLE sb_config (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        version  INTEGER NOT NULL,
        snapshot TEXT    NOT NULL
      );
      CREATE TABLE sb_workers (
        sid               TEXT    PRIMARY KEY,
        friendly_name     TEXT    NOT NULL,
        name_key          TEXT    NOT NULL UNIQUE,
        activity_sid      TEXT    NOT NULL,
        attributes        TEXT    NOT NULL,
        idle_since        INTEGER NOT NULL,
        status_changed_at INTEGER NOT NULL,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        version           INTEGER NOT NULL
      );
      CREATE TABLE sb_worker_channels (
        sid              TEXT    PRIMARY KEY,
        worker_sid       TEXT    NOT NULL,
        task_channel_sid TEXT    NOT NULL,
        capacity         INTEGER NOT NULL,
        available        INTEGER NOT NULL,
        last_assigned_at INTEGER NOT NULL,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        UNIQUE (worker_sid, task_channel_sid)
      );
      CREATE TABLE sb_tasks (
        sid                 TEXT    PRIMARY KEY,
        workflow_sid        TEXT    NOT NULL,
        task_channel_sid    TEXT    NOT NULL,
        attributes          TEXT    NOT NULL,
        status              TEXT    NOT NULL,
        priority            INTEGER NOT NULL,
        reason              TEXT,
        timeout             INTEGER NOT NULL,
        virtual_start_time  INTEGER NOT NULL,
        queue_sid           TEXT,
        queue_entered_at    INTEGER,
        filter_index        INTEGER,
        target_index        INTEGER,
        workflow_entered_at INTEGER,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL,
        version             INTEGER NOT NULL
      );
      CREATE INDEX sb_tasks_by_status ON sb_tasks (status, created_at);
      CREATE TABLE sb_reservations (
        sid        TEXT    PRIMARY KEY,
        task_sid   TEXT    NOT NULL,
        worker_sid TEXT    NOT NULL,
        worker_name TEXT   NOT NULL,
        channel    TEXT    NOT NULL,
        status     TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version    INTEGER NOT NULL
      );
      CREATE INDEX sb_reservations_by_task ON sb_reservations (task_sid, created_at);
      CREATE INDEX sb_reservations_by_worker ON sb_reservations (worker_sid, status);
      CREATE TABLE sb_events (
        sid              TEXT    PRIMARY KEY,
        date_ms          INTEGER NOT NULL,
        event_type       TEXT    NOT NULL,
        task_sid         TEXT,
        worker_sid       TEXT,
        reservation_sid  TEXT,
        task_queue_sid   TEXT,
        workflow_sid     TEXT,
        task_channel_sid TEXT,
        record           TEXT    NOT NULL
      );
      CREATE INDEX sb_events_by_date ON sb_events (date_ms);
      CREATE TABLE sb_timers (
        kind   TEXT    NOT NULL,
        sid    TEXT    NOT NULL,
        due_at INTEGER NOT NULL,
        PRIMARY KEY (kind, sid)
      );
      CREATE INDEX sb_timers_by_due ON sb_timers (due_at);
      CREATE TABLE sb_outbox (
        id   INTEGER PRIMARY KEY AUTOINCREMENT,
        body TEXT    NOT NULL
      );
    `,
  },
  { version: 2, ...STATISTICS_SCHEMA },
  { version: 3, ...REALTIME_SCHEMA },
  { version: 4, ...PRESENCE_NOTICES_SCHEMA },
  {
    version: 5,
    name: "router: the shared outbox (a topic per message)",
    sql: `
      ALTER TABLE sb_outbox ADD COLUMN topic TEXT NOT NULL DEFAULT 'events';
      UPDATE sb_timers SET sid = 'events' WHERE kind = 'outbox';
    `,
  },
  {
    version: 6,
    // realtime/supervisor-leases.ts (a region's subscribers) and realtime/supervisor-regions.ts (a holder's other regions).
    name: "router: the supervisors' feed across regions (leases, and other regions' shares)",
    sql: `
      CREATE TABLE sb_supervisor_leases (
        holder     TEXT    PRIMARY KEY,
        expires_at INTEGER NOT NULL,
        seq        INTEGER NOT NULL
      );
      CREATE TABLE sb_supervisor_regions (
        region   TEXT    PRIMARY KEY,
        seq      INTEGER NOT NULL,
        missing  INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        retry_at INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE sb_supervisor_parts (
        region TEXT NOT NULL,
        kind   TEXT NOT NULL,
        sid    TEXT NOT NULL,
        body   TEXT NOT NULL,
        PRIMARY KEY (region, kind, sid)
      );
    `,
  },
  { version: 7, ...MOVES_SCHEMA },
  {
    version: 8,
    // worker-store.ts: a worker created without Region is settled by their agent's first sign-in (worker-move.ts).
    // Workers from before stay as they are (0): their first sign-in is behind them.
    name: "router: a worker's region, by default until the first sign-in settles it",
    sql: `ALTER TABLE sb_workers ADD COLUMN region_unsettled INTEGER NOT NULL DEFAULT 0;`,
  },
  { version: 9, ...PRESENCE_NOTICE_CAUSE_SCHEMA },
];
