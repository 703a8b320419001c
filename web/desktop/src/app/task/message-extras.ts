/**
 * What a message carries besides its text and attachments that the agent must see, read from its
 * attributes (set by the channel adapters on the server): a placeholder for a message Switchboard
 * cannot show, a WhatsApp Flows reply's answers, the customer's reaction to it, the ad or link they
 * came from, what they opted in to. Pure, so the rules are tested without a DOM; message-extras-view.tsx
 * renders them.
 */
import type { MessageRecord } from "../../../../../contract/conversations";
import { isRecord } from "../../../../../contract/is-record";

export type MessageExtra =
  | { readonly kind: "unsupported"; readonly type: string; readonly reason: string }
  | { readonly kind: "form"; readonly answers: readonly { readonly name: string; readonly value: string }[] }
  | { readonly kind: "reaction"; readonly emoji: string }
  | { readonly kind: "ad"; readonly title: string }
  | { readonly kind: "link"; readonly ref: string }
  | { readonly kind: "optin"; readonly title: string };

type Json = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** The message's attributes as an object; {} when they are not one (the API takes any JSON). */
export function attributesOf(message: MessageRecord): Json {
  try {
    const value = JSON.parse(message.attributes) as unknown;
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

/** Whether the customer withdrew the message (Instagram's unsend): it is not shown. */
export const isRemoved = (message: MessageRecord): boolean => isRecord(attributesOf(message).removed);

/** A Flows reply's answers as name/value rows; the flow token is Meta's bookkeeping, not an answer. */
function answersOf(response: unknown): { name: string; value: string }[] {
  if (!isRecord(response)) return text(response) ? [{ name: "response", value: String(response) }] : [];
  return Object.entries(response)
    .filter(([name]) => name !== "flow_token")
    .map(([name, value]) => ({ name, value: typeof value === "string" ? value : JSON.stringify(value) }));
}

/**
 * The extras of one message, in the order they are shown.
 * @example messageExtras(message({ attributes: '{"reactions":[{"by":"customer","emoji":"❤️"}]}' })) // [{ kind: "reaction", emoji: "❤️" }]
 */
export function messageExtras(message: MessageRecord): MessageExtra[] {
  const attributes = attributesOf(message);
  const extras: MessageExtra[] = [];
  const { referral, optin, unsupported, interactive, reactions } = attributes;
  if (isRecord(referral)) {
    // Meta's shape (source, ad_id, ads_context_data.ad_title, ref) or Twilio's (sourceType, sourceId, headline, sourceUrl).
    const title = isRecord(referral.ads_context_data) ? text(referral.ads_context_data.ad_title) : text(referral.headline);
    const adId = text(referral.ad_id) ?? text(referral.sourceId);
    if (referral.source === "ADS" || referral.sourceType === "ad" || adId) extras.push({ kind: "ad", title: title ?? adId ?? "" });
    else {
      const ref = text(referral.ref) ?? text(referral.referer_uri) ?? text(referral.sourceUrl) ?? text(referral.source);
      if (ref) extras.push({ kind: "link", ref });
    }
  }
  if (isRecord(optin)) extras.push({ kind: "optin", title: text(optin.title) ?? text(optin.payload) ?? text(optin.type) ?? "" });
  if (isRecord(unsupported))
    extras.push({ kind: "unsupported", type: text(unsupported.type) ?? "?", reason: text(unsupported.reason) ?? "" });
  if (isRecord(interactive) && interactive.type === "nfm_reply") extras.push({ kind: "form", answers: answersOf(interactive.response) });
  if (Array.isArray(reactions))
    for (const reaction of reactions)
      if (isRecord(reaction) && text(reaction.emoji)) extras.push({ kind: "reaction", emoji: String(reaction.emoji) });
  return extras;
}
