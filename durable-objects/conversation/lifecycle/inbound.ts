/**
 * A customer's message arriving from a channel (already verified, parsed and redacted by the Worker;
 * redacted here again, as the last door before storage). Idempotent by the provider's message ID: a
 * second delivery of the same webhook answers the first message's SID and changes nothing.
 *
 * The first message creates the conversation: state active, the customer as participant (a chat
 * identity for web visitors, a messaging binding otherwise), and a "task pending" marker with the
 * Flex-style task request, which the shell sends to the Router after the commit (tasks.ts) — or, on a
 * channel with a Studio flow, a "flow pending" marker instead: the flow runs first (flows.ts).
 */
import { notFound, ok, type ApiResult } from "../../common/rpc";
import { redactDeep } from "../../common/card-attributes";
import { redactCardNumbers } from "../../common/card-numbers";
import type { AddMessageInput, InboundContext } from "../../common/conversations";
import type { InboundMessage } from "../../../channels/messages";
import {
  conversationRecord,
  conversationRow,
  saveConversation,
  saveRegistration,
  type ConversationRow,
  type TaskRequest,
} from "../store/conversation-rows";
import { cannotCreate, moveTo, storeConversation } from "./conversation";
import { insertMessage, keyedMessage } from "./messages";
import { conflict, type Op } from "./conversation-operation";
import { customerParticipant, insertParticipant } from "./participants";
import { recordAnswer, surveyOpen } from "./survey";
import { inFlow, openInFlow, queueForFlow } from "./flows";
import type { SurveyAnswer } from "../../common/survey";
import { isRecord } from "../../../contract/is-record";

export interface Received {
  readonly messageSid: string;
  readonly duplicate: boolean;
  readonly created: boolean;
}

/** The context of a message that may open its conversation: the customer is known. */
export type Opening = InboundContext & { readonly customer: NonNullable<InboundContext["customer"]> };

/** A name someone typed (the customer, an agent editing the profile), with card numbers masked. */
const typedName = (name: string | null): string | null => (name === null ? null : redactCardNumbers(name));

/**
 * The attributes of a conversation's task, as Flex writes them: who the customer is, what they wrote
 * before and who helped them last (for known-agent routing), with what the channel said about the
 * customer (`message.conversationAttributes`, e.g. Twilio's `from_city`) beside them, and the start of the
 * message (`preview`) for the agent's ringing panel. Card numbers are
 * masked in the names; `from`, the customer's phone and email, and `name` when it falls back to the
 * address are addresses and are kept as they are, so the agent sees who wrote and the Router can tell
 * them apart. `channelSid` is the conversation's CH SID, as Flex sets it; the channel configuration the
 * customer wrote to is `channelConfigSid`. What the
 * customer only said about themselves (a pre-chat form) is kept apart in `customers.unverified`, so
 * neither a workflow nor an agent mistakes it for the profile's details.
 * @example flexAttributes("CH…", context, message).channelType // "sms"
 */
export function flexAttributes(conversationSid: string, context: Opening, message: InboundMessage): Record<string, unknown> {
  const { customer } = context;
  const messageName = typedName(message.customerName);
  const profileName = typedName(customer.name);
  const attributes: Record<string, unknown> = {
    ...message.conversationAttributes,
    conversationSid,
    channelType: message.channel,
    channelSid: conversationSid,
    channelConfigSid: context.channelSid,
    from: message.customerAddress,
    // What the agent reads while it rings: the start of the first message (already masked), Switchboard's own.
    preview: previewOf(redactCardNumbers(message.body)),
    name: messageName ?? profileName ?? message.customerAddress,
    customerName: messageName ?? profileName,
    direction: "inbound",
    customers: {
      profile_sid: customer.profileSid,
      name: profileName ?? (message.unverified?.name === undefined ? messageName : null),
      email: customer.email,
      phone: customer.phone,
      last_worker_sid: customer.lastWorkerSid,
      ...(message.unverified && Object.keys(message.unverified).length > 0 ? { unverified: redactDeep(message.unverified) } : {}),
    },
    history: customer.history.map((h) => ({
      conversation_sid: h.conversationSid,
      channel: h.channel,
      date_created: h.dateCreated,
      worker_sid: h.workerSid,
    })),
  };
  if (customer.lastWorkerSid) attributes.known_worker_sid = customer.lastWorkerSid;
  return attributes;
}

