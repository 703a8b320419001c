/**
 * An inbound-mail webhook's body read into a {@link ParsedEmail}, whichever provider posted it, so the
 * email channel takes them all on one URL (told apart by what the body holds):
 * - SendGrid Inbound Parse, "POST the raw, full MIME message": multipart with the mail in `email`;
 * - Mailgun, a route forwarding to a URL ending in "mime": the mail in `body-mime`;
 * - SendGrid Inbound Parse's default (parsed) mode: multipart with the mail's header block in `headers`,
 *   `text` and `html` in the charsets the `charsets` JSON names (so fields are read as bytes, never
 *   decoded as UTF-8 by guess), `from`, `to`, `cc`, `subject`, `envelope`, `attachment-info` and the
 *   files `attachment1` … `attachmentN`;
 * - Postmark's inbound JSON: `FromFull`, `ToFull`, `CcFull`, `Subject`, `MessageID` (Postmark's own),
 *   `TextBody`, `HtmlBody`, `StrippedTextReply`, `Headers` [{Name, Value}], `Attachments` [{Name,
 *   Content (base64), ContentType, ContentLength, ContentID}], `Date`.
 * Threading is always the mail's own Message-ID, In-Reply-To and References headers; a body none of
 * these providers sends is a MalformedWebhook naming what was missing.
 */
import { getMultipartBoundary, MultipartParseError, parseMultipart } from "@remix-run/multipart-parser";
import { z } from "zod";
import { MalformedWebhook, readJson, type WebhookRequest } from "./adapter";
import { MAX_EMAIL_BYTES, messageIds, parseEmail, type EmailAttachment, type ParsedEmail } from "./email-mime";
import { htmlToText } from "./email-text";

/** One form field, as its bytes: a text field's charset is the provider's to say. */
interface Field {
  readonly bytes: Uint8Array;
  readonly filename: string | null;
  readonly type: string | null;
}
type Form = ReadonlyMap<string, Field>;

const utf8 = new TextDecoder();

/** Text in a charset a provider named; UTF-8 when it names none or one this runtime does not know. */
function decode(bytes: Uint8Array, charset: string | null | undefined): string {
  try {
    return new TextDecoder(charset || "utf-8").decode(bytes);
  } catch {
    return utf8.decode(bytes);
  }
}

function readForm(request: WebhookRequest): Form {
  const type = request.headers.get("content-type") ?? "";
  const form = new Map<string, Field>();
  if (/^application\/x-www-form-urlencoded/i.test(type)) {
    for (const [name, value] of new URLSearchParams(utf8.decode(request.rawBody)))
      if (!form.has(name)) form.set(name, { bytes: new TextEncoder().encode(value), filename: null, type: null });
    return form;
  }
  const boundary = /^multipart\/form-data/i.test(type) ? getMultipartBoundary(type) : null;
  if (boundary === null) throw new MalformedWebhook("The body is not multipart/form-data, URL-encoded form data or Postmark's JSON");
  try {
    const parts = parseMultipart(request.rawBody, {
      boundary,
      maxFileSize: MAX_EMAIL_BYTES,
      maxTotalSize: request.rawBody.byteLength,
      maxParts: 1000,
    });
    for (const part of parts) {
      if (part.name && !form.has(part.name))
        form.set(part.name, { bytes: part.bytes, filename: part.filename ?? null, type: part.mediaType ?? null });
    }
  } catch (error) {
    if (error instanceof MultipartParseError) throw new MalformedWebhook(`The multipart body cannot be read: ${error.message}`);
    throw error;
  }
  return form;
}

