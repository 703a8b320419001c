/**
 * The media service's entry: `node --import tsx services/media/main.ts` (scripts/media.mjs starts it so
 * for `npm start` and the tests; README, "The media service", for production beside LiveKit).
 *
 * Its settings are environment variables:
 * - `MEDIA_SERVICE_SECRET` (required): the Bearer token the Worker presents (its own MEDIA_SERVICE_SECRET).
 * - `MEDIA_SERVICE_HOST` (default 127.0.0.1) and `MEDIA_SERVICE_PORT` (default 7890): where it listens.
 * - LiveKit's servers and keys, read exactly as the Worker reads them (platform/livekit.ts):
 *   `LIVEKIT_URL` or each region's `livekitUrl`, `LIVEKIT_API_KEY`/`_SECRET` or the region's own.
 * - A flow's voice (voices.ts): `MEDIA_TTS` — `local` (default: CMU Flite, one short process per prompt, offline, English) or `openai`
 *   with `MEDIA_TTS_URL` (an OpenAI-compatible `/v1/audio/speech`), `MEDIA_TTS_API_KEY`, `MEDIA_TTS_MODEL`
 *   (default tts-1); speech-to-text `MEDIA_STT_URL` (an OpenAI-compatible `/v1/audio/transcriptions`),
 *   `MEDIA_STT_API_KEY`, `MEDIA_STT_MODEL` (default whisper-1) — none: speech gathers hear nothing.
 *
 * When `@livekit/rtc-node`'s native binary is missing for this platform it exits with status 3 and one
 * line saying so (the start script prints it: calls work, without hold music).
 */
import type { LiveKitServer } from "../../platform/livekit";
import { livekitOf } from "../../platform/livekit";
import { regions } from "../../platform/regions";

/** The exit status that means "this machine cannot run the media service" (no rtc-node binary). */
export const NO_RTC_BINARY = 3;

const env = process.env;
const secret = env.MEDIA_SERVICE_SECRET?.trim() ?? "";
if (secret.length < 16) {
  console.error("The media service needs MEDIA_SERVICE_SECRET (16 characters or more): the Worker presents it as a Bearer token.");
  process.exit(2);
}

/** Every region's LiveKit server the service holds keys for, one per URL. */
const servers = new Map<string, LiveKitServer>();
for (const region of regions.regions) {
  const found = livekitOf(env, region.id);
  if (found.ok && !servers.has(found.server.url)) servers.set(found.server.url, found.server);
}
if (servers.size === 0) {
  console.error("The media service has no LiveKit server: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET (or a region's own).");
  process.exit(2);
}

// rtc-node logs at debug level outside production.
env.NODE_ENV ??= "production";
let service: typeof import("./server");
try {
  service = await import("./server");
} catch (error) {
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  console.error(
    `Hold music is off: LiveKit's Node SDK (@livekit/rtc-node) has no native binary for ${process.platform}-${process.arch} here (${message}). Calls work without it.`,
  );
  process.exit(NO_RTC_BINARY);
}

const host = env.MEDIA_SERVICE_HOST?.trim() || "127.0.0.1";
const port = Number(env.MEDIA_SERVICE_PORT ?? "7890");
// Off by default: a team's audio URL naming an internal address is refused (public-address.ts).
const allowPrivateAudio = /^(1|true)$/i.test(env.MEDIA_ALLOW_PRIVATE_AUDIO?.trim() ?? "");
let voices: InstanceType<typeof service.Voices>;
try {
  voices = new service.Voices(service.voiceToolsOf({ secret, allowPrivateAudio, env }));
} catch (error) {
  console.error(`The media service's voice: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const running = await service.listenMediaService({ secret, servers: [...servers.values()], host, port, allowPrivateAudio, voices });
// Which providers the voice uses, never their keys.
const tts = env.MEDIA_TTS?.trim() || "local";
const stt = env.MEDIA_STT_URL?.trim() ? new URL(env.MEDIA_STT_URL.trim()).host : "none";
console.log(
  `Media service listening on ${running.url} (LiveKit: ${[...servers.keys()].join(", ")}; voice: text-to-speech ${tts}, speech-to-text ${stt})`,
);

const stop = async () => {
  await running.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
