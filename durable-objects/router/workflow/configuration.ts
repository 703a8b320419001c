/**
 * A Workflow's `Configuration`: Twilio's JSON document of ordered filters, each with ordered targets,
 * plus a default filter. This module turns the text an admin or the `twilio` client sends into a typed,
 * compiled, trusted `WorkflowConfiguration`, or into the list of EVERY problem with its JSON path, so a
 * rejected save says all that is wrong at once. Routing (`routing.ts`) only ever sees the trusted form.
 *
 * Choices where Twilio's docs are silent (documented here so the API reference can repeat them):
 * - `filter_friendly_name` may be omitted; the name is then `""` (we do not invent one that could clash
 *   with a real filter's name in events).
 * - `filters` is required but may be empty (every task then goes to the default filter).
 * - `default_filter` is optional; without it a task that matches nothing is routed nowhere (`null`).
 * - A target may omit `queue` unless it is its filter's first target: it then keeps the previous target's
 *   queue (Twilio's lifecycle docs show such a target widening the same queue after a timeout).
 * - `priority` and `timeout` accept JSON numbers or strings of digits (`"10"`), normalized to numbers.
 * - Optional target keys set to `null`, and optional expressions / `order_by` that are empty or blank,
 *   count as absent. The filter `expression` is required and must not be blank (`"1==1"` matches all).
 * - The size limit (default 65 536 bytes) counts UTF-8 bytes of the text as sent, whitespace included;
 *   for an already-parsed value it counts its compact JSON serialization.
 */

import type { CompiledExpression } from "../expression";
import { parseAttributePath, type PathSegment } from "./attribute-path";
import { parseOrderBy, type OrderBy } from "./order-by";
import {
  childPath,
  compileAt,
  describeValue,
  isObject,
  isTaskQueueSid,
  ProblemList,
  readBoundedInteger,
  type ConfigurationProblem,
} from "./problems";

export type { ConfigurationProblem } from "./problems";

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
}

export interface RoutingFilter {
  readonly name: string;
  /** Kind "filter": reads task attributes and the clock. */
  readonly expression: CompiledExpression;
  readonly targets: readonly RoutingTarget[];
}

export interface WorkflowConfiguration {
  readonly filters: readonly RoutingFilter[];
  readonly defaultFilter: { readonly queue: string } | null;
}

export interface ParseWorkflowOptions {
  /** Whether a well-formed TaskQueue SID names a queue of this workspace; unchecked when omitted. */
  readonly queueExists?: (sid: string) => boolean;
  /** Largest accepted document in UTF-8 bytes; default 65 536. */
  readonly maxBytes?: number;
}

export type ParseWorkflowResult = { ok: true; configuration: WorkflowConfiguration } | { ok: false; problems: ConfigurationProblem[] };

export const DEFAULT_MAX_CONFIGURATION_BYTES = 65_536;
export const MAX_PRIORITY = 2_147_483_647;
export const MAX_TARGET_TIMEOUT_SECONDS = 1_209_600;

const ROOT_KEYS = ["task_routing"] as const;
const ROUTING_KEYS = ["filters", "default_filter"] as const;
const FILTER_KEYS = ["filter_friendly_name", "expression", "targets"] as const;
const TARGET_KEYS = [
  "queue",
  "expression",
  "priority",
  "timeout",
  "order_by",
  "skip_if",
  "known_worker_sid",
  "known_worker_friendly_name",
] as const;
const DEFAULT_FILTER_KEYS = ["queue"] as const;
const MATCH_ALL_HINT = 'use "1==1" to match every task';

/** What the parsers below share while walking one document. */
interface Walk {
  readonly problems: ProblemList;
  readonly queueExists: ((sid: string) => boolean) | undefined;
}

