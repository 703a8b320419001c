/**
 * Starts one real `wrangler dev` for the compat suite (the same Worker, Durable Objects, D1 and Queue
 * a user runs with `npm start`), on free ports, with fresh local state and test credentials, and stops
 * it afterwards. Vitest's globalSetup calls `setup`/`teardown`; tests read the address with `inject`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    accountSid: string;
    authToken: string;
  }
}

const wranglerBin = join(process.cwd(), "node_modules", "wrangler", "bin", "wrangler.js");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [wranglerBin, ...args], {
    env: { ...process.env, ...env, WRANGLER_SEND_METRICS: "false", CI: "true" },
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

let dev: ChildProcess | undefined;
let stateDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  stateDir = mkdtempSync(join(tmpdir(), "switchboard-compat-"));
  const accountSid = "AC" + randomBytes(16).toString("hex");
  const authToken = randomBytes(16).toString("hex");
  await finished(run(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {}), "applying D1 migrations");
  const port = await freePort();
  const inspector = await freePort();
  dev = run(
    [
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
    ],
    {},
  );
  let log = "";
  dev.stdout?.on("data", (d) => (log += d));
  dev.stderr?.on("data", (d) => (log += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (dev.exitCode !== null || Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  project.provide("baseUrl", baseUrl);
  project.provide("accountSid", accountSid);
  project.provide("authToken", authToken);
}

export async function teardown(): Promise<void> {
  if (dev && dev.exitCode === null) {
    dev.kill("SIGTERM");
    await new Promise((r) => dev!.once("exit", r));
  }
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}
