/**
 * Conversations v1 Conversations: create (a new ConversationDO, named by the CH SID minted here), fetch,
 * update and delete (by CH SID or unique name), and list (the workspace's DirectoryDO index, each record
 * then read from its ConversationDO so a listed conversation equals what GET returns).
 *
 * Accepted but ignored, as there is nothing here for them to do: MessagingServiceSid, Timers.Inactive,
 * Timers.Closed, Bindings.Email.* and DateUpdated. State `initializing` is not supported (a conversation
 * is usable as soon as it exists). `X-Twilio-Webhook-Enabled: true` makes a change fire its webhooks.
 */
import { newSidBeside } from "../../../platform/jurisdictions";
import { z } from "zod";
import type { ConversationIndexEntry } from "../../../durable-objects/common/conversations";
import type { ConversationRecord, ConversationState } from "../../../contract/conversations";
import { ok, type ApiResult, type Page } from "../../../durable-objects/common/rpc";
import { date, oneOf, paging, str } from "../taskrouter/params";
import { unwrap } from "../taskrouter/wire";
import {
  actionSource,
  conversationRef,
  conversationUrl,
  requestWorkspace,
  mountScoped,
  routeGroup,
  type ConversationsContext,
} from "./context";
import { resourceRoutes } from "../taskrouter/context";
import { conversationFor, directoryFor } from "../../../platform/objects";

export const routes = routeGroup();

export const STATES = ["active", "inactive", "closed"] as const satisfies readonly ConversationState[];

/** A conversation as Twilio returns it: the record plus `url` and `links`. */
export function conversationBody(c: ConversationsContext, record: ConversationRecord) {
  const url = conversationUrl(c, record.sid);
  return {
    ...record,
    url,
    links: { participants: `${url}/Participants`, messages: `${url}/Messages`, webhooks: `${url}/Webhooks` },
  };
}

/** Twilio's Attributes: JSON text of an object, at most 16 KB (the ConversationDO masks card numbers in it). */
export const attributesParam = str({ max: 16_384 }).refine(
  (text) => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === "object" && value !== null && !Array.isArray(value);
    } catch {
      return false;
    }
  },
  { message: "must be a JSON object" },
);

/**
 * A date of Twilio's list filters: an ISO 8601 date-time, or a bare day — taken, for EndDate, as the
 * day's last millisecond, so `EndDate=2026-01-31` includes conversations created that day.
 */
function endOfDay() {
  return str().transform((text, ctx) => {
    const parsed = date().safeParse(text);
    if (parsed.success) return /^\d{4}-\d{2}-\d{2}$/.test(text) ? parsed.data + 86_399_999 : parsed.data;
    ctx.addIssue({ code: "custom", message: parsed.error.issues[0]!.message });
    return z.NEVER;
  });
}

export const friendlyName = str({ max: 256 });
/** A unique name may not look like a conversation SID, or a path could mean either. */
export const uniqueName = str({ max: 256 }).refine((v) => !/^CH[0-9a-fA-F]{32}$/.test(v), { message: "must not be a conversation SID" });
const ignored = {
  MessagingServiceSid: str({ max: 34 }).optional(),
  DateUpdated: date().optional(),
  "Timers.Inactive": str({ max: 64 }).optional(),
  "Timers.Closed": str({ max: 64 }).optional(),
  "Bindings.Email.Address": str({ max: 256 }).optional(),
  "Bindings.Email.Name": str({ max: 256 }).optional(),
};

/** What a create or an update may give. */
const fields = {
  FriendlyName: friendlyName.optional(),
  UniqueName: uniqueName.optional(),
  Attributes: attributesParam.optional(),
  State: oneOf(STATES).optional(),
  DateCreated: date().optional(),
  ...ignored,
};

/** The path's conversation (`:Sid`, by CH SID or unique name). */
const thisConversation = async (c: ConversationsContext) => {
  const ref = await conversationRef(c, "Sid");
  return { ref, stub: conversationFor(c.env, ref.sid) };
};

resourceRoutes(routes, {
  mount: mountScoped,
  path: "/Conversations",
  tag: "Conversations",
  listKey: "conversations",
  body: conversationBody,
  create: {
    summary: "Create a conversation (MessagingServiceSid, Timers.* and Bindings.* are accepted and ignored)",
    params: fields,
    run: async (c, p) => {
      const workspaceSid = await requestWorkspace(c);
      return conversationFor(c.env, newSidBeside("CH", workspaceSid)).create(
        c.get("accountSid"),
        {
          workspaceSid,
          friendlyName: p.FriendlyName,
          uniqueName: p.UniqueName,
          attributes: p.Attributes,
          state: p.State,
          dateCreated: p.DateCreated,
        },
        actionSource(c),
      );
    },
  },
  list: {
    summary: "List conversations, oldest first (newest first with StartDate/EndDate, a range of creation dates, both days included)",
    params: { ...paging, State: oneOf(STATES).optional(), StartDate: date().optional(), EndDate: endOfDay().optional() },
    run: async (c, p, page) => {
      const workspaceSid = await requestWorkspace(c);
      const accountSid = c.get("accountSid");
      const entries = unwrap<Page<ConversationIndexEntry>>(
        await directoryFor(c.env, workspaceSid).list(accountSid, page, { state: p.State, startDate: p.StartDate, endDate: p.EndDate }),
      );
      const records: ApiResult<ConversationRecord>[] = await Promise.all(
        entries.items.map((entry) => conversationFor(c.env, entry.sid).getConversation(accountSid)),
      );
      // A conversation deleted between the two reads is left out rather than failing the page.
      return ok({ ...entries, items: records.flatMap((result) => (result.ok ? [result.value] : [])) });
    },
  },
  fetch: {
    summary: "Fetch a conversation by SID or unique name",
    run: async (c) => {
      const { ref, stub } = await thisConversation(c);
      return ref.record ? ok(ref.record) : stub.getConversation(c.get("accountSid"));
    },
  },
  update: {
    summary: "Update a conversation's friendly name, unique name, attributes or state",
    params: fields,
    run: async (c, _sid, p) =>
      (await thisConversation(c)).stub.updateConversation(
        c.get("accountSid"),
        {
          friendlyName: p.FriendlyName,
          // Twilio clears a unique name given as the empty string.
          uniqueName: p.UniqueName === undefined ? undefined : p.UniqueName === "" ? null : p.UniqueName,
          attributes: p.Attributes,
          state: p.State,
        },
        actionSource(c),
      ),
  },
  remove: {
    summary: "Delete a conversation, its participants and its messages",
    run: async (c) => (await thisConversation(c)).stub.deleteConversation(c.get("accountSid"), actionSource(c)),
  },
});
