/**
 * What a flow's voice works with, made once at start (main.ts): the text-to-speech and speech-to-text the
 * environment chooses (tts.ts, stt.ts), the prompt WAVs fetched lately (public addresses only unless
 * `allowPrivateAudio`, as hold music), the real clock, and the secret replies are signed with.
 */
import { realClock } from "./gather";
import { sttFromEnv, type SttEnv } from "./stt";
import { ttsFromEnv, type TtsEnv } from "./tts";
import type { VoiceTools } from "./voice-actions";
import { fetchWav } from "./wav";

/** Prompt WAVs kept, by URL: a menu played to every caller is fetched once. */
const WAV_CACHE_SIZE = 16;

/**
 * The voice's tools from the environment (`env` defaults to none set: local text-to-speech, no speech-to-text).
 * @throws Error naming a wrong or missing setting (MEDIA_TTS=openai without its URL…)
 * @example new Voices(voiceToolsOf({ secret, allowPrivateAudio: false, env: process.env }))
 */
export function voiceToolsOf(options: {
  readonly secret: string;
  readonly allowPrivateAudio: boolean;
  readonly env?: TtsEnv & SttEnv;
  readonly fetch?: typeof fetch;
}): VoiceTools {
  const env = options.env ?? {};
  const wavs = new Map<string, Promise<Int16Array>>();
  const said = new Set<string>();
  return {
    tts: ttsFromEnv(env),
    stt: sttFromEnv(env),
    clock: realClock,
    reply: { secret: options.secret, ...(options.fetch ? { fetch: options.fetch } : {}) },
    logOnce: (line) => {
      if (said.has(line)) return;
      said.add(line);
      console.log(line);
    },
    fetchWav: (url) => {
      const found = wavs.get(url);
      if (found) return found;
      const fetching = fetchWav(url, { allowPrivate: options.allowPrivateAudio, ...(options.fetch ? { fetch: options.fetch } : {}) });
      wavs.set(url, fetching);
      fetching.catch(() => wavs.delete(url));
      if (wavs.size > WAV_CACHE_SIZE) wavs.delete(wavs.keys().next().value!);
      return fetching;
    },
  };
}
