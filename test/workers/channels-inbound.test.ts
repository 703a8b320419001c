/**
 * The shared inbound path, end to end inside workerd: a Twilio-signed SMS webhook opens a conversation
 * (masked card number, a task through the channel's workflow), a provider retry stores nothing twice,
 * and every refusal — bad signature, malformed body, unknown channel, oversize body — changes nothing.
 * An agent's reply goes out through the Twilio adapter (globalThis.fetch plays the Messages API,
 * checking Basic auth as Twilio does) and Twilio's status callback comes back to the message. The
 * custom channel's signed JSON and the signed media links are covered too.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import { app } from "../../workers/app";
import { signedForm, smsForm } from "../support/twilio-forms";
import { signCustom } from "../../channels/custom";
import { mediaStore, signedMediaUrl } from "../../channels/media";
import { conversationFor } from "../../platform/objects";
import { messagesOf, openConversationOf } from "./conversation-helpers";

const ACCOUNT = env.ACCOUNT_SID!;
const AUTH = { authorization: "Basic " + btoa(`${ACCOUNT}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const ORIGIN = "https://sb.example";
const TWILIO_AC = "AC" + "a".repeat(32);
const TWILIO_TOKEN = "twilio-auth-token";
const NUMBER = "+15552223333";
const CARD = "4111 1111 1111 1111";

const call = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init, env);
let ws = "";
let twilioChannel = "";
let customChannel = "";
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

beforeAll(async () => {
  const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=inbound&Template=FIFO" });
  ws = ((await created.json()) as { sid: string }).sid;
  const channel = async (form: Record<string, string>) =>
    (
      (await (
        await call(`/api/workspaces/${ws}/channels`, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() })
      ).json()) as { sid: string }
    ).sid;
  twilioChannel = await channel({
    Kind: "twilio",
    "Settings.twilio_account_sid": TWILIO_AC,
    "Settings.phone_number": NUMBER,
    "Settings.api_base_url": "https://twilio.double",
    "Secrets.auth_token": TWILIO_TOKEN,
  });
  customChannel = await channel({
    Kind: "custom",
    "Settings.outbound_url": "https://team.example/in",
    "Secrets.signing_secret": "team-secret",
  });
});

const twilioUrl = () => `${ORIGIN}${webhookPath(ws, twilioChannel)}`;

/** POSTs a form to the Twilio channel's webhook, signed as Twilio signs it (or with another token). */
async function twilioWebhook(params: Record<string, string>, token = TWILIO_TOKEN): Promise<Response> {
  return call(webhookPath(ws, twilioChannel), await signedForm(twilioUrl(), params, token));
}

const sms = (from: string, body: string) => smsForm(TWILIO_AC, from, NUMBER, body);

const openConversation = (address: string, channel = twilioChannel) => openConversationOf(ws, channel, address);

