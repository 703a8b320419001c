/**
 * The workspace bot's corpus (issue 16): intents (`BI…`, unique by name and language) and entity patterns
 * (by name) in the WorkspaceDO's SQLite; its settings and model are in bot-settings.ts. Every corpus change bumps `corpus_version`, so a stored model knows whether it is stale; the
 * model is written only by `saveModel`, after an explicit train. Checks here are the semantic ones (names,
 * languages, limits, duplicates); each is a 4xx value naming the field, and a refused change writes nothing.
 */
import { iso } from "../../contract/taskrouter";
import { newSid } from "../../contract/ids";
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { pageFrom, pageWindow } from "../kit/paging";
import { BOT_LANGUAGES, BOT_LIMITS, nameProblem, type BotCorpus, type BotIntent, type BotLanguage } from "./bot/corpus";
import { patternProblem } from "./bot/patterns";
import { bump, settingsRow } from "./bot-settings";

/** The settings and model too, so the WorkspaceDO reads the whole bot from one module. */
export * from "./bot-settings";

/** An intent as the API shows it. */
export interface BotIntentRecord {
  readonly sid: string;
  readonly name: string;
  readonly language: BotLanguage;
  readonly phrases: readonly string[];
  readonly answers: readonly string[];
  readonly date_created: string;
  readonly date_updated: string;
}

export interface BotEntityRecord {
  readonly name: string;
  readonly pattern: string;
  /**
   * Why the pattern finds nothing, or null: a pattern stored before patterns ran under RE2 may use
   * lookaround or a backreference, which a definition now refuses; such an entity is skipped until redefined.
   */
  readonly problem: string | null;
  readonly date_created: string;
  readonly date_updated: string;
}

export interface IntentInput {
  readonly name?: string;
  readonly language?: string;
  readonly phrases?: readonly string[];
  readonly answers?: readonly string[];
}

/** The names the built-in extraction gives its entities: a team pattern cannot take them. */
const BUILT_IN_ENTITIES = ["email", "date", "number"];

interface IntentRow extends Record<string, SqlStorageValue> {
  sid: string;
  name: string;
  language: string;
  phrases: string;
  answers: string;
  date_created: number;
  date_updated: number;
}
const intentRecord = (row: IntentRow): BotIntentRecord => ({
  sid: row.sid,
  name: row.name,
  language: row.language as BotLanguage,
  phrases: JSON.parse(row.phrases) as string[],
  answers: JSON.parse(row.answers) as string[],
  date_created: iso(row.date_created),
  date_updated: iso(row.date_updated),
});

export function listIntents(sql: SqlStorage): BotIntentRecord[] {
  return sql.exec<IntentRow>("SELECT * FROM bot_intents ORDER BY name, language").toArray().map(intentRecord);
}

/**
 * One page of the intents, by name then language (offset paging, kit/paging.ts: the order is the names',
 * not creation's). @example pageIntents(sql, { pageSize: 50, page: 0 }) // ok: the first 50, nextPageToken when more
 */
export function pageIntents(sql: SqlStorage, request: PageRequest): ApiResult<Page<BotIntentRecord>> {
  const window = pageWindow(request);
  if (!window.ok) return window;
  const { offset, limit } = window.value;
  const fetched = sql.exec<IntentRow>("SELECT * FROM bot_intents ORDER BY name, language LIMIT ? OFFSET ?", limit, offset).toArray();
  return ok(pageFrom(fetched.map(intentRecord), window.value));
}

export function getIntent(sql: SqlStorage, sid: string): ApiResult<BotIntentRecord> {
  const [row] = sql.exec<IntentRow>("SELECT * FROM bot_intents WHERE sid = ?", sid).toArray();
  return row ? ok(intentRecord(row)) : notFound("Intent", sid);
}

