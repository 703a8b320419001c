/**
 * Data residency: a workspace pinned to a jurisdiction (`eu`, `fedramp`) keeps every object and byte
 * inside it. This module owns what that means without I/O: which jurisdiction a SID belongs to, which
 * jurisdictions the deployment offers, and which regions a pinned workspace's routers may use.
 *
 * A workspace is pinned by its home region: one with a `jurisdiction` in regions.json pins it there (a
 * workspace created with `Jurisdiction=eu` gets the first such region, or the `Region` it names inside
 * it). Its SID names that region (platform/region-sids.ts), as the SIDs of its conversations do, so any
 * edge knows where its objects live without a lookup (a lookup would itself have to live somewhere
 * global). A SID from before regions names none: the default region's jurisdiction, which is none.
 *
 * Pure: no `cloudflare:*` import (platform/objects.ts applies it to the namespaces).
 */
import { homeRegionOf, regionalSid, regionOfSid } from "./region-sids";
import { regions, type Jurisdiction, type Regions } from "./regions";

export type { Jurisdiction };

/**
 * The jurisdiction a SID belongs to: that of the region it names; `null` for a region with none, a SID
 * from before regions, or no SID.
 * @example jurisdictionOf(workspace.sid) // "eu" | "fedramp" | null
 */
export function jurisdictionOf(sid: string, deployment: Regions = regions): Jurisdiction | null {
  const region = typeof sid === "string" ? regionOfSid(sid, deployment.regions) : null;
  return deployment.regions.find((r) => r.id === region)?.jurisdiction ?? null;
}

/**
 * A new SID for an object holding `workspaceSid`'s data and addressed by its own SID (a conversation):
 * it names the workspace's home region, so it is found in the workspace's jurisdiction without asking.
 * @example const conversationSid = newSidBeside("CH", workspaceSid)
 */
export const newSidBeside = (prefix: string, workspaceSid: string): string => regionalSid(prefix, homeRegionOf(workspaceSid));

/**
 * The home region of a new workspace: the `Region` asked for, else for a workspace pinned to
 * `jurisdiction` the first region of it in regions.json's order, else the deployment's default. Null
 * when the region asked for is outside the jurisdiction asked for (the caller answers 400).
 * @example homeForNew("eu", undefined) // "eu-frankfurt"
 */
export function homeForNew(
  jurisdiction: Jurisdiction | undefined,
  region: string | undefined,
  deployment: Regions = regions,
): string | null {
  if (jurisdiction === undefined) return region ?? deployment.defaultRegion;
  const inside = deployment.regions.filter((r) => r.jurisdiction === jurisdiction);
  if (region === undefined) return inside[0]?.id ?? null;
  return inside.some((r) => r.id === region) ? region : null;
}

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
  const jurisdiction = jurisdictionOf(workspaceSid, deployment);
  return jurisdiction === null || region.jurisdiction === jurisdiction;
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
