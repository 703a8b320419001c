/**
 * One Messenger Platform event (`entry[].messaging[]`, the same for Messenger and Instagram) read into
 * what Switchboard keeps of it: a message, a change to an earlier message, or delivery receipts.
 *
 * Messages: `message` (text; image/video/audio/file attachments and Instagram story mentions fetched
 * into the media store, the mention's URL in `attributes.story_mention`; quick-reply taps as
 * `attributes.interactive {type: "quick_reply", id, title}`; legacy location pins as
 * `attributes.location`; shares and reels as `attributes.links`); `postback` (button taps: body the
 * title, `attributes.postback {title, payload}`); and, as messages without text so the agent sees them,
 * `referral` (the ad or m.me link a customer with a thread came from) and `optin` (what they agreed to
 * receive). A referral — on its own, on a Get Started postback or on a message — and an opt-in are also
 * the conversation's (`conversationAttributes`), and so their task's.
 *
 * Changes: `reaction` (Meta's names — love, like, wow … — read as emoji when none is given; `unreact`
 * takes it back), Instagram's `like_heart` sent on its own (a ❤️ for the latest message the customer
 * was sent, or the one it replies to), and `message.is_deleted` (an unsend).
 */
import { z } from "zod";
import type { ChannelConfig } from "./channel-config";
import type { InboundMessage, MessageChange, StatusUpdate } from "./messages";
import type { MediaRef } from "../contract/conversations";
import type { AdapterDeps } from "./adapter";
import { downloadMedia, isMediaRef, type MediaUnavailable } from "./meta-graph";

const attachment = z.object({
  type: z.string(),
  payload: z
    .object({
      url: z.string().optional(),
      title: z.string().optional(),
      coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullish(),
});

/** Where a customer came from: an ad (`ad_id`, `ads_context_data`), an m.me link's `ref`, the chat plugin's page. */
const referral = z.object({
  ref: z.string().optional(),
  ad_id: z.string().optional(),
  source: z.string().optional(),
  type: z.string().optional(),
  referer_uri: z.string().optional(),
  ads_context_data: z
    .object({
      ad_title: z.string(),
      photo_url: z.string(),
      video_url: z.string(),
      post_id: z.string(),
      product_id: z.string(),
      flow_id: z.string(),
    })
    .partial()
    .optional(),
});

/**
 * A customer's opt-in (`messaging_optins`): what they agreed to. The tokens Meta issues with it
 * (`notification_messages_token`, `one_time_notif_token`) are credentials to message them, not
 * something for agents or task attributes: the schema leaves them out.
 */
const optin = z.object({
  type: z.string().optional(),
  ref: z.string().optional(),
  payload: z.string().optional(),
  title: z.string().optional(),
  notification_messages_frequency: z.string().optional(),
  notification_messages_status: z.string().optional(),
  notification_messages_timezone: z.string().optional(),
  token_expiry_timestamp: z.number().optional(),
});

export const messagingEvent = z.object({
  // A PSID; the checkbox plugin's opt-in names a `user_ref` of the website instead (no one to write to yet).
  sender: z.object({ id: z.string().min(1).optional(), user_ref: z.string().optional() }),
  recipient: z.object({ id: z.string().min(1) }),
  timestamp: z.number().optional(),
  message: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      is_unsupported: z.boolean().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      attachments: z.array(attachment).optional(),
      reply_to: z.object({ mid: z.string().optional() }).optional(),
      referral: referral.optional(),
    })
    .optional(),
  postback: z
    .object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional(), referral: referral.optional() })
    .optional(),
  referral: referral.optional(),
  optin: optin.optional(),
  reaction: z
    .object({ mid: z.string().min(1), action: z.string().optional(), reaction: z.string().optional(), emoji: z.string().optional() })
    .optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ watermark: z.number().optional(), mid: z.string().optional() }).optional(),
});

/** An event from a customer with a PSID or IGSID (events naming only a plugin's `user_ref` are dropped before). */
export type MessagingEvent = z.infer<typeof messagingEvent> & { readonly sender: { readonly id: string } };

/** Attachments downloaded into the media store. A story mention is the customer's story that named the business. */
const DOWNLOADED = new Set(["image", "video", "audio", "file", "story_mention"]);

/** Meta's reaction names, for an event that gives no emoji. */
const REACTION_EMOJI: Readonly<Record<string, string>> = {
  love: "\u2764\uFE0F",
  like: "👍",
  dislike: "👎",
  smile: "😆",
  wow: "😮",
  sad: "😢",
  angry: "😠",
};
const HEART = REACTION_EMOJI.love!;

/** The delivery and read receipts of an event. */
export function receiptsOf(item: MessagingEvent, at: number): StatusUpdate[] {
  const customerAddress = item.sender.id;
  const base = { customerAddress, errorCode: null, errorMessage: null } as const;
  const out: StatusUpdate[] = [];
  if (item.delivery) {
    const { mids, watermark } = item.delivery;
    if (mids && mids.length > 0) for (const mid of mids) out.push({ ...base, providerMessageId: mid, status: "delivered", at });
    else out.push({ ...base, providerMessageId: "", status: "delivered", at, watermark });
  }
  if (item.read?.mid) out.push({ ...base, providerMessageId: item.read.mid, status: "read", at });
  else if (item.read?.watermark !== undefined)
    out.push({ ...base, providerMessageId: "", status: "read", at, watermark: item.read.watermark });
  return out;
}

