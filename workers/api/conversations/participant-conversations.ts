/**
 * Conversations v1 ParticipantConversations (`GET /ParticipantConversations?Identity=…|Address=…`, and
 * the chat service twin): every conversation of the service a chat identity or a messaging binding's
 * address is a participant of, oldest first — found in the workspace's DirectoryDO (which learns who is
 * in which conversation with each conversation's index entry), each then read from its ConversationDO.
 */
import type { MembershipView } from "../../../durable-objects/conversation/lifecycle/participants";
import { ApiError } from "../../http/errors";
import { paging, str } from "../taskrouter/params";
import { pageBody, pageRequest, unwrap } from "../taskrouter/wire";
import { conversationUrl, requestWorkspace, routeGroup, scoped, type ConversationsContext } from "./context";
import { conversationFor, directoryFor } from "../../../platform/objects";

export const routes = routeGroup();

/** A participant conversation as Twilio returns it. */
function participantConversationBody(c: ConversationsContext, userSid: string | null, view: MembershipView) {
  const { conversation, participant } = view;
  const url = conversationUrl(c, conversation.sid);
  return {
    account_sid: conversation.account_sid,
    chat_service_sid: conversation.chat_service_sid,
    participant_sid: participant.sid,
    participant_user_sid: userSid,
    participant_identity: participant.identity,
    participant_messaging_binding: participant.messaging_binding,
    conversation_sid: conversation.sid,
    conversation_unique_name: conversation.unique_name,
    conversation_friendly_name: conversation.friendly_name,
    conversation_attributes: conversation.attributes,
    conversation_date_created: conversation.date_created,
    conversation_date_updated: conversation.date_updated,
    conversation_created_by: null,
    conversation_state: conversation.state,
    conversation_timers: conversation.timers,
    links: { participant: `${url}/Participants/${participant.sid}`, conversation: url },
  };
}

scoped(
  routes,
  {
    method: "get",
    path: "/ParticipantConversations",
    tag: "Participants",
    summary: "List the conversations a participant is in, by chat Identity or by a messaging binding's Address (one of the two)",
    listKey: "conversations",
    params: { ...paging, Identity: str({ min: 1, max: 256 }).optional(), Address: str({ min: 1, max: 256 }).optional() },
  },
  async (c, p) => {
    if (p.Identity === undefined && p.Address === undefined)
      throw new ApiError(400, 20001, "Missing required parameter Identity (or Address)");
    if (p.Identity !== undefined && p.Address !== undefined)
      throw new ApiError(400, 20001, "Invalid parameter Identity: give either Identity or Address, not both");
    const workspaceSid = await requestWorkspace(c);
    const accountSid = c.get("accountSid");
    const directory = directoryFor(c.env, workspaceSid);
    const page = pageRequest(p);
    const query = p.Identity !== undefined ? { identity: p.Identity } : { address: p.Address! };
    const [found, user] = await Promise.all([
      directory.memberships(accountSid, query, page),
      p.Identity !== undefined ? directory.getUser(accountSid, p.Identity) : null,
    ]);
    const memberships = unwrap(found);
    const userSid = user?.ok ? user.value.sid : null;
    const views = await Promise.all(
      memberships.items.map((m) => conversationFor(c.env, m.conversationSid).membership(accountSid, m.participantSid)),
    );
    // A conversation deleted or left between the two reads is left out rather than failing the page.
    const items = views.flatMap((result) => (result.ok ? [result.value] : []));
    return c.json(pageBody(c, "conversations", { ...memberships, items }, page, (view) => participantConversationBody(c, userSid, view)));
  },
);
