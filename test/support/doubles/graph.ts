/**
 * A stand-in for Meta's Graph API, the parts the WhatsApp Cloud, Messenger and Instagram channels call,
 * checked the way Meta checks them: a Bearer token (else 401 OAuthException code 190), the JSON Meta
 * requires (else 400 code 100 naming the parameter), and answered with Meta's JSON.
 *
 * - `POST /{phone_number_id}/messages` (WhatsApp; a phone number in `to`, a business-scoped user ID in
 *   `recipient`) → `{messaging_product, contacts: [{input, wa_id | user_id}], messages: [{id: "wamid.…"}]}`
 * - `POST /{phone_number_id}/media` (WhatsApp upload, multipart) → `{id}`
 * - `POST /me/messages`, `POST /{page_id}/messages` (Messenger/Instagram Send API) → `{recipient_id, message_id}`
 * - `GET /{media-id}` → `{url, mime_type, sha256, file_size, id}`, the URL pointing back here
 * - `GET /media-bytes/{id}` (Bearer) → the bytes, as WhatsApp's lookaside host serves them
 *
 * Web APIs only (`handle(Request) → Response`), so a workers test can install it as `fetch`;
 * graph-server.ts serves the same double over node:http on 127.0.0.1 for the compat suite. Paths may
 * carry a version prefix (`/v21.0/…`), as `graph_base_url` does.
 */

export interface GraphDoubleOptions {
  /** The origin the double is reached at (media URLs point back at it). */
  readonly origin: string;
  /** WhatsApp: the business phone number ID and the token it accepts. */
  readonly phoneNumberId?: string;
  readonly accessToken?: string;
  /** Messenger/Instagram: the page (or IG account) ID and the page token it accepts. */
  readonly pageId?: string;
  readonly pageAccessToken?: string;
}

/** A request the double accepted. */
export interface GraphCall {
  readonly path: string;
  readonly token: string;
  /** The JSON body (sends) or the multipart fields (uploads, file as its text length). */
  readonly body: Record<string, unknown>;
  /** The ID the double answered with (a wamid, a Send API message_id, a media ID). */
  readonly id: string;
}

export interface GraphDouble {
  /** `<origin>/v21.0`: the channel's `graph_base_url`. */
  readonly baseUrl: string;
  /** Messages accepted, in order (WhatsApp and Send API alike). */
  readonly sent: GraphCall[];
  /** Media uploads accepted (WhatsApp `/media`). */
  readonly uploads: (GraphCall & { readonly bytes: Uint8Array; readonly contentType: string })[];
  /** Makes media `id` fetchable (`GET /{id}` then its bytes); answers the URL of its bytes. */
  addMedia(id: string, bytes: Uint8Array, mimeType: string): string;
  /** The next `count` authenticated POSTs answer `status` with `error` (Meta's `{error: …}` body) or a generic one. */
  failNext(count: number, status: number, error?: { code: number; message: string }): void;
  handle(request: Request): Promise<Response>;
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Meta's error body. */
const metaError = (status: number, code: number, message: string, type = "OAuthException"): Response =>
  json(status, { error: { message, type, code, fbtrace_id: "AbCdEfGh123" } });

const randomId = (): string => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Makes a Graph API double.
 *
 * @example
 * const graph = createGraphDouble({ origin: "http://graph.test", phoneNumberId: "106540352242922", accessToken: "wa-token" });
 * // channel settings: { phone_number_id: "106540352242922", graph_base_url: graph.baseUrl }
 */
export function createGraphDouble(options: GraphDoubleOptions): GraphDouble {
  const sent: GraphCall[] = [];
  const uploads: GraphDouble["uploads"] = [];
  const media = new Map<string, { bytes: Uint8Array; mimeType: string }>();
  let failures = { count: 0, status: 500, error: undefined as { code: number; message: string } | undefined };
  const tokens = [options.accessToken, options.pageAccessToken].filter((t): t is string => typeof t === "string");

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/v\d+\.\d+/, "");
    const auth = request.headers.get("authorization") ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : (url.searchParams.get("access_token") ?? "");
    if (!tokens.includes(token)) return metaError(401, 190, "Invalid OAuth access token - Cannot parse access token");

