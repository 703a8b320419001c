/**
 * One WhatsApp Cloud API message (`value.messages[]` of a webhook) into Switchboard's inbound message,
 * by type: text; image, audio, video, document, sticker and the legacy `voice` note (fetched from the
 * Graph API into the media store, caption as body; a voice note is audio); location
 * (`attributes.location`, body "📍 name, address"); interactive button and list replies and template
 * quick-reply buttons (`attributes.interactive {type, id, title}`, body the title); WhatsApp Flows
 * replies (`interactive.nfm_reply`: body the text WhatsApp showed, "Sent", and
 * `attributes.interactive {type: "nfm_reply", name, response}` with the customer's answers parsed from
 * `response_json`); reactions (`attributes.reaction {emoji, message_id}`, body the emoji; removing a
 * reaction is ignored); anything else (contacts, orders, `unsupported`) is kept with an empty body and
 * `attributes.unsupported {type, reason}` so the agent sees that something arrived.
 *
 * A message this module cannot read (a field of the wrong type, no ID) is not a reason to refuse the
 * delivery it came in: Meta would redeliver the whole batch, and the customer's other messages with
 * it. It is recorded as unsupported instead ({@link unreadableMessage}), in its customer's
 * conversation, under an ID derived from its content when it has none, so a redelivery stores it once.
 *
 * Senders: a phone number's `wa_id` ("16505551234"), or — since Meta's business-scoped user IDs — a
 * BSUID ("US.13491208655302741918") in `from` or `from_user_id` for a customer whose number is hidden.
 */
import { z } from "zod";
import type { ChannelConfig } from "./channel-config";
import type { InboundMessage } from "./messages";
import type { MediaRef } from "../contract/conversations";
import type { AdapterDeps } from "./adapter";
import { downloadMedia, graphBase, GraphUnavailable, isMediaRef, type MediaUnavailable } from "./meta-graph";
import { sha256Hex } from "../platform/constant-time";

const media = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});
export const waErrors = z.array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional() })).optional();
const sender = z.string().min(1).max(128);

/** A message of `value.messages[]` as Meta documents it; one that does not fit is {@link unreadableMessage}. */
export const whatsappMessage = z
  .object({
    id: z.string().min(1),
    from: sender.optional(),
    from_user_id: sender.optional(),
    timestamp: z.string().regex(/^\d+$/, "expected seconds since the epoch"),
    type: z.string(),
    context: z.object({ id: z.string().optional() }).optional(),
    text: z.object({ body: z.string() }).optional(),
    image: media.optional(),
    audio: media.optional(),
    voice: media.optional(),
    video: media.optional(),
    document: media.optional(),
    sticker: media.optional(),
    location: z
      .object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
      .optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
        list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
        nfm_reply: z.object({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() }).optional(),
      })
      .optional(),
    button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
    reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }).optional(),
    errors: waErrors,
  })
  .refine((item) => item.from !== undefined || item.from_user_id !== undefined, { message: "expected a sender", path: ["from"] });
export type WhatsAppMessage = z.infer<typeof whatsappMessage>;

/** What is read of a message that does not fit {@link whatsappMessage}: just enough to place it. */
const loose = z.object({
  id: z.string().optional().catch(undefined),
  from: sender.optional().catch(undefined),
  from_user_id: sender.optional().catch(undefined),
  timestamp: z.string().regex(/^\d+$/).optional().catch(undefined),
  type: z.string().optional().catch(undefined),
});

/** Stored media types; a legacy `voice` note is audio. */
const MEDIA_TYPES = { image: "image", audio: "audio", voice: "audio", video: "video", document: "document", sticker: "sticker" } as const;

/**
 * The customer's address for a WhatsApp ID: a phone number's wa_id in Twilio's form, so both WhatsApp
 * channels name a person alike; a business-scoped user ID as Meta wrote it, after the same prefix.
 * @example whatsappAddress("15551234567") // "whatsapp:+15551234567"
 * @example whatsappAddress("US.13491208655302741918") // "whatsapp:US.13491208655302741918"
 */
export const whatsappAddress = (id: string): string => (/^\d+$/.test(id) ? `whatsapp:+${id}` : `whatsapp:${id}`);

/** Who sent it: the phone number's wa_id when Meta gives it, else the business-scoped user ID. */
const senderOf = (item: { from?: string | undefined; from_user_id?: string | undefined }): string | null =>
  item.from ?? item.from_user_id ?? null;

/** What a change tells about its messages besides themselves: our phone number ID and the senders' profile names. */
export interface WhatsAppChange {
  readonly phoneNumberId: string;
  /** The profile name of the contact with this wa_id or BSUID, if the change names one. */
  readonly nameOf: (sender: string) => string | null;
}

/**
 * The inbound message of a message that fits the schema; null for one with nothing to show (a
 * reaction being removed). Throws GraphUnavailable when its media cannot be fetched for now.
 */
