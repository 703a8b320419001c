/**
 * Messages for the EVENTS queue, written in the transaction of the change they announce and removed
 * once sent: a crash between commit and send delays a message, it does not lose it. Consumers are
 * idempotent (the queue is at-least-once anyway).
 */
import { rows, run, type StoreHost } from "../../kit/sql-host";

export function enqueue(host: StoreHost, message: unknown): void {
  run(host, "INSERT INTO sb_outbox (body) VALUES (?)", JSON.stringify(message));
}

/** The oldest messages waiting to be sent. */
export function peek(host: StoreHost, limit: number): { id: number; body: string }[] {
  return rows<{ id: number; body: string }>(host, "SELECT id, body FROM sb_outbox ORDER BY id LIMIT ?", limit);
}

/** Removes sent messages: every id up to and including `lastId` among those peeked. */
export function remove(host: StoreHost, ids: readonly number[]): void {
  for (const id of ids) run(host, "DELETE FROM sb_outbox WHERE id = ?", id);
}

export function outboxSize(host: StoreHost): number {
  return Number(rows<{ n: number }>(host, "SELECT count(*) AS n FROM sb_outbox")[0]?.n ?? 0);
}