/** A field that holds JSON (SendGrid's `charsets`, `attachment-info`); null when absent or not JSON. */
function jsonField(form: Form, name: string): Record<string, unknown> | null {
  const field = form.get(name);
  if (!field) return null;
  try {
    const value = JSON.parse(utf8.decode(field.bytes)) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The mail of SendGrid's parsed form: its header block read as a mail of its own, then its text and files. */
async function sendgridParsed(form: Form): Promise<ParsedEmail> {
  const charsets = jsonField(form, "charsets") ?? {};
  const charsetOf = (name: string) => (typeof charsets[name] === "string" ? charsets[name] : null);
  const textOf = (name: string) => {
    const field = form.get(name);
    return field ? decode(field.bytes, charsetOf(name)) : "";
  };
  const headers = textOf("headers").replace(/\r?\n/g, "\r\n").trimEnd();
  let mail: ParsedEmail;
  try {
    mail = await parseEmail(`${headers}\r\n\r\n`);
  } catch {
    throw new MalformedWebhook('The "headers" field is not a mail header block');
  }
  const info = jsonField(form, "attachment-info") ?? {};
  const attachments: EmailAttachment[] = [...form.entries()]
    .filter(([name, field]) => /^attachment\d+$/.test(name) && field.filename !== null)
    .sort(([a], [b]) => Number(a.slice(10)) - Number(b.slice(10)))
    .map(([name, field]) => {
      const described = (info[name] ?? {}) as { filename?: unknown; type?: unknown };
      return {
        filename: typeof described.filename === "string" ? described.filename : field.filename,
        contentType: typeof described.type === "string" ? described.type : (field.type ?? "application/octet-stream"),
        bytes: field.bytes,
      };
    });
  const text = textOf("text").trim() || htmlToText(textOf("html"));
  return {
    ...mail,
    subject: mail.subject || textOf("subject").trim(),
    text: text.replace(/\r\n?/g, "\n").trim(),
    attachments,
  };
}

const postmarkAddress = z.object({ Email: z.string(), Name: z.string().nullish() });
const postmarkInbound = z.object({
  FromFull: postmarkAddress,
  ToFull: z.array(postmarkAddress).optional(),
  CcFull: z.array(postmarkAddress).optional(),
  ReplyTo: z.string().nullish(),
  Subject: z.string().nullish(),
  MessageID: z.string().min(1),
  Date: z.string().nullish(),
  TextBody: z.string().nullish(),
  HtmlBody: z.string().nullish(),
  StrippedTextReply: z.string().nullish(),
  Headers: z.array(z.object({ Name: z.string(), Value: z.string() })).optional(),
  Attachments: z
    .array(
      z.object({ Name: z.string().nullish(), Content: z.string(), ContentType: z.string().nullish(), ContentID: z.string().nullish() }),
    )
    .optional(),
});

/** base64 → bytes; null when it is not base64. */
function base64Bytes(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const bareAddress = (mailbox: string): string => (/<([^<>]+)>/.exec(mailbox)?.[1] ?? mailbox).trim().toLowerCase();

/** The mail of Postmark's inbound JSON. */
function postmark(json: unknown): ParsedEmail {
  const parsed = postmarkInbound.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedWebhook(`Postmark inbound JSON: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "not Postmark's"}`);
  }
  const mail = parsed.data;
  const header = (name: string) => mail.Headers?.find((h) => h.Name.toLowerCase() === name.toLowerCase())?.Value ?? null;
  const attachments: EmailAttachment[] = (mail.Attachments ?? []).map((file, i) => {
    const bytes = base64Bytes(file.Content);
    if (bytes === null) throw new MalformedWebhook(`Postmark inbound JSON: Attachments.${i}.Content: not base64`);
    return { filename: file.Name || null, contentType: file.ContentType || "application/octet-stream", bytes };
  });
  const inReplyTo = messageIds(header("In-Reply-To"))[0] ?? null;
  const references = messageIds(header("References"));
  const isReply = inReplyTo !== null || references.length > 0;
  // Postmark strips the quoted history of a reply itself; the text part is the fallback.
  const text = (isReply && mail.StrippedTextReply) || mail.TextBody || htmlToText(mail.HtmlBody ?? "");
  const sentAt = mail.Date ? Date.parse(mail.Date) : NaN;
  return {
    messageId: messageIds(header("Message-ID"))[0] ?? `<${mail.MessageID}@inbound.postmarkapp.com>`,
    from: mail.FromFull.Email ? { address: mail.FromFull.Email.toLowerCase(), name: mail.FromFull.Name?.trim() || null } : null,
    replyTo: mail.ReplyTo ? bareAddress(mail.ReplyTo) : null,
    to: (mail.ToFull ?? []).map((a) => a.Email.toLowerCase()),
    cc: (mail.CcFull ?? []).map((a) => a.Email.toLowerCase()),
    subject: (mail.Subject ?? "").trim(),
    text: text.replace(/\r\n?/g, "\n").trim(),
    inReplyTo,
    references,
    sentAt: Number.isFinite(sentAt) ? sentAt : null,
    attachments,
  };
}

/**
 * The mail an inbound webhook carries. Throws MalformedWebhook naming the problem for a body no
 * provider sends (no raw message, no header block, JSON that is not Postmark's, a raw message over
 * {@link MAX_EMAIL_BYTES} or not MIME at all).
 *
 * @example
 * const mail = await readInboundMail(request); // then mailToInbound(mail, config, media, now)
 */
export async function readInboundMail(request: WebhookRequest): Promise<ParsedEmail> {
  if (/^application\/json/i.test(request.headers.get("content-type") ?? "")) return postmark(readJson(request.rawBody));
  const form = readForm(request);
  const raw = form.get("email") ?? form.get("body-mime");
  if (raw) {
    if (raw.bytes.byteLength === 0) throw new MalformedWebhook("The raw message is empty");
    if (raw.bytes.byteLength > MAX_EMAIL_BYTES)
      throw new MalformedWebhook(`The message is ${raw.bytes.byteLength} bytes; at most ${MAX_EMAIL_BYTES} are accepted`);
    try {
      return await parseEmail(raw.bytes);
    } catch {
      throw new MalformedWebhook("The raw message is not a readable MIME message");
    }
  }
  if (form.has("headers")) return sendgridParsed(form);
  throw new MalformedWebhook(
    'The form has no "email" (SendGrid, raw), "body-mime" (Mailgun) or "headers" (SendGrid, parsed) field with the mail',
  );
}
