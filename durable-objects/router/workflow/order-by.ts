/**
 * The `order_by` clause of a workflow target (and Switchboard's queue-level default): which of the
 * matching workers gets the task first. TaskRouter sorts by integer worker attributes,
 * `"worker.level DESC, worker.tenure ASC"`, later keys breaking ties. This module owns the clause's
 * syntax and the comparison; the matcher owns everything else about choosing a worker (with no order,
 * or on a full tie, it falls back to the worker idle longest).
 *
 * Missing values: a worker whose attribute is absent or not a number sorts AFTER every worker that has a
 * number, in both directions. Twilio documents only that the attributes must be integers; putting the
 * unknowns last means a worker can never jump the queue by lacking the attribute (under DESC they would
 * otherwise need a value below every number, under ASC above it — "last" is the one rule that fits both).
 * Numbers compare as they are (a 2.5 sorts between 2 and 3); strings, booleans, arrays and objects count
 * as missing, so `"5"` is not 5 — the expression language does not coerce either.
 */

import { readSegments, type Attributes } from "../expression";
import { parseAttributePath, type PathSegment } from "./attribute-path";

export interface OrderKey {
  /** The worker attribute path, without the `worker.` prefix: `["skills", "level"]`. */
  readonly segments: readonly PathSegment[];
  readonly direction: "ASC" | "DESC";
  /** The key as written, prefix included: `"worker.level"`. */
  readonly text: string;
}

export type OrderBy = readonly OrderKey[];

type ParseResult = { ok: true; orderBy: OrderBy } | { ok: false; message: string };

const WORKER_PREFIX = "worker.";

/**
 * Parses an `order_by` clause: comma-separated keys, each a worker attribute path (with or without the
 * `worker.` prefix) and an optional direction, ASC or DESC in any case, ASC by default. An empty or
 * blank clause is no ordering (`[]`). On failure the message names the offending text and its 0-based
 * position in `text`.
 *
 * @example
 * parseOrderBy("worker.level DESC, tenure")
 * // { ok: true, orderBy: [{ segments: ["level"], direction: "DESC", text: "worker.level" },
 * //                       { segments: ["tenure"], direction: "ASC", text: "tenure" }] }
 * parseOrderBy("worker.level DOWN")
 * // { ok: false, message: "Unexpected 'DOWN' at position 13: expected ASC or DESC" }
 */
export function parseOrderBy(text: string): ParseResult {
  if (text.trim() === "") return { ok: true, orderBy: [] };
  const keys: OrderKey[] = [];
  let start = 0;
  for (;;) {
    const comma = text.indexOf(",", start);
    const end = comma === -1 ? text.length : comma;
    const key = parseKey(text, start, end, comma !== -1);
    if (!key.ok) return key;
    keys.push(key.key);
    if (comma === -1) break;
    start = comma + 1;
  }
  return { ok: true, orderBy: keys };
}

/** One comma-separated part, `text.slice(start, end)`; `beforeComma` says a ',' ends it. */
function parseKey(
  text: string,
  start: number,
  end: number,
  beforeComma: boolean,
): { ok: true; key: OrderKey } | { ok: false; message: string } {
  const words = [...text.slice(start, end).matchAll(/\S+/g)].map((m) => ({ word: m[0], at: start + (m.index ?? 0) }));
  const [path, direction, extra] = words;
  if (!path) {
    return beforeComma
      ? { ok: false, message: `Unexpected ',' at position ${end}: expected a worker attribute` }
      : { ok: false, message: `Unexpected end of input at position ${end}: expected a worker attribute after ','` };
  }
  if (path.word.startsWith("task.")) {
    return {
      ok: false,
      message: `Invalid key '${path.word}' at position ${path.at}: order_by sorts workers, so its keys are worker attributes (worker.<attribute>)`,
    };
  }
  const prefixed = path.word.startsWith(WORKER_PREFIX) && path.word.length > WORKER_PREFIX.length;
  const bare = prefixed ? path.word.slice(WORKER_PREFIX.length) : path.word;
  const parsed = parseAttributePath(bare, path.at + (prefixed ? WORKER_PREFIX.length : 0), prefixed);
  if (!parsed.ok) return { ok: false, message: `Invalid key '${path.word}' at position ${parsed.position}: ${parsed.message}` };

  let dir: "ASC" | "DESC" = "ASC";
  if (direction) {
    const upper = direction.word.toUpperCase();
    if (upper !== "ASC" && upper !== "DESC") {
      return { ok: false, message: `Unexpected '${direction.word}' at position ${direction.at}: expected ASC or DESC` };
    }
    dir = upper;
  }
  if (extra) {
    return { ok: false, message: `Unexpected '${extra.word}' at position ${extra.at}: expected ',' or the end of the clause` };
  }
  return { ok: true, key: Object.freeze({ segments: Object.freeze(parsed.segments), direction: dir, text: path.word }) };
}

/**
 * The sort key of one worker: for each order key, the attribute's number, or null when it is missing or
 * not a finite number. Compute it once per candidate and compare with `compareOrderValues`.
 *
 * @example
 * const { orderBy } = parseOrderBy("level DESC, tenure") as { ok: true; orderBy: OrderBy };
 * orderValues(orderBy, { level: 3, tenure: "long" }) // [3, null]
 */
export function orderValues(orderBy: OrderBy, attributes: Attributes): (number | null)[] {
  return orderBy.map((key) => {
    const value = readSegments(attributes, key.segments);
    return typeof value === "number" && Number.isFinite(value) ? value : null;
  });
}

/**
 * Compares two workers' sort keys: negative when `a` goes first, positive when `b` does, 0 on a full
 * tie. Keys are compared in order, each in its direction; a null (missing) value goes after any number
 * whatever the direction, and two nulls tie.
 *
 * @example
 * const { orderBy } = parseOrderBy("level DESC") as { ok: true; orderBy: OrderBy };
 * compareOrderValues(orderBy, [5], [3])    // < 0: level 5 before level 3
 * compareOrderValues(orderBy, [null], [3]) // > 0: missing goes last even under DESC
 */
export function compareOrderValues(orderBy: OrderBy, a: readonly (number | null)[], b: readonly (number | null)[]): number {
  for (let i = 0; i < orderBy.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const diff = x < y ? -1 : x > y ? 1 : 0;
    if (diff !== 0) return orderBy[i]!.direction === "DESC" ? -diff : diff;
  }
  return 0;
}

/**
 * Writes an order back in its canonical form, e.g. for an API response.
 *
 * @example
 * formatOrderBy(parsed) // "worker.level DESC, worker.tenure ASC"
 */
export function formatOrderBy(orderBy: OrderBy): string {
  return orderBy.map((key) => `worker.${formatSegments(key.segments)} ${key.direction}`).join(", ");
}

function formatSegments(segments: readonly PathSegment[]): string {
  return segments.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}
