/**
 * The workspace bot over HTTP (Switchboard-native, issue 16), under /api/workspaces/:WorkspaceSid/bot:
 * intents (CRUD: Name, Language, Phrases[], Answers[]; the list paged as Twilio's are), entity patterns (Name + Pattern, a regular
 * expression), settings (Threshold, the external endpoint), `train`, and `classify` {Text, Language?} →
 * a Classification. Basic auth; the workspace must be the caller's (404 otherwise); bad input is a 400
 * naming the parameter (the WorkspaceDO checks names, languages, limits and patterns, bot-store.ts).
 * Training is explicit: a change leaves the stored model `stale` (GET settings says so) until `train`.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { basicAuth, type AuthVariables } from "../auth/basic";
import type { Env } from "../../platform/env";
import { ApiError } from "../http/errors";
import { paging, repeated, sid, str, url } from "./taskrouter/params";
import { endpoint, pageBody, pageRequest, unwrap } from "./taskrouter/wire";
import { defined } from "../../durable-objects/common/rpc";
import { BOT_LIMITS } from "../../durable-objects/workspace/bot/corpus";
import { workspaceFor } from "../../platform/objects";

const tag = "Bot";
const BOT = "/workspaces/:WorkspaceSid/bot";
const INTENTS = `${BOT}/intents`;
const INTENT = `${INTENTS}/:IntentSid`;
const ENTITIES = `${BOT}/entities`;
const ENTITY = `${ENTITIES}/:Name`;
const SETTINGS = `${BOT}/settings`;

const phrase = str({ max: BOT_LIMITS.phraseLength });
const answer = str({ max: BOT_LIMITS.answerLength });
const intentFields = {
  Name: str({ min: 1, max: 64 }).optional(),
  Language: str({ min: 2, max: 2 }).optional(),
  Phrases: repeated(phrase).optional(),
  Answers: repeated(answer).optional(),
};
/** A number from 0 to 1, given as a number (JSON) or its decimal text (form). */
const fraction = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : /^\s*\d*\.?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (n >= 0 && n <= 1) return n;
  ctx.addIssue({ code: "custom", message: "must be a number from 0 to 1" });
  return z.NEVER;
});
const milliseconds = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (Number.isInteger(n) && n >= 100 && n <= 10_000) return n;
  ctx.addIssue({ code: "custom", message: "must be an integer from 100 to 10000 (milliseconds)" });
  return z.NEVER;
});

const listIntents = endpoint({
  method: "get",
  path: INTENTS,
  prefix: "/api",
  tag,
  summary: "List the bot's intents by name, then language (paged: PageSize, Page, PageToken; Twilio's meta)",
  params: paging,
});
const createIntent = endpoint({
  method: "post",
  path: INTENTS,
  prefix: "/api",
  tag,
  status: 201,
  summary: "Create an intent: Name, Language (en, es), Phrases (repeated, 1–200), Answers (repeated, 0–20)",
  params: intentFields,
});
const fetchIntent = endpoint({ method: "get", path: INTENT, prefix: "/api", tag, summary: "Fetch an intent", params: {} });
const updateIntent = endpoint({
  method: "post",
  path: INTENT,
  prefix: "/api",
  tag,
  status: 200,
  summary: "Update an intent; Phrases or Answers given replace the lists",
  params: intentFields,
});
const removeIntent = endpoint({ method: "delete", path: INTENT, prefix: "/api", tag, summary: "Delete an intent", params: {} });
const listEntities = endpoint({
  method: "get",
  path: ENTITIES,
  prefix: "/api",
  tag,
  summary: "List the bot's entity patterns",
  params: {},
});
const putEntity = endpoint({
  method: "post",
  path: ENTITIES,
  prefix: "/api",
  tag,
  status: 201,
  summary: "Create or replace an entity by a regular expression (Name, Pattern; 201 created, 200 replaced)",
  params: { Name: str({ min: 1, max: 64 }), Pattern: str({ min: 1, max: BOT_LIMITS.patternLength }) },
});
const removeEntity = endpoint({ method: "delete", path: ENTITY, prefix: "/api", tag, summary: "Delete an entity pattern", params: {} });
const fetchSettings = endpoint({
  method: "get",
  path: SETTINGS,
  prefix: "/api",
  tag,
  summary: "The bot's settings and its model's state",
  params: {},
});
const updateSettings = endpoint({
  method: "post",
  path: SETTINGS,
  prefix: "/api",
  tag,
  status: 200,
  summary: "Update the bot's settings: Threshold, EndpointUrl (empty clears), EndpointSecret (write-only), EndpointTimeout (ms)",
  params: {
    Threshold: fraction.optional(),
    EndpointUrl: z.union([z.literal(""), url()]).optional(),
    EndpointSecret: str({ min: 8, max: 256 }).optional(),
    EndpointTimeout: milliseconds.optional(),
  },
});
const train = endpoint({
  method: "post",
  path: `${BOT}/train`,
  prefix: "/api",
  tag,
  status: 200,
  summary: "Train the bot on its intents and entities; answers the settings with the model's state",
  params: {},
});
const classify = endpoint({
  method: "post",
  path: `${BOT}/classify`,
  prefix: "/api",
  tag,
  status: 200,
  summary: "What the bot makes of a text: intent, confidence, entities, sentiment, language, answer",
  params: { Text: str({ min: 1, max: BOT_LIMITS.textLength }), Language: str({ min: 2, max: 16 }).optional() },
});

