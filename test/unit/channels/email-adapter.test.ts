/**
 * The email adapter against what the providers send and answer: the inbound-parse webhook (SendGrid's
 * `email` field, Mailgun's `body-mime`, HTTP Basic with the channel's secret) and delivery through the
 * Mailgun MIME API double (sent, refused, retried), read back as the customer's mail client would.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../../channels/channel-config";
import type { OutboundMessage } from "../../../channels/messages";
import type { MediaRef } from "../../../contract/conversations";
import { MalformedWebhook, type AdapterDeps, type MediaStore, type WebhookRequest } from "../../../channels/adapter";
import { emailAdapter } from "../../../channels/email";
import { buildEmail, parseEmail } from "../../../channels/email-mime";
import { startMailApi, type MailApiDouble } from "../../support/doubles/mail-api";
import * as providers from "./fixtures/email-providers";

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const WEBHOOK = "https://switchboard.test/webhooks/WS" + "1".repeat(32) + "/XC" + "2".repeat(32);
const basic = (user: string, password: string) => "Basic " + Buffer.from(`${user}:${password}`).toString("base64");

let mailApi: MailApiDouble;
beforeAll(async () => {
  mailApi = await startMailApi({ domain: "mail.acme-support.test", apiKey: "key-live-123" });
});
afterAll(() => mailApi.close());
beforeEach(() => {
  mailApi.sent.length = 0;
  mailApi.failNext(0, 500);
});

function channel(overrides: { settings?: Record<string, string>; secrets?: Record<string, string> } = {}): ChannelConfig {
  return {
    sid: "XC" + "2".repeat(32),
    accountSid: "AC" + "5".repeat(32),
    workspaceSid: "WS" + "1".repeat(32),
    kind: "email",
    friendlyName: "Acme support inbox",
    workflowSid: null,
    taskChannel: "email",
    settings: {
      address: "support@acme-support.test",
      from_name: "Acme Support",
      mail_domain: "mail.acme-support.test",
      mail_api_base_url: mailApi.baseUrl,
      ...overrides.settings,
    },
    secrets: { mail_api_key: "key-live-123", inbound_parse_secret: "parse-secret-9", ...overrides.secrets },
    version: 1,
  };
}

/** An in-memory media store that behaves as the R2 one does for these tests. */
function memoryMedia(): MediaStore & { readonly files: Map<string, { ref: MediaRef; bytes: Uint8Array }> } {
  const files = new Map<string, { ref: MediaRef; bytes: Uint8Array }>();
  return {
    files,
    async put(bytes, contentType, filename) {
      const data = new Uint8Array(bytes);
      if (data.byteLength > 10 * 1024 * 1024) throw Object.assign(new Error("too large"), { name: "MediaTooLarge" });
      const ref = { sid: "ME" + String(files.size + 1).padStart(32, "0"), content_type: contentType, filename, size: data.byteLength };
      files.set(ref.sid, { ref, bytes: data });
      return ref;
    },
    async get(sid) {
      const file = files.get(sid);
      return file ? { ref: file.ref, body: new Response(file.bytes).body! } : null;
    },
  };
}

const deps = (media: MediaStore = memoryMedia()): AdapterDeps => ({
  fetch: globalThis.fetch,
  media,
  webhookUrl: WEBHOOK,
  now: () => 1_000,
});

async function formRequest(fields: Record<string, string | Blob>, authorization: string | null): Promise<WebhookRequest> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const request = new Request(WEBHOOK, { method: "POST", body: form });
  const headers = new Headers(request.headers);
  if (authorization) headers.set("authorization", authorization);
  return { url: WEBHOOK, method: "POST", headers, rawBody: new Uint8Array(await request.arrayBuffer()) };
}

const rawRequest = (rawBody: Uint8Array, contentType: string, authorization: string | null = null): WebhookRequest => ({
  url: WEBHOOK,
  method: "POST",
  headers: new Headers({ "content-type": contentType, ...(authorization ? { authorization } : {}) }),
  rawBody,
});
const jsonRequest = (json: unknown) => rawRequest(new TextEncoder().encode(JSON.stringify(json)), "application/json");

