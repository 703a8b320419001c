/**
 * Email on the wire, both ways, with no runtime APIs beyond WebCrypto: a raw RFC 5322 message parsed
 * (postal-mime) into what the inbound path needs, and an agent's reply built as a raw MIME message
 * (mimetext) that keeps the customer's thread. The email channel's adapter (email.ts) and the Email
 * Workers handler (workers/inbound/email.ts) both go through here, so a mail is read the same whichever way
 * it arrived.
 *
 * mimetext is used through its `browser` entry: its default (Node) entry imports `node:os` and
 * `Buffer`, while the browser one needs only `js-base64`, which runs unchanged in workerd. Bodies and
 * attachments are base64-encoded here (mimetext writes them as given), and the threading headers are
 * built from Message-IDs this module extracted itself, so no header can carry a line break.
 */
import { createMimeMessage } from "mimetext/browser";
import PostalMime, { type Address } from "postal-mime";
import type { EmailThread, InboundMessage } from "./messages";
import type { MediaRef } from "../contract/conversations";
import { htmlToText, trimQuotedReply } from "./email-text";
import { sha256Hex } from "../platform/constant-time";

/** The largest mail taken (the raw message, attachments included), as most providers cap it. */
export const MAX_EMAIL_BYTES = 25 * 1024 * 1024;
/** The longest body kept on a message; the rest is cut with a note (attachments are kept whole). */
export const MAX_BODY_CHARS = 32_768;
/** References kept on a reply: the thread's first and the latest ones, as mail clients trim them. */
const MAX_REFERENCES = 20;

export interface EmailAttachment {
  readonly filename: string | null;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** A raw mail as the channel reads it. Addresses are lower-cased; Message-IDs keep their angle brackets. */
export interface ParsedEmail {
  /** The Message-ID header, or `<sha256-of-the-raw-bytes@switchboard.invalid>` when it has none. */
  readonly messageId: string;
  readonly from: { readonly address: string; readonly name: string | null } | null;
  readonly replyTo: string | null;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  /** The text part, or the HTML part converted to text. */
  readonly text: string;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly sentAt: number | null;
  readonly attachments: readonly EmailAttachment[];
}

/**
 * The Message-IDs in a header value (`In-Reply-To`, `References`), in order, each `<…>` without spaces.
 * @example messageIds("<a@x> junk <b@y>") // ["<a@x>", "<b@y>"]
 */
export function messageIds(header: string | null | undefined): string[] {
  return header?.match(/<[^<>\s]+>/g) ?? [];
}

const mailboxes = (addresses: readonly Address[] | Address | undefined): { address: string; name: string }[] =>
  (Array.isArray(addresses) ? addresses : addresses ? [addresses] : []).flatMap((a: Address) =>
    a.group ? a.group : a.address ? [{ address: a.address, name: a.name }] : [],
  );

/**
 * Reads a raw mail. Throws only on bytes postal-mime cannot read at all (callers map that to a
 * malformed message); the size limit is the caller's, checked before the bytes are buffered.
 *
 * @example
 * const mail = await parseEmail(new Uint8Array(await new Response(message.raw).arrayBuffer()));
 */
export async function parseEmail(raw: Uint8Array | string): Promise<ParsedEmail> {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  const email = await PostalMime.parse(bytes);
  const from = mailboxes(email.from)[0];
  const messageId = messageIds(email.messageId)[0] ?? `<${await sha256Hex(bytes)}@switchboard.invalid>`;
  const sentAt = email.date ? Date.parse(email.date) : NaN;
  return {
    messageId,
    from: from ? { address: from.address.toLowerCase(), name: from.name.trim() || null } : null,
    replyTo: mailboxes(email.replyTo)[0]?.address.toLowerCase() ?? null,
    to: mailboxes(email.to).map((m) => m.address.toLowerCase()),
    cc: mailboxes(email.cc).map((m) => m.address.toLowerCase()),
    subject: (email.subject ?? "").trim(),
    text: (email.text ?? (email.html ? htmlToText(email.html) : "")).replace(/\r\n?/g, "\n").trim(),
    inReplyTo: messageIds(email.inReplyTo)[0] ?? null,
    references: messageIds(email.references),
    sentAt: Number.isFinite(sentAt) ? sentAt : null,
    attachments: email.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.mimeType,
      bytes: typeof a.content === "string" ? new TextEncoder().encode(a.content) : new Uint8Array(a.content),
    })),
  };
}

/**
 * The body an agent reads: a reply's new text without the quoted history, the subject for a mail with
 * no text at all, cut at {@link MAX_BODY_CHARS}.
 */
function agentBody(mail: ParsedEmail): string {
  const isReply = mail.inReplyTo !== null || mail.references.length > 0;
  const text = (isReply ? trimQuotedReply(mail.text) : mail.text) || mail.subject;
  if (text.length <= MAX_BODY_CHARS) return text;
  return `${text.slice(0, MAX_BODY_CHARS)}\n[… ${text.length - MAX_BODY_CHARS} more characters not shown]`;
}

/**
 * The normalized inbound message of a parsed mail whose attachments are already stored as `media`.
 * The customer is the From address (the one DMARC vouches for; Reply-To is kept in the attributes);
 * the subject and headers go in `attributes.email`, where the inbound path redacts card numbers.
 * Answers null for a mail without a From address.
 *
 * @example
 * const message = emailToInbound(mail, "support@acme.test", media, Date.now());
 */
