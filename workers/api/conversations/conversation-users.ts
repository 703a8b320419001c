/**
 * Conversations v1 Users of a chat service (`/Users`, and twins under `/Services/IS…`): create (Identity,
 * unique), list, fetch and update (by US SID or identity), delete — held by the workspace's DirectoryDO.
 * And each user's conversations (`/Users/{User}/Conversations`): the conversations a participant with the
 * user's identity is in, with the unread count, read from each ConversationDO; updating one sets the
 * participant's last read index, deleting one takes the participant out of the conversation.
 *
 * A user is Twilio's chat identity, not an agent: agents are TaskRouter workers. Accepted and ignored:
 * NotificationLevel (every user conversation reports `default`), LastReadTimestamp and the
 * X-Twilio-Webhook-Enabled header (user events are not sent). RoleSid is stored as given.
 */
import type { ConversationUserRecord } from "../../../durable-objects/common/conversation-users";
import type { MembershipView } from "../../../durable-objects/conversation/lifecycle/participants";
import { int, oneOf, paging, sid, str } from "../taskrouter/params";
import { pageBody, pageRequest, unwrap } from "../taskrouter/wire";
import {
  actionSource,
  conversationRef,
  conversationUrl,
  requestWorkspace,
  mountScoped,
  routeGroup,
  scoped,
  serviceBase,
  type ConversationsContext,
} from "./context";
import { resourceRoutes } from "../taskrouter/context";
import { attributesParam } from "./conversations";
import { conversationFor, directoryFor } from "../../../platform/objects";

export const routes = routeGroup();

/** A user as Twilio returns it: the record plus `url` and `links`. */
function userBody(c: ConversationsContext, record: ConversationUserRecord) {
  const url = `${serviceBase(c)}/Users/${record.sid}`;
  return { ...record, url, links: { user_conversations: `${url}/Conversations` } };
}

const identity = str({ min: 1, max: 256 });
const friendlyName = str({ max: 256 });
const roleSid = sid("RL");

/** The request's chat service's directory, which keeps its users. */
const directory = async (c: ConversationsContext) => directoryFor(c.env, await requestWorkspace(c));

resourceRoutes(routes, {
  mount: mountScoped,
  path: "/Users",
  tag: "Users",
  listKey: "users",
  body: userBody,
  create: {
    summary: "Create a Conversations user (Identity unique in the chat service; RoleSid stored as given)",
    params: {
      Identity: identity,
      FriendlyName: friendlyName.optional(),
      Attributes: attributesParam.optional(),
      RoleSid: roleSid.optional(),
    },
    run: async (c, p) =>
      (await directory(c)).createUser(c.get("accountSid"), {
        identity: p.Identity,
        friendlyName: p.FriendlyName,
        attributes: p.Attributes,
        roleSid: p.RoleSid,
      }),
  },
  list: {
    summary: "List the chat service's users, oldest first",
    params: paging,
    run: async (c, _p, page) => (await directory(c)).listUsers(c.get("accountSid"), page),
  },
  fetch: { summary: "Fetch a user by SID or identity", run: async (c, sid) => (await directory(c)).getUser(c.get("accountSid"), sid) },
  update: {
    summary: "Update a user's friendly name, attributes or role (the identity cannot change)",
    params: { FriendlyName: friendlyName.optional(), Attributes: attributesParam.optional(), RoleSid: roleSid.optional() },
    run: async (c, sid, p) =>
      (await directory(c)).updateUser(c.get("accountSid"), sid, {
        friendlyName: p.FriendlyName,
        attributes: p.Attributes,
        roleSid: p.RoleSid,
      }),
  },
  remove: { summary: "Delete a user", run: async (c, sid) => (await directory(c)).deleteUser(c.get("accountSid"), sid) },
});

// ── the user's conversations ─────────────────────────────────────────────────────────────────────

/** The path's user, read from the request's chat service. */
async function pathUser(c: ConversationsContext) {
  const workspaceSid = await requestWorkspace(c);
  const user = unwrap(await directoryFor(c.env, workspaceSid).getUser(c.get("accountSid"), c.req.param("UserSid") ?? ""));
  return { workspaceSid, user };
}

