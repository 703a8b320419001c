/**
 * From source to a CompiledExpression: parse once, then turn the tree into nested closures so that
 * `evaluate` — which the matcher runs millions of times — never walks the AST, never switches on an
 * operator, and allocates nothing of its own. AND/OR chains become flat lists, comparisons between two
 * constants are folded, and `x IN [ … ]` against a constant list becomes a Set lookup.
 */

import type { ComparisonOperator, EvaluationInput, Expr, ExpressionKind, Json, Operand, Scalar } from "./ast";
import type { ClockValues } from "./clock";
import { comparator, compare, isScalar } from "./compare";
import { ExpressionSyntaxError } from "./errors";
import { parseExpression } from "./parser";
import { clockFor, pathReader, type PathReader } from "./resolve";

/**
 * What an expression reads, so callers can tell whether a result can be cached or indexed:
 * - `worker`: the worker's attributes, sid, friendly name or activity (not its channels).
 * - `workerChannels`: `worker.channel.<name>.*`, which changes with every reservation.
 * - `task`: the task's attributes.
 * - `clock`: `taskrouter.*` (the time, and business calendars), which changes with time.
 * - `counters`: `skip_if`'s `workers.*`.
 */
export interface ExpressionReads {
  readonly worker: boolean;
  readonly workerChannels: boolean;
  readonly task: boolean;
  readonly clock: boolean;
  readonly counters: boolean;
}

export interface CompiledExpression {
  readonly source: string;
  readonly kind: ExpressionKind;
  readonly ast: Expr;
  /** What the expression depends on — lets callers know whether a result can be cached or indexed. */
  readonly reads: ExpressionReads;
  /** Never throws, whatever the documents contain. */
  evaluate(input: EvaluationInput): boolean;
}

type Predicate = (input: EvaluationInput, clock: ClockValues | undefined) => boolean;

const ALWAYS: Predicate = () => true;
const NEVER: Predicate = () => false;

/**
 * Compiles a TaskRouter expression of the given kind. Throws only ExpressionSyntaxError.
 *
 * @example
 * const expr = compileExpression("skills HAS 'support' AND level >= 3", "queue");
 * expr.evaluate({ worker }) // true when the worker's attributes have both
 * expr.reads // { worker: true, workerChannels: false, task: false, clock: false, counters: false }
 */
export function compileExpression(source: string, kind: ExpressionKind): CompiledExpression {
  const ast = parseExpression(source, kind);
  const reads = readsOf(ast);
  const test = compileExpr(ast);
  const needsClock = reads.clock;
  const evaluate = (input: EvaluationInput): boolean => {
    try {
      return test(input, needsClock ? clockFor(input) : undefined) === true;
    } catch {
      // Only reachable through non-JSON input (a throwing getter, a throwing counters callback).
      return false;
    }
  };
  return Object.freeze({ source, kind, ast, reads, evaluate });
}

/**
 * Like compileExpression, but returns the syntax error instead of throwing it.
 *
 * @example
 * const result = tryCompileExpression("type ==", "filter");
 * if (!result.ok) result.error.position // 7
 */
export function tryCompileExpression(
  source: string,
  kind: ExpressionKind,
): { ok: true; expression: CompiledExpression } | { ok: false; error: ExpressionSyntaxError } {
  try {
    return { ok: true, expression: compileExpression(source, kind) };
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return { ok: false, error };
    throw error;
  }
}

function readsOf(ast: Expr): ExpressionReads {
  const reads = { worker: false, workerChannels: false, task: false, clock: false, counters: false };
  const visitOperand = (operand: Operand): void => {
    if (operand.type !== "path") return;
    switch (operand.ref.source) {
      case "worker.attributes":
      case "worker.field":
        reads.worker = true;
        break;
      case "worker.channel":
        reads.workerChannels = true;
        break;
      case "task.attributes":
        reads.task = true;
        break;
      case "clock":
      case "calendar":
        reads.clock = true;
        break;
      case "counter":
        reads.counters = true;
        break;
    }
  };
  // An explicit stack: a long AND chain is a deep left spine.
  const stack: Expr[] = [ast];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === "compare") {
      visitOperand(node.left);
      visitOperand(node.right);
    } else {
      stack.push(node.left, node.right);
    }
  }
  return Object.freeze(reads);
}

/** The operands of a chain of one logical operator, in source order: `a AND (b AND c) AND d` → a, b, c, d. */
function flatten(node: Expr, type: "and" | "or"): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [node];
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    if (current.type === type) stack.push(current.right, current.left);
    else out.push(current);
  }
  return out;
}

function compileExpr(node: Expr): Predicate {
  if (node.type === "compare") return compileComparison(node.op, node.left, node.right);
  const parts = flatten(node, node.type).map(compileExpr);
  const [a, b] = parts as [Predicate, Predicate];
  if (node.type === "and") {
    if (parts.length === 2) return (input, clock) => a(input, clock) && b(input, clock);
    return (input, clock) => {
      for (let i = 0; i < parts.length; i++) if (!(parts[i] as Predicate)(input, clock)) return false;
      return true;
    };
  }
  if (parts.length === 2) return (input, clock) => a(input, clock) || b(input, clock);
  return (input, clock) => {
    for (let i = 0; i < parts.length; i++) if ((parts[i] as Predicate)(input, clock)) return true;
    return false;
  };
}

/** A literal as the Json the comparators take (lists are frozen readonly arrays; comparators never write). */
function literalValue(value: Scalar | readonly Scalar[]): Json {
  return value as Json;
}

function compileComparison(op: ComparisonOperator, left: Operand, right: Operand): Predicate {
  if (left.type === "literal" && right.type === "literal") {
    return compare(op, literalValue(left.value), literalValue(right.value)) ? ALWAYS : NEVER;
  }
  // `x IN [ … ]`, `x NOT IN [ … ]` and `[ … ] HAS x` against a constant list: a Set lookup.
  // Set membership is SameValueZero, which on scalars is `===`: 5 and "5" stay apart, as compare() keeps them.
  if ((op === "IN" || op === "NOT IN") && left.type === "path" && right.type === "literal" && Array.isArray(right.value)) {
    const set = new Set<unknown>(right.value);
    const read = pathReader(left.ref);
    return op === "IN"
      ? (input, clock) => {
          const value = read(input, clock);
          return isScalar(value) && set.has(value);
        }
      : (input, clock) => {
          const value = read(input, clock);
          return isScalar(value) && !set.has(value);
        };
  }
  if (op === "HAS" && left.type === "literal" && right.type === "path" && Array.isArray(left.value)) {
    const set = new Set<unknown>(left.value);
    const read = pathReader(right.ref);
    return (input, clock) => {
      const value = read(input, clock);
      return isScalar(value) && set.has(value);
    };
  }
  const fn = comparator(op);
  if (right.type === "literal") {
    const constant = literalValue(right.value);
    const read = pathReader((left as Extract<Operand, { type: "path" }>).ref);
    return (input, clock) => fn(read(input, clock), constant);
  }
  const readRight: PathReader = pathReader(right.ref);
  if (left.type === "literal") {
    const constant = literalValue(left.value);
    return (input, clock) => fn(constant, readRight(input, clock));
  }
  const readLeft = pathReader(left.ref);
  return (input, clock) => fn(readLeft(input, clock), readRight(input, clock));
}