/** How much of the first message a task carries to the agent's ringing panel. */
export const PREVIEW_CHARS = 140;

/** The start of a message's text on one line, at most {@link PREVIEW_CHARS} characters; null for none. */
function previewOf(body: string): string | null {
  const line = body.replace(/\s+/gu, " ").trim();
  if (line === "") return null;
  const chars = [...line];
  return chars.length <= PREVIEW_CHARS
    ? line
    : `${chars
        .slice(0, PREVIEW_CHARS - 1)
        .join("")
        .trimEnd()}…`;
}

/** The conversation a first message opens (not yet stored). */
function opened(op: Op, accountSid: string, context: Opening, message: InboundMessage): ConversationRow {
  const request: TaskRequest = {
    workflowSid: context.workflowSid,
    taskChannel: context.taskChannel,
    attributes: JSON.stringify(flexAttributes(op.sid, context, message)),
    ...(context.region ? { region: context.region } : {}),
  };
  return {
    sid: op.sid,
    account_sid: accountSid,
    workspace_sid: context.workspaceSid,
    // Named after the customer: their name as typed (masked), else their address as it is.
    friendly_name: typedName(message.customerName) ?? message.customerAddress,
    unique_name: null,
    attributes: JSON.stringify(redactDeep(message.conversationAttributes ?? {})),
    state: "active",
    channel: message.channel,
    channel_sid: context.channelSid,
    task_sid: null,
    date_created: op.now,
    date_updated: op.now,
    version: 0,
    profile_sid: context.customer.profileSid,
    last_worker_sid: context.customer.lastWorkerSid,
    task_request: JSON.stringify(request),
    // A conversation opened for a call gets the call's task when the call starts (calls.ts), not a chat task.
    task_pending: message.opensCall ? 0 : 1,
    task_attempts: 0,
    task_error: null,
    survey_question: context.surveyQuestion ?? null,
    survey: null,
  };
}

/**
 * What the channel said with a later message (an ad the customer came back from, say), merged key by
 * key into the conversation's attributes — left as they are when the API set them to something other
 * than an object — and into the request its next tasks are made from; the sockets are told.
 */
function addContext(op: Op, conversation: ConversationRow, context: Readonly<Record<string, unknown>>): ConversationRow {
  const extra = redactDeep({ ...context });
  const attributes = JSON.parse(conversation.attributes) as unknown;
  let taskRequest = conversation.task_request;
  if (taskRequest !== null) {
    const request = JSON.parse(taskRequest) as TaskRequest;
    taskRequest = JSON.stringify({ ...request, attributes: JSON.stringify({ ...JSON.parse(request.attributes), ...extra }) });
  }
  const saved = saveConversation(op.host, {
    ...conversation,
    attributes: isRecord(attributes) ? JSON.stringify({ ...attributes, ...extra }) : conversation.attributes,
    task_request: taskRequest,
  });
  op.effects.frames.push({ type: "conversation.updated", conversation: conversationRecord(saved) });
  return saved;
}

/** The customer's message as the conversation stores it (`marks`: attributes of ours beside the channel's). */
const customerMessage = (message: InboundMessage, participantSid: string | null, marks: Record<string, unknown> = {}): AddMessageInput => ({
  author: message.customerAddress,
  body: message.body,
  media: message.media,
  attributes: JSON.stringify({ ...message.attributes, ...marks }),
  participantSid,
  dateCreated: message.sentAt,
});

