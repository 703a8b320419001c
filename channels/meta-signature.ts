/**
 * How Meta's webhooks prove who sent them, shared by the WhatsApp Cloud, Messenger and Instagram
 * adapters: every POST carries `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`,
 * and subscribing a callback URL starts with a GET handshake that echoes `hub.challenge` when
 * `hub.verify_token` is the one typed into Meta's console. WebCrypto only, so this runs the same in
 * workerd and in a plain-Node unit test.
 */
import type { ChannelConfig } from "./channel-config";
import type { WebhookRequest } from "./adapter";
import { hmacSha256Hex, sameText } from "../platform/constant-time";

/**
 * Whether the request carries Meta's signature of its exact bytes under the channel's `app_secret`.
 * A channel without an app secret accepts nothing: an unsigned webhook is never trusted.
 *
 * @example
 * if (!(await validMetaSignature(request, config))) return new Response(null, { status: 401 });
 */
export async function validMetaSignature(request: WebhookRequest, config: ChannelConfig): Promise<boolean> {
  const appSecret = config.secrets.app_secret;
  const presented = request.headers.get("X-Hub-Signature-256");
  if (!appSecret || presented === null || !presented.startsWith("sha256=")) return false;
  // Meta writes lowercase hex; the same digest in uppercase hex is still the same signature.
  return sameText(presented.slice(7).toLowerCase(), await hmacSha256Hex(appSecret, request.rawBody));
}

/**
 * The answer to Meta's subscription handshake (`GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`):
 * the challenge as text/plain when the token is the channel's `verify_token`, else 403.
 *
 * @example
 * metaChallenge(new URL("https://sb.example/webhooks/WS…/XC…?hub.mode=subscribe&hub.verify_token=t&hub.challenge=42"), config);
 * // 200 "42" when config.secrets.verify_token === "t"
 */
export function metaChallenge(url: URL, config: ChannelConfig): Response {
  const verifyToken = config.secrets.verify_token;
  const mode = url.searchParams.get("hub.mode");
  const token = url.searchParams.get("hub.verify_token");
  const challenge = url.searchParams.get("hub.challenge");
  if (!verifyToken || mode !== "subscribe" || token === null || challenge === null || !sameText(token, verifyToken)) {
    return new Response("Forbidden", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return new Response(challenge, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
}
