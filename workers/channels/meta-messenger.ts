/**
 * Facebook Messenger (kind `messenger`, webhooks with `object: "page"`) and Instagram messaging (kind
 * `instagram`, `object: "instagram"`): one wire format, the Messenger Platform's `entry[].messaging[]`
 * events, so one adapter factory serves both. Replies go out through the Send API (meta-messenger-send.ts).
 *
 * Addresses: the customer is the page-scoped (PSID) or Instagram-scoped (IGSID) ID in `sender.id`; our
 * side is the page (or Instagram account) ID in the channel's `page_id`. Entries for other pages are
 * ignored, since one Meta app may serve many pages, each its own channel.
 *
 * Events: `message` (text; image/video/audio/file attachments fetched into the media store; quick-reply
 * taps as `attributes.interactive {type: "quick_reply", id, title}`; legacy location pins as
 * `attributes.location`; shares, story mentions and reels as `attributes.links` — Meta forbids keeping
 * story content, so those are never downloaded); `postback` (button taps: body the title,
 * `attributes.postback {title, payload}`); `delivery` and `read` receipts (per message ID where Meta
 * gives one, else by `watermark`, see StatusUpdate). Echoes of our own sends (`is_echo`), deleted
 * Instagram messages, reactions and `standby` events (another app owns the thread) are dropped.
 */
import { z } from "zod";
import type { ChannelConfig, ChannelKind, InboundMessage, MediaRef, StatusUpdate } from "../../durable-objects/common/conversations";
import type { AdapterDeps, ChannelAdapter, WebhookContent, WebhookRequest } from "./adapter";
import { checked, downloadMedia, isMediaRef, readPayload, type MediaUnavailable } from "./meta-graph";
import { deliverMessenger } from "./meta-messenger-send";
import { metaChallenge, validMetaSignature } from "./meta-signature";

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

const event = z.object({
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
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ watermark: z.number().optional(), mid: z.string().optional() }).optional(),
});
type MessagingEvent = z.infer<typeof event> & { readonly sender: { readonly id: string } };

const payloadOf = (object: "page" | "instagram") =>
  z.object({
    object: z.literal(object),
    entry: z.array(z.object({ id: z.string(), messaging: z.array(z.unknown()).optional() })),
  });

const DOWNLOADED = new Set(["image", "video", "audio", "file"]);

/** One adapter per wire `object`: Messenger pages and Instagram accounts differ only in these. */
function metaMessagingAdapter(kind: Extract<ChannelKind, "messenger" | "instagram">, object: "page" | "instagram"): ChannelAdapter {
  const payload = payloadOf(object);
  return {
    kind,
    challenge: (url, config) => metaChallenge(url, config),
    verify: (request, config) => validMetaSignature(request, config),
    parse: (request, config, deps) => parseMessaging(payload, kind, request, config, deps),
    acknowledge: () => new Response("EVENT_RECEIVED", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } }),
    deliver: (message, config, deps) => deliverMessenger(kind, message, config, deps),
  };
}

/** Facebook Messenger, through a page (`page_id`, `page_access_token`). */
export const messengerAdapter = metaMessagingAdapter("messenger", "page");

/** Instagram direct messages, through the Instagram professional account whose ID is the channel's `page_id`. */
export const instagramAdapter = metaMessagingAdapter("instagram", "instagram");

async function parseMessaging(
  payload: ReturnType<typeof payloadOf>,
  kind: "messenger" | "instagram",
  request: WebhookRequest,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<WebhookContent> {
  const body = readPayload(payload, request.rawBody);
  const pageId = String(config.settings.page_id ?? "");
  const messages: InboundMessage[] = [];
  const statuses: StatusUpdate[] = [];
  for (const [e, entry] of body.entry.entries()) {
    if (entry.id !== pageId) continue;
    for (const [m, raw] of (entry.messaging ?? []).entries()) {
      const parsed = checked(event, raw, ["entry", e, "messaging", m]);
      const senderId = parsed.sender.id;
      if (senderId === undefined) continue; // a plugin's user_ref: no conversation to put it in
      const item: MessagingEvent = { ...parsed, sender: { ...parsed.sender, id: senderId } };
      // Our own sends come back as echoes (sometimes without is_echo, e.g. from the page inbox).
      if (item.sender.id === pageId || item.message?.is_echo) continue;
      const at = item.timestamp ?? deps.now();
      statuses.push(...receipts(item, at));
      const inbound = await normalize(item, kind, at, config, deps);
      if (inbound) messages.push(inbound);
    }
  }
  return { messages, statuses };
}

function receipts(item: MessagingEvent, at: number): StatusUpdate[] {
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

async function normalize(
  item: MessagingEvent,
  channel: "messenger" | "instagram",
  at: number,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<InboundMessage | null> {
  const attributes: Record<string, unknown> = {};
  const context: Record<string, unknown> = {};
  const media: MediaRef[] = [];
  let body = "";
  let providerMessageId: string;
  // Where the customer came from rides on a message, a postback (Get Started) or an event of its own.
  const cameFrom = item.message?.referral ?? item.postback?.referral ?? item.referral;
  if (cameFrom) attributes.referral = context.referral = cameFrom;
  if (item.message) {
    const message = item.message;
    if (message.is_deleted) return null;
    providerMessageId = message.mid;
    body = message.text ?? "";
    if (message.reply_to?.mid) attributes.reply_to = message.reply_to.mid;
    if (message.quick_reply) attributes.interactive = { type: "quick_reply", id: message.quick_reply.payload, title: body };
    if (message.is_unsupported) attributes.unsupported = { type: "unsupported", reason: "Meta does not pass this kind of message on" };
    const unavailable: MediaUnavailable[] = [];
    const links: { type: string; url: string; title?: string }[] = [];
    for (const part of message.attachments ?? []) {
      const url = part.payload?.url;
      if (part.payload?.coordinates) {
        const { lat, long } = part.payload.coordinates;
        attributes.location = { latitude: lat, longitude: long, ...(part.payload.title ? { name: part.payload.title } : {}) };
        if (body === "") body = `📍 ${part.payload.title ?? `${lat}, ${long}`}`;
      } else if (DOWNLOADED.has(part.type) && url) {
        const kept = await downloadMedia(deps, config, config.secrets.page_access_token, {
          url,
          type: part.type,
          contentType: null,
          filename: part.type === "file" ? fileNameOf(url) : null,
        });
        if (isMediaRef(kept)) media.push(kept);
        else unavailable.push(kept);
      } else if (url) {
        links.push({ type: part.type, url, ...(part.payload?.title ? { title: part.payload.title } : {}) });
      } else {
        unavailable.push({ type: part.type, reason: "Switchboard does not show this kind of attachment yet" });
      }
    }
    if (unavailable.length > 0) attributes.media_unavailable = unavailable;
    if (links.length > 0) attributes.links = links;
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

/** A file attachment's name, from the last segment of its CDN path ("…/invoice.pdf?…" → "invoice.pdf"). */
function fileNameOf(url: string): string | null {
  try {
    const last = new URL(url).pathname.split("/").pop() ?? "";
    return /\.[A-Za-z0-9]{1,8}$/.test(last) ? decodeURIComponent(last) : null;
  } catch {
    return null; // not a URL, or a broken %-escape: no name is better than a wrong one
  }
}