    if (request.method === "GET") {
      const bytes = /^\/media-bytes\/([^/]+)$/.exec(path);
      const stored = media.get(decodeURIComponent(bytes?.[1] ?? path.slice(1)));
      if (!stored) return metaError(400, 100, "Unsupported get request. Object does not exist", "GraphMethodException");
      if (bytes) return new Response(stored.bytes, { headers: { "content-type": stored.mimeType } });
      const id = path.slice(1);
      return json(200, {
        url: `${options.origin}/media-bytes/${encodeURIComponent(id)}`,
        mime_type: stored.mimeType,
        sha256: "0".repeat(64),
        file_size: stored.bytes.byteLength,
        id,
        messaging_product: "whatsapp",
      });
    }
    if (request.method !== "POST") return metaError(400, 100, "Unsupported request method");
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      return failures.error
        ? metaError(failures.status, failures.error.code, failures.error.message)
        : metaError(failures.status, 2, "Service temporarily unavailable");
    }
    const match = /^\/([^/]+)\/(messages|media)$/.exec(path);
    if (!match) return metaError(400, 100, `Unknown path components: ${path}`);
    const [, node, edge] = match;
    if (edge === "media" && node === options.phoneNumberId) return upload(request, path, token);
    if (edge !== "messages") return metaError(400, 100, `Unknown path components: ${path}`);
    const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
    if (body === null) return metaError(400, 100, "(#100) The request body is not JSON");
    if (node === options.phoneNumberId && token === options.accessToken) return whatsappSend(path, token, body);
    if ((node === "me" || node === options.pageId) && token === options.pageAccessToken) return pageSend(path, token, body);
    return metaError(400, 100, `(#100) Unsupported post request. Object with ID '${node}' does not exist`, "GraphMethodException");
  }

  function whatsappSend(path: string, token: string, body: Record<string, unknown>): Response {
    if (body.messaging_product !== "whatsapp") return metaError(400, 100, "(#100) The parameter messaging_product is required.");
    // A phone number goes in `to`; a business-scoped user ID (BSUID, "US.1349…") in `recipient`.
    const to = typeof body.to === "string" && body.to !== "" ? body.to : null;
    const recipient = typeof body.recipient === "string" && body.recipient !== "" ? body.recipient : null;
    if (to === null && recipient === null) return metaError(400, 100, "(#100) The parameter to is required.");
    if (to !== null && recipient !== null) return metaError(400, 100, "(#100) Set either to or recipient, not both.");
    if (to !== null && !/^\+?\d{5,15}$/.test(to)) return metaError(400, 100, "(#100) Invalid parameter: to must be a phone number.");
    if (recipient !== null && !/^[A-Z]{2}\.\d+$/.test(recipient))
      return metaError(400, 100, "(#100) Invalid parameter: recipient must be a business-scoped user ID.");
    const type = typeof body.type === "string" ? body.type : "text";
    const content = body[type] as Record<string, unknown> | undefined;
    if (content === undefined) return metaError(400, 100, `(#100) The parameter ${type} is required.`);
    if (type === "text" && (typeof content.body !== "string" || content.body === ""))
      return metaError(400, 100, "(#100) The parameter text['body'] is required.");
    if (["image", "video", "audio", "document", "sticker"].includes(type) && !content.id && !content.link) {
      return metaError(400, 100, `(#100) Param ${type} must contain either id or link.`);
    }
    if (type === "interactive" && !(content.body as { text?: unknown } | undefined)?.text) {
      return metaError(400, 100, "(#100) The parameter interactive['body']['text'] is required.");
    }
    const id = `wamid.${randomId()}`;
    sent.push({ path, token, body, id });
    const contact = to !== null ? { input: to, wa_id: to.replace(/^\+/, "") } : { input: recipient, user_id: recipient };
    return json(200, { messaging_product: "whatsapp", contacts: [contact], messages: [{ id }] });
  }

  function pageSend(path: string, token: string, body: Record<string, unknown>): Response {
    const recipient = (body.recipient as { id?: unknown } | undefined)?.id;
    if (typeof recipient !== "string" || recipient === "") return metaError(400, 100, "(#100) The parameter recipient is required");
    const message = body.message as { text?: unknown; attachment?: unknown } | undefined;
    if (!message || (typeof message.text !== "string" && message.attachment === undefined)) {
      return metaError(400, 100, "(#100) The parameter message must contain text or attachment");
    }
    const id = `m_${randomId()}`;
    sent.push({ path, token, body, id });
    return json(200, { recipient_id: recipient, message_id: id });
  }

  async function upload(request: Request, path: string, token: string): Promise<Response> {
    if (token !== options.accessToken) return metaError(401, 190, "Invalid OAuth access token - Cannot parse access token");
    const form = await request.formData().catch(() => null);
    if (form === null) return metaError(400, 100, "(#100) The request body is not multipart/form-data");
    const file = form.get("file");
    if (form.get("messaging_product") !== "whatsapp") return metaError(400, 100, "(#100) The parameter messaging_product is required.");
    if (file === null || typeof file === "string") return metaError(400, 100, "(#100) The parameter file is required.");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const id = String(Math.floor(Math.random() * 1e15));
    const contentType = String(form.get("type") ?? file.type);
    uploads.push({ path, token, body: { type: contentType, filename: file.name }, id, bytes, contentType });
    media.set(id, { bytes, mimeType: contentType });
    return json(200, { id });
  }

  return {
    baseUrl: `${options.origin}/v21.0`,
    sent,
    uploads,
    addMedia(id, bytes, mimeType) {
      media.set(id, { bytes, mimeType });
      return `${options.origin}/media-bytes/${encodeURIComponent(id)}`;
    },
    failNext(count, status, error) {
      failures = { count, status, error };
    },
    handle,
  };
}

/**
 * POSTs a webhook the way Meta does: the JSON body signed with `X-Hub-Signature-256` under the app
 * secret; `signature` overrides the header (a wrong one, or null for none).
 *
 * @example
 * const response = await sendMetaWebhook(fetch, `${origin}/webhooks/WS…/XC…`, payload, "app-secret");
 */
export async function sendMetaWebhook(
  fetcher: (request: Request) => Response | Promise<Response>,
  url: string,
  payload: unknown,
  appSecret: string,
  options: { signature?: string | null } = {},
): Promise<Response> {
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "facebookexternalua" };
  const signature = options.signature === undefined ? await hubSignature(appSecret, body) : options.signature;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return fetcher(new Request(url, { method: "POST", headers, body }));
}

/** `sha256=<hex HMAC-SHA256(appSecret, body)>`, computed here independently of the code under test. */
export async function hubSignature(appSecret: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(appSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, body));
  return "sha256=" + Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}
