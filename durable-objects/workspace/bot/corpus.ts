/**
 * What a workspace's bot is trained from (issue 16's bot): the team's intents — a name, the language
 * its example phrases are in, the phrases, the answers — its entity patterns, and the built-in small
 * talk (greetings, thanks, goodbye in English and Spanish) that every bot knows unless the team gives an
 * intent of the same name and language, which replaces it. Pure data and checks; the WorkspaceDO stores
 * the corpus (../bot-store.ts), classifier.ts trains on it.
 */

/** The languages a bot can be trained in (ISO 639-1): each is an nlp.js language package. */
export const BOT_LANGUAGES = ["en", "es"] as const;
export type BotLanguage = (typeof BOT_LANGUAGES)[number];

/** One intent as the team wrote it. */
export interface BotIntent {
  /** e.g. "order.status"; letters, digits, `.`, `_`, `-`. "None" is reserved (below the threshold). */
  readonly name: string;
  readonly language: BotLanguage;
  readonly phrases: readonly string[];
  readonly answers: readonly string[];
}

/** An entity the team defines by a regular expression (an order ID, a booking reference …). */
export interface BotEntityPattern {
  readonly name: string;
  /** JavaScript regular expression source, matched case-insensitively. */
  readonly pattern: string;
}

/** Everything a model is trained from. */
export interface BotCorpus {
  readonly intents: readonly BotIntent[];
  readonly entities: readonly BotEntityPattern[];
}

/** The limits the API checks (and the store relies on). */
export const BOT_LIMITS = {
  intents: 200,
  phrasesPerIntent: 200,
  /** All intents together: training time and the model's size grow with them (BENCHMARKS.md, "Bot"). */
  totalPhrases: 2_000,
  answersPerIntent: 20,
  phraseLength: 500,
  answerLength: 1_000,
  entities: 50,
  patternLength: 300,
  /** The longest text classify reads. */
  textLength: 2_000,
} as const;

const NAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/**
 * Why `name` cannot name an intent or an entity, or null when it can.
 * @example nameProblem("order.status") // null
 * @example nameProblem("None") // "None is reserved: it is the intent below the threshold"
 */
export function nameProblem(name: string): string | null {
  if (name === "None") return "None is reserved: it is the intent below the threshold";
  return NAME.test(name) ? null : "must start with a letter and hold only letters, digits, '.', '_' or '-' (at most 64)";
}

/** The small talk every bot knows, in each language; a team intent of the same name and language replaces one. */
export const SMALL_TALK: readonly BotIntent[] = [
  {
    name: "smalltalk.greeting",
    language: "en",
    phrases: ["hello", "hi", "hi there", "hey", "good morning", "good afternoon", "good evening", "hello, anyone there?"],
    answers: ["Hello! How can I help you?"],
  },
  {
    name: "smalltalk.thanks",
    language: "en",
    phrases: ["thanks", "thank you", "thank you so much", "many thanks", "thanks a lot", "cheers, thanks"],
    answers: ["You're welcome!"],
  },
  {
    name: "smalltalk.goodbye",
    language: "en",
    phrases: ["bye", "goodbye", "see you", "see you later", "bye bye", "talk to you later", "have a nice day, bye"],
    answers: ["Goodbye! Have a nice day."],
  },
  {
    name: "smalltalk.greeting",
    language: "es",
    phrases: ["hola", "buenos días", "buenas tardes", "buenas noches", "hola, ¿hay alguien?", "qué tal", "buenas"],
    answers: ["¡Hola! ¿En qué puedo ayudarle?"],
  },
  {
    name: "smalltalk.thanks",
    language: "es",
    phrases: ["gracias", "muchas gracias", "mil gracias", "te lo agradezco", "muchísimas gracias"],
    answers: ["¡De nada!"],
  },
  {
    name: "smalltalk.goodbye",
    language: "es",
    phrases: ["adiós", "hasta luego", "nos vemos", "chao", "hasta pronto", "hasta mañana"],
    answers: ["¡Adiós! Que tenga un buen día."],
  },
];

/**
 * The intents a model is trained on: the team's, and the small talk they did not replace.
 * @example trainingIntents([{ name: "smalltalk.thanks", language: "en", phrases: ["ta"], answers: ["Any time"] }])
 *   // the team's smalltalk.thanks in English, and the five other built-in ones
 */
export function trainingIntents(intents: readonly BotIntent[]): BotIntent[] {
  const own = new Set(intents.map((i) => `${i.language}/${i.name}`));
  return [...intents, ...SMALL_TALK.filter((i) => !own.has(`${i.language}/${i.name}`))];
}
