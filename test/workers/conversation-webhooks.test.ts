/**
 * Conversations webhooks through the Worker and the real Durable Objects, with `globalThis.fetch` as the
 * integration's endpoint — one that checks X-Twilio-Signature under the account's auth token the way a
 * real one does, and answers as each test needs:
 * - the account's and a chat service's configuration (Twilio's shapes, bad input named);
 * - conversation-scoped webhooks (CRUD, at most five, another conversation's not found);
 * - pre-events: a refusal stops the change (REST and an agent's socket), a JSON answer modifies it, no
 *   answer lets it through, and a REST call without X-Twilio-Webhook-Enabled asks nobody; a supervisor's
 *   barge (`barge.join` on the socket) asks onParticipantAdd like any participant's joining;
 * - post-events, the whole way: outbox → EVENTS queue → the consumer → the endpoint, signed; a customer's
 *   reaction and unsend (Meta's channels) among them.
 */
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CONVERSATION_SUBPROTOCOL, type ConversationFrame } from "../../contract/conversations";
import type { InboundContext } from "../../durable-objects/common/conversations";
import type { InboundMessage } from "../../channels/messages";
import { newSid } from "../../contract/ids";
import { eventually } from "../support/eventually";
import { AgentSocket } from "./realtime-helpers";
import { conversationFor } from "../../platform/objects";

const ORIGIN = "http://sb.test";
const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);
const V1 = "/conversations/v1";
const HOOKED = { "X-Twilio-Webhook-Enabled": "true" };

