/**
 * The email channel end to end inside workerd. Mail arrives the two ways it can: through the Worker's
 * `email()` handler (Cloudflare Email Routing; the message object is built as the runtime builds it,
 * from a raw fixture) and through an inbound webhook (SendGrid's raw and parsed forms, Postmark's JSON,
 * HTTP Basic with the channel's secret). A first mail opens a conversation and an email task; the customer's reply lands
 * in the same conversation; a redelivery stores nothing twice; unknown recipients and bad secrets
 * change nothing. An agent's reply goes out through Mailgun's MIME API (globalThis.fetch plays it,
 * checking credentials as Mailgun does) with the headers that keep the customer's thread.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import { app } from "../../workers/app";
import worker from "../../workers/index";
import { forgetEmailRoutes } from "../../workers/inbound/email";
import { parseEmail } from "../../channels/email-mime";
import { mediaStore } from "../../channels/media";
import attachmentMail from "../unit/channels/fixtures/email-attachment.eml?raw";
import plainMail from "../unit/channels/fixtures/email-plain.eml?raw";
import replyMail from "../unit/channels/fixtures/email-reply.eml?raw";
import * as providers from "../unit/channels/fixtures/email-providers";
import { conversationFor } from "../../platform/objects";
import { messagesOf, openConversationOf } from "./conversation-helpers";

const ACCOUNT = env.ACCOUNT_SID!;
const AUTH = { authorization: "Basic " + btoa(`${ACCOUNT}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const ORIGIN = "https://sb.example";
const SUPPORT = "support@acme-support.test";
const MAIL_DOMAIN = "mail.acme-support.test";
const MAIL_KEY = "key-mailgun-test";
const PARSE_SECRET = "inbound-parse-secret";

const call = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init, env);
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

let ws = "";
let channelSid = "";
beforeAll(async () => {
  forgetEmailRoutes();
  const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=email&Template=FIFO" });
  ws = ((await created.json()) as { sid: string }).sid;
  const form = {
    Kind: "email",
    FriendlyName: "Acme support inbox",
    "Settings.address": "Support@Acme-Support.test",
    "Settings.from_name": "Acme Support",
    "Settings.mail_domain": MAIL_DOMAIN,
    "Settings.mail_api_base_url": "https://mailgun.double",
    "Secrets.mail_api_key": MAIL_KEY,
    "Secrets.inbound_parse_secret": PARSE_SECRET,
  };
  const channel = await call(`/api/workspaces/${ws}/channels`, {
    method: "POST",
    headers: FORM,
    body: new URLSearchParams(form).toString(),
  });
  expect(channel.status).toBe(201);
  channelSid = ((await channel.json()) as { sid: string }).sid;
});

/** A mail as Email Routing hands it to the Worker, and what the Worker did with it. */
function routedMail(raw: string, to: string) {
  const bytes = new TextEncoder().encode(raw);
  const outcome = { rejected: null as string | null };
  const message = {
    from: "bounces@example.org",
    to,
    headers: new Headers(),
    raw: new Response(bytes).body!,
    rawSize: bytes.byteLength,
    canBeForwarded: false,
    setReject(reason: string) {
      outcome.rejected = reason;
    },
    forward: () => Promise.reject(new Error("not forwarded in tests")),
    reply: () => Promise.reject(new Error("no replies in tests")),
  } as unknown as ForwardableEmailMessage;
  return { message, outcome };
}

async function deliverMail(raw: string, to = SUPPORT) {
  const { message, outcome } = routedMail(raw, to);
  await worker.email(message, env, createExecutionContext());
  return outcome;
}

const openConversation = (address: string) => openConversationOf(ws, channelSid, address);

