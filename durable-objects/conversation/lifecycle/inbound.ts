/**
 * A customer's message arriving from a channel (already verified, parsed and redacted by the Worker;
 * redacted here again, as the last door before storage). Idempotent by the provider's message ID: a
 * second delivery of the same webhook answers the first message's SID and changes nothing.
 *
 * The first message creates the conversation: state active, the customer as participant (a chat
 * identity for web visitors, a messaging binding otherwise), and a "task pending" marker with the
 * Flex-style task request, which the shell sends to the Router after the commit (tasks.ts).
 */
import { notFound, ok, type ApiResult } from "../../common/taskrouter";
import { redactCardNumbers, redactDeep } from "../../common/card-numbers";
import type { InboundContext, InboundMessage } from "../../common/conversations";
import { conversationRow, saveConversation, type ConversationRow, type TaskRequest } from "../store/records";
import { cannotCreate, moveTo, storeConversation } from "./conversation";
import { insertMessage, keyedMessage } from "./messages";
import { conflict, type Op } from "./op";
import { customerParticipant, insertParticipant } from "./participants";

export interface Received {
  readonly messageSid: string;
  readonly duplicate: boolean;
  readonly created: boolean;
}

/**
 * The attributes of a conversation's task, as Flex writes them: who the customer is, what they wrote
 * before and who helped them last (for known-agent routing), all with card numbers masked.
 * @example flexAttributes("CH…", context, message).channelType // "sms"
 */
export function flexAttributes(conversationSid: string, context: InboundContext, message: InboundMessage): Record<string, unknown> {
  const { customer } = context;
  const attributes: Record<string, unknown> = {
    conversationSid,
    channelType: message.channel,
    channelSid: context.channelSid,
    from: message.customerAddress,
    name: message.customerName ?? customer.name ?? message.customerAddress,
    customerName: message.customerName ?? customer.name,
    direction: "inbound",
    customers: {
      profile_sid: customer.profileSid,
      name: customer.name ?? message.customerName,
      email: customer.email,
      phone: customer.phone,
      last_worker_sid: customer.lastWorkerSid,
    },
    history: customer.history.map((h) => ({
      conversation_sid: h.conversationSid,
      channel: h.channel,
      date_created: h.dateCreated,
      worker_sid: h.workerSid,
    })),
  };
  if (customer.lastWorkerSid) attributes.known_worker_sid = customer.lastWorkerSid;
  return redactDeep(attributes);
}

/** The conversation a first message opens (not yet stored). */
function opened(op: Op, accountSid: string, context: InboundContext, message: InboundMessage): ConversationRow {
  const request: TaskRequest = {
    workflowSid: context.workflowSid,
    taskChannel: context.taskChannel,
    attributes: JSON.stringify(flexAttributes(op.sid, context, message)),
  };
  return {
    sid: op.sid,
    account_sid: accountSid,
    workspace_sid: context.workspaceSid,
    friendly_name: redactCardNumbers(message.customerName ?? message.customerAddress),
    unique_name: null,
    attributes: "{}",
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
    task_pending: 1,
    task_attempts: 0,
    task_error: null,
  };
}

/** Stores one inbound message (in the caller's transaction). */
export function receive(op: Op, accountSid: string, context: InboundContext, message: InboundMessage): ApiResult<Received> {
  const key = `inbound:${message.providerMessageId}`;
  let conversation = conversationRow(op.host);
  if (conversation && conversation.account_sid !== accountSid) return notFound("Conversation", op.sid);
  if (conversation) {
    const earlier = keyedMessage(op, key);
    if (earlier) return ok({ messageSid: earlier.sid, duplicate: true, created: false });
    if (conversation.state === "closed") return conflict(`Conversation ${op.sid} is closed; the customer's next message opens a new one`);
  }

  let created = false;
  if (!conversation) {
    const blocked = cannotCreate(op);
    if (!blocked.ok) return blocked;
    const web = message.channel === "web";
    storeConversation(
      op,
      opened(op, accountSid, context, message),
      web ? null : { address: message.customerAddress, proxyAddress: message.proxyAddress },
    );
    conversation = conversationRow(op.host)!;
    created = true;
    op.effects.createTask = true;
  } else if (conversation.state === "inactive") {
    // The customer writes again after the agent wrapped up: the conversation is live again and needs
    // someone, so it is routed anew (the wrapping task ending later no longer closes it: it is not
    // the conversation's task any more).
    conversation = moveTo(op, conversation, "active");
    conversation = saveConversation(op.host, { ...conversation, task_sid: null, task_pending: 1, task_attempts: 0, task_error: null });
    op.effects.createTask = true;
  }

  let customer = customerParticipant(op);
  if (!customer) {
    const web = message.channel === "web";
    const joined = insertParticipant(op, conversation, {
      identity: web ? message.customerAddress : null,
      messagingBinding: web ? null : { address: message.customerAddress, proxyAddress: message.proxyAddress },
      role: "customer",
      displayName: message.customerName,
    });
    if (!joined.ok) return joined;
    customer = customerParticipant(op);
  }

  const stored = insertMessage(
    op,
    conversation,
    {
      author: message.customerAddress,
      body: message.body,
      media: message.media,
      attributes: JSON.stringify(message.attributes),
      participantSid: customer?.sid ?? null,
      dateCreated: message.sentAt,
    },
    key,
    // A location, a postback or a sticker may come without text: what it carries is in the attributes.
    false,
  );
  if (!stored.ok) return stored;
  // Keep the conversation's "last activity" current for the directory's list.
  conversation = conversationRow(op.host)!;
  saveConversation(op.host, { ...conversation, date_updated: op.now });
  op.effects.touch = true;
  return ok({ messageSid: stored.value.sid, duplicate: false, created });
}
