#!/usr/bin/env node
/**
 * LiveKit's server for calls and video, on this machine: found, built once and cached, and run.
 *
 * - Found: a `livekit-server` on the PATH, else the cached build `.cache/livekit/<version>/livekit-server`
 *   (git-ignored), else — when Go is installed — built there from LiveKit's pinned release with
 *   `go install github.com/livekit/livekit-server/cmd/server@<version>` (a few minutes on 2 cores, once;
 *   a tagged release's go.mod has no `replace` lines, so the Go module proxy alone builds it). A second
 *   run finds the cache at once.
 * - Run: development mode on 127.0.0.1 only — its HTTP/WebSocket port, one TCP and one UDP port for
 *   media — with an API key and secret made for the run, until stopped.
 * - None to be had: {@link CALLS_OFF} says that calls are off and how to turn them on; chat works without.
 *
 * `npm start` (scripts/start.mjs) and the compat suite (test/compat/server.ts) use it; so does `.ci/run`:
 * `node scripts/livekit.mjs build` builds it or fails saying why, so CI never runs without calls.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stopperOf, untilAnswering } from "./child-server.mjs";
import { freePort, portFree } from "./ports.mjs";

/** The LiveKit release Switchboard is built and tested with. */
export const LIVEKIT_VERSION = "v1.13.5";
const MODULE = "github.com/livekit/livekit-server/cmd/server";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the build is cached: one folder per version, so a version bump builds anew. */
export const cacheDir = join(root, ".cache", "livekit", LIVEKIT_VERSION);
export const cachedBinary = join(cacheDir, "livekit-server");

/** The one line printed when no LiveKit server can be had. */
export const CALLS_OFF =
  "Calls and video are off: no LiveKit server here. Turn them on by installing Go (1.26 or newer; `npm start` then builds LiveKit " +
  `${LIVEKIT_VERSION} once, into .cache/livekit/), by putting a livekit-server on the PATH, or by setting LIVEKIT_URL, ` +
  "LIVEKIT_API_KEY and LIVEKIT_API_SECRET in .dev.vars for LiveKit Cloud. Chat works without.";

/**
 * The first executable named `name` on `path`, or null.
 * @param {string} name
 * @param {string} [path]
 */
