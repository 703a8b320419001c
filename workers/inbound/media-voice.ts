/**
 * The media service's replies for a flow's voice on a call (issue 16; the protocol is
 * platform/media-voice.ts): `POST /webhooks/media/voice` — an effect's outcome (a prompt played, keys or
 * speech gathered, a voicemail recorded), handed to `FlowDO.voiceResult` — and `PUT
 * /webhooks/media/voice/{ExecutionSid}/{EffectId}/recording` — a voicemail's WAV, stored in the
 * workspace's media (`ME…`, the same for a repeated upload) before the reply that names it.
 *
 * No Basic auth: each request is signed with the media service's secret (`MEDIA_SERVICE_SECRET`) over
 * its method, path, timestamp and raw body; a missing, wrong or stale signature is 401 and changes
 * nothing. A reply the execution no longer waits for (a duplicate, an ended execution) answers 200
 * `{applied: false}`; an unknown execution, or one of another account, 404.
 */
import { Hono, type Context } from "hono";
import { isSid } from "../../contract/ids";
import { mediaKey } from "../../channels/media";
import type { Env } from "../../platform/env";
import { flowFor } from "../../platform/objects";
import { recordingsFor } from "../../platform/stores";
import { VOICE_SIGNATURE_HEADER, verifyVoiceReply, voiceReplySchema } from "../../platform/media-voice";
import { readBody } from "../http/body-limit";
import { ApiError } from "../http/errors";

/** A reply is an effect's outcome: a transcript at most, far less than this. */
export const VOICE_REPLY_LIMIT = 64 * 1024;
/** A voicemail's WAV: 600 s of 16-bit 16 kHz mono is ~19 MB. */
export const VOICEMAIL_LIMIT = 20 * 1024 * 1024;
const WAV_TYPES = ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"];

export const mediaVoiceWebhooks = new Hono<{ Bindings: Env }>();

const unauthorized = (why: string) => new ApiError(401, 20003, `Media service reply refused: ${why}`);

/** Reads the body (within `limit`) and checks its signature; throws 401 when it does not check out. */
async function signedBody(c: Context<{ Bindings: Env }>, limit: number): Promise<Uint8Array> {
  const header = c.req.header(VOICE_SIGNATURE_HEADER) ?? null;
  if (header === null) throw unauthorized(`no ${VOICE_SIGNATURE_HEADER} header (the media service signs every reply)`);
  const secret = c.env.MEDIA_SERVICE_SECRET?.trim() ?? "";
  if (secret === "") throw unauthorized("MEDIA_SERVICE_SECRET is not set in this deployment");
  const body = await readBody(c, limit);
  const path = new URL(c.req.url).pathname;
  if (!(await verifyVoiceReply(secret, c.req.method, path, body, header, Date.now())))
    throw unauthorized("the signature does not match or is older than five minutes");
  return body;
}

/** A FlowDO's refusal as the route's answer. */
const refused = (answer: { status: number; code: number; message: string }) =>
  new ApiError(answer.status as 400, answer.code, answer.message);

mediaVoiceWebhooks.post("/", async (c) => {
  const body = await signedBody(c, VOICE_REPLY_LIMIT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new ApiError(400, 20001, "The body must be a JSON object");
  }
  const reply = voiceReplySchema.safeParse(parsed);
  if (!reply.success) {
    const issue = reply.error.issues[0]!;
    throw new ApiError(400, 20001, `Invalid parameter ${issue.path.map(String).join(".") || "body"}: ${issue.message}`);
  }
  const { accountSid, executionSid, effectId, result } = reply.data;
  const answer = await flowFor(c.env, executionSid).voiceResult(accountSid, effectId, result);
  if (!answer.ok) throw refused(answer);
  return c.json(answer.value);
});

mediaVoiceWebhooks.put("/:ExecutionSid/:EffectId/recording", async (c) => {
  const executionSid = c.req.param("ExecutionSid");
  const effectId = c.req.param("EffectId");
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const body = await signedBody(c, VOICEMAIL_LIMIT);
  if (!WAV_TYPES.includes(type)) throw new ApiError(415, 20415, `Unsupported Content-Type ${type || "(none)"}: a voicemail is audio/wav`);
  if (body.byteLength === 0) throw new ApiError(400, 20001, "The request body is empty: send the recording's WAV bytes");
  const accountSid = c.env.ACCOUNT_SID ?? "";
  if (!isSid("FN", executionSid)) throw new ApiError(404, 20404, "The requested resource Execution was not found: not an FN… SID");
  const target = await flowFor(c.env, executionSid).voiceRecordingTarget(accountSid, effectId);
  if (!target.ok) throw refused(target);
  const { workspaceSid, recordingSid } = target.value;
  // The same SID for a repeated upload: the bytes are written again, the answer is the same.
  await recordingsFor(c.env, workspaceSid).put(mediaKey(workspaceSid, recordingSid), body, {
    httpMetadata: { contentType: "audio/wav" },
    customMetadata: { filename: `voicemail-${recordingSid}.wav` },
  });
  const url = `${new URL(c.req.url).origin}/api/media/${workspaceSid}/${recordingSid}`;
  return c.json({ RecordingSid: recordingSid, RecordingUrl: url }, 201);
});
