/**
 * A Workflow's `Configuration`: Twilio's JSON document of ordered filters, each with ordered targets,
 * plus a default filter. This module turns the text an admin or the `twilio` client sends into a typed,
 * compiled, trusted `WorkflowConfiguration`, or into the list of EVERY problem with its JSON path, so a
 * rejected save says all that is wrong at once. Routing (`routing.ts`) only ever sees the trusted form.
 *
 * Older shapes Twilio has accepted, read as the modern form they stand for (same routing, same events):
 * - a filter named by `friendly_name` (Twilio's older SDK WorkflowBuilders — twilio-ruby 4, twilio-node
 *   1–2, twilio-java's WorkflowRule — wrote that key) instead of `filter_friendly_name`; both may be
 *   given when they agree;
 * - a filter with `queue` (and optionally `priority`, `timeout`) on itself instead of `targets`, as the
 *   oldest docs wrote it: one target with those keys;
 * - `default_filter` as the builders wrote it, a whole target (`expression`, `priority`, unset keys as
 *   `null`): its `expression`, `priority`, `order_by` and known worker apply as on any target. A default
 *   filter never times out and has nothing to skip to, so a `timeout` or `skip_if` there is refused rather
 *   than ignored.
 *
 * Choices where Twilio's docs are silent (documented here so the API reference can repeat them):
 * - `filter_friendly_name` may be omitted; the name is then `""` (we do not invent one that could clash
 *   with a real filter's name in events).
 * - `filters` is required but may be empty (every task then goes to the default filter).
 * - `default_filter` is optional; without it a task that matches nothing is routed nowhere (`null`): it
 *   waits, in no queue, until its attributes change, it is canceled or its TTL ends.
 * - A target may omit `queue` unless it is its filter's first target: it then keeps the previous target's
 *   queue (Twilio's lifecycle docs show such a target widening the same queue after a timeout).
 * - `priority` and `timeout` accept JSON numbers or strings of digits (`"10"`), normalized to numbers.
 * - Optional target keys set to `null`, and optional expressions / `order_by` that are empty or blank,
 *   count as absent. The filter `expression` is required and must not be blank (`"1==1"` matches all).
 * - The size limit (default 65 536 bytes) counts UTF-8 bytes of the text as sent, whitespace included;
 *   for an already-parsed value it counts its compact JSON serialization.
 */

import type { CompiledExpression } from "../expression";
import { childPath, compileAt, describeValue, ProblemList, type ConfigurationProblem } from "./problems";
import { parseTarget, TARGET_KEYS, type RoutingTarget, type Walk } from "./target";
import { configurationCalendars } from "./calendars";
import { isRecord } from "../../../contract/is-record";

export type { ConfigurationProblem } from "./problems";
export { MAX_PRIORITY, MAX_TARGET_TIMEOUT_SECONDS, type KnownWorker, type RoutingTarget } from "./target";

export interface RoutingFilter {
  readonly name: string;
  /** Kind "filter": reads task attributes and the clock. */
  readonly expression: CompiledExpression;
  readonly targets: readonly RoutingTarget[];
}

export interface WorkflowConfiguration {
  readonly filters: readonly RoutingFilter[];
  /** The target of a task that matches no filter (or times out of its filter's last target); no timeout, no skip_if. */
  readonly defaultFilter: RoutingTarget | null;
}

export interface ParseWorkflowOptions {
  /** Whether a well-formed TaskQueue SID names a queue of this workspace; unchecked when omitted. */
  readonly queueExists?: (sid: string) => boolean;
  /** What is wrong with a target's `region` (e.g. unknown), or null; unchecked when omitted. */
  readonly regionProblem?: (region: string) => string | null;
  /** Whether the workspace has a business calendar of this unique name (`taskrouter.calendars.<name>.open`); unchecked when omitted. */
  readonly calendarExists?: (name: string) => boolean;
  /** Largest accepted document in UTF-8 bytes; default 65 536. */
  readonly maxBytes?: number;
}

export type ParseWorkflowResult = { ok: true; configuration: WorkflowConfiguration } | { ok: false; problems: ConfigurationProblem[] };

export const DEFAULT_MAX_CONFIGURATION_BYTES = 65_536;

const ROOT_KEYS = ["task_routing"] as const;
const ROUTING_KEYS = ["filters", "default_filter"] as const;
/** The filter's name: `filter_friendly_name`, or `friendly_name` as the older SDK builders wrote it. */
const NAME_KEYS = ["filter_friendly_name", "friendly_name"] as const;
/** The oldest form's one target, written on the filter itself. */
const FILTER_TARGET_KEYS = ["queue", "priority", "timeout"] as const;
const FILTER_KEYS = [...NAME_KEYS, "expression", "targets", ...FILTER_TARGET_KEYS] as const;
/** `timeout` and `skip_if` are read apart: `null` (as the builders wrote them) is fine, a value is refused. */
const DEFAULT_FILTER_KEYS = TARGET_KEYS.filter((key) => key !== "timeout" && key !== "skip_if");
const MATCH_ALL_HINT = 'use "1==1" to match every task';

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

  const walk: Walk = { problems: new ProblemList(), queueExists: options.queueExists, regionProblem: options.regionProblem };
  const configuration = parseRoot(document.value, walk);
  if (!configuration || !walk.problems.empty) return { ok: false, problems: walk.problems.problems };
  const calendarExists = options.calendarExists;
  if (calendarExists) {
    for (const { path, name } of configurationCalendars(configuration))
      if (!calendarExists(name))
        walk.problems.add(path, `names calendar '${name}' (taskrouter.calendars.${name}.open), which this workspace does not have`);
    if (!walk.problems.empty) return { ok: false, problems: walk.problems.problems };
  }
  return { ok: true, configuration };
}

