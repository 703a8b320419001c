/**
 * Channel configurations (`XC…`): one per connected number, page, inbox, widget or custom endpoint, each
 * with its kind, the workflow and TaskChannel of the tasks its conversations create, non-secret
 * settings and write-only secrets. The WorkspaceDO stores them next to the workflows they point at, so
 * a reference is checked against the workspace it belongs to.
 *
 * Secrets are sealed (AES-GCM under a key derived from the deployment's auth token, with
 * `<channel SID>:<secret name>` as associated data, so a sealed value cannot be moved to another channel
 * or name) before they reach storage: sealing is asynchronous, so the DO checks a change, seals what it
 * carries, and then writes it in one synchronous transaction that checks it again. The API shows only
 * which secrets are set; `channelConfig` opens them for the adapters.
 *
 * Required fields per kind (everything else is optional; adapters own their defaults, e.g. Twilio's
 * `api_base_url` defaults to https://api.twilio.com):
 * - twilio: twilio_account_sid (AC SID), phone_number (E.164 or whatsapp:+E.164), secret auth_token
 * - whatsapp: phone_number_id, secrets access_token, app_secret, verify_token
 * - messenger / instagram: page_id, secrets page_access_token, app_secret, verify_token
 * - email: address
 * - custom: outbound_url, secret signing_secret
 * - webchat: nothing
 * Every `*_url` setting is an absolute http(s) URL. A channel may name the region its conversations' tasks
 * are created in (workers/api/taskrouter/placement.ts), inside the workspace's jurisdiction. Channel changes bump the channel's own `version`
 * (not the workspace's: the Router's snapshot does not include channels, so nothing needs pushing).
 */
