/**
 * A TaskQueue's routing settings, parsed from the API's parameters (PascalCase, form-encoded, so every
 * value may arrive as a string) into the trusted form the matcher reads: which workers belong
 * (`TargetWorkers`, compiled once), how many reservations a task may have at a time, FIFO or LIFO, and a
 * queue-level `OrderBy` (a Switchboard extension, used when the workflow target has no `order_by`).
 *
 * Twilio's rule for an EMPTY `TargetWorkers` is that no worker ever matches: tasks wait until moved or
 * deleted. That is kept faithfully: the expression's `source` stays `""` (so the API echoes what was
 * set) and it evaluates to false for everyone; `matchesNobody` says so without evaluating. An absent
 * (undefined or null) `TargetWorkers` is Twilio's default `1==1`.
 */

import { compileExpression, type CompiledExpression } from "../expression";
import { parseOrderBy, type OrderBy } from "../workflow/order-by";
import { compileAt, describeValue, isTaskQueueSid, ProblemList, readBoundedInteger, type ConfigurationProblem } from "../workflow/problems";

export interface TaskQueueConfig {
  readonly sid: string;
  readonly friendlyName: string;
  /** Kind "queue"; `1==1` by default; source `""` (empty) matches nobody. */
  readonly targetWorkers: CompiledExpression;
  /** True when `TargetWorkers` is empty: no worker is ever a member. */
  readonly matchesNobody: boolean;
  /** Switchboard extension: the order used when the workflow target has none; `[]` by default. */
  readonly orderBy: OrderBy;
  /** 1..50, default 1. */
  readonly maxReservedWorkers: number;
  readonly taskOrder: "FIFO" | "LIFO";
}

export interface TaskQueueInput {
  readonly sid: string;
  readonly friendlyName?: unknown;
  readonly targetWorkers?: unknown;
  readonly orderBy?: unknown;
  readonly maxReservedWorkers?: unknown;
  readonly taskOrder?: unknown;
}

export const DEFAULT_TARGET_WORKERS = "1==1";
export const MAX_RESERVED_WORKERS = 50;
export const MAX_FRIENDLY_NAME_LENGTH = 64;

/** An expression of kind "queue" that no worker satisfies, shown as the empty string it was set to. */
function nobody(): CompiledExpression {
  const never = compileExpression("1==0", "queue");
  return Object.freeze({ source: "", kind: never.kind, ast: never.ast, reads: never.reads, evaluate: () => false });
}

/**
 * Validates a TaskQueue's settings and fills in Twilio's defaults. Problems are reported under the
 * Twilio parameter names (`TargetWorkers`, `MaxReservedWorkers`, …), all at once.
 *
 * @example
 * parseTaskQueueConfig({ sid: "WQ" + "0".repeat(32), friendlyName: "Support", targetWorkers: "skills HAS 'support'" })
 * // { ok: true, queue: { friendlyName: "Support", maxReservedWorkers: 1, taskOrder: "FIFO", orderBy: [], … } }
 * parseTaskQueueConfig({ sid: "WQ" + "0".repeat(32), maxReservedWorkers: "51" })
 * // { ok: false, problems: [{ path: "MaxReservedWorkers", message: "must be an integer from 1 to 50, got \"51\"" }] }
 */
export function parseTaskQueueConfig(
  input: TaskQueueInput,
): { ok: true; queue: TaskQueueConfig } | { ok: false; problems: ConfigurationProblem[] } {
  const problems = new ProblemList();
  const given = (value: unknown): unknown => (value === null ? undefined : value);

  if (!isTaskQueueSid(input.sid))
    problems.add("Sid", `must be a TaskQueue SID ("WQ" followed by 32 hex digits), got ${describeValue(input.sid)}`);

  let friendlyName = "";
  const rawName = given(input.friendlyName);
  if (rawName !== undefined) {
    if (typeof rawName !== "string") problems.add("FriendlyName", `must be a string, got ${describeValue(rawName)}`);
    else if (rawName.length > MAX_FRIENDLY_NAME_LENGTH) {
      problems.add("FriendlyName", `must be at most ${MAX_FRIENDLY_NAME_LENGTH} characters, got ${rawName.length}`);
    } else friendlyName = rawName;
  }

  let targetWorkers: CompiledExpression | undefined;
  let matchesNobody = false;
  const rawTarget = given(input.targetWorkers);
  if (rawTarget === undefined) targetWorkers = compileExpression(DEFAULT_TARGET_WORKERS, "queue");
  else if (typeof rawTarget !== "string") problems.add("TargetWorkers", `must be a string, got ${describeValue(rawTarget)}`);
  else if (rawTarget.trim() === "") {
    targetWorkers = nobody();
    matchesNobody = true;
  } else targetWorkers = compileAt(rawTarget, "queue", "TargetWorkers", problems);

  let orderBy: OrderBy = [];
  const rawOrderBy = given(input.orderBy);
  if (rawOrderBy !== undefined) {
    if (typeof rawOrderBy !== "string") problems.add("OrderBy", `must be a string, got ${describeValue(rawOrderBy)}`);
    else {
      const parsed = parseOrderBy(rawOrderBy);
      if (parsed.ok) orderBy = parsed.orderBy;
      else problems.add("OrderBy", parsed.message);
    }
  }

  let maxReservedWorkers = 1;
  const rawMax = given(input.maxReservedWorkers);
  if (rawMax !== undefined) {
    const n = readBoundedInteger(rawMax, 1, MAX_RESERVED_WORKERS);
    if (n === undefined)
      problems.add("MaxReservedWorkers", `must be an integer from 1 to ${MAX_RESERVED_WORKERS}, got ${describeValue(rawMax)}`);
    else maxReservedWorkers = n;
  }

  let taskOrder: "FIFO" | "LIFO" = "FIFO";
  const rawOrder = given(input.taskOrder);
  if (rawOrder !== undefined) {
    if (rawOrder === "FIFO" || rawOrder === "LIFO") taskOrder = rawOrder;
    else problems.add("TaskOrder", `must be FIFO or LIFO, got ${describeValue(rawOrder)}`);
  }

  if (!problems.empty || !targetWorkers) return { ok: false, problems: problems.problems };
  return {
    ok: true,
    queue: Object.freeze({ sid: input.sid, friendlyName, targetWorkers, matchesNobody, orderBy, maxReservedWorkers, taskOrder }),
  };
}
