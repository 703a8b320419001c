/**
 * A chat service's webhook configuration (`service`) and the account's (`account`, kept in the default
 * chat service's directory, since the account-level API paths address that service): the pre- and
 * post-event URLs, the method and the events they receive. One row per scope; unset fields stay null, as
 * Twilio shows them, and an update changes only the fields it names.
 *
 * Synchronous SQL over the narrow storage host; callers hold the transaction.
 */
import { SERVICE_FILTERS, type WebhookConfig, type WebhookConfigInput, type WebhookMethod } from "../common/conversation-webhooks";
import { invalid, ok, type ApiResult } from "../common/rpc";
import { first, run, type StoreHost } from "../kit/sql-host";

export type WebhookScope = "service" | "account";

interface ConfigRow {
  pre_webhook_url: string | null;
  post_webhook_url: string | null;
  method: string | null;
  filters: string | null;
  target: string;
}

const UNSET: WebhookConfig = { pre_webhook_url: null, post_webhook_url: null, method: null, filters: null, target: "webhook" };
const MAX_URL = 2048;

/** Whether `value` is an absolute http(s) URL (what Twilio can call). */
export function isWebhookUrl(value: unknown): value is string {
  if (typeof value !== "string" || value.length > MAX_URL) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const toConfig = (row: ConfigRow | undefined): WebhookConfig =>
  row === undefined
    ? UNSET
    : {
        pre_webhook_url: row.pre_webhook_url,
        post_webhook_url: row.post_webhook_url,
        method: row.method as WebhookMethod | null,
        filters: row.filters === null ? null : (JSON.parse(row.filters) as string[]),
        target: row.target === "flex" ? "flex" : "webhook",
      };

const configRow = (host: StoreHost, scope: WebhookScope): ConfigRow | undefined =>
  first<ConfigRow>(host, "SELECT pre_webhook_url, post_webhook_url, method, filters, target FROM sb_webhook_config WHERE scope = ?", scope);

export const getWebhookConfig = (host: StoreHost, scope: WebhookScope): WebhookConfig => toConfig(configRow(host, scope));

/** The configuration a scope has set, or null when it never was (so a conversation knows there is nothing to call). */
export const setConfigOf = (host: StoreHost, scope: WebhookScope): WebhookConfig | null => {
  const row = configRow(host, scope);
  return row === undefined ? null : toConfig(row);
};

/** A URL parameter: absolute http(s), or null/"" to clear it. */
function urlField(param: string, value: string | null | undefined): ApiResult<string | null | undefined> {
  if (value === undefined) return ok(undefined);
  if (value === null || value === "") return ok(null);
  return isWebhookUrl(value) ? ok(value) : invalid(param, "must be an absolute http or https URL");
}

export function setWebhookConfig(host: StoreHost, scope: WebhookScope, input: WebhookConfigInput): ApiResult<WebhookConfig> {
  const pre = urlField("PreWebhookUrl", input.preWebhookUrl);
  if (!pre.ok) return pre;
  const post = urlField("PostWebhookUrl", input.postWebhookUrl);
  if (!post.ok) return post;
  if (input.method !== undefined && input.method !== "GET" && input.method !== "POST") return invalid("Method", "must be GET or POST");
  if (input.filters !== undefined) {
    const unknown = input.filters.find((name) => !SERVICE_FILTERS.includes(name));
    if (unknown !== undefined) return invalid("Filters", `${unknown} is not a Conversations event`);
  }
  if (input.target !== undefined && input.target !== "webhook" && input.target !== "flex")
    return invalid("Target", "must be webhook or flex");
  const before = getWebhookConfig(host, scope);
  const next: WebhookConfig = {
    pre_webhook_url: pre.value === undefined ? before.pre_webhook_url : pre.value,
    post_webhook_url: post.value === undefined ? before.post_webhook_url : post.value,
    method: input.method ?? before.method,
    filters: input.filters === undefined ? before.filters : [...new Set(input.filters)],
    target: input.target ?? before.target,
  };
  run(
    host,
    `INSERT OR REPLACE INTO sb_webhook_config (scope, pre_webhook_url, post_webhook_url, method, filters, target) VALUES (?, ?, ?, ?, ?, ?)`,
    scope,
    next.pre_webhook_url,
    next.post_webhook_url,
    next.method,
    next.filters === null ? null : JSON.stringify(next.filters),
    next.target,
  );
  return ok(next);
}
