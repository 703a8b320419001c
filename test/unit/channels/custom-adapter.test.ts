// The custom channel (BYOC): the signature a team computes, replay protection, the documented JSON
// events in, and the signed JSON POST out to the team's server (a real local HTTP server here).
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../../channels/channel-config";
import type { OutboundMessage } from "../../../channels/messages";
import { MalformedWebhook, type AdapterDeps, type WebhookRequest } from "../../../channels/adapter";
import { customAdapter, signCustom, verifyCustom } from "../../../channels/custom";
import { listenLocally } from "../../support/listen";

const SECRET = "whsec_team_secret";
const NOW = Date.UTC(2026, 10, 25, 12);
const NOW_S = Math.floor(NOW / 1000);

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}
let server: Server;
let serverUrl = "";
const received: Received[] = [];
/** What the team's server answers next: status and body. */
let answer: { status: number; body: string } = { status: 200, body: "" };

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    received.push({ headers: req.headers, body });
    res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
  });
  serverUrl = `${await listenLocally(server)}/switchboard`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (): ChannelConfig => ({
  sid: "XC" + "2".repeat(32),
  accountSid: "AC" + "5".repeat(32),
  workspaceSid: "WS" + "1".repeat(32),
  kind: "custom",
  friendlyName: "In-app chat",
  workflowSid: null,
  taskChannel: "chat",
  settings: { outbound_url: serverUrl },
  secrets: { signing_secret: SECRET },
  version: 1,
});

const deps = (overrides: Partial<AdapterDeps> = {}): AdapterDeps => ({
  fetch: globalThis.fetch,
  media: {
    put: async () => {
      throw new Error("no media expected");
    },
    get: async () => null,
  },
  webhookUrl: "https://sb.example/webhooks/WS/XC",
  now: () => NOW,
  ...overrides,
});

