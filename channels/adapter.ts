/**
 * What every channel adapter (one file per provider in this folder) implements: verify a provider's
 * webhook, turn it into Switchboard's normalized messages and status updates, and deliver an agent's
 * reply through the provider's API (test/unit/channels/adapter-contract.ts checks each). The inbound route
 * (workers/inbound/) does everything else — the channel configuration, redacting card numbers, the
 * DirectoryDO and ConversationDO calls — so an adapter knows only its provider's wire format.
 */
import type { ChannelConfig, ChannelKind } from "./channel-config";
import type { DeliveryOutcome, InboundMessage, MessageChange, OutboundMessage, StatusUpdate } from "./messages";
import type { MediaRef } from "../contract/conversations";

/** A provider's webhook request, read once: the exact public URL it was sent to and its raw body. */
export interface WebhookRequest {
  /** The URL the provider signed (the channel's `webhook_url`, with the query string it was called with). */
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** The body as received: signatures are over these bytes, never a re-serialisation. */
  readonly rawBody: Uint8Array;
}

/** What a verified webhook carried. Any list may be empty (e.g. Meta's echoes are dropped). */
export interface WebhookContent {
  readonly messages: readonly InboundMessage[];
  readonly statuses: readonly StatusUpdate[];
  /** Reactions and unsends of earlier messages (Meta's channels), applied after `messages`. */
  readonly changes?: readonly MessageChange[];
}

/** The largest attachment accepted (10 MB), as Twilio's MMS and most chat providers limit them. */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;

/** Attachments, kept in R2 under the workspace. */
export interface MediaStore {
  put(bytes: ArrayBuffer | Uint8Array, contentType: string, filename: string | null): Promise<MediaRef>;
  get(sid: string): Promise<{ readonly ref: MediaRef; readonly body: ReadableStream } | null>;
}

/**
 * A fetched attachment kept in the store, typed as the webhook said (else as the answer does); null when
 * larger than {@link MAX_MEDIA_BYTES}: the adapter notes it on the message instead.
 * @example const ref = await keepMedia(await deps.fetch(url), deps.media, "image/jpeg", null);
 */
export async function keepMedia(
  response: Response,
  media: MediaStore,
  contentType: string | null,
  filename: string | null,
): Promise<MediaRef | null> {
  if (Number(response.headers.get("content-length") ?? "0") > MAX_MEDIA_BYTES) {
    await response.body?.cancel();
    return null;
  }
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength > MAX_MEDIA_BYTES) return null;
  return media.put(bytes, contentType ?? response.headers.get("content-type") ?? "application/octet-stream", filename);
}

/** What an adapter may reach while parsing or delivering. */
export interface AdapterDeps {
  /** The global fetch (providers' APIs and media); tests point the channel's `*_base_url` settings at doubles. */
  readonly fetch: typeof fetch;
  readonly media: MediaStore;
  /** The channel's public webhook URL (for status callbacks that must come back to us). */
  readonly webhookUrl: string;
  readonly now: () => number;
  /**
   * A public, signed, expiring URL of a stored attachment, for providers that fetch media by link
   * (Twilio's MediaUrl, WhatsApp's `link`). Absent when the channel has no public webhook URL.
   */
  readonly mediaUrl?: (ref: MediaRef) => Promise<string>;
}

/** A webhook the adapter refuses after verification: its body is not what the provider sends. */
export class MalformedWebhook extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedWebhook";
  }
}

/**
 * A webhook body as JSON; anything else is a body the provider never sends.
 * @example const events = readJson(request.rawBody); // throws MalformedWebhook("the body is not JSON")
 */
export function readJson(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(rawBody));
  } catch {
    throw new MalformedWebhook("the body is not JSON");
  }
}

/**
 * The provider could not be reached while a webhook was being read (fetching its media, say): the
 * webhook is answered 503 so the provider sends it again, rather than a message stored without its
 * attachment. The provider's name is in the message.
 */
export class ProviderUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderUnavailable";
  }
}

export interface ChannelAdapter {
  readonly kind: ChannelKind;
  /** The largest webhook body the inbound route reads (default 1 MB); more is answered 413. */
  readonly maxBodyBytes?: number;
  /** The status a webhook failing `verify` is answered with (default 403, what Twilio's own libraries answer). */
  readonly refusalStatus?: 401 | 403;
  /**
   * A GET on the webhook URL: the provider's verification handshake (Meta's `hub.challenge`). Answers
   * the response to send; undefined when the adapter has none (the route then answers 405).
   */
  challenge?(url: URL, config: ChannelConfig): Response;
  /** Whether the request carries the provider's valid signature for this channel's secret. */
  verify(request: WebhookRequest, config: ChannelConfig): Promise<boolean>;
  /** The verified request's messages and status updates; throws {@link MalformedWebhook} on a body the provider never sends. */
  parse(request: WebhookRequest, config: ChannelConfig, deps: AdapterDeps): Promise<WebhookContent>;
  /** The answer the provider expects once the webhook is taken (Twilio: empty TwiML; Meta: 200). */
  acknowledge(): Response;
  /** Sends one message to the customer. Never throws for a provider's refusal: that is an outcome. */
  deliver(message: OutboundMessage, config: ChannelConfig, deps: AdapterDeps): Promise<DeliveryOutcome>;
}