describe("inbound parse: verify", () => {
  it.each([
    ["the channel's secret, any user name", basic("sendgrid", "parse-secret-9"), true],
    ["an empty user name", basic("", "parse-secret-9"), true],
    ["a wrong secret", basic("sendgrid", "parse-secret-8"), false],
    ["the secret as user name", basic("parse-secret-9", ""), false],
    ["no credentials", null, false],
    ["a Bearer token", "Bearer parse-secret-9", false],
    ["credentials that are not base64", "Basic !!!", false],
  ])("%s → %s", async (_what, authorization, expected) => {
    expect(await emailAdapter.verify(await formRequest({ email: "x" }, authorization), channel())).toBe(expected);
  });

  it("checks Postmark's JSON and SendGrid's parsed form by the same Basic credentials", async () => {
    const json = new TextEncoder().encode(JSON.stringify(providers.postmarkInbound({ messageId: "<v@x>" })));
    const parsed = providers.sendgridParsed();
    for (const [body, type] of [
      [json, "application/json"],
      [parsed.body, parsed.contentType],
    ] as const) {
      expect(await emailAdapter.verify(rawRequest(body, type, basic("postmark", "parse-secret-9")), channel())).toBe(true);
      expect(await emailAdapter.verify(rawRequest(body, type, basic("postmark", "guess")), channel())).toBe(false);
      expect(await emailAdapter.verify(rawRequest(body, type), channel())).toBe(false);
    }
  });

  it("refuses everything when the channel has no inbound_parse_secret", async () => {
    const request = await formRequest({ email: "x" }, basic("any", ""));
    expect(await emailAdapter.verify(request, channel({ secrets: { inbound_parse_secret: "" } }))).toBe(false);
  });
});

