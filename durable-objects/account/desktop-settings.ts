/**
 * The agent desktop's settings, per workspace: the CRM link template shown beside a task, the wrap-up
 * (disposition) codes an agent picks from, and the canned responses offered in chat. Kept in the
 * AccountDO beside the plugins, keyed by workspace: one row, replaced as a whole by an admin. The
 * rules live here so the API and any future import path share them; pure logic over `{ sql }`.
 */
import { invalid, ok, type ApiResult } from "../common/rpc";
import { iso } from "../../contract/taskrouter";
import type { StoreHost } from "../kit/sql-host";

export const MAX_CRM_URL_LENGTH = 2048;
export const MAX_DISPOSITION_CODES = 50;
export const MAX_DISPOSITION_CODE_LENGTH = 64;
export const MAX_CANNED_RESPONSES = 100;
export const MAX_CANNED_TITLE_LENGTH = 80;
export const MAX_CANNED_BODY_LENGTH = 2000;

/** What a workspace's desktop gets when an admin has set nothing. */
export const DEFAULT_DISPOSITION_CODES: readonly string[] = ["Resolved", "Follow-up needed", "No answer"];

export interface CannedResponse {
  title: string;
  body: string;
}

export interface DesktopSettingsRecord {
  workspace_sid: string;
  crm_url_template: string | null;
  disposition_codes: string[];
  canned_responses: CannedResponse[];
  /** Null while the defaults are in force. */
  date_updated: string | null;
}

/** What an admin sends; an omitted field keeps its value, `crmUrlTemplate: null` removes the CRM link. */
export interface DesktopSettingsInput {
  crmUrlTemplate?: string | null;
  dispositionCodes?: readonly string[];
  /** JSON text: an array of `{ title, body }`. */
  cannedResponses?: string;
}

/** The table of migration 4 of the AccountDO (see account-do.ts). */
export const DESKTOP_SETTINGS_SCHEMA = `
CREATE TABLE desktop_settings (
  workspace_sid     TEXT    PRIMARY KEY,
  crm_url_template  TEXT,
  disposition_codes TEXT    NOT NULL,
  canned_responses  TEXT    NOT NULL,
  date_updated      INTEGER NOT NULL
);`;

interface SettingsRow {
  workspace_sid: string;
  crm_url_template: string | null;
  disposition_codes: string;
  canned_responses: string;
  date_updated: number;
}

/**
 * Why `template` cannot be a CRM link template, or null when it can: an absolute http(s) URL once its
 * `{{task.path}}` placeholders are filled in (placeholders name task attributes: letters, digits, `_`
 * and dots).
 * @example crmTemplateProblem("https://crm.example/customers?phone={{task.from}}") // null
 */
export function crmTemplateProblem(template: string): string | null {
  if (template.length > MAX_CRM_URL_LENGTH) return `must be at most ${MAX_CRM_URL_LENGTH} characters`;
  for (const match of template.matchAll(/\{\{([^}]*)\}\}/g)) {
    if (!/^\s*task(\.[A-Za-z_][\w]*)+\s*$/.test(match[1]!)) {
      return `has a placeholder {{${match[1]}}}: placeholders are {{task.<attribute>}}, e.g. {{task.from}}`;
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(template.replace(/\{\{[^}]*\}\}/g, "x"));
  } catch {
    return "must be an absolute URL, e.g. https://crm.example.com/customers?phone={{task.from}}";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "must be an http or https URL";
  if (parsed.username || parsed.password) return "must not carry credentials";
  return null;
}

function parseCanned(text: string): ApiResult<CannedResponse[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid("CannedResponses", "must be a JSON array of {title, body}");
  }
  if (!Array.isArray(value)) return invalid("CannedResponses", "must be a JSON array of {title, body}");
  if (value.length > MAX_CANNED_RESPONSES) return invalid("CannedResponses", `takes at most ${MAX_CANNED_RESPONSES} responses`);
  const out: CannedResponse[] = [];
  for (const [i, item] of value.entries()) {
    const entry = item as { title?: unknown; body?: unknown } | null;
    if (typeof entry !== "object" || entry === null || typeof entry.title !== "string" || typeof entry.body !== "string") {
      return invalid("CannedResponses", `item ${i} must be an object with a string title and body`);
    }
    const title = entry.title.trim();
    if (title === "" || title.length > MAX_CANNED_TITLE_LENGTH) {
      return invalid("CannedResponses", `item ${i}: title must be 1 to ${MAX_CANNED_TITLE_LENGTH} characters`);
    }
    if (entry.body.trim() === "" || entry.body.length > MAX_CANNED_BODY_LENGTH) {
      return invalid("CannedResponses", `item ${i}: body must be 1 to ${MAX_CANNED_BODY_LENGTH} characters`);
    }
    out.push({ title, body: entry.body });
  }
  return ok(out);
}

