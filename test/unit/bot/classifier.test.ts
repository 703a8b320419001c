/**
 * The pure bot classifier (durable-objects/workspace/bot/): trained on examples it finds their intents in
 * new wording, in English and Spanish (given or detected); out-of-domain text and a high threshold give
 * None; small talk is built in and a team intent replaces it; entities (the team's patterns, emails,
 * dates, numbers) and the sentiment's sign; the model survives a JSON round trip.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadClassifier, trainModel, type Classifier } from "../../../durable-objects/workspace/bot/classifier";
import { nameProblem, trainingIntents, SMALL_TALK, type BotIntent } from "../../../durable-objects/workspace/bot/corpus";
import { extractEntities } from "../../../durable-objects/workspace/bot/entities";
import corpus from "../../../bench/fixtures/bot-corpus.json";

const intents: BotIntent[] = corpus.intents.map((i) => ({ ...(i as Omit<BotIntent, "answers">), answers: [] }));
let bot: Classifier;

beforeAll(async () => {
  const model = await trainModel({ intents, entities: [{ name: "orderId", pattern: "ORD-\\d{4,}" }] });
  // What the WorkspaceDO does: store the JSON, load it in a fresh object.
  bot = loadClassifier(JSON.parse(JSON.stringify(model)) as string);
});

describe("bot classifier", () => {
  it.each([
    ["where the heck is my parcel", "en", "order.status"],
    ["I'd like my money back", "en", "refund"],
    ["please cancel my subscription now", "en", "cancel"],
    ["I need to update my address", "en", "address.change"],
    ["can I speak to a real person", "en", "agent"],
    ["¿dónde está mi paquete?", "es", "order.status"],
    ["quiero que me devuelvan el dinero", "es", "refund"],
    ["quiero cancelar la suscripción", "es", "cancel"],
    ["necesito cambiar mi dirección", "es", "address.change"],
    ["quiero hablar con una persona", "es", "agent"],
  ])("%s → %s/%s, with the language given and detected", async (text, language, intent) => {
    expect(await bot.classify(text, { language, threshold: 0.5 })).toMatchObject({ intent, language });
    expect(await bot.classify(text, { threshold: 0.5 })).toMatchObject({ intent, language });
  });

  it("gives None for text it was not trained on, and for everything above a threshold of 1 that is not certain", async () => {
    for (const text of ["the quarterly earnings of volcanic penguins", "asdf qwerty zxcv", "???", ""]) {
      const result = await bot.classify(text, { threshold: 0.5 });
      expect(result.intent, text).toBe("None");
      expect(result.answer).toBeUndefined();
    }
    const partial = await bot.classify("my order and the quarterly earnings of volcanic penguins", { threshold: 1 });
    expect(partial.intent).toBe("None");
    expect(partial.confidence).toBeGreaterThan(0);
    expect(partial.confidence).toBeLessThan(1);
  });

  it("knows small talk with answers in each language, and a team intent of the same name replaces it", async () => {
    expect(await bot.classify("hello", { threshold: 0.5 })).toMatchObject({
      intent: "smalltalk.greeting",
      answer: "Hello! How can I help you?",
    });
    expect(await bot.classify("muchas gracias", { threshold: 0.5 })).toMatchObject({
      intent: "smalltalk.thanks",
      language: "es",
      answer: "¡De nada!",
    });
    const own: BotIntent = { name: "smalltalk.thanks", language: "en", phrases: ["thanks", "thank you", "cheers"], answers: ["Any time!"] };
    expect(trainingIntents([own]).filter((i) => i.name === "smalltalk.thanks")).toEqual([
      own,
      SMALL_TALK.find((i) => i.name === "smalltalk.thanks" && i.language === "es"),
    ]);
    const replaced = loadClassifier(await trainModel({ intents: [...intents, own], entities: [] }));
    expect(await replaced.classify("thank you", { language: "en", threshold: 0.5 })).toMatchObject({
      intent: "smalltalk.thanks",
      answer: "Any time!",
    });
  });

  it("finds the team's entities and the built-in ones, each span once", async () => {
    const result = await bot.classify("where is my order ORD-99812, mail me at Ana@Example.com", { threshold: 0.5 });
    expect(result.intent).toBe("order.status");
    expect(result.entities).toEqual([
      { entity: "orderId", text: "ORD-99812", value: "ORD-99812" },
      { entity: "email", text: "Ana@Example.com", value: "ana@example.com" },
    ]);
    expect(
      extractEntities("2 boxes on 2026-12-24, or 03/01/2027, or 7 de enero de 2027, or December 31, 2026; not 2026-02-30", [], "en"),
    ).toEqual([
      { entity: "number", text: "2", value: 2 },
      { entity: "date", text: "2026-12-24", value: "2026-12-24" },
      { entity: "date", text: "03/01/2027", value: "2027-03-01" },
      { entity: "date", text: "7 de enero de 2027", value: "2027-01-07" },
      { entity: "date", text: "December 31, 2026", value: "2026-12-31" },
      { entity: "number", text: "2026", value: 2026 },
      { entity: "number", text: "02", value: 2 },
      { entity: "number", text: "30", value: 30 },
    ]);
    expect(extractEntities("el 03/01/2027 pago 12,5", [], "es")).toEqual([
      { entity: "date", text: "03/01/2027", value: "2027-01-03" },
      { entity: "number", text: "12,5", value: 12.5 },
    ]);
  });

  it.each([
    ["order.status", null],
    ["None", "reserved"],
    ["with space", "must start with a letter"],
    ["1st", "must start with a letter"],
  ])("checks a name: %s", (name, problem) => {
    const found = nameProblem(name);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it("scores sentiment from −1 to 1 with the right sign, in both languages", async () => {
    const cases: [string, "positive" | "negative"][] = [
      ["thank you, the service was excellent and fast", "positive"],
      ["this is terrible, the worst and most awful experience", "negative"],
      ["muchas gracias, excelente servicio", "positive"],
      ["es horrible, un servicio pésimo y malo", "negative"],
    ];
    for (const [text, sign] of cases) {
      const { sentiment } = await bot.classify(text, { threshold: 0.5 });
      expect(sentiment, text).toBeGreaterThanOrEqual(-1);
      expect(sentiment, text).toBeLessThanOrEqual(1);
      if (sign === "positive") expect(sentiment, text).toBeGreaterThan(0);
      else expect(sentiment, text).toBeLessThan(0);
    }
  });

  it("refuses a model of another format", () => {
    expect(() => loadClassifier(JSON.stringify({ format: 2 }))).toThrow("unknown bot model format 2");
  });
});
