/**
 * SMS, MMS and WhatsApp through a Twilio number: Twilio's messaging webhook in, the Messages API out.
 *
 * In: a form-encoded POST signed with `X-Twilio-Signature` (HMAC-SHA1 of the URL and the sorted
 * parameters under the channel's auth token, see callbacks/signature.ts) whose AccountSid must be
 * the channel's; a bad signature is answered 403, as Twilio's own helper libraries do. A message's
 * channel is `whatsapp` when From carries Twilio's `whatsapp:` prefix, else `sms`. MMS / WhatsApp media
 * are fetched with the channel's credentials and stored — but only from the configured API origin
 * (`api_base_url`, default https://api.twilio.com): a URL elsewhere is skipped and noted on the
 * message, so a forged webhook cannot make us fetch arbitrary URLs. WhatsApp locations, quick-reply
 * buttons and click-to-WhatsApp referrals become message attributes; where the numbers are (FromCity,
 * FromState, FromZip, FromCountry and the To* twins, as `from_city` …) and the referral go on the
 * conversation and its task (`conversationAttributes`). Status callbacks (MessageStatus)
 * become status updates of the customer (To) address.
 *
 * Out: `POST {api_base_url}/2010-04-01/Accounts/{AC}/Messages.json` with Basic auth, From the channel's
 * number (or its `whatsapp:` twin for WhatsApp customers), MediaUrl signed public links to our media
 * route, StatusCallback the channel's webhook URL. 201 → sent; 429, 5xx or a network error → retry;
 * any other answer → failed with Twilio's error code.
 */
import type { ChannelConfig } from "./channel-config";
import type { DeliveryOutcome, InboundMessage, OutboundMessage, StatusUpdate } from "./messages";
import type { MediaRef } from "../contract/conversations";
import { validTwilioSignature } from "../callbacks/signature";
import { keepMedia, MalformedWebhook, type AdapterDeps, type ChannelAdapter, type WebhookRequest } from "./adapter";

export const TWILIO_API_BASE_URL = "https://api.twilio.com";

const STATUSES = ["sent", "delivered", "read", "failed", "undelivered"] as const;
type ReportedStatus = (typeof STATUSES)[number];

const decoder = new TextDecoder();

/** The form parameters, one value per name (Twilio never repeats one). */
function formParams(rawBody: Uint8Array): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(decoder.decode(rawBody)));
}

const setting = (config: ChannelConfig, name: string): string => {
  const value = config.settings[name];
  return typeof value === "string" ? value : "";
};
const apiBase = (config: ChannelConfig): string => (setting(config, "api_base_url") || TWILIO_API_BASE_URL).replace(/\/+$/, "");
const basicAuth = (config: ChannelConfig): string =>
  `Basic ${btoa(`${setting(config, "twilio_account_sid")}:${config.secrets.auth_token ?? ""}`)}`;

/** A number with or without Twilio's `whatsapp:` prefix, to match the customer's channel. */
function twin(number: string, whatsapp: boolean): string {
  const bare = number.replace(/^whatsapp:/, "");
  return whatsapp ? `whatsapp:${bare}` : bare;
}

/** WhatsApp extras Twilio adds to the webhook, as message attributes. */
function extras(p: Record<string, string>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  if (p.WaId) attributes.wa_id = p.WaId;
  if (p.Latitude && p.Longitude) {
    attributes.location = {
      latitude: Number(p.Latitude),
      longitude: Number(p.Longitude),
      ...(p.Label ? { name: p.Label } : {}),
      ...(p.Address ? { address: p.Address } : {}),
    };
  }
  if (p.ButtonText || p.ButtonPayload)
    attributes.interactive = { type: "button", id: p.ButtonPayload ?? null, title: p.ButtonText ?? null };
  const referral = Object.fromEntries(
    Object.entries(p)
      .filter(([name]) => name.startsWith("Referral"))
      .map(([name, value]) => [name.slice("Referral".length).replace(/^./, (ch) => ch.toLowerCase()), value]),
  );
  if (Object.keys(referral).length > 0) attributes.referral = referral;
  return attributes;
}

/** Twilio's geographic parameters of a number (US and Canadian numbers), as task attribute names. */
const LOCATION = {
  FromCity: "from_city",
  FromState: "from_state",
  FromZip: "from_zip",
  FromCountry: "from_country",
  ToCity: "to_city",
  ToState: "to_state",
  ToZip: "to_zip",
  ToCountry: "to_country",
} as const;

/**
 * What the webhook says about the customer, for the conversation and its task: where the numbers are
 * (only what Twilio filled in; it sends the names with empty values when it does not know) and a
 * click-to-WhatsApp ad's referral.
 */
function conversationContext(p: Record<string, string>, attributes: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const [param, name] of Object.entries(LOCATION)) if (p[param]) context[name] = p[param];
  if (attributes.referral) context.referral = attributes.referral;
  return context;
}

