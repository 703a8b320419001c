/**
 * The account's API keys as stored: a key's name and dates, the SHA-256 of its secret (for HTTP
 * Basic) and the secret sealed under the auth token (for AccessTokens signed with the key); never the
 * secret itself. How secrets are made, hashed and sealed is api-keys.ts. Pure over the narrow SQL host.
 */
import { notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { iso } from "../../contract/taskrouter";
import { pageOfRows } from "../kit/paging";
import { first, rows, type StoreHost } from "../kit/sql-host";

export const API_KEYS_SCHEMA = `
CREATE TABLE api_keys (
  sid           TEXT    PRIMARY KEY,
  friendly_name TEXT    NOT NULL,
  secret_sha256 BLOB    NOT NULL,
  date_created  INTEGER NOT NULL,
  date_updated  INTEGER NOT NULL
);`;

export const MAX_API_KEY_NAME_LENGTH = 64;

/** An API key as listed: never its secret. */
export interface ApiKeyRecord {
  sid: string;
  friendly_name: string;
  date_created: string;
  date_updated: string;
}

/** An API key as created: the only time its secret is returned. */
export interface NewApiKey extends ApiKeyRecord {
  secret: string;
}

export interface KeyRow {
  sid: string;
  friendly_name: string;
  date_created: number;
  date_updated: number;
}

export const keyRecord = (row: KeyRow): ApiKeyRecord => ({
  sid: row.sid,
  friendly_name: row.friendly_name,
  date_created: iso(row.date_created),
  date_updated: iso(row.date_updated),
});

/**
 * Stores a new key with its secret's hash and seal (null without an auth token).
 * @example insertKey(ctx.storage, row, await hashSecret(secret), sealed)
 */
export function insertKey(host: StoreHost, row: KeyRow, sha256: ArrayBuffer, sealed: ArrayBuffer | null): void {
  rows(
    host,
    "INSERT INTO api_keys (sid, friendly_name, secret_sha256, secret_sealed, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?)",
    row.sid,
    row.friendly_name,
    sha256,
    sealed,
    row.date_created,
    row.date_updated,
  );
}

/** What is kept of key `sid`'s secret, or undefined for an unknown key. */
export const keySecrets = (host: StoreHost, sid: string) =>
  first<{ secret_sha256: ArrayBuffer; secret_sealed: ArrayBuffer | null }>(
    host,
    "SELECT secret_sha256, secret_sealed FROM api_keys WHERE sid = ?",
    sid,
  );

export function listKeys(host: StoreHost, page: PageRequest): ApiResult<Page<ApiKeyRecord>> {
  const found = rows<KeyRow>(host, "SELECT sid, friendly_name, date_created, date_updated FROM api_keys ORDER BY date_created, sid");
  return pageOfRows(found, page, keyRecord);
}

export function deleteKey(host: StoreHost, sid: string): ApiResult<null> {
  if (!keySecrets(host, sid)) return notFound("Key", sid);
  rows(host, "DELETE FROM api_keys WHERE sid = ?", sid);
  return ok(null);
}
