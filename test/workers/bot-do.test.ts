/**
 * The workspace bot inside workerd (issue 16): nlp.js trains and classifies in the WorkspaceDO itself,
 * the model is stored, and a classification after eviction needs no retraining; changes leave the model
 * stale until the next train; refused changes write nothing; another account's workspace is a 404.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { workspaceFor } from "../../platform/objects";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const ACCOUNT = env.ACCOUNT_SID ?? "";
const PAGE = { pageSize: 50, page: 0 };

async function workspace(): Promise<string> {
  const created = await app.request("http://x/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=bot" }, env);
  return ((await created.json()) as { sid: string }).sid;
}

const ORDER_EN = ["where is my order", "track my package", "has my order shipped yet", "when will my parcel arrive", "order status please"];
const REFUND_EN = ["I want a refund", "give me my money back", "refund my purchase", "can I get a refund", "return this for a refund"];
const ORDER_ES = ["dónde está mi pedido", "rastrear mi paquete", "cuándo llega mi pedido", "estado de mi pedido", "ya enviaron mi pedido"];

async function trainedBot() {
  const ws = await workspace();
  const stub = workspaceFor(env, ws);
  for (const [name, language, phrases, answers] of [
    ["order.status", "en", ORDER_EN, ["Let me look that up."]],
    ["refund", "en", REFUND_EN, []],
    ["order.status", "es", ORDER_ES, ["Lo reviso ahora."]],
  ] as const) {
    const made = await stub.createBotIntent(ACCOUNT, { name, language, phrases: [...phrases], answers: [...answers] });
    expect(made.ok).toBe(true);
  }
  expect((await stub.putBotEntity(ACCOUNT, "orderId", "ORD-\\d{4,}")).ok).toBe(true);
  const trained = await stub.trainBot(ACCOUNT);
  expect(trained).toMatchObject({ ok: true, value: { model_status: "trained", languages: ["en", "es"] } });
  return { ws, stub };
}

describe("WorkspaceDO bot", () => {
  it("has no bot until trained: classify is null", async () => {
    const stub = workspaceFor(env, await workspace());
    expect(await stub.classify(ACCOUNT, "where is my order")).toEqual({ ok: true, value: null });
    expect(await stub.trainBot(ACCOUNT)).toMatchObject({ ok: false, status: 400 });
  });

  it("trains in the object and classifies by intent, language, entity and answer — also after eviction", async () => {
    const { stub } = await trainedBot();
    const first = await stub.classify(ACCOUNT, "where is my order ORD-55821?");
    expect(first).toMatchObject({
      ok: true,
      value: {
        intent: "order.status",
        language: "en",
        answer: "Let me look that up.",
        entities: [{ entity: "orderId", text: "ORD-55821" }],
      },
    });
    await evictDurableObject(stub);
    const again = await stub.classify(ACCOUNT, "where is my order ORD-55821?");
    expect(again).toEqual(first);
    expect(await stub.classify(ACCOUNT, "dónde está mi pedido")).toMatchObject({
      ok: true,
      value: { intent: "order.status", language: "es" },
    });
    expect(await stub.classify(ACCOUNT, "hello")).toMatchObject({ ok: true, value: { intent: "smalltalk.greeting" } });
  });

  it("marks the model stale on a change and current after the next train; the old model still answers meanwhile", async () => {
    const { stub } = await trainedBot();
    const made = await stub.createBotIntent(ACCOUNT, {
      name: "cancel",
      language: "en",
      phrases: ["cancel my subscription", "stop my plan"],
    });
    expect(made.ok).toBe(true);
    expect(await stub.getBotSettings(ACCOUNT)).toMatchObject({ ok: true, value: { model_status: "stale" } });
    expect(await stub.classify(ACCOUNT, "cancel my subscription")).toMatchObject({
      ok: true,
      value: { intent: expect.not.stringMatching(/^cancel$/) },
    });
    await stub.trainBot(ACCOUNT);
    expect(await stub.classify(ACCOUNT, "please cancel my subscription")).toMatchObject({ ok: true, value: { intent: "cancel" } });
  });

  it("refuses bad intents and entities by naming the field, and writes nothing", async () => {
    const { stub } = await trainedBot();
    const cases: [Parameters<typeof stub.createBotIntent>[1], string][] = [
      [{ name: "None", language: "en", phrases: ["x"] }, "Name"],
      [{ name: "9lives", language: "en", phrases: ["x"] }, "Name"],
      [{ name: "ok", language: "fr", phrases: ["x"] }, "Language"],
      [{ name: "ok", language: "en", phrases: [] }, "Phrases"],
      [{ name: "ok", language: "en", phrases: ["  "] }, "Phrases"],
      [{ name: "ok", language: "en", phrases: ["x".repeat(501)] }, "Phrases"],
      [{ name: "ok", language: "en", phrases: Array.from({ length: 201 }, (_, i) => `p${i}`) }, "Phrases"],
      [{ name: "ok", language: "en", phrases: ["x"], answers: [""] }, "Answers"],
    ];
    for (const [input, field] of cases) {
      const refused = await stub.createBotIntent(ACCOUNT, input);
      expect(refused, field).toMatchObject({ ok: false, status: 400, message: expect.stringContaining(field) });
    }
    expect(await stub.createBotIntent(ACCOUNT, { name: "refund", language: "en", phrases: ["again"] })).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(await stub.putBotEntity(ACCOUNT, "orderRef", "ORD-(")).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining("Pattern"),
    });
    expect(await stub.putBotEntity(ACCOUNT, "anything", "x*")).toMatchObject({
      ok: false,
      message: expect.stringContaining("empty string"),
    });
    expect(await stub.putBotEntity(ACCOUNT, "email", "[a-z]+@x")).toMatchObject({
      ok: false,
      message: expect.stringContaining("built-in"),
    });
    const intents = await stub.listBotIntents(ACCOUNT, PAGE);
    expect(intents.ok && intents.value.items.map((i) => `${i.language}/${i.name}`)).toEqual([
      "en/order.status",
      "es/order.status",
      "en/refund",
    ]);
    expect(await stub.getBotSettings(ACCOUNT)).toMatchObject({ ok: true, value: { model_status: "trained" } });
    expect(await stub.classify(ACCOUNT, "x".repeat(2_001))).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining("Text"),
    });
  });

  it("lists a stored pattern RE2 refuses (kept from before patterns ran under RE2) with why it finds nothing", async () => {
    const { stub } = await trainedBot();
    // As a workspace stored it before definitions were checked against RE2: a lookaround, which RE2 lacks.
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec(
        "INSERT INTO bot_entities (name, pattern, date_created, date_updated) VALUES (?, ?, ?, ?)",
        "orderRef",
        "REF-(?=\\d)\\d+",
        Date.UTC(2026, 10, 1),
        Date.UTC(2026, 10, 1),
      );
    });
    const listed = await stub.listBotEntities(ACCOUNT);
    expect(listed.ok && listed.value.map(({ name, problem }) => ({ name, problem }))).toEqual([
      { name: "orderId", problem: null },
      { name: "orderRef", problem: expect.stringMatching(/^the pattern uses lookaround .*; it finds nothing until it is redefined$/) },
    ]);
    // Trained with it, it finds nothing (and breaks nothing) until redefined; then it is found, listed without a problem.
    expect(await stub.trainBot(ACCOUNT)).toMatchObject({ ok: true, value: { model_status: "trained" } });
    const text = "where is my order ORD-55821? ref REF-77";
    const found = (entity: string) => expect.objectContaining({ entity });
    expect(await stub.classify(ACCOUNT, text)).toMatchObject({
      ok: true,
      value: { entities: expect.not.arrayContaining([found("orderRef")]) as unknown },
    });
    expect(await stub.classify(ACCOUNT, text)).toMatchObject({
      ok: true,
      value: { entities: expect.arrayContaining([found("orderId")]) as unknown },
    });
    expect((await stub.putBotEntity(ACCOUNT, "orderRef", "REF-\\d+")).ok).toBe(true);
    expect((await stub.trainBot(ACCOUNT)).ok).toBe(true);
    expect(await stub.classify(ACCOUNT, text)).toMatchObject({
      ok: true,
      value: { entities: expect.arrayContaining([found("orderId"), { entity: "orderRef", text: "REF-77", value: "REF-77" }]) as unknown },
    });
    const relisted = await stub.listBotEntities(ACCOUNT);
    expect(relisted.ok && relisted.value.find((e) => e.name === "orderRef")?.problem).toBeNull();
  });

  it("answers 404 to another account, and stores the model as JSON in SQLite", async () => {
    const { stub } = await trainedBot();
    expect(await stub.classify("AC" + "6".repeat(32), "hello")).toMatchObject({ ok: false, status: 404 });
    expect(await stub.listBotIntents("AC" + "6".repeat(32), PAGE)).toMatchObject({ ok: false, status: 404 });
    const stored = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql
        .exec<{ part: string }>("SELECT part FROM bot_model ORDER BY seq")
        .toArray()
        .map((p) => p.part)
        .join(""),
    );
    expect(JSON.parse(stored)).toMatchObject({ format: 1, languages: ["en", "es"] });
  });

  it("stores a model larger than one row in parts, and classifies with it after eviction", async () => {
    const stub = workspaceFor(env, await workspace());
    // 10 intents × 100 phrases of made-up words: many distinct features, so a model of several MB.
    let seed = 7;
    const word = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return `w${(seed % 4_000).toString(36)}q`;
    };
    for (let i = 0; i < 10; i += 1) {
      const phrases = Array.from({ length: 100 }, () => Array.from({ length: 5 }, word).join(" "));
      if (i === 3) phrases[0] = "zebra crossing lights";
      expect((await stub.createBotIntent(ACCOUNT, { name: `topic${i}`, language: "en", phrases })).ok).toBe(true);
    }
    expect((await stub.trainBot(ACCOUNT)).ok).toBe(true);
    const parts = await runInDurableObject(
      stub,
      (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM bot_model").one().n,
    );
    expect(parts).toBeGreaterThan(1);
    await evictDurableObject(stub);
    expect(await stub.classify(ACCOUNT, "zebra crossing lights")).toMatchObject({ ok: true, value: { intent: "topic3" } });
  });

  it("refuses phrases past the bot's total, naming Phrases", async () => {
    const stub = workspaceFor(env, await workspace());
    for (let i = 0; i < 10; i += 1) {
      const phrases = Array.from({ length: 200 }, (_, j) => `phrase ${i} ${j}`);
      expect((await stub.createBotIntent(ACCOUNT, { name: `many${i}`, language: "en", phrases })).ok).toBe(true);
    }
    expect(await stub.createBotIntent(ACCOUNT, { name: "one.more", language: "en", phrases: ["one more"] })).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining("Phrases: a bot has at most 2000 phrases in all"),
    });
    const listed = await stub.listBotIntents(ACCOUNT, PAGE);
    expect(listed.ok && listed.value.items.length).toBe(10);
  });
});
