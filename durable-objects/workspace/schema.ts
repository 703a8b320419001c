/**
 * The WorkspaceDO's SQLite schema. One object holds one workspace, so the resource tables need no
 * workspace column; times are epoch milliseconds; booleans are 0/1. The `workspace` row is kept after a
 * DELETE as a tombstone (`deleted_at`), so the SID is never served or reused again and the deletion can
 * still be pushed to the Router if the first push failed.
 *
 * Bookkeeping that is not a TaskRouter resource lives in `sb_` tables: `sb_outbox` holds the events of
 * changes not yet delivered to the Router or the EVENTS queue; `sb_sync` records how far the Router
 * and the account's workspace directory have caught up; `sb_regions` lists the regions whose Routers
 * hold the workspace's workers and tasks, and the configuration version each Router is known to have.
 */
import type { Migration } from "../kit/migrations";
import { TIMERS_TABLE } from "../kit/timers";

/** Append-only: never edit or renumber a shipped migration. */
export const WORKSPACE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "workspace configuration of record",
    sql: `
CREATE TABLE workspace (
  sid                    TEXT    PRIMARY KEY,
  account_sid            TEXT    NOT NULL,
  friendly_name          TEXT    NOT NULL,
  event_callback_url     TEXT,
  events_filter          TEXT,
  default_activity_sid   TEXT,
  timeout_activity_sid   TEXT,
  multi_task_enabled     INTEGER NOT NULL,
  prioritize_queue_order TEXT    NOT NULL,
  home_region            TEXT    NOT NULL,
  version                INTEGER NOT NULL,
  date_created           INTEGER NOT NULL,
  date_updated           INTEGER NOT NULL,
  deleted_at             INTEGER
);
CREATE TABLE activities (
  sid           TEXT    PRIMARY KEY,
  friendly_name TEXT    NOT NULL UNIQUE,
  available     INTEGER NOT NULL,
  date_created  INTEGER NOT NULL,
  date_updated  INTEGER NOT NULL
);
CREATE TABLE task_channels (
  sid                       TEXT    PRIMARY KEY,
  friendly_name             TEXT    NOT NULL,
  unique_name               TEXT    NOT NULL UNIQUE,
  channel_optimized_routing INTEGER NOT NULL,
  date_created              INTEGER NOT NULL,
  date_updated              INTEGER NOT NULL
);
CREATE TABLE task_queues (
  sid                      TEXT    PRIMARY KEY,
  friendly_name            TEXT    NOT NULL UNIQUE,
  target_workers           TEXT    NOT NULL,
  max_reserved_workers     INTEGER NOT NULL,
  task_order               TEXT    NOT NULL,
  reservation_activity_sid TEXT,
  assignment_activity_sid  TEXT,
  date_created             INTEGER NOT NULL,
  date_updated             INTEGER NOT NULL
);
CREATE TABLE workflows (
  sid                              TEXT    PRIMARY KEY,
  friendly_name                    TEXT    NOT NULL,
  configuration                    TEXT    NOT NULL,
  assignment_callback_url          TEXT,
  fallback_assignment_callback_url TEXT,
  task_reservation_timeout         INTEGER NOT NULL,
  date_created                     INTEGER NOT NULL,
  date_updated                     INTEGER NOT NULL
);
-- Which queues each workflow routes to, so a queue in use cannot be deleted.
CREATE TABLE workflow_queues (
  workflow_sid TEXT NOT NULL,
  queue_sid    TEXT NOT NULL,
  PRIMARY KEY (workflow_sid, queue_sid)
);
CREATE INDEX workflow_queues_by_queue ON workflow_queues (queue_sid);
-- One row per change not yet delivered to the Router: its events, and the workflow whose waiting
-- tasks it asks the Router to re-evaluate (Workflow update with ReEvaluateTasks=true).
CREATE TABLE sb_outbox (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  version     INTEGER NOT NULL,
  events      TEXT    NOT NULL,
  re_evaluate TEXT
);
-- How far the Router (config version) and the account's workspace directory (change counter) have caught up.
CREATE TABLE sb_sync (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  router_version   INTEGER NOT NULL,
  directory_wanted INTEGER NOT NULL,
  directory_synced INTEGER NOT NULL
);
INSERT INTO sb_sync (id, router_version, directory_wanted, directory_synced) VALUES (1, 0, 0, 0);
`,
  },
  {
    version: 2,
    name: "events also go to the EVENTS queue (callbacks)",
    // A row leaves the outbox once the Router has its version and its events are queued.
    sql: "ALTER TABLE sb_outbox ADD COLUMN queued INTEGER NOT NULL DEFAULT 0",
  },
  {
    version: 3,
    name: "channel configurations and their sealed secrets",
    // Settings are a JSON object; each secret is AES-GCM sealed (see channels.ts), one row per name.
    sql: `
CREATE TABLE channels (
  sid           TEXT    PRIMARY KEY,
  kind          TEXT    NOT NULL,
  friendly_name TEXT    NOT NULL,
  workflow_sid  TEXT,
  task_channel  TEXT    NOT NULL,
  settings      TEXT    NOT NULL,
  -- The origin the channel was last configured through: where its webhook URL points.
  public_origin TEXT,
  version       INTEGER NOT NULL,
  date_created  INTEGER NOT NULL,
  date_updated  INTEGER NOT NULL
);
CREATE TABLE channel_secrets (
  channel_sid TEXT NOT NULL,
  name        TEXT NOT NULL,
  sealed      BLOB NOT NULL,
  PRIMARY KEY (channel_sid, name)
);
`,
  },
  {
    version: 4,
    name: "card masking of task and worker attributes, on unless turned off",
    sql: "ALTER TABLE workspace ADD COLUMN card_masking_enabled INTEGER NOT NULL DEFAULT 1",
  },
  {
    version: 5,
    name: "the shared timers table (a failed delivery's retry)",
    sql: TIMERS_TABLE,
  },
  {
    version: 6,
    name: "the regions the workspace uses, each with its own delivered configuration version",
    // Home first (position 0), then in the order they joined. sb_sync.router_version stays the version
    // every region's Router has (the lowest), which is what lets an outbox row go.
    sql: `
CREATE TABLE sb_regions (
  region         TEXT    PRIMARY KEY,
  position       INTEGER NOT NULL UNIQUE,
  router_version INTEGER NOT NULL
);
INSERT INTO sb_regions (region, position, router_version)
  SELECT home_region, 0, (SELECT router_version FROM sb_sync) FROM workspace;
`,
  },
  {
    version: 7,
    name: "a channel's region, where its conversations' tasks are created (null: placement's defaults)",
    sql: "ALTER TABLE channels ADD COLUMN region TEXT",
  },
  {
    version: 8,
    name: "a task queue's desk settings: SLA and tile thresholds, automatic end of wrap-up (null: not set)",
    sql: `
ALTER TABLE task_queues ADD COLUMN sla_threshold_seconds INTEGER;
ALTER TABLE task_queues ADD COLUMN waiting_threshold INTEGER;
ALTER TABLE task_queues ADD COLUMN longest_wait_threshold_seconds INTEGER;
ALTER TABLE task_queues ADD COLUMN service_level_target INTEGER;
ALTER TABLE task_queues ADD COLUMN wrap_up_timeout_seconds INTEGER;
`,
  },
  {
    version: 9,
    name: "the team's hold music: a WAV the media service plays to waiting and held callers (null: the built-in loop)",
    sql: "ALTER TABLE workspace ADD COLUMN hold_music_url TEXT",
  },
  {
    version: 10,
    name: "Studio flows (issue 16): each flow's revisions, and the flow a channel's new conversations run",
    // A flow's record is its latest revision; `published_revision` is the one executions run (null: none yet).
    // Revisions are immutable: a change of definition or status appends one (flows.ts).
    sql: `
CREATE TABLE flows (
  sid                TEXT    PRIMARY KEY,
  friendly_name      TEXT    NOT NULL,
  revision           INTEGER NOT NULL,
  published_revision INTEGER,
  date_created       INTEGER NOT NULL,
  date_updated       INTEGER
);
CREATE TABLE flow_revisions (
  flow_sid       TEXT    NOT NULL,
  revision       INTEGER NOT NULL,
  friendly_name  TEXT    NOT NULL,
  status         TEXT    NOT NULL,
  commit_message TEXT,
  definition     TEXT    NOT NULL,
  valid          INTEGER NOT NULL,
  errors         TEXT    NOT NULL,
  warnings       TEXT    NOT NULL,
  date_created   INTEGER NOT NULL,
  PRIMARY KEY (flow_sid, revision)
);
ALTER TABLE channels ADD COLUMN flow_sid TEXT;
`,
  },
];
