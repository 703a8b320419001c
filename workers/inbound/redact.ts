/**
 * What of an inbound delivery is free text, and so has card numbers masked before anything else sees
 * it: message bodies, the names customers give themselves, status error messages, and the strings of
 * message attributes (subjects, locations, button titles …) but those under address and ID keys
 * (see card-attributes.ts). The rest is addresses and provider IDs — the customer's and our address,
 * the provider's message ID, the contact details a visitor gave, email thread IDs — and is never
 * passed through masking: a Messenger sender ID or a WhatsApp number that happens to pass a card check
 * must still reach the right person, and show as what it is.
 *
 * Pure (no Workers API), so the inbound path's handling of addresses is tested in plain Node.
 */
import { redactDeep } from "../../durable-objects/common/card-attributes";
import { redactCardNumbers } from "../../durable-objects/common/card-numbers";
import type { WebhookContent } from "../../channels/adapter";

/**
 * The content with every card number in its free text masked; addresses and IDs as they came.
 *
 * @example
 * redactContent({ messages: [{ …, body: "card 4111 1111 1111 1111" }], statuses: [] }).messages[0].body // "card **** **** **** 1111"
 */
export function redactContent(content: WebhookContent): WebhookContent {
  return {
    // Reactions and unsends carry IDs and an emoji, nothing to mask.
    ...content,
    messages: content.messages.map((m) => ({
      ...m,
      body: redactCardNumbers(m.body),
      customerName: m.customerName === null ? null : redactCardNumbers(m.customerName),
      attributes: redactDeep(m.attributes),
      ...(m.conversationAttributes ? { conversationAttributes: redactDeep(m.conversationAttributes) } : {}),
      ...(m.unverified ? { unverified: redactDeep(m.unverified) } : {}),
    })),
    statuses: content.statuses.map((s) => ({ ...s, errorMessage: s.errorMessage === null ? null : redactCardNumbers(s.errorMessage) })),
  };
}