function checkCodes(codes: readonly string[]): ApiResult<string[]> {
  const trimmed = codes.map((code) => code.trim());
  if (trimmed.length < 1 || trimmed.length > MAX_DISPOSITION_CODES) {
    return invalid("DispositionCode", `takes 1 to ${MAX_DISPOSITION_CODES} codes, got ${trimmed.length}`);
  }
  for (const code of trimmed) {
    if (code === "" || code.length > MAX_DISPOSITION_CODE_LENGTH) {
      return invalid("DispositionCode", `each code must be 1 to ${MAX_DISPOSITION_CODE_LENGTH} characters`);
    }
  }
  if (new Set(trimmed).size !== trimmed.length) return invalid("DispositionCode", "must not repeat a code");
  return ok(trimmed);
}

const rowOf = (host: StoreHost, workspaceSid: string) =>
  host.sql
    .exec(
      "SELECT workspace_sid, crm_url_template, disposition_codes, canned_responses, date_updated FROM desktop_settings WHERE workspace_sid = ?",
      workspaceSid,
    )
    .toArray()[0] as unknown as SettingsRow | undefined;

const record = (row: SettingsRow): DesktopSettingsRecord => ({
  workspace_sid: row.workspace_sid,
  crm_url_template: row.crm_url_template,
  disposition_codes: JSON.parse(row.disposition_codes) as string[],
  canned_responses: JSON.parse(row.canned_responses) as CannedResponse[],
  date_updated: iso(row.date_updated),
});

/** @example getDesktopSettings(host, "WS…").disposition_codes // ["Resolved", "Follow-up needed", "No answer"] when unset */
export function getDesktopSettings(host: StoreHost, workspaceSid: string): DesktopSettingsRecord {
  const row = rowOf(host, workspaceSid);
  if (row) return record(row);
  return {
    workspace_sid: workspaceSid,
    crm_url_template: null,
    disposition_codes: [...DEFAULT_DISPOSITION_CODES],
    canned_responses: [],
    date_updated: null,
  };
}

/**
 * Changes the settings: each field given replaces its value, the others keep theirs (or the defaults).
 * @example putDesktopSettings(host, "WS…", { dispositionCodes: ["Sold", "Not interested"] }, Date.now())
 */
export function putDesktopSettings(
  host: StoreHost,
  workspaceSid: string,
  input: DesktopSettingsInput,
  now: number,
): ApiResult<DesktopSettingsRecord> {
  const current = getDesktopSettings(host, workspaceSid);
  let crm = current.crm_url_template;
  if (input.crmUrlTemplate !== undefined) {
    crm = input.crmUrlTemplate === null || input.crmUrlTemplate.trim() === "" ? null : input.crmUrlTemplate.trim();
    const problem = crm === null ? null : crmTemplateProblem(crm);
    if (problem) return invalid("CrmUrlTemplate", problem);
  }
  let codes = current.disposition_codes;
  if (input.dispositionCodes !== undefined) {
    const checked = checkCodes(input.dispositionCodes);
    if (!checked.ok) return checked;
    codes = checked.value;
  }
  let canned = current.canned_responses;
  if (input.cannedResponses !== undefined) {
    const parsed = parseCanned(input.cannedResponses);
    if (!parsed.ok) return parsed;
    canned = parsed.value;
  }
  host.sql
    .exec(
      `INSERT INTO desktop_settings (workspace_sid, crm_url_template, disposition_codes, canned_responses, date_updated)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (workspace_sid) DO UPDATE SET crm_url_template = excluded.crm_url_template,
         disposition_codes = excluded.disposition_codes, canned_responses = excluded.canned_responses, date_updated = excluded.date_updated`,
      workspaceSid,
      crm,
      JSON.stringify(codes),
      JSON.stringify(canned),
      now,
    )
    .toArray();
  return ok(getDesktopSettings(host, workspaceSid));
}

/**
 * The origins of every workspace's CRM screen pop (placeholders never pick the host, so the template
 * without them names it), each once: what the desktop's Content-Security-Policy lets it frame.
 * @example crmOrigins(host) // ["https://crm.example.com"]
 */
export function crmOrigins(host: StoreHost): string[] {
  const rows = host.sql
    .exec("SELECT DISTINCT crm_url_template FROM desktop_settings WHERE crm_url_template IS NOT NULL")
    .toArray() as unknown as { crm_url_template: string }[];
  const origins = rows.flatMap(({ crm_url_template: template }) => {
    try {
      return [new URL(template.replace(/\{\{[^}]*\}\}/g, "")).origin];
    } catch {
      return [];
    }
  });
  return [...new Set(origins.filter((origin) => /^https?:\/\//.test(origin)))].sort();
}