import {
  CHANNEL_KINDS,
  CHANNEL_SETTINGS,
  DEFAULT_TASK_CHANNEL,
  type ChannelKind,
  type ChannelRecord,
  type SettingValue,
} from "../../channels/channel-config";
import type { SqlExec } from "../kit/sql-host";
import { fail, invalid, notFound, ok, type ApiFailure, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { iso } from "../../contract/taskrouter";
import { isSid } from "../../contract/ids";
import { checkFriendlyName, checkHttpUrl } from "./checks";
import { pageOfRows } from "../kit/paging";
import { taskChannelRow, workflowRow, type WorkspaceRow } from "./workspace-rows";
import { regions } from "../../platform/regions";
import { jurisdictionOf, regionAllowed } from "../../platform/jurisdictions";
import { flowExists } from "./flows";

export interface CreateChannelInput {
  /** Checked here: the Worker passes what it was given, so the 400 names the kinds. */
  readonly kind: string;
  readonly friendlyName?: string;
  /** Null or omitted: the workspace's oldest workflow. */
  readonly workflowSid?: string | null;
  /** Default per kind (`DEFAULT_TASK_CHANNEL`). */
  readonly taskChannel?: string;
  /** Where its conversations' tasks are created: a region of regions.json inside the workspace's jurisdiction; null or omitted: none. */
  readonly region?: string | null;
  /** The Studio flow (FW…) of this workspace its new conversations run first; null or omitted: none. */
  readonly flowSid?: string | null;
  readonly settings?: Readonly<Record<string, SettingValue>>;
  readonly secrets?: Readonly<Record<string, string>>;
  /** The public origin the request came through (`https://switchboard.example`): where the webhook URL points. */
  readonly origin?: string;
}

export interface UpdateChannelInput {
  readonly friendlyName?: string;
  /** Null clears it. */
  readonly workflowSid?: string | null;
  readonly taskChannel?: string;
  /** Null clears it. */
  readonly region?: string | null;
  /** Null clears it. */
  readonly flowSid?: string | null;
  /** Only the named settings change; an empty string removes one. */
  readonly settings?: Readonly<Record<string, SettingValue>>;
  /** Only the named secrets change: a value replaces it, an empty string clears it. */
  readonly secrets?: Readonly<Record<string, string>>;
  readonly origin?: string;
}

export interface ChannelRow {
  readonly sid: string;
  readonly kind: ChannelKind;
  readonly friendly_name: string;
  readonly workflow_sid: string | null;
  readonly task_channel: string;
  readonly region: string | null;
  readonly flow_sid: string | null;
  /** JSON object of SettingValue. */
  readonly settings: string;
  readonly public_origin: string | null;
  readonly version: number;
  readonly date_created: number;
  readonly date_updated: number;
}

/** A checked change, ready to write: the row's new fields and the secrets to seal (null: clear). */
export interface ChannelDraft {
  readonly kind: ChannelKind;
  readonly friendlyName: string;
  readonly workflowSid: string | null;
  readonly taskChannel: string;
  readonly region: string | null;
  readonly flowSid: string | null;
  readonly settings: Record<string, SettingValue>;
  readonly secrets: ReadonlyMap<string, string | null>;
  readonly origin: string | null;
}

type ReadScope = { readonly sql: SqlExec; readonly ws: WorkspaceRow };

const MAX_SETTING_LENGTH = 2000;
const MAX_SECRET_LENGTH = 4096;

const REQUIRED: Record<ChannelKind, { settings: readonly string[]; secrets: readonly string[] }> = {
  webchat: { settings: [], secrets: [] },
  twilio: { settings: ["twilio_account_sid", "phone_number"], secrets: ["auth_token"] },
  whatsapp: { settings: ["phone_number_id"], secrets: ["access_token", "app_secret", "verify_token"] },
  messenger: { settings: ["page_id"], secrets: ["page_access_token", "app_secret", "verify_token"] },
  instagram: { settings: ["page_id"], secrets: ["page_access_token", "app_secret", "verify_token"] },
  email: { settings: ["address"], secrets: [] },
  custom: { settings: ["outbound_url"], secrets: ["signing_secret"] },
};

/** Value checks by setting name (any kind); `*_url` settings are checked as URLs. */
const SETTING_CHECKS: Readonly<Record<string, (value: string) => string | undefined>> = {
  twilio_account_sid: (v) => (isSid("AC", v) ? undefined : "must be a Twilio account SID (AC followed by 32 hex digits)"),
  phone_number: (v) => (/^(whatsapp:)?\+[1-9]\d{6,14}$/.test(v) ? undefined : "must be an E.164 number (+15551234567) or whatsapp:+E.164"),
  phone_number_id: (v) => (/^\d{1,32}$/.test(v) ? undefined : "must be digits (Meta's phone number ID)"),
  page_id: (v) => (/^\d{1,32}$/.test(v) ? undefined : "must be digits (the page ID)"),
  address: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : "must be an email address"),
  mail_domain: (v) => (/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(v) ? undefined : "must be a domain name"),
  color: (v) => (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(v) ? undefined : "must be a hex colour like #1a73e8"),
  text_color: (v) => (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(v) ? undefined : "must be a hex colour like #ffffff"),
  allowed_origins: (v) =>
    v
      .split(/[\s,]+/)
      .filter(Boolean)
      .every((o) => o === "*" || (URL.canParse(o) && new URL(o).origin === o.replace(/\/$/, "")))
      ? undefined
      : "must be origins (https://example.com) separated by commas or spaces, or *",
};

const isKind = (kind: string): kind is ChannelKind => (CHANNEL_KINDS as readonly string[]).includes(kind);

/** Settings that are switches: true or false (a form sends the words), stored as booleans. */
const SWITCHES: ReadonlySet<string> = new Set(["csat_enabled"]);
/** Settings shown to customers as text, shorter than the general limit. */
const TEXT_LIMITS: Readonly<Record<string, number>> = { csat_question: 300 };

/** A switch's value as a boolean, or undefined when it is not one. */
const switchValue = (value: SettingValue): boolean | undefined =>
  value === true || value === "true" ? true : value === false || value === "false" ? false : undefined;

