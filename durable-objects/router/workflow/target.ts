/**
 * One routing target of a Workflow configuration — a queue with the rules for the step a task takes
 * there (`expression`, `priority`, `timeout`, `order_by`, `skip_if`, a known worker) — read from
 * whichever of the three places Twilio has let it be written: a filter's `targets`, the filter itself in
 * the oldest documented form (`queue`, `priority`, `timeout` beside the filter's expression), and
 * `default_filter`. One reader for all three, so a key means the same thing wherever it is written.
 */

import type { CompiledExpression } from "../expression";
import { parseAttributePath, type PathSegment } from "./attribute-path";
import { parseOrderBy, type OrderBy } from "./order-by";
import { childPath, compileAt, describeValue, isTaskQueueSid, readBoundedInteger, type ProblemList } from "./problems";
import { MAX_PRIORITY, MAX_TASK_TIMEOUT_S as MAX_TARGET_TIMEOUT_SECONDS } from "../../common/task-limits";
import { isRecord } from "../../../contract/is-record";

export interface KnownWorker {
  readonly by: "sid" | "friendly_name";
  /** The task attribute path after `task.`: `["requested_agent"]`. */
  readonly segments: readonly PathSegment[];
  /** As written: `"task.requested_agent"`. */
  readonly text: string;
}

export interface RoutingTarget {
  /** A TaskQueue SID (WQ + 32 hex), inherited from the previous target when omitted. */
  readonly queue: string;
  /** Kind "target": which of the queue's workers qualify (`worker.` / `task.` keys). */
  readonly expression?: CompiledExpression;
  /** 0..2^31-1; replaces the task's priority when the task enters this step. */
  readonly priority?: number;
  /** Seconds, 1..1 209 600, cumulative from workflow entry (see routing.ts). */
  readonly timeout?: number;
  readonly orderBy?: OrderBy;
  /** Kind "skip_if": `workers.available == 0` and the like. */
  readonly skipIf?: CompiledExpression;
  readonly knownWorker?: KnownWorker;
  /**
   * Switchboard's extension: the region whose Router routes the task at this step (regions.json's id).
   * Absent: the region that holds the task. A Router entering a step of another region hands the task
   * over to that region's Router (router/lifecycle/handover.ts).
   */
  readonly region?: string;
}

export { MAX_PRIORITY, MAX_TARGET_TIMEOUT_SECONDS };

export const TARGET_KEYS = [
  "queue",
  "expression",
  "priority",
  "timeout",
  "order_by",
  "skip_if",
  "known_worker_sid",
  "known_worker_friendly_name",
  "region",
] as const;

/** What the parsers of one document share while walking it. */
export interface Walk {
  readonly problems: ProblemList;
  readonly queueExists: ((sid: string) => boolean) | undefined;
  /** What is wrong with a target's `region` (unknown, outside the workspace's jurisdiction), or null; unchecked when omitted. */
  readonly regionProblem: ((region: string) => string | null) | undefined;
}

export interface TargetRules {
  /** The keys it may have (unknown ones are reported). */
  readonly keys: readonly string[];
  /** Whether it may omit `queue` and keep `previousQueue`: every target of a filter but the first. */
  readonly inherits: boolean;
  readonly previousQueue?: string | undefined;
  /** What is wrong when `queue` is missing and cannot be inherited. */
  readonly missingQueue: string;
}

/**
 * Reads one target at `path`, reporting each problem at its key's path. Optional keys set to `null`, and
 * blank expressions or `order_by`, count as absent. Undefined when anything was wrong.
 *
 * @example
 * parseTarget({ queue: "WQ" + "a".repeat(32), priority: "5", timeout: 30 }, "task_routing.filters[0].targets[0]", walk,
 *   { keys: TARGET_KEYS, inherits: false, missingQueue: "is required on the first target of a filter" })
 * // { queue: "WQaaa…", priority: 5, timeout: 30 }
 */
