/**
 * The web chat channel's adapter. Web chat has no provider: visitors reach Switchboard through the
 * widget's own routes (workers/api/webchat.ts, authenticated by a visitor session), never through a
 * webhook, and read agents' replies on their live socket. So no webhook is ever genuine (`verify` is
 * false, and the inbound path answers 401 before parsing), and delivering is already done once the
 * ConversationDO has the message (`sent`, with the message SID as the "provider" ID).
 */
import { MalformedWebhook, type ChannelAdapter } from "./adapter";

/**
 * @example webchatAdapter.deliver(message, config, deps) // { kind: "sent", providerMessageId: message.messageSid }
 */
export const webchatAdapter: ChannelAdapter = {
  kind: "webchat",
  refusalStatus: 401,
  verify: async () => false,
  parse: async () => {
    throw new MalformedWebhook("Web chat has no webhooks: visitors write through /api/webchat/…");
  },
  acknowledge: () => new Response(null, { status: 204 }),
  deliver: async (message) => ({ kind: "sent", providerMessageId: message.messageSid }),
};