/** The change an event makes to an earlier message (a reaction, a like_heart, an unsend), if any. */
export function changeOf(item: MessagingEvent, at: number): MessageChange | null {
  const customerAddress = item.sender.id;
  if (item.reaction) {
    const { mid, action, reaction, emoji } = item.reaction;
    const shown = action === "unreact" ? null : (emoji ?? REACTION_EMOJI[reaction ?? ""] ?? reaction ?? null);
    return { kind: "reaction", providerMessageId: mid, customerAddress, emoji: shown, at };
  }
  const message = item.message;
  if (message?.is_deleted) return { kind: "unsent", providerMessageId: message.mid, customerAddress, at };
  if (message && !message.text && message.attachments?.length === 1 && message.attachments[0]!.type === "like_heart")
    return { kind: "reaction", providerMessageId: message.reply_to?.mid ?? null, customerAddress, emoji: HEART, at };
  return null;
}

/** The message an event carries; null for receipts and changes. */
export async function messageOf(
  item: MessagingEvent,
  channel: "messenger" | "instagram",
  at: number,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<InboundMessage | null> {
  const attributes: Record<string, unknown> = {};
  const context: Record<string, unknown> = {};
  let body = "";
  let media: MediaRef[] = [];
  let providerMessageId: string;
  // Where the customer came from rides on a message, a postback (Get Started) or an event of its own.
  const cameFrom = item.message?.referral ?? item.postback?.referral ?? item.referral;
  if (cameFrom) attributes.referral = context.referral = cameFrom;
  if (item.message) {
    const message = item.message;
    providerMessageId = message.mid;
    body = message.text ?? "";
    if (message.reply_to?.mid) attributes.reply_to = message.reply_to.mid;
    if (message.quick_reply) attributes.interactive = { type: "quick_reply", id: message.quick_reply.payload, title: body };
    if (message.is_unsupported) attributes.unsupported = { type: "unsupported", reason: "Meta does not pass this kind of message on" };
    const parts = await attachmentsOf(message.attachments ?? [], config, deps);
    media = parts.media;
    Object.assign(attributes, parts.attributes);
    if (body === "" && parts.pin) body = parts.pin;
  } else if (item.postback) {
    const { mid, title, payload } = item.postback;
    providerMessageId = mid ?? `postback:${item.sender.id}:${at}`;
    body = title ?? payload ?? "";
    attributes.postback = { title: title ?? null, payload: payload ?? null };
  } else if (item.referral) {
    providerMessageId = `referral:${item.sender.id}:${at}`;
  } else if (item.optin) {
    providerMessageId = `optin:${item.sender.id}:${at}`;
    attributes.optin = context.optin = item.optin;
  } else {
    return null; // receipts only
  }
  return {
    providerMessageId,
    channel,
    customerAddress: item.sender.id,
    proxyAddress: item.recipient.id,
    customerName: null,
    body,
    media,
    attributes,
    ...(Object.keys(context).length > 0 ? { conversationAttributes: context } : {}),
    thread: null,
    sentAt: at,
  };
}

type Attachment = z.infer<typeof attachment>;

/** A message's attachments: downloaded media, and attributes for the rest (a pin's body when it has no text). */
async function attachmentsOf(parts: readonly Attachment[], config: ChannelConfig, deps: AdapterDeps) {
  const media: MediaRef[] = [];
  const attributes: Record<string, unknown> = {};
  const unavailable: MediaUnavailable[] = [];
  const links: { type: string; url: string; title?: string }[] = [];
  let pin: string | null = null;
  for (const part of parts) {
    const url = part.payload?.url;
    if (part.payload?.coordinates) {
      const { lat, long } = part.payload.coordinates;
      attributes.location = { latitude: lat, longitude: long, ...(part.payload.title ? { name: part.payload.title } : {}) };
      pin = `📍 ${part.payload.title ?? `${lat}, ${long}`}`;
    } else if (DOWNLOADED.has(part.type) && url) {
      const kept = await downloadMedia(deps, config, config.secrets.page_access_token, {
        url,
        type: part.type,
        contentType: null,
        filename: part.type === "file" ? fileNameOf(url) : null,
      });
      if (isMediaRef(kept)) media.push(kept);
      else unavailable.push(kept);
      if (part.type === "story_mention") attributes.story_mention = { url };
    } else if (url) {
      links.push({ type: part.type, url, ...(part.payload?.title ? { title: part.payload.title } : {}) });
    } else {
      unavailable.push({ type: part.type, reason: "Switchboard does not show this kind of attachment yet" });
    }
  }
  if (unavailable.length > 0) attributes.media_unavailable = unavailable;
  if (links.length > 0) attributes.links = links;
  return { media, attributes, pin };
}

/** A file attachment's name, from the last segment of its CDN path ("…/invoice.pdf?…" → "invoice.pdf"). */
function fileNameOf(url: string): string | null {
  try {
    const last = new URL(url).pathname.split("/").pop() ?? "";
    return /\.[A-Za-z0-9]{1,8}$/.test(last) ? decodeURIComponent(last) : null;
  } catch {
    return null; // not a URL, or a broken %-escape: no name is better than a wrong one
  }
}
