/**
 * The shape of `regions.json` and the one function that turns the raw file into trusted data.
 *
 * Every region is a place where Switchboard runs a Router Durable Object next to a LiveKit media edge:
 * `locationHint` tells Cloudflare where to create that object, `jurisdiction` (optional) pins its storage
 * to a legal area, `livekitUrl` is where that region's calls and video go. A typo here would silently put
 * a region's routing on the wrong continent, so the file is validated strictly and every problem is
 * reported at once, each with its path, before the Worker serves anything.
 *
 * The deployment's regions are validated once, when this module loads: a bad regions.json throws here, so
 * `wrangler dev` and `wrangler deploy` refuse to start the Worker and print every problem, instead of a
 * running Worker routing tasks to the wrong place.
 *
 * Pure: no `cloudflare:*` import, so the same code runs in the Worker and in plain-Node unit tests.
 */
import { z } from "zod";
import { version } from "../package.json";
import rawRegions from "../regions.json";

/** Cloudflare's Durable Object location hints (data-location reference). */
export const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;
/** Cloudflare's Durable Object jurisdictions: a hard guarantee of where an object runs and stores. */
export const JURISDICTIONS = ["eu", "fedramp"] as const;

const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_ID_LENGTH = 32;

/** Describes a rejected value for an error message: strings quoted, other values by their kind. */
function got(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (typeof input === "string") return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  if (Array.isArray(input)) return "an array";
  if (typeof input === "object") return "an object";
  return `${typeof input} ${String(input)}`;
}

function requiredString(what: string) {
  return z.string({
    error: (issue) => (issue.input === undefined ? "required" : `expected ${what} (got ${got(issue.input)})`),
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => (issue.input === undefined ? "required" : `expected one of ${values.join(", ")} (got ${got(issue.input)})`),
  });
}

function isWebSocketUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "ws:" || url.protocol === "wss:") && url.hostname !== "";
}

const RegionSchema = z.strictObject(
  {
    id: requiredString("a kebab-case id")
      .max(MAX_ID_LENGTH, { error: `expected at most ${MAX_ID_LENGTH} characters` })
      .regex(KEBAB_ID, {
        error: (issue) => `expected a kebab-case id like "us-east" (got ${got(issue.input)})`,
      }),
    name: requiredString("a display name").trim().min(1, { error: "expected a non-empty display name" }),
    locationHint: oneOf(LOCATION_HINTS),
    jurisdiction: oneOf(JURISDICTIONS).optional(),
    livekitUrl: requiredString("a ws:// or wss:// URL").refine(isWebSocketUrl, {
      error: (issue) => `expected a ws:// or wss:// URL (got ${got(issue.input)})`,
    }),
  },
  { error: (issue) => objectError(issue) },
);

const RegionsSchema = z.strictObject(
  {
    defaultRegion: requiredString("a region id"),
    regions: z
      .array(RegionSchema, {
        error: (issue) => (issue.input === undefined ? "required" : `expected an array (got ${got(issue.input)})`),
      })
      .min(1, { error: "expected at least one region" }),
  },
  { error: (issue) => objectError(issue) },
);

function objectError(issue: { code?: string; input?: unknown; keys?: readonly string[] }): string {
  if (issue.code === "unrecognized_keys" && issue.keys) {
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  }
  return issue.input === undefined ? "required" : `expected an object (got ${got(issue.input)})`;
}

export type Region = z.infer<typeof RegionSchema>;
export type Regions = z.infer<typeof RegionsSchema>;

/** Thrown by {@link loadRegions}; `problems` holds one `path: message` line per problem. */
export class RegionsConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`regions.json is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "RegionsConfigError";
    this.problems = problems;
  }
}

/** `["regions", 3, "locationHint"]` → `regions[3].locationHint`; the empty path is the file itself. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : `${out === "" ? "" : "."}${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

/** 32-bit FNV-1a of an ASCII string: small, stable across runtimes, good enough to spread short ids. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A region's short code: 12 bits of its id's FNV-1a hash as 3 lowercase hex digits. SIDs minted in a
 * region carry it (platform/region-sids.ts), so it must never change for a region: it is derived from
 * the id alone, never from its place in the file.
 * @example regionCode("us-east") // three hex digits, the same on every deployment
 */
export const regionCode = (regionId: string): string => (fnv1a(regionId) & 0xfff).toString(16).padStart(3, "0");

/**
 * Checks that only make sense across regions: unique ids, unique codes and an existing default. They run on whatever
 * parts of the file are readable, even when other fields are wrong, so one pass reports everything.
 */
function crossRegionProblems(raw: unknown): string[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  const { regions, defaultRegion } = raw as { regions?: unknown; defaultRegion?: unknown };
  if (!Array.isArray(regions)) return [];

  const problems: string[] = [];
  const firstIndexById = new Map<string, number>();
  regions.forEach((region: unknown, index) => {
    const id = typeof region === "object" && region !== null ? (region as { id?: unknown }).id : undefined;
    if (typeof id !== "string") return;
    const first = firstIndexById.get(id);
    if (first === undefined) firstIndexById.set(id, index);
    else problems.push(`regions[${index}].id: duplicate id ${JSON.stringify(id)} (also regions[${first}])`);
  });

  // Two regions of one code would make a SID's region ambiguous; renaming one region is the fix.
  const idByCode = new Map<string, string>();
  for (const [id, index] of firstIndexById) {
    const code = regionCode(id);
    const other = idByCode.get(code);
    if (other === undefined) idByCode.set(code, id);
    else
      problems.push(
        `regions[${index}].id: ${JSON.stringify(id)} has the same SID code ${code} as ${JSON.stringify(other)}; rename one of them`,
      );
  }

  if (typeof defaultRegion === "string" && firstIndexById.size > 0 && !firstIndexById.has(defaultRegion)) {
    const known = [...firstIndexById.keys()].join(", ");
    problems.push(`defaultRegion: ${JSON.stringify(defaultRegion)} is not one of the region ids (${known})`);
  }
  return problems;
}

/**
 * Validates the parsed contents of `regions.json`.
 *
 * @throws {RegionsConfigError} listing every problem, each prefixed with its path.
 * @example
 * import raw from "../regions.json";
 * const { defaultRegion, regions } = loadRegions(raw);
 */
export function loadRegions(raw: unknown): Regions {
  const parsed = RegionsSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  problems.push(...crossRegionProblems(raw));
  if (problems.length > 0 || !parsed.success) throw new RegionsConfigError(problems);
  return parsed.data;
}

/** The deployment's regions, from regions.json. */
export const regions = loadRegions(rawRegions);

/** Switchboard's release, from package.json. */
export const VERSION: string = version;
