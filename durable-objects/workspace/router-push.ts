/**
 * The one place the WorkspaceDO reaches a Router DO: it hands over the full configuration snapshot
 * and the events of the changes the Router has not seen. The Router keeps the highest version it has
 * seen and ignores older pushes, so a retried or reordered push is harmless.
 */
import type { Env } from "../../workers/env";
import { routerFor } from "../../workers/locations";
import type { EventRecord, WorkspaceConfigSnapshot } from "../shared/taskrouter";

export interface PushOptions {
  /** A workflow whose waiting tasks re-run against its new configuration. */
  readonly reEvaluateTasksOf?: string;
}

interface ConfigReceiver {
  applyConfig(snapshot: WorkspaceConfigSnapshot, events: EventRecord[], options: PushOptions): Promise<unknown>;
}

/** The Router of the workspace's home region applies the snapshot; throws when it cannot be reached. */
export async function pushConfig(
  env: Env,
  homeRegion: string,
  snapshot: WorkspaceConfigSnapshot,
  events: readonly EventRecord[],
  options: PushOptions,
): Promise<void> {
  // RouterDO.applyConfig is being written alongside; until it lands, the stub is typed by this call.
  const router = routerFor(env, snapshot.workspace.sid, homeRegion) as unknown as ConfigReceiver;
  const answer: unknown = await router.applyConfig(snapshot, [...events], options);
  if (typeof answer === "object" && answer !== null && "ok" in answer && answer.ok === false) {
    throw new Error(`Router refused configuration version ${snapshot.version}: ${JSON.stringify(answer)}`);
  }
}