/**
 * The calendars a stored workflow configuration names; none when it does not parse.
 *
 * @example
 * calendarsNamedBy('{"task_routing":{"filters":[{"expression":"taskrouter.calendars.support.open == true","targets":[{"queue":"WQ…"}]}]}}')
 * // Set { "support" }
 */
export function calendarsNamedBy(configuration: string): Set<string> {
  const parsed = parseWorkflowConfiguration(configuration);
  return new Set(parsed.ok ? configurationCalendars(parsed.configuration).map((found) => found.name) : []);
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
  if (!isRecord(doc)) {
    problems.add("", `configuration must be a JSON object with a "task_routing" key, got ${describeValue(doc)}`);
    return undefined;
  }
  problems.unknownKeys(doc, ROOT_KEYS, "");
  const routing = doc["task_routing"];
  if (routing === undefined) {
    problems.add("task_routing", "is required");
    return undefined;
  }
  if (!isRecord(routing)) {
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
  if (!isRecord(raw)) {
    problems.add(path, `must be an object, got ${describeValue(raw)}`);
    return undefined;
  }
  problems.unknownKeys(raw, FILTER_KEYS, path);
  const name = readFilterName(raw, path, problems);

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

  const targets = parseFilterTargets(raw, path, walk);
  if (!expression || !targets) return undefined;
  return Object.freeze({ name, expression, targets });
}

/** `filter_friendly_name`, or `friendly_name` as the older SDK builders wrote it; `""` when neither. */
function readFilterName(raw: Record<string, unknown>, path: string, problems: ProblemList): string {
  let name: string | undefined;
  for (const key of NAME_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") problems.add(childPath(path, key), `must be a string, got ${describeValue(value)}`);
    else if (name === undefined) name = value;
    else if (value !== name) {
      problems.add(
        childPath(path, key),
        `is ${describeValue(value)} but filter_friendly_name is ${describeValue(name)}: give the filter one name`,
      );
    }
  }
  return name ?? "";
}

/** The filter's `targets`, or the one target the oldest form writes on the filter itself. */
function parseFilterTargets(raw: Record<string, unknown>, path: string, walk: Walk): readonly RoutingTarget[] | undefined {
  const onFilter = FILTER_TARGET_KEYS.filter((key) => raw[key] !== undefined && raw[key] !== null);
  if (onFilter.length === 0) return parseTargets(raw["targets"], childPath(path, "targets"), walk);
  if (raw["targets"] !== undefined && raw["targets"] !== null) {
    const keys = onFilter.map((key) => JSON.stringify(key)).join(", ");
    walk.problems.add(
      path,
      `has both "targets" and ${keys}: a filter routes through its targets, or (the older form) to the queue written on it, not both`,
    );
    return undefined;
  }
  const written = Object.fromEntries(onFilter.map((key) => [key, raw[key]]));
  const target = parseTarget(written, path, walk, {
    keys: FILTER_TARGET_KEYS,
    inherits: false,
    missingQueue: 'is required: a filter needs "targets", or a "queue" of its own',
  });
  return target && Object.freeze([target]);
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
    const parsed = parseTarget(target, childPath(path, i), walk, {
      keys: TARGET_KEYS,
      inherits: i > 0,
      previousQueue,
      missingQueue: "is required on the first target of a filter",
    });
    targets.push(parsed);
    previousQueue = parsed?.queue;
  });
  return targets.every((t): t is RoutingTarget => t !== undefined) ? Object.freeze(targets) : undefined;
}

/** Null when there is none; undefined when it is wrong. */
function parseDefaultFilter(raw: unknown, walk: Walk): RoutingTarget | null | undefined {
  const path = "task_routing.default_filter";
  if (raw === undefined || raw === null) return null;
  if (!isRecord(raw)) {
    walk.problems.add(path, `must be an object with a "queue" key, got ${describeValue(raw)}`);
    return undefined;
  }
  const { problems } = walk;
  const before = problems.problems.length;
  const { timeout, skip_if: skipIf, ...target } = raw;
  if (timeout !== undefined && timeout !== null) {
    problems.add(
      childPath(path, "timeout"),
      "must be left out: a task in the default filter waits until it is assigned, canceled or its TTL ends",
    );
  }
  if (skipIf !== undefined && skipIf !== null) {
    problems.add(childPath(path, "skip_if"), "must be left out: the default filter is the last step, so there is nothing to skip to");
  }
  const parsed = parseTarget(target, path, walk, { keys: DEFAULT_FILTER_KEYS, inherits: false, missingQueue: "is required" });
  return parsed === undefined || problems.problems.length > before ? undefined : parsed;
}
