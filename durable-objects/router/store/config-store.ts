/**
 * The workspace configuration the Router routes by: the latest snapshot the Workspace DO pushed. One
 * row; a push with a version not above the stored one is ignored by the caller.
 */
import type { WorkspaceConfigSnapshot } from "../../common/rpc";
import { first, run, type StoreHost } from "../../kit/sql-host";

export function loadSnapshot(host: StoreHost): WorkspaceConfigSnapshot | null {
  const row = first<{ snapshot: string }>(host, "SELECT snapshot FROM sb_config WHERE id = 1");
  return row ? (JSON.parse(row.snapshot) as WorkspaceConfigSnapshot) : null;
}

export function saveSnapshot(host: StoreHost, snapshot: WorkspaceConfigSnapshot): void {
  run(host, "INSERT OR REPLACE INTO sb_config (id, version, snapshot) VALUES (1, ?, ?)", snapshot.version, JSON.stringify(snapshot));
}
