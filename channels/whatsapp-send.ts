/**
 * Agents' replies to a WhatsApp Cloud API customer: `POST {graph}/{phone_number_id}/messages` with the
 * channel's access token. Attachments are uploaded first (`POST {graph}/{phone_number_id}/media`,
 * multipart) and sent by the media ID Meta returns, so no public URL to our media store is needed.
 *
 * One Switchboard message may take several WhatsApp messages: each attachment is one (the text rides
 * as the first image/video/document's caption; audio and stickers take none), then the text or the
 * reply buttons/list (see meta-replies.ts). The first part's ID is the message's provider ID, the one
 * status webhooks are matched on. Only the first part may be retried: once a part has gone out, a later
 * failure is final (`failed`, naming how many parts were sent) so a retry never repeats what the
 * customer already has.
 */
import type { ChannelConfig } from "./channel-config";
import type { DeliveryOutcome, OutboundMessage } from "./messages";
import type { MediaRef } from "../contract/conversations";
import type { AdapterDeps } from "./adapter";
import { graphBase, graphSend, partsOutcome, storedMediaBlob } from "./meta-graph";
import { outboundChoices, type OutboundInteractive } from "./meta-replies";

type Part =
  | { readonly upload: MediaRef; readonly type: WhatsAppMediaType; readonly caption: string | null }
  | { readonly json: Record<string, unknown> };
type WhatsAppMediaType = "image" | "video" | "audio" | "document";

/**
 * The WhatsApp ID of a customer address (`whatsapp:+1555…`, `+1555…` or digits; `whatsapp:US.1349…`
 * for a business-scoped user ID), as the Send API takes it.
 * @example waIdOf("whatsapp:+15551234567") // "15551234567"
 * @example waIdOf("whatsapp:US.13491208655302741918") // "US.13491208655302741918"
 */
export const waIdOf = (address: string): string => address.replace(/^whatsapp:/, "").replace(/^\+/, "");

/**
 * Who a message goes to, in the field the Send API reads it from: a phone number in `to`, a
 * business-scoped user ID in `recipient` — the ID the customer wrote from, never rewritten.
 * @example recipientOf("whatsapp:US.13491208655302741918") // { recipient: "US.13491208655302741918" }
 */
export function recipientOf(address: string): { to: string } | { recipient: string } {
  const id = waIdOf(address);
  return /^\d*$/.test(id) ? { to: id } : { recipient: id };
}

/** The WhatsApp message type for an attachment: WhatsApp takes only JPEG/PNG images and MP4/3GPP video inline. */
function mediaType(contentType: string): WhatsAppMediaType {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "image/jpeg" || type === "image/png") return "image";
  if (type === "video/mp4" || type === "video/3gpp") return "video";
  if (type.startsWith("audio/")) return "audio";
  return "document";
}

/**
 * Sends one message to the customer's WhatsApp. Never throws for Meta's refusal: that is the outcome.
 *
 * @example
 * await deliverWhatsApp({ ...message, customerAddress: "whatsapp:+15551234567", body: "Hi" }, config, deps);
 * // { kind: "sent", providerMessageId: "wamid.HBgL…" }
 */
export async function deliverWhatsApp(message: OutboundMessage, config: ChannelConfig, deps: AdapterDeps): Promise<DeliveryOutcome> {
  const token = config.secrets.access_token;
  // A JSON-configured ID may arrive as a number; Meta's IDs are digits either way.
  const phoneNumberId = String(config.settings.phone_number_id ?? "");
  if (!token) return { kind: "failed", error: "the WhatsApp channel has no access_token", errorCode: null };
  if (phoneNumberId === "") {
    return { kind: "failed", error: "the WhatsApp channel has no phone_number_id", errorCode: null };
  }
  const interactive = outboundChoices(message.attributes);
  if ("error" in interactive) return { kind: "failed", error: interactive.error, errorCode: null };
  const parts = plan(message, interactive.choices);
  if (parts.length === 0) return { kind: "failed", error: "the message has neither text nor attachments", errorCode: null };

  const base = `${graphBase(config)}/${encodeURIComponent(phoneNumberId)}`;
  const envelope = { messaging_product: "whatsapp", recipient_type: "individual", ...recipientOf(message.customerAddress) };
  let firstId: string | null = null;
  for (const [sent, part] of parts.entries()) {
    let json: Record<string, unknown>;
    if ("upload" in part) {
      const uploaded = await upload(base, token, part.upload, deps);
      if (uploaded.kind !== "sent") return partsOutcome(uploaded, sent, parts.length);
      const { upload: ref, type, caption } = part;
      json = {
        type,
        [type]: {
          id: uploaded.providerMessageId,
          ...(caption ? { caption } : {}),
          ...(type === "document" && ref.filename ? { filename: ref.filename } : {}),
        },
      };
    } else {
      json = part.json;
    }
    const outcome = await graphSend(deps, `${base}/messages`, token, { ...envelope, ...json }, (answer) => firstMessageId(answer));
    if (outcome.kind !== "sent") return partsOutcome(outcome, sent, parts.length);
    firstId ??= outcome.providerMessageId;
  }
  return { kind: "sent", providerMessageId: firstId ?? "" };
}

/** The WhatsApp messages one Switchboard message becomes, in the order they are sent. */
function plan(message: OutboundMessage, choices: OutboundInteractive | null): Part[] {
  const parts: Part[] = [];
  let text = message.body;
  for (const ref of message.media) {
    const type = mediaType(ref.content_type);
    // The text rides on the first attachment that takes a caption, unless it must carry reply choices.
    const caption = text !== "" && choices === null && type !== "audio" ? text : null;
    if (caption !== null) text = "";
    parts.push({ upload: ref, type, caption });
  }
  if (choices !== null) parts.push({ json: interactiveJson(text === "" ? "…" : text, choices) });
  else if (text !== "") parts.push({ json: { type: "text", text: { body: text, preview_url: false } } });
  return parts;
}

function interactiveJson(body: string, choices: OutboundInteractive): Record<string, unknown> {
  if (choices.buttons) {
    const buttons = choices.buttons.map(({ id, title }) => ({ type: "reply", reply: { id, title } }));
    return { type: "interactive", interactive: { type: "button", body: { text: body }, action: { buttons } } };
  }
  const list = choices.list!;
  return {
    type: "interactive",
    interactive: { type: "list", body: { text: body }, action: { button: list.button, sections: list.sections } },
  };
}

/** `{messages: [{id: "wamid…"}]}` → the ID. */
function firstMessageId(answer: Record<string, unknown>): unknown {
  const messages = answer.messages;
  return Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined)?.id : undefined;
}

/** Uploads a stored attachment; its media ID comes back as `providerMessageId` of a `sent` outcome. */
async function upload(base: string, token: string, ref: MediaRef, deps: AdapterDeps): Promise<DeliveryOutcome> {
  const blob = await storedMediaBlob(deps, ref);
  if (blob === null) return { kind: "failed", error: `attachment ${ref.sid} is no longer stored`, errorCode: null };
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", ref.content_type);
  form.set("file", blob, ref.filename ?? ref.sid);
  return graphSend(deps, `${base}/media`, token, form, (answer) => answer.id);
}
