/**
 * Attachments of web chat visitors: `POST …/media` (raw bytes, at most 10 MB, of the types
 * contract/webchat-uploads.ts lists: images but SVG, PDF, plain text) and `GET …/media/<ME sid>`, which serves a visitor only their own uploads and the attachments
 * of their last conversation (an agent's screenshot, say), open or closed.
 *
 * Uploads are kept where every attachment is (media.ts: `media/<workspace>/<ME sid>` in R2, content
 * type and file name as metadata) plus the uploader's visitor ID in the object's custom metadata; the
 * store's `put` has no place for it, so they are written here with the same key and metadata. A
 * download is served as every attachment is (media.ts `mediaResponse`: CSP `sandbox`, `nosniff`), so no
 * upload can run script on this origin — SVG, the image type that can carry script, is refused on upload besides.
 */
import type { MediaRef, MessageRecord } from "../../contract/conversations";
import { isSid, newSid } from "../../contract/ids";
import { isWebchatUploadType, WEBCHAT_MAX_UPLOAD_BYTES } from "../../contract/webchat-uploads";
import type { VisitorSession } from "../auth/visitor-session";
import { mediaKey, mediaResponse, mediaStore } from "../../channels/media";
import { readBody } from "../http/body-limit";
import { ApiError } from "../http/errors";
import { sessionOf, webchatLimit, type WebchatContext } from "./webchat-http";
import { conversationFor } from "../../platform/objects";
import { recordingsFor } from "../../platform/stores";

/** How many of the conversation's newest messages are searched for an attachment an agent sent. */
const SEARCHED_MESSAGES = 500;

/**
 * `POST …/media?filename=` — stores the body as the visitor's attachment and answers its MediaRef.
 * @example await fetch(`${base}/media?filename=photo.png`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "image/png" }, body: file })
 */
export async function uploadMedia(c: WebchatContext): Promise<Response> {
  const session = await sessionOf(c);
  const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!isWebchatUploadType(contentType)) {
    throw new ApiError(
      415,
      20415,
      `Invalid parameter Content-Type: ${contentType || "(none)"} is not accepted; send an image (not SVG), a PDF or plain text`,
    );
  }
  if (!webchatLimit("media", session.visitorId, Date.now())) throw new ApiError(429, 20429, "Too many uploads; try again in a minute");
  const bytes = await readBody(c, WEBCHAT_MAX_UPLOAD_BYTES);
  if (bytes.byteLength === 0) throw new ApiError(400, 20001, "Invalid parameter body: the attachment is empty");
  // Control characters, quotes and slashes never reach a Content-Disposition header.
  const filename =
    [...(c.req.query("filename") ?? "")]
      .filter((ch) => ch >= " " && !'"\\/'.includes(ch))
      .join("")
      .slice(0, 200) || null;
  const sid = newSid("ME");
  await recordingsFor(c.env, session.workspaceSid).put(mediaKey(session.workspaceSid, sid), bytes, {
    httpMetadata: { contentType },
    customMetadata: { ...(filename === null ? {} : { filename }), uploader: session.visitorId },
  });
  return c.json({ sid, content_type: contentType, filename, size: bytes.byteLength } satisfies MediaRef, 201);
}

/** Who uploaded an attachment of the workspace (a visitor ID), and its MediaRef; null when there is none. */
async function uploaded(c: WebchatContext, workspaceSid: string, sid: string): Promise<{ uploader: string | null; ref: MediaRef } | null> {
  if (!isSid("ME", sid)) return null;
  const head = await recordingsFor(c.env, workspaceSid).head(mediaKey(workspaceSid, sid));
  if (!head) return null;
  const ref: MediaRef = {
    sid,
    content_type: head.httpMetadata?.contentType ?? "application/octet-stream",
    filename: head.customMetadata?.filename ?? null,
    size: head.size,
  };
  return { uploader: head.customMetadata?.uploader ?? null, ref };
}

/**
 * The MediaRefs of `media_sids` of a message the visitor sends: each must be their own upload (400
 * naming it otherwise, without saying whether someone else's exists).
 */
export async function mediaRefsOf(c: WebchatContext, session: VisitorSession, sids: readonly string[]): Promise<MediaRef[]> {
  const refs: MediaRef[] = [];
  for (const [i, sid] of sids.entries()) {
    const found = await uploaded(c, session.workspaceSid, sid);
    if (found === null || found.uploader !== session.visitorId) {
      throw new ApiError(400, 20001, `Invalid parameter media_sids[${i}]: ${sid} is not one of your uploads`);
    }
    refs.push(found.ref);
  }
  return refs;
}

/** Whether one of the newest messages of the conversation the visitor may see (no staff note) carries the attachment. */
async function inConversation(c: WebchatContext, conversationSid: string, mediaSid: string): Promise<boolean> {
  const stub = conversationFor(c.env, conversationSid);
  let pageToken: string | undefined;
  for (let page = 0, seen = 0; seen < SEARCHED_MESSAGES; page++) {
    const listed = await stub.listMessages(
      c.get("accountSid"),
      { pageSize: 100, page, ...(pageToken ? { pageToken } : {}) },
      "desc",
      "customer",
    );
    if (!listed.ok) return false;
    const messages = listed.value.items as readonly MessageRecord[];
    if (messages.some((m) => m.media?.some((ref) => ref.sid === mediaSid))) return true;
    seen += messages.length;
    if (listed.value.nextPageToken === null || messages.length === 0) return false;
    pageToken = listed.value.nextPageToken;
  }
  return false;
}

/**
 * `GET …/media/<ME sid>` for the visitor: their upload, or an attachment of their last conversation.
 * Anything else is a 404, whether it exists or not.
 */
export async function serveMedia(
  c: WebchatContext,
  session: VisitorSession,
  mediaSid: string,
  lastConversation: () => Promise<string | null>,
): Promise<Response> {
  const missing = new ApiError(404, 20404, `The requested resource Media ${mediaSid.slice(0, 40)} was not found`);
  const found = await uploaded(c, session.workspaceSid, mediaSid);
  if (found === null) throw missing;
  if (found.uploader !== session.visitorId) {
    const conversationSid = await lastConversation();
    if (conversationSid === null || !(await inConversation(c, conversationSid, mediaSid))) throw missing;
  }
  const stored = await mediaStore(c.env, session.workspaceSid).get(mediaSid);
  if (stored === null) throw missing;
  return mediaResponse(stored, c.res.headers);
}
