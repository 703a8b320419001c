/**
 * Vitest globalSetup for the compat suite: one real `wrangler dev` for the whole run (see
 * test/support/dev-server.ts) and one real LiveKit server beside it (scripts/livekit.mjs: found, or built
 * once with Go), whose URL and keys the Worker gets as variables; tests read both with `inject`.
 *
 * Beside LiveKit runs the media service (scripts/media.mjs: hold music, announcements, a flow's voice), whose
 * URL and secret the Worker gets too; without it (no rtc-node binary here) the hold-music tests skip the same
 * way. Its voice transcribes speech with an OpenAI-compatible double (test/support/doubles/speech-to-text.ts).
 *
 * Without a LiveKit server to be had (no Go, no cached build) the call tests skip, saying why in one line
 * here and in each skipped test's name — except under CI, which must never skip them: `.ci/run` builds
 * LiveKit first, and a CI run without it fails here.
 */
import type { TestProject } from "vitest/node";
import { freePort, startDevServer, type DevServer } from "../support/dev-server";
import { ensureLivekitServer, startLivekitServer } from "../../scripts/livekit.mjs";
import { startMediaService } from "../../scripts/media.mjs";
import { startEgressDouble, type EgressDouble } from "../support/doubles/egress";
import { startSpeechToTextDouble, type SpeechToTextDouble } from "../support/doubles/speech-to-text";
import { randomBytes } from "node:crypto";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    accountSid: string;
    authToken: string;
    /** The LiveKit server's ws:// URL and keys, all "" when calls are off (see livekitOff). */
    livekitUrl: string;
    livekitApiKey: string;
    livekitApiSecret: string;
    /** Why the call tests skip ("" when a LiveKit server runs). */
    livekitOff: string;
    /** The media service's URL and secret, "" when it does not run (see mediaOff). */
    mediaServiceUrl: string;
    mediaServiceSecret: string;
    /** Why the hold-music tests skip ("" when the media service runs). */
    mediaOff: string;
    /** The speech-to-text double the media service's voice transcribes with (its `/heard` lists what it got). */
    sttUrl: string;
    /**
     * LiveKit Egress's API — the schema-checking double (test/support/doubles/egress.ts), since egress cannot
     * be built here — and the key pair egress signs its S3 uploads to the Worker with; "" when calls are off.
     */
    egressUrl: string;
    recordingKeyId: string;
    recordingSecret: string;
  }
}

let server: DevServer | undefined;
let livekit: Awaited<ReturnType<typeof startLivekitServer>> | undefined;
let media: Awaited<ReturnType<typeof startMediaService>> | undefined;
let egress: EgressDouble | undefined;
let stt: SpeechToTextDouble | undefined;

export async function setup(project: TestProject): Promise<void> {
  const found = await ensureLivekitServer({ log: (line) => console.log(line) });
  if (found.path === null) {
    if (process.env.CI) throw new Error(`CI must run the call tests, and there is no LiveKit server: ${found.reason}`);
    console.warn(`\n⚠ The call tests skip: ${found.reason}\n`);
  }
  // The Worker's port first: LiveKit sends its webhooks (who joined and left a room) there.
  const port = await freePort();
  if (found.path !== null)
    livekit = await startLivekitServer({ binary: found.path, webhookUrls: [`http://127.0.0.1:${port}/webhooks/livekit`] });
  const off = found.path === null ? found.reason.split("\n").at(-1)! : "";
  let mediaOff = off;
  if (livekit) {
    try {
      stt = await startSpeechToTextDouble();
      media = await startMediaService({
        livekit,
        voiceEnv: { MEDIA_STT_URL: stt.url, MEDIA_STT_API_KEY: stt.apiKey, MEDIA_STT_MODEL: "whisper-1" },
      });
    } catch (error) {
      mediaOff = `the media service did not start: ${error instanceof Error ? error.message : String(error)}`;
      if (process.env.CI) throw new Error(`CI must run the hold-music tests, and ${mediaOff}`, { cause: error });
      console.warn(`\n⚠ The hold-music tests skip: ${mediaOff}\n`);
    }
    egress = await startEgressDouble(livekit.apiKey, livekit.apiSecret);
  }
  const recording = { id: "recorder", secret: randomBytes(24).toString("hex") };
  const vars: Record<string, string> = {
    ...(livekit ? { LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret } : {}),
    ...(media ? { MEDIA_SERVICE_URL: media.url, MEDIA_SERVICE_SECRET: media.secret } : {}),
    ...(egress
      ? {
          LIVEKIT_EGRESS_URL: egress.url,
          RECORDING_S3_ENDPOINT: "{origin}/api/s3",
          RECORDING_S3_ACCESS_KEY_ID: recording.id,
          RECORDING_S3_SECRET_ACCESS_KEY: recording.secret,
        }
      : {}),
  };
  server = await startDevServer(vars, port);
  project.provide("baseUrl", server.baseUrl);
  project.provide("accountSid", server.accountSid);
  project.provide("authToken", server.authToken);
  project.provide("livekitUrl", livekit?.url ?? "");
  project.provide("livekitApiKey", livekit?.apiKey ?? "");
  project.provide("livekitApiSecret", livekit?.apiSecret ?? "");
  project.provide("livekitOff", off);
  project.provide("mediaServiceUrl", media?.url ?? "");
  project.provide("mediaServiceSecret", media?.secret ?? "");
  project.provide("mediaOff", mediaOff);
  project.provide("sttUrl", stt?.url ?? "");
  project.provide("egressUrl", egress?.url ?? "");
  project.provide("recordingKeyId", egress ? recording.id : "");
  project.provide("recordingSecret", egress ? recording.secret : "");
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await media?.stop();
  await livekit?.stop();
  await egress?.close();
  await stt?.close();
}