export function emailToInbound(mail: ParsedEmail, proxyAddress: string, media: readonly MediaRef[], now: number): InboundMessage | null {
  if (!mail.from) return null;
  const thread: EmailThread = { messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references, subject: mail.subject };
  return {
    providerMessageId: mail.messageId,
    channel: "email",
    customerAddress: mail.from.address,
    proxyAddress: proxyAddress.toLowerCase(),
    customerName: mail.from.name,
    body: agentBody(mail),
    media,
    attributes: {
      email: {
        subject: mail.subject,
        message_id: mail.messageId,
        in_reply_to: mail.inReplyTo,
        references: mail.references,
        from: mail.from.address,
        reply_to: mail.replyTo,
        to: mail.to,
        cc: mail.cc,
      },
    },
    thread,
    sentAt: mail.sentAt ?? now,
  };
}

// ── outbound ───────────────────────────────────────────────────────────────────────────────────────

/**
 * "Re: " and the subject without the reply prefixes it already has (Re, RE, Aw, Sv, Antw; "Re[2]").
 * @example replySubject("RE: Re: Order #4411") // "Re: Order #4411"
 */
export function replySubject(subject: string): string {
  const bare = subject.replace(/^\s*((re|aw|sv|antw)(\[\d+\])?\s*:\s*)+/i, "").trim();
  return `Re: ${bare}`;
}

/**
 * The References of an outbound mail whose headers are `thread` (as the ConversationDO fills it: the
 * mail it answers in `inReplyTo`, that mail's references in `references`): the references, then the
 * answered Message-ID once, trimmed to the thread's first and its latest, as mail clients trim them.
 *
 * @example replyReferences({ messageId: "<new@x>", inReplyTo: "<b@x>", references: ["<a@x>"], subject: "s" }) // ["<a@x>", "<b@x>"]
 */
export function replyReferences(thread: EmailThread): string[] {
  const all = [...new Set([...thread.references, thread.inReplyTo ?? ""].flatMap((id) => messageIds(id)))];
  return all.length <= MAX_REFERENCES ? all : [all[0]!, ...all.slice(all.length - (MAX_REFERENCES - 1))];
}

/** One mail an agent sends. `inReplyTo` and `references` are Message-IDs with their angle brackets. */
export interface OutboundEmail {
  readonly from: { readonly address: string; readonly name: string | null };
  readonly to: string;
  readonly subject: string;
  readonly messageId: string;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly text: string;
  readonly date: Date;
  readonly attachments: readonly EmailAttachment[];
}

/** Whether a string is one plain address (no display name, no spaces or line breaks). */
export const isMailAddress = (value: string): boolean => /^[^\s<>()[\]",;:\\@]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$/.test(value);

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Base64 in lines of 76 characters, as RFC 2045 requires of a body. */
const base64Lines = (bytes: Uint8Array): string => base64(bytes).replace(/.{76}(?=.)/g, "$&\r\n");

/** A file name safe inside a quoted MIME parameter (printable ASCII, no quotes or backslashes). */
const safeFilename = (name: string | null): string =>
  (name ?? "attachment").replace(/[^\x20-\x7e]|["\\]/g, "_").slice(0, 120) || "attachment";

const safeContentType = (type: string): string => (/^[\w.+-]+\/[\w.+-]+$/.test(type) ? type.toLowerCase() : "application/octet-stream");

/**
 * The raw MIME of an agent's reply: UTF-8 text (base64), attachments, and the threading headers.
 * Throws on an address that is not a plain address (the caller checks first and fails the delivery).
 *
 * @example
 * const raw = buildEmail({ from: { address: "support@acme.test", name: "Acme" }, to: "maria@example.org",
 *   subject: "Re: Order", messageId: "<IM…@acme.test>", inReplyTo: "<CAF…@mail.example.org>",
 *   references: ["<CAF…@mail.example.org>"], text: "It ships today.", date: new Date(), attachments: [] });
 */
export function buildEmail(mail: OutboundEmail): string {
  if (!isMailAddress(mail.from.address)) throw new Error("The channel's address is not a valid email address");
  if (!isMailAddress(mail.to)) throw new Error("The customer's address is not a valid email address");
  const message = createMimeMessage();
  message.setSender(mail.from.name ? { addr: mail.from.address, name: mail.from.name } : { addr: mail.from.address });
  message.setTo({ addr: mail.to });
  message.setSubject(mail.subject);
  message.setHeader("Date", mail.date.toUTCString().replace(/GMT$/, "+0000"));
  message.setHeader("Message-ID", messageIds(mail.messageId)[0] ?? "");
  const inReplyTo = messageIds(mail.inReplyTo)[0];
  if (inReplyTo) message.setHeader("In-Reply-To", inReplyTo);
  const references = mail.references.flatMap((id) => messageIds(id));
  // Folded one ID per line, so a long thread never makes a line over RFC 5322's 998 characters.
  if (references.length > 0) message.setHeader("References", references.join("\r\n "));
  message.addMessage({ contentType: "text/plain", encoding: "base64", data: base64Lines(new TextEncoder().encode(mail.text)) });
  for (const file of mail.attachments) {
    message.addAttachment({
      filename: safeFilename(file.filename),
      contentType: safeContentType(file.contentType),
      data: base64Lines(file.bytes),
    });
  }
  return message.asRaw();
}