/** Checks a list of texts (phrases or answers): count, length, none blank; trimmed, duplicates dropped. */
function texts(param: string, values: readonly string[], min: number, max: number, length: number): ApiResult<string[]> {
  const cleaned = [...new Set(values.map((v) => v.trim()))];
  if (values.some((v) => v.trim() === "")) return invalid(param, "must not be blank");
  if (cleaned.length < min || cleaned.length > max) return invalid(param, `must have ${min} to ${max} entries (got ${cleaned.length})`);
  const long = cleaned.find((v) => v.length > length);
  return long === undefined ? ok(cleaned) : invalid(param, `each must be at most ${length} characters`);
}

function checkIntent(input: IntentInput, current?: BotIntentRecord): ApiResult<Omit<BotIntent, "language"> & { language: BotLanguage }> {
  const name = input.name ?? current?.name;
  const language = input.language ?? current?.language;
  if (name === undefined) return fail(400, 20001, "Missing required parameter Name");
  const problem = nameProblem(name);
  if (problem) return invalid("Name", problem);
  if (language === undefined) return fail(400, 20001, "Missing required parameter Language");
  if (!(BOT_LANGUAGES as readonly string[]).includes(language)) return invalid("Language", `must be one of ${BOT_LANGUAGES.join(", ")}`);
  const phrases = texts("Phrases", input.phrases ?? current?.phrases ?? [], 1, BOT_LIMITS.phrasesPerIntent, BOT_LIMITS.phraseLength);
  if (!phrases.ok) return phrases;
  const answers = texts("Answers", input.answers ?? current?.answers ?? [], 0, BOT_LIMITS.answersPerIntent, BOT_LIMITS.answerLength);
  if (!answers.ok) return answers;
  return ok({ name, language: language as BotLanguage, phrases: phrases.value, answers: answers.value });
}

/** A 400 when the bot would hold more than its total of phrases with `adding` for the intent `replacing` (null: a new one). */
function phrasesOver(sql: SqlStorage, adding: number, replacing: string | null) {
  const others = sql
    .exec<{ phrases: string }>("SELECT phrases FROM bot_intents WHERE sid != ?", replacing ?? "")
    .toArray()
    .reduce((n, row) => n + (JSON.parse(row.phrases) as string[]).length, 0);
  if (others + adding <= BOT_LIMITS.totalPhrases) return null;
  return invalid("Phrases", `a bot has at most ${BOT_LIMITS.totalPhrases} phrases in all (it has ${others} in other intents)`);
}

const duplicate = (name: string, language: string) => fail(409, 20409, `An intent named ${name} in language ${language} already exists`);

export function createIntent(sql: SqlStorage, now: number, input: IntentInput): ApiResult<BotIntentRecord> {
  const checked = checkIntent(input);
  if (!checked.ok) return checked;
  const { name, language, phrases, answers } = checked.value;
  const count = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM bot_intents").one().n;
  if (count >= BOT_LIMITS.intents) return fail(400, 20001, `A bot has at most ${BOT_LIMITS.intents} intents`);
  const tooMany = phrasesOver(sql, phrases.length, null);
  if (tooMany) return tooMany;
  if (sql.exec("SELECT 1 FROM bot_intents WHERE name = ? AND language = ?", name, language).toArray().length > 0)
    return duplicate(name, language);
  const sid = newSid("BI");
  sql.exec(
    "INSERT INTO bot_intents (sid, name, language, phrases, answers, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
    sid,
    name,
    language,
    JSON.stringify(phrases),
    JSON.stringify(answers),
    now,
    now,
  );
  settingsRow(sql);
  bump(sql);
  return getIntent(sql, sid);
}

