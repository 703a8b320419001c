/**
 * The customer satisfaction survey (CSAT) a conversation offers its customer when it ends, as the browser
 * reads it: on the conversation's record (`survey`, a Switchboard extension, absent when none was offered),
 * so the widget shows it from the socket's `conversation.snapshot` / `conversation.updated`, and on each
 * row of a customer profile's conversations, so the desktop's customer card shows each one's outcome.
 * One zod schema; the type is inferred from it (the browser imports the type only: no zod in its bundles).
 */
import { z } from "zod";

/** The ratings a customer may give: 1 (poor) to 5 (great). */
export const SURVEY_RATINGS = [1, 2, 3, 4, 5] as const;
/** The longest comment kept (longer ones are refused on web chat, cut on a messaging reply). */
export const MAX_SURVEY_COMMENT = 1000;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

export const conversationSurvey = z.strictObject({
  /** `offered`: asked, not answered yet; `answered`: rated (an unanswered one stays `offered` past its window). */
  status: z.enum(["offered", "answered"]),
  /** The question the customer was asked (the channel's `csat_question`, else the default). */
  question: z.string(),
  /** How it was asked and answered: the widget's buttons (`web`), or a message to reply to with a digit. */
  via: z.enum(["web", "message"]),
  rating: z.number().int().min(1).max(5).nullable(),
  /** What the customer added, card numbers masked. */
  comment: z.string().max(MAX_SURVEY_COMMENT).nullable(),
  date_offered: isoDate,
  /** Until when an answer is taken (24 hours after the offer). */
  date_expires: isoDate,
  date_answered: isoDate.nullable(),
});

export type ConversationSurvey = z.infer<typeof conversationSurvey>;
