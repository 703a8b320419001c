/**
 * The shape of `regions.json`, the one function that turns the raw file into trusted data, and the
 * region nearest a request (`nearestRegion`, at the end).
 *
 * Every region is a place where Switchboard runs a Router Durable Object next to a LiveKit media edge:
 * `locationHint` tells Cloudflare where to create that object, `jurisdiction` (optional) pins its storage
 * to a legal area, `livekitUrl` is where that region's calls and video go, `partner` the region that is to
 * take its new tasks while it is down (platform/failover.ts), `latitude`/`longitude` where its city is. A typo here would silently put
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
export type Jurisdiction = (typeof JURISDICTIONS)[number];

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

/** Decimal degrees within ±`limit` (90 for a latitude, 180 for a longitude); a string such as "53.35" is refused. */
function degrees(limit: 90 | 180) {
  const expected = (input: unknown) => `expected decimal degrees from -${limit} to ${limit} (got ${got(input)})`;
  return z
    .number({ error: (issue) => (issue.input === undefined ? "required" : expected(issue.input)) })
    .refine((value) => Math.abs(value) <= limit, { error: (issue) => expected(issue.input) });
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
    // The region that is to take this one's new tasks while it is down; checked against the other ids in
    // partnerProblems. Optional only because a deployment of one region has nowhere to fail over to.
    partner: requiredString("a region id").optional(),
    // Where the region's city is, for the nearest region to a request (nearestRegion).
    latitude: degrees(90),
    longitude: degrees(180),
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
 * Each region's partner must be another region of the file; a region may omit it only when it is the
 * only one. Like {@link crossRegionProblems}, it reads whatever parts of the file are readable.
 */
function partnerProblems(raw: unknown): string[] {
  const regions = typeof raw === "object" && raw !== null ? (raw as { regions?: unknown }).regions : undefined;
  if (!Array.isArray(regions)) return [];
  const fields = regions.map((region: unknown) =>
    typeof region === "object" && region !== null ? (region as { id?: unknown; partner?: unknown }) : null,
  );
  const ids = [...new Set(fields.flatMap((region) => (typeof region?.id === "string" ? [region.id] : [])))];

  const problems: string[] = [];
  fields.forEach((region, index) => {
    if (region === null) return; // the schema's problem
    const { id, partner } = region;
    const path = `regions[${index}].partner`;
    if (partner === undefined && regions.length > 1)
      problems.push(`${path}: required when there is more than one region (the id of the region to fail over to)`);
    if (typeof partner !== "string") return; // absent, or the schema's problem
    if (partner === id) problems.push(`${path}: ${JSON.stringify(partner)} is this region; name another region to fail over to`);
    else if (!ids.includes(partner)) problems.push(`${path}: ${JSON.stringify(partner)} is not one of the region ids (${ids.join(", ")})`);
  });
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
  problems.push(...crossRegionProblems(raw), ...partnerProblems(raw));
  if (problems.length > 0 || !parsed.success) throw new RegionsConfigError(problems);
  return parsed.data;
}

/** The deployment's regions, from regions.json. */
export const regions = loadRegions(rawRegions);

/** Switchboard's release, from package.json. */
export const VERSION: string = version;

// ── The region nearest a request ────────────────────────────────────────────────────────────────────
// Where a new worker or task goes when nothing else says (issue 13): the region nearest the edge the
// request reached, from Cloudflare's `request.cf`. A region with a `jurisdiction` is never chosen by
// nearness for a workspace that is not pinned to that jurisdiction (its objects would be created inside
// a legal area the workspace never asked for, and could not leave it), and a pinned workspace is only
// ever given regions of its own jurisdiction, however far.

/** A point on the Earth in decimal degrees. */
export interface Place {
  readonly latitude: number;
  readonly longitude: number;
}

/** The Earth's mean radius (IUGG), in km. */
const EARTH_RADIUS_KM = 6371.0088;

/**
 * The great-circle distance between two places in km (haversine, on a sphere: within 0.5 % of the
 * ellipsoid, far finer than the choice it serves).
 * @example greatCircleKm({ latitude: 53.35, longitude: -6.26 }, { latitude: 50.11, longitude: 8.68 }) // ≈ 1,090
 */
export function greatCircleKm(a: Place, b: Place): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** What {@link nearestRegion} reads of a request's `cf` (`IncomingRequestCfProperties`): strings, each may be missing. */
export interface RequestGeo {
  readonly latitude?: string;
  readonly longitude?: string;
  readonly country?: string;
  readonly continent?: string;
}

/**
 * Where a continent's people are, roughly, for a request Cloudflare could place no closer (Antarctica
 * and Tor have none). Estimates: North America is the US census's mean centre of population (2020).
 */
const CONTINENT_PLACES: Readonly<Record<string, Place>> = {
  AF: { latitude: 5, longitude: 20 },
  AS: { latitude: 23, longitude: 95 },
  EU: { latitude: 50, longitude: 15 },
  NA: { latitude: 37.4, longitude: -92.2 },
  OC: { latitude: -30, longitude: 145 },
  SA: { latitude: -15, longitude: -55 },
};

/**
 * A country's largest city, for a request with a country but no coordinates: the most populous countries
 * and those whose continent's point above would say the wrong region (East Asia is not South-East Asia).
 */
const COUNTRY_PLACES: Readonly<Record<string, Place>> = {
  US: { latitude: 37.4, longitude: -92.2 },
  CA: { latitude: 43.6532, longitude: -79.3832 },
  MX: { latitude: 19.4326, longitude: -99.1332 },
  BR: { latitude: -23.5505, longitude: -46.6333 },
  GB: { latitude: 51.5074, longitude: -0.1278 },
  DE: { latitude: 52.52, longitude: 13.405 },
  IN: { latitude: 19.076, longitude: 72.8777 },
  CN: { latitude: 39.9042, longitude: 116.4074 },
  JP: { latitude: 35.6762, longitude: 139.6503 },
  KR: { latitude: 37.5665, longitude: 126.978 },
  TW: { latitude: 25.033, longitude: 121.5654 },
  ID: { latitude: -6.2088, longitude: 106.8456 },
  AU: { latitude: -33.8688, longitude: 151.2093 },
  NZ: { latitude: -36.8485, longitude: 174.7633 },
};

/** A coordinate as Cloudflare writes it ("-33.86880"), or null when it is missing, no number or out of range. */
function coordinate(value: string | undefined, limit: 90 | 180): number | null {
  if (value === undefined || value.trim() === "") return null;
  const degrees = Number(value);
  return Number.isFinite(degrees) && Math.abs(degrees) <= limit ? degrees : null;
}

/** Where the request came from: its coordinates, else its country's place, else its continent's, else null. */
function placeOf(cf: RequestGeo): Place | null {
  const latitude = coordinate(cf.latitude, 90);
  const longitude = coordinate(cf.longitude, 180);
  if (latitude !== null && longitude !== null) return { latitude, longitude };
  return (cf.country && COUNTRY_PLACES[cf.country]) || (cf.continent && CONTINENT_PLACES[cf.continent]) || null;
}

/**
 * The region nearest where a request came from, by great-circle distance from its `cf` coordinates (else
 * its country, else its continent), among the regions of the workspace's jurisdiction — those with none
 * for a workspace not pinned to one — and, when `within` is given, only those (the workspace's regions).
 * Null when `cf` places the request nowhere (local `wrangler dev`) or no region can be chosen: the caller
 * then uses the workspace's default region. Ties go to the region listed first in regions.json.
 * @example nearestRegion(c.req.raw.cf as RequestGeo | undefined, { jurisdiction: workspace.jurisdiction })?.id ?? workspace.defaultRegion
 */
export function nearestRegion(
  cf: RequestGeo | null | undefined,
  options: { readonly jurisdiction?: Jurisdiction | undefined; readonly within?: readonly string[] } = {},
  declared: Regions = regions,
): Region | null {
  const place = cf ? placeOf(cf) : null;
  if (place === null) return null;
  let nearest: Region | null = null;
  let nearestKm = Infinity;
  for (const region of declared.regions) {
    if (region.jurisdiction !== options.jurisdiction) continue;
    if (options.within && !options.within.includes(region.id)) continue;
    const km = greatCircleKm(place, region);
    if (km < nearestKm) [nearest, nearestKm] = [region, km];
  }
  return nearest;
}
