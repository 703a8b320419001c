/**
 * Twilio's request signature (`X-Twilio-Signature`) for the callbacks Switchboard sends, so an app
 * that already checks Twilio's webhooks with `twilio.validateRequest` accepts Switchboard's unchanged.
 *
 * The signature is base64(HMAC-SHA1(auth token, url + every POST parameter's name and value, sorted by
 * name)). The URL is the one the request goes to, query string included, without any `user:password@`
 * (those travel as an Authorization header; see delivery.ts). WebCrypto only, so this module runs the
 * same in workerd and in a plain-Node unit test; the token's key is imported once (platform/hmac-keys.ts).
 */
import { sameText } from "../platform/constant-time";
import { hmacKey } from "../platform/hmac-keys";

/** Form parameters of a callback: one string value per name (TaskRouter callbacks never repeat a name). */
export type FormParams = Readonly<Record<string, string>>;

/**
 * The exact string Twilio signs: the URL, then each parameter's name immediately followed by its
 * value, in the order of the names' UTF-16 code units (JavaScript's default sort, as twilio-node uses).
 *
 * @example
 * signedPayload("https://example.com/cb", { To: "+1", From: "+2" }); // "https://example.com/cbFrom+2To+1"
 */
export function signedPayload(url: string, params: FormParams): string {
  let payload = url;
  for (const name of Object.keys(params).sort()) payload += name + params[name];
  return payload;
}

/**
 * The `X-Twilio-Signature` header value for a form POST of `params` to `url`.
 *
 * @example
 * const signature = await twilioSignature(env.AUTH_TOKEN, url, params);
 * await fetch(url, { method: "POST", headers: { "X-Twilio-Signature": signature }, body: new URLSearchParams(params) });
 */
export async function twilioSignature(authToken: string, url: string, params: FormParams): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(authToken, "SHA-1"), new TextEncoder().encode(signedPayload(url, params)));
  return base64(new Uint8Array(mac));
}

/**
 * Whether `signature` is the one {@link twilioSignature} computes, compared in constant time, for
 * checking a Twilio-signed request that reaches Switchboard.
 *
 * @example
 * if (!(await validTwilioSignature(token, request.headers.get("X-Twilio-Signature") ?? "", url, params))) return new Response(null, { status: 403 });
 */
export async function validTwilioSignature(authToken: string, signature: string, url: string, params: FormParams): Promise<boolean> {
  return sameText(signature, await twilioSignature(authToken, url, params));
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
