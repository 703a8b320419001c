/**
 * Plugin registrations: the ES module URLs an admin registers for a workspace, which the agent desktop
 * imports at start-up (enabled ones, oldest first). Kept in the AccountDO, keyed by workspace, beside
 * the users who load them. Pure logic over `{ sql, transactionSync }`; the URL rule lives here so the
 * API and any future import path share it.
 */
import { invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { iso } from "../../contract/taskrouter";
import { newSid } from "../../contract/ids";
import type { StoreHost, SqlValue } from "../kit/sql-host";
import { pageOfRows } from "../kit/paging";

export const MAX_PLUGIN_URL_LENGTH = 2048;
export const MAX_PLUGIN_NAME_LENGTH = 64;

export interface PluginRecord {
  sid: string;
  workspace_sid: string;
  friendly_name: string;
  url: string;
  enabled: boolean;
  date_created: string;
  date_updated: string;
}

interface PluginRow {
  sid: string;
  workspace_sid: string;
  friendly_name: string;
  url: string;
  enabled: number;
  date_created: number;
  date_updated: number;
}

export const PLUGINS_SCHEMA = `
CREATE TABLE plugins (
  sid           TEXT    PRIMARY KEY,
  workspace_sid TEXT    NOT NULL,
  friendly_name TEXT    NOT NULL,
  url           TEXT    NOT NULL,
  enabled       INTEGER NOT NULL,
  date_created  INTEGER NOT NULL,
  date_updated  INTEGER NOT NULL
);
CREATE INDEX plugins_by_workspace ON plugins (workspace_sid, date_created, sid);`;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Why `url` cannot be a plugin's address, or null when it can: https anywhere, or http only on this
 * machine (localhost, 127.0.0.1, [::1]) for a plugin under development. A page served over https could
 * not import an http module anyway, and an http module elsewhere could be swapped on the way.
 * @example pluginUrlProblem("http://cdn.example.com/p.js") // "must be https (http only on localhost or 127.0.0.1)"
 */
export function pluginUrlProblem(url: string): string | null {
  if (url.length > MAX_PLUGIN_URL_LENGTH) return `must be at most ${MAX_PLUGIN_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute URL, e.g. https://plugins.example.com/my-plugin.js";
  }
  if (parsed.username || parsed.password) return "must not carry credentials";
  if (parsed.protocol === "https:") return null;
  if (parsed.protocol === "http:" && LOCAL_HOSTS.has(parsed.hostname)) return null;
  return "must be https (http only on localhost or 127.0.0.1)";
}

const record = (row: PluginRow): PluginRecord => ({
  sid: row.sid,
  workspace_sid: row.workspace_sid,
  friendly_name: row.friendly_name,
  url: row.url,
  enabled: row.enabled === 1,
  date_created: iso(row.date_created),
  date_updated: iso(row.date_updated),
});

const COLUMNS = "sid, workspace_sid, friendly_name, url, enabled, date_created, date_updated";
const rowsOf = (host: StoreHost, query: string, ...bindings: SqlValue[]) =>
  host.sql.exec(query, ...bindings).toArray() as unknown as PluginRow[];

export interface PluginInput {
  friendlyName?: string;
  url?: string;
  enabled?: boolean;
}

function checkInput(input: PluginInput): ApiResult<null> {
  if (input.url !== undefined) {
    const problem = pluginUrlProblem(input.url);
    if (problem) return invalid("Url", problem);
  }
  if (input.friendlyName !== undefined && input.friendlyName.length > MAX_PLUGIN_NAME_LENGTH) {
    return invalid("FriendlyName", `must be at most ${MAX_PLUGIN_NAME_LENGTH} characters`);
  }
  return ok(null);
}

/** @example createPlugin(host, "WS…", { friendlyName: "CRM panel", url: "https://cdn.example.com/crm.js" }, Date.now()) */
export function createPlugin(host: StoreHost, workspaceSid: string, input: PluginInput, now: number): ApiResult<PluginRecord> {
  if (input.url === undefined) return invalid("Url", "is required");
  const checked = checkInput(input);
  if (!checked.ok) return checked;
  const row: PluginRow = {
    sid: newSid("FP"),
    workspace_sid: workspaceSid,
    friendly_name: input.friendlyName ?? "",
    url: input.url,
    enabled: input.enabled === false ? 0 : 1,
    date_created: now,
    date_updated: now,
  };
  host.sql
    .exec(
      `INSERT INTO plugins (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      row.sid,
      row.workspace_sid,
      row.friendly_name,
      row.url,
      row.enabled,
      row.date_created,
      row.date_updated,
    )
    .toArray();
  return ok(record(row));
}

const pluginRow = (host: StoreHost, workspaceSid: string, sid: string) =>
  rowsOf(host, `SELECT ${COLUMNS} FROM plugins WHERE workspace_sid = ? AND sid = ?`, workspaceSid, sid)[0];

export function getPlugin(host: StoreHost, workspaceSid: string, sid: string): ApiResult<PluginRecord> {
  const row = pluginRow(host, workspaceSid, sid);
  return row ? ok(record(row)) : notFound("Plugin", sid);
}

export function listPlugins(host: StoreHost, workspaceSid: string, page: PageRequest): ApiResult<Page<PluginRecord>> {
  const rows = rowsOf(host, `SELECT ${COLUMNS} FROM plugins WHERE workspace_sid = ? ORDER BY date_created, sid`, workspaceSid);
  return pageOfRows(rows, page, record);
}

export function updatePlugin(host: StoreHost, workspaceSid: string, sid: string, input: PluginInput, now: number): ApiResult<PluginRecord> {
  const row = pluginRow(host, workspaceSid, sid);
  if (!row) return notFound("Plugin", sid);
  const checked = checkInput(input);
  if (!checked.ok) return checked;
  const next: PluginRow = {
    ...row,
    friendly_name: input.friendlyName ?? row.friendly_name,
    url: input.url ?? row.url,
    enabled: input.enabled === undefined ? row.enabled : input.enabled ? 1 : 0,
    date_updated: now,
  };
  host.sql
    .exec(
      "UPDATE plugins SET friendly_name = ?, url = ?, enabled = ?, date_updated = ? WHERE sid = ?",
      next.friendly_name,
      next.url,
      next.enabled,
      next.date_updated,
      sid,
    )
    .toArray();
  return ok(record(next));
}

export function deletePlugin(host: StoreHost, workspaceSid: string, sid: string): ApiResult<null> {
  if (!pluginRow(host, workspaceSid, sid)) return notFound("Plugin", sid);
  host.sql.exec("DELETE FROM plugins WHERE sid = ?", sid).toArray();
  return ok(null);
}

/**
 * The origins of every enabled plugin of the account (any workspace), each once: the sources the
 * desktop's Content-Security-Policy lets scripts, styles and calls come from.
 * @example pluginOrigins(host) // ["https://plugins.example.com"]
 */
export function pluginOrigins(host: StoreHost): string[] {
  const urls = host.sql.exec("SELECT DISTINCT url FROM plugins WHERE enabled = 1").toArray() as unknown as { url: string }[];
  return [...new Set(urls.map(({ url }) => new URL(url).origin))].sort();
}
