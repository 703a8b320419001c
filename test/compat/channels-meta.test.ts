/**
 * WhatsApp through Meta's Cloud API, the whole way, against the real `wrangler dev` and a Graph API
 * double (a real HTTP server on 127.0.0.1 that checks tokens and validates bodies as Meta does):
 * the subscription handshake, a signed webhook with an image opens a conversation and a task the stock
 * client sees, Meta's redelivery stores nothing twice, a forged signature stores nothing, an agent's
 * reply reaches the Graph API from the channel's phone number ID, and Meta's status webhook marks it read.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sendMetaWebhook } from "../support/doubles/graph";
import { startGraphServer, type GraphServer } from "../support/doubles/graph-server";
import * as wa from "../unit/channels/fixtures/meta-whatsapp";
import { raw, switchboardClient } from "./client";
import { eventually } from "../support/eventually";

const TOKEN = "EAAJB3wa-access-token";
const APP_SECRET = "6f1c2a9e0b7d4c3f8a5e2d1b0c9f8e7d";
const VERIFY = "switchboard-verify-4417";
const client = switchboardClient();
client.conversations.baseUrl = `${inject("baseUrl")}/conversations`;

let graph: GraphServer;
let workspaceSid = "";
let webhookUrl = "";

interface WireMessage {
  body: string;
  author: string;
  media: { content_type: string; size: number }[] | null;
  delivery_status: string | null;
}
const messagesOf = async (conversationSid: string) =>
  ((await raw("GET", `/conversations/v1/Conversations/${conversationSid}/Messages?PageSize=50`)).body as { messages: WireMessage[] })
    .messages;
const webhook = (payload: unknown, options: { signature?: string | null } = {}) =>
  sendMetaWebhook(fetch, webhookUrl, payload, APP_SECRET, options);

beforeAll(async () => {
  graph = await startGraphServer({ phoneNumberId: wa.PHONE_NUMBER_ID, accessToken: TOKEN });
  const workspace = await client.taskrouter.v1.workspaces.create({
    friendlyName: `compat-wa-${randomUUID().slice(0, 8)}`,
    template: "FIFO",
  });
  workspaceSid = workspace.sid;
  const created = await raw("POST", `/api/workspaces/${workspaceSid}/channels`, {
    Kind: "whatsapp",
    FriendlyName: "Support WhatsApp",
    "Settings.phone_number_id": wa.PHONE_NUMBER_ID,
    "Settings.graph_base_url": graph.baseUrl,
    "Secrets.access_token": TOKEN,
    "Secrets.app_secret": APP_SECRET,
    "Secrets.verify_token": VERIFY,
  });
  expect(created.status).toBe(201);
  webhookUrl = (created.body as { webhook_url: string }).webhook_url;
});
afterAll(() => graph.close());

describe("WhatsApp through the Cloud API", () => {
  let conversationSid = "";

  it("answers Meta's subscription handshake with the challenge", async () => {
    const query = new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444" });
    const response = await fetch(`${webhookUrl}?${query}`);
    expect([response.status, await response.text()]).toEqual([200, "1158201444"]);
    query.set("hub.verify_token", "guess");
    expect((await fetch(`${webhookUrl}?${query}`)).status).toBe(403);
  });

  it("opens a conversation and a task from a signed webhook, with the image fetched from the Graph API", async () => {
    graph.addMedia("1003383421387256", new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 7, 7]), "image/jpeg");
    const response = await webhook(wa.waImage());
    expect([response.status, await response.text()]).toEqual([200, "EVENT_RECEIVED"]);

    const task = await eventually(async () => {
      const tasks = await client.taskrouter.v1.workspaces(workspaceSid).tasks.list();
      return tasks.find((t) => JSON.parse(t.attributes).from === "whatsapp:+16505551234");
    }, "the conversation's task");
    const attributes = JSON.parse(task.attributes) as { conversationSid: string; channelType: string; customerName: string };
    expect(attributes).toMatchObject({ channelType: "whatsapp", customerName: "Sheena Nelson" });
    conversationSid = attributes.conversationSid;
    expect(await messagesOf(conversationSid)).toMatchObject([{ body: "The blue one", media: [{ content_type: "image/jpeg", size: 6 }] }]);

    // Meta redelivers the same webhook: acknowledged, nothing new stored.
    expect((await webhook(wa.waImage())).status).toBe(200);
    expect((await messagesOf(conversationSid)).length).toBe(1);
  });

  it("refuses a webhook with a forged signature (403) and stores nothing", async () => {
    const forged = wa.waMessage("wamid.FORGED1", "text", { text: { body: "forged" } });
    expect((await webhook(forged, { signature: "sha256=" + "0".repeat(64) })).status).toBe(403);
    expect((await messagesOf(conversationSid)).map((m) => m.body)).toEqual(["The blue one"]);
  });

  it("delivers an agent's reply through the Graph API, and Meta's read status reaches the message", async () => {
    await client.conversations.v1.conversations(conversationSid).messages.create({ author: "Alex", body: "Yes, it also comes in red." });
    const sent = await eventually(
      () => graph.sent.find((call) => (call.body.text as { body?: string } | undefined)?.body === "Yes, it also comes in red."),
      "the reply at Meta",
    );
    expect(sent).toMatchObject({
      path: `/${wa.PHONE_NUMBER_ID}/messages`,
      body: { messaging_product: "whatsapp", to: wa.WA_ID, type: "text" },
    });
    await eventually(async () => {
      const reply = (await messagesOf(conversationSid)).find((m) => m.author === "Alex");
      return reply?.delivery_status === "sent" ? reply : undefined;
    }, "delivery_status sent");

    expect((await webhook(wa.waStatus(sent.id, "read"))).status).toBe(200);
    expect((await messagesOf(conversationSid)).find((m) => m.author === "Alex")?.delivery_status).toBe("read");
  });
});
