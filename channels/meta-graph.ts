/**
 * What the three Meta adapters (WhatsApp Cloud, Messenger, Instagram) share about Meta's Graph API:
 * where it is, how its answers become delivery outcomes, how a webhook body is read, and how media is
 * fetched without letting a webhook point us at an arbitrary host.
 *
 * Media hosts: a webhook's attachment URL is data from outside (signed by Meta, but a leaked app secret
 * or a Meta-side bug must not turn Switchboard into an open fetcher of internal URLs), so downloads go
 * only to the configured `graph_base_url` origin or, over https, to the hosts Meta serves media from:
 * `*.fbcdn.net` (Messenger/Instagram CDN), `*.fbsbx.com` (WhatsApp's `lookaside.fbsbx.com`, Instagram's
 * `lookaside.fbsbx.com/ig_messaging_cdn`, Messenger's `cdn.fbsbx.com`), `*.cdninstagram.com` and
 * `*.whatsapp.net`. The access token is sent only to the Graph origin and `lookaside.fbsbx.com`, which
 * require it; CDN URLs are pre-signed and never see it.
 */
import type { z } from "zod";
import type { ChannelConfig } from "./channel-config";
import type { DeliveryOutcome } from "./messages";
import type { MediaRef } from "../contract/conversations";
import { keepMedia, MalformedWebhook, ProviderUnavailable, readJson, type AdapterDeps } from "./adapter";

/** Meta's Graph API, unless a channel's `graph_base_url` points elsewhere (a test double, a newer version). */
export const DEFAULT_GRAPH_BASE_URL = "https://graph.facebook.com/v21.0";

const MEDIA_HOST_SUFFIXES = [".fbcdn.net", ".fbsbx.com", ".cdninstagram.com", ".whatsapp.net"];
const TOKEN_HOSTS = new Set(["lookaside.fbsbx.com"]);

/**
 * Graph error codes that mean "slow down" even when the HTTP status is 400: app/page rate limits (4,
 * 17, 32, 613, 80007) and WhatsApp's throughput and pair limits (130429, 131056).
 */
const THROTTLING_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131056]);

/** The channel's Graph API base, without a trailing slash. */
export function graphBase(config: ChannelConfig): string {
  const configured = config.settings.graph_base_url;
  return (typeof configured === "string" && configured !== "" ? configured : DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, "");
}

/** A webhook body checked against the shape Meta documents; the first problem names the field (`entry.0.id: …`). */
export function readPayload<T>(schema: z.ZodType<T>, rawBody: Uint8Array): T {
  return checked(schema, readJson(rawBody), []);
}

/** A part of a webhook body checked against its shape; `at` is where the part sits, for the message. */
export function checked<T>(schema: z.ZodType<T>, value: unknown, at: readonly PropertyKey[]): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = [...at, ...(issue?.path ?? [])].map(String).join(".");
  throw new MalformedWebhook(`${path === "" ? "" : path + ": "}${issue?.message ?? "not a Meta webhook"}`);
}

/** A Graph API failure worth redelivering the webhook for (network, 429, 5xx): the inbound path answers 5xx and Meta retries. */
export class GraphUnavailable extends ProviderUnavailable {
  constructor(message: string) {
    super(message);
    this.name = "GraphUnavailable";
  }
}

/** The parts of Meta's error body (`{error: {message, type, code, error_subcode, fbtrace_id}}`) we act on. */
interface GraphError {
  readonly code: number | null;
  readonly message: string;
}

async function graphError(response: Response): Promise<GraphError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } } };
    const code = typeof body.error?.code === "number" ? body.error.code : null;
    const details = typeof body.error?.error_data?.details === "string" ? ` (${body.error.error_data.details})` : "";
    const message = typeof body.error?.message === "string" ? body.error.message + details : `HTTP ${response.status}`;
    return { code, message };
  } catch {
    return { code: null, message: `HTTP ${response.status}` };
  }
}

/**
 * POSTs to the Graph API with the channel's token and turns the answer into a delivery outcome: 2xx
 * with an ID → sent; network errors, 429, 5xx and throttling codes → retry; any other refusal → failed
 * with Meta's code (e.g. 131047, the 24-hour window; 190, a bad token).
 *
 * @example
 * await graphSend(deps, `${graphBase(config)}/me/messages`, token, { recipient: { id }, message: { text } }, (b) => b.message_id);
 */
