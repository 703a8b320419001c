/**
 * Conversations v1 Messages of a conversation: send (Body and/or MediaSid — attachments already in R2,
 * uploaded by POST /api/conversations/{sid}/media — with Author and Attributes), list (Order asc|desc),
 * fetch (by IM SID or index), update (body, attributes) and delete. The ConversationDO masks card
 * numbers in the body and the attributes before it stores them. A message to a conversation whose customer
 * is on SMS, WhatsApp, email … is delivered by the ConversationDO; its state shows on `delivery_status`.
 *
 * Switchboard's extension: `Visibility=staff` sends an internal note — shown to agents and supervisors
 * (and listed here, marked `visibility: "staff"`), never delivered nor shown to the customer.
 *
 * Accepted but ignored: DateUpdated and Subject. ContentSid (content templates) is refused with a 400
 * rather than sending a message without its content. `X-Twilio-Webhook-Enabled: true` makes a change
 * fire its webhooks (the onMessageAdd pre-event may refuse or rewrite it).
 */
import type { MessageRecord } from "../../../contract/conversations";
import { isSid } from "../../../contract/ids";
import { ApiError } from "../../http/errors";
import { date, oneOf, paging, repeated, sid, str } from "../taskrouter/params";
import { unwrap } from "../taskrouter/wire";
import { actionSource, conversationUrl, mountScoped, pathConversation, routeGroup, type ConversationsContext } from "./context";
import { resourceRoutes } from "../taskrouter/context";
import { attributesParam } from "./conversations";
import type { conversationFor } from "../../../platform/objects";

export const routes = routeGroup();

/** A message as Twilio returns it: the record plus `url` and `links`. */
export function messageBody(c: ConversationsContext, record: MessageRecord) {
  const url = `${conversationUrl(c, record.conversation_sid)}/Messages/${record.sid}`;
  return { ...record, url, links: { delivery_receipts: `${url}/Receipts`, channel_metadata: `${url}/ChannelMetadata` } };
}

/** The path's message as an IM SID: an index is looked up first. */
async function messageSid(c: ConversationsContext, stub: ReturnType<typeof conversationFor>, value: string): Promise<string> {
  return isSid("IM", value) ? value : unwrap(await stub.getMessage(c.get("accountSid"), value)).sid;
}

/** Twilio's limit on a message body. */
const body = str({ max: 32_768 });
const MAX_MEDIA = 10;

resourceRoutes(routes, {
  mount: mountScoped,
  path: "/Conversations/:ConversationSid/Messages",
  tag: "Messages",
  listKey: "messages",
  body: messageBody,
  create: {
    summary: "Send a message (Body and/or MediaSid); delivered to the customer's channel when they are not on chat",
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
      Visibility: oneOf(["all", "staff"])
        .optional()
        .describe("Switchboard's extension: staff sends an internal note the customer never sees (default all)"),
    },
    run: async (c, p) => {
      if (p.ContentSid !== undefined) throw new ApiError(400, 20001, "Invalid parameter ContentSid: content templates are not supported");
      const mediaSids = p.MediaSid ?? [];
      if ((p.Body === undefined || p.Body === "") && mediaSids.length === 0) {
        throw new ApiError(400, 20001, "Missing required parameter Body (or MediaSid)");
      }
      if (mediaSids.length > MAX_MEDIA) throw new ApiError(400, 20001, `Invalid parameter MediaSid: at most ${MAX_MEDIA} per message`);
      const stub = await pathConversation(c);
      // The ConversationDO resolves MediaSid to the workspace's stored attachments (400 naming an unknown one).
      const input = {
        author: p.Author,
        body: p.Body,
        attributes: p.Attributes,
        mediaSids,
        dateCreated: p.DateCreated,
        visibility: p.Visibility,
      };
      return stub.addMessage(c.get("accountSid"), input, actionSource(c));
    },
  },
  list: {
    summary: "List a conversation's messages by index (Order asc, the default, or desc)",
    params: { ...paging, Order: oneOf(["asc", "desc"]).optional() },
    run: async (c, p, page) => (await pathConversation(c)).listMessages(c.get("accountSid"), page, p.Order ?? "asc"),
  },
  fetch: {
    summary: "Fetch a message by SID or index",
    run: async (c, sid) => (await pathConversation(c)).getMessage(c.get("accountSid"), sid),
  },
  update: {
    summary: "Update a message's body or attributes (Author cannot change)",
    params: {
      Body: body.optional(),
      Attributes: attributesParam.optional(),
      Author: str({ max: 256 }).optional(),
      DateCreated: date().optional(),
      DateUpdated: date().optional(),
      Subject: str({ max: 256 }).optional(),
    },
    run: async (c, sid, p) => {
      if (p.Author !== undefined) throw new ApiError(400, 20001, "Invalid parameter Author: a message's author cannot be changed");
      const stub = await pathConversation(c);
      return stub.updateMessage(
        c.get("accountSid"),
        await messageSid(c, stub, sid),
        { body: p.Body, attributes: p.Attributes },
        actionSource(c),
      );
    },
  },
  remove: {
    summary: "Delete a message",
    run: async (c, sid) => {
      const stub = await pathConversation(c);
      return stub.removeMessage(c.get("accountSid"), await messageSid(c, stub, sid), actionSource(c));
    },
  },
});
