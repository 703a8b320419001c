/**
 * Facebook Messenger (kind `messenger`, webhooks with `object: "page"`) and Instagram messaging (kind
 * `instagram`, `object: "instagram"`): one wire format, the Messenger Platform's `entry[].messaging[]`
 * events, so one adapter factory serves both. Replies go out through the Send API (meta-messenger-send.ts).
 *
 * Addresses: the customer is the page-scoped (PSID) or Instagram-scoped (IGSID) ID in `sender.id`; our
 * side is the page (or Instagram account) ID in the channel's `page_id`. Entries for other pages are
 * ignored, since one Meta app may serve many pages, each its own channel.
 *
 * Each event becomes a message, a change to an earlier message (a reaction, an unsend) or receipts
 * (`delivery` and `read`, per message ID where Meta gives one, else by `watermark`, see StatusUpdate):
 * meta-messenger-events.ts reads them. Echoes of our own sends (`is_echo`), events of a plugin's
 * `user_ref` (no PSID yet) and `standby` events (another app owns the thread) are dropped.
 */
import { z } from "zod";
import type { ChannelConfig, ChannelKind } from "./channel-config";
import type { InboundMessage, MessageChange, StatusUpdate } from "./messages";
import type { AdapterDeps, ChannelAdapter, WebhookContent, WebhookRequest } from "./adapter";
import { checked, readPayload } from "./meta-graph";
import { changeOf, messageOf, messagingEvent, receiptsOf, type MessagingEvent } from "./meta-messenger-events";
import { deliverMessenger } from "./meta-messenger-send";
import { metaChallenge, validMetaSignature } from "./meta-signature";

const payloadOf = (object: "page" | "instagram") =>
  z.object({
    object: z.literal(object),
    entry: z.array(z.object({ id: z.string(), messaging: z.array(z.unknown()).optional() })),
  });

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
  const changes: MessageChange[] = [];
  for (const [e, entry] of body.entry.entries()) {
    if (entry.id !== pageId) continue;
    for (const [m, raw] of (entry.messaging ?? []).entries()) {
      const parsed = checked(messagingEvent, raw, ["entry", e, "messaging", m]);
      const senderId = parsed.sender.id;
      if (senderId === undefined) continue; // a plugin's user_ref: no conversation to put it in
      const item: MessagingEvent = { ...parsed, sender: { ...parsed.sender, id: senderId } };
      // Our own sends come back as echoes (sometimes without is_echo, e.g. from the page inbox).
      if (item.sender.id === pageId || item.message?.is_echo) continue;
      const at = item.timestamp ?? deps.now();
      statuses.push(...receiptsOf(item, at));
      const change = changeOf(item, at);
      if (change) {
        changes.push(change);
        continue;
      }
      const inbound = await messageOf(item, kind, at, config, deps);
      if (inbound) messages.push(inbound);
    }
  }
  return changes.length > 0 ? { messages, statuses, changes } : { messages, statuses };
}
