/**
 * Meta's channels end to end inside workerd: the hub.challenge handshake on the webhook URL; a signed
 * WhatsApp Cloud webhook opens a conversation and its task (with an image fetched from the Graph API),
 * a redelivery stores nothing twice, a bad signature or a malformed body changes nothing; an agent's
 * reply goes out through the Graph API and Meta's status webhook marks it delivered. Messenger takes a
 * message in and ignores our own echo. globalThis.fetch plays the Graph API (test/support/doubles/graph.ts),
 * checking tokens and bodies as Meta does.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import { app } from "../../workers/app";
import { createGraphDouble, sendMetaWebhook, type GraphDouble } from "../support/doubles/graph";
import * as ms from "../unit/channels/fixtures/meta-messenger";
import * as wa from "../unit/channels/fixtures/meta-whatsapp";
import { conversationFor } from "../../platform/objects";
import { messagesOf, openConversationOf } from "./conversation-helpers";

const ACCOUNT = env.ACCOUNT_SID!;
const FORM = { authorization: "Basic " + btoa(`${ACCOUNT}:${env.AUTH_TOKEN}`), "content-type": "application/x-www-form-urlencoded" };
const ORIGIN = "https://sb.example";
const GRAPH_ORIGIN = "https://graph.double";
const WA_TOKEN = "EAAJB3wa-access-token";
const PAGE_TOKEN = "EAAGm0PX4ZCps-page-token";
const APP_SECRET = "6f1c2a9e0b7d4c3f8a5e2d1b0c9f8e7d";
const VERIFY = "switchboard-verify-4417";

const call = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init, env);
const toApp = (request: Request) => app.request(request, undefined, env);
let ws = "";
let whatsappChannel = "";
let messengerChannel = "";
let instagramChannel = "";
let graph: GraphDouble;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=meta&Template=FIFO" });
  ws = ((await created.json()) as { sid: string }).sid;
  const channel = async (form: Record<string, string>) => {
    const response = await call(`/api/workspaces/${ws}/channels`, {
      method: "POST",
      headers: FORM,
      body: new URLSearchParams(form).toString(),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { sid: string }).sid;
  };
  const secrets = { "Secrets.app_secret": APP_SECRET, "Secrets.verify_token": VERIFY };
  whatsappChannel = await channel({
    Kind: "whatsapp",
    "Settings.phone_number_id": wa.PHONE_NUMBER_ID,
    "Settings.graph_base_url": `${GRAPH_ORIGIN}/v21.0`,
    "Secrets.access_token": WA_TOKEN,
    ...secrets,
  });
  messengerChannel = await channel({
    Kind: "messenger",
    "Settings.page_id": ms.PAGE_ID,
    "Settings.graph_base_url": `${GRAPH_ORIGIN}/v21.0`,
    "Secrets.page_access_token": PAGE_TOKEN,
    ...secrets,
  });
  instagramChannel = await channel({
    Kind: "instagram",
    "Settings.page_id": ms.IG_ACCOUNT_ID,
    "Settings.graph_base_url": `${GRAPH_ORIGIN}/v21.0`,
    "Secrets.page_access_token": PAGE_TOKEN,
    ...secrets,
  });
});

beforeEach(() => {
  graph = createGraphDouble({
    origin: GRAPH_ORIGIN,
    phoneNumberId: wa.PHONE_NUMBER_ID,
    accessToken: WA_TOKEN,
    pageId: ms.PAGE_ID,
    pageAccessToken: PAGE_TOKEN,
  });
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    return request.url.startsWith(GRAPH_ORIGIN + "/") ? graph.handle(request) : realFetch(input, init);
  };
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

const webhookUrl = (channel: string) => `${ORIGIN}${webhookPath(ws, channel)}`;
const openConversation = (address: string, channel = whatsappChannel) => openConversationOf(ws, channel, address);
/** A WhatsApp text from a customer of our own choosing, so tests do not share conversations. */
const waTextFrom = (waId: string, body: string, id = `wamid.${crypto.randomUUID()}`) => {
  const payload = wa.waText(body, id) as {
    entry: { changes: { value: { contacts: { wa_id: string }[]; messages: { from: string }[] } }[] }[];
  };
  const value = payload.entry[0]!.changes[0]!.value;
  value.contacts[0]!.wa_id = waId;
  value.messages[0]!.from = waId;
  return payload;
};