function checkSetting(name: string, value: SettingValue): ApiFailure | undefined {
  const param = `Settings.${name}`;
  if (SWITCHES.has(name))
    return switchValue(value) === undefined
      ? invalid(param, `must be true or false, got ${JSON.stringify(String(value).slice(0, 60))}`)
      : undefined;
  if (typeof value !== "string") return undefined;
  const limit = TEXT_LIMITS[name];
  if (limit !== undefined && value.length > limit) return invalid(param, `must be at most ${limit} characters`);
  if (value.length > MAX_SETTING_LENGTH) return invalid(param, `must be at most ${MAX_SETTING_LENGTH} characters`);
  if (name.endsWith("_url")) return checkHttpUrl(param, value);
  const problem = SETTING_CHECKS[name]?.(value);
  return problem === undefined ? undefined : invalid(param, `${problem}, got ${JSON.stringify(value.slice(0, 60))}`);
}

/**
 * Checks a new configuration, or a change to `current` (whose set secrets are `currentSecrets`), and
 * answers the draft to store: unknown settings or secrets of the kind, bad values, a missing required
 * field, a workflow or TaskChannel that does not exist in the workspace — each a 400 naming the field.
 *
 * @example
 * checkChannel(scope, { kind: "custom", settings: { outbound_url: "https://team.example/in" }, secrets: { signing_secret: "s" } })
 * // ok: { kind: "custom", friendlyName: "custom channel", taskChannel: "chat", … }
 */
export function checkChannel(
  scope: ReadScope,
  input: CreateChannelInput | (UpdateChannelInput & { readonly kind?: undefined }),
  current?: { readonly row: ChannelRow; readonly secrets: ReadonlySet<string> },
): ApiResult<ChannelDraft> {
  const kindText = current?.row.kind ?? input.kind ?? "";
  if (!isKind(kindText)) return invalid("Kind", `must be one of ${CHANNEL_KINDS.join(", ")}, got ${JSON.stringify(kindText)}`);
  const kind = kindText;
  const allowed = CHANNEL_SETTINGS[kind];

  const friendlyName = input.friendlyName ?? current?.row.friendly_name ?? `${kind} channel`;
  const badName = checkFriendlyName("FriendlyName", friendlyName);
  if (badName) return badName;

  const workflowSid = input.workflowSid === undefined ? (current?.row.workflow_sid ?? null) : input.workflowSid || null;
  if (workflowSid !== null) {
    if (!isSid("WW", workflowSid))
      return invalid("WorkflowSid", `must be a Workflow SID (WW followed by 32 hex digits), got ${JSON.stringify(workflowSid)}`);
    if (!workflowRow(scope.sql, workflowSid)) return invalid("WorkflowSid", `Workflow ${workflowSid} does not exist in this workspace`);
  }
  const taskChannel = input.taskChannel ?? current?.row.task_channel ?? DEFAULT_TASK_CHANNEL[kind];
  const taskChannelFound = taskChannelRow(scope.sql, taskChannel);
  if (!taskChannelFound || taskChannelFound.unique_name !== taskChannel) {
    return invalid("TaskChannel", `must be the unique name of a TaskChannel of this workspace, got ${JSON.stringify(taskChannel)}`);
  }

  const region = input.region === undefined ? (current?.row.region ?? null) : input.region || null;
  const badRegion = region === null ? undefined : checkRegion(scope, region);
  if (badRegion) return badRegion;

  const flowSid = input.flowSid === undefined ? (current?.row.flow_sid ?? null) : input.flowSid || null;
  if (flowSid !== null) {
    if (!isSid("FW", flowSid))
      return invalid("FlowSid", `must be a Flow SID (FW followed by 32 hex digits), got ${JSON.stringify(flowSid)}`);
    if (!flowExists(scope.sql, flowSid)) return invalid("FlowSid", `Flow ${flowSid} does not exist in this workspace`);
  }

  const settings: Record<string, SettingValue> = current ? (JSON.parse(current.row.settings) as Record<string, SettingValue>) : {};
  for (const [name, value] of Object.entries(input.settings ?? {})) {
    if (!(allowed.settings as readonly string[]).includes(name)) {
      return invalid(`Settings.${name}`, `is not a setting of a ${kind} channel (its settings: ${allowed.settings.join(", ") || "none"})`);
    }
    if (value === "") {
      delete settings[name];
      continue;
    }
    const bad = checkSetting(name, value);
    if (bad) return bad;
    settings[name] = SWITCHES.has(name) ? switchValue(value)! : value;
  }

  const secrets = new Map<string, string | null>();
  for (const [name, value] of Object.entries(input.secrets ?? {})) {
    if (!(allowed.secrets as readonly string[]).includes(name)) {
      return invalid(`Secrets.${name}`, `is not a secret of a ${kind} channel (its secrets: ${allowed.secrets.join(", ") || "none"})`);
    }
    if (typeof value !== "string") return invalid(`Secrets.${name}`, "must be a string");
    if (value.length > MAX_SECRET_LENGTH) return invalid(`Secrets.${name}`, `must be at most ${MAX_SECRET_LENGTH} characters`);
    secrets.set(name, value === "" ? null : value);
  }

  for (const name of REQUIRED[kind].settings) {
    if (settings[name] === undefined || settings[name] === "") return invalid(`Settings.${name}`, `is required for a ${kind} channel`);
  }
  for (const name of REQUIRED[kind].secrets) {
    const after = secrets.has(name) ? secrets.get(name) !== null : (current?.secrets.has(name) ?? false);
    if (!after) return invalid(`Secrets.${name}`, `is required for a ${kind} channel`);
  }
  const origin = input.origin ?? current?.row.public_origin ?? null;
  if (origin !== null && (!URL.canParse(origin) || new URL(origin).origin !== origin))
    return invalid("origin", "must be an http(s) origin");
  return ok({ kind, friendlyName, workflowSid, taskChannel, region, flowSid, settings, secrets, origin });
}

