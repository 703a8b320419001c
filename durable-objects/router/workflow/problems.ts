/**
 * The problem list that configuration parsers return instead of throwing: every mistake at once, each
 * at the JSON path (or Twilio parameter name) where it sits, so an admin fixes a workflow in one round
 * trip rather than one error per save. Also the small readers both the workflow and the TaskQueue parser
 * need (SIDs, bounded integers that may arrive as form-encoded strings, expression compile errors).
 */

import { tryCompileExpression, type CompiledExpression, type ExpressionKind } from "../expression";

export interface ConfigurationProblem {
  /** Where: `task_routing.filters[0].targets[1].expression`, a Twilio parameter name, or `""` for the whole document. */
  readonly path: string;
  /** What is wrong, written to follow the path: `"task_routing.filters[0].expression: is required …"`. */
  readonly message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const TASK_QUEUE_SID = /^WQ[0-9a-fA-F]{32}$/;

/**
 * Extends a JSON path by an object key or an array index.
 *
 * @example
 * childPath("task_routing", "filters") // "task_routing.filters"
 * childPath("task_routing.filters", 0) // "task_routing.filters[0]"
 * childPath("", "odd key")             // '["odd key"]'
 */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" ? key : `${path}.${key}`;
}

/**
 * Describes a rejected value for a message: short strings quoted, numbers as written, others by kind.
 *
 * @example
 * describeValue("abc") // '"abc"'
 * describeValue([1])   // "an array"
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * `WQ` followed by 32 hex digits.
 *
 * @example
 * isTaskQueueSid("WQ" + "0".repeat(32)) // true
 */
export function isTaskQueueSid(value: unknown): value is string {
  return typeof value === "string" && TASK_QUEUE_SID.test(value);
}

/** Collects problems in the order they are found. */
export class ProblemList {
  readonly problems: ConfigurationProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }

  /** Reports every key of `object` not in `allowed`, naming it and listing what is allowed. */
  unknownKeys(object: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) {
        this.add(childPath(path, key), `unknown key ${JSON.stringify(key)}; allowed keys: ${allowed.join(", ")}`);
      }
    }
  }
}

/**
 * Reads an integer in `[min, max]` given as a JSON number or a string of digits (`"10"`, as Twilio's
 * docs write priorities and timeouts, and as every form-encoded parameter arrives). `undefined` when it
 * is anything else.
 *
 * @example
 * readBoundedInteger("10", 0, 100) // 10
 * readBoundedInteger(1.5, 0, 100)  // undefined
 */
export function readBoundedInteger(value: unknown, min: number, max: number): number | undefined {
  let n: number | undefined;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && /^[0-9]{1,16}$/.test(value)) n = Number(value);
  if (n === undefined || !Number.isInteger(n) || n < min || n > max) return undefined;
  return n;
}

/**
 * Compiles an expression, reporting a syntax error at `path` (the compiler's message carries the
 * position and the offending token). `undefined` when it did not compile.
 *
 * @example
 * const problems = new ProblemList();
 * compileAt("type ==", "filter", "task_routing.filters[0].expression", problems);
 * // problems: [{ path: "task_routing.filters[0].expression",
 * //              message: "syntax error: Unexpected end of input at position 7: expected a value …" }]
 */
export function compileAt(source: string, kind: ExpressionKind, path: string, problems: ProblemList): CompiledExpression | undefined {
  const result = tryCompileExpression(source, kind);
  if (result.ok) return result.expression;
  problems.add(path, `syntax error: ${result.error.message}`);
  return undefined;
}

/**
 * Joins problems into one line for an API error body (Twilio returns a single message).
 *
 * @example
 * formatProblems([{ path: "MaxReservedWorkers", message: "must be an integer from 1 to 50, got 0" }])
 * // "MaxReservedWorkers: must be an integer from 1 to 50, got 0"
 */
export function formatProblems(problems: readonly ConfigurationProblem[]): string {
  return problems.map((p) => (p.path === "" ? p.message : `${p.path}: ${p.message}`)).join("; ");
}
