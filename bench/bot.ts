/**
 * The bot's benchmark (`npm run bench -- bot`): accuracy of the workspace classifier on a held-out split
 * of its own corpus (bench/fixtures/bot-corpus.json: 5 intents × 15 phrases in English and in Spanish;
 * per intent, 80 % trained, 20 % tested, drawn with a fixed seed), with and without the language given,
 * and the time per classification beside a no-op baseline measured in the same run, plus training time.
 */
import { loadClassifier, trainModel } from "../durable-objects/workspace/bot/classifier";
import type { BotIntent } from "../durable-objects/workspace/bot/corpus";
import corpus from "./fixtures/bot-corpus.json";
import { seededRandom } from "../test/support/seeded-random";

export interface BotFigures {
  readonly trainPhrases: number;
  readonly testPhrases: number;
  /** Share of held-out phrases whose intent is right, language given / detected. */
  readonly accuracyGiven: number;
  readonly accuracyDetected: number;
  /** Held-out phrases that fell below the threshold (None). */
  readonly noneShare: number;
  readonly languageRight: number;
  readonly trainMs: number;
  /** Training at the limit: 2,000 phrases of made-up words (the most distinct features: the worst case). */
  readonly trainLimitMs: number;
  readonly limitModelBytes: number;
  readonly loadMs: number;
  readonly modelBytes: number;
  readonly classifyMs: readonly number[];
  readonly baselineMs: readonly number[];
}

/** Per intent, a seeded shuffle: the first 80 % train, the rest test. */
export function splitCorpus(seed: number): { train: BotIntent[]; test: { text: string; intent: string; language: string }[] } {
  const random = seededRandom(seed);
  const train: BotIntent[] = [];
  const test: { text: string; intent: string; language: string }[] = [];
  for (const intent of corpus.intents as Omit<BotIntent, "answers">[]) {
    const shuffled = [...intent.phrases].sort(() => random() - 0.5);
    const cut = Math.round(shuffled.length * 0.8);
    train.push({ ...intent, phrases: shuffled.slice(0, cut), answers: [] });
    for (const text of shuffled.slice(cut)) test.push({ text, intent: intent.name, language: intent.language });
  }
  return { train, test };
}

export async function runBotBench(): Promise<BotFigures> {
  const { train, test } = splitCorpus(16);
  const threshold = 0.5;
  let started = performance.now();
  const model = await trainModel({ intents: train, entities: [{ name: "orderId", pattern: "ORD-\\d{4,}" }] });
  const trainMs = performance.now() - started;
  started = performance.now();
  const bot = loadClassifier(model);
  const loadMs = performance.now() - started;
  let given = 0;
  let detected = 0;
  let none = 0;
  let languageRight = 0;
  for (const t of test) {
    const withLanguage = await bot.classify(t.text, { language: t.language, threshold });
    const without = await bot.classify(t.text, { threshold });
    if (withLanguage.intent === t.intent) given += 1;
    if (without.intent === t.intent) detected += 1;
    if (without.intent === "None") none += 1;
    if (without.language === t.language) languageRight += 1;
  }
  // Time per classification (language detected: the slower path), and a no-op async call in the same loop.
  const noop = async (text: string) => text.length;
  const classifyMs: number[] = [];
  const baselineMs: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    for (const t of test) {
      // A text never classified before in each round (nlp.js would otherwise answer repeats from its cache).
      const text = `${t.text} #${round}`;
      let t0 = performance.now();
      await noop(text);
      baselineMs.push(performance.now() - t0);
      t0 = performance.now();
      await bot.classify(text, { threshold });
      classifyMs.push(performance.now() - t0);
    }
  }
  const random = seededRandom(7);
  const word = () => `w${Math.floor(random() * 4_000).toString(36)}q`;
  const limit: BotIntent[] = Array.from({ length: 20 }, (_, i) => ({
    name: `topic${i}`,
    language: "en",
    answers: [],
    phrases: Array.from({ length: 100 }, () => Array.from({ length: 6 }, word).join(" ")),
  }));
  started = performance.now();
  const limitModel = await trainModel({ intents: limit, entities: [] });
  const trainLimitMs = performance.now() - started;
  return {
    trainLimitMs,
    limitModelBytes: limitModel.length,
    trainPhrases: train.reduce((n, i) => n + i.phrases.length, 0),
    testPhrases: test.length,
    accuracyGiven: given / test.length,
    accuracyDetected: detected / test.length,
    noneShare: none / test.length,
    languageRight: languageRight / test.length,
    trainMs,
    loadMs,
    modelBytes: model.length,
    classifyMs,
    baselineMs,
  };
}