export function updateIntent(sql: SqlStorage, now: number, sid: string, input: IntentInput): ApiResult<BotIntentRecord> {
  const current = getIntent(sql, sid);
  if (!current.ok) return current;
  const checked = checkIntent(input, current.value);
  if (!checked.ok) return checked;
  const { name, language, phrases, answers } = checked.value;
  const clash = sql.exec("SELECT 1 FROM bot_intents WHERE name = ? AND language = ? AND sid != ?", name, language, sid).toArray();
  if (clash.length > 0) return duplicate(name, language);
  const tooMany = phrasesOver(sql, phrases.length, sid);
  if (tooMany) return tooMany;
  sql.exec(
    "UPDATE bot_intents SET name = ?, language = ?, phrases = ?, answers = ?, date_updated = ? WHERE sid = ?",
    name,
    language,
    JSON.stringify(phrases),
    JSON.stringify(answers),
    now,
    sid,
  );
  settingsRow(sql);
  bump(sql);
  return getIntent(sql, sid);
}

export function deleteIntent(sql: SqlStorage, sid: string): ApiResult<null> {
  const current = getIntent(sql, sid);
  if (!current.ok) return current;
  sql.exec("DELETE FROM bot_intents WHERE sid = ?", sid);
  settingsRow(sql);
  bump(sql);
  return ok(null);
}

/** A stored pattern RE2 refuses (see BotEntityRecord.problem), said as what the team must do. */
function storedPatternProblem(pattern: string): string | null {
  const bad = patternProblem(pattern);
  return bad === null ? null : `the pattern ${bad}; it finds nothing until it is redefined`;
}

const entityRecord = (row: { name: string; pattern: string; date_created: number; date_updated: number }): BotEntityRecord => ({
  name: row.name,
  pattern: row.pattern,
  problem: storedPatternProblem(row.pattern),
  date_created: iso(row.date_created),
  date_updated: iso(row.date_updated),
});

export function listEntities(sql: SqlStorage): BotEntityRecord[] {
  return sql
    .exec<{ name: string; pattern: string; date_created: number; date_updated: number }>("SELECT * FROM bot_entities ORDER BY name")
    .toArray()
    .map(entityRecord);
}

/** Creates or replaces an entity pattern (`created` says which). */
export function putEntity(
  sql: SqlStorage,
  now: number,
  name: string,
  pattern: string,
): ApiResult<{ record: BotEntityRecord; created: boolean }> {
  const problem = nameProblem(name);
  if (problem) return invalid("Name", problem);
  if (BUILT_IN_ENTITIES.includes(name)) return invalid("Name", `${name} is a built-in entity`);
  const bad = patternProblem(pattern);
  if (bad) return invalid("Pattern", `the pattern of entity ${name} ${bad}`);
  const exists = sql.exec("SELECT 1 FROM bot_entities WHERE name = ?", name).toArray().length > 0;
  if (!exists && sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM bot_entities").one().n >= BOT_LIMITS.entities) {
    return fail(400, 20001, `A bot has at most ${BOT_LIMITS.entities} entities`);
  }
  sql.exec(
    `INSERT INTO bot_entities (name, pattern, date_created, date_updated) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET pattern = excluded.pattern, date_updated = excluded.date_updated`,
    name,
    pattern,
    now,
    now,
  );
  settingsRow(sql);
  bump(sql);
  const row = sql
    .exec<{ name: string; pattern: string; date_created: number; date_updated: number }>("SELECT * FROM bot_entities WHERE name = ?", name)
    .one();
  return ok({ record: entityRecord(row), created: !exists });
}

export function deleteEntity(sql: SqlStorage, name: string): ApiResult<null> {
  if (sql.exec("SELECT 1 FROM bot_entities WHERE name = ?", name).toArray().length === 0) return notFound("Entity", name);
  sql.exec("DELETE FROM bot_entities WHERE name = ?", name);
  settingsRow(sql);
  bump(sql);
  return ok(null);
}

/** What a train reads: the corpus and the version it is. */
export function corpusOf(sql: SqlStorage): { corpus: BotCorpus; version: number } {
  const intents = listIntents(sql).map(({ name, language, phrases, answers }) => ({ name, language, phrases, answers }));
  const entities = listEntities(sql).map(({ name, pattern }) => ({ name, pattern }));
  return { corpus: { intents, entities }, version: settingsRow(sql).corpus_version };
}
