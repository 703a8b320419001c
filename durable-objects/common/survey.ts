/**
 * The satisfaction survey's rules that the Worker and the ConversationDO share, pure: whether a channel
 * offers it (its `csat_enabled` and `csat_question` settings), how long an answer is taken, and what of a
 * customer's message on a messaging channel is an answer — a digit 1–5 first, the rest of the text its
 * comment — so the Worker can route the message to the ended conversation and the conversation can
 * record it, with one reading.
 */
import { MAX_SURVEY_COMMENT } from "../../contract/surveys";
import type { SettingValue } from "../../channels/channel-config";

/** How long after the offer an answer is taken; a later reply is a new message (a new conversation). */
export const SURVEY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_SURVEY_QUESTION = "How did we do?";
/** What a messaging channel's survey message adds to the question: how to answer. */
export const SURVEY_REPLY_HINT = "Reply with a number from 1 (poor) to 5 (great), and a comment after it if you like.";

/**
 * The question a channel's conversations are asked when they end; null when the survey is off (the
 * default: `csat_enabled` absent or false).
 * @example surveyQuestion({ csat_enabled: true }) // "How did we do?"
 * @example surveyQuestion({ csat_enabled: true, csat_question: "Did we help?" }) // "Did we help?"
 */
export function surveyQuestion(settings: Readonly<Record<string, SettingValue>>): string | null {
  const enabled = settings.csat_enabled;
  if (enabled !== true && enabled !== "true") return null;
  const question = typeof settings.csat_question === "string" ? settings.csat_question.trim() : "";
  return question === "" ? DEFAULT_SURVEY_QUESTION : question;
}

export interface SurveyAnswer {
  readonly rating: number;
  readonly comment: string | null;
}

/**
 * A reply that answers the survey: it starts with one digit 1–5 not followed by another digit (4.5 neither) or a
 * letter ("4", "5 thanks!", "3. slow reply", "2 - ok"); what follows (past punctuation) is the comment.
 * Anything else ("10 items", "3rd order", "hello") is not an answer. Card numbers are masked later, with
 * the message.
 * @example surveyReply("5 great help") // { rating: 5, comment: "great help" }
 * @example surveyReply("6") // null
 */
export function surveyReply(body: string | null | undefined): SurveyAnswer | null {
  if (typeof body !== "string") return null;
  const match = /^\s*([1-5])(?![\p{L}\p{N}]|[.,]\p{N})[\s.,:;!)/–—-]*([\s\S]*)$/u.exec(body);
  if (!match) return null;
  const comment = match[2]!.trim().slice(0, MAX_SURVEY_COMMENT);
  return { rating: Number(match[1]), comment: comment === "" ? null : comment };
}
