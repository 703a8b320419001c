/**
 * What a web chat visitor may attach, in one place: the upload route (workers/api/webchat-media.ts)
 * enforces it, and the widget says it (the attach button's label, the file picker's `accept`) and
 * checks a file before sending it, so the two cannot drift apart. SVG is left out on purpose: it is
 * the image type that can carry script. A value module with no imports: the widget bundles it.
 */

/** The content types an upload may have. */
export const WEBCHAT_UPLOAD_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/heic",
  "image/heif",
  "image/bmp",
  "application/pdf",
  "text/plain",
] as const;

/** The largest upload (10 MB, what every channel's attachments are held to). */
export const WEBCHAT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Whether a file of this content type may be attached (parameters such as `; charset=utf-8` ignored).
 * @example isWebchatUploadType("text/plain; charset=utf-8") // true; isWebchatUploadType("image/svg+xml") // false
 */
export function isWebchatUploadType(contentType: string): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return (WEBCHAT_UPLOAD_TYPES as readonly string[]).includes(type);
}
