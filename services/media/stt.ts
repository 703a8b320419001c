/**
 * Speech-to-text for a speech gather and a voicemail's transcription (issue 16): an OpenAI-compatible
 * `POST /v1/audio/transcriptions` (multipart: `file` audio.wav, `model`, `language`, `prompt` — the
 * widget's hints) with a Bearer key, answering `{ text }`. There is no local engine: without
 * `MEDIA_STT_URL` a speech gather hears nothing (it times out) and the service says so once in its log.
 */
import { encodeWav } from "./wav";

export interface SpeechToText {
  /** The words in `samples` (16 kHz mono), "" when nothing was understood. */
  transcribe(samples: Int16Array, language: string, hints: string): Promise<{ text: string; confidence: number }>;
}

export type SttEnv = Partial<Record<"MEDIA_STT_URL" | "MEDIA_STT_API_KEY" | "MEDIA_STT_MODEL", string>>;

/** The rate a caller's audio is heard at for speech (and recorded at for voicemail). */
export const SPEECH_RATE = 16_000;

export class SttError extends Error {
  override readonly name = "SttError";
}

/**
 * The OpenAI-compatible client. The API gives no confidence: a transcript it returns counts as 1 (certain),
 * none as 0 — documented so a flow's `Confidence` split is read that way.
 * @example await openaiStt({ url, apiKey, model: "whisper-1" }).transcribe(samples, "en-US", "sales, support")
 */
export function openaiStt(options: { url: string; apiKey: string; model: string; fetch?: typeof fetch }): SpeechToText {
  const get = options.fetch ?? fetch;
  return {
    async transcribe(samples, language, hints) {
      const form = new FormData();
      form.append("file", new Blob([encodeWav(samples, SPEECH_RATE)], { type: "audio/wav" }), "audio.wav");
      form.append("model", options.model);
      // Whisper takes ISO-639-1 ("en"), not BCP-47 ("en-US").
      form.append("language", language.split("-")[0]!.toLowerCase());
      if (hints.trim() !== "") form.append("prompt", hints.trim());
      form.append("response_format", "json");
      let response: Response;
      try {
        response = await get(options.url, {
          method: "POST",
          headers: { authorization: `Bearer ${options.apiKey}` },
          body: form,
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        throw new SttError(`speech-to-text unreachable: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!response.ok) throw new SttError(`speech-to-text answered ${response.status}`);
      const body = (await response.json().catch(() => null)) as { text?: unknown } | null;
      if (typeof body?.text !== "string") throw new SttError("speech-to-text answered without text");
      const text = body.text.trim();
      return { text, confidence: text === "" ? 0 : 1 };
    },
  };
}

/**
 * The configured speech-to-text, or null when none is (`MEDIA_STT_URL`, `MEDIA_STT_API_KEY`, `MEDIA_STT_MODEL`).
 * @example const stt = sttFromEnv(process.env); // null: speech gathers hear nothing
 */
export function sttFromEnv(env: SttEnv): SpeechToText | null {
  const url = env.MEDIA_STT_URL?.trim() ?? "";
  if (url === "") return null;
  return openaiStt({ url, apiKey: env.MEDIA_STT_API_KEY?.trim() ?? "", model: env.MEDIA_STT_MODEL?.trim() || "whisper-1" });
}
