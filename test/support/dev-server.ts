/**
 * Runs a real `wrangler dev` — the same Worker, Durable Objects, D1 and Queue a user gets from
 * `npm start` — on free loopback ports, with fresh local state and generated credentials. Used by the
 * compat suite (one server per run) and by `npm run bench`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWeb } from "../../scripts/build-web.mjs";
import { freePort } from "../../scripts/ports.mjs";

export { freePort };

export interface DevServer {
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  stop(): Promise<void>;
}

const wranglerBin = join(process.cwd(), "node_modules", "wrangler", "bin", "wrangler.js");

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [wranglerBin, ...args], {
    // Offline, like npm start: no fetch of Request.cf from workers.cloudflare.com (nothing would answer).
    // Without wrangler's local trace store: it streams every invocation (each request, Durable Object
    // call, queue batch) into a SQLite database on the same workerd thread, which a deployed Worker
    // does not pay: without it a no-op round trip runs 30–40 % faster on 2 cores, longer paths more.
    // `X_LOCAL_OBSERVABILITY=true` in the environment turns it back on.
    env: {
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      X_LOCAL_OBSERVABILITY: "false",
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CI: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function finished(child: ChildProcess, what: string): Promise<void> {
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`${what} failed (${code}):\n${output}`);
}

/**
 * Starts wrangler dev and resolves once /health answers (or rejects with its log after 60 s).
 * @param vars more of the Worker's variables (`--var`), such as the LiveKit server's URL and keys
 * @param port where it listens (a free one by default; the compat setup picks it first, for LiveKit's webhooks)
 */
export async function startDevServer(vars: Readonly<Record<string, string>> = {}, port?: number): Promise<DevServer> {
  await buildWeb(); // the widget the browser tests load from /widget.js
  const stateDir = mkdtempSync(join(tmpdir(), "switchboard-dev-"));
  const accountSid = "AC" + randomBytes(16).toString("hex");
  const authToken = randomBytes(16).toString("hex");
  for (const binding of ["DB", "DB_EU"]) {
    await finished(
      run(["d1", "migrations", "apply", binding, "--local", "--persist-to", stateDir]),
      `applying D1 migrations to ${binding}`,
    );
  }
  port ??= await freePort();
  const inspector = await freePort();
  const dev = run([
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspector),
    "--persist-to",
    stateDir,
    "--show-interactive-dev-session=false",
    "--var",
    `ACCOUNT_SID:${accountSid}`,
    "--var",
    `AUTH_TOKEN:${authToken}`,
    // `{origin}` in a value is the Worker's own origin (known only here): the recordings' S3 endpoint.
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value.replace("{origin}", `http://127.0.0.1:${port}`)}`]),
  ]);
  let log = "";
  dev.stdout?.on("data", (d) => (log += d));
  dev.stderr?.on("data", (d) => (log += d));
  const stop = async () => {
    if (dev.exitCode === null) {
      dev.kill("SIGTERM");
      await new Promise((r) => dev.once("exit", r));
    }
    rmSync(stateDir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (dev.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, accountSid, authToken, stop };
}
