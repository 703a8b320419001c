/**
 * The FlowDO's tables (issue 16), appended to as the runtime lands. One object per execution, so no
 * table carries the execution: `sb_execution` is its one row (the definition fixed at its start, the
 * engine's state, what the bot made of the customer so far), `sb_steps` Studio's Steps, `sb_effects` what
 * the engine asked the world to do and how far each got (pending → attempted → done; an HTTP request found
 * attempted after an eviction is resolved as interrupted, never sent again), `sb_inputs` the customer's
 * messages already handed in (by key), and the kit's `sb_timers` for waits and retries on the one alarm.
 * Migration 2 (calls): the call an execution answers (`call`, JSON: its SID, room, LiveKit and reply URLs),
 * whether the media service's voice was told to leave (`voice_left`), and the voicemails stored per
 * record effect (`sb_voice_recordings`: a repeated upload answers the same `ME…`).
 */
import type { Migration } from "../kit/migrations";
import { TIMERS_TABLE } from "../kit/timers";

export const FLOW_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "flow: the execution, its steps, effects, inputs and timers",
    sql: `
CREATE TABLE sb_execution (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  sid              TEXT    NOT NULL,
  account_sid      TEXT    NOT NULL,
  workspace_sid    TEXT    NOT NULL,
  flow_sid         TEXT    NOT NULL,
  flow_name        TEXT    NOT NULL,
  flow_version     INTEGER NOT NULL,
  definition       TEXT    NOT NULL,
  state            TEXT    NOT NULL,
  status           TEXT    NOT NULL,
  conversation_sid TEXT,
  channel_sid      TEXT,
  contact_address  TEXT    NOT NULL,
  intent           TEXT,
  confidence       REAL,
  sentiment_sum    REAL    NOT NULL DEFAULT 0,
  sentiment_count  INTEGER NOT NULL DEFAULT 0,
  date_created     INTEGER NOT NULL,
  date_updated     INTEGER,
  indexed          INTEGER NOT NULL DEFAULT 0,
  revision         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sb_steps (
  sid               TEXT    PRIMARY KEY,
  idx               INTEGER NOT NULL UNIQUE,
  name              TEXT    NOT NULL,
  type              TEXT    NOT NULL,
  transitioned_from TEXT    NOT NULL,
  transitioned_to   TEXT    NOT NULL,
  context           TEXT    NOT NULL,
  date_created      INTEGER NOT NULL
);
CREATE TABLE sb_effects (
  id           TEXT    PRIMARY KEY,
  seq          INTEGER NOT NULL UNIQUE,
  kind         TEXT    NOT NULL,
  body         TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  attempted_at INTEGER,
  result       TEXT
);
CREATE TABLE sb_inputs (
  key        TEXT    PRIMARY KEY,
  applied_at INTEGER NOT NULL
);
${TIMERS_TABLE}
`,
  },
  {
    version: 2,
    name: "flow: the call an execution answers, whether its voice left, and its voicemails",
    sql: `
ALTER TABLE sb_execution ADD COLUMN call TEXT;
ALTER TABLE sb_execution ADD COLUMN voice_left INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sb_voice_recordings (
  effect_id  TEXT    PRIMARY KEY,
  media_sid  TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
);
`,
  },
];
