/**
 * Small helpers the supervisor views share: a worker's skills, languages and team read from their
 * attributes, whether they can take a task now, durations as a clock (`4:05`, `1:02:03`), a
 * once-a-second "now" for the ticking columns, and the catalog key for a failed REST call.
 */
import { useEffect, useState } from "react";
import { attributesOf } from "../../../../../contract/customer-name";
import type { StringKey } from "../../framework";
import type { FeedWorker } from "./feed";

/** A worker's attributes (JSON text) as an object; {} when they are not a JSON object. */
export const parseAttributes = attributesOf;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

type Routing = { skills?: unknown; languages?: unknown; levels?: unknown } | undefined;

/**
 * The languages a worker speaks: `languages` (the demo's shape) and Flex's `routing.languages`.
 * @example languagesOf({ attributes: '{"skills":["billing"],"languages":["ar","en"]}' }) // ["ar", "en"]
 */
export function languagesOf(worker: Pick<FeedWorker, "attributes">): string[] {
  const attributes = parseAttributes(worker.attributes);
  return [...new Set([...strings(attributes.languages), ...strings((attributes.routing as Routing)?.languages)])];
}

/**
 * A worker's skills: `skills` and Flex's `routing.skills`, without their languages (shown apart).
 * @example skillsOf({ attributes: '{"skills":["billing"],"languages":["ar"]}' }) // ["billing"]
 */
export function skillsOf(worker: Pick<FeedWorker, "attributes">): string[] {
  const attributes = parseAttributes(worker.attributes);
  const languages = new Set(languagesOf(worker));
  const all = [...strings(attributes.skills), ...strings((attributes.routing as Routing)?.skills)];
  return [...new Set(all)].filter((skill) => !languages.has(skill));
}

/**
 * A skill as the Teams view shows it: with its level when Flex's `routing.levels` gives one.
 * @example skillLabel({ attributes: '{"routing":{"skills":["billing"],"levels":{"billing":3}}}' }, "billing") // "billing (3)"
 */
export function skillLabel(worker: Pick<FeedWorker, "attributes">, skill: string): string {
  const levels = (parseAttributes(worker.attributes).routing as Routing)?.levels;
  const level = typeof levels === "object" && levels !== null ? (levels as Record<string, unknown>)[skill] : undefined;
  return typeof level === "number" ? `${skill} (${level})` : skill;
}

/**
 * Whether the worker could be offered a task now: an available activity and room for one more on a
 * channel that is switched on. TaskRouter's `total_available_workers` counts the activity alone.
 */
export const canTakeWork = (worker: Pick<FeedWorker, "available" | "channels">): boolean =>
  worker.available && worker.channels.some((c) => c.available && c.assigned_tasks + c.reserved_tasks < c.configured_capacity);

/** Whether the worker is in an activity named Offline (TaskRouter's default for people who left). */
export const isOffline = (worker: Pick<FeedWorker, "activity_name">): boolean => worker.activity_name?.toLowerCase() === "offline";

/** Only the `skills` array: what the edit dialog changes (languages stay as they are). */
export const editableSkillsOf = (worker: Pick<FeedWorker, "attributes">): string[] => strings(parseAttributes(worker.attributes).skills);

export function teamOf(worker: Pick<FeedWorker, "attributes">): string | null {
  const team = parseAttributes(worker.attributes).team;
  return typeof team === "string" && team !== "" ? team : null;
}

/**
 * @example clock(65) // "1:05"; clock(3723) // "1:02:03"
 */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** The current time, re-rendering the component every second (the time-in-state and wait columns). */
export function useNow(now: () => number = Date.now): number {
  const [value, setValue] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setValue(now()), 1000);
    return () => clearInterval(timer);
  }, [now]);
  return value;
}

/** The catalog message for a failed change, by HTTP status (the server's text is English-only). */
export function errorKey(status: number | null): StringKey {
  if (status === 403) return "supervisor.error.forbidden";
  if (status === 404) return "supervisor.error.notFound";
  if (status === 400) return "supervisor.error.invalid";
  if (status === 409 || status === 412) return "supervisor.error.conflict";
  return "app.error.generic";
}
