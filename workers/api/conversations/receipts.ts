/**
 * Conversations v1 delivery receipts of a message: list and fetch. A message written to a customer on
 * SMS, WhatsApp, Messenger, email … has one recipient, the customer's channel, so it has at most one
 * receipt (`DY…`), made from the delivery the ConversationDO tracks: the provider's message ID, the
 * status (sent, delivered, read, failed, undelivered) and its error code. A message still queued, and a
 * message that stays in the conversation (the customer's own, or one to chat participants only), has none.
 */
import type { DeliveryReceiptRecord } from "../../../contract/conversations";
import { paging } from "../taskrouter/params";
import { pageBody, pageRequest, unwrap } from "../taskrouter/wire";
import { conversationRef, conversationUrl, routeGroup, scoped, type ConversationsContext } from "./context";
import { conversationFor } from "../../../platform/objects";

export const routes = routeGroup();

const BASE = "/Conversations/:ConversationSid/Messages/:MessageSid/Receipts";

/** A receipt as Twilio returns it: the record plus its `url` (under the message as the record names it). */
const receiptBody = (c: ConversationsContext, record: DeliveryReceiptRecord) => ({
  ...record,
  url: `${conversationUrl(c, record.conversation_sid)}/Messages/${record.message_sid}/Receipts/${record.sid}`,
});

scoped(
  routes,
  {
    method: "get",
    path: BASE,
    tag: "Messages",
    summary: "List a message's delivery receipts (one, the customer channel's, once it was sent; none for a message not delivered)",
    listKey: "delivery_receipts",
    params: paging,
  },
  async (c, p) => {
    const ref = await conversationRef(c, "ConversationSid");
    const page = pageRequest(p);
    const result = unwrap(await conversationFor(c.env, ref.sid).listReceipts(c.get("accountSid"), c.req.param("MessageSid") ?? "", page));
    return c.json(pageBody(c, "delivery_receipts", result, page, (record) => receiptBody(c, record)));
  },
);

scoped(
  routes,
  { method: "get", path: `${BASE}/:Sid`, tag: "Messages", summary: "Fetch a message's delivery receipt", params: {} },
  async (c) => {
    const ref = await conversationRef(c, "ConversationSid");
    const record = unwrap(
      await conversationFor(c.env, ref.sid).getReceipt(c.get("accountSid"), c.req.param("MessageSid") ?? "", c.req.param("Sid") ?? ""),
    );
    return c.json(receiptBody(c, record));
  },
);