/** A channel's region: one of regions.json's, and inside a pinned workspace's jurisdiction (its tasks' Routers could live nowhere else). */
function checkRegion(scope: ReadScope, region: string): ApiFailure | undefined {
  const known = regions.regions.map((r) => r.id);
  if (!known.includes(region)) return invalid("Region", `must be one of this deployment's regions: ${known.join(", ")}`);
  if (regionAllowed(scope.ws.sid, region)) return undefined;
  const inside = known.filter((id) => regionAllowed(scope.ws.sid, id));
  const jurisdiction = JSON.stringify(jurisdictionOf(scope.ws.sid));
  return invalid(
    "Region",
    `${region} is outside the jurisdiction of workspace ${scope.ws.sid} (${jurisdiction}; its regions: ${inside.join(", ")})`,
  );
}

// ── storage ──────────────────────────────────────────────────────────────────────────────────────

export function channelRow(sql: SqlExec, sid: string): ChannelRow | undefined {
  return sql.exec("SELECT * FROM channels WHERE sid = ?", sid).toArray()[0] as unknown as ChannelRow | undefined;
}

/** The names of the channel's set secrets. */
export function secretNames(sql: SqlExec, sid: string): Set<string> {
  return new Set(
    sql
      .exec("SELECT name FROM channel_secrets WHERE channel_sid = ?", sid)
      .toArray()
      .map((r) => String(r.name)),
  );
}

/** The channel's sealed secrets, name → sealed bytes. */
export function sealedSecrets(sql: SqlExec, sid: string): Map<string, ArrayBuffer> {
  const rows = sql.exec("SELECT name, sealed FROM channel_secrets WHERE channel_sid = ?", sid).toArray();
  return new Map(rows.map((r) => [String(r.name), r.sealed as ArrayBuffer]));
}