/**
 * Parses and validates a Workflow configuration, given as JSON text (as the API receives it) or as an
 * already-parsed value (a string is always taken as JSON text). Returns the compiled configuration, or
 * every problem found, each with its JSON path.
 *
 * @example
 * parseWorkflowConfiguration(JSON.stringify({ task_routing: {
 *   filters: [{ filter_friendly_name: "Sales", expression: "type == 'sales'",
 *               targets: [{ queue: "WQ" + "a".repeat(32), timeout: 30 }] }],
 *   default_filter: { queue: "WQ" + "b".repeat(32) } } }))
 * // { ok: true, configuration: { filters: [{ name: "Sales", … }], defaultFilter: { queue: "WQbbb…" } } }
 *
 * parseWorkflowConfiguration('{"task_routing":{"filters":[{"targets":[]}]}}')
 * // { ok: false, problems: [
 * //   { path: "task_routing.filters[0].expression", message: 'is required (use "1==1" to match every task)' },
 * //   { path: "task_routing.filters[0].targets", message: "must not be empty: a filter needs at least one target" } ] }
 */
export function parseWorkflowConfiguration(input: unknown, options: ParseWorkflowOptions = {}): ParseWorkflowResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CONFIGURATION_BYTES;
  const document = readDocument(input, maxBytes);
  if (!document.ok) return { ok: false, problems: [{ path: "", message: document.message }] };

  const walk: Walk = { problems: new ProblemList(), queueExists: options.queueExists };
  const configuration = parseRoot(document.value, walk);
  if (!configuration || !walk.problems.empty) return { ok: false, problems: walk.problems.problems };
  return { ok: true, configuration };
}

/** The size check and JSON parse: each failure is the only problem worth reporting. */
function readDocument(input: unknown, maxBytes: number): { ok: true; value: unknown } | { ok: false; message: string } {
  let text: string | undefined;
  if (typeof input === "string") {
    text = input;
  } else {
    try {
      text = JSON.stringify(input);
    } catch (error) {
      return { ok: false, message: `configuration is not JSON-serializable: ${(error as Error).message}` };
    }
  }
  const bytes = text === undefined ? 0 : new TextEncoder().encode(text).length;
  if (bytes > maxBytes) return { ok: false, message: `configuration is ${bytes} bytes; the limit is ${maxBytes} bytes` };
  if (typeof input !== "string") return { ok: true, value: input };
  try {
    return { ok: true, value: JSON.parse(input) as unknown };
  } catch (error) {
    return { ok: false, message: describeJsonError(input, (error as Error).message) };
  }
}

/** V8's JSON.parse message, re-worded with a position, line and column that are always present. */
function describeJsonError(text: string, raw: string): string {
  const match = / in JSON at position (\d+)/.exec(raw);
  const position = match ? Number(match[1]) : text.length;
  const detail = match ? raw.slice(0, match.index) : raw;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `configuration is not valid JSON: ${detail} at position ${position} (line ${line}, column ${column})`;
}

function parseRoot(doc: unknown, walk: Walk): WorkflowConfiguration | undefined {
  const { problems } = walk;
  if (!isObject(doc)) {
    problems.add("", `configuration must be a JSON object with a "task_routing" key, got ${describeValue(doc)}`);
    return undefined;
  }
  problems.unknownKeys(doc, ROOT_KEYS, "");
  const routing = doc["task_routing"];
  if (routing === undefined) {
    problems.add("task_routing", "is required");
    return undefined;
  }
  if (!isObject(routing)) {
    problems.add("task_routing", `must be an object, got ${describeValue(routing)}`);
    return undefined;
  }
  problems.unknownKeys(routing, ROUTING_KEYS, "task_routing");
  const filters = parseFilters(routing["filters"], walk);
  const defaultFilter = parseDefaultFilter(routing["default_filter"], walk);
  if (!filters || defaultFilter === undefined) return undefined;
  return Object.freeze({ filters, defaultFilter });
}

function parseFilters(raw: unknown, walk: Walk): readonly RoutingFilter[] | undefined {
  const path = "task_routing.filters";
  if (raw === undefined) {
    walk.problems.add(path, "is required (an array of filters; it may be empty)");
    return undefined;
  }
  if (!Array.isArray(raw)) {
    walk.problems.add(path, `must be an array, got ${describeValue(raw)}`);
    return undefined;
  }
  const filters = raw.map((filter, i) => parseFilter(filter, childPath(path, i), walk));
  return filters.every((f): f is RoutingFilter => f !== undefined) ? Object.freeze(filters) : undefined;
}

