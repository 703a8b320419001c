/**
 * Turns a worker-side expression into a set of candidate workers using the attribute index, so a
 * decision looks at the few workers who could match instead of all of them.
 *
 * The plan is a superset: every worker the expression accepts is in it, and the caller still evaluates
 * the expression on each candidate. Task-side operands (`task.*`, the clock, literals) are bound to
 * their values first, so `worker.skills HAS task.type` becomes an index lookup. A comparison the index
 * cannot answer (ranges, channel state, CONTAINS …) makes its branch "everyone" (null); AND keeps the
 * smallest narrowing branch, OR needs every branch narrowed.
 */
import type { ComparisonOperator, EvaluationInput, Expr, Json, Operand, PathRef } from "../expression";
import { resolvePath } from "../expression";
import type { AttributeIndex } from "./attribute-index";

/** Candidate workers, or null for "cannot narrow: every worker is a candidate". */
export type Candidates = ReadonlySet<string> | null;

export interface PlannerSources {
  readonly index: AttributeIndex;
  /** The worker with this SID, if any (for `worker.sid == …`). */
  readonly sidExists: (sid: string) => boolean;
  /** Worker SIDs whose friendly name equals this one ignoring case (friendly names are unique that way). */
  readonly sidsByFriendlyName: (name: string) => ReadonlySet<string>;
}

type Bound = { readonly kind: "value"; readonly value: Json | undefined } | { readonly kind: "worker"; readonly ref: PathRef };

const EMPTY: ReadonlySet<string> = new Set();

function bind(operand: Operand, input: EvaluationInput): Bound {
  if (operand.type === "literal") return { kind: "value", value: operand.value as Json };
  const source = operand.ref.source;
  if (source === "worker.attributes" || source === "worker.field" || source === "worker.channel") {
    return { kind: "worker", ref: operand.ref };
  }
  return { kind: "value", value: resolvePath(operand.ref, input) };
}

/** Mirror an operator so the worker-side operand is on the left: `v IN path` is `path HAS v`. */
const MIRRORED: Partial<Record<ComparisonOperator, ComparisonOperator>> = { "==": "==", IN: "HAS", HAS: "IN" };

function comparison(op: ComparisonOperator, left: Bound, right: Bound, sources: PlannerSources): Candidates {
  if (left.kind === "value" && right.kind === "worker") {
    const mirrored = MIRRORED[op];
    return mirrored ? comparison(mirrored, right, left, sources) : null;
  }
  if (left.kind !== "worker" || right.kind !== "value") return null;
  const ref = left.ref;
  const value = right.value;
  if (ref.source === "worker.attributes") {
    switch (op) {
      case "==":
        return sources.index.equal(ref.segments, value);
      case "HAS":
        return sources.index.has(ref.segments, value);
      case "IN":
        return Array.isArray(value) ? union(value.map((v) => sources.index.equal(ref.segments, v))) : EMPTY;
      default:
        return null;
    }
  }
  if (ref.source === "worker.field" && op === "==" && typeof value === "string") {
    if (ref.field === "sid") return sources.sidExists(value) ? new Set([value]) : EMPTY;
    if (ref.field === "friendly_name") return sources.sidsByFriendlyName(value);
  }
  return null;
}

function union(sets: readonly ReadonlySet<string>[]): ReadonlySet<string> {
  const nonEmpty = sets.filter((s) => s.size > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? EMPTY;
  const out = new Set<string>();
  for (const s of nonEmpty) for (const sid of s) out.add(sid);
  return out;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Set<string>();
  for (const sid of small) if (large.has(sid)) out.add(sid);
  return out;
}

/**
 * Candidate workers for `expr` evaluated with the task-side `input`.
 * @example
 * plan(compileExpression("skills HAS 'billing' AND level > 3", "queue").ast, {}, sources)
 * // → the workers whose skills array holds "billing" (the range is checked later, per candidate)
 */
export function plan(expr: Expr, input: EvaluationInput, sources: PlannerSources): Candidates {
  switch (expr.type) {
    case "compare":
      return comparison(expr.op, bind(expr.left, input), bind(expr.right, input), sources);
    case "and": {
      const left = plan(expr.left, input, sources);
      const right = plan(expr.right, input, sources);
      if (left === null) return right;
      if (right === null) return left;
      // Intersecting two big sets costs more than it saves; the smaller one is a fine superset.
      const [small, large] = left.size <= right.size ? [left, right] : [right, left];
      return small.size * 8 < large.size ? small : intersect(small, large);
    }
    case "or": {
      const left = plan(expr.left, input, sources);
      if (left === null) return null;
      const right = plan(expr.right, input, sources);
      return right === null ? null : union([left, right]);
    }
  }
}
