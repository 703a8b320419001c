/**
 * The transactional outbox: a message is written in the transaction of the change it announces and
 * sent after the commit, in the order written, then removed. A crash or eviction between the two delays
 * a message, never loses one; receivers are idempotent (the EVENTS queue is at-least-once anyway).
 * Every object's outbox is one table, one topic per stream (the Router's `events`, the ConversationDO's
 * `hooks`); the caller says how a batch is sent. A drain that fails leaves the rest in place and sets an
 * `outbox` timer for the topic (kit/timers.ts), so the object's one alarm retries it on the policy's
 * schedule; one drain runs at a time per topic.
 *
 * @example
 * enqueue(op.host, "events", JSON.stringify(message)); // inside the change's transactionSync
 * const outbox = new Outbox(ctx.storage, "events", async (rows) => {
 *   await env.EVENTS.sendBatch(rows.map((row) => ({ body: JSON.parse(row.body) })));
 *   return rows.length;
 * }, retryPolicy({ baseDelayMs: 30_000, maxDelayMs: 30_000 }));
 * if (!(await outbox.drain())) await syncAlarm(); // failed: the timer is set
 */
import { retryDelay, type RetryPolicy } from "../../platform/backoff";
import { rows, run, type StoreHost } from "./sql-host";
import { clearTimer, setTimer } from "./timers";

/** The table, for an object's migrations. */
export const OUTBOX_TABLE = `CREATE TABLE sb_outbox (
  id    INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT    NOT NULL,
  body  TEXT    NOT NULL
);`;

/** The kind of the timer that retries a topic's drain (its SID is the topic). */
export const OUTBOX_TIMER = "outbox";

export interface OutboxRow {
  readonly id: number;
  readonly body: string;
}

/** Writes a message (already serialized) in the caller's transaction. */
export function enqueue(host: StoreHost, topic: string, body: string): void {
  run(host, "INSERT INTO sb_outbox (topic, body) VALUES (?, ?)", topic, body);
}

/** The oldest messages of `topic` waiting to be sent. */
export function unsent(host: StoreHost, topic: string, limit: number): OutboxRow[] {
  return rows<OutboxRow>(host, "SELECT id, body FROM sb_outbox WHERE topic = ? ORDER BY id LIMIT ?", topic, limit);
}

/** Sent messages leave the outbox. */
export function removeSent(host: StoreHost, ids: readonly number[]): void {
  for (const id of ids) run(host, "DELETE FROM sb_outbox WHERE id = ?", id);
}

/**
 * Sends what `rows` it can, oldest first, and answers how many of the first it delivered (at least one
 * when it does not throw); throws when the receiver cannot be reached.
 */
export type SendBatch = (rows: readonly OutboxRow[]) => Promise<number>;

/** One topic's drain: in order, one at a time, the retry timer set when it fails. */
export class Outbox {
  private draining: Promise<boolean> | null = null;
  private failures = 0;
  /**
   * Whether the retry timer may be set (unknown after a wake): an empty outbox clears it only then, so
   * a drain with nothing gone wrong writes nothing but its removals (the Router's hot path).
   */
  private timerSet = true;

  constructor(
    private readonly host: StoreHost,
    readonly topic: string,
    private readonly send: SendBatch,
    private readonly retry: RetryPolicy,
    private readonly batchSize = 100,
  ) {}

  /**
   * Sets the retry timer in the caller's transaction, for an object that writes messages and may be
   * evicted before its drain starts: the alarm then drains them.
   */
  guard(host: StoreHost, now: number): void {
    setTimer(host, OUTBOX_TIMER, this.topic, now + retryDelay(this.retry, 1));
    this.timerSet = true;
  }

  /** Whether a message waits. */
  hasUnsent(): boolean {
    return unsent(this.host, this.topic, 1).length > 0;
  }

  /**
   * Sends everything waiting, joining a drain already running (which sends what was written meanwhile
   * too). Answers true when the outbox was emptied, false when sending failed and the timer is set.
   */
  drain(): Promise<boolean> {
    this.draining ??= this.run().finally(() => (this.draining = null));
    return this.draining;
  }

  private async run(): Promise<boolean> {
    try {
      for (;;) {
        const batch = unsent(this.host, this.topic, this.batchSize);
        if (batch.length === 0) {
          if (this.timerSet) clearTimer(this.host, OUTBOX_TIMER, this.topic);
          this.timerSet = false;
          this.failures = 0;
          return true;
        }
        const sent = await this.send(batch);
        this.host.transactionSync(() =>
          removeSent(
            this.host,
            batch.slice(0, Math.max(1, sent)).map((row) => row.id),
          ),
        );
      }
    } catch (error) {
      this.failures++;
      const delay = retryDelay(this.retry, this.failures);
      console.error(`outbox ${this.topic}: sending failed; retrying in ${delay} ms`, error);
      this.host.transactionSync(() => setTimer(this.host, OUTBOX_TIMER, this.topic, Date.now() + delay));
      this.timerSet = true;
      return false;
    }
  }
}
