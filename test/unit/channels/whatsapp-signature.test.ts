/**
 * Meta's webhook authentication, shared by the WhatsApp Cloud, Messenger and Instagram adapters
 * (meta-signature.ts), beyond what the adapter contract checks: how the X-Hub-Signature-256 header may
 * and may not be written, and the hub.challenge handshake that subscribes the callback URL. Every
 * adapter is checked, since each must wire the shared check in.
 */
import { describe, expect, it } from "vitest";
import type { ChannelAdapter } from "../../../channels/adapter";
import { instagramAdapter, messengerAdapter } from "../../../channels/meta-messenger";
import { whatsappAdapter } from "../../../channels/whatsapp";
import { hubSignature } from "../../support/doubles/graph";
import { APP_SECRET, metaChannel, metaRequest, VERIFY_TOKEN, WEBHOOK_URL } from "./fixtures/meta-deps";
import { waText } from "./fixtures/meta-whatsapp";

const adapters: [string, ChannelAdapter][] = [
  ["whatsapp", whatsappAdapter],
  ["messenger", messengerAdapter],
  ["instagram", instagramAdapter],
];
const body = new TextEncoder().encode(JSON.stringify(waText()));

describe.each(adapters)("%s webhook signature", (_, adapter) => {
  const config = metaChannel(adapter.kind, {}, {});

  it("accepts the same digest written in uppercase hex", async () => {
    const signature = await hubSignature(APP_SECRET, body);
    expect(
      await adapter.verify(await metaRequest(null, { rawBody: body, signature: "sha256=" + signature.slice(7).toUpperCase() }), config),
    ).toBe(true);
  });

  it.each([
    ["with SHA-1's prefix (X-Hub-Signature style)", async () => (await hubSignature(APP_SECRET, body)).replace("sha256=", "sha1="), body],
    ["with no prefix", async () => (await hubSignature(APP_SECRET, body)).slice(7), body],
    ["with an empty signature", async () => "sha256=", body],
  ])("refuses a body %s", async (_, signature, rawBody) => {
    expect(await adapter.verify(await metaRequest(null, { rawBody, signature: await signature() }), config)).toBe(false);
  });

  it("refuses everything when the channel has no app secret", async () => {
    const unsigned = { ...config, secrets: { verify_token: VERIFY_TOKEN } };
    expect(await adapter.verify(await metaRequest(null, { rawBody: body }), unsigned)).toBe(false);
  });
});

describe.each(adapters)("%s subscription handshake", (_, adapter) => {
  const config = metaChannel(adapter.kind, {}, {});
  const url = (params: Record<string, string>) => new URL(`${WEBHOOK_URL}?${new URLSearchParams(params)}`);

  it("echoes hub.challenge as text when the verify token matches", async () => {
    const response = adapter.challenge!(
      url({ "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444" }),
      config,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("1158201444");
  });

  it.each([
    ["a wrong verify token", { "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1" }],
    ["the token with a character more", { "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN + "x", "hub.challenge": "1" }],
    ["a prefix of the token", { "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN.slice(0, -1), "hub.challenge": "1" }],
    ["no verify token", { "hub.mode": "subscribe", "hub.challenge": "1" }],
    ["another mode", { "hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1" }],
    ["no challenge", { "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN }],
  ])("answers 403 to %s, without echoing anything", async (_, params) => {
    const response = adapter.challenge!(url(params), config);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toBe("1");
  });

  it("answers 403 when the channel has no verify token, even to an empty one", () => {
    const response = adapter.challenge!(url({ "hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1" }), {
      ...config,
      secrets: { app_secret: APP_SECRET },
    });
    expect(response.status).toBe(403);
  });
});