export function channelRecord(ws: WorkspaceRow, row: ChannelRow, set: ReadonlySet<string>): ChannelRecord {
  return {
    sid: row.sid,
    account_sid: ws.account_sid,
    workspace_sid: ws.sid,
    kind: row.kind,
    friendly_name: row.friendly_name,
    workflow_sid: row.workflow_sid,
    task_channel: row.task_channel,
    region: row.region,
    flow_sid: row.flow_sid,
    settings: JSON.parse(row.settings) as Record<string, SettingValue>,
    secrets: Object.fromEntries(CHANNEL_SETTINGS[row.kind].secrets.map((name) => [name, set.has(name)])),
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
  };
}

/**
 * Writes a checked draft (insert when the channel is new, else update and bump `version`) with its
 * sealed secrets (null: clear that secret).
 */
export function writeChannel(
  scope: ReadScope & { readonly now: number },
  sid: string,
  draft: ChannelDraft,
  sealed: ReadonlyMap<string, ArrayBuffer | null>,
): ChannelRecord {
  const { sql, now } = scope;
  const settings = JSON.stringify(draft.settings);
  if (channelRow(sql, sid)) {
    sql.exec(
      `UPDATE channels SET friendly_name = ?, workflow_sid = ?, task_channel = ?, region = ?, flow_sid = ?, settings = ?, public_origin = ?,
       version = version + 1, date_updated = ? WHERE sid = ?`,
      draft.friendlyName,
      draft.workflowSid,
      draft.taskChannel,
      draft.region,
      draft.flowSid,
      settings,
      draft.origin,
      now,
      sid,
    );
  } else {
    sql.exec(
      `INSERT INTO channels (sid, kind, friendly_name, workflow_sid, task_channel, region, flow_sid, settings, public_origin, version,
       date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      sid,
      draft.kind,
      draft.friendlyName,
      draft.workflowSid,
      draft.taskChannel,
      draft.region,
      draft.flowSid,
      settings,
      draft.origin,
      now,
      now,
    );
  }
  for (const [name, value] of sealed) {
    if (value === null) sql.exec("DELETE FROM channel_secrets WHERE channel_sid = ? AND name = ?", sid, name);
    else sql.exec("INSERT OR REPLACE INTO channel_secrets (channel_sid, name, sealed) VALUES (?, ?, ?)", sid, name, value);
  }
  const row = channelRow(sql, sid);
  if (!row) throw new Error(`channel ${sid} vanished while it was written`);
  return channelRecord(scope.ws, row, secretNames(sql, sid));
}

export function getChannel(scope: ReadScope, sid: string): ApiResult<ChannelRecord> {
  const row = channelRow(scope.sql, sid);
  return row ? ok(channelRecord(scope.ws, row, secretNames(scope.sql, sid))) : notFound("Channel", sid);
}

export function listChannels(scope: ReadScope, page: PageRequest): ApiResult<Page<ChannelRecord>> {
  const rows = scope.sql.exec("SELECT * FROM channels ORDER BY date_created, sid").toArray() as unknown as ChannelRow[];
  return pageOfRows(rows, page, (row) => channelRecord(scope.ws, row, secretNames(scope.sql, row.sid)));
}

export function deleteChannel(scope: ReadScope, sid: string): ApiResult<null> {
  if (!channelRow(scope.sql, sid)) return notFound("Channel", sid);
  scope.sql.exec("DELETE FROM channel_secrets WHERE channel_sid = ?", sid);
  scope.sql.exec("DELETE FROM channels WHERE sid = ?", sid);
  return ok(null);
}

/** The key a secret is sealed under: the channel and the secret's name, so it cannot be moved. */
export const secretKeyId = (channelSid: string, name: string): string => `${channelSid}:${name}`;

/** When the deployment has no auth token there is nothing to seal secrets with. */
export const NO_SEALING_KEY = fail(503, 20503, "This deployment has no AUTH_TOKEN to seal channel secrets with");