type BotEnv = { Bindings: Env; Variables: AuthVariables };
type BotContext = Context<BotEnv>;
export const botRoutes = new Hono<BotEnv>();
botRoutes.use(`${BOT}/*`, basicAuth());

/** The workspace in the path (404 when it is not a WS SID; the object answers 404 for another account's). */
function bot(c: BotContext) {
  const raw = c.req.param("WorkspaceSid") ?? "";
  const parsed = sid("WS").safeParse(raw);
  if (!parsed.success) throw new ApiError(404, 20404, `The requested resource Workspace ${raw} was not found`);
  return { stub: workspaceFor(c.env, parsed.data), account: c.get("accountSid") };
}

const intentSid = (c: BotContext) => c.req.param("IntentSid") ?? "";
const intentInput = (p: z.output<typeof createIntent.schema>) =>
  defined({ name: p.Name, language: p.Language, phrases: p.Phrases, answers: p.Answers });

botRoutes.get(INTENTS, async (c) => {
  const request = pageRequest(await listIntents.parse(c));
  const { stub, account } = bot(c);
  return c.json(pageBody(c, "intents", unwrap(await stub.listBotIntents(account, request)), request, (intent) => intent));
});

botRoutes.post(INTENTS, async (c) => {
  const p = await createIntent.parse(c);
  const { stub, account } = bot(c);
  return c.json(unwrap(await stub.createBotIntent(account, intentInput(p))), 201);
});

botRoutes.get(INTENT, async (c) => {
  await fetchIntent.parse(c);
  const { stub, account } = bot(c);
  return c.json(unwrap(await stub.getBotIntent(account, intentSid(c))));
});

botRoutes.post(INTENT, async (c) => {
  const p = await updateIntent.parse(c);
  const { stub, account } = bot(c);
  return c.json(unwrap(await stub.updateBotIntent(account, intentSid(c), intentInput(p))));
});

botRoutes.delete(INTENT, async (c) => {
  await removeIntent.parse(c);
  const { stub, account } = bot(c);
  unwrap(await stub.deleteBotIntent(account, intentSid(c)));
  return c.body(null, 204);
});

botRoutes.get(ENTITIES, async (c) => {
  await listEntities.parse(c);
  const { stub, account } = bot(c);
  return c.json({ entities: unwrap(await stub.listBotEntities(account)) });
});

botRoutes.post(ENTITIES, async (c) => {
  const p = await putEntity.parse(c);
  const { stub, account } = bot(c);
  const { record, created } = unwrap(await stub.putBotEntity(account, p.Name, p.Pattern));
  return c.json(record, created ? 201 : 200);
});

botRoutes.delete(ENTITY, async (c) => {
  await removeEntity.parse(c);
  const { stub, account } = bot(c);
  unwrap(await stub.deleteBotEntity(account, c.req.param("Name") ?? ""));
  return c.body(null, 204);
});

botRoutes.get(SETTINGS, async (c) => {
  await fetchSettings.parse(c);
  const { stub, account } = bot(c);
  return c.json(unwrap(await stub.getBotSettings(account)));
});

botRoutes.post(SETTINGS, async (c) => {
  const p = await updateSettings.parse(c);
  const { stub, account } = bot(c);
  const input = defined({
    threshold: p.Threshold,
    endpointUrl: p.EndpointUrl === undefined ? undefined : p.EndpointUrl === "" ? null : p.EndpointUrl,
    endpointSecret: p.EndpointSecret,
    endpointTimeoutMs: p.EndpointTimeout,
  });
  return c.json(unwrap(await stub.updateBotSettings(account, input)));
});

botRoutes.post(`${BOT}/train`, async (c) => {
  await train.parse(c);
  const { stub, account } = bot(c);
  return c.json(unwrap(await stub.trainBot(account)));
});

botRoutes.post(`${BOT}/classify`, async (c) => {
  const p = await classify.parse(c);
  const { stub, account } = bot(c);
  const result = unwrap(await stub.classify(account, p.Text, p.Language));
  if (result !== null) return c.json(result);
  const settings = unwrap(await stub.getBotSettings(account));
  if (settings.endpoint_url !== null)
    throw new ApiError(502, 20502, "The bot's endpoint gave no valid answer in time (see the Worker's log)");
  throw new ApiError(409, 20409, "The bot has no trained model: add intents, then POST /bot/train");
});
