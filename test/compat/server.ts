/**
 * Vitest globalSetup for the compat suite: one real `wrangler dev` for the whole run (see
 * test/support/dev-server.ts) and one real LiveKit server beside it (scripts/livekit.mjs: found, or built
 * once with Go), whose URL and keys the Worker gets as variables; tests read both with `inject`.
 *
 * Without a LiveKit server to be had (no Go, no cached build) the call tests skip, saying why in one line
 * here and in each skipped test's name — except under CI, which must never skip them: `.ci/run` builds
 * LiveKit first, and a CI run without it fails here.
 */
import type { TestProject } from "vitest/node";
import { startDevServer, type DevServer } from "../support/dev-server";
import { ensureLivekitServer, startLivekitServer } from "../../scripts/livekit.mjs";
import { startEgressDouble, type EgressDouble } from "../support/doubles/egress";
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
let egress: EgressDouble | undefined;

export async function setup(project: TestProject): Promise<void> {
  const found = await ensureLivekitServer({ log: (line) => console.log(line) });
  if (found.path === null) {
    if (process.env.CI) throw new Error(`CI must run the call tests, and there is no LiveKit server: ${found.reason}`);
    console.warn(`\n⚠ The call tests skip: ${found.reason}\n`);
  } else livekit = await startLivekitServer({ binary: found.path });
  const off = found.path === null ? found.reason.split("\n").at(-1)! : "";
  if (livekit) egress = await startEgressDouble(livekit.apiKey, livekit.apiSecret);
  const recording = { id: "recorder", secret: randomBytes(24).toString("hex") };
  const vars: Record<string, string> =
    livekit && egress
      ? {
          LIVEKIT_URL: livekit.url,
          LIVEKIT_API_KEY: livekit.apiKey,
          LIVEKIT_API_SECRET: livekit.apiSecret,
          LIVEKIT_EGRESS_URL: egress.url,
          RECORDING_S3_ENDPOINT: "{origin}/api/s3",
          RECORDING_S3_ACCESS_KEY_ID: recording.id,
          RECORDING_S3_SECRET_ACCESS_KEY: recording.secret,
        }
      : {};
  server = await startDevServer(vars);
  project.provide("baseUrl", server.baseUrl);
  project.provide("accountSid", server.accountSid);
  project.provide("authToken", server.authToken);
  project.provide("livekitUrl", livekit?.url ?? "");
  project.provide("livekitApiKey", livekit?.apiKey ?? "");
  project.provide("livekitApiSecret", livekit?.apiSecret ?? "");
  project.provide("livekitOff", off);
  project.provide("egressUrl", egress?.url ?? "");
  project.provide("recordingKeyId", egress ? recording.id : "");
  project.provide("recordingSecret", egress ? recording.secret : "");
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await livekit?.stop();
  await egress?.close();
}