describe("a Twilio SMS webhook", () => {
  it("opens a conversation with the message (card number masked) and a task, and answers empty TwiML", async () => {
    const response = await twilioWebhook(sms("+15550001111", `my card is ${CARD}`));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const conversationSid = await openConversation("+15550001111");
    expect(conversationSid).toMatch(/^CH[0-9a-f]{32}$/);
    const messages = await messagesOf(conversationSid!);
    expect(messages.map((m) => m.body)).toEqual(["my card is **** **** **** 1111"]);
    const conversation = await conversationFor(env, conversationSid!).getConversation(ACCOUNT);
    expect(conversation).toMatchObject({ ok: true, value: { channel: "sms", channel_sid: twilioChannel, workspace_sid: ws } });
    const taskSid = conversation.ok ? conversation.value.task_sid : null;
    expect(taskSid).toMatch(/^WT[0-9a-f]{32}$/);
    const task = (await (await call(`/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`, { headers: AUTH })).json()) as {
      attributes: string;
      task_channel_unique_name: string;
    };
    expect(task.task_channel_unique_name).toBe("sms");
    expect(JSON.parse(task.attributes)).toMatchObject({ conversationSid, channelType: "sms", from: "+15550001111", direction: "inbound" });
  });

  it("keeps the customer's number where it names them, masking only the card number they wrote", async () => {
    // +4915100000160 passes Luhn and starts like a Visa: free-text masking alone would show +*********0160.
    const from = "+4915100000160";
    expect((await twilioWebhook(sms(from, `pay with ${CARD}`))).status).toBe(200);
    const conversationSid = (await openConversation(from))!;
    expect((await messagesOf(conversationSid)).map((m) => [m.author, m.body])).toEqual([[from, "pay with **** **** **** 1111"]]);
    const conversation = await conversationFor(env, conversationSid).getConversation(ACCOUNT);
    if (!conversation.ok) throw new Error(conversation.message);
    expect(conversation.value.friendly_name).toBe(from);
    const participants = await conversationFor(env, conversationSid).listParticipants(ACCOUNT, { pageSize: 50, page: 0 });
    expect(participants.ok && participants.value.items.map((p) => p.messaging_binding?.address)).toEqual([from]);
    const task = (await (await call(`/taskrouter/v1/Workspaces/${ws}/Tasks/${conversation.value.task_sid}`, { headers: AUTH })).json()) as {
      attributes: string;
    };
    expect(JSON.parse(task.attributes)).toMatchObject({ from, name: from, customers: { phone: from } });
  });

  it("gives the task where the customer writes from and, as Flex does, the conversation's SID as channelSid", async () => {
    const located = {
      ...sms("+14155550111", "Is the store open?"),
      FromCity: "SAN FRANCISCO",
      FromState: "CA",
      FromZip: "94105",
      FromCountry: "US",
    };
    expect((await twilioWebhook({ ...located, ToCity: "", ToState: "NY", ToZip: "", ToCountry: "US" })).status).toBe(200);
    const conversationSid = (await openConversation("+14155550111"))!;
    const conversation = await conversationFor(env, conversationSid).getConversation(ACCOUNT);
    const taskSid = conversation.ok ? conversation.value.task_sid : null;
    const task = (await (await call(`/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`, { headers: AUTH })).json()) as {
      attributes: string;
    };
    expect(JSON.parse(task.attributes)).toMatchObject({
      conversationSid,
      channelSid: conversationSid,
      channelConfigSid: twilioChannel,
      from_city: "SAN FRANCISCO",
      from_state: "CA",
      from_zip: "94105",
      from_country: "US",
      to_state: "NY",
      to_country: "US",
    });
    expect(JSON.parse(task.attributes)).not.toHaveProperty("to_city");
    expect(conversation.ok && JSON.parse(conversation.value.attributes)).toMatchObject({ from_city: "SAN FRANCISCO", from_zip: "94105" });
  });

  it("stores a message once when Twilio delivers the same webhook twice", async () => {
    const params = sms("+15550002222", "hello twice");
    expect((await twilioWebhook(params)).status).toBe(200);
    expect((await twilioWebhook(params)).status).toBe(200);
    const messages = await messagesOf((await openConversation("+15550002222"))!);
    expect(messages.map((m) => m.body)).toEqual(["hello twice"]);
  });

  it("puts a second message from the same customer in the same conversation, in order", async () => {
    await twilioWebhook(sms("+15550003333", "first"));
    await twilioWebhook(sms("+15550003333", "second"));
    const messages = await messagesOf((await openConversation("+15550003333"))!);
    expect(messages.map((m) => [m.index, m.body])).toEqual([
      [0, "first"],
      [1, "second"],
    ]);
  });
});

describe("refusals change nothing", () => {
  it("answers 403 to a webhook signed with another token and stores nothing", async () => {
    const response = await twilioWebhook(sms("+15550004444", "forged"), "not-the-token");
    expect(response.status).toBe(403);
    expect(await openConversation("+15550004444")).toBeNull();
  });

  it("answers 403 to a webhook whose AccountSid is another Twilio account's", async () => {
    const response = await twilioWebhook({ ...sms("+15550004445", "other account"), AccountSid: "AC" + "b".repeat(32) });
    expect(response.status).toBe(403);
    expect(await openConversation("+15550004445")).toBeNull();
  });

  it("answers 400 naming the problem to a signed message without From, and stores nothing", async () => {
    const { From: _from, ...params } = sms("+15550005555", "no sender");
    const response = await twilioWebhook(params);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain("From");
    expect(await openConversation("+15550005555")).toBeNull();
  });

  it.each([
    ["an unknown channel", () => webhookPath(ws, "XC" + "0".repeat(32))],
    ["an unknown workspace", () => webhookPath("WS" + "0".repeat(32), twilioChannel)],
    ["a path that is not SIDs", () => "/webhooks/nope/nada"],
  ])("answers 404 for %s", async (_case, path) => {
    const response = await call(path(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Body=x",
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toBe("The requested resource was not found");
  });

  it("answers 413 to a body over 1 MB without reading it into a conversation", async () => {
    const params = sms("+15550006666", "x".repeat(1024 * 1024 + 1));
    const response = await twilioWebhook(params);
    expect(response.status).toBe(413);
    expect(await openConversation("+15550006666")).toBeNull();
  });

  it("answers 405 to a GET on a Twilio webhook (Twilio has no handshake)", async () => {
    expect((await call(webhookPath(ws, twilioChannel))).status).toBe(405);
  });
});

describe("an agent's reply over SMS", () => {
  it("goes to Twilio's Messages API from the channel's number, and Twilio's status callback marks it delivered", async () => {
    await twilioWebhook(sms("+15550007777", "can you help?"));
    const conversationSid = (await openConversation("+15550007777"))!;
    const sent: { auth: string | null; form: URLSearchParams; url: string }[] = [];
    globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith("https://twilio.double/")) return realFetch(input, init);
      const auth = request.headers.get("authorization");
      if (auth !== "Basic " + btoa(`${TWILIO_AC}:${TWILIO_TOKEN}`))
        return Response.json({ code: 20003, message: "Authenticate", status: 401 }, { status: 401 });
      sent.push({ auth, form: new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())), url: request.url });
      return Response.json({ sid: "SM" + "c".repeat(32), status: "queued" }, { status: 201 });
    };
    const conversation = conversationFor(env, conversationSid);
    const added = await conversation.addMessage(ACCOUNT, { author: "Alex", body: "Yes, tell me your order number" });
    expect(added.ok).toBe(true);
    await conversation.deliverPending();
    expect(sent.map((s) => [s.url, s.form.get("To"), s.form.get("From"), s.form.get("Body"), s.form.get("StatusCallback")])).toEqual([
      [
        `https://twilio.double/2010-04-01/Accounts/${TWILIO_AC}/Messages.json`,
        "+15550007777",
        NUMBER,
        "Yes, tell me your order number",
        twilioUrl(),
      ],
    ]);
    const status = {
      AccountSid: TWILIO_AC,
      MessageSid: "SM" + "c".repeat(32),
      SmsSid: "SM" + "c".repeat(32),
      MessageStatus: "delivered",
      SmsStatus: "delivered",
      To: "+15550007777",
      From: NUMBER,
      ApiVersion: "2010-04-01",
    };
    expect((await twilioWebhook(status)).status).toBe(200);
    const reply = (await messagesOf(conversationSid)).find((m) => m.body === "Yes, tell me your order number");
    expect(reply?.delivery_status).toBe("delivered");
  });
});

