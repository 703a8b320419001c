/**
 * Meta's WhatsApp Cloud API as a channel (kind `whatsapp`): its webhooks (`object:
 * "whatsapp_business_account"`) become Switchboard's inbound messages and delivery statuses, and
 * agents' replies go out through `POST {graph}/{phone_number_id}/messages` (whatsapp-send.ts).
 *
 * Addresses: the customer is `whatsapp:+<wa_id>` — the form a Twilio WhatsApp number uses — so a person
 * who writes to a Twilio number and to a Cloud API number is the same address to the directory; our
 * side is the channel's `phone_number_id`. Only changes for the channel's own phone_number_id are taken
 * (one Meta app often serves several numbers, each its own channel), others are ignored.
 *
 * Message types: text; image, audio, video, document and sticker (fetched from the Graph API into the
 * media store, caption as body); location (`attributes.location`, body "📍 name, address"); interactive
 * button and list replies and template quick-reply buttons (`attributes.interactive {type, id, title}`,
 * body the title); reactions (`attributes.reaction {emoji, message_id}`, body the emoji; removing a
 * reaction is ignored); anything else (contacts, orders, `unsupported`) is kept with an empty body and
 * `attributes.unsupported {type, reason}` so the agent sees that something arrived.
 */
import { z } from "zod";
import type { ChannelConfig, InboundMessage, MediaRef, StatusUpdate } from "../../durable-objects/common/conversations";
import type { AdapterDeps, ChannelAdapter, WebhookContent, WebhookRequest } from "./adapter";
import { checked, downloadMedia, graphBase, GraphUnavailable, isMediaRef, readPayload, type MediaUnavailable } from "./meta-graph";
import { metaChallenge, validMetaSignature } from "./meta-signature";
import { deliverWhatsApp } from "./whatsapp-send";

const media = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});
const waErrors = z.array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional() })).optional();

const message = z.object({
  id: z.string().min(1),
  from: z.string().regex(/^\d+$/, "expected a wa_id (digits)"),
  timestamp: z.string().regex(/^\d+$/, "expected seconds since the epoch"),
  type: z.string(),
  context: z.object({ id: z.string().optional() }).optional(),
  text: z.object({ body: z.string() }).optional(),
  image: media.optional(),
  audio: media.optional(),
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
    })
    .optional(),
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  errors: waErrors,
});
type WhatsAppMessage = z.infer<typeof message>;

const status = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.string().regex(/^\d+$/, "expected seconds since the epoch"),
  recipient_id: z.string().min(1),
  errors: waErrors,
});

const messagesValue = z.object({
  metadata: z.object({ phone_number_id: z.string() }),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(message).optional(),
  statuses: z.array(status).optional(),
});

const payload = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.object({ id: z.string(), changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

const MEDIA_TYPES = ["image", "audio", "video", "document", "sticker"] as const;
const STATUSES = { sent: "sent", delivered: "delivered", read: "read", failed: "failed" } as const;

/**
 * The customer's address for a WhatsApp ID: Twilio's form, so both WhatsApp channels name a person alike.
 * @example whatsappAddress("15551234567") // "whatsapp:+15551234567"
 */
export const whatsappAddress = (waId: string): string => `whatsapp:+${waId}`;

export const whatsappAdapter: ChannelAdapter = {
  kind: "whatsapp",
  challenge: (url, config) => metaChallenge(url, config),
  verify: (request, config) => validMetaSignature(request, config),
  parse: parseWhatsApp,
  acknowledge: () => new Response("EVENT_RECEIVED", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } }),
  deliver: deliverWhatsApp,
};

async function parseWhatsApp(request: WebhookRequest, config: ChannelConfig, deps: AdapterDeps): Promise<WebhookContent> {
  const body = readPayload(payload, request.rawBody);
  const phoneNumberId = String(config.settings.phone_number_id ?? "");
  const messages: InboundMessage[] = [];
  const statuses: StatusUpdate[] = [];
  for (const [e, entry] of body.entry.entries()) {
    for (const [c, change] of entry.changes.entries()) {
      // Other fields (account_update, message_template_status_update …) carry no conversation.
      if (change.field !== "messages") continue;
      const value = checked(messagesValue, change.value, ["entry", e, "changes", c, "value"]);
      if (value.metadata.phone_number_id !== phoneNumberId) continue;
      for (const item of value.messages ?? []) {
        const name = value.contacts?.find((contact) => contact.wa_id === item.from)?.profile?.name ?? null;
        const inbound = await normalize(item, name, phoneNumberId, config, deps);
        if (inbound) messages.push(inbound);
      }
      for (const item of value.statuses ?? []) {
        const mapped = STATUSES[item.status as keyof typeof STATUSES];
        if (!mapped) continue; // "deleted", "warning": nothing to show on the message
        const error = item.errors?.[0];
        statuses.push({
          providerMessageId: item.id,
          customerAddress: whatsappAddress(item.recipient_id),
          status: mapped,
          errorCode: error ? String(error.code) : null,
          errorMessage: error ? (error.title ?? error.message ?? null) : null,
          at: Number(item.timestamp) * 1000,
        });
      }
    }
  }
  return { messages, statuses };
}

async function normalize(
  item: WhatsAppMessage,
  customerName: string | null,
  phoneNumberId: string,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<InboundMessage | null> {
  const attributes: Record<string, unknown> = {};
  const stored: MediaRef[] = [];
  let body = "";
  if (item.context?.id) attributes.reply_to = item.context.id;
  const mediaType = MEDIA_TYPES.find((type) => type === item.type);
  if (item.type === "text" && item.text) {
    body = item.text.body;
  } else if (mediaType && item[mediaType]) {
    const part = item[mediaType];
    body = part.caption ?? "";
    const kept = await fetchWhatsAppMedia(part, mediaType, config, deps);
    if (isMediaRef(kept)) stored.push(kept);
    else attributes.media_unavailable = [kept];
  } else if (item.type === "location" && item.location) {
    const { latitude, longitude, name, address } = item.location;
    attributes.location = { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) };
    body = `📍 ${[name, address].filter(Boolean).join(", ") || `${latitude}, ${longitude}`}`;
  } else if (item.type === "interactive" && (item.interactive?.button_reply || item.interactive?.list_reply)) {
    const reply = item.interactive.button_reply ?? item.interactive.list_reply;
    attributes.interactive = { type: item.interactive.type, ...reply };
    body = reply?.title ?? "";
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
  return {
    providerMessageId: item.id,
    channel: "whatsapp",
    customerAddress: whatsappAddress(item.from),
    proxyAddress: phoneNumberId,
    customerName,
    body,
    media: stored,
    attributes,
    thread: null,
    sentAt: Number(item.timestamp) * 1000,
  };
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