/** The signature as a team computes it with their language's HMAC, independently of signCustom. */
const teamSignature = (timestamp: number, body: string, secret = SECRET) =>
  `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;

function request(event: unknown, { timestamp = NOW_S, signature }: { timestamp?: number; signature?: string } = {}): WebhookRequest {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const headers = new Headers({
    "content-type": "application/json",
    "x-switchboard-timestamp": String(timestamp),
    "x-switchboard-signature": signature ?? teamSignature(timestamp, body),
  });
  return { url: "https://sb.example/webhooks/WS/XC", method: "POST", headers, rawBody: new TextEncoder().encode(body) };
}

const message = { type: "message", id: "msg-1", from: { address: "user-42", name: "Ada" }, text: "Hi there", attributes: { plan: "pro" } };

describe("signCustom / verifyCustom", () => {
  it("signs exactly as documented: v1=hex(HMAC-SHA256(secret, timestamp + '.' + body))", async () => {
    expect(await signCustom(SECRET, NOW_S, '{"a":1}')).toBe(teamSignature(NOW_S, '{"a":1}'));
  });

  it("accepts a fresh, correctly signed request, also among several signatures (secret rotation)", async () => {
    const r = request(message);
    expect(await verifyCustom(SECRET, r.headers, r.rawBody, NOW)).toBe(true);
    const body = JSON.stringify(message);
    const rotated = request(message, { signature: `${teamSignature(NOW_S, body, "old")}, ${teamSignature(NOW_S, body)}` });
    expect(await verifyCustom(SECRET, rotated.headers, rotated.rawBody, NOW)).toBe(true);
  });

  it.each([
    ["signed with another secret", () => request(message, { signature: teamSignature(NOW_S, JSON.stringify(message), "other") })],
    ["older than 5 minutes (a replay)", () => request(message, { timestamp: NOW_S - 301 })],
    ["more than 5 minutes in the future", () => request(message, { timestamp: NOW_S + 301 })],
    [
      "with a body changed after signing",
      () => ({ ...request(message), rawBody: new TextEncoder().encode(JSON.stringify({ ...message, text: "x" })) }),
    ],
    ["without the v1= prefix", () => request(message, { signature: teamSignature(NOW_S, JSON.stringify(message)).slice(3) })],
    ["unsigned", () => ({ ...request(message), headers: new Headers() })],
  ])("refuses a request %s", async (_case, make) => {
    const r = make();
    expect(await verifyCustom(SECRET, r.headers, r.rawBody, NOW)).toBe(false);
  });

  it("accepts a request 5 minutes old, at the edge of the window", async () => {
    const r = request(message, { timestamp: NOW_S - 300 });
    expect(await verifyCustom(SECRET, r.headers, r.rawBody, NOW)).toBe(true);
  });
});

describe("parse", () => {
  it("turns a message event into a custom-channel message keyed by the team's id", async () => {
    expect(await customAdapter.parse(request(message), config(), deps())).toEqual({
      messages: [
        {
          providerMessageId: "msg-1",
          channel: "custom",
          customerAddress: "user-42",
          proxyAddress: config().sid,
          customerName: "Ada",
          body: "Hi there",
          media: [],
          attributes: { plan: "pro" },
          thread: null,
          sentAt: NOW,
        },
      ],
      statuses: [],
    });
  });

  it("reads an array of events in order, statuses included", async () => {
    const content = await customAdapter.parse(
      request([message, { type: "status", id: "IM" + "4".repeat(32), status: "read", to: "user-42" }]),
      config(),
      deps(),
    );
    expect(content.messages.map((m) => m.providerMessageId)).toEqual(["msg-1"]);
    expect(content.statuses).toEqual([
      {
        providerMessageId: "IM" + "4".repeat(32),
        customerAddress: "user-42",
        status: "read",
        errorCode: null,
        errorMessage: null,
        at: NOW,
      },
    ]);
  });

  it("skips media that is not https and notes it", async () => {
    const event = { ...message, media: [{ url: "http://10.0.0.1/secret.png", content_type: "image/png" }] };
    const [parsed] = (await customAdapter.parse(request(event), config(), deps())).messages;
    expect(parsed?.media).toEqual([]);
    expect(parsed?.attributes).toEqual({ plan: "pro", media_skipped: [{ index: 0, reason: "not an https URL" }] });
  });

  it.each([
    ["not JSON", "{oops", "the body is not JSON"],
    ["an unknown type", { ...message, type: "typing" }, 'event.type must be "message" or "status"'],
    ["a message without id", { ...message, id: undefined }, "event.id must be a string of 1 to 256 characters"],
    ["a message without from.address", { ...message, from: { name: "Ada" } }, "event.from.address must be a string of 1 to 256 characters"],
    ["a message without text or media", { ...message, text: "" }, "event needs text or media"],
    ["attributes that are not an object", { ...message, attributes: [1] }, "event.attributes must be an object"],
    [
      "a status of an unknown kind",
      { type: "status", id: "x", status: "seen", to: "u" },
      "event.status must be one of sent, delivered, read, failed, undelivered",
    ],
  ])("refuses %s as malformed, naming the field", async (_case, event, problem) => {
    const parsing = customAdapter.parse(request(event), config(), deps());
    await expect(parsing).rejects.toBeInstanceOf(MalformedWebhook);
    await expect(parsing).rejects.toThrow(problem);
  });
});

describe("deliver", () => {
  const outbound: OutboundMessage = {
    conversationSid: "CH" + "3".repeat(32),
    messageSid: "IM" + "4".repeat(32),
    index: 2,
    customerAddress: "user-42",
    proxyAddress: "XC" + "2".repeat(32),
    body: "We refunded your order.",
    media: [],
    attributes: { ticket: 7 },
    thread: null,
    authorName: "Alex",
  };

  it("POSTs the documented JSON, signed so the team can verify it, and answers the team's id", async () => {
    answer = { status: 200, body: JSON.stringify({ id: "their-99" }) };
    expect(await customAdapter.deliver(outbound, config(), deps())).toEqual({ kind: "sent", providerMessageId: "their-99" });
    const got = received.at(-1)!;
    expect(JSON.parse(got.body)).toEqual({
      type: "message",
      id: outbound.messageSid,
      conversation_sid: outbound.conversationSid,
      to: { address: "user-42" },
      text: "We refunded your order.",
      author: "Alex",
      media: [],
      attributes: { ticket: 7 },
    });
    expect(got.headers["x-switchboard-timestamp"]).toBe(String(NOW_S));
    expect(got.headers["x-switchboard-signature"]).toBe(teamSignature(NOW_S, got.body));
  });

  it("answers the message SID when the team's 2xx has no id", async () => {
    answer = { status: 204, body: "" };
    expect(await customAdapter.deliver(outbound, config(), deps())).toEqual({ kind: "sent", providerMessageId: outbound.messageSid });
  });

  it.each([
    [500, "retry"],
    [503, "retry"],
    [429, "retry"],
    [400, "failed"],
    [404, "failed"],
  ])("treats a %s answer as %s", async (status, kind) => {
    answer = { status, body: "{}" };
    expect(await customAdapter.deliver(outbound, config(), deps())).toMatchObject({ kind });
  });

  it("asks for a retry when the team's server cannot be reached", async () => {
    const down: typeof fetch = async () => {
      throw new TypeError("fetch failed");
    };
    expect(await customAdapter.deliver(outbound, config(), deps({ fetch: down }))).toMatchObject({ kind: "retry" });
  });
});
