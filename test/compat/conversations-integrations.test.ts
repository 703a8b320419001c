/**
 * The Conversations endpoints integrations use, through the stock `twilio` client against the real
 * `wrangler dev`: Users and their conversations, ParticipantConversations, ConversationWithParticipants,
 * delivery receipts of a reply sent through a Twilio double, the webhook configuration at its three
 * levels — and the webhooks themselves, received by an integration on 127.0.0.1 that checks every
 * X-Twilio-Signature with `twilio.validateRequest`: a pre-event that refuses or rewrites a message, and
 * post-events through the queue.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { inboundSms, startTwilioDouble, type TwilioDouble } from "../support/doubles/twilio";
import { eventually } from "../support/eventually";
import { listenLocally } from "../support/listen";
import { switchboardClient } from "./client";

const client = switchboardClient();
client.conversations.baseUrl = `${inject("baseUrl")}/conversations`;
const v1 = client.conversations.v1;
const suffix = () => randomUUID().slice(0, 8);

interface Hook {
  readonly path: string;
  readonly params: Record<string, string>;
  readonly valid: boolean;
}

/** The integration: checks each request's signature as a Twilio integration does, and answers pre-events. */
const hooks: Hook[] = [];
let integration: Server;
let hookBase = "";

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

let serviceSid = "";
let service: ReturnType<typeof v1.services>;

