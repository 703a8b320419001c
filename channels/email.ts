/**
 * The email channel's adapter: mail that reaches us through a provider's inbound-parse webhook, and
 * agents' replies sent through Mailgun's MIME API with the headers that keep them in the customer's
 * thread. (Mail routed to the Worker by Cloudflare Email Routing arrives at workers/inbound/email.ts instead;
 * both turn a raw mail into a message with {@link mailToInbound}.)
 *
 * Inbound webhooks (`POST /webhooks/WS…/XC…`), read by email-inbound.ts: SendGrid Inbound Parse in
 * either mode (the raw MIME in `email`, or its parsed form), Mailgun's `body-mime`, Postmark's inbound
 * JSON. None of them signs that request in a way we can check without its API, so the channel's
 * `inbound_parse_secret` is the password of HTTP Basic credentials in the URL the provider is given:
 * `https://any:<inbound_parse_secret>@switchboard.example/webhooks/WS…/XC…` (any user name), checked
 * before the body is read.
 *
 * Outbound: `POST {mail_api_base_url}/v3/{mail_domain}/messages.mime` with Basic `api:{mail_api_key}`
 * and a form of `to` and `message` (the raw MIME as a file), as Mailgun documents it. `message.thread`
 * carries the outbound mail's headers as the ConversationDO fills them (`inReplyTo`: the customer's
 * latest mail; `references`: that mail's references; `subject`). The Message-ID is always ours,
 * `<IM…@mail_domain>` (a Message-ID outside the sending domain costs deliverability), and is the
 * delivery's provider message ID, so a customer's reply (whose In-Reply-To names it) threads back.
 */
import type { ChannelConfig } from "./channel-config";
import type { DeliveryOutcome, InboundMessage, OutboundMessage } from "./messages";
import type { MediaRef } from "../contract/conversations";
import type { ChannelAdapter, MediaStore } from "./adapter";
import {
  buildEmail,
  emailToInbound,
  isMailAddress,
  MAX_EMAIL_BYTES,
  messageIds,
  replyReferences,
  replySubject,
  type EmailAttachment,
  type ParsedEmail,
} from "./email-mime";
import { readInboundMail } from "./email-inbound";
import { sameSecret } from "../platform/constant-time";

const MAILGUN_BASE_URL = "https://api.mailgun.net";

/** The channel's support address, lower-cased ("" when unset: the channel API requires it). */
export const channelAddress = (config: ChannelConfig): string => String(config.settings.address ?? "").toLowerCase();

/** Where our Message-IDs live: `mail_domain`, else the domain of the channel's address. */
const mailDomain = (config: ChannelConfig): string =>
  String(config.settings.mail_domain || channelAddress(config).split("@")[1] || "").toLowerCase();

function basicPassword(header: string | null): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return null;
  try {
    const decoded = atob(match[1]!);
    const colon = decoded.indexOf(":");
    return colon < 0 ? null : decoded.slice(colon + 1);
  } catch {
    return null; // not base64: no credentials at all
  }
}

/**
 * Stores a parsed mail's attachments and normalizes it. Null for a mail we must not take: one without
 * a From address, or one from the channel's own address (a bounce or auto-reply loop).
 * Attachments over the media store's limit are left out and listed in `attributes.email.skipped_attachments`.
 *
 * @example
 * const message = await mailToInbound(await parseEmail(raw), config, mediaStore(env, config.workspaceSid), Date.now());
 */
export async function mailToInbound(
  mail: ParsedEmail,
  config: ChannelConfig,
  media: MediaStore,
  now: number,
): Promise<InboundMessage | null> {
  const address = channelAddress(config);
  if (!mail.from || mail.from.address === address) return null;
  const stored: MediaRef[] = [];
  const skipped: { filename: string | null; content_type: string; size: number }[] = [];
  for (const file of mail.attachments) {
    try {
      stored.push(await media.put(file.bytes, file.contentType, file.filename));
    } catch (error) {
      if (!(error instanceof Error && error.name === "MediaTooLarge")) throw error;
      skipped.push({ filename: file.filename, content_type: file.contentType, size: file.bytes.byteLength });
    }
  }
  const message = emailToInbound(mail, address, stored, now);
  if (!message || skipped.length === 0) return message;
  const email = { ...(message.attributes.email as Record<string, unknown>), skipped_attachments: skipped };
  return { ...message, attributes: { ...message.attributes, email } };
}

const retry = (error: string): DeliveryOutcome => ({ kind: "retry", error });
const failed = (error: string, errorCode: string | null = null): DeliveryOutcome => ({ kind: "failed", error, errorCode });

