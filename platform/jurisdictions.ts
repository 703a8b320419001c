/**
 * Data residency: a workspace pinned to a jurisdiction (`eu`, `fedramp`) at creation keeps every object
 * and byte inside it. This module owns what that means without I/O: how a SID carries its jurisdiction,
 * which jurisdictions the deployment offers, and which regions a pinned workspace's routers may use.
 *
 * The SID carries it so that any edge knows where a workspace's objects live without a lookup (a
 * lookup would itself have to live somewhere global). Twilio's shape is kept — a prefix and 32 lowercase
 * hex digits — and the last 8 digits are a check over the first 24 XORed with the jurisdiction's marker.
 * A random SID, which every SID minted before pinning existed is, passes that check with probability
 * 2 in 2^32 (one tail value per jurisdiction), so old SIDs mean "none"; and an unpinned SID is redrawn in
 * that rare case, so a new one never looks pinned. The prefix is outside the mark: a conversation minted
 * beside a pinned workspace (`newSidBeside("CH", "WS…")`) carries the same jurisdiction.
 *
 * Pure: no `cloudflare:*` import (platform/objects.ts applies it to the namespaces).
 */
import { newSid } from "../contract/ids";
import { JURISDICTIONS, regions, type Jurisdiction, type Regions } from "./regions";

export type { Jurisdiction };

/**
 * Each jurisdiction's marker, XORed into the check: apart in three hex digits, so no one-digit slip
 * turns one jurisdiction into another. A new jurisdiction in regions.ts fails the build here until it
 * has one; a marker, once used, never changes (it is in every SID of that jurisdiction).
 */
const MARKERS = { eu: 0x00e50000, fedramp: 0x0fed0000 } as const satisfies Record<Jurisdiction, number>;

const HEX_SID = /^[A-Za-z]{2}[0-9a-f]{32}$/;

/** FNV-1a over the first 24 hex digits: cheap, synchronous, spreads every digit over all 32 bits. */
function check(head: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < head.length; i++) hash = Math.imul(hash ^ head.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The jurisdiction a SID was minted in; `null` for an unpinned one, a random (old) SID or no SID.
 * @example jurisdictionOf(workspace.sid) // "eu" | "fedramp" | null
 */
export function jurisdictionOf(sid: string): Jurisdiction | null {
  if (typeof sid !== "string" || !HEX_SID.test(sid)) return null;
  const mark = (Number.parseInt(sid.slice(26), 16) ^ check(sid.slice(2, 26))) >>> 0;
  for (const jurisdiction of JURISDICTIONS) if (MARKERS[jurisdiction] === mark) return jurisdiction;
  return null;
}

/**
 * A new SID of `prefix` carrying `jurisdiction` (or none, for `null`).
 * @example const sid = newSidIn("WS", "eu"); jurisdictionOf(sid) // "eu"
 */
export function newSidIn(prefix: string, jurisdiction: Jurisdiction | null): string {
  const sid = newSid(prefix);
  if (jurisdiction === null) return jurisdictionOf(sid) === null ? sid : newSidIn(prefix, null);
  const head = sid.slice(2, 26);
  const tail = ((check(head) ^ MARKERS[jurisdiction]) >>> 0).toString(16).padStart(8, "0");
  return `${prefix}${head}${tail}`;
}

/**
 * A new SID for an object holding `workspaceSid`'s data and addressed by its own SID (a conversation):
 * in the workspace's jurisdiction, so it is found there without asking the workspace.
 * @example const conversationSid = newSidBeside("CH", workspaceSid)
 */
export const newSidBeside = (prefix: string, workspaceSid: string): string => newSidIn(prefix, jurisdictionOf(workspaceSid));

/** The jurisdictions some region of the deployment is in, in regions.json's order. @example offeredJurisdictions() // ["eu"] */
export function offeredJurisdictions(deployment: Regions = regions): Jurisdiction[] {
  return [...new Set(deployment.regions.flatMap((r) => (r.jurisdiction ? [r.jurisdiction] : [])))];
}

/**
 * Why a workspace cannot be pinned to `jurisdiction` here (no region of the deployment is in it), or null.
 * @example jurisdictionRefusal("fedramp") // 'no region of this deployment is in the "fedramp" jurisdiction (regions.json offers: eu)'
 */
export function jurisdictionRefusal(jurisdiction: Jurisdiction, deployment: Regions = regions): string | null {
  const offered = offeredJurisdictions(deployment);
  if (offered.includes(jurisdiction)) return null;
  return `no region of this deployment is in the "${jurisdiction}" jurisdiction (regions.json offers: ${offered.join(", ") || "none"})`;
}

/**
 * Whether `workspaceSid`'s routers may live in `regionId`: a known region, and for a pinned workspace one
 * inside its jurisdiction. The one check wherever a region is chosen for a workspace (its home, a
 * worker's, a task's).
 * @example if (!regionAllowed(workspaceSid, p.Region)) throw new ApiError(400, 20001, "…")
 */
export function regionAllowed(workspaceSid: string, regionId: string, deployment: Regions = regions): boolean {
  const region = deployment.regions.find((r) => r.id === regionId);
  if (!region) return false;
  const jurisdiction = jurisdictionOf(workspaceSid);
  return jurisdiction === null || region.jurisdiction === jurisdiction;
}

/**
 * The region a workspace's routing lives in unless told otherwise: the first region of its jurisdiction
 * in regions.json's order, or the deployment's default for an unpinned workspace. Throws when the
 * deployment has no region in the workspace's jurisdiction any more, rather than place it outside.
 * @example routerFor(env, workspaceSid, homeRegionOf(workspaceSid))
 */
export function homeRegionOf(workspaceSid: string, deployment: Regions = regions): string {
  const jurisdiction = jurisdictionOf(workspaceSid);
  if (jurisdiction === null) return deployment.defaultRegion;
  const home = deployment.regions.find((r) => r.jurisdiction === jurisdiction);
  if (!home) throw new Error(`Workspace ${workspaceSid} is pinned to "${jurisdiction}", but no region in regions.json is in it`);
  return home.id;
}

/**
 * The bindings (wrangler.toml) that hold a pinned workspace's bytes: its R2 bucket and its reporting
 * database, each created inside the jurisdiction. platform/stores.ts picks them; a unit test checks
 * that wrangler.toml binds them for every jurisdiction regions.json offers.
 */
export const JURISDICTION_BINDINGS = {
  eu: { bucket: "RECORDINGS_EU", database: "DB_EU" },
  fedramp: { bucket: "RECORDINGS_FEDRAMP", database: "DB_FEDRAMP" },
} as const satisfies Record<Jurisdiction, { bucket: string; database: string }>;
