/**
 * Reading one PathRef from an evaluation's input: walking attribute documents by segment, and mapping
 * the worker's named fields, channel capacities, the clock and the skip_if counters. Missing anything
 * (no worker, no such key, a key on something that is not an object) is undefined, TaskRouter's NULL.
 * Attribute walks look only at own properties, so `constructor` or `__proto__` never reach a prototype.
 * A name segment that is a canonical array index (`skills.2`, not `skills.02`) reads that element of an
 * array, as a JSON Pointer does: Twilio's docs write such keys after a dot, and on an object they name
 * the key `"2"` as usual.
 */

import type { ChannelField, EvaluationInput, Json, PathRef, WorkerField, WorkerView } from "./ast";
import { clockValues, type ClockValues } from "./clock";
import { isOpen, type CalendarDefinition } from "../../common/calendars";

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Follows `segments` into a JSON document: names index objects (own properties only), numbers index
 * arrays, and so do names that are canonical indexes (`"2"`).
 *
 * @example
 * readSegments({ object: { array: ["a", "b", "c"] } }, ["object", "array", 2]) // "c"
 * readSegments({ skills: ["a", "b", "c"] }, ["skills", "2"]) // "c"
 * readSegments({ a: 1 }, ["constructor"]) // undefined
 */
export function readSegments(document: Json | undefined, segments: readonly (string | number)[]): Json | undefined {
  let current: unknown = document;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (current === null || typeof current !== "object") return undefined;
    if (typeof segment === "number") {
      if (!Array.isArray(current)) return undefined;
      current = segment < current.length ? current[segment] : undefined;
    } else if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(segment as string)) return undefined;
      const index = Number(segment);
      current = index < current.length ? current[index] : undefined;
    } else {
      if (!Object.hasOwn(current, segment as string)) return undefined;
      current = (current as Record<string, unknown>)[segment as string];
    }
  }
  return current as Json | undefined;
}

/** Reads a path with the clock already computed (or not needed): the evaluator's hot path. */
export type PathReader = (input: EvaluationInput, clock: ClockValues | undefined) => Json | undefined;

function workerField(worker: WorkerView | undefined, field: WorkerField): Json | undefined {
  if (worker === undefined || worker === null) return undefined;
  switch (field) {
    case "sid":
      return worker.sid;
    case "friendly_name":
      return worker.friendlyName;
    case "activity_sid":
      return worker.activitySid;
    case "activity_name":
      return worker.activityName;
  }
}

function channelField(worker: WorkerView | undefined, channel: string, field: ChannelField): Json | undefined {
  const channels = worker?.channels;
  if (channels === undefined || channels === null || typeof channels !== "object" || !Object.hasOwn(channels, channel)) return undefined;
  const view = channels[channel];
  if (view === undefined || view === null) return undefined;
  switch (field) {
    case "assigned_tasks":
      return view.assignedTasks;
    case "configured_capacity":
      return view.configuredCapacity;
    case "available_capacity_percentage":
      return view.availableCapacityPercentage;
    case "available":
      return view.available;
  }
}

function counterValue(input: EvaluationInput, name: string): Json | undefined {
  const value = input.counters?.(name);
  return typeof value === "number" && value === value ? value : undefined;
}

/** The last answer per calendar: a matching pass asks the same calendar at the same instant many times. */
const lastOpen = new WeakMap<CalendarDefinition, { now: number; open: boolean }>();

/**
 * Whether the input's calendar `name` is open at the input's instant (`Date.now()` without a clock);
 * undefined (NULL) when the input has no such calendar.
 *
 * @example
 * calendarOpen({ clock: { now, calendars: new Map([["support", calendar]]) } }, "support") // true or false
 */
export function calendarOpen(input: EvaluationInput, name: string): boolean | undefined {
  const calendars = input.clock?.calendars;
  const calendar = calendars instanceof Map ? calendars.get(name) : undefined;
  if (calendar === undefined) return undefined;
  const now = input.clock?.now ?? Date.now();
  const last = lastOpen.get(calendar);
  if (last !== undefined && last.now === now) return last.open;
  const open = isOpen(calendar, now);
  lastOpen.set(calendar, { now, open });
  return open;
}

/**
 * The clock for an input: its instant and zone, or `Date.now()` in UTC when it has none.
 *
 * @example
 * clockFor({ clock: { now: Date.UTC(2024, 0, 1, 8, 5), timeZone: "Asia/Tokyo" } }).currentTime // 1705
 */
export function clockFor(input: EvaluationInput): ClockValues {
  const clock = input.clock;
  return clock === undefined || clock === null ? clockValues(Date.now()) : clockValues(clock.now, clock.timeZone);
}

/**
 * A specialised reader for `ref`, built once per path at compile time.
 *
 * @example
 * const read = pathReader({ source: "task.attributes", segments: ["type"] });
 * read({ task: { attributes: { type: "support" } } }, undefined) // "support"
 */
export function pathReader(ref: PathRef): PathReader {
  switch (ref.source) {
    case "task.attributes": {
      const segments = ref.segments;
      const only = segments[0];
      if (segments.length === 1 && typeof only === "string") {
        // The common case, one key deep, without the loop.
        return (input) => {
          const attributes: unknown = input.task?.attributes;
          return attributes !== undefined &&
            attributes !== null &&
            typeof attributes === "object" &&
            !Array.isArray(attributes) &&
            Object.hasOwn(attributes, only)
            ? (attributes as Record<string, Json>)[only]
            : undefined;
        };
      }
      return (input) => readSegments(input.task?.attributes, segments);
    }
    case "worker.attributes": {
      const segments = ref.segments;
      return (input) => readSegments(input.worker?.attributes, segments);
    }
    case "worker.field": {
      const field = ref.field;
      return (input) => workerField(input.worker, field);
    }
    case "worker.channel": {
      const { channel, field } = ref;
      return (input) => channelField(input.worker, channel, field);
    }
    case "clock": {
      const field = ref.field;
      return (input, clock) => (clock ?? clockFor(input))[field];
    }
    case "counter": {
      const name = ref.name;
      return (input) => counterValue(input, name);
    }
    case "calendar": {
      const name = ref.name;
      return (input) => calendarOpen(input, name);
    }
  }
}

/**
 * Reads one path for an input (undefined = missing = TaskRouter's NULL). Allocates nothing, so it suits
 * callers that build PathRefs on the fly; never throws on JSON input.
 *
 * @example
 * resolvePath({ source: "worker.field", field: "activity_name" }, { worker }) // e.g. "Available"
 * resolvePath({ source: "task.attributes", segments: ["customer", "tags", 0] }, { task: { attributes: { customer: { tags: ["billing"] } } } }) // "billing"
 */
export function resolvePath(ref: PathRef, input: EvaluationInput): Json | undefined {
  switch (ref.source) {
    case "task.attributes":
      return readSegments(input.task?.attributes, ref.segments);
    case "worker.attributes":
      return readSegments(input.worker?.attributes, ref.segments);
    case "worker.field":
      return workerField(input.worker, ref.field);
    case "worker.channel":
      return channelField(input.worker, ref.channel, ref.field);
    case "clock":
      return clockFor(input)[ref.field];
    case "counter":
      return counterValue(input, ref.name);
    case "calendar":
      return calendarOpen(input, ref.name);
  }
}