const eventsOf = (payload: Record<string, unknown>) => (payload.entry as { messaging: Record<string, unknown>[] }[])[0]!.messaging;

describe("the subscription handshake", () => {
  it.each([
    [VERIFY, 200, "1158201444"],
    ["guess", 403, "Forbidden"],
  ])("answers verify token %s with %i", async (token, status, text) => {
    const query = new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444" });
    const response = await call(`${webhookPath(ws, whatsappChannel)}?${query}`);
    expect(response.status).toBe(status);
    expect(await response.text()).toBe(text);
  });
});

describe("a WhatsApp Cloud webhook", () => {
  it("opens a conversation with the image and a task carrying the customer's name and address", async () => {
    graph.addMedia("1003383421387256", new Uint8Array([0xff, 0xd8, 0xff, 1]), "image/jpeg");
    const response = await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), wa.waImage(), APP_SECRET);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("EVENT_RECEIVED");
    const conversationSid = (await openConversation("whatsapp:+16505551234"))!;
    const [message] = await messagesOf(conversationSid);
    expect(message).toMatchObject({ body: "The blue one", media: [{ content_type: "image/jpeg", size: 4 }] });
    const conversation = await conversationFor(env, conversationSid).getConversation(ACCOUNT);
    expect(conversation).toMatchObject({ ok: true, value: { channel: "whatsapp", channel_sid: whatsappChannel } });
    const taskSid = conversation.ok ? conversation.value.task_sid : null;
    const task = (await (await call(`/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`, { headers: FORM })).json()) as {
      attributes: string;
    };
    expect(JSON.parse(task.attributes)).toMatchObject({
      conversationSid,
      channelType: "whatsapp",
      from: "whatsapp:+16505551234",
      customerName: "Sheena Nelson",
    });
  });

  it("stores a message once when Meta delivers the same webhook twice", async () => {
    const payload = waTextFrom("14155550101", "hello twice");
    expect((await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), payload, APP_SECRET)).status).toBe(200);
    expect((await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), payload, APP_SECRET)).status).toBe(200);
    expect((await messagesOf((await openConversation("whatsapp:+14155550101"))!)).map((m) => m.body)).toEqual(["hello twice"]);
  });

  it.each([
    ["signed with another app secret", { signature: undefined, secret: "not-the-app-secret" }],
    ["without a signature", { signature: null, secret: APP_SECRET }],
  ])("answers 403 to a webhook %s and stores nothing", async (_, { signature, secret }) => {
    const response = await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), waTextFrom("14155550102", "forged"), secret, { signature });
    expect(response.status).toBe(403);
    expect(await openConversation("whatsapp:+14155550102")).toBeNull();
  });

  it("answers 503 when the Graph API is down while fetching the image, so Meta redelivers it, and stores nothing", async () => {
    const payload = wa.waImage("990001") as {
      entry: { changes: { value: { contacts: { wa_id: string }[]; messages: { from: string }[] } }[] }[];
    };
    const value = payload.entry[0]!.changes[0]!.value;
    value.contacts[0]!.wa_id = value.messages[0]!.from = "14155550104";
    globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.url.startsWith(GRAPH_ORIGIN + "/")) throw new TypeError("Network connection lost");
      return realFetch(input, init);
    };
    const response = await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), payload, APP_SECRET);
    expect(response.status).toBe(503);
    expect(await openConversation("whatsapp:+14155550104")).toBeNull();
  });

  it("answers 400 naming the field to a signed body that is not Meta's envelope, and stores nothing", async () => {
    const payload = waTextFrom("14155550103", "no metadata") as { entry: { changes: { value: Record<string, unknown> }[] }[] };
    delete payload.entry[0]!.changes[0]!.value.metadata;
    const response = await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), payload, APP_SECRET);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain("value.metadata");
    expect(await openConversation("whatsapp:+14155550103")).toBeNull();
  });

  it("takes a batch with one unreadable message: the others in order, the odd one as unsupported, 200 so Meta does not retry", async () => {
    const payload = wa.waBatchWithOddOne() as {
      entry: { changes: { value: { contacts: { wa_id: string }[]; messages: { from: string }[] } }[] }[];
    };
    const value = payload.entry[0]!.changes[0]!.value;
    value.contacts[0]!.wa_id = "14155550105";
    for (const message of value.messages) message.from = "14155550105";
    const response = await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), payload, APP_SECRET);
    expect([response.status, await response.text()]).toEqual([200, "EVENT_RECEIVED"]);
    // Meta redelivers now and then: the same batch changes nothing the second time.
    expect((await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), payload, APP_SECRET)).status).toBe(200);
    const messages = await messagesOf((await openConversation("whatsapp:+14155550105"))!);
    expect(messages.map((m) => [m.body, JSON.parse(m.attributes).unsupported?.type ?? null])).toEqual([
      ["First", null],
      ["", "location"],
      ["Third", null],
    ]);
  });
});

