/**
 * Events: every state change, stored with the columns the Events list filters on, kept 30 days.
 * The record itself is stored whole, as the API returns it (the Worker adds `url`). An operation's
 * events are inserted together, up to ten a statement, when it ends or before anything reads them.
 */
import type { EventRecord } from "../../../contract/taskrouter";
import { first, rows, run, type HeldWrite, type SqlExec, type SqlValue, type StoreHost } from "../../kit/sql-host";
import type { PageWindow } from "../../kit/paging";

/** Twilio keeps events 30 days. */
export const EVENT_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** What an event is about, for the list filters. */
export interface EventSubjects {
  readonly taskSid?: string | null;
  readonly workerSid?: string | null;
  readonly reservationSid?: string | null;
  readonly taskQueueSid?: string | null;
  readonly workflowSid?: string | null;
  readonly taskChannelSid?: string | null;
}

const EVENT_COLUMNS =
  "sid, date_ms, event_type, task_sid, worker_sid, reservation_sid, task_queue_sid, workflow_sid, task_channel_sid, record";
/** Durable Objects bind at most 100 parameters per statement: ten events of ten columns. */
const EVENTS_PER_INSERT = 10;
const insertOf = (count: number) =>
  `INSERT INTO sb_events (${EVENT_COLUMNS}) VALUES ${Array.from({ length: count }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`;
const INSERTS = Array.from({ length: EVENTS_PER_INSERT }, (_, i) => insertOf(i + 1));

/** Events recorded by one operation, inserted together in the order recorded. */
class EventBatch implements HeldWrite {
  readonly table = "sb_events";
  readonly values: SqlValue[][] = [];

  write(sql: SqlExec): void {
    for (let i = 0; i < this.values.length; i += EVENTS_PER_INSERT) {
      const chunk = this.values.slice(i, i + EVENTS_PER_INSERT);
      sql.exec(INSERTS[chunk.length - 1]!, ...chunk.flat()).toArray();
    }
  }
}

/** Stores an event; in an operation (`operationHost`), with the operation's other events in one statement. */
export function insertEvent(host: StoreHost, record: EventRecord, subjects: EventSubjects): void {
  const values: SqlValue[] = [
    record.sid,
    record.event_date_ms,
    record.event_type,
    subjects.taskSid ?? null,
    subjects.workerSid ?? null,
    subjects.reservationSid ?? null,
    subjects.taskQueueSid ?? null,
    subjects.workflowSid ?? null,
    subjects.taskChannelSid ?? null,
    JSON.stringify(record),
  ];
  if (!host.held) return run(host, INSERTS[0]!, ...values);
  const held = host.held.get("sb_events");
  const batch = held instanceof EventBatch ? held : new EventBatch();
  if (batch !== held) host.held.set("sb_events", batch);
  batch.values.push(values);
}

export function getEvent(host: StoreHost, sid: string): EventRecord | undefined {
  const row = first<{ record: string }>(host, "SELECT record FROM sb_events WHERE sid = ?", sid);
  return row ? (JSON.parse(row.record) as EventRecord) : undefined;
}

export interface EventQuery extends EventSubjects {
  /** Inclusive bounds, epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly eventType?: string;
  readonly sid?: string;
}

const FILTERS: readonly [keyof EventQuery, string][] = [
  ["eventType", "event_type = ?"],
  ["sid", "sid = ?"],
  ["taskSid", "task_sid = ?"],
  ["workerSid", "worker_sid = ?"],
  ["reservationSid", "reservation_sid = ?"],
  ["taskQueueSid", "task_queue_sid = ?"],
  ["workflowSid", "workflow_sid = ?"],
  ["taskChannelSid", "task_channel_sid = ?"],
];

/** Events matching every given filter, newest first (ties: last recorded first). */
export function listEvents(host: StoreHost, query: EventQuery, window: PageWindow): EventRecord[] {
  const clauses = ["date_ms >= ?", "date_ms <= ?"];
  const bindings: SqlValue[] = [query.startMs, query.endMs];
  for (const [key, clause] of FILTERS) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    clauses.push(clause);
    bindings.push(value);
  }
  const found = rows<{ record: string }>(
    host,
    `SELECT record FROM sb_events WHERE ${clauses.join(" AND ")} ORDER BY date_ms DESC, rowid DESC LIMIT ? OFFSET ?`,
    ...bindings,
    window.limit,
    window.offset,
  );
  return found.map((row) => JSON.parse(row.record) as EventRecord);
}

/** Drops events older than the retention period. */
export function purgeEvents(host: StoreHost, now: number): void {
  run(host, "DELETE FROM sb_events WHERE date_ms < ?", now - EVENT_RETENTION_MS);
}

/**
 * When a reservation was accepted (epoch ms): its `reservation.accepted` event, looked for between
 * `from` and `to` (the reservation's creation and last change, so the date index bounds the search);
 * null when it was not accepted there, or the event is past the retention.
 */
export function reservationAcceptedAt(host: StoreHost, reservationSid: string, from: number, to: number): number | null {
  const row = first<{ date_ms: number }>(
    host,
    "SELECT date_ms FROM sb_events WHERE date_ms >= ? AND date_ms <= ? AND reservation_sid = ? AND event_type = 'reservation.accepted' ORDER BY date_ms LIMIT 1",
    from,
    to,
    reservationSid,
  );
  return row ? Number(row.date_ms) : null;
}
