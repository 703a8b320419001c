/**
 * Which adapter serves each kind of channel, and the one delivery call through it. The inbound route
 * and the Deliver port (outbound.ts) look adapters up here and nowhere else, so connecting a new
 * provider is one file plus one line below.
 *
 * Each adapter's author adds its import and entry (one line each): `whatsapp.ts` exports
 * `whatsappAdapter`, `meta-messenger.ts` `messengerAdapter` and `instagramAdapter`, `email.ts`
 * `emailAdapter`. A kind without an adapter answers 404 on its webhook and `failed` on delivery.
 *
 * Web chat has no provider, so no adapter: its customers send through the widget's own routes and read
 * replies on their socket, so a web chat message counts as sent the moment it is stored
 * (providerMessageId = the message SID).
 */
import type { ChannelConfig, ChannelKind } from "./channel-config";
import type { AdapterDeps, ChannelAdapter } from "./adapter";
import type { DeliveryOutcome, OutboundMessage } from "./messages";
import { customAdapter } from "./custom";
import { emailAdapter } from "./email";
import { instagramAdapter, messengerAdapter } from "./meta-messenger";
import { twilioAdapter } from "./twilio";
import { whatsappAdapter } from "./whatsapp";

const ADAPTERS: Partial<Record<ChannelKind, ChannelAdapter>> = {
  twilio: twilioAdapter,
  custom: customAdapter,
  whatsapp: whatsappAdapter,
  messenger: messengerAdapter,
  instagram: instagramAdapter,
  email: emailAdapter,
};

/**
 * The adapter of a kind, or null when none is installed.
 *
 * @example
 * adapterFor("twilio")?.acknowledge(); // 200 <Response/>
 */
export function adapterFor(kind: ChannelKind): ChannelAdapter | null {
  return ADAPTERS[kind] ?? null;
}

/**
 * One delivery attempt of `message` through the channel's adapter. Never throws: an adapter that
 * throws (a bug, or a network failure it did not catch) is a `retry`, so the message is not lost.
 *
 * @example
 * const outcome = await deliverThrough(message, config, deps);
 * if (outcome.kind === "retry") scheduleRetry(); // sent → record outcome.providerMessageId; failed → show outcome.error
 */
export async function deliverThrough(message: OutboundMessage, config: ChannelConfig, deps: AdapterDeps): Promise<DeliveryOutcome> {
  if (config.kind === "webchat") return { kind: "sent", providerMessageId: message.messageSid };
  const adapter = adapterFor(config.kind);
  if (!adapter) return { kind: "failed", error: `No adapter delivers ${config.kind} messages in this deployment`, errorCode: null };
  try {
    return await adapter.deliver(message, config, deps);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`deliverThrough: the ${config.kind} adapter threw for message ${message.messageSid} of channel ${config.sid}: ${reason}`);
    return { kind: "retry", error: `The ${config.kind} adapter failed: ${reason}` };
  }
}
