/**
 * Pre-event webhooks, the pure part: which URLs a pre-event goes to (the chat service's and the account's
 * `PreWebhookUrl` when their `Filters` name it; conversation-scoped webhooks take post-events only), the
 * form parameters of each (the change about to happen, named as Twilio names them) and what an answer
 * may change. The shell makes the calls (callbacks/pre-event.ts) before the change and applies
 * the changes to its input, which the lifecycle then checks and redacts like any input.
 *
 * What an answer's JSON body may change (keys in Twilio's snake_case or the REST API's PascalCase):
 * | pre-event            | changes                                       |
 * | -------------------- | --------------------------------------------- |
 * | onMessageAdd         | body, author, attributes                      |
 * | onMessageUpdate      | body, attributes                              |
 * | onConversationAdd    | friendly_name, unique_name, attributes        |
 * | onConversationUpdate | friendly_name, unique_name, attributes, state |
 * | onParticipantAdd     | attributes                                    |
 * | onParticipantUpdate  | attributes                                    |
 * | on…Remove            | nothing (a 2xx lets it through)               |
 */
import type { ActionSource, PreEvent, WebhookConfigs, WebhookMethod } from "../../common/conversation-webhooks";
import type {
  MessageVisibility,
  ConversationRecord,
  ConversationState,
  MediaRef,
  MessageRecord,
  ParticipantRecord,
} from "../../../contract/conversations";
import type { FormParams } from "../../../callbacks/signature";
import { redactCardNumbers } from "../../common/card-numbers";
import { webhookForm as form } from "./webhook-form";

/** A change about to happen, with what the pre-event's parameters describe. */
export type PreEventCall =
  | {
      readonly type: "onConversationAdd";
      readonly chatServiceSid: string;
      readonly friendlyName?: string | null;
      readonly uniqueName?: string | null;
      readonly attributes?: string;
      readonly state?: ConversationState;
    }
  | {
      readonly type: "onConversationUpdate";
      readonly conversation: ConversationRecord;
      readonly friendlyName?: string | null;
      readonly uniqueName?: string | null;
      readonly attributes?: string;
      readonly state?: ConversationState;
    }
  | { readonly type: "onConversationRemove"; readonly conversation: ConversationRecord }
  | {
      readonly type: "onMessageAdd";
      readonly conversation: ConversationRecord;
      readonly author: string | null;
      readonly body: string | null;
      readonly attributes?: string;
      readonly participantSid: string | null;
      readonly media: readonly MediaRef[];
      /** Switchboard's: `staff` for an internal note or a whisper (sent as `Visibility`, only then). */
      readonly visibility?: MessageVisibility;
    }
  | { readonly type: "onMessageUpdate"; readonly message: MessageRecord; readonly body?: string | null; readonly attributes?: string }
  | { readonly type: "onMessageRemove"; readonly message: MessageRecord }
  | {
      readonly type: "onParticipantAdd";
      readonly conversation: ConversationRecord;
      readonly identity: string | null;
      readonly attributes?: string;
      readonly address: string | null;
      readonly proxyAddress: string | null;
    }
  | {
      readonly type: "onParticipantUpdate";
      readonly participant: ParticipantRecord;
      readonly attributes?: string;
      readonly lastReadMessageIndex?: number | null;
    }
  | { readonly type: "onParticipantRemove"; readonly participant: ParticipantRecord };

/** What a pre-event's answer changes in the action (only the fields its event allows). */
export interface PreEventChanges {
  body?: string;
  author?: string;
  attributes?: string;
  friendlyName?: string;
  uniqueName?: string;
  state?: ConversationState;
}

const ALLOWED = {
  onMessageAdd: ["body", "author", "attributes"],
  onMessageUpdate: ["body", "attributes"],
  onMessageRemove: [],
  onConversationAdd: ["friendlyName", "uniqueName", "attributes"],
  onConversationUpdate: ["friendlyName", "uniqueName", "attributes", "state"],
  onConversationRemove: [],
  onParticipantAdd: ["attributes"],
  onParticipantUpdate: ["attributes"],
  onParticipantRemove: [],
} as const satisfies Record<PreEvent, readonly (keyof PreEventChanges)[]>;

/** The spellings an answer may use for each change. */
const KEYS: Record<keyof PreEventChanges, readonly string[]> = {
  body: ["body", "Body"],
  author: ["author", "Author"],
  attributes: ["attributes", "Attributes"],
  friendlyName: ["friendly_name", "FriendlyName", "friendlyName"],
  uniqueName: ["unique_name", "UniqueName", "uniqueName"],
  state: ["state", "State"],
};

const STATES: readonly string[] = ["active", "inactive", "closed"];

/**
 * The changes a 2xx answer asks for: its JSON object's allowed keys with usable values. Anything else
 * (an empty or non-JSON body, unknown keys, values of the wrong type) changes nothing and is reported
 * in `ignored`, for the log.
 * @example preEventChanges("onMessageAdd", '{"body":"[redacted]"}') // { changes: { body: "[redacted]" }, ignored: [] }
 */
