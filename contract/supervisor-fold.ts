/**
 * How a supervisor's client folds a `supervisor.delta` queue onto the row it has: the delta names the
 * queue's SID and only what changed (durable-objects/router/realtime/supervisor-sent.ts) — a field whole,
 * except an object field (`tasks_by_status`, `today`, `thresholds`, `crossed`: each with a fixed set of
 * keys), of which only the keys that changed. The desktop's feed (web/desktop/src/app/supervisor/feed.ts)
 * and the server's tests fold with this one rule. Pure, no zod: the browser bundles it.
 */
import { isRecord } from "./is-record";

/**
 * A queue's row with a delta's changes folded in, objects one level deep; a queue not known yet comes
 * whole in the delta, and an older server's whole row replaces every field.
 * @example foldQueue(support, { sid: support.sid, tasks_by_status: { pending: 2 }, total_tasks: 2 }) // support with 2 pending
 */
export function foldQueue<Q extends { sid: string }>(had: Q | undefined, change: { sid: string }): Q {
  const row: Record<string, unknown> = had ? { ...(had as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(change as Record<string, unknown>)) {
    const old = row[key];
    row[key] = isRecord(value) && isRecord(old) ? { ...old, ...value } : value;
  }
  return row as Q;
}
