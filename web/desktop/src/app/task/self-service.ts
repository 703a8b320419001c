/**
 * What the desk shows of a task's self-service (issue 16), pure so its rules are table-tested: the task's
 * `attributes.self_service` (contract/self-service.ts, written by a flow's send-to-flex) read leniently —
 * zod-free, since the desk bundle never carries zod, and a malformed field is dropped rather than
 * breaking the canvas (attributes are anyone's JSON once a task is updated through the API); the bot's
 * sentiment as a word, not a number; its confidence as a percentage; the flow's variables as rows; and
 * the transcript's last lines, which is all the panel shows until the agent expands it.
 */
import { SELF_SERVICE_ATTRIBUTE, type SelfServiceContext, type SelfServiceLine } from "../../../../../contract/self-service";
import { flattenAttributes, type AttributeRow } from "./customer-data";
import { isRecord } from "../../../../../contract/is-record";

/** How the customer seemed to the bot, in words an agent reads at a glance. */
export type SentimentWord = "positive" | "neutral" | "negative";

/** A sentiment at or past ±this is a mood; between is neutral (scores are −1 … 1). */
export const SENTIMENT_THRESHOLD = 0.25;

/** The intent a classifier answers below its confidence threshold: no intent, for the agent. */
export const NO_INTENT = "None";

/** How many transcript lines the collapsed panel shows (the latest ones). */
export const COLLAPSED_LINES = 3;

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value : null);
const finite = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

function lineOf(value: unknown): SelfServiceLine | null {
  if (!isRecord(value) || (value.from !== "customer" && value.from !== "bot") || typeof value.body !== "string") return null;
  return { from: value.from, body: value.body, at: typeof value.at === "string" ? value.at : "" };
}

/**
 * The task's self-service context, or null when it has none (no flow handed it over). Fields of the
 * wrong type fall back to "not known" (null, empty), the intent `None` too; a confidence or sentiment out
 * of range is clamped.
 *
 * @example
 * selfServiceOf({ self_service: { flow_name: "Support bot", intent: "order_status", confidence: 0.91, transcript: [] } });
 * // { flow_name: "Support bot", intent: "order_status", confidence: 0.91, sentiment: null, variables: {}, … }
 * selfServiceOf({ from: "+1555" }); // null
 */
export function selfServiceOf(attributes: Readonly<Record<string, unknown>>): SelfServiceContext | null {
  const raw = attributes[SELF_SERVICE_ATTRIBUTE];
  if (!isRecord(raw)) return null;
  const confidence = finite(raw.confidence);
  const sentiment = finite(raw.sentiment);
  return {
    flow_sid: text(raw.flow_sid) ?? "",
    execution_sid: text(raw.execution_sid) ?? "",
    flow_name: text(raw.flow_name) ?? text(raw.flow_sid) ?? "",
    transcript: Array.isArray(raw.transcript) ? raw.transcript.map(lineOf).filter((line) => line !== null) : [],
    // "None" is what a classifier names no intent above its threshold (nlp.js, LUIS): nothing to show.
    intent: raw.intent === NO_INTENT ? null : text(raw.intent),
    confidence: confidence === null ? null : Math.min(1, Math.max(0, confidence)),
    variables: isRecord(raw.variables) ? raw.variables : {},
    sentiment: sentiment === null ? null : Math.min(1, Math.max(-1, sentiment)),
  };
}

/**
 * The sentiment score as a word: ≥ 0.25 positive, ≤ −0.25 negative, between neutral; null stays null (no bot).
 *
 * @example
 * sentimentWord(0.6); // "positive"
 * sentimentWord(-0.25); // "negative"
 * sentimentWord(0.1); // "neutral"
 */
export function sentimentWord(score: number | null): SentimentWord | null {
  if (score === null) return null;
  if (score >= SENTIMENT_THRESHOLD) return "positive";
  if (score <= -SENTIMENT_THRESHOLD) return "negative";
  return "neutral";
}

/**
 * A confidence (0 … 1) as a whole percentage for the locale; null when unknown.
 * @example confidencePercent(0.914, "en"); // "91%"
 */
export function confidencePercent(confidence: number | null, locale: string): string | null {
  if (confidence === null) return null;
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(confidence);
}

/**
 * The flow's variables as key/value rows (nested values flattened to dotted keys, as the task details are).
 * @example variableRows({ order_number: "A-1001", address: { city: "Oslo" } });
 * // [{ key: "order_number", value: "A-1001" }, { key: "address.city", value: "Oslo" }]
 */
export const variableRows = (variables: Readonly<Record<string, unknown>>): AttributeRow[] => flattenAttributes(variables);

/**
 * The lines the panel shows: the last {@link COLLAPSED_LINES} while collapsed, all when expanded.
 * @example visibleLines(transcript, false).length; // ≤ 3
 */
export function visibleLines(transcript: readonly SelfServiceLine[], expanded: boolean): readonly SelfServiceLine[] {
  return expanded ? transcript : transcript.slice(-COLLAPSED_LINES);
}
