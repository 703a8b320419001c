// The custom channel (BYOC): the adapter contract against a team's server (the double checks the
// signature as a team would), then what is the custom channel's own: the signature a team computes,
// secret rotation, replay protection, arrays of events, media rules and the team's answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../../channels/channel-config";
import type { OutboundMessage } from "../../../channels/messages";
import type { AdapterDeps, WebhookRequest } from "../../../channels/adapter";
import { customAdapter, signCustom, verifyCustom } from "../../../channels/custom";
import { memoryMedia } from "../../support/doubles/media-store";
import { startTeamServer, teamSignature as signedBy, type TeamServer } from "../../support/doubles/team-server";
import { channelConfig, OUTBOUND, runAdapterContract } from "./adapter-contract";

const SECRET = "whsec_team_secret";
const NOW = Date.UTC(2026, 10, 25, 12);
const NOW_S = Math.floor(NOW / 1000);

let team: TeamServer;
beforeAll(async () => {
  team = await startTeamServer(SECRET);
});
afterAll(() => team.close());

const config = (): ChannelConfig => channelConfig("custom", { outbound_url: team.url }, { signing_secret: SECRET });

const deps = (overrides: Partial<AdapterDeps> = {}): AdapterDeps => ({
  fetch: globalThis.fetch,
  media: memoryMedia(),
  webhookUrl: "https://sb.example/webhooks/WS/XC",
  now: () => NOW,
  ...overrides,
});

/** The signature as a team computes it with their language's HMAC, independently of signCustom. */
const teamSignature = (timestamp: number, body: string, secret = SECRET) => signedBy(secret, timestamp, body);

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
const json = (value: unknown) => () => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const outbound: OutboundMessage = {
  ...OUTBOUND,
  index: 2,
  customerAddress: "user-42",
  proxyAddress: "XC" + "2".repeat(32),
  attributes: { ticket: 7 },
};

describe("the adapter contract", () =>
  runAdapterContract({
    kind: "custom",
    config,
    deps,
    webhooks: {
      // The adapter checks the timestamp against the clock, so the team signs now.
      request: async (body, { secret = SECRET } = {}) => {
        const text = new TextDecoder().decode(body);
        const now = Math.floor(Date.now() / 1000);
        return { ...request(text, { timestamp: now, signature: teamSignature(now, text, secret) }), rawBody: body };
      },
      proofHeaders: ["x-switchboard-signature", "x-switchboard-timestamp"],
      bodySigned: true,
      messages: [
        {
          name: "a message event, keyed by the team's id",
          body: json(message),
          expected: {
            providerMessageId: "msg-1",
            channel: "custom",
            customerAddress: "user-42",
            proxyAddress: "XC" + "2".repeat(32),
            customerName: "Ada",
            body: "Hi there",
            media: [],
            attributes: { plan: "pro" },
            thread: null,
            sentAt: NOW,
          },
        },
      ],
      status: {
        body: json({ type: "status", id: "IM" + "4".repeat(32), status: "read", to: "user-42" }),
        expected: {
          providerMessageId: "IM" + "4".repeat(32),
          customerAddress: "user-42",
          status: "read",
          errorCode: null,
          errorMessage: null,
          at: NOW,
        },
      },
      malformed: [
        ["not JSON", json("{oops"), /the body is not JSON/],
        ["an unknown type", json({ ...message, type: "typing" }), /event\.type must be "message" or "status"/],
        ["a message without id", json({ ...message, id: undefined }), /event\.id must be a string of 1 to 256 characters/],
        [
          "a message without from.address",
          json({ ...message, from: { name: "Ada" } }),
          /event\.from\.address must be a string of 1 to 256 characters/,
        ],
        ["a message without text or media", json({ ...message, text: "" }), /event needs text or media/],
        ["attributes that are not an object", json({ ...message, attributes: [1] }), /event\.attributes must be an object/],
        [
          "a status of an unknown kind",
          json({ type: "status", id: "x", status: "seen", to: "u" }),
          /event\.status must be one of sent, delivered, read, failed, undelivered/,
        ],
      ],
      acknowledgement: { status: 200, contentType: /^application\/json/, body: '{"ok":true}' },
    },
    provider: {
      outbound,
      accepted: () => team.received.map((post) => ({ id: post.id, wire: JSON.parse(post.body) as unknown })),
      // The documented JSON (the double has checked the signature over it).
      wire: {
        type: "message",
        id: outbound.messageSid,
        conversation_sid: outbound.conversationSid,
        to: { address: "user-42" },
        text: "Your order ships tomorrow.",
        author: "Alex",
        media: [],
        attributes: { ticket: 7 },
      },
      failNext: (status) => team.answerNext(1, status),
      wrongCredentials: (channel) => ({ ...channel, secrets: { signing_secret: "not-the-team-secret" } }),
      credentialsRefused: "401",
      unreachable: /unreachable: fetch failed$/,
      unsupported: [["a reply on a channel without an outbound_url", {}, /no outbound_url/, (channel) => ({ ...channel, settings: {} })]],
    },
  }));

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
    ["older than 5 minutes (a replay)", () => request(message, { timestamp: NOW_S - 301 })],
    ["more than 5 minutes in the future", () => request(message, { timestamp: NOW_S + 301 })],
    ["without the v1= prefix", () => request(message, { signature: teamSignature(NOW_S, JSON.stringify(message)).slice(3) })],
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
});

describe("deliver", () => {
  it("stamps the post with the adapter's clock", async () => {
    await customAdapter.deliver(outbound, config(), deps());
    const got = team.received.at(-1)!;
    expect(got.headers["x-switchboard-timestamp"]).toBe(String(NOW_S));
    expect(got.headers["x-switchboard-signature"]).toBe(teamSignature(NOW_S, got.body));
  });

  it("answers the message SID when the team's 2xx has no id", async () => {
    team.answerNext(1, 204);
    expect(await customAdapter.deliver(outbound, config(), deps())).toEqual({ kind: "sent", providerMessageId: outbound.messageSid });
  });

  it.each([400, 404])("treats a %s answer as failed", async (status) => {
    team.answerNext(1, status);
    expect(await customAdapter.deliver(outbound, config(), deps())).toMatchObject({ kind: "failed", errorCode: String(status) });
  });
});