beforeAll(async () => {
  integration = createServer(async (req, res) => {
    const params = Object.fromEntries(new URLSearchParams(await body(req)));
    const path = req.url ?? "/";
    const valid = twilio.validateRequest(
      inject("authToken"),
      String(req.headers["x-twilio-signature"] ?? ""),
      `${hookBase}${path}`,
      params,
    );
    hooks.push({ path, params, valid });
    if (path === "/pre" && (params.Body ?? "").includes("forbidden")) return res.writeHead(403).end();
    if (path === "/pre" && (params.Body ?? "").includes("shout")) {
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ body: params.Body!.toUpperCase() }));
    }
    res.writeHead(200).end();
  });
  hookBase = await listenLocally(integration);
  const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-integrations-${suffix()}`, template: "FIFO" });
  serviceSid = `IS${workspace.sid.slice(2)}`;
  service = v1.services(serviceSid);
});

afterAll(() => new Promise<void>((resolve) => integration.close(() => resolve())));

describe("users", () => {
  it("creates, fetches by identity, updates, lists and removes a user; lists the user's conversations", async () => {
    const identity = `ada-${suffix()}@example.com`;
    const user = await service.users.create({ identity, friendlyName: "Ada", attributes: JSON.stringify({ tier: "gold" }) });
    expect(user.sid).toMatch(/^US[0-9a-f]{32}$/);
    expect(user).toMatchObject({ identity, friendlyName: "Ada", chatServiceSid: serviceSid });
    expect((await service.users(identity).fetch()).sid).toBe(user.sid);
    expect((await service.users(user.sid).update({ friendlyName: "Ada L." })).friendlyName).toBe("Ada L.");
    expect((await service.users.list()).map((u) => u.sid)).toContain(user.sid);
    await expect(service.users.create({ identity })).rejects.toMatchObject({ status: 409, code: 50201 });

    const conversation = await service.conversations.create({ friendlyName: "with Ada" });
    await service.conversations(conversation.sid).participants.create({ identity });
    await service.conversations(conversation.sid).messages.create({ author: "bot", body: "hello" });
    const [mine] = await service.users(user.sid).userConversations.list();
    expect(mine).toMatchObject({ conversationSid: conversation.sid, userSid: user.sid, unreadMessagesCount: 1, friendlyName: "with Ada" });

    expect(await service.users(user.sid).remove()).toBe(true);
    await expect(service.users(user.sid).fetch()).rejects.toMatchObject({ status: 404 });
  });
});

describe("ParticipantConversations and ConversationWithParticipants", () => {
  it("creates a conversation with its participants in one call, and finds it by identity and by address", async () => {
    const identity = `bo-${suffix()}`;
    const address = `+1555${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
    const conversation = await service.conversationWithParticipants.create({
      friendlyName: "Order 7",
      participant: [JSON.stringify({ identity }), JSON.stringify({ messaging_binding: { address, proxy_address: "+15559990000" } })],
    });
    expect(conversation.sid).toMatch(/^CH[0-9a-f]{32}$/);
    const participants = await service.conversations(conversation.sid).participants.list();
    expect(participants.map((p) => p.identity ?? (p.messagingBinding as { address: string }).address).sort()).toEqual(
      [address, identity].sort(),
    );

    const byIdentity = await service.participantConversations.list({ identity });
    expect(byIdentity.map((c) => [c.conversationSid, c.participantIdentity, c.conversationFriendlyName])).toEqual([
      [conversation.sid, identity, "Order 7"],
    ]);
    const byAddress = await service.participantConversations.list({ address });
    expect(byAddress.map((c) => c.conversationSid)).toEqual([conversation.sid]);

    await expect(
      service.conversationWithParticipants.create({ friendlyName: "broken", participant: ['{"identity": 42}'] }),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe("delivery receipts", () => {
  const NUMBER = "+15553334444";
  let double: TwilioDouble;
  afterAll(() => double?.close());

  it("lists and fetches the receipt of a reply delivered through Twilio, moving with Twilio's status callback", async () => {
    double = await startTwilioDouble({ numbers: [NUMBER] });
    const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-receipts-${suffix()}`, template: "FIFO" });
    const channel = await fetch(`${inject("baseUrl")}/api/workspaces/${workspace.sid}/channels`, {
      method: "POST",
      headers: {
        authorization: "Basic " + Buffer.from(`${inject("accountSid")}:${inject("authToken")}`).toString("base64"),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        Kind: "twilio",
        "Settings.twilio_account_sid": double.accountSid,
        "Settings.phone_number": NUMBER,
        "Settings.api_base_url": double.url,
        "Secrets.auth_token": double.authToken,
      }).toString(),
    });
    const webhookUrl = ((await channel.json()) as { webhook_url: string }).webhook_url;
    const customer = "+15550004444";
    await double.sendWebhook(webhookUrl, inboundSms(double.accountSid, { From: customer, To: NUMBER, Body: "where is my order?" }));
    const { conversationSid } = await eventually(async () => {
      const tasks = await client.taskrouter.v1.workspaces(workspace.sid).tasks.list();
      const found = tasks.find((t) => JSON.parse(t.attributes).from === customer);
      return found ? (JSON.parse(found.attributes) as { conversationSid: string }) : undefined;
    }, "the conversation's task");

    const reply = await v1.conversations(conversationSid).messages.create({ author: "Alex", body: "On its way!" });
    const sent = await eventually(() => double.messages.find((m) => m.body === "On its way!"), "the reply at Twilio");
    const receipts = v1.conversations(conversationSid).messages(reply.sid).deliveryReceipts;
    const [receipt] = await eventually(async () => {
      const listed = await receipts.list();
      return listed.length > 0 ? listed : undefined;
    }, "the reply's receipt");
    expect(receipt).toMatchObject({ messageSid: reply.sid, conversationSid, channelMessageSid: sent.sid, status: "sent", errorCode: 0 });
    expect(receipt!.sid).toMatch(/^DY[0-9a-f]{32}$/);

    const callback = {
      AccountSid: double.accountSid,
      MessageSid: sent.sid,
      SmsSid: sent.sid,
      MessageStatus: "delivered",
      To: customer,
      From: NUMBER,
    };
    expect((await double.sendWebhook(webhookUrl, callback)).status).toBe(200);
    expect((await receipts(receipt!.sid).fetch()).status).toBe("delivered");
  });
});

describe("webhooks", () => {
  it("configures the account's and a chat service's webhooks, and a conversation's scoped ones", async () => {
    const account = await v1.configuration.webhooks().update({ method: "POST", filters: ["onMessageAdded"], target: "webhook" });
    expect(account).toMatchObject({ method: "POST", filters: ["onMessageAdded"], target: "webhook" });
    expect((await v1.configuration.webhooks().fetch()).filters).toEqual(["onMessageAdded"]);

    const other = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-hooks-config-${suffix()}` });
    const configured = await v1
      .services(`IS${other.sid.slice(2)}`)
      .configuration.webhooks()
      .update({
        preWebhookUrl: "https://hooks.example.com/pre",
        filters: ["onMessageAdd", "onConversationAdded"],
        method: "GET",
      });
    expect(configured).toMatchObject({
      preWebhookUrl: "https://hooks.example.com/pre",
      method: "GET",
      chatServiceSid: `IS${other.sid.slice(2)}`,
    });

    const conversation = v1.conversations((await v1.conversations.create({ friendlyName: "scoped" })).sid);
    const hook = await conversation.webhooks.create({
      target: "webhook",
      "configuration.url": "https://hooks.example.com/scoped",
      "configuration.method": "post",
      "configuration.filters": ["onMessageAdded", "onParticipantAdded"],
    });
    expect(hook.sid).toMatch(/^WH[0-9a-f]{32}$/);
    expect(hook.configuration).toMatchObject({
      url: "https://hooks.example.com/scoped",
      filters: ["onMessageAdded", "onParticipantAdded"],
    });
    expect((await conversation.webhooks.list()).map((w) => w.sid)).toEqual([hook.sid]);
    const updated = await conversation.webhooks(hook.sid).update({ "configuration.filters": ["onMessageRemoved"] });
    expect(updated.configuration).toMatchObject({ filters: ["onMessageRemoved"] });
    expect(await conversation.webhooks(hook.sid).remove()).toBe(true);
    await expect(conversation.webhooks(hook.sid).fetch()).rejects.toMatchObject({ status: 404 });
    await expect(conversation.webhooks.create({ target: "webhook" })).rejects.toMatchObject({ status: 400 });
  });

  it("asks the pre-event webhook (refuse, rewrite) and sends signed post-events, only when the call asks for webhooks", async () => {
    await service.configuration.webhooks().update({
      preWebhookUrl: `${hookBase}/pre`,
      postWebhookUrl: `${hookBase}/post`,
      filters: ["onMessageAdd", "onMessageAdded"],
      method: "POST",
    });
    const conversation = service.conversations((await service.conversations.create({ friendlyName: "moderated" })).sid);
    const conversationSid = (await conversation.fetch()).sid;

    await expect(conversation.messages.create({ body: "a forbidden word", xTwilioWebhookEnabled: "true" })).rejects.toMatchObject({
      status: 403,
    });
    const shouted = await conversation.messages.create({ author: "ann", body: "please shout", xTwilioWebhookEnabled: "true" });
    expect(shouted.body).toBe("PLEASE SHOUT");
    const quiet = await conversation.messages.create({ body: "a forbidden word, but nobody was asked" });
    expect(quiet.body).toBe("a forbidden word, but nobody was asked");
    expect((await conversation.messages.list()).map((m) => m.body)).toEqual(["PLEASE SHOUT", "a forbidden word, but nobody was asked"]);

    const post = await eventually(
      () => hooks.find((h) => h.path === "/post" && h.params.ConversationSid === conversationSid),
      "the onMessageAdded post-event",
    );
    expect(post.valid).toBe(true);
    expect(post.params).toMatchObject({
      EventType: "onMessageAdded",
      MessageSid: shouted.sid,
      Body: "PLEASE SHOUT",
      Author: "ann",
      Source: "API",
    });
    const pre = hooks.filter((h) => h.path === "/pre" && h.params.ConversationSid === conversationSid);
    expect(pre.map((h) => [h.valid, h.params.EventType, h.params.Body])).toEqual([
      [true, "onMessageAdd", "a forbidden word"],
      [true, "onMessageAdd", "please shout"],
    ]);
    // The quiet message was announced to nobody.
    expect(
      hooks.filter((h) => h.params.ConversationSid === conversationSid && (h.params.Body ?? "").startsWith("a forbidden word,")),
    ).toEqual([]);
  });
});
