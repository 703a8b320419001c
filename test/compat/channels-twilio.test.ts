/**
 * SMS through a Twilio number, the whole way, against the real `wrangler dev` and a Twilio double (a
 * real HTTP server on 127.0.0.1 that checks credentials and validates like Twilio's Messages API and
 * signs its webhooks exactly as Twilio does): a customer's SMS opens a conversation and a task the stock
 * client sees, a card number in it is masked, Twilio's retry of the webhook stores nothing twice, and
 * an agent's replies reach Twilio from the channel's number — in order, even when Twilio fails twice
 * first (the ConversationDO's alarm retries; the test polls the message's delivery_status).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { inboundSms, startTwilioDouble, type TwilioDouble } from "../support/doubles/twilio";
import { raw, switchboardClient } from "./client";
import { eventually } from "../support/eventually";

const NUMBER = "+15552223333";
const client = switchboardClient();
client.conversations.baseUrl = `${inject("baseUrl")}/conversations`;

let double: TwilioDouble;
let workspaceSid = "";
let webhookUrl = "";

interface WireMessage {
  sid: string;
  index: number;
  body: string;
  author: string;
  delivery_status: string | null;
}
const messagesOf = async (conversationSid: string) =>
  ((await raw("GET", `/conversations/v1/Conversations/${conversationSid}/Messages?PageSize=50`)).body as { messages: WireMessage[] })
    .messages;

beforeAll(async () => {
  double = await startTwilioDouble({ numbers: [NUMBER] });
  const workspace = await client.taskrouter.v1.workspaces.create({
    friendlyName: `compat-sms-${randomUUID().slice(0, 8)}`,
    template: "FIFO",
  });
  workspaceSid = workspace.sid;
  const created = await raw("POST", `/api/workspaces/${workspaceSid}/channels`, {
    Kind: "twilio",
    FriendlyName: "Support SMS",
    "Settings.twilio_account_sid": double.accountSid,
    "Settings.phone_number": NUMBER,
    "Settings.api_base_url": double.url,
    "Secrets.auth_token": double.authToken,
  });
  expect(created.status).toBe(201);
  webhookUrl = (created.body as { webhook_url: string }).webhook_url;
});
afterAll(() => double.close());

describe("SMS through a Twilio number", () => {
  let conversationSid = "";
  const customer = "+15550001111";

  it("opens a conversation and a task from a signed inbound SMS, with the card number masked", async () => {
    const params = inboundSms(double.accountSid, {
      From: customer,
      To: NUMBER,
      Body: "Hi, my card 4111 1111 1111 1111 was charged twice",
      FromCity: "BROOKLYN",
      FromZip: "11201",
    });
    const response = await double.sendWebhook(webhookUrl, params);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<Response/>");

    const task = await eventually(async () => {
      const tasks = await client.taskrouter.v1.workspaces(workspaceSid).tasks.list();
      return tasks.find((t) => JSON.parse(t.attributes).from === customer);
    }, "the conversation's task");
    const attributes = JSON.parse(task.attributes) as { conversationSid: string; channelType: string; channelSid: string };
    expect(attributes.channelType).toBe("sms");
    conversationSid = attributes.conversationSid;
    expect(conversationSid).toMatch(/^CH[0-9a-f]{32}$/);
    // As Flex sets them: the conversation as channelSid; where the customer is, from Twilio's From* parameters.
    expect(attributes).toMatchObject({
      channelSid: conversationSid,
      from_city: "BROOKLYN",
      from_state: "NY",
      from_zip: "11201",
      from_country: "US",
    });

    const messages = await messagesOf(conversationSid);
    expect(messages.map((m) => m.body)).toEqual(["Hi, my card **** **** **** 1111 was charged twice"]);

    // Twilio retries the same webhook: nothing new is stored, and it is still acknowledged.
    expect((await double.sendWebhook(webhookUrl, params)).status).toBe(200);
    expect((await messagesOf(conversationSid)).length).toBe(1);
  });

  it("refuses a webhook signed with another auth token (403) and stores nothing", async () => {
    const params = inboundSms(double.accountSid, { From: "+15550009999", To: NUMBER, Body: "forged" });
    expect((await double.sendWebhook(webhookUrl, params, { signWith: "0".repeat(32) })).status).toBe(403);
    const tasks = await client.taskrouter.v1.workspaces(workspaceSid).tasks.list();
    expect(tasks.some((t) => JSON.parse(t.attributes).from === "+15550009999")).toBe(false);
  });

  it("delivers an agent's reply to Twilio from the channel's number", async () => {
    const before = double.messages.length;
    await client.conversations.v1
      .conversations(conversationSid)
      .messages.create({ author: "Alex", body: "Sorry about that! Refunding now." });
    const sent = await eventually(
      () => double.messages.slice(before).find((m) => m.body === "Sorry about that! Refunding now."),
      "the reply at Twilio",
    );
    expect(sent).toMatchObject({ to: customer, from: NUMBER, statusCallback: webhookUrl });
    await eventually(async () => {
      const reply = (await messagesOf(conversationSid)).find((m) => m.body === "Sorry about that! Refunding now.");
      return reply?.delivery_status === "sent" ? reply : undefined;
    }, "delivery_status sent");
  });

  it("keeps replies in order when Twilio fails twice first, retrying from the alarm", async () => {
    const before = double.messages.length;
    double.failNext(2, 500);
    for (const body of ["First: I found the duplicate.", "Second: the refund is on its way."]) {
      await client.conversations.v1.conversations(conversationSid).messages.create({ author: "Alex", body });
    }
    const delivered = await eventually(async () => {
      const mine = (await messagesOf(conversationSid)).filter((m) => m.body.startsWith("First:") || m.body.startsWith("Second:"));
      return mine.length === 2 && mine.every((m) => m.delivery_status === "sent") ? mine : undefined;
    }, "both replies sent after the retries");
    expect(delivered.map((m) => m.body)).toEqual(["First: I found the duplicate.", "Second: the refund is on its way."]);
    expect(double.messages.slice(before).map((m) => m.body)).toEqual([
      "First: I found the duplicate.",
      "Second: the refund is on its way.",
    ]);
    expect(double.calls.filter((c) => c.status === 500).length).toBeGreaterThanOrEqual(2);
  });

  it("applies Twilio's delivered status callback to the reply", async () => {
    const reply = double.messages.find((m) => m.body === "Sorry about that! Refunding now.")!;
    const callback = {
      AccountSid: double.accountSid,
      MessageSid: reply.sid,
      SmsSid: reply.sid,
      MessageStatus: "delivered",
      SmsStatus: "delivered",
      To: customer,
      From: NUMBER,
      ApiVersion: "2010-04-01",
    };
    expect((await double.sendWebhook(webhookUrl, callback)).status).toBe(200);
    const message = (await messagesOf(conversationSid)).find((m) => m.body === "Sorry about that! Refunding now.");
    expect(message?.delivery_status).toBe("delivered");
  });
});
