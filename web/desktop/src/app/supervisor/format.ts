/**
 * Small helpers the supervisor views share: a worker's skills and team read from their attributes,
 * durations as a clock (`4:05`, `1:02:03`), a once-a-second "now" for the ticking columns, and the
 * catalog key for a failed REST call.
 */
import { useEffect, useState } from "react";
import type { StringKey } from "../../framework";
import type { FeedWorker } from "./feed";

/** The attribute arrays shown as skills (Flex's convention: `routing.skills`, plus `skills` and `languages`). */
const SKILL_KEYS = ["skills", "languages"] as const;

export function parseAttributes(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/**
 * @example skillsOf({ attributes: '{"skills":["billing"],"languages":["ar"]}' }) // ["billing", "ar"]
 */
export function skillsOf(worker: Pick<FeedWorker, "attributes">): string[] {
  const attributes = parseAttributes(worker.attributes);
  const routing = attributes.routing as { skills?: unknown } | undefined;
  const all = [...SKILL_KEYS.flatMap((key) => strings(attributes[key])), ...strings(routing?.skills)];
  return [...new Set(all)];
}

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