/** Stores one inbound message (in the caller's transaction). */
export function receive(op: Op, accountSid: string, context: InboundContext, message: InboundMessage): ApiResult<Received> {
  const key = `inbound:${message.providerMessageId}`;
  let conversation = conversationRow(op.host);
  if (conversation && conversation.account_sid !== accountSid) return notFound("Conversation", op.sid);
  if (conversation) {
    const earlier = keyedMessage(op, key);
    if (earlier) return ok({ messageSid: earlier.sid, duplicate: true, created: false });
    if (conversation.state === "closed") {
      if (context.surveyAnswer) return answerByMessage(op, conversation, context.surveyAnswer, message, key);
      return conflict(`Conversation ${op.sid} is closed; the customer's next message opens a new one`);
    }
  }

  let created = false;
  if (!conversation) {
    // Only a caller that knows the customer opens one; a session's conversation that is not there is a 404.
    if (context.customer === undefined) return notFound("Conversation", op.sid);
    const blocked = cannotCreate(op, context.workspaceSid);
    if (!blocked.ok) return blocked;
    const web = message.channel === "web";
    storeConversation(
      op,
      opened(op, accountSid, { ...context, customer: context.customer }, message),
      web ? null : { address: message.customerAddress, proxyAddress: message.proxyAddress },
    );
    if (context.register) saveRegistration(op.host, JSON.stringify(context.register));
    conversation = conversationRow(op.host)!;
    created = true;
    op.effects.createTask = !message.opensCall;
  }
  // A flow holds the customer's messages (lifecycle/flows.ts): no routing while it runs.
  const toFlow = !created && inFlow(op);
  if (toFlow) {
    // Queued for the execution below, once the message is stored.
  } else if (!created && conversation.state === "inactive") {
    // The customer writes again after the agent wrapped up: the conversation is live again and needs
    // someone, so it is routed anew (the wrapping task ending later no longer closes it: it is not
    // the conversation's task any more).
    conversation = moveTo(op, conversation, "active");
    const routed = message.opensCall ? 0 : 1;
    conversation = saveConversation(op.host, { ...conversation, task_sid: null, task_pending: routed, task_attempts: 0, task_error: null });
    op.effects.createTask = routed === 1;
  }
  if (!created && message.conversationAttributes && Object.keys(message.conversationAttributes).length > 0) {
    conversation = addContext(op, conversation, message.conversationAttributes);
  }

  let customer = customerParticipant(op);
  if (!customer) {
    const web = message.channel === "web";
    const joined = insertParticipant(op, conversation, {
      identity: web ? message.customerAddress : null,
      messagingBinding: web ? null : { address: message.customerAddress, proxyAddress: message.proxyAddress },
      role: "customer",
      displayName: typedName(message.customerName),
    });
    if (!joined.ok) return joined;
    customer = customerParticipant(op);
  }

  // A location, a postback or a sticker may come without text: what it carries is in the attributes.
  const stored = insertMessage(op, conversation, customerMessage(message, customer?.sid ?? null), key, false);
  if (!stored.ok) return stored;
  // A channel's flow runs before any agent; a flow already running gets the message (lifecycle/flows.ts).
  conversation = conversationRow(op.host)!;
  if (created && context.flowSid && !message.opensCall) openInFlow(op, conversation, context.flowSid, message, stored.value.sid);
  else if (toFlow) queueForFlow(op, conversation, message, stored.value.sid);
  // Keep the conversation's "last activity" current for the directory's list.
  conversation = conversationRow(op.host)!;
  saveConversation(op.host, { ...conversation, date_updated: op.now });
  op.effects.touch = true;
  return ok({ messageSid: stored.value.sid, duplicate: false, created });
}

/**
 * The customer's reply to the survey of this closed conversation (the directory routed it here): kept in
 * the transcript and recorded as the answer; a 409 when the survey no longer takes one, so the caller
 * opens a new conversation with the message instead.
 */
function answerByMessage(
  op: Op,
  conversation: ConversationRow,
  answer: SurveyAnswer,
  message: InboundMessage,
  key: string,
): ApiResult<Received> {
  const open = surveyOpen(op, conversation);
  if (!open.ok) return open;
  const stored = insertMessage(
    op,
    conversation,
    customerMessage(message, customerParticipant(op)?.sid ?? null, { survey: "answer" }),
    key,
    false,
    true,
  );
  if (!stored.ok) return stored;
  recordAnswer(op, conversationRow(op.host)!, open.value, answer);
  return ok({ messageSid: stored.value.sid, duplicate: false, created: false });
}
