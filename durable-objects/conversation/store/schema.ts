/**
 * The ConversationDO's tables. Append-only: never edit or renumber a shipped migration.
 *
 * What is stored and why:
 * - `sb_conversation`: the conversation itself (one row): its account and workspace (fixed by the first
 *   `create`/`receive`), Twilio's fields, the customer's channel and profile, the current task, the
 *   request its tasks are made from (kept for transfers) and the "task pending" marker of a task still
 *   to be created through the Router, so the alarm can retry it after an eviction. `version` is bumped on every change, so a write-back after an
 *   await can tell whether something else changed the row meanwhile.
 * - `sb_tombstone`: written after `deleteConversation` wiped everything else, so the SID is never
 *   reused: every later call answers 404 and a later create 409.
 * - `sb_participants`: participants (chat identity or messaging binding, never both required).
 * - `sb_messages`: messages by index (0, 1, 2 …), with the state of their delivery to the customer's
 *   channel and the provider's ID of the delivered copy (what status callbacks are matched by).
 * - `sb_sequence`: the next message index, counted apart so a removed message's index is never reused.
 * - `sb_idempotency`: keys that make a call answer the same message twice: `inbound:<provider ID>` for
 *   customer messages, `client:<key>` for the API's and sockets' idempotency keys.
 * - `sb_deliveries`: the outbound delivery queue, in send order (message index); only the head is sent.
 * - `sb_tasks`: the conversation's TaskRouter tasks (the first, and one per transfer), their agent and
 *   whom a transfer came from; `sb_task_events`: the event SIDs already applied (at-least-once queue).
 * - `sb_timers`: delivery and task-creation retries; the one alarm is set to the earliest `due_at`.
 * - `sb_past_participants` (version 2): who left (agents after wrap-up), with their name, what they
 *   had read and when they joined and left, so the transcript keeps naming them.
 *
 * Migration 3 gives a delivered message its delivery receipt (Twilio's `DY…`, one per message: the
 * customer's channel is its one recipient): whom it went to, the provider's numeric error code, and when
 * the receipt was made and last moved.
 *
 * Migration 4, webhooks: `sb_webhooks` holds the conversation-scoped webhooks (Twilio's `WH…`, at most
 * five); `sb_hook_outbox` the post-event webhook requests written in the transaction of the change they
 * announce and sent to the EVENTS queue after the commit (removed once queued; the alarm retries), so an
 * eviction delays an event but never loses one; a `hooks` timer in `sb_timers` is that retry.
 *
 * Migration 5 moves the timers and the outbox into the tables every object shares (kit/timers.ts,
 * kit/outbox.ts): a timer is keyed by kind and SID, and the conversation's own — `delivery` (the head of
 * the delivery queue: a retry's backoff, or the in-flight guard of a send that may have died with an
 * eviction), `task` (the pending task's next attempt), `index` (a retry of the directory entry) — have
 * the SID ""; `sb_hook_outbox` becomes the topic `hooks` of `sb_outbox`, and its `hooks` timer the
 * outbox's (`outbox`, `hooks`).
 *
 * Migration 6, `sb_registration`: a conversation a new web chat visitor's first message opened without
 * the DirectoryDO (so the agent is rung without a call to the workspace's home region) keeps here what the
 * directory is to be told — the address to claim, the profile to create under the SID minted ahead — until
 * the `index` timer's call has told it.
 *
 * Migration 7, staff-only messages: `visibility` (`all`, or `staff` for an internal note or a supervisor's
 * whisper, which never reaches the customer) and `author_role` (what the author was when they wrote it:
 * a participant's role, or `supervisor` for a whisper from someone who is no participant).
 *
 * Migration 8, the satisfaction survey: `survey_question` on `sb_conversation` is what the channel asked
 * when the conversation opened (null: no survey), `survey` the survey once offered (JSON of the contract's
 * `ConversationSurvey`, answer included), on the row so every record and frame carries it.
 *
 * Migration 9, calls (issue 15; lifecycle/calls.ts): `sb_calls` one row per call (its kind, state, who
 * started it, its task and whether that task is the call's own, the LiveKit room session it lives in,
 * hold, the end and why; `version` bumped on every change, so a write-back after a LiveKit call can tell
 * whether the call moved meanwhile); `sb_call_presence` who is in the room, one row per LiveKit
 * participant session (`PA_…`), with `left_at` once it left — a session that left never comes back, so
 * webhooks in any order give the same parties; `sb_call_events` the webhook IDs already applied.
 */
