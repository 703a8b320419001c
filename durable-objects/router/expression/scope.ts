/**
 * Decides what a key reads, at parse time. The same text means different things in different places
 * (`language` is a task attribute in a filter and a worker attribute in a queue's target_workers), so the
 * parser hands every key here together with the expression's kind and gets back a PathRef the evaluator
 * and the matcher can use without looking at prefixes again.
 */

import type { ChannelField, ClockField, ExpressionKind, PathRef, WorkerField } from "./ast";
import { invalid } from "./errors";

const CLOCK_FIELDS: ReadonlySet<string> = new Set<ClockField>(["currentTime", "currentHour", "currentMin", "dayOfWeek"]);
const WORKER_FIELDS: ReadonlySet<string> = new Set<WorkerField>(["sid", "friendly_name", "activity_sid", "activity_name"]);
const CHANNEL_FIELDS: ReadonlySet<string> = new Set<ChannelField>([
  "assigned_tasks",
  "configured_capacity",
  "available_capacity_percentage",
  "available",
]);

type Segments = readonly (string | number)[];

/**
 * Resolves a parsed key (`segments` as written: names and array indexes) to what it reads in an
 * expression of `kind`. `text` and `position` are the key as written, for errors.
 * Throws ExpressionSyntaxError for an unknown `taskrouter.*` key, an unknown `worker.channel.<name>.*`
 * field, or a malformed `workers.*` counter in `skip_if`.
 *
 * @example
 * resolveKey("target", ["worker", "skills"], "worker.skills", 0)
 * // { source: "worker.attributes", segments: ["skills"] }
 * resolveKey("filter", ["customer", "tier"], "customer.tier", 0)
 * // { source: "task.attributes", segments: ["customer", "tier"] }
 */
export function resolveKey(kind: ExpressionKind, segments: Segments, text: string, position: number): PathRef {
  const head = segments[0];
  const second = segments[1];
  // A prefix counts only when a named segment follows it: `worker` alone, or `worker[0]`, is an attribute.
  const prefixed = segments.length >= 2 && typeof second === "string";

  if (head === "taskrouter") {
    if (segments.length === 2 && typeof second === "string" && CLOCK_FIELDS.has(second)) {
      return { source: "clock", field: second as ClockField };
    }
    const calendar = segments[2];
    if (second === "calendars") {
      if (segments.length === 4 && typeof calendar === "string" && segments[3] === "open") return { source: "calendar", name: calendar };
      throw invalid(text, position, "expected taskrouter.calendars.<calendar unique name>.open");
    }
    throw invalid(
      text,
      position,
      "unknown taskrouter key: expected taskrouter.currentTime, taskrouter.currentHour, taskrouter.currentMin, taskrouter.dayOfWeek or taskrouter.calendars.<name>.open",
    );
  }

  switch (kind) {
    case "filter":
      return taskAttributes(prefixed && head === "task" ? segments.slice(1) : segments);
    case "skip_if":
      if (head === "workers") return counter(segments, text, position);
      return taskAttributes(prefixed && head === "task" ? segments.slice(1) : segments);
    case "queue":
      return workerScope(prefixed && head === "worker" ? segments.slice(1) : segments, text, position);
    case "target":
      if (prefixed && head === "task") return taskAttributes(segments.slice(1));
      return workerScope(prefixed && head === "worker" ? segments.slice(1) : segments, text, position);
    default: {
      const never: never = kind;
      throw new TypeError(`unknown expression kind ${String(never)}`);
    }
  }
}

function taskAttributes(segments: Segments): PathRef {
  return { source: "task.attributes", segments: Object.freeze(segments.slice()) };
}

/** `skip_if` counters: `workers.available`, `workers.unavailable`, `workers.WA…` (an Activity SID). */
function counter(segments: Segments, text: string, position: number): PathRef {
  const name = segments[1];
  if (segments.length === 2 && typeof name === "string" && (name === "available" || name === "unavailable" || name.startsWith("WA"))) {
    return { source: "counter", name };
  }
  throw invalid(text, position, "expected workers.available, workers.unavailable or workers.<Activity SID>");
}

/** A key inside the worker: a named field, a channel's capacity, or else an attribute. */
function workerScope(rest: Segments, text: string, position: number): PathRef {
  const first = rest[0];
  if (rest.length === 1 && typeof first === "string" && WORKER_FIELDS.has(first)) {
    return { source: "worker.field", field: first as WorkerField };
  }
  // `worker.channel` and `worker.channel.x` stay attributes (a worker may well have a `channel` attribute);
  // three segments or more are the multitasking paths, and must be exactly one.
  if (first === "channel" && rest.length >= 3) {
    const channel = rest[1];
    const field = rest[2];
    if (rest.length === 3 && typeof channel === "string" && typeof field === "string" && CHANNEL_FIELDS.has(field)) {
      return { source: "worker.channel", channel, field: field as ChannelField };
    }
    const fields = "assigned_tasks, configured_capacity, available_capacity_percentage or available";
    throw invalid(
      text,
      position,
      rest.length === 3 && typeof channel === "string" && typeof field === "string"
        ? `unknown channel field '${field}': expected ${fields}`
        : `expected worker.channel.<channel>.<field>, the field one of ${fields}`,
    );
  }
  return { source: "worker.attributes", segments: Object.freeze(rest.slice()) };
}
