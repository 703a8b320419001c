/**
 * A team's own bot taking part in web chat as it would with Twilio Conversations (issue 16): the chat
 * service's post-event `onMessageAdded` webhook reaches a bot server on 127.0.0.1, which checks the
 * X-Twilio-Signature with the stock `twilio` package's `validateRequest` and answers through the
 * Conversations REST API with the stock client; the visitor's widget socket shows the bot's reply.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import twilio from "twilio";
import WebSocket from "ws";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { CONVERSATION_SUBPROTOCOL, type ConversationFrame } from "../../contract/conversations";
import { eventually } from "../support/eventually";
import { listenLocally } from "../support/listen";
import { SHOP, ok, post } from "./call-scene";
import { switchboardClient } from "./client";

const client = switchboardClient();
client.conversations.baseUrl = `${inject("baseUrl")}/conversations`;

interface Hook {
  readonly params: Record<string, string>;
  readonly valid: boolean;
}
const hooks: Hook[] = [];
let bot: Server;
let botBase = "";

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

beforeAll(async () => {
  // The team's bot: every signed customer message gets an answer through the REST API.
  bot = createServer(async (req, res) => {
    const params = Object.fromEntries(new URLSearchParams(await body(req)));
    const signature = String(req.headers["x-twilio-signature"] ?? "");
    const valid = twilio.validateRequest(inject("authToken"), signature, `${botBase}${req.url ?? "/"}`, params);
    hooks.push({ params, valid });
    res.writeHead(valid ? 200 : 403).end();
    if (!valid || params.EventType !== "onMessageAdded" || params.Author === "bot") return;
    await client.conversations.v1
      .conversations(params.ConversationSid!)
      .messages.create({ author: "bot", body: `Bot: I read "${params.Body}". Your order ships today.` });
  });
  botBase = await listenLocally(bot);
});

afterAll(() => {
  bot.close();
});

it("a customer's widget message reaches the team's bot, signed, and its REST reply reaches the widget's socket", async () => {
  const workspaceSid = (await client.taskrouter.v1.workspaces.create({ friendlyName: "external bot", template: "FIFO" })).sid;
  await client.conversations.v1
    .services(`IS${workspaceSid.slice(2)}`)
    .configuration.webhooks()
    .update({ postWebhookUrl: `${botBase}/bot`, filters: ["onMessageAdded"], method: "POST" });
  const channel = (await ok("POST", `/api/workspaces/${workspaceSid}/channels`, { Kind: "webchat", "Settings.allowed_origins": SHOP }))
    .sid as string;
  const widgetBase = `/api/webchat/${workspaceSid}/${channel}`;
  const session = await fetch(`${inject("baseUrl")}${widgetBase}/sessions`, {
    method: "POST",
    headers: { origin: SHOP, "content-type": "application/json" },
    body: JSON.stringify({ name: "Dana" }),
  });
  const { token } = (await session.json()) as { token: string };
  const sent = await post(`${widgetBase}/messages`, token, { client_id: "q1", body: "Where is my order 1042?" });
  expect(sent.status).toBe(201);
  const conversationSid = sent.body.conversation_sid as string;

  // The widget's socket: the snapshot, then each message as it is added.
  const seen: { author: string; body: string | null }[] = [];
  const socket = new WebSocket(
    `${inject("baseUrl").replace(/^http/, "ws")}${widgetBase}/socket`,
    [CONVERSATION_SUBPROTOCOL, `token.${token}`],
    {
      headers: { origin: SHOP },
    },
  );
  socket.on("message", (data: WebSocket.RawData) => {
    const frame = JSON.parse(String(data)) as ConversationFrame;
    if (frame.type === "conversation.snapshot") seen.push(...frame.messages.map((m) => ({ author: m.author, body: m.body })));
    if (frame.type === "message.added") seen.push({ author: frame.message.author, body: frame.message.body });
  });
  try {
    const reply = await eventually(() => seen.find((m) => m.author === "bot"), "the bot's reply on the visitor's socket");
    expect(reply.body).toBe('Bot: I read "Where is my order 1042?". Your order ships today.');
    const hook = hooks.find((h) => h.params.ConversationSid === conversationSid && h.params.Body === "Where is my order 1042?");
    expect(hook).toMatchObject({ valid: true, params: { EventType: "onMessageAdded" } });
    // The bot's own message (sent without X-Twilio-Webhook-Enabled) was announced to nobody: no loop.
    expect(hooks.filter((h) => h.params.ConversationSid === conversationSid && h.params.Author === "bot")).toEqual([]);
  } finally {
    socket.close();
  }
});
