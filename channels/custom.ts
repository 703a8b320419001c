/**
 * The custom channel ("bring your own channel"): a team connects any messaging system it runs — an
 * in-app chat, a kiosk, a partner's platform — with one signed JSON webhook each way.
 *
 * Both directions are signed the same way, with the channel's `signing_secret`:
 *   X-Switchboard-Timestamp: <unix seconds>
 *   X-Switchboard-Signature: v1=<hex HMAC-SHA256(signing_secret, timestamp + "." + raw body)>
 * A request whose timestamp is more than 5 minutes away from now is refused (a replay), as is a bad
 * signature: 401, nothing stored. Several `v1=` values separated by commas are accepted (rotation).
 *
 * In (POST to the channel's webhook_url), one event or an array of events:
 *   { "type": "message", "id": "<your id>", "from": { "address": "user-42", "name": "Ada" }, "text": "Hi",
 *     "attributes": { … }, "media": [{ "url": "https://…", "content_type": "image/png", "filename": "a.png" }] }
 *   { "type": "status", "id": "<the id we recorded>", "status": "delivered" | "read" | "failed", "to": "user-42" }
 * `id` makes a message idempotent: send it again and it is stored once. Media URLs must be https and at
 * most 10 MB each (at most 5 per message); others are skipped and noted on the message.
 *
 * Out (POST to settings.outbound_url):
 *   { "type": "message", "id": "IM…", "conversation_sid": "CH…", "to": { "address": "user-42" }, "text": "…",
 *     "author": "Alex", "media": [{ "url", "content_type", "filename", "size" }], "attributes": { … } }
 * A 2xx answer is sent (your answer's `id`, if any, is what your status events must name; else the IM
 * SID); 429 or 5xx is retried with backoff; any other status is a failure shown on the message.
 */
import type { ChannelConfig } from "./channel-config";
import type { DeliveryOutcome, InboundMessage, OutboundMessage, StatusUpdate } from "./messages";
import type { MediaRef } from "../contract/conversations";
import { keepMedia, MalformedWebhook, readJson, type AdapterDeps, type ChannelAdapter, type WebhookRequest } from "./adapter";
import { hmacSha256Hex, sameText } from "../platform/constant-time";
import { isRecord } from "../contract/is-record";

/** How far a request's timestamp may be from now (either way) before it is refused as a replay. */
export const CUSTOM_TOLERANCE_SECONDS = 300;
const MAX_MEDIA_PER_MESSAGE = 5;
const STATUSES = ["sent", "delivered", "read", "failed", "undelivered"] as const;

const encoder = new TextEncoder();

function signedBytes(timestamp: string, body: string | Uint8Array): Uint8Array {
  const prefix = encoder.encode(`${timestamp}.`);
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const out = new Uint8Array(prefix.length + bytes.length);
  out.set(prefix);
  out.set(bytes, prefix.length);
  return out;
}

/**
 * The `X-Switchboard-Signature` value of `body` sent at `timestamp` (unix seconds).
 *
 * @example
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * const body = JSON.stringify({ type: "message", id: "42", from: { address: "user-42" }, text: "Hi" });
 * await fetch(webhookUrl, { method: "POST", body, headers: { "Content-Type": "application/json",
 *   "X-Switchboard-Timestamp": timestamp, "X-Switchboard-Signature": await signCustom(secret, timestamp, body) } });
 */
export async function signCustom(secret: string, timestamp: string | number, body: string | Uint8Array): Promise<string> {
  return `v1=${await hmacSha256Hex(secret, signedBytes(String(timestamp), body))}`;
}

/**
 * Whether a request carries a fresh, valid signature of `rawBody` under `secret`.
 *
 * @example
 * await verifyCustom(secret, request.headers, rawBody, Date.now()); // false when tampered, unsigned or older than 5 minutes
 */
export async function verifyCustom(secret: string, headers: Headers, rawBody: Uint8Array, now: number): Promise<boolean> {
  const timestamp = headers.get("x-switchboard-timestamp") ?? "";
  const header = headers.get("x-switchboard-signature") ?? "";
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > CUSTOM_TOLERANCE_SECONDS) return false;
  const expected = `v1=${await hmacSha256Hex(secret, signedBytes(timestamp, rawBody))}`;
  // Every candidate is compared in full (several are sent while a secret is being rotated).
  let matched = false;
  for (const given of header.split(",").map((s) => s.trim())) matched = sameText(given, expected) || matched;
  return matched;
}

function text(event: Record<string, unknown>, field: string, where: string, max = 256): string {
  const value = event[field];
  if (typeof value !== "string" || value === "" || value.length > max) {
    throw new MalformedWebhook(`${where}.${field} must be a string of 1 to ${max} characters`);
  }
  return value;
}

/** Fetches the message's https media (at most 5, 10 MB each); anything else is noted, not fetched. */
async function storeMedia(items: unknown, where: string, deps: AdapterDeps): Promise<{ media: MediaRef[]; skipped: unknown[] }> {
  if (items === undefined) return { media: [], skipped: [] };
  if (!Array.isArray(items)) throw new MalformedWebhook(`${where}.media must be an array`);
  const media: MediaRef[] = [];
  const skipped: { index: number; reason: string }[] = [];
  for (const [index, item] of items.entries()) {
    if (!isRecord(item) || typeof item.url !== "string") throw new MalformedWebhook(`${where}.media[${index}].url must be a string`);
    const url = URL.canParse(item.url) ? new URL(item.url) : null;
    if (index >= MAX_MEDIA_PER_MESSAGE || url?.protocol !== "https:") {
      skipped.push({ index, reason: index >= MAX_MEDIA_PER_MESSAGE ? "more than 5 attachments" : "not an https URL" });
      continue;
    }
    try {
      const response = await deps.fetch(url.toString());
      const type = typeof item.content_type === "string" ? item.content_type : null;
      const kept = response.ok
        ? await keepMedia(response, deps.media, type, typeof item.filename === "string" ? item.filename : null)
        : null;
      if (kept) media.push(kept);
      else skipped.push({ index, reason: response.ok ? "larger than 10 MB" : `answered ${response.status}` });
    } catch (error) {
      skipped.push({ index, reason: error instanceof Error ? error.message : "fetch failed" });
    }
  }
  return { media, skipped };
}