describe("mail through Email Routing", () => {
  it("opens a conversation with the mail's text and an email task carrying the sender", async () => {
    expect(await deliverMail(plainMail)).toEqual({ rejected: null });
    const conversationSid = (await openConversation("maria.garcia@example.org"))!;
    expect(conversationSid).toMatch(/^CH[0-9a-f]{32}$/);
    const [message] = await messagesOf(conversationSid);
    expect(message!.body).toMatch(/^Hello,\n\nI ordered a kettle on 20 February \(order #4411\)/);
    expect(JSON.parse(message!.attributes)).toMatchObject({
      email: { subject: "Order #4411 never arrived", message_id: "<CAF7a1b2c3d4e5f6@mail.example.org>" },
    });
    const conversation = await conversationFor(env, conversationSid).getConversation(ACCOUNT);
    expect(conversation).toMatchObject({ ok: true, value: { channel: "email", channel_sid: channelSid } });
    const taskSid = conversation.ok ? conversation.value.task_sid : null;
    const task = (await (await call(`/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`, { headers: AUTH })).json()) as {
      attributes: string;
      task_channel_unique_name: string;
    };
    expect(task.task_channel_unique_name).toBe("email");
    expect(JSON.parse(task.attributes)).toMatchObject({
      conversationSid,
      channelType: "email",
      from: "maria.garcia@example.org",
      customerName: "Maria Garcia",
    });
  });

  it("threads the customer's reply (to a +tagged address) into the same conversation, without the quoted history", async () => {
    const conversationSid = (await openConversation("maria.garcia@example.org"))!;
    expect(await deliverMail(replyMail, "support+orders@acme-support.test")).toEqual({ rejected: null });
    expect(await openConversation("maria.garcia@example.org")).toBe(conversationSid);
    const bodies = (await messagesOf(conversationSid)).map((m) => m.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe("Thank you, the tracking link works now.");
  });

  it("stores a mail once when Email Routing delivers it twice", async () => {
    const conversationSid = (await openConversation("maria.garcia@example.org"))!;
    const before = (await messagesOf(conversationSid)).length;
    expect(await deliverMail(replyMail)).toEqual({ rejected: null });
    expect(await messagesOf(conversationSid)).toHaveLength(before);
  });

  it("masks a card number and keeps the attachment in the media store", async () => {
    expect(await deliverMail(attachmentMail)).toEqual({ rejected: null });
    const [message] = await messagesOf((await openConversation("sam@example.co.uk"))!);
    expect(message!.body).toContain("My card was **** **** **** 1111 if you need it");
    expect(message!.body).not.toContain("4111 1111 1111 1111");
    expect(message!.media).toHaveLength(1);
    const stored = await mediaStore(env, ws).get(message!.media![0]!.sid);
    expect(stored?.ref).toMatchObject({ content_type: "application/pdf", filename: "receipt-4411.pdf", size: 142 });
    const bytes = new Uint8Array(await new Response(stored!.body).arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe("%PDF-1.4");
  });

  it.each([
    ["an address no channel has", "sales@acme-support.test", "Unknown address"],
    ["another domain", "support@elsewhere.test", "Unknown address"],
  ])("rejects mail to %s and stores nothing", async (_what, to, reason) => {
    const raw = plainMail.replace("maria.garcia@example.org", "nobody@example.org").replace("<CAF7a1b2", "<other");
    expect(await deliverMail(raw.replace(/^From: .*$/m, "From: Nobody <nobody@example.org>"), to)).toEqual({ rejected: reason });
    expect(await openConversation("nobody@example.org")).toBeNull();
  });

  it("drops mail from the channel's own address (an auto-reply loop) without bouncing it", async () => {
    const raw = `From: Acme <${SUPPORT}>\r\nTo: ${SUPPORT}\r\nSubject: Auto: away\r\nMessage-ID: <loop-1@acme-support.test>\r\n\r\naway\r\n`;
    expect(await deliverMail(raw)).toEqual({ rejected: null });
    expect(await openConversation(SUPPORT)).toBeNull();
  });

  it("rejects mail over 25 MB before reading it", async () => {
    const { message, outcome } = routedMail(plainMail, SUPPORT);
    Object.defineProperty(message, "rawSize", { value: 26 * 1024 * 1024 });
    await worker.email(message, env, createExecutionContext());
    expect(outcome.rejected).toMatch(/too large/);
  });
});

describe("a channel whose address changes", () => {
  it("takes mail for the new address at once and refuses the old one, though the old one was cached", async () => {
    const update = (address: string) =>
      call(`/api/workspaces/${ws}/channels/${channelSid}`, {
        method: "POST",
        headers: FORM,
        body: `Settings.address=${encodeURIComponent(address)}`,
      });
    const raw = (id: string) => `From: Pat <pat@example.org>\r\nTo: x\r\nSubject: s\r\nMessage-ID: <${id}@example.org>\r\n\r\nhi\r\n`;
    expect((await update("help@acme-support.test")).status).toBe(200);
    try {
      expect(await deliverMail(raw("moved-1"), SUPPORT)).toEqual({ rejected: "Unknown address" });
      expect(await deliverMail(raw("moved-2"), "help@acme-support.test")).toEqual({ rejected: null });
      expect((await messagesOf((await openConversation("pat@example.org"))!)).map((m) => m.body)).toEqual(["hi"]);
    } finally {
      expect((await update(SUPPORT)).status).toBe(200);
    }
  });
});

describe("mail through an inbound-parse webhook", () => {
  const post = (fields: Record<string, string>, password: string | null) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const headers: Record<string, string> = password === null ? {} : { authorization: "Basic " + btoa(`sendgrid:${password}`) };
    return call(webhookPath(ws, channelSid), { method: "POST", headers, body: form });
  };
  const mailFrom = (address: string, id: string) =>
    `From: Kim <${address}>\r\nTo: ${SUPPORT}\r\nSubject: Parsed\r\nMessage-ID: <${id}@example.org>\r\n\r\nSent through SendGrid.\r\n`;

  it("takes SendGrid's raw mail with the channel's secret as the Basic password", async () => {
    const response = await post({ email: mailFrom("kim@example.org", "parse-1"), to: SUPPORT }, PARSE_SECRET);
    expect(response.status).toBe(200);
    const messages = await messagesOf((await openConversation("kim@example.org"))!);
    expect(messages.map((m) => m.body)).toEqual(["Sent through SendGrid."]);
  });

  it.each([
    ["a wrong secret", "not-the-secret", 401],
    ["no credentials", null, 401],
  ])("refuses %s with %i and stores nothing", async (_what, password, status) => {
    const response = await post({ email: mailFrom("lee@example.org", "parse-2") }, password);
    expect(response.status).toBe(status);
    expect(await openConversation("lee@example.org")).toBeNull();
  });

  it("takes SendGrid's parsed form: the text in its charset, the photo kept, threaded by the header block", async () => {
    const first = providers.sendgridParsed({ messageId: "<CAHk-sg-10@mail.gmail.com>" });
    const postRaw = (body: Uint8Array, contentType: string, password = PARSE_SECRET) =>
      call(webhookPath(ws, channelSid), {
        method: "POST",
        headers: { "content-type": contentType, authorization: "Basic " + btoa(`sendgrid:${password}`) },
        body,
      });
    expect((await postRaw(first.body, first.contentType)).status).toBe(200);
    const reply = providers.sendgridParsed({
      messageId: "<CAHk-sg-11@mail.gmail.com>",
      inReplyTo: "<CAHk-sg-10@mail.gmail.com>",
      text: new TextEncoder().encode("Fotos anbei."),
    });
    expect((await postRaw(reply.body, reply.contentType)).status).toBe(200);
    const messages = await messagesOf((await openConversation("jonas.becker@example.de"))!);
    expect(messages.map((m) => m.body)).toEqual(["Grüße aus Köln - die Lieferung ist beschädigt angekommen.", "Fotos anbei."]);
    const photo = messages[0]!.media![0]!;
    expect(photo).toMatchObject({ content_type: "image/png", filename: "karton.png" });
    const stored = await mediaStore(env, ws).get(photo.sid);
    expect(new Uint8Array(await new Response(stored!.body).arrayBuffer())).toEqual(providers.PNG);
  });

  it("takes Postmark's inbound JSON, once however often it is posted, its reply in the same conversation; a wrong secret gets 401", async () => {
    const postJson = (json: unknown, password = PARSE_SECRET) =>
      call(webhookPath(ws, channelSid), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Basic " + btoa(`postmark:${password}`) },
        body: JSON.stringify(json),
      });
    const first = providers.postmarkInbound({ messageId: "<CAJ-pm-10@mail.example.jp>" });
    expect((await postJson(first, "guess")).status).toBe(401);
    expect(await openConversation("aiko.tanaka@example.jp")).toBeNull();
    expect((await postJson(first)).status).toBe(200);
    expect((await postJson(first)).status).toBe(200);
    const reply = providers.postmarkInbound({
      messageId: "<CAJ-pm-11@mail.example.jp>",
      inReplyTo: "<CAJ-pm-10@mail.example.jp>",
      postmarkId: "9d2c1b0a-0000-4000-8000-000000000011",
    });
    expect((await postJson(reply)).status).toBe(200);
    const messages = await messagesOf((await openConversation("aiko.tanaka@example.jp"))!);
    expect(messages.map((m) => m.body)).toEqual([
      "Could you send the invoice again? The total looks wrong.",
      "The corrected invoice is fine, thank you.",
    ]);
    expect(messages[0]!.media).toMatchObject([{ content_type: "text/plain", filename: "notes.txt", size: 27 }]);
  });

  it("answers 400 naming the missing field, and stores nothing", async () => {
    const response = await post({ subject: "Parsed", from: "lee@example.org" }, PARSE_SECRET);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/"email".*"body-mime"/);
    expect(await openConversation("lee@example.org")).toBeNull();
  });
});

describe("an agent's reply by email", () => {
  it("goes out through Mailgun's MIME API in the customer's thread, under our Message-ID", async () => {
    const conversationSid = (await openConversation("maria.garcia@example.org"))!;
    const sent: { url: string; to: ReturnType<FormData["get"]>; mime: string }[] = [];
    globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith("https://mailgun.double/")) return realFetch(input, init);
      if (request.headers.get("authorization") !== "Basic " + btoa(`api:${MAIL_KEY}`))
        return Response.json({ message: "Forbidden" }, { status: 401 });
      const form = await request.formData();
      const file = form.get("message");
      if (typeof file === "string" || file === null)
        return Response.json({ message: "'message' parameter is not a file" }, { status: 400 });
      sent.push({ url: request.url, to: form.get("to"), mime: await file.text() });
      return Response.json({ id: "<queued@mailgun>", message: "Queued. Thank you." });
    };
    const conversation = conversationFor(env, conversationSid);
    const added = await conversation.addMessage(ACCOUNT, { author: "Alex", body: "It ships today — sorry for the wait." });
    expect(added.ok).toBe(true);
    await conversation.deliverPending();
    expect(sent.map((s) => [s.url, s.to])).toEqual([
      [`https://mailgun.double/v3/${MAIL_DOMAIN}/messages.mime`, "maria.garcia@example.org"],
    ]);
    const mail = await parseEmail(sent[0]!.mime);
    const messageSid = added.ok ? added.value.sid : "";
    expect(mail).toMatchObject({
      messageId: `<${messageSid}@${MAIL_DOMAIN}>`,
      from: { address: SUPPORT, name: "Acme Support" },
      to: ["maria.garcia@example.org"],
      subject: "Re: Order #4411 never arrived",
      inReplyTo: "<CAF7reply998877@mail.example.org>",
      text: "It ships today — sorry for the wait.",
    });
    expect(mail.references.at(-1)).toBe("<CAF7reply998877@mail.example.org>");
    const reply = (await messagesOf(conversationSid)).find((m) => m.sid === messageSid);
    expect(reply?.delivery_status).toBe("sent");
  });
});