export function preEventChanges(type: PreEvent, answer: string): { changes: PreEventChanges; ignored: string[] } {
  const changes: PreEventChanges = {};
  const ignored: string[] = [];
  if (answer.trim() === "") return { changes, ignored };
  let json: unknown;
  try {
    json = JSON.parse(answer);
  } catch {
    return { changes, ignored: ["(the answer is not JSON)"] };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { changes, ignored: ["(the answer is not a JSON object)"] };
  const answered = json as Record<string, unknown>;
  const allowed: readonly (keyof PreEventChanges)[] = ALLOWED[type];
  const known = new Set(Object.values(KEYS).flat());
  for (const key of Object.keys(answered)) if (!known.has(key)) ignored.push(key);
  for (const field of Object.keys(KEYS) as (keyof PreEventChanges)[]) {
    const key = KEYS[field].find((k) => k in answered);
    if (key === undefined) continue;
    const value = answered[key];
    if (!allowed.includes(field)) {
      ignored.push(key);
      continue;
    }
    if (field === "attributes" && typeof value === "object" && value !== null && !Array.isArray(value))
      changes.attributes = JSON.stringify(value);
    else if (field === "state" && typeof value === "string" && STATES.includes(value)) changes.state = value as ConversationState;
    else if (field !== "state" && typeof value === "string") changes[field] = value;
    else ignored.push(key);
  }
  return { changes, ignored };
}

/** The pre-event URLs of an event: the service's and the account's, when their filters name it. */
export function preTargets(configs: WebhookConfigs, type: PreEvent): { url: string; method: WebhookMethod }[] {
  const out: { url: string; method: WebhookMethod }[] = [];
  for (const config of [configs.service, configs.account]) {
    if (config === null || config.target === "flex" || config.pre_webhook_url === null) continue;
    if (!(config.filters ?? []).includes(type)) continue;
    if (out.some((t) => t.url === config.pre_webhook_url)) continue;
    out.push({ url: config.pre_webhook_url, method: config.method ?? "POST" });
  }
  return out;
}

/** A name the caller typed (not yet stored): free text, masked; a stored name goes as it is (it may be an address). */
const typed = (name: string | null | undefined): string | null | undefined => (name ? redactCardNumbers(name) : name);

const mediaParam = (media: readonly MediaRef[]): string | null =>
  media.length === 0
    ? null
    : JSON.stringify(media.map((m) => ({ Sid: m.sid, Filename: m.filename, ContentType: m.content_type, Size: m.size })));

/**
 * The form parameters of a pre-event: the change as it would be made.
 * @example preEventParams({ type: "onMessageAdd", conversation, author: "ada", body: "Hi", participantSid: null, media: [] }, source, "AC…").Body // "Hi"
 */
export function preEventParams(call: PreEventCall, source: ActionSource, accountSid: string): FormParams {
  const common = { AccountSid: accountSid, EventType: call.type, Source: source.source, ClientIdentity: source.clientIdentity };
  switch (call.type) {
    case "onConversationAdd":
      return form({
        ...common,
        ChatServiceSid: call.chatServiceSid,
        FriendlyName: typed(call.friendlyName),
        UniqueName: call.uniqueName,
        Attributes: call.attributes ?? "{}",
        State: call.state ?? "active",
      });
    case "onConversationUpdate": {
      const c = call.conversation;
      return form({
        ...common,
        ChatServiceSid: c.chat_service_sid,
        ConversationSid: c.sid,
        FriendlyName: call.friendlyName === undefined ? c.friendly_name : typed(call.friendlyName),
        UniqueName: call.uniqueName === undefined ? c.unique_name : call.uniqueName,
        Attributes: call.attributes ?? c.attributes,
        State: call.state ?? c.state,
        DateCreated: c.date_created,
        DateUpdated: c.date_updated,
      });
    }
    case "onConversationRemove": {
      const c = call.conversation;
      return form({
        ...common,
        ChatServiceSid: c.chat_service_sid,
        ConversationSid: c.sid,
        FriendlyName: c.friendly_name,
        UniqueName: c.unique_name,
        Attributes: c.attributes,
        State: c.state,
        DateCreated: c.date_created,
        DateUpdated: c.date_updated,
      });
    }
    case "onMessageAdd":
      return form({
        ...common,
        ChatServiceSid: call.conversation.chat_service_sid,
        ConversationSid: call.conversation.sid,
        Author: call.author,
        Body: call.body,
        Attributes: call.attributes ?? "{}",
        ParticipantSid: call.participantSid,
        Media: mediaParam(call.media),
        Visibility: call.visibility === "staff" ? "staff" : undefined,
      });
    case "onMessageUpdate":
    case "onMessageRemove": {
      const m = call.message;
      const update = call.type === "onMessageUpdate" ? call : null;
      return form({
        ...common,
        ConversationSid: m.conversation_sid,
        MessageSid: m.sid,
        Index: m.index,
        Author: m.author,
        Body: update && update.body !== undefined ? update.body : m.body,
        Attributes: update?.attributes ?? m.attributes,
        ParticipantSid: m.participant_sid,
        Media: mediaParam(m.media ?? []),
        DateCreated: m.date_created,
        DateUpdated: m.date_updated,
      });
    }
    case "onParticipantAdd":
      return form({
        ...common,
        ChatServiceSid: call.conversation.chat_service_sid,
        ConversationSid: call.conversation.sid,
        Identity: call.identity,
        Attributes: call.attributes ?? "{}",
        "MessagingBinding.Address": call.address,
        "MessagingBinding.ProxyAddress": call.proxyAddress,
      });
    case "onParticipantUpdate":
    case "onParticipantRemove": {
      const p = call.participant;
      const update = call.type === "onParticipantUpdate" ? call : null;
      return form({
        ...common,
        ConversationSid: p.conversation_sid,
        ParticipantSid: p.sid,
        Identity: p.identity,
        Attributes: update?.attributes ?? p.attributes,
        "MessagingBinding.Address": p.messaging_binding?.address,
        "MessagingBinding.ProxyAddress": p.messaging_binding?.proxy_address,
        LastReadMessageIndex: update && update.lastReadMessageIndex !== undefined ? update.lastReadMessageIndex : p.last_read_message_index,
        DateCreated: p.date_created,
        DateUpdated: p.date_updated,
      });
    }
    default: {
      const never: never = call;
      throw new Error(`unknown pre-event ${JSON.stringify(never)}`);
    }
  }
}