describe("a WhatsApp customer known by a business-scoped user ID", () => {
  it("opens a conversation under whatsapp:<BSUID>, and the agent's reply goes back to that same ID", async () => {
    const response = await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), wa.waTextFromBsuid(), APP_SECRET);
    expect(response.status).toBe(200);
    const conversationSid = (await openConversation("whatsapp:US.13491208655302741918"))!;
    expect((await messagesOf(conversationSid)).map((m) => [m.author, m.body])).toEqual([
      ["whatsapp:US.13491208655302741918", "Hi, I ordered the blue one"],
    ]);
    const conversation = conversationFor(env, conversationSid);
    expect((await conversation.addMessage(ACCOUNT, { author: "Alex", body: "Thanks, Sheena — checking now." })).ok).toBe(true);
    await conversation.deliverPending();
    expect(graph.sent.map((s) => [s.body.recipient, s.body.to])).toEqual([["US.13491208655302741918", undefined]]);
    const status = wa.waStatusToBsuid(graph.sent[0]!.id, "read");
    expect((await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), status, APP_SECRET)).status).toBe(200);
    expect((await messagesOf(conversationSid)).find((m) => m.author === "Alex")?.delivery_status).toBe("read");
  });
});

describe("an agent's reply over WhatsApp", () => {
  it("goes out through the Graph API, and Meta's status webhook marks it delivered", async () => {
    await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), waTextFrom("14155550104", "can you help?"), APP_SECRET);
    const conversationSid = (await openConversation("whatsapp:+14155550104"))!;
    const conversation = conversationFor(env, conversationSid);
    expect((await conversation.addMessage(ACCOUNT, { author: "Alex", body: "Yes — what is your order number?" })).ok).toBe(true);
    await conversation.deliverPending();
    expect(graph.sent.map((s) => [s.path, s.body.to, (s.body.text as { body: string }).body])).toEqual([
      [`/${wa.PHONE_NUMBER_ID}/messages`, "14155550104", "Yes — what is your order number?"],
    ]);
    const reply = (await messagesOf(conversationSid)).find((m) => m.author === "Alex");
    expect(reply?.delivery_status).toBe("sent");
    // Meta reports on the wamid it answered with; the status names the customer by wa_id.
    const status = wa.waStatus(graph.sent[0]!.id, "delivered", { recipient_id: "14155550104" });
    const answered = await sendMetaWebhook(toApp, webhookUrl(whatsappChannel), status, APP_SECRET);
    expect([answered.status, await answered.text()]).toEqual([200, "EVENT_RECEIVED"]);
    expect((await messagesOf(conversationSid)).find((m) => m.author === "Alex")?.delivery_status).toBe("delivered");
  });
});