export async function graphSend(
  deps: AdapterDeps,
  url: string,
  token: string,
  body: Record<string, unknown> | FormData,
  messageId: (answer: Record<string, unknown>) => unknown,
): Promise<DeliveryOutcome> {
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: "POST",
      headers:
        body instanceof FormData
          ? { authorization: `Bearer ${token}` }
          : { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch (error) {
    return { kind: "retry", error: `Meta Graph API unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (response.ok) {
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const id = messageId(answer);
    if (typeof id === "string" && id !== "") return { kind: "sent", providerMessageId: id };
    return { kind: "retry", error: "Meta Graph API answered without a message id" };
  }
  const error = await graphError(response);
  if (response.status === 429 || response.status >= 500 || (error.code !== null && THROTTLING_CODES.has(error.code))) {
    return { kind: "retry", error: `Meta Graph API ${response.status}: ${error.message}` };
  }
  return { kind: "failed", error: error.message, errorCode: error.code === null ? String(response.status) : String(error.code) };
}

/**
 * The outcome of a message sent as several provider messages, when part `sent` (0-based) did not go
 * out: before any part, as it is; after one, final (`failed`, naming how many went out), so a retry
 * never sends the customer the same part twice.
 */
export function partsOutcome(outcome: Exclude<DeliveryOutcome, { kind: "sent" }>, sent: number, total: number): DeliveryOutcome {
  if (sent === 0) return outcome;
  const errorCode = outcome.kind === "failed" ? outcome.errorCode : null;
  return { kind: "failed", error: `${sent} of ${total} parts were sent, then: ${outcome.error}`, errorCode };
}

/** Whether a media URL is one we may fetch, and whether it may see the channel's token. */
export function mediaAccess(url: string, config: ChannelConfig): { readonly allowed: boolean; readonly withToken: boolean } {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { allowed: false, withToken: false };
  }
  if (target.username !== "" || target.password !== "") return { allowed: false, withToken: false };
  if (target.origin === new URL(graphBase(config)).origin) return { allowed: true, withToken: true };
  const host = target.hostname.toLowerCase();
  const metaHost = target.protocol === "https:" && target.port === "" && MEDIA_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));
  return { allowed: metaHost, withToken: metaHost && TOKEN_HOSTS.has(host) };
}

/** An attachment that could not be kept, named on the message's attributes so the agent knows one was sent. */
export interface MediaUnavailable {
  readonly type: string;
  readonly reason: string;
}

/**
 * Downloads one attachment into the media store. Permanent problems (a host we will not fetch, 4xx,
 * too large) answer a {@link MediaUnavailable}; transient ones throw {@link GraphUnavailable} so the
 * webhook is redelivered (inbound messages are idempotent by provider ID, so a retry stores nothing twice).
 */
export async function downloadMedia(
  deps: AdapterDeps,
  config: ChannelConfig,
  token: string | undefined,
  source: { readonly url: string; readonly type: string; readonly contentType: string | null; readonly filename: string | null },
): Promise<MediaRef | MediaUnavailable> {
  const access = mediaAccess(source.url, config);
  if (!access.allowed) return { type: source.type, reason: "the attachment is on a host Switchboard does not fetch from" };
  let response: Response;
  try {
    response = await deps.fetch(source.url, {
      headers: access.withToken && token ? { authorization: `Bearer ${token}` } : {},
      redirect: "manual",
    });
  } catch (error) {
    throw new GraphUnavailable(`Meta media download failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 429 || response.status >= 500) throw new GraphUnavailable(`Meta media download answered ${response.status}`);
  if (!response.ok) {
    await response.body?.cancel();
    return { type: source.type, reason: `the attachment could not be downloaded (HTTP ${response.status})` };
  }
  const kept = await keepMedia(response, deps.media, source.contentType, source.filename);
  return kept ?? { type: source.type, reason: "the attachment is larger than 10 MB" };
}

/** Whether {@link downloadMedia} kept the attachment. */
export const isMediaRef = (value: MediaRef | MediaUnavailable): value is MediaRef => "sid" in value;

/** A stored attachment as a Blob for a multipart upload, or null when the store no longer has it. */
export async function storedMediaBlob(deps: AdapterDeps, ref: MediaRef): Promise<Blob | null> {
  const stored = await deps.media.get(ref.sid);
  if (stored === null) return null;
  const bytes = await new Response(stored.body).arrayBuffer();
  return new Blob([bytes], { type: ref.content_type });
}
