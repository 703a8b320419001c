/**
 * The media service's answers to the Worker (platform/media-voice.ts): a command's result, `POST {reply.url}`,
 * and a voicemail's audio, `PUT {reply.url}/{executionSid}/{effectId}/recording` — each signed with
 * {@link signVoiceReply} and retried with backoff (1 s doubling to 60 s, for about 5 minutes) while the
 * Worker answers 5xx or cannot be reached; a 4xx is final (the Worker refused it: retrying changes nothing).
 * The secret is never logged; failures are logged with the URL's path only.
 */
import { signVoiceReply, VOICE_SIGNATURE_HEADER, type VoiceReply, type VoiceReplyTo } from "../../platform/media-voice";

/** How long a reply is retried before it is given up. */
export const REPLY_RETRY_MS = 5 * 60_000;

export interface ReplyOptions {
  readonly secret: string;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends a signed request, retrying 5xx and network failures; resolves with the final response's status and body
 * (status 0 when it never got through).
 * @example await sendSigned({ secret }, "POST", reply.url, JSON.stringify(body), "application/json")
 */
export async function sendSigned(
  options: ReplyOptions,
  method: "POST" | "PUT",
  url: string,
  body: Uint8Array | string,
  contentType: string,
): Promise<{ status: number; body: unknown }> {
  const get = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const path = new URL(url).pathname;
  const started = now();
  for (let wait = 1000; ; wait = Math.min(wait * 2, 60_000)) {
    let status = 0;
    let answer: unknown = null;
    try {
      const signature = await signVoiceReply(options.secret, method, path, body, now());
      const response = await get(url, {
        method,
        headers: { "content-type": contentType, [VOICE_SIGNATURE_HEADER]: signature },
        body: typeof body === "string" ? body : new Blob([body]),
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      answer = await response.json().catch(() => null);
    } catch (error) {
      console.error(`media voice: ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (status >= 200 && status < 500) return { status, body: answer };
    if (now() - started + wait > REPLY_RETRY_MS) {
      console.error(`media voice: ${method} ${path} gave up after ${Math.round((now() - started) / 1000)} s (last status ${status})`);
      return { status, body: answer };
    }
    await sleep(wait);
  }
}

/**
 * Posts a command's result to the Worker.
 * @example await sendReply({ secret }, command.reply, { ok: true, value: {} })
 */
export async function sendReply(options: ReplyOptions, to: VoiceReplyTo, result: VoiceReply["result"]): Promise<number> {
  const { url, ...who } = to;
  const reply: VoiceReply = { ...who, result };
  return (await sendSigned(options, "POST", url, JSON.stringify(reply), "application/json")).status;
}

/**
 * Uploads a voicemail; its RecordingSid and RecordingUrl, or null when the Worker did not take it.
 * @example await uploadRecording({ secret }, command.reply, encodeWav(samples, 16_000))
 */
export async function uploadRecording(
  options: ReplyOptions,
  to: VoiceReplyTo,
  wav: Uint8Array,
): Promise<{ RecordingSid: string; RecordingUrl: string } | null> {
  const url = `${to.url.replace(/\/$/, "")}/${to.executionSid}/${encodeURIComponent(to.effectId)}/recording`;
  const answer = await sendSigned(options, "PUT", url, wav, "audio/wav");
  const body = answer.body as { RecordingSid?: unknown; RecordingUrl?: unknown } | null;
  if (answer.status !== 201 && answer.status !== 200) return null;
  if (typeof body?.RecordingSid !== "string" || typeof body.RecordingUrl !== "string") return null;
  return { RecordingSid: body.RecordingSid, RecordingUrl: body.RecordingUrl };
}