describe("inbound parse: parse", () => {
  it("reads SendGrid's raw `email` field into one message", async () => {
    const raw = new TextDecoder().decode(fixture("email-plain.eml"));
    const content = await emailAdapter.parse(await formRequest({ email: raw, to: "support@acme-support.test" }, null), channel(), deps());
    expect(content.statuses).toEqual([]);
    expect(content.messages).toHaveLength(1);
    expect(content.messages[0]).toMatchObject({
      providerMessageId: "<CAF7a1b2c3d4e5f6@mail.example.org>",
      customerAddress: "maria.garcia@example.org",
      proxyAddress: "support@acme-support.test",
      customerName: "Maria Garcia",
    });
  });

  it("reads Mailgun's `body-mime` file, storing its attachment in the media store", async () => {
    const media = memoryMedia();
    const file = new Blob([fixture("email-attachment.eml")], { type: "message/rfc822" });
    const content = await emailAdapter.parse(await formRequest({ "body-mime": file }, null), channel(), deps(media));
    const message = content.messages[0]!;
    expect(message.media).toEqual([
      { sid: expect.stringMatching(/^ME/), content_type: "application/pdf", filename: "receipt-4411.pdf", size: 142 },
    ]);
    expect(media.files.get(message.media[0]!.sid)?.bytes.byteLength).toBe(142);
  });

  it("reads SendGrid's parsed form: the header block's threading, the text in the charset `charsets` names, the attached files", async () => {
    const media = memoryMedia();
    const { body, contentType } = providers.sendgridParsed({
      messageId: "<CAHk-sg-2@mail.gmail.com>",
      inReplyTo: "<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>",
    });
    const [message] = (await emailAdapter.parse(rawRequest(body, contentType), channel(), deps(media))).messages;
    expect(message).toMatchObject({
      providerMessageId: "<CAHk-sg-2@mail.gmail.com>",
      customerAddress: "jonas.becker@example.de",
      customerName: "Jonas Becker",
      proxyAddress: "support@acme-support.test",
      body: "Grüße aus Köln - die Lieferung ist beschädigt angekommen.",
      thread: {
        messageId: "<CAHk-sg-2@mail.gmail.com>",
        inReplyTo: "<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>",
        references: ["<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>"],
        subject: "Lieferung beschädigt",
      },
      sentAt: Date.UTC(2026, 2, 3, 12, 40, 3),
    });
    expect(message?.media).toEqual([{ sid: expect.stringMatching(/^ME/), content_type: "image/png", filename: "karton.png", size: 12 }]);
    expect(media.files.get(message!.media[0]!.sid)?.bytes).toEqual(providers.PNG);
  });

  it("reads a parsed form without a text part from its HTML", async () => {
    const { body, contentType } = providers.sendgridParsed({ messageId: "<CAHk-sg-3@mail.gmail.com>", text: new Uint8Array() });
    const [message] = (await emailAdapter.parse(rawRequest(body, contentType), channel(), deps())).messages;
    expect(message?.body).toBe("Grüße aus Köln - die Lieferung ist beschädigt angekommen.");
  });

  it("reads Postmark's inbound JSON: sender, threading from its Headers, the stripped reply, attachments from base64", async () => {
    const media = memoryMedia();
    const json = providers.postmarkInbound({
      messageId: "<CAJ-pm-2@mail.example.jp>",
      inReplyTo: "<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>",
    });
    const [message] = (await emailAdapter.parse(jsonRequest(json), channel(), deps(media))).messages;
    expect(message).toMatchObject({
      providerMessageId: "<CAJ-pm-2@mail.example.jp>",
      customerAddress: "aiko.tanaka@example.jp",
      customerName: "Aiko Tanaka",
      body: "The corrected invoice is fine, thank you.",
      thread: {
        messageId: "<CAJ-pm-2@mail.example.jp>",
        inReplyTo: "<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>",
        references: ["<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>"],
        subject: "Re: Invoice 2026-118",
      },
      sentAt: Date.UTC(2026, 2, 3, 12, 40, 32),
      attributes: { email: { to: ["support@acme-support.test"], cc: ["kenji@example.jp"] } },
    });
    expect(message?.media).toEqual([{ sid: expect.stringMatching(/^ME/), content_type: "text/plain", filename: "notes.txt", size: 27 }]);
    expect(new TextDecoder().decode(media.files.get(message!.media[0]!.sid)?.bytes)).toBe("Line 3 should be 4,200 JPY.");
  });

  it("takes a Postmark mail without a Message-ID header under Postmark's own MessageID", async () => {
    const json = providers.postmarkInbound({ messageId: "", postmarkId: "0f6a2e4c-1b2d-4c5e-9f80-7a6b5c4d3e2f" });
    json.Headers = (json.Headers as { Name: string }[]).filter((h) => h.Name !== "Message-ID");
    const [message] = (await emailAdapter.parse(jsonRequest(json), channel(), deps())).messages;
    expect(message?.providerMessageId).toBe("<0f6a2e4c-1b2d-4c5e-9f80-7a6b5c4d3e2f@inbound.postmarkapp.com>");
  });

  it.each([
    [
      "a form without the raw message",
      async () => formRequest({ subject: "hi", from: "a@b.c" }, null),
      /no "email".*"body-mime".*"headers"/,
    ],
    ["JSON that is not Postmark's", async () => jsonRequest({ hello: "world" }), /FromFull/],
    [
      "a Postmark attachment that is not base64",
      async () => {
        const json = providers.postmarkInbound({ messageId: "<x@y>" });
        (json.Attachments as { Content: string }[])[0]!.Content = "%%% not base64 %%%";
        return jsonRequest(json);
      },
      /Attachments\.0\.Content/,
    ],
    ["a body that is neither a form nor JSON", async () => rawRequest(new TextEncoder().encode("hello"), "text/plain"), /not multipart/],
    ["an empty raw message", async () => formRequest({ email: "" }, null), /empty/],
  ])("refuses %s as malformed", async (_what, build, message) => {
    const parse = emailAdapter.parse(await build(), channel(), deps());
    await expect(parse).rejects.toBeInstanceOf(MalformedWebhook);
    await expect(parse).rejects.toThrow(message);
  });

  // Builds and parses a message over 10 MB: about 12 s on a loaded 2-core machine.
  it("leaves out an attachment over the media limit and lists it in attributes.email", async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    const raw = buildEmail({
      from: { address: "sam@example.co.uk", name: null },
      to: "support@acme-support.test",
      subject: "Video of the damage",
      messageId: "<big-1@example.co.uk>",
      inReplyTo: null,
      references: [],
      text: "See the video.",
      date: new Date(0),
      attachments: [
        { filename: "damage.mp4", contentType: "video/mp4", bytes: big },
        { filename: "note.txt", contentType: "text/plain", bytes: new TextEncoder().encode("note") },
      ],
    });
    const content = await emailAdapter.parse(await formRequest({ email: raw }, null), channel(), deps());
    const message = content.messages[0]!;
    expect(message.media.map((m) => m.filename)).toEqual(["note.txt"]);
    expect((message.attributes.email as { skipped_attachments: unknown }).skipped_attachments).toEqual([
      { filename: "damage.mp4", content_type: "video/mp4", size: 10 * 1024 * 1024 + 1 },
    ]);
  }, 30_000);

  it("takes nothing from the channel's own address (a bounce or auto-reply would loop)", async () => {
    const raw = "From: Acme <Support@acme-support.test>\r\nTo: support@acme-support.test\r\nSubject: Out of office\r\n\r\naway\r\n";
    expect((await emailAdapter.parse(await formRequest({ email: raw }, null), channel(), deps())).messages).toEqual([]);
  });
});

