/**
 * The TaskRouter expression language, as the rest of Switchboard sees it: compile an expression once
 * (syntax errors carry a position and the offending token), then evaluate it against worker and task
 * views as often as needed. The matcher also reuses `compare` and `resolvePath` so its indexes agree
 * with the evaluator by construction.
 */

export * from "./ast";
export { ExpressionSyntaxError } from "./errors";
export { compileExpression, tryCompileExpression, type CompiledExpression, type ExpressionReads } from "./compile";
export { compare, comparator, isScalar, type Comparator } from "./compare";
export { resolvePath, readSegments } from "./resolve";
export { clockValues, type ClockValues, type DayOfWeek } from "./clock";
export { MAX_NESTING, MAX_SOURCE_LENGTH } from "./parser";
