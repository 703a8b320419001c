/**
 * The satisfaction survey (CSAT 1–5 and a comment) a conversation offers its customer when it ends: when
 * its current task completes after an agent handled it, if its channel had the survey on when the
 * conversation opened (`survey_question`). Completion is the moment because it is the end the agent
 * chose (wrap-up only makes a conversation inactive, and the customer's next message revives it); a
 * task canceled (nobody took it) or deleted ends a conversation nobody served, so nothing is asked.
 *
 * Web chat: the survey is on the conversation's record, which the widget gets as `conversation.updated`
 * and shows as buttons; it answers through `POST /api/webchat/…/survey`. Messaging channels: a question
 * message is delivered like an agent's, and the customer's reply within the window that starts with a
 * digit 1–5 (common/survey.ts) is routed back here by the directory and answers it. Either way the
 * answer is taken once, within {@link SURVEY_WINDOW_MS}, stored on the row (every record, frame and the
 * directory's entry carry it) and announced once as the `conversation.survey` event of the workspace
 * (in its Events list and at its EventCallbackUrl), written to the outbox in the answer's transaction
 * (workspace-events.ts).
 */
import { fail, invalid, ok, type ApiResult } from "../../common/rpc";
import { redactCardNumbers } from "../../common/card-numbers";
import { SURVEY_REPLY_HINT, SURVEY_WINDOW_MS, type SurveyAnswer } from "../../common/survey";
import { MAX_SURVEY_COMMENT, type ConversationSurvey } from "../../../contract/surveys";
import { iso } from "../../../contract/taskrouter";
import { conversationRecord, conversationRow, saveConversation, type ConversationRow } from "../store/conversation-rows";
import { conflict, type Op } from "./conversation-operation";
import { insertMessage } from "./messages";
import { customerParticipant } from "./participants";
import { eventKey, recordWorkspaceEvent } from "./workspace-events";

/** The survey on a row, or null. */
export const surveyOf = (row: ConversationRow): ConversationSurvey | null =>
  row.survey === null ? null : (JSON.parse(row.survey) as ConversationSurvey);

/** The marker on the question message (its attributes), so a transcript can tell it from an agent's words. */
export const SURVEY_MESSAGE_ATTRIBUTES = JSON.stringify({ survey: "question" });

/**
 * Offers the survey of a conversation about to close, when its channel asked for one and it has not
 * offered it yet: stored on the row, and on a messaging channel the question queued for delivery (before
 * the close: a closed conversation takes no messages). A messaging customer without an address to reply
 * from is not asked. Answers the row as it is now.
 */
export function offerSurvey(op: Op, row: ConversationRow): ConversationRow {
  if (row.survey_question === null || row.survey !== null) return row;
  const via = row.channel === "web" ? "web" : "message";
  if (via === "message" && !customerParticipant(op)?.binding_address) return row;
  const survey: ConversationSurvey = {
    status: "offered",
    question: row.survey_question,
    via,
    rating: null,
    comment: null,
    date_offered: iso(op.now),
    date_expires: iso(op.now + SURVEY_WINDOW_MS),
    date_answered: null,
  };
  const saved = saveConversation(op.host, { ...row, survey: JSON.stringify(survey) });
  if (via === "message") {
    const asked = insertMessage(
      op,
      saved,
      { body: `${survey.question} ${SURVEY_REPLY_HINT}`, attributes: SURVEY_MESSAGE_ATTRIBUTES },
      null,
    );
    if (!asked.ok) throw new Error(`the survey question could not be stored: ${asked.message}`);
  }
  op.effects.index = true;
  return conversationRow(op.host)!;
}

/**
 * Whether the survey still takes an answer: offered, unanswered and within its window; else the refusal
 * (409: none offered, answered already, or too late).
 */
export function surveyOpen(op: Op, row: ConversationRow): ApiResult<ConversationSurvey> {
  const survey = surveyOf(row);
  if (survey === null) return conflict(`Conversation ${op.sid} has no survey to answer`);
  if (survey.status === "answered") return conflict(`The survey of conversation ${op.sid} was answered already`);
  if (op.now > Date.parse(survey.date_expires))
    return conflict(`The survey of conversation ${op.sid} took answers until ${survey.date_expires}`);
  return ok(survey);
}

/** A rating and comment as given (web chat sends them apart): 400 naming what is wrong. */
export function checkedAnswer(rating: unknown, comment: unknown): ApiResult<SurveyAnswer> {
  if (typeof rating !== "number" || !Number.isInteger(rating) || rating < 1 || rating > 5)
    return invalid("rating", `must be a whole number from 1 to 5, got ${JSON.stringify(rating)?.slice(0, 40)}`);
  if (comment !== undefined && comment !== null && typeof comment !== "string") return invalid("comment", "must be a string");
  if (typeof comment === "string" && comment.length > MAX_SURVEY_COMMENT)
    return invalid("comment", `must be at most ${MAX_SURVEY_COMMENT} characters`);
  const text = typeof comment === "string" ? comment.trim() : "";
  return ok({ rating, comment: text === "" ? null : text });
}

/**
 * Records the answer on an open survey (checked by {@link surveyOpen} and {@link checkedAnswer}): the
 * comment with card numbers masked, the `conversation.updated` frame, the directory's entry, and the
 * `conversation.survey` event — once, since a second answer finds the survey answered.
 */
export function recordAnswer(op: Op, row: ConversationRow, survey: ConversationSurvey, answer: SurveyAnswer): ConversationSurvey {
  const answered: ConversationSurvey = {
    ...survey,
    status: "answered",
    rating: answer.rating,
    comment: answer.comment === null ? null : redactCardNumbers(answer.comment),
    date_answered: iso(op.now),
  };
  const saved = saveConversation(op.host, { ...row, survey: JSON.stringify(answered) });
  op.effects.frames.push({ type: "conversation.updated", conversation: conversationRecord(saved) });
  op.effects.index = true;
  recordWorkspaceEvent(op, saved, {
    key: eventKey(),
    type: "conversation.survey",
    at: op.now,
    conversationSid: saved.sid,
    taskSid: saved.task_sid,
    workerSid: saved.last_worker_sid,
    profileSid: saved.profile_sid,
    rating: answer.rating,
    comment: answered.comment,
    via: answered.via,
  });
  return answered;
}

/** The survey's answer through web chat, for the visitor `identity` (only their own conversation's). */
export function answerSurvey(
  op: Op,
  accountSid: string,
  identity: string,
  rating: unknown,
  comment: unknown,
): ApiResult<ConversationSurvey> {
  const row = conversationRow(op.host);
  const customer = customerParticipant(op);
  if (!row || row.account_sid !== accountSid || customer?.identity !== identity)
    return fail(404, 20404, `The requested resource Conversation ${op.sid} was not found`);
  const answer = checkedAnswer(rating, comment);
  if (!answer.ok) return answer;
  if (row.state !== "closed") return conflict(`Conversation ${op.sid} has not ended; its survey comes when it does`);
  const open = surveyOpen(op, row);
  if (!open.ok) return open;
  return ok(recordAnswer(op, row, open.value, answer.value));
}
