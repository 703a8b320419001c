/**
 * The one place the WorkspaceDO reaches a Router DO: it hands over the full configuration snapshot
 * and the events of the changes the Router has not seen (the Router stores them for the Events API).
 * The Router keeps the highest version it has seen and ignores older pushes, so a retried or
 * reordered push is harmless.
 */
import type { Env } from "../../platform/env";
import { routerFor } from "../../platform/objects";
import type { EventRecord } from "../../contract/taskrouter";
import type { WorkspaceConfigSnapshot } from "../common/rpc";

export interface PushOptions {
  /** A workflow whose waiting tasks re-run against its new configuration. */
  readonly reEvaluateTasksOf?: string;
}

/**
 * The Router of the workspace's home region applies the snapshot; throws when it cannot be reached
 * or refuses it, so the caller retries.
 */
export async function pushConfig(
  env: Env,
  homeRegion: string,
  snapshot: WorkspaceConfigSnapshot,
  events: readonly EventRecord[],
  options: PushOptions,
): Promise<void> {
  const answer = await routerFor(env, snapshot.workspace.sid, homeRegion).applyConfig(snapshot, events, options);
  if (!answer.ok) throw new Error(`Router refused configuration version ${snapshot.version}: ${answer.status} ${answer.message}`);
}