describe("the custom channel", () => {
  async function customWebhook(event: unknown, timestamp = Math.floor(Date.now() / 1000), secret = "team-secret"): Promise<Response> {
    const body = JSON.stringify(event);
    return call(webhookPath(ws, customChannel), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-switchboard-timestamp": String(timestamp),
        "x-switchboard-signature": await signCustom(secret, timestamp, body),
      },
      body,
    });
  }
  const event = (id: string, address: string) => ({ type: "message", id, from: { address, name: "Ada" }, text: "Hi from the app" });

  it("takes a signed message in, once per id", async () => {
    expect((await customWebhook(event("app-1", "user-1"))).status).toBe(200);
    expect((await customWebhook(event("app-1", "user-1"))).status).toBe(200);
    const conversationSid = await openConversation("user-1", customChannel);
    expect((await messagesOf(conversationSid!)).map((m) => m.body)).toEqual(["Hi from the app"]);
  });

  it.each([
    ["a replayed (6 minutes old) request", () => customWebhook(event("app-2", "user-2"), Math.floor(Date.now() / 1000) - 360)],
    ["a request signed with another secret", () => customWebhook(event("app-2", "user-2"), undefined, "guess")],
  ])("answers 401 to %s and stores nothing", async (_case, send) => {
    expect((await send()).status).toBe(401);
    expect(await openConversation("user-2", customChannel)).toBeNull();
  });
});

describe("signed media links", () => {
  it("serve the attachment while fresh and untouched, and nothing otherwise", async () => {
    const ref = await mediaStore(env, ws).put(new TextEncoder().encode("picture bytes"), "image/png", "p.png");
    const link = await signedMediaUrl(env.AUTH_TOKEN!, twilioUrl(), ref.sid, Date.now());
    const path = link.slice(ORIGIN.length);
    const ok = await call(path);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(new TextDecoder().decode(await ok.arrayBuffer())).toBe("picture bytes");

    const other = path.replace(ref.sid, "ME" + "0".repeat(32));
    const old = (await signedMediaUrl(env.AUTH_TOKEN!, twilioUrl(), ref.sid, Date.now() - 25 * 3600_000)).slice(ORIGIN.length);
    for (const bad of [
      other,
      old,
      path.replace(/signature=(.)/, (_m, first: string) => `signature=${first === "0" ? "1" : "0"}`),
      path.split("?")[0]!,
    ]) {
      expect((await call(bad)).status).toBe(403);
    }
  });

  // Media from customers' channels may be anything: a link serves it as /api/media does (same helper).
  it.each([
    // type, disposition (worked out by hand: raster images, audio, video and PDF inline; anything else downloads)
    ["image/png", "inline; filename*=UTF-8''a%20b.bin"],
    ["video/mp4", "inline; filename*=UTF-8''a%20b.bin"],
    ["application/pdf", "inline; filename*=UTF-8''a%20b.bin"],
    ["text/html", "attachment; filename*=UTF-8''a%20b.bin"],
    ["image/svg+xml", "attachment; filename*=UTF-8''a%20b.bin"],
    ["application/octet-stream", "attachment; filename*=UTF-8''a%20b.bin"],
  ])("serve %s sandboxed, never sniffed, as %s — the same headers as /api/media", async (type, disposition) => {
    const ref = await mediaStore(env, ws).put(new TextEncoder().encode("<script>alert(1)</script>"), type, "a b.bin");
    const link = await call((await signedMediaUrl(env.AUTH_TOKEN!, twilioUrl(), ref.sid, Date.now())).slice(ORIGIN.length));
    const api = await call(`/api/media/${ws}/${ref.sid}`, { headers: AUTH });
    for (const res of [link, api]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      expect(res.headers.get("content-disposition")).toBe(disposition);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
    }
    const headers = (res: Response) => [...res.headers].filter(([name]) => name !== "date");
    expect(headers(link)).toEqual(headers(api));
  });
});