export function parseTarget(raw: unknown, path: string, walk: Walk, rules: TargetRules): RoutingTarget | undefined {
  const { problems } = walk;
  if (!isRecord(raw)) {
    problems.add(path, `must be an object, got ${describeValue(raw)}`);
    return undefined;
  }
  problems.unknownKeys(raw, rules.keys, path);
  const before = problems.problems.length;
  const given = (key: string): unknown => (raw[key] === null ? undefined : raw[key]);

  let queue: string | undefined;
  if (given("queue") === undefined && rules.inherits) queue = rules.previousQueue;
  else queue = readQueue(raw["queue"], childPath(path, "queue"), walk, rules.missingQueue);

  const target: { -readonly [K in keyof RoutingTarget]: RoutingTarget[K] } = { queue: queue ?? "" };

  const expression = readOptionalExpression(given("expression"), childPath(path, "expression"), "target", problems);
  if (expression) target.expression = expression;

  const rawPriority = given("priority");
  if (rawPriority !== undefined) {
    const priority = readBoundedInteger(rawPriority, 0, MAX_PRIORITY);
    if (priority === undefined) {
      problems.add(childPath(path, "priority"), `must be an integer from 0 to ${MAX_PRIORITY}, got ${describeValue(rawPriority)}`);
    } else target.priority = priority;
  }

  const rawTimeout = given("timeout");
  if (rawTimeout !== undefined) {
    const timeout = readBoundedInteger(rawTimeout, 1, MAX_TARGET_TIMEOUT_SECONDS);
    if (timeout === undefined) {
      problems.add(
        childPath(path, "timeout"),
        `must be a whole number of seconds from 1 to ${MAX_TARGET_TIMEOUT_SECONDS}, got ${describeValue(rawTimeout)}`,
      );
    } else target.timeout = timeout;
  }

  const rawOrderBy = given("order_by");
  if (rawOrderBy !== undefined) {
    if (typeof rawOrderBy !== "string") {
      problems.add(childPath(path, "order_by"), `must be a string, got ${describeValue(rawOrderBy)}`);
    } else {
      const orderBy = parseOrderBy(rawOrderBy);
      if (!orderBy.ok) problems.add(childPath(path, "order_by"), orderBy.message);
      else if (orderBy.orderBy.length > 0) target.orderBy = orderBy.orderBy;
    }
  }

  const skipIf = readOptionalExpression(given("skip_if"), childPath(path, "skip_if"), "skip_if", problems);
  if (skipIf) target.skipIf = skipIf;

  const knownWorker = readKnownWorker(raw, path, problems);
  if (knownWorker) target.knownWorker = knownWorker;

  const region = readRegion(given("region"), childPath(path, "region"), walk);
  if (region !== undefined) target.region = region;

  if (queue === undefined || problems.problems.length > before) return undefined;
  return Object.freeze(target);
}

/** A queue reference: required, a well-formed SID, and (when the caller can tell) one that exists. */
function readQueue(raw: unknown, path: string, walk: Walk, missing: string): string | undefined {
  const { problems } = walk;
  if (raw === undefined || raw === null) {
    problems.add(path, missing);
    return undefined;
  }
  if (typeof raw !== "string") {
    problems.add(path, `must be a string, got ${describeValue(raw)}`);
    return undefined;
  }
  if (!isTaskQueueSid(raw)) {
    problems.add(path, `must be a TaskQueue SID ("WQ" followed by 32 hex digits), got ${describeValue(raw)}`);
    return undefined;
  }
  if (walk.queueExists && !walk.queueExists(raw)) {
    problems.add(path, `TaskQueue ${raw} does not exist in this workspace`);
    return undefined;
  }
  return raw;
}

/** A target's `region`: a non-empty string the caller (when it can tell) finds no problem with. */
function readRegion(raw: unknown, path: string, walk: Walk): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || raw.trim() === "") {
    walk.problems.add(path, `must be a region's id from regions.json, got ${describeValue(raw)}`);
    return undefined;
  }
  const problem = walk.regionProblem?.(raw);
  if (problem) {
    walk.problems.add(path, problem);
    return undefined;
  }
  return raw;
}

function readOptionalExpression(
  raw: unknown,
  path: string,
  kind: "target" | "skip_if",
  problems: ProblemList,
): CompiledExpression | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "string") {
    problems.add(path, `must be a string, got ${describeValue(raw)}`);
    return undefined;
  }
  if (raw.trim() === "") return undefined;
  return compileAt(raw, kind, path, problems);
}

const KNOWN_WORKER_KEYS = [
  ["known_worker_sid", "sid"],
  ["known_worker_friendly_name", "friendly_name"],
] as const;

function readKnownWorker(raw: Record<string, unknown>, path: string, problems: ProblemList): KnownWorker | undefined {
  const present = KNOWN_WORKER_KEYS.filter(([key]) => raw[key] !== undefined && raw[key] !== null);
  if (present.length === 2) {
    problems.add(path, "known_worker_sid and known_worker_friendly_name cannot both be given: a target names its known worker one way");
    return undefined;
  }
  const [entry] = present;
  if (!entry) return undefined;
  const [key, by] = entry;
  const value = raw[key];
  const keyPath = childPath(path, key);
  const form = `must have the form "task.<attribute>" (the task attribute holding the worker's ${by === "sid" ? "SID" : "friendly name"})`;
  if (typeof value !== "string") {
    problems.add(keyPath, `${form}, got ${describeValue(value)}`);
    return undefined;
  }
  const prefix = "task.";
  const parsed = value.startsWith(prefix) ? parseAttributePath(value.slice(prefix.length), prefix.length, true) : undefined;
  if (!parsed) {
    problems.add(keyPath, `${form}, got ${describeValue(value)}`);
    return undefined;
  }
  if (!parsed.ok) {
    problems.add(keyPath, `${form}; ${describeValue(value)} at position ${parsed.position}: ${parsed.message}`);
    return undefined;
  }
  return Object.freeze({ by, segments: Object.freeze(parsed.segments), text: value });
}
