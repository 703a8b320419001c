/**
 * The account's directory of workspaces: a copy of each workspace's record, kept current by its
 * WorkspaceDO (retrying until it succeeds), so `GET /Workspaces` lists them without waking every one.
 * Pure over the narrow SQL host.
 */
import type { ApiResult, Page, PageRequest } from "../common/rpc";
import type { WorkspaceRecord } from "../../contract/taskrouter";
import { pageOfRows } from "../kit/paging";
import { rows, run, type StoreHost } from "../kit/sql-host";

export const WORKSPACES_SCHEMA = `
CREATE TABLE workspaces (
  sid           TEXT    PRIMARY KEY,
  friendly_name TEXT    NOT NULL,
  date_created  INTEGER NOT NULL,
  record        TEXT    NOT NULL
);`;

export interface WorkspaceDirectoryFilters {
  readonly friendlyName?: string;
}

/**
 * Puts (or replaces) a workspace's record; its creation date never changes.
 * @example putWorkspace(ctx.storage, record)
 */
export function putWorkspace(host: StoreHost, record: WorkspaceRecord): void {
  run(
    host,
    `INSERT INTO workspaces (sid, friendly_name, date_created, record) VALUES (?, ?, ?, ?)
       ON CONFLICT (sid) DO UPDATE SET friendly_name = excluded.friendly_name, record = excluded.record`,
    record.sid,
    record.friendly_name,
    Date.parse(record.date_created),
    JSON.stringify(record),
  );
}

export function removeWorkspace(host: StoreHost, sid: string): void {
  run(host, "DELETE FROM workspaces WHERE sid = ?", sid);
}

/** The account's workspaces, oldest first, optionally only those with this exact friendly name. */
export function listWorkspaces(host: StoreHost, filters: WorkspaceDirectoryFilters, page: PageRequest): ApiResult<Page<WorkspaceRecord>> {
  const found = rows<{ sid: string; date_created: number; record: string }>(
    host,
    "SELECT sid, date_created, record FROM workspaces WHERE ?1 IS NULL OR friendly_name = ?1 ORDER BY date_created, sid",
    filters.friendlyName ?? null,
  );
  // Copies made before `card_masking_enabled` existed lack it until the workspace changes: it was on.
  // Copies made before `jurisdiction` existed are of workspaces made before pinning: none.
  return pageOfRows(found, page, (row): WorkspaceRecord => {
    const stored = JSON.parse(row.record) as Omit<WorkspaceRecord, "card_masking_enabled" | "jurisdiction"> & Partial<WorkspaceRecord>;
    return { ...stored, card_masking_enabled: stored.card_masking_enabled ?? true, jurisdiction: stored.jurisdiction ?? null };
  });
}