/** The bytes of the message's attachments, or a reason it cannot be sent. */
async function attachmentsOf(media: readonly MediaRef[], store: MediaStore): Promise<EmailAttachment[] | string> {
  const files: EmailAttachment[] = [];
  let total = 0;
  for (const ref of media) {
    const found = await store.get(ref.sid);
    if (!found) return `Attachment ${ref.sid} is no longer stored`;
    const bytes = new Uint8Array(await new Response(found.body).arrayBuffer());
    total += bytes.byteLength;
    if (total > MAX_EMAIL_BYTES) return `The attachments exceed ${MAX_EMAIL_BYTES} bytes`;
    files.push({ filename: found.ref.filename, contentType: found.ref.content_type, bytes });
  }
  return files;
}

/** The subject of a mail that starts a thread (no inbound mail to answer): the message's own, or the team's name. */
function firstSubject(message: OutboundMessage, config: ChannelConfig): string {
  const email = message.attributes.email as { subject?: unknown } | undefined;
  if (typeof email?.subject === "string" && email.subject.trim() !== "") return email.subject.trim();
  return `Message from ${String(config.settings.from_name || config.friendlyName)}`;
}

/** Mailgun's error text, short (its bodies are `{"message": "…"}`), never anything of ours. */
async function providerMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message.slice(0, 200);
  } catch {
    // not JSON: use the text itself
  }
  return text.slice(0, 200);
}

export const emailAdapter: ChannelAdapter = {
  kind: "email",
  // The raw mail (up to 25 MB) plus the other fields SendGrid posts beside it (headers, envelope, SPF …);
  // Postmark's JSON carries attachments in base64, about as large as a raw mail's.
  maxBodyBytes: MAX_EMAIL_BYTES + 7 * 1024 * 1024,
  // HTTP Basic credentials that do not hold: 401, as for every Basic-authenticated route.
  refusalStatus: 401,

  async verify(request, config) {
    const secret = config.secrets.inbound_parse_secret;
    const given = basicPassword(request.headers.get("authorization"));
    if (!secret || given === null) return false;
    return sameSecret(given, secret);
  },

  async parse(request, config, deps) {
    const mail = await readInboundMail(request);
    const message = await mailToInbound(mail, config, deps.media, deps.now());
    return { messages: message ? [message] : [], statuses: [] };
  },

  acknowledge() {
    // Both providers take any 2xx as "delivered" and retry otherwise.
    return new Response(null, { status: 200 });
  },

  async deliver(message, config, deps) {
    const apiKey = config.secrets.mail_api_key;
    if (!apiKey) return failed("The email channel has no mail_api_key to send with");
    const address = channelAddress(config);
    const domain = mailDomain(config);
    if (!isMailAddress(address) || domain === "") return failed("The email channel's address is not a valid email address");
    if (!isMailAddress(message.customerAddress)) return failed("The customer's address is not a valid email address");
    const attachments = await attachmentsOf(message.media, deps.media);
    if (typeof attachments === "string") return failed(attachments);

    const messageId = `<${message.messageSid}@${domain}>`;
    const thread = message.thread;
    const raw = buildEmail({
      from: { address, name: String(config.settings.from_name || "") || null },
      to: message.customerAddress,
      subject: thread?.inReplyTo ? replySubject(thread.subject) : thread?.subject || firstSubject(message, config),
      messageId,
      inReplyTo: messageIds(thread?.inReplyTo)[0] ?? null,
      references: thread ? replyReferences(thread) : [],
      text: message.body,
      date: new Date(deps.now()),
      attachments,
    });

    const form = new FormData();
    form.append("to", message.customerAddress);
    form.append("message", new Blob([raw], { type: "message/rfc822" }), "message.mime");
    const base = String(config.settings.mail_api_base_url || MAILGUN_BASE_URL).replace(/\/+$/, "");
    let response: Response;
    try {
      response = await deps.fetch(`${base}/v3/${encodeURIComponent(domain)}/messages.mime`, {
        method: "POST",
        headers: { Authorization: `Basic ${btoa(`api:${apiKey}`)}` },
        body: form,
      });
    } catch (error) {
      return retry(`Mailgun could not be reached: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.ok) {
      await response.body?.cancel();
      return { kind: "sent", providerMessageId: messageId };
    }
    const detail = await providerMessage(response);
    if (response.status === 429 || response.status >= 500) return retry(`Mailgun answered ${response.status}: ${detail}`);
    return failed(`Mailgun refused the message (${response.status}): ${detail}`, String(response.status));
  },
};
