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
import { freePort, startDevServer, type DevServer } from "../support/dev-server";
import { ensureLivekitServer, startLivekitServer } from "../../scripts/livekit.mjs";

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
  }
}

let server: DevServer | undefined;
let livekit: Awaited<ReturnType<typeof startLivekitServer>> | undefined;

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
  const vars: Record<string, string> = livekit
    ? { LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret }
    : {};
  server = await startDevServer(vars, port);
  project.provide("baseUrl", server.baseUrl);
  project.provide("accountSid", server.accountSid);
  project.provide("authToken", server.authToken);
  project.provide("livekitUrl", livekit?.url ?? "");
  project.provide("livekitApiKey", livekit?.apiKey ?? "");
  project.provide("livekitApiSecret", livekit?.apiSecret ?? "");
  project.provide("livekitOff", off);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await livekit?.stop();
}
