/**
 * Conversations v1 Participants of a conversation: add (a chat participant by Identity, or an SMS-style
 * one by MessagingBinding.Address and .ProxyAddress — Twilio's two kinds), list, fetch (by MB SID or
 * identity), update (attributes, last read index) and remove. All answered by the ConversationDO.
 *
 * Accepted but ignored: RoleSid, DateCreated, DateUpdated, LastReadTimestamp and
 * MessagingBinding.ProjectedAddress. `X-Twilio-Webhook-Enabled: true` makes a change fire its webhooks.
 */
import type { ParticipantRecord } from "../../../contract/conversations";
import { isSid } from "../../../contract/ids";
import { ApiError } from "../../http/errors";
import { date, int, paging, str } from "../taskrouter/params";
import { unwrap } from "../taskrouter/wire";
import { actionSource, conversationUrl, mountScoped, pathConversation, routeGroup, type ConversationsContext } from "./context";
import { resourceRoutes } from "../taskrouter/context";
import { attributesParam } from "./conversations";
import type { conversationFor } from "../../../platform/objects";

export const routes = routeGroup();

/** The path's participant as an MB SID: an identity is looked up first. */
async function participantSid(c: ConversationsContext, stub: ReturnType<typeof conversationFor>, value: string): Promise<string> {
  return isSid("MB", value) ? value : unwrap(await stub.getParticipant(c.get("accountSid"), value)).sid;
}

/** A participant as Twilio returns it: the record plus its `url`. */
export const participantBody = (c: ConversationsContext, record: ParticipantRecord) => ({
  ...record,
  url: `${conversationUrl(c, record.conversation_sid)}/Participants/${record.sid}`,
});

const address = str({ min: 1, max: 256 });
const ignored = {
  RoleSid: str({ max: 34 }).optional(),
  DateCreated: date().optional(),
  DateUpdated: date().optional(),
  "MessagingBinding.ProjectedAddress": str({ max: 256 }).optional(),
};

resourceRoutes(routes, {
  mount: mountScoped,
  path: "/Conversations/:ConversationSid/Participants",
  tag: "Participants",
  listKey: "participants",
  body: participantBody,
  create: {
    summary: "Add a chat participant (Identity) or an SMS-style one (MessagingBinding.Address and MessagingBinding.ProxyAddress)",
    params: {
      Identity: str({ min: 1, max: 256 }).optional(),
      Attributes: attributesParam.optional(),
      "MessagingBinding.Address": address.optional(),
      "MessagingBinding.ProxyAddress": address.optional(),
      ...ignored,
    },
    run: async (c, p) => {
      const identity = p.Identity;
      const customerAddress = p["MessagingBinding.Address"];
      const proxyAddress = p["MessagingBinding.ProxyAddress"];
      if (identity !== undefined && customerAddress !== undefined) {
        throw new ApiError(400, 20001, "Invalid parameter Identity: give either Identity or MessagingBinding.Address, not both");
      }
      if (identity === undefined && customerAddress === undefined) {
        throw new ApiError(400, 20001, "Missing required parameter Identity (or MessagingBinding.Address for an SMS-style participant)");
      }
      if (customerAddress !== undefined && proxyAddress === undefined) {
        throw new ApiError(400, 20001, "Missing required parameter MessagingBinding.ProxyAddress (our address the participant writes to)");
      }
      return (await pathConversation(c)).addParticipant(
        c.get("accountSid"),
        {
          identity: identity ?? null,
          attributes: p.Attributes,
          messagingBinding: customerAddress !== undefined ? { address: customerAddress, proxyAddress: proxyAddress! } : null,
          ...(customerAddress !== undefined ? { role: "customer" as const } : {}),
        },
        actionSource(c),
      );
    },
  },
  list: {
    summary: "List a conversation's participants",
    params: paging,
    run: async (c, _p, page) => (await pathConversation(c)).listParticipants(c.get("accountSid"), page),
  },
  fetch: {
    summary: "Fetch a participant by SID or identity",
    run: async (c, sid) => (await pathConversation(c)).getParticipant(c.get("accountSid"), sid),
  },
  update: {
    summary: "Update a participant's attributes or last read message index (Identity and the binding cannot change)",
    params: {
      Attributes: attributesParam.optional(),
      LastReadMessageIndex: int(0, 2_147_483_647).optional(),
      LastReadTimestamp: str({ max: 64 }).optional(),
      Identity: str({ max: 256 }).optional(),
      "MessagingBinding.ProxyAddress": address.optional(),
      ...ignored,
    },
    run: async (c, sid, p) => {
      if (p.Identity !== undefined)
        throw new ApiError(400, 20001, "Invalid parameter Identity: a participant's identity cannot be changed");
      if (p["MessagingBinding.ProxyAddress"] !== undefined) {
        throw new ApiError(400, 20001, "Invalid parameter MessagingBinding.ProxyAddress: a participant's binding cannot be changed");
      }
      const stub = await pathConversation(c);
      const input = { attributes: p.Attributes, lastReadMessageIndex: p.LastReadMessageIndex };
      return stub.updateParticipant(c.get("accountSid"), await participantSid(c, stub, sid), input, actionSource(c));
    },
  },
  remove: {
    summary: "Remove a participant from a conversation",
    run: async (c, sid) => {
      const stub = await pathConversation(c);
      return stub.removeParticipant(c.get("accountSid"), await participantSid(c, stub, sid), actionSource(c));
    },
  },
});
