/**
 * The DirectoryDO's tables. One object per workspace, so no table carries the workspace:
 * - `sb_directory_account`: the account the object was first called by (every later call must match);
 * - `sb_conversations`: the index of the workspace's conversations (list, unique names, last worker),
 *   and by customer address (version 2) for a returning visitor's last conversation, closed or not;
 * - `sb_open_addresses`: the one open conversation of each (channel configuration, customer address),
 *   released when the conversation closes, so the customer's next message opens a new one;
 * - `sb_email_threads`: Message-IDs seen or sent per email channel → the conversation they belong to;
 * - `sb_profiles`, `sb_profile_addresses` (what the API shows) and `sb_profile_keys` (derived from the
 *   addresses, email and phone; a key belongs to one profile, which is how a person is recognised).
 *
 * Migration 3, the chat service's side of Conversations (the workspace is one chat service):
 * - `sb_users`: its Conversations users (`US…`), unique by identity;
 * - `sb_conversation_participants`: who is in which conversation (identity or binding address), written
 *   with the conversation's index entry, for ParticipantConversations and UserConversations;
 * - `sb_webhook_config`: its webhook configuration (`service`), and the account's (`account`) when this is
 *   the default chat service.
 *
 * Migration 4, satisfaction surveys: `sb_conversations.survey` (the survey a conversation offered when it
 * ended, answer included: JSON of the contract's `ConversationSurvey`, for a profile's conversations) and
 * `survey_open_until` (while a messaging customer's reply may still answer it: a closed conversation the
 * address's next message that reads as a rating goes to instead of opening a new one).
 *
 * Migration 5, call recordings (recordings.ts): `sb_recordings` (one per recorded call: what was asked —
 * recording, paused, stopped — its error, when retention deletes its media, when they were deleted),
 * `sb_recording_parts` (one per egress: its LiveKit egress ID, state, seconds and bytes),
 * `sb_recording_settings` / `sb_recording_queues` (the workspace's and each queue's own setting, the
 * retention) and the kit's `sb_timers` (a `retention` timer per finished recording).
 */
import { EXECUTIONS_TABLE } from "./executions";
import type { Migration } from "../kit/migrations";
import { TIMERS_TABLE } from "../kit/timers";

