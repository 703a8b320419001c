/**
 * The voice of a flow on a call (issue 16): what the FlowDO asks the media service (services/media/) to do
 * in a call's LiveKit room — speak or play a prompt, gather keys or speech, record a voicemail — and how
 * the media service answers, later, once the caller has been heard. One module both sides read, so they
 * cannot drift: the Worker side (the FlowDO, `POST /webhooks/media/voice`) and the Node side.
 *
 * The exchange, one command at a time per room (a new one replaces what the room's voice was doing):
 *
 * ```
 * FlowDO ── POST {MEDIA_SERVICE_URL}/rooms/{room}/voice  (Bearer secret, VoiceCommand) ──▶ media service: 202
 *   … the voice participant (role "voice") speaks, listens for DTMF (LiveKit's `publishDtmf`) and speech …
 * media service ── PUT {reply.url}/{executionSid}/{effectId}/recording  (audio/wav, signed) ──▶ Worker: 201 {RecordingSid, RecordingUrl}   (record only)
 * media service ── POST {reply.url}  (VoiceReply, signed) ──▶ Worker ──▶ FlowDO.voiceResult(effectId, result): 200
 * FlowDO ── DELETE {MEDIA_SERVICE_URL}/rooms/{room}/voice ──▶ the voice leaves (the call was handed on or ended)
 * ```
 *
 * A reply is signed with the media service's secret ({@link signVoiceReply}): HMAC-SHA256 over the method,
 * the path, a timestamp and the body's SHA-256, in `X-Switchboard-Media-Signature: t=<unix s>,v1=<hex>`;
 * the Worker refuses one older than {@link REPLY_MAX_AGE_SECONDS} or not matching (401). The same reply
 * twice changes nothing: the FlowDO takes one result per effect. The media service retries a reply it
 * could not deliver (5xx, unreachable) with backoff for a few minutes, never one the Worker refused (4xx).
 */
import { z } from "zod";
import { hmacSha256Hex, sameText, sha256Hex } from "./constant-time";

/** A prompt, as the engine's `VoicePrompt` (durable-objects/flow/engine/types.ts). */
export const voicePromptSchema = z.strictObject({
  say: z.string().max(4096).optional(),
  voice: z.string().max(100).optional(),
  language: z.string().min(2).max(35),
  play: z.url({ protocol: /^https?$/ }).optional(),
  loop: z.int().min(1).max(100),
});

export const voiceGatherSchema = z.strictObject({
  input: z
    .array(z.enum(["dtmf", "speech"]))
    .min(1)
    .max(2),
  finish_on_key: z.string().regex(/^[0-9#*]?$/),
  number_of_digits: z.int().min(1).max(64).nullable(),
  timeout_s: z.number().min(1).max(600),
  speech_timeout: z.union([z.literal("auto"), z.number().min(0.5).max(60)]),
  language: z.string().min(2).max(35),
  hints: z.string().max(2000),
  stop_gather: z.boolean(),
  profanity_filter: z.boolean(),
});

export const voiceRecordSchema = z.strictObject({
  max_length_s: z.int().min(1).max(600),
  timeout_s: z.number().min(1).max(600),
  finish_on_key: z
    .string()
    .regex(/^[0-9#*]*$/)
    .max(12),
  play_beep: z.boolean(),
  trim: z.boolean(),
  transcribe: z.boolean(),
});

/** What the voice does: the engine's say-play, gather and record effects (their `id` is the effect id). */
export const voiceActionSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("say-play"), prompt: voicePromptSchema }),
  z.strictObject({ kind: z.literal("gather"), prompt: voicePromptSchema.nullable(), gather: voiceGatherSchema }),
  z.strictObject({ kind: z.literal("record"), record: voiceRecordSchema }),
]);
export type VoiceAction = z.infer<typeof voiceActionSchema>;

const SID = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-f]{32}$`), `must be a ${prefix}… SID`);

/** Where and for whom the media service replies; echoed back in the {@link VoiceReply}. */
export const voiceReplyToSchema = z.strictObject({
  /** The Worker's `…/webhooks/media/voice` (the origin the call reached the Worker at). */
  url: z.url({ protocol: /^https?$/ }),
  accountSid: SID("AC"),
  workspaceSid: SID("WS"),
  executionSid: SID("FN"),
  effectId: z.string().min(1).max(100),
});
export type VoiceReplyTo = z.infer<typeof voiceReplyToSchema>;

/** `POST /rooms/{room}/voice`: the body. */
export const voiceCommandSchema = z.strictObject({
  /** One of the LiveKit servers the media service holds keys for (the call's region's). */
  livekitUrl: z.string().min(1).max(500),
  action: voiceActionSchema,
  reply: voiceReplyToSchema,
});
export type VoiceCommand = z.infer<typeof voiceCommandSchema>;

/** An effect's outcome, as the engine's `EffectResult`. */
export const voiceResultSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.record(z.string(), z.unknown()) }),
  z.strictObject({ ok: z.literal(false), reason: z.string().max(2000), value: z.record(z.string(), z.unknown()).optional() }),
]);

/** `POST {reply.url}`: the body. */
export const voiceReplySchema = z.strictObject({
  ...voiceReplyToSchema.omit({ url: true }).shape,
  result: voiceResultSchema,
});
export type VoiceReply = z.infer<typeof voiceReplySchema>;

/** The header a reply's signature travels in. */
export const VOICE_SIGNATURE_HEADER = "x-switchboard-media-signature";
/** A reply older than this (or from further in the future) is refused: a captured one cannot be replayed later. */
export const REPLY_MAX_AGE_SECONDS = 300;
/** The participant identity of a room's flow voice (one per room; the hold player's is another). */
export const voiceIdentity = (room: string): string => `voice:${room}`;

const signed = async (secret: string, method: string, path: string, timestamp: number, body: Uint8Array | string) =>
  hmacSha256Hex(secret, `switchboard-media-voice/v1\n${method.toUpperCase()} ${path}\n${timestamp}\n${await sha256Hex(body)}`);

/**
 * The signature header for a reply the media service sends (`path`: the URL's pathname).
 * @example headers[VOICE_SIGNATURE_HEADER] = await signVoiceReply(secret, "POST", "/webhooks/media/voice", body, Date.now())
 */
export async function signVoiceReply(
  secret: string,
  method: string,
  path: string,
  body: Uint8Array | string,
  nowMs: number,
): Promise<string> {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${await signed(secret, method, path, timestamp, body)}`;
}

/**
 * Whether `header` signs this request with `secret` and is fresh. Compared in constant time.
 * @example if (!(await verifyVoiceReply(env.MEDIA_SERVICE_SECRET, "POST", url.pathname, raw, header, Date.now()))) return 401
 */
export async function verifyVoiceReply(
  secret: string,
  method: string,
  path: string,
  body: Uint8Array | string,
  header: string | null,
  nowMs: number,
): Promise<boolean> {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header?.trim() ?? "");
  if (!match || secret === "") return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowMs / 1000 - timestamp) > REPLY_MAX_AGE_SECONDS) return false;
  return sameText(match[2]!, await signed(secret, method, path, timestamp, body));
}
