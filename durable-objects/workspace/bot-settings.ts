/**
 * The workspace bot's settings and model (issue 16), in the WorkspaceDO's SQLite: one `bot_settings` row
 * (threshold, the external endpoint with its sealed secret, the corpus version and the trained model's
 * version and time, made with its defaults on first use) and `bot_model`, the model's JSON in parts.
 * The intents and entities are in bot-store.ts, which bumps `corpus_version` on every change.
 */
import { iso } from "../../contract/taskrouter";
import { invalid, ok, type ApiResult } from "../common/rpc";
import type { BotLanguage } from "./bot/corpus";

/** The bot's settings and its model's state; the endpoint's secret is write-only (only whether it is set). */
export interface BotSettingsRecord {
  readonly threshold: number;
  readonly endpoint_url: string | null;
  readonly endpoint_secret_set: boolean;
  readonly endpoint_timeout_ms: number;
  /** untrained: never trained; stale: intents or entities changed since; trained: the model is current. */
  readonly model_status: "untrained" | "trained" | "stale";
  readonly trained_at: string | null;
  readonly training_ms: number | null;
  readonly languages: readonly BotLanguage[];
}

export interface SettingsInput {
  readonly threshold?: number;
  /** null clears the endpoint (and its secret). */
  readonly endpointUrl?: string | null;
  readonly endpointTimeoutMs?: number;
}

export interface SettingsRow extends Record<string, SqlStorageValue> {
  threshold: number;
  endpoint_url: string | null;
  endpoint_secret: ArrayBuffer | null;
  endpoint_timeout_ms: number;
  corpus_version: number;
  model_version: number | null;
  trained_at: number | null;
  training_ms: number | null;
}

/** The settings row, made with its defaults on first use. */
export function settingsRow(sql: SqlStorage): SettingsRow {
  sql.exec("INSERT OR IGNORE INTO bot_settings (id) VALUES (1)");
  return sql.exec<SettingsRow>("SELECT * FROM bot_settings WHERE id = 1").one();
}

/** Marks the corpus changed: the stored model is stale until the next train. */
export const bump = (sql: SqlStorage) => sql.exec("UPDATE bot_settings SET corpus_version = corpus_version + 1 WHERE id = 1");

export function settingsRecord(sql: SqlStorage): BotSettingsRecord {
  const row = settingsRow(sql);
  const languages = sql.exec<{ language: string }>("SELECT DISTINCT language FROM bot_intents ORDER BY language").toArray();
  return {
    threshold: row.threshold,
    endpoint_url: row.endpoint_url,
    endpoint_secret_set: row.endpoint_secret !== null,
    endpoint_timeout_ms: row.endpoint_timeout_ms,
    model_status: row.trained_at === null ? "untrained" : row.model_version === row.corpus_version ? "trained" : "stale",
    trained_at: row.trained_at === null ? null : iso(row.trained_at),
    training_ms: row.training_ms,
    languages: languages.map((l) => l.language as BotLanguage),
  };
}

/** Updates the settings; `sealedSecret` (undefined: unchanged, null: cleared) is already sealed by the caller. */
export function updateSettings(
  sql: SqlStorage,
  input: SettingsInput,
  sealedSecret: ArrayBuffer | null | undefined,
): ApiResult<BotSettingsRecord> {
  if (input.threshold !== undefined && !(input.threshold >= 0 && input.threshold <= 1))
    return invalid("Threshold", "must be between 0 and 1");
  if (input.endpointTimeoutMs !== undefined && !(input.endpointTimeoutMs >= 100 && input.endpointTimeoutMs <= 10_000)) {
    return invalid("EndpointTimeout", "must be 100 to 10000 milliseconds");
  }
  const row = settingsRow(sql);
  const url = input.endpointUrl === undefined ? row.endpoint_url : input.endpointUrl;
  const secret = input.endpointUrl === null ? null : sealedSecret === undefined ? row.endpoint_secret : sealedSecret;
  if (url !== null && secret === null)
    return invalid("EndpointSecret", "is required with an EndpointUrl: the bot signs each request with it");
  sql.exec(
    "UPDATE bot_settings SET threshold = ?, endpoint_url = ?, endpoint_secret = ?, endpoint_timeout_ms = ? WHERE id = 1",
    input.threshold ?? row.threshold,
    url,
    secret,
    input.endpointTimeoutMs ?? row.endpoint_timeout_ms,
  );
  return ok(settingsRecord(sql));
}

/** The characters of one stored part of a model (a Durable Object's SQLite row holds at most 2 MB). */
const MODEL_PART = 512 * 1024;

/** Stores a trained model, built from corpus `version`, in parts; it replaces the one before. */
export function saveModel(sql: SqlStorage, model: string, version: number, now: number, trainingMs: number): void {
  sql.exec("DELETE FROM bot_model");
  for (let seq = 0; seq * MODEL_PART < model.length; seq += 1) {
    sql.exec("INSERT INTO bot_model (seq, part) VALUES (?, ?)", seq, model.slice(seq * MODEL_PART, (seq + 1) * MODEL_PART));
  }
  sql.exec("UPDATE bot_settings SET model_version = ?, trained_at = ?, training_ms = ? WHERE id = 1", version, now, trainingMs);
}

/** The stored model's JSON, or null when the bot was never trained. */
export function loadModel(sql: SqlStorage): string | null {
  const parts = sql.exec<{ part: string }>("SELECT part FROM bot_model ORDER BY seq").toArray();
  return parts.length === 0 ? null : parts.map((p) => p.part).join("");
}
