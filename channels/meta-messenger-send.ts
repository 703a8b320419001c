/**
 * Agents' replies to a Messenger or Instagram customer through Meta's Send API: `POST {graph}/me/messages`
 * with the page access token, `{recipient: {id}, messaging_type: "RESPONSE", message}` — the same shape
 * for both. The text goes first, then each attachment as a URL Meta fetches (`deps.mediaUrl`, a signed
 * expiring link to our media store: the Send API's upload form is Messenger-only, the URL form works on
 * both); reply choices (meta-replies.ts) become quick replies on the last part. The first part's
 * `message_id` is the message's provider ID, and a failure after a part went out is final, as for WhatsApp.
 */
import type { ChannelConfig } from "./channel-config";
import type { DeliveryOutcome, OutboundMessage } from "./messages";
import type { AdapterDeps } from "./adapter";
import { graphBase, graphSend, partsOutcome } from "./meta-graph";
import { flatChoices, outboundChoices } from "./meta-replies";

/** The Send API's attachment type for a stored attachment's content type. */
function attachmentType(contentType: string): "image" | "video" | "audio" | "file" {
  const type = contentType.split("/")[0]?.toLowerCase();
  return type === "image" || type === "video" || type === "audio" ? type : "file";
}

/**
 * Sends one message to a Messenger or Instagram customer. Never throws for Meta's refusal: that is the outcome.
 *
 * @example
 * await deliverMessenger("messenger", { ...message, customerAddress: "6783095745063455", body: "Hi" }, config, deps);
 * // { kind: "sent", providerMessageId: "m_AG5Hz2…" }
 */
export async function deliverMessenger(
  kind: "messenger" | "instagram",
  message: OutboundMessage,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<DeliveryOutcome> {
  const token = config.secrets.page_access_token;
  if (!token) return { kind: "failed", error: `the ${kind} channel has no page_access_token`, errorCode: null };
  const interactive = outboundChoices(message.attributes);
  if ("error" in interactive) return { kind: "failed", error: interactive.error, errorCode: null };

  const parts: Record<string, unknown>[] = [];
  if (message.body !== "") parts.push({ text: message.body });
  for (const ref of message.media) {
    if (!deps.mediaUrl)
      return { kind: "failed", error: "attachments need the channel's public webhook URL, and it has none", errorCode: null };
    const url = await deps.mediaUrl(ref);
    parts.push({ attachment: { type: attachmentType(ref.content_type), payload: { url, is_reusable: true } } });
  }
  if (parts.length === 0) return { kind: "failed", error: "the message has neither text nor attachments", errorCode: null };
  if (interactive.choices !== null) {
    const quickReplies = flatChoices(interactive.choices)
      .slice(0, 13)
      .map(({ id, title }) => ({ content_type: "text", title: title.slice(0, 20), payload: id }));
    parts[parts.length - 1] = { ...parts[parts.length - 1], quick_replies: quickReplies };
  }

  const url = `${graphBase(config)}/me/messages`;
  let firstId: string | null = null;
  for (const [sent, part] of parts.entries()) {
    const body = { recipient: { id: message.customerAddress }, messaging_type: "RESPONSE", message: part };
    const outcome = await graphSend(deps, url, token, body, (answer) => answer.message_id);
    if (outcome.kind !== "sent") return partsOutcome(outcome, sent, parts.length);
    firstId ??= outcome.providerMessageId;
  }
  return { kind: "sent", providerMessageId: firstId ?? "" };
}
