/**
 * Text-to-speech for a flow's `say` (issue 16), pluggable and chosen once at start from the environment
 * ({@link ttsFromEnv}): `local` (the default) — eSpeak NG compiled to WebAssembly
 * (`@echogarden/espeak-ng-emscripten`: offline, in-process, ~100 languages, no network) — or `openai`,
 * any OpenAI-compatible `POST /v1/audio/speech` answering a WAV. Either way the caller hears 48 kHz mono
 * 16-bit samples (readWav/resampleTo48k in wav.ts), and rendered prompts are kept in a small LRU: a menu
 * read to every caller is rendered once.
 */
import { readWav, resampleTo48k } from "./wav";

export interface TextToSpeech {
  /** `text` spoken in `language` (BCP-47) with Studio's `voice` name (providers map it or use their default). */
  speak(text: string, language: string, voice?: string): Promise<Int16Array>;
}

export type TtsEnv = Partial<Record<"MEDIA_TTS" | "MEDIA_TTS_URL" | "MEDIA_TTS_API_KEY" | "MEDIA_TTS_MODEL", string>>;

/** A speech provider refused or could not be reached; the message says why, never the key. */
export class TtsError extends Error {
  override readonly name = "TtsError";
}

type ESpeakWorker = {
  list_voices(): { languages: { name: string }[] }[];
  set_voice(name: string, language: string, gender: number, age: number, variant: number): number;
  get_samplerate(): number;
  synthesize(text: string, callback: (samples: Int16Array) => number): void;
};
let espeak: Promise<ESpeakWorker> | null = null;
let languages: Set<string> | null = null;

/**
 * eSpeak NG in-process: loaded on first use (~0.3 s), one synthesis at a time (it is synchronous).
 * @example const samples = await localTts().speak("Press one for sales", "en-US");
 */
export function localTts(): TextToSpeech {
  return {
    async speak(text, language) {
      espeak ??= import("@echogarden/espeak-ng-emscripten").then(async ({ default: load }) => {
        const module = (await load()) as { eSpeakNGWorker: new () => ESpeakWorker };
        return new module.eSpeakNGWorker();
      });
      const worker = await espeak;
      const known = (languages ??= new Set(worker.list_voices().flatMap((voice) => voice.languages.map((l) => l.name))));
      // eSpeak's languages are lower-case tags ("en-us", "fr", "pt-br"): the exact one, else the base language, else English.
      const tag = language.toLowerCase();
      const chosen = [tag, tag.split("-")[0]!, "en-us"].find((name) => known.has(name))!;
      worker.set_voice("", chosen, 0, 0, 0);
      const chunks: Int16Array[] = [];
      worker.synthesize(text, (samples) => {
        chunks.push(Int16Array.from(samples));
        return 0; // go on
      });
      const all = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const chunk of chunks) {
        all.set(chunk, at);
        at += chunk.length;
      }
      return resampleTo48k(all, worker.get_samplerate());
    },
  };
}

/**
 * An OpenAI-compatible speech endpoint: `POST url` JSON `{model, input, voice, response_format: "wav"}` with
 * `Authorization: Bearer key`; Studio's voice names ("alice", "Polly.Joanna", "default") mean the provider's default.
 * @example openaiTts({ url: "https://api.openai.com/v1/audio/speech", apiKey, model: "tts-1" })
 */
export function openaiTts(options: { url: string; apiKey: string; model: string; fetch?: typeof fetch }): TextToSpeech {
  const get = options.fetch ?? fetch;
  return {
    async speak(text, _language, voice) {
      const chosen = voice && !/^(alice|man|woman|default|polly\..*|google\..*)$/i.test(voice) ? voice : "alloy";
      let response: Response;
      try {
        response = await get(options.url, {
          method: "POST",
          headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ model: options.model, input: text, voice: chosen, response_format: "wav" }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        throw new TtsError(`text-to-speech unreachable: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!response.ok) throw new TtsError(`text-to-speech answered ${response.status}`);
      return readWav(new Uint8Array(await response.arrayBuffer()));
    },
  };
}

/**
 * Keeps the last `size` rendered prompts (by language, voice and text).
 * @example const tts = cachedTts(localTts());
 */
export function cachedTts(inner: TextToSpeech, size = 32): TextToSpeech {
  const kept = new Map<string, Promise<Int16Array>>();
  return {
    speak(text, language, voice) {
      const key = JSON.stringify([language, voice ?? "", text]);
      const found = kept.get(key);
      if (found) {
        kept.delete(key);
        kept.set(key, found);
        return found;
      }
      const rendering = inner.speak(text, language, voice);
      kept.set(key, rendering);
      rendering.catch(() => kept.delete(key));
      if (kept.size > size) kept.delete(kept.keys().next().value!);
      return rendering;
    },
  };
}

/**
 * The provider the environment names (`MEDIA_TTS`: local, the default, or openai with `MEDIA_TTS_URL`,
 * `MEDIA_TTS_API_KEY`, `MEDIA_TTS_MODEL`), cached.
 * @throws Error naming the missing setting when `openai` is chosen without its URL or key
 */
export function ttsFromEnv(env: TtsEnv): TextToSpeech {
  const kind = env.MEDIA_TTS?.trim() || "local";
  if (kind === "local") return cachedTts(localTts());
  if (kind !== "openai") throw new Error(`MEDIA_TTS is ${JSON.stringify(kind)}; it is "local" or "openai"`);
  const url = env.MEDIA_TTS_URL?.trim() ?? "";
  const apiKey = env.MEDIA_TTS_API_KEY?.trim() ?? "";
  if (!url || !apiKey) throw new Error("MEDIA_TTS=openai needs MEDIA_TTS_URL and MEDIA_TTS_API_KEY");
  return cachedTts(openaiTts({ url, apiKey, model: env.MEDIA_TTS_MODEL?.trim() || "tts-1" }));
}