describe("a Messenger webhook", () => {
  it("keeps the ad a customer came from on the conversation and its task, and their message follows in the same conversation", async () => {
    const customer = "7102938475610293";
    const tap = ms.pageWebhook([{ ...eventsOf(ms.msAdReferral())[0]!, sender: { id: customer } }]);
    expect((await sendMetaWebhook(toApp, webhookUrl(messengerChannel), tap, APP_SECRET)).status).toBe(200);
    const text = ms.pageWebhook([ms.fromCustomer({ message: { mid: "m_AFTER_AD", text: "Do you have it in red?" } }, customer)]);
    expect((await sendMetaWebhook(toApp, webhookUrl(messengerChannel), text, APP_SECRET)).status).toBe(200);

    const conversationSid = (await openConversation(customer, messengerChannel))!;
    expect((await messagesOf(conversationSid)).map((m) => m.body)).toEqual(["", "Do you have it in red?"]);
    const conversation = await conversationFor(env, conversationSid).getConversation(ACCOUNT);
    const expected = { referral: { ad_id: "23851942784930412", ref: "spring-sale", source: "ADS", type: "OPEN_THREAD" } };
    expect(conversation.ok && JSON.parse(conversation.value.attributes)).toMatchObject(expected);
    const taskSid = conversation.ok ? conversation.value.task_sid : null;
    const task = (await (await call(`/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`, { headers: FORM })).json()) as {
      attributes: string;
    };
    expect(JSON.parse(task.attributes)).toMatchObject({ ...expected, channelType: "messenger", conversationSid });
  });

  it("takes the customer's message in and ignores the echo of our own send", async () => {
    const events = [ms.fromCustomer({ message: { mid: "m_IN1", text: "Is my order on its way?" } }), ...eventsOf(ms.msEcho())];
    const response = await sendMetaWebhook(toApp, webhookUrl(messengerChannel), ms.pageWebhook(events), APP_SECRET);
    expect(response.status).toBe(200);
    const conversationSid = (await openConversation(ms.PSID, messengerChannel))!;
    expect((await messagesOf(conversationSid)).map((m) => m.body)).toEqual(["Is my order on its way?"]);
  });
});

describe("an Instagram webhook", () => {
  const igEvent = (fields: Record<string, unknown>) =>
    ms.pageWebhook([ms.fromCustomer(fields, ms.IGSID, ms.IG_ACCOUNT_ID)], ms.IG_ACCOUNT_ID, "instagram");
  const send = (payload: unknown) => sendMetaWebhook(toApp, webhookUrl(instagramChannel), payload, APP_SECRET);

  it("puts the customer's ❤️ on the agent's message instead of adding one, and an unsend removes their photo for the agent", async () => {
    const photo = graph.addMedia("ig-photo-1", new Uint8Array([0xff, 0xd8, 0xff, 9, 9]), "image/jpeg");
    const incoming = igEvent({
      message: { mid: "aWdf-PHOTO-1", text: "this one", attachments: [{ type: "image", payload: { url: photo } }] },
    });
    expect((await send(incoming)).status).toBe(200);
    const conversationSid = (await openConversation(ms.IGSID, instagramChannel))!;
    const conversation = conversationFor(env, conversationSid);
    expect((await conversation.addMessage(ACCOUNT, { author: "Alex", body: "Lovely — it ships Monday." })).ok).toBe(true);
    await conversation.deliverPending();
    const delivered = graph.sent.at(-1)!.id;

    const heart = ms.igReaction(delivered) as { entry: { messaging: Record<string, unknown>[] }[] };
    expect((await send(heart)).status).toBe(200);
    expect((await send(heart)).status).toBe(200); // Meta's redelivery: still one reaction
    let messages = await messagesOf(conversationSid);
    expect(messages.map((m) => m.body)).toEqual(["this one", "Lovely — it ships Monday."]);
    expect(JSON.parse(messages[1]!.attributes)).toEqual({ reactions: [{ by: "customer", emoji: "\u2764\uFE0F" }] });

    const [stored] = messages[0]!.media!;
    expect(await env.RECORDINGS.head(`media/${ws}/${stored!.sid}`)).not.toBeNull();
    expect((await send(igEvent({ message: { mid: "aWdf-PHOTO-1", is_deleted: true } }))).status).toBe(200);
    messages = await messagesOf(conversationSid);
    expect(messages[0]).toMatchObject({ index: 0, body: null, media: null });
    expect(JSON.parse(messages[0]!.attributes)).toEqual({ removed: { by: "customer", date_removed: expect.any(String) } });
    // Through the REST API as well, and the photo's bytes are gone from the media store.
    const rest = await call(`/conversations/v1/Conversations/${conversationSid}/Messages/0`, { headers: FORM });
    expect(((await rest.json()) as { body: string | null }).body).toBeNull();
    expect(await env.RECORDINGS.head(`media/${ws}/${stored!.sid}`)).toBeNull();
  });
});