async function parseMessage(
  event: Record<string, unknown>,
  where: string,
  config: ChannelConfig,
  deps: AdapterDeps,
): Promise<InboundMessage> {
  const id = text(event, "id", where);
  if (!isRecord(event.from)) throw new MalformedWebhook(`${where}.from must be an object with an address`);
  const address = text(event.from, "address", `${where}.from`);
  const name = event.from.name;
  if (name !== undefined && name !== null && typeof name !== "string") throw new MalformedWebhook(`${where}.from.name must be a string`);
  const body = event.text ?? "";
  if (typeof body !== "string" || body.length > 10_000)
    throw new MalformedWebhook(`${where}.text must be a string of at most 10000 characters`);
  if (event.attributes !== undefined && !isRecord(event.attributes)) throw new MalformedWebhook(`${where}.attributes must be an object`);
  const { media, skipped } = await storeMedia(event.media, where, deps);
  if (body === "" && media.length === 0 && skipped.length === 0) throw new MalformedWebhook(`${where} needs text or media`);
  return {
    providerMessageId: id,
    channel: "custom",
    customerAddress: address,
    proxyAddress: config.sid,
    customerName: typeof name === "string" && name !== "" ? name : null,
    body,
    media,
    attributes: { ...(event.attributes ?? {}), ...(skipped.length > 0 ? { media_skipped: skipped } : {}) },
    thread: null,
    sentAt: deps.now(),
  };
}

function parseStatus(event: Record<string, unknown>, where: string, deps: AdapterDeps): StatusUpdate {
  const status = event.status;
  if (!(STATUSES as readonly unknown[]).includes(status))
    throw new MalformedWebhook(`${where}.status must be one of ${STATUSES.join(", ")}`);
  const error = event.error;
  return {
    providerMessageId: text(event, "id", where),
    customerAddress: text(event, "to", where),
    status: status as StatusUpdate["status"],
    errorCode: isRecord(error) && error.code !== undefined ? String(error.code) : null,
    errorMessage: isRecord(error) && typeof error.message === "string" ? error.message.slice(0, 500) : null,
    at: deps.now(),
  };
}

export const customAdapter: ChannelAdapter = {
  kind: "custom",
  refusalStatus: 401,

  async verify(request: WebhookRequest, config: ChannelConfig): Promise<boolean> {
    const secret = config.secrets.signing_secret;
    return secret ? verifyCustom(secret, request.headers, request.rawBody, Date.now()) : false;
  },

  async parse(request, config, deps) {
    const parsed = readJson(request.rawBody);
    const events = Array.isArray(parsed) ? parsed : [parsed];
    const messages: InboundMessage[] = [];
    const statuses: StatusUpdate[] = [];
    for (const [index, event] of events.entries()) {
      const where = Array.isArray(parsed) ? `[${index}]` : "event";
      if (!isRecord(event)) throw new MalformedWebhook(`${where} must be an object`);
      if (event.type === "message") messages.push(await parseMessage(event, where, config, deps));
      else if (event.type === "status") statuses.push(parseStatus(event, where, deps));
      else throw new MalformedWebhook(`${where}.type must be "message" or "status"`);
    }
    return { messages, statuses };
  },

  acknowledge() {
    return Response.json({ ok: true });
  },

  async deliver(message: OutboundMessage, config: ChannelConfig, deps: AdapterDeps): Promise<DeliveryOutcome> {
    const target = config.settings.outbound_url;
    const secret = config.secrets.signing_secret;
    if (typeof target !== "string" || !secret)
      return { kind: "failed", error: "The channel has no outbound_url or signing_secret", errorCode: null };
    const media = await Promise.all(
      message.media.map(async (ref) => ({
        ...(deps.mediaUrl ? { url: await deps.mediaUrl(ref) } : {}),
        sid: ref.sid,
        content_type: ref.content_type,
        filename: ref.filename,
        size: ref.size,
      })),
    );
    const body = JSON.stringify({
      type: "message",
      id: message.messageSid,
      conversation_sid: message.conversationSid,
      to: { address: message.customerAddress },
      text: message.body,
      author: message.authorName,
      media,
      attributes: message.attributes,
    });
    const timestamp = String(Math.floor(deps.now() / 1000));
    let response: Response;
    try {
      response = await deps.fetch(target, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Switchboard-Timestamp": timestamp,
          "X-Switchboard-Signature": await signCustom(secret, timestamp, body),
        },
        body,
      });
    } catch (error) {
      return { kind: "retry", error: `${new URL(target).host} unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    const answer = (await response.text()).slice(0, 2000);
    if (response.ok) {
      let id: unknown;
      try {
        id = (JSON.parse(answer) as { id?: unknown }).id;
      } catch {
        id = undefined; // a 2xx without a JSON body is fine: the message SID is the ID
      }
      return { kind: "sent", providerMessageId: typeof id === "string" && id !== "" ? id : message.messageSid };
    }
    const error = `${new URL(target).host} answered ${response.status}`;
    if (response.status === 429 || response.status >= 500) return { kind: "retry", error };
    return { kind: "failed", error, errorCode: String(response.status) };
  },
};
