/**
 * Conversations v1 Messages of a conversation: send (Body and/or MediaSid — attachments already in R2,
 * uploaded by POST /api/conversations/{sid}/media — with Author and Attributes), list (Order asc|desc),
 * fetch (by IM SID or index), update (body, attributes) and delete. The ConversationDO masks card
 * numbers in the body and the attributes before it stores them. A message to a conversation whose customer
 * is on SMS, WhatsApp, email … is delivered by the ConversationDO; its state shows on `delivery_status`.
 *
 * Accepted but ignored: DateUpdated and Subject. ContentSid (content templates) is refused with a 400
 * rather than sending a message without its content. `X-Twilio-Webhook-Enabled: true` makes a change
 * fire its webhooks (the onMessageAdd pre-event may refuse or rewrite it).
 */
import type { MessageRecord } from "../../../contract/conversations";
import { isSid } from "../../../contract/ids";
import { ApiError } from "../../http/errors";
import { date, oneOf, paging, repeated, sid, str } from "../taskrouter/params";
import { pageBody, pageRequest, unwrap } from "../taskrouter/wire";
import { actionSource, conversationRef, conversationUrl, routeGroup, scoped, type ConversationsContext } from "./context";
import { attributesParam } from "./conversations";
import { conversationFor } from "../../../platform/objects";

export const routes = routeGroup();

/** A message as Twilio returns it: the record plus `url` and `links`. */
export function messageBody(c: ConversationsContext, record: MessageRecord) {
  const url = `${conversationUrl(c, record.conversation_sid)}/Messages/${record.sid}`;
  return { ...record, url, links: { delivery_receipts: `${url}/Receipts`, channel_metadata: `${url}/ChannelMetadata` } };
}

const BASE = "/Conversations/:ConversationSid/Messages";
/** Twilio's limit on a message body. */
const body = str({ max: 32_768 });
const MAX_MEDIA = 10;

scoped(
  routes,
  {
    method: "post",
    path: BASE,
    tag: "Messages",
    summary: "Send a message (Body and/or MediaSid); delivered to the customer's channel when they are not on chat",
    status: 201,
    params: {
      Author: str({ max: 256 }).optional(),
      Body: body.optional(),
      Attributes: attributesParam.optional(),
      MediaSid: repeated(sid("ME")).optional(),
      DateCreated: date().optional(),
      DateUpdated: date().optional(),
      Subject: str({ max: 256 }).optional(),
      ContentSid: str({ max: 34 }).optional(),
      ContentVariables: str({ max: 16_384 }).optional(),
    },
  },
  async (c, p) => {
    if (p.ContentSid !== undefined) throw new ApiError(400, 20001, "Invalid parameter ContentSid: content templates are not supported");
    const mediaSids = p.MediaSid ?? [];
    if ((p.Body === undefined || p.Body === "") && mediaSids.length === 0) {
      throw new ApiError(400, 20001, "Missing required parameter Body (or MediaSid)");
    }
    if (mediaSids.length > MAX_MEDIA) throw new ApiError(400, 20001, `Invalid parameter MediaSid: at most ${MAX_MEDIA} per message`);
    const ref = await conversationRef(c, "ConversationSid");
    const stub = conversationFor(c.env, ref.sid);
    const record = unwrap(
      // The ConversationDO resolves MediaSid to the workspace's stored attachments (400 naming an unknown one).
      await stub.addMessage(
        c.get("accountSid"),
        {
          author: p.Author,
          body: p.Body,
          attributes: p.Attributes,
          mediaSids,
          dateCreated: p.DateCreated,
        },
        actionSource(c),
      ),
    );
    return c.json(messageBody(c, record), 201);
  },
);

scoped(
  routes,
  {
    method: "get",
    path: BASE,
    tag: "Messages",
    summary: "List a conversation's messages by index (Order asc, the default, or desc)",
    listKey: "messages",
    params: { ...paging, Order: oneOf(["asc", "desc"]).optional() },
  },
  async (c, p) => {
    const ref = await conversationRef(c, "ConversationSid");
    const page = pageRequest(p);
    const result = unwrap(await conversationFor(c.env, ref.sid).listMessages(c.get("accountSid"), page, p.Order ?? "asc"));
    return c.json(pageBody(c, "messages", result, page, (record) => messageBody(c, record)));
  },
);

scoped(
  routes,
  { method: "get", path: `${BASE}/:Sid`, tag: "Messages", summary: "Fetch a message by SID or index", params: {} },
  async (c) => {
    const ref = await conversationRef(c, "ConversationSid");
    const record = unwrap(await conversationFor(c.env, ref.sid).getMessage(c.get("accountSid"), c.req.param("Sid") ?? ""));
    return c.json(messageBody(c, record));
  },
);

scoped(
  routes,
  {
    method: "post",
    path: `${BASE}/:Sid`,
    tag: "Messages",
    summary: "Update a message's body or attributes (Author cannot change)",
    params: {
      Body: body.optional(),
      Attributes: attributesParam.optional(),
      Author: str({ max: 256 }).optional(),
      DateCreated: date().optional(),
      DateUpdated: date().optional(),
      Subject: str({ max: 256 }).optional(),
    },
  },
  async (c, p) => {
    if (p.Author !== undefined) throw new ApiError(400, 20001, "Invalid parameter Author: a message's author cannot be changed");
    const ref = await conversationRef(c, "ConversationSid");
    const stub = conversationFor(c.env, ref.sid);
    const record = unwrap(
      await stub.updateMessage(
        c.get("accountSid"),
        await messageSid(c, stub),
        {
          body: p.Body,
          attributes: p.Attributes,
        },
        actionSource(c),
      ),
    );
    return c.json(messageBody(c, record));
  },
);

scoped(routes, { method: "delete", path: `${BASE}/:Sid`, tag: "Messages", summary: "Delete a message", params: {} }, async (c) => {
  const ref = await conversationRef(c, "ConversationSid");
  const stub = conversationFor(c.env, ref.sid);
  unwrap(await stub.removeMessage(c.get("accountSid"), await messageSid(c, stub), actionSource(c)));
  return c.body(null, 204);
});

/** The path's message as an IM SID: an index is looked up first. */
async function messageSid(c: ConversationsContext, stub: ReturnType<typeof conversationFor>): Promise<string> {
  const value = c.req.param("Sid") ?? "";
  return isSid("IM", value) ? value : unwrap(await stub.getMessage(c.get("accountSid"), value)).sid;
}