export function onPath(name, path = process.env.PATH ?? "") {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * A LiveKit server already on this machine: the PATH's, else the cached build; null when neither.
 * @returns {{ path: string, source: "path" | "cache" } | null}
 */
export function findLivekitServer({ path = process.env.PATH ?? "", cached = cachedBinary } = {}) {
  const installed = onPath("livekit-server", path);
  if (installed) return { path: installed, source: "path" };
  if (existsSync(cached)) return { path: cached, source: "cache" };
  return null;
}

/**
 * Builds the pinned release into the cache with `go install` (into a folder of its own first, then
 * renamed, so two builds at once never leave half a binary). Rejects with Go's output when it fails.
 * @param {{ go: string, log?: (line: string) => void }} options
 * @returns {Promise<string>} the binary's path
 */
export async function buildLivekitServer({ go, log = () => {} }) {
  mkdirSync(cacheDir, { recursive: true });
  const bin = mkdtempSync(join(cacheDir, "build-"));
  log(`Building LiveKit's server ${LIVEKIT_VERSION} with Go into ${cacheDir} (once; a few minutes) …`);
  let output = "";
  const code = await new Promise((resolve) => {
    const child = spawn(go, ["install", `${MODULE}@${LIVEKIT_VERSION}`], {
      cwd: cacheDir,
      env: { ...process.env, GOBIN: bin, GOFLAGS: `${process.env.GOFLAGS ?? ""} -trimpath`.trim() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (error) => {
      output += error.message;
      resolve(1);
    });
    child.on("close", (status) => resolve(status ?? 1));
  });
  const built = join(bin, "server");
  if (code !== 0 || !existsSync(built)) {
    rmSync(bin, { recursive: true, force: true });
    throw new Error(`go install ${MODULE}@${LIVEKIT_VERSION} failed (${code}):\n${output.trim().split("\n").slice(-30).join("\n")}`);
  }
  renameSync(built, cachedBinary);
  rmSync(bin, { recursive: true, force: true });
  log(`Built LiveKit's server ${LIVEKIT_VERSION}: ${cachedBinary}`);
  return cachedBinary;
}

/**
 * A LiveKit server to run: found, else built when Go is installed and `build` allows; else why not.
 * @param {{ build?: boolean, log?: (line: string) => void, path?: string, cached?: string }} [options]
 *   path, cached: where to look (the PATH and the cache by default)
 * @returns {Promise<{ path: string, source: "path" | "cache" | "built" } | { path: null, reason: string }>}
 */
export async function ensureLivekitServer({ build = true, log = () => {}, path = process.env.PATH ?? "", cached = cachedBinary } = {}) {
  const found = findLivekitServer({ path, cached });
  if (found) return found;
  const go = onPath("go", path);
  if (!go) return { path: null, reason: CALLS_OFF };
  if (!build) return { path: null, reason: `LiveKit's server is not built yet: run \`node scripts/livekit.mjs build\`. ${CALLS_OFF}` };
  try {
    return { path: await buildLivekitServer({ go, log }), source: "built" };
  } catch (error) {
    return { path: null, reason: `${error instanceof Error ? error.message : String(error)}\n${CALLS_OFF}` };
  }
}

/**
 * LiveKit's configuration for a local server: loopback only (its WebSocket, media over one UDP and one
 * TCP port, the loopback address as its ICE candidate, no STUN: this machine reaches no one), the given
 * key, and its webhooks — who joined and left a call's room — sent to the Worker's `/webhooks/livekit`
 * (`webhookUrls`), signed by LiveKit with that same key.
 * @example livekitConfig({ port: 7880, tcpPort: 7881, udpPort: 7882, apiKey: "devkey", apiSecret: "…", webhookUrls: ["http://127.0.0.1:8787/webhooks/livekit"] })
 * @param {{ port: number, tcpPort: number, udpPort: number, apiKey: string, apiSecret: string, webhookUrls?: string[] }} options
 */
export function livekitConfig({ port, tcpPort, udpPort, apiKey, apiSecret, webhookUrls = [] }) {
  const webhook =
    webhookUrls.length === 0 ? [] : ["webhook:", `  api_key: ${apiKey}`, "  urls:", ...webhookUrls.map((url) => `    - ${url}`)];
  return [
    "development: true",
    `port: ${port}`,
    "bind_addresses: [127.0.0.1]",
    "rtc:",
    `  tcp_port: ${tcpPort}`,
    `  udp_port: ${udpPort}`,
    "  node_ip: 127.0.0.1",
    "  use_external_ip: false",
    "  enable_loopback_candidate: true",
    "  stun_servers: []",
    "keys:",
    `  ${apiKey}: ${apiSecret}`,
    ...webhook,
    "logging:",
    "  level: info",
    "",
  ].join("\n");
}

/**
 * Runs LiveKit's server on 127.0.0.1 until `stop()`; resolves once it answers. Ports: LiveKit's own
 * (7880, 7881, 7882) when free and `preferDefaults`, else free ones.
 * @param {{ binary: string, logFile?: string, preferDefaults?: boolean, apiKey?: string, apiSecret?: string, webhookUrls?: string[] }} options
 * @returns {Promise<{ url: string, apiKey: string, apiSecret: string, child: import("node:child_process").ChildProcess, stop: () => Promise<void> }>}
 */
export async function startLivekitServer({ binary, logFile, preferDefaults = false, apiKey = "devkey", apiSecret, webhookUrls = [] }) {
  const defaults = preferDefaults && (await portFree(7880)) && (await portFree(7881));
  const [port, tcpPort, udpPort] = defaults ? [7880, 7881, 7882] : [await freePort(), await freePort(), await freePort()];
  const secret = apiSecret ?? randomBytes(24).toString("base64url");
  const out = logFile ? openSync(logFile, "a") : "ignore";
  const child = spawn(binary, ["--config-body", livekitConfig({ port, tcpPort, udpPort, apiKey, apiSecret: secret, webhookUrls })], {
    stdio: ["ignore", out, out],
  });
  const stop = stopperOf(child);
  await untilAnswering({
    url: `http://127.0.0.1:${port}/`,
    child,
    stop,
    failure: () => new Error(`LiveKit's server did not start (${binary})${logFile ? `; its log: ${logFile}` : ""}`),
  });
  return { url: `ws://127.0.0.1:${port}`, apiKey, apiSecret: secret, child, stop };
}

// `node scripts/livekit.mjs build`: for .ci/run — builds (or finds) it, or fails saying why.
// `node scripts/livekit.mjs path`: prints where it is, or the calls-off line (exit 1).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const command = process.argv[2] ?? "path";
  if (command !== "build" && command !== "path") {
    console.error("usage: node scripts/livekit.mjs build|path");
    process.exit(2);
  }
  const found = await ensureLivekitServer({ build: command === "build", log: (line) => console.log(line) });
  if (found.path === null) {
    console.error(found.reason);
    process.exit(1);
  }
  console.log(`LiveKit's server (${found.source}): ${found.path}`);
}