describe("deliver through the Mailgun MIME API", () => {
  const reply: OutboundMessage = {
    conversationSid: "CH" + "3".repeat(32),
    messageSid: "IM" + "4".repeat(32),
    index: 1,
    customerAddress: "maria.garcia@example.org",
    proxyAddress: "support@acme-support.test",
    body: "Hi Maria, it ships today.",
    media: [],
    attributes: {},
    // As the ConversationDO fills it from the customer's latest mail.
    thread: {
      messageId: "<IM" + "4".repeat(32) + "@switchboard>",
      inReplyTo: "<CAF7reply998877@mail.example.org>",
      references: ["<CAF7a1b2c3d4e5f6@mail.example.org>"],
      subject: "RE: Order #4411 never arrived",
    },
    authorName: "Alice",
  };

  it("sends a threaded reply and answers our Message-ID as the provider's ID", async () => {
    const outcome = await emailAdapter.deliver(reply, channel(), deps());
    const messageId = "<IM" + "4".repeat(32) + "@mail.acme-support.test>";
    expect(outcome).toEqual({ kind: "sent", providerMessageId: messageId });
    expect(mailApi.sent).toHaveLength(1);
    expect(mailApi.sent[0]).toMatchObject({ domain: "mail.acme-support.test", to: "maria.garcia@example.org" });
    const mail = await parseEmail(mailApi.sent[0]!.mime);
    expect(mail).toMatchObject({
      messageId,
      from: { address: "support@acme-support.test", name: "Acme Support" },
      to: ["maria.garcia@example.org"],
      subject: "Re: Order #4411 never arrived",
      inReplyTo: "<CAF7reply998877@mail.example.org>",
      references: ["<CAF7a1b2c3d4e5f6@mail.example.org>", "<CAF7reply998877@mail.example.org>"],
      text: "Hi Maria, it ships today.",
    });
  });

  it("attaches the message's media from the store", async () => {
    const media = memoryMedia();
    const ref = await media.put(new TextEncoder().encode("label"), "application/pdf", "label.pdf");
    expect(await emailAdapter.deliver({ ...reply, media: [ref] }, channel(), deps(media))).toMatchObject({ kind: "sent" });
    const mail = await parseEmail(mailApi.sent[0]!.mime);
    expect(mail.attachments.map((a) => [a.filename, a.contentType, new TextDecoder().decode(a.bytes)])).toEqual([
      ["label.pdf", "application/pdf", "label"],
    ]);
  });

  it("starts a new thread with the message's own subject when there is no mail to answer", async () => {
    await emailAdapter.deliver({ ...reply, thread: null, attributes: { email: { subject: "Your refund" } } }, channel(), deps());
    const mail = await parseEmail(mailApi.sent[0]!.mime);
    expect([mail.subject, mail.inReplyTo, mail.references]).toEqual(["Your refund", null, []]);
  });

  it.each([
    // status the API answers → outcome kind
    [429, "retry"],
    [500, "retry"],
    [503, "retry"],
    [400, "failed"],
  ])("an answer of %i is %s, and nothing is sent", async (status, kind) => {
    mailApi.failNext(1, status);
    const outcome = await emailAdapter.deliver(reply, channel(), deps());
    expect(outcome.kind).toBe(kind);
    if (outcome.kind !== "sent") expect(outcome.error).toContain(String(status));
    expect(mailApi.sent).toEqual([]);
  });

  it.each([
    ["a wrong API key", { secrets: { mail_api_key: "key-wrong" } }, /Mailgun refused the message \(401\): Forbidden/],
    ["an unknown domain", { settings: { mail_domain: "other.test" } }, /\(404\): Domain not found: other\.test/],
    ["no API key", { secrets: { mail_api_key: "" } }, /no mail_api_key/],
  ])("%s fails for good", async (_what, overrides, error) => {
    const outcome = await emailAdapter.deliver(reply, channel(overrides), deps());
    expect(outcome).toMatchObject({ kind: "failed", error: expect.stringMatching(error) });
    expect(mailApi.sent).toEqual([]);
  });

  it("fails a customer address that is not one address, and an attachment no longer stored", async () => {
    expect(await emailAdapter.deliver({ ...reply, customerAddress: "a@b.c, d@e.f" }, channel(), deps())).toMatchObject({ kind: "failed" });
    const gone = { sid: "ME" + "9".repeat(32), content_type: "image/png", filename: "x.png", size: 1 };
    expect(await emailAdapter.deliver({ ...reply, media: [gone] }, channel(), deps())).toMatchObject({
      kind: "failed",
      error: expect.stringMatching(/no longer stored/),
    });
    expect(mailApi.sent).toEqual([]);
  });

  it("retries when Mailgun cannot be reached", async () => {
    const outcome = await emailAdapter.deliver(reply, channel({ settings: { mail_api_base_url: "http://127.0.0.1:1" } }), deps());
    expect(outcome).toMatchObject({ kind: "retry", error: expect.stringMatching(/could not be reached/) });
  });
});
