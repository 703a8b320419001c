/**
 * Attachments over the Switchboard-native API: an agent uploads a file to a conversation
 * (`POST /api/conversations/{ConversationSid}/media`, the raw bytes with their Content-Type and
 * `?filename=`), gets a MediaRef back and sends it in a message (`message.send` with `mediaSids`, or
 * MediaSid on the REST API); anyone of the workspace downloads one (`GET /api/media/{WorkspaceSid}/{MediaSid}`).
 * Both take the account's Basic credentials or an agent's realtime token (Bearer) of that workspace.
 *
 * Uploads are limited to 10 MB and to types a browser will not run as a page (images but SVG, PDF,
 * plain text and CSV, audio, video); downloads are served as every attachment is (`mediaResponse`: sandboxed, never sniffed), because
 * media that arrived from customers' channels may be anything.
 */
import { isSid } from "../../../contract/ids";
import { MAX_MEDIA_BYTES } from "../../../channels/adapter";
import { mediaResponse, mediaStore } from "../../../channels/media";
import { bodyTooLarge, readBody } from "../../http/body-limit";
import { ApiError } from "../../http/errors";
import { unwrap } from "../taskrouter/wire";
import { basicOrBearer, callerConversation, nativeGroup, pathConversationSid, requireWorkspace, type CallerContext } from "./caller";
import { workspaceFor } from "../../../platform/objects";

export const routes = nativeGroup();

const ALLOWED_TYPES = [
  /^image\/(png|jpeg|gif|webp|heic|heif|bmp)$/,
  /^application\/pdf$/,
  /^text\/(plain|csv)$/,
  /^audio\/[\w.+-]+$/,
  /^video\/[\w.+-]+$/,
];

/** `?filename=`: optional, a plain file name (no path, no control characters), at most 255 characters. */
function filenameOf(c: CallerContext): string | null {
  const name = c.req.query("filename");
  if (name === undefined || name === "") return null;
  const control = [...name].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
  if (name.length > 255 || control || /[/\\]/.test(name)) {
    throw new ApiError(400, 20001, "Invalid parameter filename: must be a file name of at most 255 characters, without / or \\");
  }
  return name;
}

routes.post("/conversations/:ConversationSid/media", basicOrBearer(), async (c) => {
  const conversationSid = pathConversationSid(c);
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_MEDIA_BYTES) throw bodyTooLarge(MAX_MEDIA_BYTES); // before the conversation is looked up
  const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!ALLOWED_TYPES.some((type) => type.test(contentType))) {
    throw new ApiError(
      415,
      20415,
      `Content-Type ${contentType || "(none)"} is not accepted for an attachment: send an image (not SVG), a PDF, plain text, CSV, audio or video`,
    );
  }
  const filename = filenameOf(c);
  const conversation = await callerConversation(c, conversationSid);
  const bytes = await readBody(c, MAX_MEDIA_BYTES);
  if (bytes.byteLength === 0) throw new ApiError(400, 20001, "The request body is empty: send the file's bytes");
  const ref = await mediaStore(c.env, conversation.workspace_sid).put(bytes, contentType, filename);
  return c.json(ref, 201);
});

routes.get("/media/:WorkspaceSid/:MediaSid", basicOrBearer(), async (c) => {
  const workspaceSid = c.req.param("WorkspaceSid");
  const mediaSid = c.req.param("MediaSid");
  const missing = () => new ApiError(404, 20404, `The requested resource Media ${mediaSid} was not found`);
  if (!isSid("WS", workspaceSid)) throw missing();
  if (c.get("identity")) requireWorkspace(c, workspaceSid, `Media ${mediaSid}`);
  else unwrap(await workspaceFor(c.env, workspaceSid).getWorkspace(c.get("accountSid")));
  const found = await mediaStore(c.env, workspaceSid).get(mediaSid);
  if (!found) throw missing();
  return mediaResponse(found);
});
