/**
 * Events: every state change, stored with the columns the Events list filters on, kept 30 days.
 * The record itself is stored whole, as the API returns it (the Worker adds `url`).
 */
import type { EventRecord } from "../../../contract/taskrouter";
import { first, rows, run, type SqlValue, type StoreHost } from "../../kit/sql-host";
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

export function insertEvent(host: StoreHost, record: EventRecord, subjects: EventSubjects): void {
  run(
    host,
    `INSERT INTO sb_events (sid, date_ms, event_type, task_sid, worker_sid, reservation_sid, task_queue_sid, workflow_sid, task_channel_sid, record)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  );
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