function parseFilter(raw: unknown, path: string, walk: Walk): RoutingFilter | undefined {
  const { problems } = walk;
  if (!isObject(raw)) {
    problems.add(path, `must be an object, got ${describeValue(raw)}`);
    return undefined;
  }
  problems.unknownKeys(raw, FILTER_KEYS, path);

  let name = "";
  const rawName = raw["filter_friendly_name"];
  if (typeof rawName === "string") name = rawName;
  else if (rawName !== undefined && rawName !== null) {
    problems.add(childPath(path, "filter_friendly_name"), `must be a string, got ${describeValue(rawName)}`);
  }

  const expressionPath = childPath(path, "expression");
  const rawExpression = raw["expression"];
  let expression: CompiledExpression | undefined;
  if (rawExpression === undefined || rawExpression === null) {
    problems.add(expressionPath, `is required (${MATCH_ALL_HINT})`);
  } else if (typeof rawExpression !== "string") {
    problems.add(expressionPath, `must be a string, got ${describeValue(rawExpression)}`);
  } else if (rawExpression.trim() === "") {
    problems.add(expressionPath, `must not be empty (${MATCH_ALL_HINT})`);
  } else {
    expression = compileAt(rawExpression, "filter", expressionPath, problems);
  }

  const targets = parseTargets(raw["targets"], childPath(path, "targets"), walk);
  if (!expression || !targets) return undefined;
  return Object.freeze({ name, expression, targets });
}

function parseTargets(raw: unknown, path: string, walk: Walk): readonly RoutingTarget[] | undefined {
  const { problems } = walk;
  if (raw === undefined || raw === null) {
    problems.add(path, "is required: a filter needs at least one target");
    return undefined;
  }
  if (!Array.isArray(raw)) {
    problems.add(path, `must be an array of targets, got ${describeValue(raw)}`);
    return undefined;
  }
  if (raw.length === 0) {
    problems.add(path, "must not be empty: a filter needs at least one target");
    return undefined;
  }
  const targets: (RoutingTarget | undefined)[] = [];
  let previousQueue: string | undefined;
  raw.forEach((target, i) => {
    const parsed = parseTarget(target, childPath(path, i), i === 0, previousQueue, walk);
    targets.push(parsed);
    previousQueue = parsed?.queue;
  });
  return targets.every((t): t is RoutingTarget => t !== undefined) ? Object.freeze(targets) : undefined;
}

function parseTarget(raw: unknown, path: string, first: boolean, previousQueue: string | undefined, walk: Walk): RoutingTarget | undefined {
  const { problems } = walk;
  if (!isObject(raw)) {
    problems.add(path, `must be an object, got ${describeValue(raw)}`);
    return undefined;
  }
  problems.unknownKeys(raw, TARGET_KEYS, path);
  const before = problems.problems.length;
  const given = (key: string): unknown => (raw[key] === null ? undefined : raw[key]);

  let queue: string | undefined;
  if (given("queue") === undefined && !first) queue = previousQueue;
  else queue = readQueue(raw["queue"], childPath(path, "queue"), walk, "is required on the first target of a filter");

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
  const parsed = value.startsWith(prefix) ? parseAttributePath(value.slice(prefix.length), prefix.length) : undefined;
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

function parseDefaultFilter(raw: unknown, walk: Walk): { readonly queue: string } | null | undefined {
  const path = "task_routing.default_filter";
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) {
    walk.problems.add(path, `must be an object with a "queue" key, got ${describeValue(raw)}`);
    return undefined;
  }
  walk.problems.unknownKeys(raw, DEFAULT_FILTER_KEYS, path);
  const queue = readQueue(raw["queue"], childPath(path, "queue"), walk, "is required");
  return queue === undefined ? undefined : Object.freeze({ queue });
}