/** A user conversation as Twilio returns it. */
function userConversationBody(c: ConversationsContext, user: ConversationUserRecord, view: MembershipView) {
  const { conversation, participant, lastMessageIndex } = view;
  const read = participant.last_read_message_index;
  const unread = lastMessageIndex === null ? 0 : read === null ? lastMessageIndex + 1 : Math.max(0, lastMessageIndex - read);
  const conversationUrlOf = conversationUrl(c, conversation.sid);
  return {
    account_sid: conversation.account_sid,
    chat_service_sid: conversation.chat_service_sid,
    conversation_sid: conversation.sid,
    unread_messages_count: unread,
    last_read_message_index: read,
    participant_sid: participant.sid,
    user_sid: user.sid,
    friendly_name: conversation.friendly_name,
    conversation_state: conversation.state,
    timers: conversation.timers,
    attributes: conversation.attributes,
    date_created: conversation.date_created,
    date_updated: conversation.date_updated,
    created_by: null,
    notification_level: "default",
    unique_name: conversation.unique_name,
    url: `${serviceBase(c)}/Users/${user.sid}/Conversations/${conversation.sid}`,
    links: { participant: `${conversationUrlOf}/Participants/${participant.sid}`, conversation: conversationUrlOf },
  };
}

/** The user's participation in the path's conversation: 404 when the user is not in it. */
async function pathMembership(c: ConversationsContext) {
  const { user } = await pathUser(c);
  const ref = await conversationRef(c, "ConversationSid");
  const view = unwrap(await conversationFor(c.env, ref.sid).membership(c.get("accountSid"), user.identity));
  return { user, ref, view };
}

scoped(
  routes,
  {
    method: "get",
    path: "/Users/:UserSid/Conversations",
    tag: "Users",
    summary: "List the conversations the user is a participant of (by identity), with unread counts",
    listKey: "conversations",
    params: paging,
  },
  async (c, p) => {
    const { workspaceSid, user } = await pathUser(c);
    const accountSid = c.get("accountSid");
    const page = pageRequest(p);
    const found = unwrap(await directoryFor(c.env, workspaceSid).memberships(accountSid, { identity: user.identity }, page));
    const views = await Promise.all(
      found.items.map((m) => conversationFor(c.env, m.conversationSid).membership(accountSid, m.participantSid)),
    );
    // A conversation deleted or left between the two reads is left out rather than failing the page.
    const items = views.flatMap((result) => (result.ok ? [result.value] : []));
    return c.json(pageBody(c, "conversations", { ...found, items }, page, (view) => userConversationBody(c, user, view)));
  },
);

scoped(
  routes,
  {
    method: "get",
    path: "/Users/:UserSid/Conversations/:ConversationSid",
    tag: "Users",
    summary: "Fetch one of the user's conversations (by CH SID or unique name)",
    params: {},
  },
  async (c) => {
    const { user, view } = await pathMembership(c);
    return c.json(userConversationBody(c, user, view));
  },
);

scoped(
  routes,
  {
    method: "post",
    path: "/Users/:UserSid/Conversations/:ConversationSid",
    tag: "Users",
    summary: "Set the user's last read message index in a conversation (NotificationLevel and LastReadTimestamp are accepted and ignored)",
    params: {
      LastReadMessageIndex: int(0, 2_147_483_647).optional(),
      LastReadTimestamp: str({ max: 64 }).optional(),
      NotificationLevel: oneOf(["default", "muted"]).optional(),
    },
  },
  async (c, p) => {
    const { user, ref, view } = await pathMembership(c);
    if (p.LastReadMessageIndex === undefined) return c.json(userConversationBody(c, user, view));
    const accountSid = c.get("accountSid");
    const stub = conversationFor(c.env, ref.sid);
    unwrap(
      await stub.updateParticipant(accountSid, view.participant.sid, { lastReadMessageIndex: p.LastReadMessageIndex }, actionSource(c)),
    );
    return c.json(userConversationBody(c, user, unwrap(await stub.membership(accountSid, view.participant.sid))));
  },
);

scoped(
  routes,
  {
    method: "delete",
    path: "/Users/:UserSid/Conversations/:ConversationSid",
    tag: "Users",
    summary: "Take the user out of a conversation (removes their participant)",
    params: {},
  },
  async (c) => {
    const { ref, view } = await pathMembership(c);
    unwrap(await conversationFor(c.env, ref.sid).removeParticipant(c.get("accountSid"), view.participant.sid, actionSource(c)));
    return c.body(null, 204);
  },
);