/** Fetches and stores the message's media from the Twilio API origin only; the rest is noted, not fetched. */
async function storeMedia(
  p: Record<string, string>,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<{ media: MediaRef[]; notes: Record<string, unknown> }> {
  const count = Math.min(Number.parseInt(p.NumMedia ?? "0", 10) || 0, 10);
  const media: MediaRef[] = [];
  const skipped: { index: number; reason: string }[] = [];
  const allowedOrigin = new URL(apiBase(config)).origin;
  for (let i = 0; i < count; i++) {
    const url = p[`MediaUrl${i}`];
    if (!url || !URL.canParse(url) || new URL(url).origin !== allowedOrigin) {
      skipped.push({ index: i, reason: "not on the Twilio API origin" });
      continue;
    }
    try {
      const response = await deps.fetch(url, { headers: { Authorization: basicAuth(config) } });
      const kept = response.ok ? await keepMedia(response, deps.media, p[`MediaContentType${i}`] || null, null) : null;
      if (kept) media.push(kept);
      else skipped.push({ index: i, reason: response.ok ? "larger than 10 MB" : `Twilio answered ${response.status}` });
    } catch (error) {
      skipped.push({ index: i, reason: error instanceof Error ? error.message : "fetch failed" });
    }
  }
  return { media, notes: skipped.length > 0 ? { media_skipped: skipped } : {} };
}

function statusUpdate(p: Record<string, string>, deps: AdapterDeps): StatusUpdate[] {
  const status = p.MessageStatus as ReportedStatus;
  if (!(STATUSES as readonly string[]).includes(status)) return []; // queued, sending, accepted …: nothing to show yet
  if (!p.MessageSid || !p.To) throw new MalformedWebhook("a status callback needs MessageSid and To");
  return [
    {
      providerMessageId: p.MessageSid,
      customerAddress: p.To,
      status,
      errorCode: p.ErrorCode || null,
      errorMessage: p.ErrorCode ? `Twilio error ${p.ErrorCode}` : null,
      at: deps.now(),
    },
  ];
}

/** The error Twilio's Messages API answered with, or a description of the answer. */
async function twilioError(response: Response): Promise<{ code: string | null; message: string }> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    return {
      code: body.code === undefined || body.code === null ? null : String(body.code),
      message: typeof body.message === "string" ? body.message : `Twilio answered ${response.status}`,
    };
  } catch {
    return { code: null, message: `Twilio answered ${response.status}` };
  }
}

export const twilioAdapter: ChannelAdapter = {
  kind: "twilio",
  refusalStatus: 403,

  async verify(request: WebhookRequest, config: ChannelConfig): Promise<boolean> {
    const token = config.secrets.auth_token;
    const signature = request.headers.get("x-twilio-signature");
    if (!token || !signature) return false;
    const params = formParams(request.rawBody);
    if (params.AccountSid !== setting(config, "twilio_account_sid")) return false;
    return validTwilioSignature(token, signature, request.url, params);
  },

  async parse(request, config, deps) {
    const p = formParams(request.rawBody);
    if (p.MessageStatus !== undefined) return { messages: [], statuses: statusUpdate(p, deps) };
    if (!p.MessageSid || !p.From || !p.To) throw new MalformedWebhook("an inbound message needs MessageSid, From and To");
    const { media, notes } = await storeMedia(p, config, deps);
    const attributes = { ...extras(p), ...notes };
    const message: InboundMessage = {
      providerMessageId: p.MessageSid,
      channel: p.From.startsWith("whatsapp:") ? "whatsapp" : "sms",
      customerAddress: p.From,
      proxyAddress: p.To,
      customerName: p.ProfileName || null,
      body: p.Body ?? "",
      media,
      attributes,
      conversationAttributes: conversationContext(p, attributes),
      thread: null,
      sentAt: deps.now(),
    };
    return { messages: [message], statuses: [] };
  },

  acknowledge() {
    return new Response('<?xml version="1.0" encoding="UTF-8"?><Response/>', { status: 200, headers: { "Content-Type": "text/xml" } });
  },

  async deliver(message: OutboundMessage, config: ChannelConfig, deps: AdapterDeps): Promise<DeliveryOutcome> {
    const whatsapp = message.customerAddress.startsWith("whatsapp:");
    const form = new URLSearchParams({ To: message.customerAddress, From: twin(setting(config, "phone_number"), whatsapp) });
    if (message.body !== "") form.set("Body", message.body);
    if (deps.mediaUrl) for (const ref of message.media) form.append("MediaUrl", await deps.mediaUrl(ref));
    if (!form.has("Body") && !form.has("MediaUrl")) {
      return { kind: "failed", error: "Nothing to send: no text, and the media have no public URL", errorCode: null };
    }
    if (deps.webhookUrl) form.set("StatusCallback", deps.webhookUrl);
    const url = `${apiBase(config)}/2010-04-01/Accounts/${setting(config, "twilio_account_sid")}/Messages.json`;
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method: "POST",
        headers: { Authorization: basicAuth(config), "Content-Type": "application/x-www-form-urlencoded" },
        body: form,
      });
    } catch (error) {
      return { kind: "retry", error: `Twilio unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (response.status === 201 || response.status === 200) {
      const body = (await response.json()) as { sid?: unknown };
      if (typeof body.sid === "string") return { kind: "sent", providerMessageId: body.sid };
      return { kind: "retry", error: "Twilio answered without a message SID" };
    }
    const { code, message: reason } = await twilioError(response);
    if (response.status === 429 || response.status >= 500) return { kind: "retry", error: `Twilio ${response.status}: ${reason}` };
    return { kind: "failed", error: `Twilio ${response.status}: ${reason}`, errorCode: code };
  },
};
