/**
 * The email adapter: the adapter contract for each inbound form, then against what the providers send and answer: the inbound-parse webhook (SendGrid's
 * `email` field, Mailgun's `body-mime`, HTTP Basic with the channel's secret) and delivery through the
 * Mailgun MIME API double (sent, refused, retried), read back as the customer's mail client would.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../../channels/channel-config";
import type { OutboundMessage } from "../../../channels/messages";
import type { AdapterDeps, MediaStore, WebhookRequest } from "../../../channels/adapter";
import { emailAdapter } from "../../../channels/email";
import { buildEmail, parseEmail } from "../../../channels/email-mime";
import { startMailApi, type MailApiDouble } from "../../support/doubles/mail-api";
import { memoryMedia } from "../../support/doubles/media-store";
import { channelConfig, OUTBOUND, runAdapterContract } from "./adapter-contract";
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

const channel = (overrides: { settings?: Record<string, string>; secrets?: Record<string, string> } = {}): ChannelConfig =>
  channelConfig(
    "email",
    {
      address: "support@acme-support.test",
      from_name: "Acme Support",
      mail_domain: "mail.acme-support.test",
      mail_api_base_url: mailApi.baseUrl,
      ...overrides.settings,
    },
    { mail_api_key: "key-live-123", inbound_parse_secret: "parse-secret-9", ...overrides.secrets },
  );

const deps = (media: MediaStore = memoryMedia(), overrides: Partial<AdapterDeps> = {}): AdapterDeps => ({
  fetch: globalThis.fetch,
  media,
  webhookUrl: WEBHOOK,
  now: () => 1_000,
  ...overrides,
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

const MULTIPART = providers.multipartBody([]).contentType;
const encoded = (json: unknown) => () => new TextEncoder().encode(JSON.stringify(json));
const reply: OutboundMessage = {
  ...OUTBOUND,
  customerAddress: "maria.garcia@example.org",
  proxyAddress: "support@acme-support.test",
  body: "Hi Maria, it ships today.",
  // As the ConversationDO fills it from the customer's latest mail.
  thread: {
    messageId: "<IM" + "4".repeat(32) + "@switchboard>",
    inReplyTo: "<CAF7reply998877@mail.example.org>",
    references: ["<CAF7a1b2c3d4e5f6@mail.example.org>"],
    subject: "RE: Order #4411 never arrived",
  },
};
const IN_REPLY_TO_US = "<IM0123456789abcdef0123456789abcdef@mail.acme-support.test>";

describe("the adapter contract", () =>
  runAdapterContract({
    kind: "email",
    config: channel,
    deps: (overrides) => deps(memoryMedia(), overrides),
    webhooks: {
      // The provider is given a URL with the channel's secret as the password of HTTP Basic credentials.
      request: async (body, { secret = "parse-secret-9", contentType = MULTIPART } = {}) =>
        rawRequest(body, contentType, basic("sendgrid", secret)),
      proofHeaders: ["authorization"],
      // Basic credentials prove who posts, not what: none of these providers signs its inbound body.
      bodySigned: false,
      messages: [
        {
          name: "SendGrid's raw `email` field",
          body: () =>
            providers.multipartBody([
              { name: "email", value: fixture("email-plain.eml") },
              { name: "to", value: providers.SUPPORT },
            ]).body,
          expected: {
            providerMessageId: "<CAF7a1b2c3d4e5f6@mail.example.org>",
            channel: "email",
            customerAddress: "maria.garcia@example.org",
            proxyAddress: "support@acme-support.test",
            customerName: "Maria Garcia",
          },
        },
        {
          name: "Mailgun's `body-mime` file (its attachment stored)",
          body: () =>
            providers.multipartBody([
              { name: "body-mime", value: fixture("email-attachment.eml"), filename: "message.mime", type: "message/rfc822" },
            ]).body,
          expected: {
            media: [{ sid: expect.stringMatching(/^ME/), content_type: "application/pdf", filename: "receipt-4411.pdf", size: 142 }],
          },
        },
        {
          name: "SendGrid's parsed form (threading from the header block, the text in the charset `charsets` names, the files)",
          body: () => providers.sendgridParsed({ messageId: "<CAHk-sg-2@mail.gmail.com>", inReplyTo: IN_REPLY_TO_US }).body,
          expected: {
            providerMessageId: "<CAHk-sg-2@mail.gmail.com>",
            customerAddress: "jonas.becker@example.de",
            customerName: "Jonas Becker",
            proxyAddress: "support@acme-support.test",
            body: "Grüße aus Köln - die Lieferung ist beschädigt angekommen.",
            media: [{ sid: expect.stringMatching(/^ME/), content_type: "image/png", filename: "karton.png", size: 12 }],
            thread: {
              messageId: "<CAHk-sg-2@mail.gmail.com>",
              inReplyTo: IN_REPLY_TO_US,
              references: [IN_REPLY_TO_US],
              subject: "Lieferung beschädigt",
            },
            sentAt: Date.UTC(2026, 2, 3, 12, 40, 3),
          },
        },
        {
          name: "Postmark's inbound JSON (sender, threading from its Headers, the stripped reply, attachments from base64)",
          body: encoded(providers.postmarkInbound({ messageId: "<CAJ-pm-2@mail.example.jp>", inReplyTo: IN_REPLY_TO_US })),
          contentType: "application/json",
          expected: {
            providerMessageId: "<CAJ-pm-2@mail.example.jp>",
            customerAddress: "aiko.tanaka@example.jp",
            customerName: "Aiko Tanaka",
            body: "The corrected invoice is fine, thank you.",
            media: [{ sid: expect.stringMatching(/^ME/), content_type: "text/plain", filename: "notes.txt", size: 27 }],
            thread: {
              messageId: "<CAJ-pm-2@mail.example.jp>",
              inReplyTo: IN_REPLY_TO_US,
              references: [IN_REPLY_TO_US],
              subject: "Re: Invoice 2026-118",
            },
            sentAt: Date.UTC(2026, 2, 3, 12, 40, 32),
            attributes: { email: { to: ["support@acme-support.test"], cc: ["kenji@example.jp"] } },
          },
        },
      ],
      malformed: [
        [
          "a form without the raw message",
          () =>
            providers.multipartBody([
              { name: "subject", value: "hi" },
              { name: "from", value: "a@b.c" },
            ]).body,
          /no "email".*"body-mime".*"headers"/,
        ],
        ["JSON that is not Postmark's", encoded({ hello: "world" }), /FromFull/, "application/json"],
        [
          "a Postmark attachment that is not base64",
          () => {
            const json = providers.postmarkInbound({ messageId: "<x@y>" });
            (json.Attachments as { Content: string }[])[0]!.Content = "%%% not base64 %%%";
            return encoded(json)();
          },
          /Attachments\.0\.Content/,
          "application/json",
        ],
        ["a body that is neither a form nor JSON", () => new TextEncoder().encode("hello"), /not multipart/, "text/plain"],
        ["an empty raw message", () => providers.multipartBody([{ name: "email", value: "" }]).body, /empty/],
      ],
      // Both providers take any 2xx as "delivered" and retry otherwise.
      acknowledgement: { status: 200, contentType: null, body: "" },
    },
    provider: {
      outbound: reply,
      // Our Message-ID is the provider's ID: the customer's reply names it in In-Reply-To.
      accepted: () => mailApi.sent.map((mail) => ({ id: /^Message-ID:\s*(<[^>]+>)/im.exec(mail.mime)?.[1] ?? "", wire: mail })),
      wire: {
        domain: "mail.acme-support.test",
        to: "maria.garcia@example.org",
        mime: expect.stringContaining("Message-ID: <IM" + "4".repeat(32) + "@mail.acme-support.test>"),
      },
      failNext: (status) => mailApi.failNext(1, status),
      wrongCredentials: (config) => ({ ...config, secrets: { ...config.secrets, mail_api_key: "key-wrong" } }),
      credentialsRefused: "401",
      unreachable: /^Mailgun could not be reached: /,
      unsupported: [
        ["a customer address that is not one address", { customerAddress: "a@b.c, d@e.f" }, /not a valid email address/],
        [
          "an attachment no longer stored",
          { media: [{ sid: "ME" + "9".repeat(32), content_type: "image/png", filename: "x.png", size: 1 }] },
          /no longer stored/,
        ],
      ],
    },
  }));

describe("inbound parse: verify", () => {
  it.each([
    ["the channel's secret, any user name", basic("sendgrid", "parse-secret-9"), true],
    ["an empty user name", basic("", "parse-secret-9"), true],
    ["the secret as user name", basic("parse-secret-9", ""), false],
    ["a Bearer token", "Bearer parse-secret-9", false],
    ["credentials that are not base64", "Basic !!!", false],
  ])("%s → %s", async (_what, authorization, expected) => {
    expect(await emailAdapter.verify(await formRequest({ email: "x" }, authorization), channel())).toBe(expected);
  });

  it("refuses everything when the channel has no inbound_parse_secret", async () => {
    const request = await formRequest({ email: "x" }, basic("any", ""));
    expect(await emailAdapter.verify(request, channel({ secrets: { inbound_parse_secret: "" } }))).toBe(false);
  });
});

describe("inbound parse: parse", () => {
  it("stores SendGrid's parsed attachment and Postmark's base64 one byte for byte", async () => {
    const media = memoryMedia();
    const sendgrid = providers.sendgridParsed({ messageId: "<CAHk-sg-2@mail.gmail.com>" });
    const [fromForm] = (await emailAdapter.parse(rawRequest(sendgrid.body, sendgrid.contentType), channel(), deps(media))).messages;
    expect(media.items.get(fromForm!.media[0]!.sid)?.bytes).toEqual(providers.PNG);
    const postmark = jsonRequest(providers.postmarkInbound({ messageId: "<CAJ-pm-2@mail.example.jp>" }));
    const [fromJson] = (await emailAdapter.parse(postmark, channel(), deps(media))).messages;
    expect(new TextDecoder().decode(media.items.get(fromJson!.media[0]!.sid)?.bytes)).toBe("Line 3 should be 4,200 JPY.");
  });

  it("reads a parsed form without a text part from its HTML", async () => {
    const { body, contentType } = providers.sendgridParsed({ messageId: "<CAHk-sg-3@mail.gmail.com>", text: new Uint8Array() });
    const [message] = (await emailAdapter.parse(rawRequest(body, contentType), channel(), deps())).messages;
    expect(message?.body).toBe("Grüße aus Köln - die Lieferung ist beschädigt angekommen.");
  });

  it("takes a Postmark mail without a Message-ID header under Postmark's own MessageID", async () => {
    const json = providers.postmarkInbound({ messageId: "", postmarkId: "0f6a2e4c-1b2d-4c5e-9f80-7a6b5c4d3e2f" });
    json.Headers = (json.Headers as { Name: string }[]).filter((h) => h.Name !== "Message-ID");
    const [message] = (await emailAdapter.parse(jsonRequest(json), channel(), deps())).messages;
    expect(message?.providerMessageId).toBe("<0f6a2e4c-1b2d-4c5e-9f80-7a6b5c4d3e2f@inbound.postmarkapp.com>");
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
});