export async function normalizeWhatsApp(
  item: WhatsAppMessage,
  change: WhatsAppChange,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<InboundMessage | null> {
  const attributes: Record<string, unknown> = {};
  const stored: MediaRef[] = [];
  let body = "";
  if (item.context?.id) attributes.reply_to = item.context.id;
  const mediaField = (Object.keys(MEDIA_TYPES) as (keyof typeof MEDIA_TYPES)[]).find((type) => type === item.type);
  const interactive = item.interactive;
  if (item.type === "text" && item.text) {
    body = item.text.body;
  } else if (mediaField && item[mediaField]) {
    const part = item[mediaField];
    body = part.caption ?? "";
    const kept = await fetchWhatsAppMedia(part, MEDIA_TYPES[mediaField], config, deps);
    if (isMediaRef(kept)) stored.push(kept);
    else attributes.media_unavailable = [kept];
  } else if (item.type === "location" && item.location) {
    const { latitude, longitude, name, address } = item.location;
    attributes.location = { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) };
    body = `📍 ${[name, address].filter(Boolean).join(", ") || `${latitude}, ${longitude}`}`;
  } else if (item.type === "interactive" && (interactive?.button_reply || interactive?.list_reply)) {
    const reply = interactive.button_reply ?? interactive.list_reply;
    attributes.interactive = { type: interactive.type, ...reply };
    body = reply?.title ?? "";
  } else if (item.type === "interactive" && interactive?.nfm_reply) {
    const { name, body: shown, response_json } = interactive.nfm_reply;
    attributes.interactive = { type: "nfm_reply", ...(name ? { name } : {}), response: flowResponse(response_json) };
    body = shown ?? "";
  } else if (item.type === "button" && item.button) {
    attributes.interactive = { type: "button", id: item.button.payload ?? item.button.text, title: item.button.text };
    body = item.button.text;
  } else if (item.type === "reaction" && item.reaction) {
    if (!item.reaction.emoji) return null;
    attributes.reaction = { emoji: item.reaction.emoji, message_id: item.reaction.message_id };
    body = item.reaction.emoji;
  } else {
    const error = item.errors?.[0];
    attributes.unsupported = {
      type: item.type,
      reason: error?.title ?? error?.message ?? "Switchboard does not show this kind of message yet",
    };
  }
  return inboundOf(item.id, senderOf(item)!, change, body, stored, attributes, Number(item.timestamp) * 1000);
}

/**
 * A message that does not fit the schema, as an unsupported message naming what was wrong; null when
 * it names no sender (there is no conversation to put it in).
 */
export async function unreadableMessage(
  raw: unknown,
  problem: string,
  change: WhatsAppChange,
  now: number,
): Promise<InboundMessage | null> {
  const item = loose.safeParse(raw);
  const fields = item.success ? item.data : {};
  const sender = senderOf(fields);
  if (sender === null) return null;
  const id = fields.id || `unreadable:${await sha256Hex(JSON.stringify(raw))}`;
  const unsupported = { type: fields.type ?? "unknown", reason: `Switchboard could not read this message (${problem})` };
  const sentAt = fields.timestamp ? Number(fields.timestamp) * 1000 : now;
  return inboundOf(id, sender, change, "", [], { unsupported }, sentAt);
}

function inboundOf(
  providerMessageId: string,
  sender: string,
  change: WhatsAppChange,
  body: string,
  media: MediaRef[],
  attributes: Record<string, unknown>,
  sentAt: number,
): InboundMessage {
  return {
    providerMessageId,
    channel: "whatsapp",
    customerAddress: whatsappAddress(sender),
    proxyAddress: change.phoneNumberId,
    customerName: change.nameOf(sender),
    body,
    media,
    attributes,
    thread: null,
    sentAt,
  };
}

/** A Flows reply's answers: the JSON object Meta sent as text, or the text itself when it is not JSON. */
function flowResponse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A media ID → its short-lived URL (`GET {graph}/{media-id}`) → its bytes, both with the channel's token. */
async function fetchWhatsAppMedia(
  part: z.infer<typeof media>,
  type: string,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<MediaRef | MediaUnavailable> {
  const token = config.secrets.access_token;
  if (!token) return { type, reason: "the channel has no access_token to fetch media with" };
  let response: Response;
  try {
    response = await deps.fetch(`${graphBase(config)}/${encodeURIComponent(part.id)}`, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new GraphUnavailable(`Meta Graph API unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 429 || response.status >= 500)
    throw new GraphUnavailable(`Meta Graph API answered ${response.status} for a media ID`);
  const info = (await response.json().catch(() => null)) as { url?: unknown; mime_type?: unknown } | null;
  if (!response.ok || typeof info?.url !== "string")
    return { type, reason: `the media ID could not be resolved (HTTP ${response.status})` };
  const contentType = part.mime_type ?? (typeof info.mime_type === "string" ? info.mime_type : null);
  return downloadMedia(deps, config, token, { url: info.url, type, contentType, filename: part.filename ?? null });
}
