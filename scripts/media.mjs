/**
 * The media service (services/media/: hold music and announcements in calls, over LiveKit's Node SDK)
 * run beside a LiveKit server on this machine: `npm start` (scripts/start.mjs) and the compat suite's
 * global setup (test/compat/server.ts) start it once LiveKit runs, hand the Worker its URL and secret
 * (`MEDIA_SERVICE_URL`, `MEDIA_SERVICE_SECRET`) and stop it with LiveKit.
 *
 * It listens on 127.0.0.1 only: port 7890 when free and `preferDefaults`, else a free one; its secret is
 * made for the run. When it cannot run (no rtc-node binary for this platform) the promise rejects with
 * the one line the service printed: calls then work without hold music.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stopperOf, untilAnswering } from "./child-server.mjs";
import { freePort, portFree } from "./ports.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "services", "media", "main.ts");
/** The port the media service prefers, beside LiveKit's 7880–7882. */
export const MEDIA_SERVICE_PORT = 7890;

/**
 * Starts the media service for a LiveKit server and resolves once it answers /health.
 * The flow voice's settings (`MEDIA_TTS`, `MEDIA_TTS_URL`, `MEDIA_TTS_API_KEY`, `MEDIA_TTS_MODEL`,
 * `MEDIA_STT_URL`, `MEDIA_STT_API_KEY`, `MEDIA_STT_MODEL`) pass from this process's environment (spread below), or
 * from `voiceEnv` (a test's speech-to-text double, say), which wins.
 * @param {{ livekit: { url: string, apiKey: string, apiSecret: string }, logFile?: string, preferDefaults?: boolean, voiceEnv?: Record<string, string> }} options
 * @returns {Promise<{ url: string, secret: string, child: import("node:child_process").ChildProcess, stop: () => Promise<void> }>}
 */
export async function startMediaService({ livekit, logFile, preferDefaults = false, voiceEnv = {} }) {
  const port = preferDefaults && (await portFree(MEDIA_SERVICE_PORT)) ? MEDIA_SERVICE_PORT : await freePort();
  const secret = randomBytes(24).toString("base64url");
  const out = logFile ? openSync(logFile, "a") : "pipe";
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      MEDIA_SERVICE_SECRET: secret,
      MEDIA_SERVICE_HOST: "127.0.0.1",
      // Local development: a developer's hold WAV may be served from this machine.
      MEDIA_ALLOW_PRIVATE_AUDIO: "1",
      MEDIA_SERVICE_PORT: String(port),
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      ...voiceEnv,
    },
    stdio: ["ignore", out, out === "pipe" ? "pipe" : out],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on("data", (d) => (output = (output + d).slice(-4000)));
  const stop = stopperOf(child);
  const url = `http://127.0.0.1:${port}`;
  await untilAnswering({
    url: `${url}/health`,
    child,
    stop,
    // The service's last line says why (e.g. no rtc-node binary for this platform).
    failure: () => {
      const said = (logFile ? readFileSync(logFile, "utf8") : output).trim().split("\n").at(-1);
      return new Error(said || `the media service did not start${logFile ? `; its log: ${logFile}` : ""}`);
    },
  });
  return { url, secret, child, stop };
}