/** Append-only: never edit or renumber a shipped migration. */
export const DIRECTORY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "conversation index, open addresses, email threads, customer profiles",
    sql: `
CREATE TABLE sb_directory_account (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  account_sid TEXT    NOT NULL
);
CREATE TABLE sb_conversations (
  sid              TEXT    PRIMARY KEY,
  unique_name      TEXT    UNIQUE,
  friendly_name    TEXT,
  state            TEXT    NOT NULL,
  channel          TEXT,
  channel_sid      TEXT,
  customer_address TEXT,
  profile_sid      TEXT,
  last_worker_sid  TEXT,
  date_created     INTEGER NOT NULL,
  date_updated     INTEGER NOT NULL
);
CREATE INDEX sb_conversations_created ON sb_conversations (date_created, sid);
CREATE INDEX sb_conversations_profile ON sb_conversations (profile_sid, date_created);
CREATE TABLE sb_open_addresses (
  channel_sid      TEXT NOT NULL,
  customer_address TEXT NOT NULL,
  conversation_sid TEXT NOT NULL UNIQUE,
  PRIMARY KEY (channel_sid, customer_address)
);
CREATE TABLE sb_email_threads (
  channel_sid      TEXT NOT NULL,
  message_id       TEXT NOT NULL,
  conversation_sid TEXT NOT NULL,
  PRIMARY KEY (channel_sid, message_id)
);
CREATE INDEX sb_email_threads_conversation ON sb_email_threads (conversation_sid);
CREATE TABLE sb_profiles (
  sid             TEXT    PRIMARY KEY,
  friendly_name   TEXT,
  email           TEXT,
  phone           TEXT,
  attributes      TEXT    NOT NULL,
  last_worker_sid TEXT,
  date_created    INTEGER NOT NULL,
  date_updated    INTEGER NOT NULL
);
CREATE INDEX sb_profiles_created ON sb_profiles (date_created, sid);
CREATE TABLE sb_profile_addresses (
  channel      TEXT    NOT NULL,
  address      TEXT    NOT NULL,
  profile_sid  TEXT    NOT NULL,
  date_created INTEGER NOT NULL,
  PRIMARY KEY (channel, address)
);
CREATE INDEX sb_profile_addresses_profile ON sb_profile_addresses (profile_sid);
CREATE TABLE sb_profile_keys (
  key         TEXT PRIMARY KEY,
  profile_sid TEXT NOT NULL
);
CREATE INDEX sb_profile_keys_profile ON sb_profile_keys (profile_sid);
`,
  },
  {
    version: 2,
    name: "conversations by customer address (a returning web visitor's last conversation)",
    sql: `
CREATE INDEX sb_conversations_address ON sb_conversations (channel_sid, customer_address, date_created);
`,
  },
  {
    version: 3,
    name: "conversations users, participants per conversation, webhook configuration",
    sql: `
CREATE TABLE sb_users (
  sid           TEXT    PRIMARY KEY,
  identity      TEXT    NOT NULL UNIQUE,
  friendly_name TEXT,
  attributes    TEXT    NOT NULL,
  role_sid      TEXT,
  date_created  INTEGER NOT NULL,
  date_updated  INTEGER NOT NULL
);
CREATE INDEX sb_users_created ON sb_users (date_created, sid);
CREATE TABLE sb_conversation_participants (
  conversation_sid TEXT NOT NULL,
  participant_sid  TEXT NOT NULL,
  identity         TEXT,
  address          TEXT,
  PRIMARY KEY (conversation_sid, participant_sid)
);
CREATE INDEX sb_conversation_participants_identity ON sb_conversation_participants (identity);
CREATE INDEX sb_conversation_participants_address ON sb_conversation_participants (address);
CREATE TABLE sb_webhook_config (
  scope            TEXT PRIMARY KEY CHECK (scope IN ('service', 'account')),
  pre_webhook_url  TEXT,
  post_webhook_url TEXT,
  method           TEXT,
  filters          TEXT,
  target           TEXT NOT NULL
);
`,
  },
  {
    version: 4,
    name: "conversations' satisfaction surveys: the survey for the profile's list, and until when a reply answers it",
    sql: `
ALTER TABLE sb_conversations ADD COLUMN survey TEXT;
ALTER TABLE sb_conversations ADD COLUMN survey_open_until INTEGER;
`,
  },
  {
    version: 5,
    name: "call recordings: recordings, their parts, the workspace's and queues' settings, retention timers",
    sql: `
CREATE TABLE sb_recordings (
  sid              TEXT    PRIMARY KEY,
  conversation_sid TEXT    NOT NULL,
  call_sid         TEXT    NOT NULL UNIQUE,
  queue_sid        TEXT,
  desired          TEXT    NOT NULL CHECK (desired IN ('recording', 'paused', 'stopped')),
  error            TEXT,
  date_created     INTEGER NOT NULL,
  date_updated     INTEGER NOT NULL,
  date_expires     INTEGER,
  date_deleted     INTEGER
);
CREATE INDEX sb_recordings_created ON sb_recordings (date_created, sid);
CREATE INDEX sb_recordings_conversation ON sb_recordings (conversation_sid, date_created);
CREATE TABLE sb_recording_parts (
  recording_sid TEXT    NOT NULL,
  idx           INTEGER NOT NULL,
  egress_id     TEXT,
  status        TEXT    NOT NULL,
  duration_ms   INTEGER,
  size          INTEGER,
  date_started  INTEGER,
  date_ended    INTEGER,
  PRIMARY KEY (recording_sid, idx)
);
CREATE TABLE sb_recording_settings (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  record_calls   INTEGER NOT NULL,
  retention_days INTEGER
);
CREATE TABLE sb_recording_queues (
  queue_sid TEXT    PRIMARY KEY,
  record    INTEGER NOT NULL
);
${TIMERS_TABLE}
`,
  },
  {
    version: 6,
    name: "flow executions: the index Studio's Executions list reads (issue 16)",
    sql: EXECUTIONS_TABLE,
  },
];