import type { Migration } from "../../kit/migrations";
import { OUTBOX_TABLE } from "../../kit/outbox";
import { TIMERS_TABLE } from "../../kit/timers";

export const CONVERSATION_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "conversation: conversation, participants, messages, idempotency, deliveries, tasks, timers",
    sql: `
      CREATE TABLE sb_conversation (
        id               INTEGER PRIMARY KEY CHECK (id = 1),
        sid              TEXT    NOT NULL,
        account_sid      TEXT    NOT NULL,
        workspace_sid    TEXT    NOT NULL,
        friendly_name    TEXT,
        unique_name      TEXT,
        attributes       TEXT    NOT NULL,
        state            TEXT    NOT NULL,
        channel          TEXT,
        channel_sid      TEXT,
        task_sid         TEXT,
        date_created     INTEGER NOT NULL,
        date_updated     INTEGER NOT NULL,
        version          INTEGER NOT NULL,
        profile_sid      TEXT,
        last_worker_sid  TEXT,
        task_request     TEXT,
        task_pending     INTEGER NOT NULL DEFAULT 0,
        task_attempts    INTEGER NOT NULL DEFAULT 0,
        task_error       TEXT
      );
      CREATE TABLE sb_tombstone (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        sid         TEXT    NOT NULL,
        account_sid TEXT    NOT NULL,
        deleted_at  INTEGER NOT NULL
      );
      CREATE TABLE sb_participants (
        sid                     TEXT    PRIMARY KEY,
        identity                TEXT    UNIQUE,
        attributes              TEXT    NOT NULL,
        binding_type            TEXT,
        binding_address         TEXT    UNIQUE,
        binding_proxy_address   TEXT,
        role                    TEXT    NOT NULL,
        display_name            TEXT,
        last_read_message_index INTEGER,
        last_read_at            INTEGER,
        date_created            INTEGER NOT NULL,
        date_updated            INTEGER NOT NULL
      );
      CREATE TABLE sb_messages (
        idx                 INTEGER PRIMARY KEY,
        sid                 TEXT    NOT NULL UNIQUE,
        author              TEXT    NOT NULL,
        body                TEXT,
        media               TEXT,
        attributes          TEXT    NOT NULL,
        participant_sid     TEXT,
        date_created        INTEGER NOT NULL,
        date_updated        INTEGER NOT NULL,
        delivery_status     TEXT,
        delivery_error      TEXT,
        provider_message_id TEXT
      );
      CREATE INDEX sb_messages_provider ON sb_messages (provider_message_id);
      CREATE TABLE sb_sequence (
        name TEXT    PRIMARY KEY,
        next INTEGER NOT NULL
      );
      CREATE TABLE sb_idempotency (
        key         TEXT PRIMARY KEY,
        message_sid TEXT NOT NULL
      );
      CREATE TABLE sb_deliveries (
        message_idx INTEGER PRIMARY KEY,
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT
      );
      CREATE TABLE sb_tasks (
        task_sid         TEXT    PRIMARY KEY,
        worker_sid       TEXT,
        reservation_sid  TEXT,
        transferred_from TEXT,
        status           TEXT    NOT NULL,
        date_created     INTEGER NOT NULL
      );
      CREATE TABLE sb_task_events (
        event_sid  TEXT    PRIMARY KEY,
        applied_at INTEGER NOT NULL
      );
      CREATE TABLE sb_timers (
        kind   TEXT    PRIMARY KEY,
        due_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "conversation: participants who left",
    sql: `
      CREATE TABLE sb_past_participants (
        sid                     TEXT    PRIMARY KEY,
        identity                TEXT,
        role                    TEXT    NOT NULL,
        display_name            TEXT,
        last_read_message_index INTEGER,
        date_created            INTEGER NOT NULL,
        date_left               INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "conversation: delivery receipts (recipient, error code, receipt dates)",
    sql: `
      ALTER TABLE sb_messages ADD COLUMN delivery_participant_sid TEXT;
      ALTER TABLE sb_messages ADD COLUMN delivery_error_code INTEGER;
      ALTER TABLE sb_messages ADD COLUMN receipt_created_at INTEGER;
      ALTER TABLE sb_messages ADD COLUMN receipt_updated_at INTEGER;
    `,
  },
  {
    version: 4,
    name: "conversation: scoped webhooks, post-event outbox",
    sql: `
      CREATE TABLE sb_webhooks (
        sid          TEXT    PRIMARY KEY,
        target       TEXT    NOT NULL,
        url          TEXT,
        method       TEXT,
        filters      TEXT,
        triggers     TEXT,
        flow_sid     TEXT,
        replay_after INTEGER,
        date_created INTEGER NOT NULL,
        date_updated INTEGER NOT NULL
      );
      CREATE TABLE sb_hook_outbox (
        id   INTEGER PRIMARY KEY AUTOINCREMENT,
        body TEXT    NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: "conversation: the shared timers (kind, sid, due_at) and outbox (topic hooks)",
    sql: `
      ALTER TABLE sb_timers RENAME TO sb_timers_by_kind;
      ${TIMERS_TABLE}
      INSERT INTO sb_timers (kind, sid, due_at)
        SELECT CASE kind WHEN 'hooks' THEN 'outbox' ELSE kind END, CASE kind WHEN 'hooks' THEN 'hooks' ELSE '' END, due_at
        FROM sb_timers_by_kind;
      DROP TABLE sb_timers_by_kind;
      ${OUTBOX_TABLE}
      INSERT INTO sb_outbox (id, topic, body) SELECT id, 'hooks', body FROM sb_hook_outbox;
      DROP TABLE sb_hook_outbox;
    `,
  },
  {
    version: 6,
    name: "conversation: a registration the DirectoryDO has yet to hear (a web chat visitor's first message)",
    sql: `
      CREATE TABLE sb_registration (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        body TEXT    NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: "conversation: staff-only messages (visibility) and the author's role",
    sql: `
      ALTER TABLE sb_messages ADD COLUMN visibility TEXT NOT NULL DEFAULT 'all';
      ALTER TABLE sb_messages ADD COLUMN author_role TEXT;
    `,
  },
  {
    version: 8,
    name: "conversation: the satisfaction survey (the question its channel asked it to offer, and the survey offered)",
    sql: `
      ALTER TABLE sb_conversation ADD COLUMN survey_question TEXT;
      ALTER TABLE sb_conversation ADD COLUMN survey TEXT;
    `,
  },
  {
    version: 9,
    name: "conversation: calls, who is in their rooms, the LiveKit webhooks applied",
    sql: `
      CREATE TABLE sb_calls (
        sid            TEXT    PRIMARY KEY,
        kind           TEXT    NOT NULL,
        state          TEXT    NOT NULL,
        started_by     TEXT    NOT NULL,
        starter        TEXT    NOT NULL,
        task_sid       TEXT,
        own_task       INTEGER NOT NULL DEFAULT 0,
        room_sid       TEXT,
        estimated_wait INTEGER,
        recording      TEXT    NOT NULL DEFAULT 'off',
        consult        TEXT,
        date_created   INTEGER NOT NULL,
        date_connected INTEGER,
        date_ended     INTEGER,
        end_reason     TEXT,
        failure        TEXT,
        version        INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE sb_call_presence (
        call_sid        TEXT    NOT NULL,
        participant_sid TEXT    NOT NULL,
        identity        TEXT    NOT NULL,
        role            TEXT    NOT NULL,
        name            TEXT,
        joined_at       INTEGER NOT NULL,
        left_at         INTEGER,
        PRIMARY KEY (call_sid, participant_sid)
      );
      CREATE TABLE sb_call_events (
        event_id   TEXT    PRIMARY KEY,
        applied_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: "conversation: what a task was made for when a call was handed on",
    sql: `ALTER TABLE sb_tasks ADD COLUMN handoff TEXT;`,
  },
  {
    version: 11,
    name: "conversation: the self-service flow it runs or is to start (issue 16), and the keys of flow effects applied",
    sql: `
      CREATE TABLE sb_flow (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        execution_sid TEXT,
        pending       TEXT,
        attempts      INTEGER NOT NULL DEFAULT 0,
        error         TEXT
      );
      CREATE TABLE sb_flow_keys (
        key        TEXT    PRIMARY KEY,
        value      TEXT    NOT NULL,
        applied_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 12,
    name: "conversation: the flow execution answering a call, and the task it is to make when the flow hands it on (issue 16)",
    sql: `
      ALTER TABLE sb_calls ADD COLUMN execution_sid TEXT;
      ALTER TABLE sb_calls ADD COLUMN flow_task TEXT;
    `,
  },
];
