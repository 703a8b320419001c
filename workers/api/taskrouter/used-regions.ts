/**
 * The regions a workspace uses, kept in the Worker's isolate for placement's nearness step
 * (placement.ts), so that choosing where a new task goes costs no WorkspaceDO call on the hot path.
 *
 * How stale a copy can be: it is used for at most {@link USED_REGIONS_MS} after it was read, then read
 * again (the list is a few ids: reading it is as cheap as asking its version would be). Staleness is
 * one-sided: a workspace's regions are only ever added, never removed, so a copy can lack a region that
 * joined in another isolate — the nearest step then picks another region the workspace uses, never
 * one it does not — and never names a region the workspace has left. The isolate's own additions
 * (`useRegion`'s answer) replace the copy at once.
 */
import { ok, type ApiResult } from "../../../durable-objects/common/rpc";
import type { Env } from "../../../platform/env";
import { workspaceFor } from "../../../platform/objects";
import { homeRegionOf } from "../../../platform/region-sids";
import { IsolateCache } from "../../../platform/isolate-cache";

/** How long a copy is used before it is read again. */
export const USED_REGIONS_MS = 5_000;

const cache = new IsolateCache<readonly string[]>(USED_REGIONS_MS);
const keyOf = (accountSid: string, workspaceSid: string) => `${accountSid}/${workspaceSid}`;

/**
 * The regions `workspaceSid` uses, home first: the isolate's copy while younger than
 * {@link USED_REGIONS_MS}, else read from the WorkspaceDO. A workspace the WorkspaceDO does not know
 * (another account's) has its home region only, as the lists answer it.
 * @example const used = await usedRegions(env, accountSid, "WS…", Date.now()) // ok(["us-east", "ap-sydney"])
 */
export async function usedRegions(
  env: Pick<Env, "WORKSPACE">,
  accountSid: string,
  workspaceSid: string,
  now: number,
): Promise<ApiResult<readonly string[]>> {
  const cached = cache.get(keyOf(accountSid, workspaceSid), now);
  if (cached) return ok(cached);
  const read = await workspaceFor(env, workspaceSid).workspaceRegions(accountSid);
  if (!read.ok) return read.status === 404 ? ok([homeRegionOf(workspaceSid)]) : read;
  rememberRegions(accountSid, workspaceSid, read.value, now);
  return read;
}

/** Keeps `regions` as the workspace's (the WorkspaceDO's answer to a read or a `useRegion`). */
export function rememberRegions(accountSid: string, workspaceSid: string, regions: readonly string[], now: number): void {
  cache.set(keyOf(accountSid, workspaceSid), regions, now);
}
