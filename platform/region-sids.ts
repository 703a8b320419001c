/**
 * Which region's Router holds a worker, task or reservation, told by its SID alone, so any edge reaches
 * the owner without asking anyone first. A SID minted in a region keeps Twilio's shape (two letters and
 * 32 lowercase hex digits) and ends with the region's code (regions.ts, 3 hex) and a check (5 hex) over
 * everything before it: `WT` + 24 random hex + code + check. A SID minted before regions, or by another
 * system, fails the check (a random SID passes one time in about a million, and must then also end in
 * one of the deployment's few codes: about 5 in 10^9 for eight regions) and answers null: the caller then
 * uses the workspace's home region. The check is that long because a workspace SID misread as naming
 * another region would send its objects' addresses to that region (and its jurisdiction).
 *
 * A workspace SID carries its home region the same way (minted at creation), so the home region of any
 * workspace is known without a round trip too; a workspace from before has the deployment's default.
 *
 * Pure: no `cloudflare:*` import.
 */
import { newSid } from "../contract/ids";
import { fnv1a, type Region, regionCode, regions } from "./regions";

const SID_SHAPE = /^[A-Z]{2}[0-9a-f]{32}$/;
/** Prefix and random hex before the region's code: 2 + 24 characters (96 random bits). */
const HEAD = 26;

const check = (headAndCode: string): string => (fnv1a(headAndCode) & 0xfffff).toString(16).padStart(5, "0");

/**
 * A new SID of `prefix` that names `regionId` as its region.
 * @example regionalSid("WT", "eu-ireland") // "WT…" (34 characters); regionOfSid of it is "eu-ireland"
 */
export function regionalSid(prefix: string, regionId: string): string {
  const headAndCode = newSid(prefix).slice(0, HEAD) + regionCode(regionId);
  return headAndCode + check(headAndCode);
}

/**
 * The SID of `prefix` that `key` (24 hex digits, minted by whoever asks for the record) makes in
 * `regionId` — the same every time, so a record asked for twice (a resend after a lost answer) is found
 * under it instead of made again. Without a region (a Router of none, in unit tests) the code and check
 * are zeros.
 * @example keyedRegionalSid("EV", "us-east", "0123456789abcdef01234567") === keyedRegionalSid("EV", "us-east", "0123456789abcdef01234567")
 */
export function keyedRegionalSid(prefix: string, regionId: string, key: string): string {
  if (!/^[0-9a-f]{24}$/.test(key)) throw new Error("A SID's key is 24 hex digits");
  if (regionId === "") return prefix + key + "0".repeat(8);
  const headAndCode = prefix + key + regionCode(regionId);
  return headAndCode + check(headAndCode);
}

/**
 * The region a SID was minted in, or null for a SID that names none of `known` (an older SID, another
 * system's, or a region no longer deployed).
 * @example regionOfSid(regionalSid("WK", "ap-sydney")) // "ap-sydney"
 * @example regionOfSid("WT" + "0".repeat(32)) // null
 */
export function regionOfSid(sid: string, known: readonly Region[] = regions.regions): string | null {
  if (!SID_SHAPE.test(sid)) return null;
  const headAndCode = sid.slice(0, HEAD + 3);
  if (check(headAndCode) !== sid.slice(HEAD + 3)) return null;
  const code = sid.slice(HEAD, HEAD + 3);
  return known.find((region) => regionCode(region.id) === code)?.id ?? null;
}

/**
 * The home region of a workspace: the one its SID names, else (a workspace from before regions) the
 * deployment's default, which every workspace had then.
 * @example homeRegionOf(regionalSid("WS", "eu-ireland")) // "eu-ireland"
 */
export const homeRegionOf = (workspaceSid: string): string => regionOfSid(workspaceSid) ?? regions.defaultRegion;

/**
 * The region whose Router holds the worker, task or reservation `sid` of `workspaceSid`: the one its
 * SID names, else the workspace's home region.
 * @example regionOfItem("WS…", "WT…") // "eu-ireland" for a task created there
 */
export const regionOfItem = (workspaceSid: string, sid: string): string => regionOfSid(sid) ?? homeRegionOf(workspaceSid);
