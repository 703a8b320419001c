/**
 * The workspace's desktop settings (CRM URL template, disposition codes, canned responses) mapped to
 * `DesktopSettings`, with defaults when the workspace has none (404), and the agent's own preferences
 * (language, theme) remembered in localStorage.
 */
import { api, HttpError } from "./api";
import type { DesktopSettings } from "./types";

export const DEFAULT_SETTINGS: DesktopSettings = Object.freeze({
  crmUrlTemplate: null,
  dispositionCodes: Object.freeze(["Resolved", "Follow-up needed", "No answer"]),
  cannedResponses: Object.freeze([]),
});

interface SettingsBody {
  crm_url_template?: string | null;
  disposition_codes?: string[];
  canned_responses?: { title: string; body: string }[];
}

/**
 * @example const settings = await loadDesktopSettings("WS…"); settings.dispositionCodes // ["Resolved", …]
 */
export async function loadDesktopSettings(workspaceSid: string): Promise<DesktopSettings> {
  if (!workspaceSid) return DEFAULT_SETTINGS;
  let body: SettingsBody;
  try {
    body = await api<SettingsBody>("GET", `/api/workspaces/${encodeURIComponent(workspaceSid)}/desktop-settings`);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return DEFAULT_SETTINGS;
    throw error;
  }
  return {
    crmUrlTemplate: body.crm_url_template ?? null,
    dispositionCodes: body.disposition_codes?.length ? body.disposition_codes : DEFAULT_SETTINGS.dispositionCodes,
    cannedResponses: (body.canned_responses ?? []).map(({ title, body: text }) => ({ title, body: text })),
  };
}

const PREFS_KEY = "switchboard.desktop.prefs";

export interface Preferences {
  locale?: string;
  theme?: string;
}

/** The agent's remembered language and theme (empty when storage is unavailable). */
export function readPreferences(): Preferences {
  try {
    const raw = globalThis.localStorage?.getItem(PREFS_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed !== "object" || parsed === null) return {};
    const { locale, theme } = parsed as Record<string, unknown>;
    return { ...(typeof locale === "string" ? { locale } : {}), ...(typeof theme === "string" ? { theme } : {}) };
  } catch {
    return {};
  }
}

export function writePreferences(patch: Preferences): void {
  try {
    globalThis.localStorage?.setItem(PREFS_KEY, JSON.stringify({ ...readPreferences(), ...patch }));
  } catch {
    // Private mode or full storage: the choice lasts for this page only.
  }
}

/** The plugin URLs enabled for the workspace, in registration order. */
export async function loadPluginUrls(workspaceSid: string): Promise<string[]> {
  if (!workspaceSid) return [];
  const body = await api<{ plugins?: { url: string; enabled?: boolean }[] }>(
    "GET",
    `/api/workspaces/${encodeURIComponent(workspaceSid)}/plugins?PageSize=100`,
  );
  return (body.plugins ?? []).filter((p) => p.enabled !== false).map((p) => p.url);
}
