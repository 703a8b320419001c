/**
 * Which adapter serves each kind of channel. The inbound route and `deliverOutbound` look adapters up
 * here and nowhere else, so connecting a new provider is one file plus one line below.
 *
 * Each adapter's author adds its import and entry (one line each): `whatsapp.ts` exports
 * `whatsappAdapter`, `meta-messenger.ts` `messengerAdapter` and `instagramAdapter`, `email.ts`
 * `emailAdapter`. A kind without an adapter answers 404 on its webhook and `failed` on delivery.
 *
 * Web chat has no provider, so no adapter: its customers send through the widget's own routes and read
 * replies on their socket, and `deliverOutbound` never reaches an adapter for it (see outbound.ts).
 */
import type { ChannelKind } from "./channel-config";
import type { ChannelAdapter } from "./adapter";
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