async function rest(
  method: string,
  path: string,
  params?: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
) {
  const all: Record<string, string> = { authorization: AUTH, ...headers };
  if (params) all["content-type"] = "application/x-www-form-urlencoded";
  const res = await exports.default.fetch(`${ORIGIN}${path}`, {
    method,
    headers: all,
    body: params ? new URLSearchParams(params).toString() : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { sid: string; message: string } };
}
async function ok(
  method: string,
  path: string,
  params?: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
) {
  const res = await rest(method, path, params, headers);
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.body.message}`);
  return res.body;
}

/** Twilio's signature, written out apart from callbacks/signature.ts, as an integration checks it. */
async function signature(url: string, form: Record<string, string>): Promise<string> {
  const data = Object.keys(form)
    .sort()
    .reduce((acc, name) => acc + name + form[name], url);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(env.AUTH_TOKEN!), { name: "HMAC", hash: "SHA-1" }, false, [
    "sign",
  ]);
  return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)))));
}

interface Received {
  url: string;
  form: Record<string, string>;
  signed: boolean;
}

/** The integration: every request to bot.example is checked and recorded; `answer` decides the response. */
function integration(answer: (received: Received) => Response | Promise<Response>): Received[] {
  const received: Received[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith("https://bot.example/")) return real(input, init);
    const form = Object.fromEntries(new URLSearchParams(await request.text()));
    const got = { url: request.url, form, signed: request.headers.get("X-Twilio-Signature") === (await signature(request.url, form)) };
    received.push(got);
    return answer(got);
  });
  return received;
}

afterEach(() => {
  vi.restoreAllMocks();
});

let workspace = "";
let service = "";
let conversations = "";

beforeAll(async () => {
  workspace = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "webhooks" })).sid;
  service = "IS" + workspace.slice(2);
  conversations = `${V1}/Services/${service}/Conversations`;
}, 30_000);

describe("configuration", () => {
  it("the account's starts unset and takes Twilio's fields; it is the default chat service's", async () => {
    expect(await ok("GET", `${V1}/Configuration/Webhooks`)).toEqual({
      account_sid: env.ACCOUNT_SID,
      method: null,
      filters: null,
      pre_webhook_url: null,
      post_webhook_url: null,
      target: "webhook",
      url: `${ORIGIN}${V1}/Configuration/Webhooks`,
    });
    const updated = await ok("POST", `${V1}/Configuration/Webhooks`, [
      ["Method", "get"],
      ["Filters", "onMessageAdded"],
      ["Filters", "onMessageAdd"],
      ["PostWebhookUrl", "https://bot.example/account-post"],
      ["Target", "webhook"],
    ]);
    expect(updated).toMatchObject({
      method: "GET",
      filters: ["onMessageAdded", "onMessageAdd"],
      post_webhook_url: "https://bot.example/account-post",
    });
    expect(await ok("GET", `${V1}/Configuration/Webhooks`)).toEqual(updated);
    // Cleared again, so the tests below see only what they configure.
    await ok("POST", `${V1}/Configuration/Webhooks`, { PostWebhookUrl: "", Method: "POST" });
  });

  it("a chat service's is its own, in Twilio's shape", async () => {
    const other = "IS" + (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "other" })).sid.slice(2);
    const updated = await ok("POST", `${V1}/Services/${other}/Configuration/Webhooks`, [
      ["PreWebhookUrl", "https://bot.example/pre"],
      ["Filters", "onMessageAdd,onParticipantAdded"],
    ]);
    expect(updated).toEqual({
      account_sid: env.ACCOUNT_SID,
      chat_service_sid: other,
      pre_webhook_url: "https://bot.example/pre",
      post_webhook_url: null,
      filters: ["onMessageAdd", "onParticipantAdded"],
      method: null,
      url: `${ORIGIN}${V1}/Services/${other}/Configuration/Webhooks`,
    });
    expect((await ok("GET", `${V1}/Services/${service}/Configuration/Webhooks`)).pre_webhook_url).toBeNull();
    expect((await rest("GET", `${V1}/Services/IS${"0".repeat(32)}/Configuration/Webhooks`)).status).toBe(404);
  });

  it.each([
    [{ PostWebhookUrl: "not a url" }, /PostWebhookUrl/],
    [{ Method: "PUT" }, /Method/],
    [{ Filters: "onMessageAdded,onWhatever" }, /Filters: onWhatever/],
    [{ Target: "studio" }, /Target/],
    [{ Colour: "red" }, /Colour/],
  ])("refuses %j naming the parameter, and changes nothing", async (params, message) => {
    const before = await ok("GET", `${V1}/Configuration/Webhooks`);
    const res = await rest("POST", `${V1}/Configuration/Webhooks`, params);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await ok("GET", `${V1}/Configuration/Webhooks`)).toEqual(before);
  });
});

describe("conversation-scoped webhooks", () => {
  it("creates, lists, fetches, updates and removes them, in Twilio's shape", async () => {
    const conversation = (await ok("POST", conversations, { FriendlyName: "scoped" })).sid;
    const base = `${conversations}/${conversation}/Webhooks`;
    const made = await ok("POST", base, [
      ["Target", "webhook"],
      ["Configuration.Url", "https://bot.example/scoped"],
      ["Configuration.Method", "GET"],
      ["Configuration.Filters", "onMessageAdded"],
      ["Configuration.Filters", "onParticipantRemoved"],
    ]);
    expect(made).toMatchObject({
      account_sid: env.ACCOUNT_SID,
      conversation_sid: conversation,
      target: "webhook",
      configuration: { url: "https://bot.example/scoped", method: "get", filters: ["onMessageAdded", "onParticipantRemoved"] },
      url: `${ORIGIN}${base}/${made.sid}`,
    });
    expect(made.sid).toMatch(/^WH[0-9a-f]{32}$/);
    const studio = await ok("POST", base, { Target: "studio", "Configuration.FlowSid": "FW" + "1".repeat(32) });
    expect(studio.configuration).toEqual({ flow_sid: "FW" + "1".repeat(32) });
    expect(((await ok("GET", base)).webhooks as { sid: string }[]).map((w) => w.sid).sort()).toEqual([made.sid, studio.sid].sort());
    expect(await ok("GET", `${base}/${made.sid}`)).toEqual(made);
    const updated = await ok("POST", `${base}/${made.sid}`, { "Configuration.Method": "POST" });
    expect(updated.configuration).toMatchObject({ method: "post", url: "https://bot.example/scoped" });
    expect((await rest("DELETE", `${base}/${made.sid}`)).status).toBe(204);
    expect((await rest("GET", `${base}/${made.sid}`)).status).toBe(404);

    // Another conversation does not know this conversation's webhook.
    const other = (await ok("POST", conversations, {})).sid;
    expect((await rest("GET", `${conversations}/${other}/Webhooks/${studio.sid}`)).status).toBe(404);
  });

  it.each([
    [{}, /Missing required parameter Target/],
    [{ Target: "webhook", "Configuration.Filters": "onMessageAdded" }, /Configuration\.Url/],
    [{ Target: "trigger", "Configuration.Url": "https://bot.example/t" }, /Configuration\.Triggers/],
    [{ Target: "webhook", "Configuration.Url": "https://bot.example/t", "Configuration.Filters": "onNothing" }, /onNothing/],
    [{ Target: "kafka" }, /Target/],
  ])("refuses %j naming the parameter", async (params, message) => {
    const conversation = (await ok("POST", conversations, {})).sid;
    const res = await rest("POST", `${conversations}/${conversation}/Webhooks`, params as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect((await ok("GET", `${conversations}/${conversation}/Webhooks`)).webhooks).toEqual([]);
  });
});

describe("pre-events", () => {
  beforeAll(async () => {
    await ok("POST", `${V1}/Services/${service}/Configuration/Webhooks`, [
      ["PreWebhookUrl", "https://bot.example/pre"],
      ["Filters", "onMessageAdd"],
      ["Filters", "onConversationAdd"],
      ["Filters", "onParticipantAdd"],
    ]);
  });
  const bodies = async (conversation: string) =>
    ((await ok("GET", `${conversations}/${conversation}/Messages`)).messages as { body: string; author: string }[]).map((m) => m.body);

  it("a refusal (non-2xx) stops the message: 403 naming the event, nothing stored", async () => {
    const conversation = (await ok("POST", conversations, {})).sid;
    const received = integration(() => new Response("no swearing", { status: 422 }));
    const res = await rest("POST", `${conversations}/${conversation}/Messages`, { Author: "ann", Body: "darn it" }, HOOKED);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/onMessageAdd pre-event webhook refused the change \(it answered HTTP 422\)/);
    expect(await bodies(conversation)).toEqual([]);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ url: "https://bot.example/pre", signed: true });
    expect(received[0]!.form).toMatchObject({
      EventType: "onMessageAdd",
      ConversationSid: conversation,
      Body: "darn it",
      Author: "ann",
      Source: "API",
    });
  });

  it("a JSON answer modifies the message (and a card number in the new body is still masked)", async () => {
    const conversation = (await ok("POST", conversations, {})).sid;
    integration(() => Response.json({ body: "card on file: 4111 1111 1111 1111", author: "moderator", attributes: { checked: true } }));
    const sent = await ok("POST", `${conversations}/${conversation}/Messages`, { Author: "ann", Body: "anything" }, HOOKED);
    expect(sent).toMatchObject({ author: "moderator", body: "card on file: **** **** **** 1111", attributes: '{"checked":true}' });
  });

  it("no answer (a timeout, an endpoint down) lets the change through unmodified", async () => {
    const conversation = (await ok("POST", conversations, {})).sid;
    integration(() => Promise.reject(new DOMException("The operation timed out", "TimeoutError")));
    expect((await ok("POST", `${conversations}/${conversation}/Messages`, { Body: "still here" }, HOOKED)).body).toBe("still here");
  });

  it("a REST call without X-Twilio-Webhook-Enabled asks nobody", async () => {
    const conversation = (await ok("POST", conversations, {})).sid;
    const received = integration(() => new Response(null, { status: 403 }));
    await ok("POST", `${conversations}/${conversation}/Messages`, { Body: "quietly" });
    await ok("POST", `${conversations}/${conversation}/Participants`, { Identity: "quiet" });
    expect(received).toEqual([]);
    expect(await bodies(conversation)).toEqual(["quietly"]);
  });

  it("a refused onConversationAdd creates nothing; an onParticipantAdd answer sets the attributes", async () => {
    const name = `refused-${crypto.randomUUID()}`;
    integration((r) =>
      r.form.EventType === "onConversationAdd" ? new Response(null, { status: 403 }) : Response.json({ attributes: '{"vip":true}' }),
    );
    expect((await rest("POST", conversations, { FriendlyName: name, UniqueName: name }, HOOKED)).status).toBe(403);
    expect((await rest("GET", `${conversations}/${name}`)).status).toBe(404);
    const conversation = (await ok("POST", conversations, {})).sid;
    const joined = await ok("POST", `${conversations}/${conversation}/Participants`, { Identity: "vip" }, HOOKED);
    expect(joined.attributes).toBe('{"vip":true}');
  });

  it("an agent's message on the socket is asked about too: a refusal is an error frame, and nothing is stored", async () => {
    const agent = (await ok("POST", `/taskrouter/v1/Workspaces/${workspace}/Workers`, { FriendlyName: "ann" })).sid;
    const token = (await ok("POST", "/api/tokens", { WorkspaceSid: workspace, Role: "worker", WorkerSid: agent })).token as string;
    const conversation = (await ok("POST", conversations, {})).sid;
    await ok("POST", `${conversations}/${conversation}/Participants`, { Identity: agent });
    const received = integration(() => new Response(null, { status: 403 }));
    const res = await exports.default.fetch(`${ORIGIN}/api/conversations/${conversation}/socket`, {
      headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `${CONVERSATION_SUBPROTOCOL}, token.${token}` },
    });
    const socket = new AgentSocket(res.webSocket!);
    await socket.nextOf("conversation.snapshot");
    socket.send({ type: "message.send", clientId: "c1", body: "hello from the desk" });
    expect(await socket.nextOf("error")).toMatchObject({ clientId: "c1", status: 403 });
    expect(received[0]!.form).toMatchObject({ EventType: "onMessageAdd", Source: "SDK", ClientIdentity: agent, Author: agent });
    expect(await bodies(conversation)).toEqual([]);
    socket.ws.close(1000, "done");
  });
});

describe("a supervisor barging in", () => {
  /** A workspace whose chat service asks its pre-event URL about `filters`, a supervisor who is a worker, a conversation. */
  async function watched(filters: string[]) {
    const ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "barge pre-events" })).sid;
    const chatService = "IS" + ws.slice(2);
    await ok("POST", `${V1}/Services/${chatService}/Configuration/Webhooks`, [
      ["PreWebhookUrl", "https://bot.example/pre"],
      ...filters.map((f): [string, string] => ["Filters", f]),
    ]);
    const sue = (await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: "Sue" })).sid;
    const token = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "supervisor", WorkerSid: sue })).token as string;
    const list = `${V1}/Services/${chatService}/Conversations`;
    const conversation = (await ok("POST", list, {})).sid;
    await ok("POST", `${list}/${conversation}/Participants`, { Identity: "customer-1" });
    const res = await exports.default.fetch(`${ORIGIN}/api/conversations/${conversation}/socket`, {
      headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `${CONVERSATION_SUBPROTOCOL}, token.${token}` },
    });
    const socket = new AgentSocket(res.webSocket!);
    await socket.nextOf("conversation.snapshot");
    const identities = async () =>
      ((await ok("GET", `${list}/${conversation}/Participants`)).participants as { identity: string }[]).map((p) => p.identity).sort();
    return { sue, conversation, socket, identities };
  }

  it("asks onParticipantAdd first: a refusal is an error frame naming it, and nobody joins", async () => {
    const { sue, conversation, socket, identities } = await watched(["onParticipantAdd"]);
    const received = integration(() => new Response("not during a complaint", { status: 409 }));
    socket.send({ type: "barge.join", displayName: "Sue (lead)" });
    expect(await socket.nextOf("error")).toMatchObject({
      clientId: null,
      status: 403,
      message: expect.stringMatching(/onParticipantAdd pre-event webhook refused the change \(it answered HTTP 409\)/),
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ url: "https://bot.example/pre", signed: true });
    expect(received[0]!.form).toMatchObject({
      EventType: "onParticipantAdd",
      ConversationSid: conversation,
      Identity: sue,
      Source: "SDK",
      ClientIdentity: sue,
    });
    expect(JSON.parse(received[0]!.form.Attributes!)).toMatchObject({ supervisor: { worker_sid: sue } });
    expect(await identities()).toEqual(["customer-1"]);
    // Still watching: a message to the customer is refused as before the barge.
    socket.send({ type: "message.send", clientId: "w1", body: "hello" });
    expect(await socket.nextOf("error")).toMatchObject({ clientId: "w1", status: 403 });
    socket.ws.close(1000, "done");
  });

  it("an answer that lets it through joins the supervisor, with the attributes it sets", async () => {
    const { sue, socket, identities } = await watched(["onParticipantAdd"]);
    const received = integration(() => Response.json({ attributes: '{"barged":true}' }));
    socket.send({ type: "barge.join" });
    const snapshot = (await socket.nextOf("conversation.snapshot")) as Extract<ConversationFrame, { type: "conversation.snapshot" }>;
    expect(snapshot.participants.find((p) => p.sid === snapshot.you)).toMatchObject({
      identity: sue,
      role: "supervisor",
      attributes: '{"barged":true}',
    });
    expect(received.map((r) => r.form.EventType)).toEqual(["onParticipantAdd"]);
    expect(await identities()).toEqual(["customer-1", sue].sort());
    socket.ws.close(1000, "done");
  });

  it("a service whose filters leave out onParticipantAdd is not asked", async () => {
    const { sue, socket, identities } = await watched(["onMessageAdd"]);
    const received = integration(() => new Response(null, { status: 403 }));
    socket.send({ type: "barge.join" });
    await socket.nextOf("conversation.snapshot");
    expect(received).toEqual([]);
    expect(await identities()).toEqual(["customer-1", sue].sort());
    socket.ws.close(1000, "done");
  });
});

describe("post-events, the whole way", () => {
  it("reach the service's URL and the conversation's scoped webhook through the queue, signed; a quiet REST call sends none; a deletion too", async () => {
    const other = "IS" + (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "post-events" })).sid.slice(2);
    const base = `${V1}/Services/${other}/Conversations`;
    await ok("POST", `${V1}/Services/${other}/Configuration/Webhooks`, [
      ["PostWebhookUrl", "https://bot.example/post"],
      ["Filters", "onMessageAdded"],
    ]);
    const received = integration(() => new Response(null, { status: 204 }));
    const conversation = (await ok("POST", base, { FriendlyName: "announced" })).sid;
    await ok("POST", `${base}/${conversation}/Webhooks`, [
      ["Target", "webhook"],
      ["Configuration.Url", "https://bot.example/scoped"],
      ["Configuration.Filters", "onMessageAdded"],
      ["Configuration.Filters", "onConversationRemoved"],
    ]);
    await ok("POST", `${base}/${conversation}/Messages`, { Author: "ann", Body: "not announced" });
    const sent = await ok("POST", `${base}/${conversation}/Messages`, { Author: "ann", Body: "announced" }, HOOKED);
    // Deleting wipes the conversation's storage: its own webhook still hears of it.
    expect((await rest("DELETE", `${base}/${conversation}`, undefined, HOOKED)).status).toBe(204);

    // The queue's consumer delivers in batches (up to five seconds apart).
    await eventually(() => (received.length >= 3 ? received : undefined), "the three post-event webhooks", 45_000, 100);
    const removed = received.filter((r) => r.form.EventType === "onConversationRemoved");
    expect(removed.map((r) => [r.url, r.signed, r.form.ConversationSid])).toEqual([["https://bot.example/scoped", true, conversation]]);
    const added = received.filter((r) => r.form.EventType !== "onConversationRemoved");
    expect(added.map((r) => r.url).sort()).toEqual(["https://bot.example/post", "https://bot.example/scoped"]);
    for (const request of added) {
      expect(request.signed).toBe(true);
      expect(request.form).toMatchObject({
        EventType: "onMessageAdded",
        AccountSid: env.ACCOUNT_SID,
        ConversationSid: conversation,
        MessageSid: sent.sid,
        Index: "1",
        Body: "announced",
        Author: "ann",
        Source: "API",
      });
    }
  }, 60_000);

  it("a customer's reaction and unsend are onMessageUpdated, with their channel as the Source", async () => {
    const ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "message changes" })).sid;
    await ok("POST", `${V1}/Services/IS${ws.slice(2)}/Configuration/Webhooks`, [
      ["PostWebhookUrl", "https://bot.example/changes"],
      ["Filters", "onMessageUpdated"],
    ]);
    const received = integration(() => new Response(null, { status: 204 }));
    const stub = conversationFor(env, newSid("CH"));
    const customer = "17841400000000001"; // an Instagram-scoped ID
    const context: InboundContext = {
      workspaceSid: ws,
      channelSid: newSid("XC"),
      kind: "instagram",
      workflowSid: null,
      taskChannel: "chat",
      customer: { profileSid: newSid("PR"), name: null, email: null, phone: null, lastWorkerSid: null, history: [] },
    };
    const photo: InboundMessage = {
      providerMessageId: "aWdf-1",
      channel: "instagram",
      customerAddress: customer,
      proxyAddress: "17841400000000999",
      customerName: null,
      body: "my receipt",
      media: [],
      attributes: {},
      thread: null,
      sentAt: Date.now(),
    };
    expect((await stub.receive(env.ACCOUNT_SID!, context, photo)).ok).toBe(true);
    const change = { providerMessageId: "aWdf-1", customerAddress: customer, at: Date.now() };
    expect((await stub.applyChange(env.ACCOUNT_SID!, { kind: "reaction", emoji: "❤️", ...change })).ok).toBe(true);
    expect((await stub.applyChange(env.ACCOUNT_SID!, { kind: "unsent", ...change })).ok).toBe(true);

    await eventually(() => (received.length >= 2 ? received : undefined), "the two onMessageUpdated webhooks", 45_000, 100);
    expect(received.every((r) => r.signed && r.form.EventType === "onMessageUpdated" && r.form.Source === "INSTAGRAM")).toBe(true);
    const attributes = received.map((r) => JSON.parse(r.form.Attributes!) as Record<string, unknown>);
    expect(attributes).toContainEqual({ reactions: [{ by: "customer", emoji: "❤️" }] });
    expect(attributes).toContainEqual({ removed: { by: "customer", date_removed: expect.any(String) } });
    expect(received.find((r) => "removed" in JSON.parse(r.form.Attributes!))?.form.Body).toBeUndefined();
  }, 60_000);
});
