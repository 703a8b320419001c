/**
 * Conversations v1 delivery receipts of a message: list and fetch. A message written to a customer on
 * SMS, WhatsApp, Messenger, email … has one recipient, the customer's channel, so it has at most one
 * receipt (`DY…`), made from the delivery the ConversationDO tracks: the provider's message ID, the
 * status (sent, delivered, read, failed, undelivered) and its error code. A message still queued, and a
 * message that stays in the conversation (the customer's own, or one to chat participants only), has none.
 */
import type { DeliveryReceiptRecord } from "../../../contract/conversations";
import { paging } from "../taskrouter/params";
import { conversationUrl, mountScoped, pathConversation, routeGroup, type ConversationsContext } from "./context";
import { resourceRoutes } from "../taskrouter/context";

export const routes = routeGroup();

/** A receipt as Twilio returns it: the record plus its `url` (under the message as the record names it). */
const receiptBody = (c: ConversationsContext, record: DeliveryReceiptRecord) => ({
  ...record,
  url: `${conversationUrl(c, record.conversation_sid)}/Messages/${record.message_sid}/Receipts/${record.sid}`,
});

const messageSid = (c: ConversationsContext) => c.req.param("MessageSid") ?? "";

resourceRoutes(routes, {
  mount: mountScoped,
  path: "/Conversations/:ConversationSid/Messages/:MessageSid/Receipts",
  tag: "Messages",
  listKey: "delivery_receipts",
  body: receiptBody,
  list: {
    summary: "List a message's delivery receipts (one, the customer channel's, once it was sent; none for a message not delivered)",
    params: paging,
    run: async (c, _p, page) => (await pathConversation(c)).listReceipts(c.get("accountSid"), messageSid(c), page),
  },
  fetch: {
    summary: "Fetch a message's delivery receipt",
    run: async (c, sid) => (await pathConversation(c)).getReceipt(c.get("accountSid"), messageSid(c), sid),
  },
});
