/**
 * Attachments of conversations, kept in R2 (the workspace's bucket, platform/stores.ts) under `media/<workspace>/<ME sid>`
 * with their content type and file name, so a download can be served without another lookup. Adapters
 * store what a provider hands them (MMS, WhatsApp images, mail attachments) through this one store
 * before the message that references them is stored; the REST and web chat routes read it back, and
 * every route serves one through {@link mediaResponse} (sandboxed, never sniffed).
 *
 * Providers that fetch media by URL (Twilio's MediaUrl, WhatsApp's `link`) get public links:
 * `<channel webhook URL>/media/<ME sid>?expires=<unix s>&signature=<hex>`, valid for a day, served by
 * the inbound route. The signature is HMAC-SHA256 under the deployment's auth token over the path and
 * the expiry, so a link names exactly one attachment of one channel and stops working.
 */
import { newSid } from "../contract/ids";
import type { MediaRef } from "../contract/conversations";
import { recordingsFor, type Buckets } from "../platform/stores";
import { MAX_MEDIA_BYTES, type MediaStore } from "./adapter";
import { hmacSha256Hex, sameText } from "../platform/constant-time";

/** An attachment over {@link MAX_MEDIA_BYTES}: the caller answers 413 or skips it. */
export class MediaTooLarge extends Error {
  constructor(readonly size: number) {
    super(`The attachment is ${size} bytes; at most ${MAX_MEDIA_BYTES} are accepted`);
    this.name = "MediaTooLarge";
  }
}

/** Where a workspace's attachment lives in the bucket. */
export const mediaKey = (workspaceSid: string, mediaSid: string): string => `media/${workspaceSid}/${mediaSid}`;

/**
 * The workspace's attachment store.
 *
 * @example
 * const ref = await mediaStore(env, "WS…").put(bytes, "image/jpeg", "photo.jpg"); // { sid: "ME…", size, … }
 * const found = await mediaStore(env, "WS…").get(ref.sid); // { ref, body: ReadableStream } or null
 */
export function mediaStore(env: Buckets, workspaceSid: string): MediaStore {
  const bucket = recordingsFor(env, workspaceSid);
  return {
    async put(bytes, contentType, filename) {
      const size = bytes.byteLength;
      if (size > MAX_MEDIA_BYTES) throw new MediaTooLarge(size);
      const sid = newSid("ME");
      await bucket.put(mediaKey(workspaceSid, sid), bytes, {
        httpMetadata: { contentType },
        customMetadata: filename === null ? {} : { filename },
      });
      return { sid, content_type: contentType, filename, size } satisfies MediaRef;
    },
    async get(sid) {
      if (!/^ME[0-9a-f]{32}$/.test(sid)) return null;
      const object = await bucket.get(mediaKey(workspaceSid, sid));
      if (!object) return null;
      const ref: MediaRef = {
        sid,
        content_type: object.httpMetadata?.contentType ?? "application/octet-stream",
        filename: object.customMetadata?.filename ?? null,
        size: object.size,
      };
      return { ref, body: object.body };
    },
  };
}

// ── serving ────────────────────────────────────────────────────────────────────────────────────────

/** Shown in the browser (raster images, audio, video, PDF); anything else — HTML, SVG, unknown bytes — downloads. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|heic|heif|bmp)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf)$/;

/**
 * The one way an attachment is served — `/api/media`, signed links, the web chat's `media/<sid>` — because
 * media that came from customers' channels may be anything: never sniffed, shown inline only when a
 * browser cannot run it, and sandboxed (an opaque origin with no script) even then. The image and media
 * sources let a browser's own viewer show the file. `extra` adds headers (the web chat's CORS).
 *
 * @example
 * const found = await mediaStore(env, "WS…").get("ME…");
 * if (found) return mediaResponse(found);
 */
export function mediaResponse(found: { readonly ref: MediaRef; readonly body: ReadableStream }, extra: HeadersInit = {}): Response {
  const { ref, body } = found;
  const disposition = INLINE.test(ref.content_type) ? "inline" : "attachment";
  const headers = new Headers(extra);
  headers.set("content-type", ref.content_type);
  headers.set("content-length", String(ref.size));
  headers.set("content-disposition", `${disposition}; filename*=UTF-8''${encodeURIComponent(ref.filename ?? ref.sid)}`);
  headers.set("x-content-type-options", "nosniff");
  headers.set("content-security-policy", "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'");
  headers.set("cache-control", "private, max-age=3600");
  return new Response(body, { headers });
}

// ── signed public links ────────────────────────────────────────────────────────────────────────────

/** How long a link works: providers fetch media within seconds; a day covers their retries. */
export const MEDIA_LINK_TTL_MS = 24 * 60 * 60 * 1000;

const mac = (authToken: string, data: string): Promise<string> => hmacSha256Hex(authToken, `switchboard-media-link/v1\n${data}`);

/**
 * A link to attachment `mediaSid` under the channel's webhook URL, expiring a day after `now`.
 *
 * @example
 * await signedMediaUrl(token, "https://sb.example/webhooks/WS…/XC…", "ME…", Date.now());
 * // "https://sb.example/webhooks/WS…/XC…/media/ME…?expires=1767312000&signature=9f…"
 */
export async function signedMediaUrl(authToken: string, webhookUrl: string, mediaSid: string, now: number): Promise<string> {
  const url = new URL(`${webhookUrl.replace(/\/$/, "")}/media/${mediaSid}`);
  const expires = String(Math.floor((now + MEDIA_LINK_TTL_MS) / 1000));
  url.searchParams.set("expires", expires);
  url.searchParams.set("signature", await mac(authToken, `${url.pathname}\n${expires}`));
  return url.toString();
}

/**
 * Whether `url` is a link {@link signedMediaUrl} made and it has not expired. Compared in constant time.
 *
 * @example
 * await validMediaLink(token, new URL(request.url), Date.now()); // true for a fresh link, false when altered or old
 */
export async function validMediaLink(authToken: string, url: URL, now: number): Promise<boolean> {
  const expires = url.searchParams.get("expires") ?? "";
  const signature = url.searchParams.get("signature") ?? "";
  if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 < now) return false;
  return sameText(signature, await mac(authToken, `${url.pathname}\n${expires}`));
}
