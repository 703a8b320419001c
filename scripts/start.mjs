#!/usr/bin/env node
/**
 * `npm start`: run Switchboard on this machine with nothing else installed.
 *
 * 0. If Switchboard already answers on the port (its /health), or another `npm start` holds the state
 *    directory (its lock file), says where it runs and exits — before building or changing anything.
 * 1. On first run, writes `.dev.vars` (local-only account credentials, git-ignored) with a fresh
 *    account SID and auth token, and the first admin's sign-in (ADMIN_EMAIL, ADMIN_PASSWORD), and prints
 *    them; not when both credentials are given as `--var`. A .dev.vars from before admins existed keeps
 *    working: the demo then has no admin.
 * 2. Builds the browser assets, and applies pending D1 migrations to the local database (`wrangler dev`
 *    does not), printing one line unless it fails.
 * 3. Calls and video: unless LIVEKIT_API_KEY is given (.dev.vars or `--var`: LiveKit Cloud, or a server of
 *    your own), starts LiveKit's server in development mode on 127.0.0.1 (scripts/livekit.mjs: the one on
 *    the PATH, else the cached build, else one it builds with Go, once), with a key and secret made for
 *    this run, and passes its URL and keys to the Worker as `--var`s; its log goes to <state>/livekit.log,
 *    and it stops with `npm start`. Beside it the media service (scripts/media.mjs: hold music and
 *    announcements; its log <state>/media.log), whose URL and secret go to the Worker the same way — or
 *    one line saying hold music is off (no rtc-node binary here) while calls work. None to be had: one line says calls are off and how to turn them on;
 *    chat works the same.
 * 4. Runs `wrangler dev` on http://127.0.0.1:8787 until stopped, and exits with its status. Its output
 *    goes through minus one line per HTTP request (unless `--log-level` is given), and miniflare does not
 *    fetch `Request.cf` from workers.cloudflare.com (offline, that printed a stack trace each start).
 * 5. Once it answers, seeds the demo (scripts/seed-demo.mjs: workspace, team, web chat channel of the
 *    demo shop at /demo/) unless this state has it already, and prints last the addresses and sign-ins,
 *    remembered in <state>/switchboard-demo.json so a restart prints them again.
 * All state (Durable Objects, D1, R2, Queues) lives in .wrangler/state (or `--persist-to <dir>`) and
 * survives restarts. Extra arguments go to `wrangler dev` (`npm start -- --port 9000`).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { demoUrl, seedDemo } from "./seed-demo.mjs";
import { isRequestLog, isSwitchboardHealth, startBlock } from "./start-output.mjs";
import { LIVEKIT_VERSION, ensureLivekitServer, startLivekitServer } from "./livekit.mjs";
import { startMediaService } from "./media.mjs";

// `npm start` runs this on the Node 22 of the `node` dev dependency, whatever the system's is.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Switchboard needs Node 22.12 or newer, and this is ${process.version}: run it with \`npm start\`, which uses the Node 22 \`npm install\` put in node_modules.`,
  );
  process.exit(1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wranglerBin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const devVarsPath = join(root, ".dev.vars");
const extraArgs = process.argv.slice(2);

/** The value of `--name V` or `--name=V` among the extra arguments, if given. */
function argValue(/** @type {string} */ name) {
  const i = extraArgs.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = extraArgs[i] ?? "";
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : extraArgs[i + 1];
}
const given = (/** @type {string} */ name) => extraArgs.some((a) => a === name || a.startsWith(`${name}=`));

const HOST = argValue("--ip") ?? "127.0.0.1";
const PORT = argValue("--port") ?? "8787";
const BASE = `http://${HOST === "0.0.0.0" ? "127.0.0.1" : HOST}:${PORT}`;
const persistTo = argValue("--persist-to");
const stateDir = persistTo ? resolve(persistTo) : join(root, ".wrangler", "state");
const shownStateDir = relative(root, stateDir).startsWith("..") ? stateDir : relative(root, stateDir);
const lockPath = join(stateDir, "switchboard-start.json");
const demoMarker = join(stateDir, "switchboard-demo.json");

/** The credentials wrangler dev will use: `--var NAME:value` overrides .dev.vars. */
function credential(/** @type {string} */ name, /** @type {string} */ devVars) {
  const fromArgs = extraArgs.flatMap((a, i) =>
    extraArgs[i - 1] === "--var" && a.startsWith(`${name}:`) ? [a.slice(name.length + 1)] : [],
  );
  return fromArgs[0] ?? new RegExp(`^${name}=(.*)$`, "m").exec(devVars)?.[1];
}

/** What answers /health at `base`: Switchboard, something else, or nothing. */
async function probe(/** @type {string} */ base) {
  try {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) });
    const body = await res.json().catch(() => null);
    return isSwitchboardHealth(body) ? "switchboard" : "other";
  } catch (error) {
    // Refused: nothing listens. A timeout or a reset: something does, and it is not a healthy Switchboard.
    const code = /** @type {{ cause?: { code?: string } }} */ (error).cause?.code;
    return code === "ECONNREFUSED" ? "nothing" : "other";
  }
}

/**
 * The `npm start` holding this state directory, if that process is still alive. A lock left by a start
 * that was killed names a process that is gone — or, on Linux, one that is not a start.mjs (its id
 * reused): both are ignored.
 */
function lockHolder() {
  try {
    const lock = JSON.parse(readFileSync(lockPath, "utf8"));
    if (lock.pid === process.pid) return null;
    process.kill(lock.pid, 0); // throws when no such process
    const cmdline = `/proc/${lock.pid}/cmdline`;
    if (existsSync(cmdline) && !readFileSync(cmdline, "utf8").includes("start.mjs")) return null;
    return /** @type {{ pid: number, url: string }} */ (lock);
  } catch {
    return null;
  }
}

/** Exits when Switchboard already runs on this port or state directory; a second one would fight it. */
async function refuseSecondStart() {
  const onPort = await probe(BASE);
  const holder = onPort === "switchboard" ? null : lockHolder();
  if (onPort === "switchboard" || holder) {
    const url = holder?.url ?? BASE;
    console.log(`Switchboard is already running at ${url}${holder ? ` (process ${holder.pid}, state in ${shownStateDir})` : ""}.`);
    console.log(`Open ${url}/app/ — or stop it with Ctrl-C in its terminal before starting it again.`);
    const demo = readDemo();
    if (demo?.channelSid) console.log(`Demo shop: ${demoUrl(url, demo)}`);
    process.exit(0);
  }
  if (onPort === "other") {
    console.error(`Port ${PORT} is taken by another program. Start Switchboard on another port: npm start -- --port 9000`);
    process.exit(1);
  }
}

/** The demo recorded for this state, if any. */
function readDemo() {
  return existsSync(demoMarker) ? JSON.parse(readFileSync(demoMarker, "utf8")) : null;
}

/** Creates .dev.vars with new credentials unless it exists or `--var` gives both; returns its contents. */
function ensureDevVars() {
  if (existsSync(devVarsPath)) return { created: false, text: readFileSync(devVarsPath, "utf8") };
  if (credential("ACCOUNT_SID", "") && credential("AUTH_TOKEN", "")) return { created: false, text: "" };
  const text = [
    "# Local development credentials for Switchboard, generated by `npm start`.",
    "# Never commit this file. In production set these with `npx wrangler secret put <NAME>`.",
    `ACCOUNT_SID=AC${randomBytes(16).toString("hex")}`,
    `AUTH_TOKEN=${randomBytes(16).toString("hex")}`,
    "# The first admin of the desktop, created on first sign-in (or by the demo seed) while there is none.",
    "ADMIN_EMAIL=admin@example.com",
    `ADMIN_PASSWORD=${randomBytes(12).toString("base64url")}`,
    "",
  ].join("\n");
  writeFileSync(devVarsPath, text, { mode: 0o600 });
  return { created: true, text };
}

/**
 * Runs the local wrangler with `args`, passing Ctrl-C and service-manager stops on to it.
 * @param {string[]} args
 * @param {{ onLine?: (line: string, stream: "stdout" | "stderr") => void }} [options] onLine: gets the child's
 *   output line by line instead of the terminal (its stdin is then the terminal's only for `wrangler dev`)
 * @returns {Promise<number>} its exit status (128 + signal number when killed by a signal)
 */
function wrangler(args, { onLine } = {}) {
  return new Promise((resolveExit) => {
    const env = { ...process.env };
    // Offline, fetching Request.cf fails with a stack trace on every start; the placeholder is fine locally.
    env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
    const child = spawn(process.execPath, [wranglerBin, ...args], {
      cwd: root,
      env,
      stdio: [args[0] === "dev" ? "inherit" : "ignore", onLine ? "pipe" : "inherit", onLine ? "pipe" : "inherit"],
    });
    if (onLine && child.stdout && child.stderr) {
      createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => onLine(line, "stdout"));
      createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", (line) => onLine(line, "stderr"));
    }
    /** @param {NodeJS.Signals} signal */
    const forward = (signal) => child.kill(signal);
    const signals = /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"]);
    for (const signal of signals) process.on(signal, forward);
    child.on("error", (error) => {
      console.error(`could not start wrangler: ${error.message}`);
      resolveExit(1);
    });
    child.on("close", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolveExit(code ?? (signal ? 128 + constants.signals[signal] : 1));
    });
  });
}

/** wrangler.toml's D1 databases: the global one and the EU one for pinned workspaces (same migrations). */
const D1_BINDINGS = ["DB", "DB_EU"];

/** Applies pending D1 migrations to each database, printing one line each, or all of wrangler's output when it fails. */
async function migrate() {
  for (const binding of D1_BINDINGS) {
    /** @type {string[]} */
    const output = [];
    const status = await wrangler(["d1", "migrations", "apply", binding, "--local", ...(persistTo ? ["--persist-to", persistTo] : [])], {
      onLine: (line) => output.push(line),
    });
    if (status !== 0) {
      console.error(output.join("\n"));
      console.error(`Applying the local D1 migrations to ${binding} failed (see above); not starting.`);
      process.exit(status);
    }
    const applied = output.filter((line) => /✅/.test(line)).length;
    console.log(applied > 0 ? `D1 database ${binding}: applied ${applied} migration(s).` : `D1 database ${binding}: up to date.`);
  }
}

/**
 * LiveKit for calls and video: the one `.dev.vars` or `--var` names (nothing to start), else a local
 * server started here; answers the `--var`s for wrangler dev, what the block says, and how to stop it.
 * @param {string} devVars
 * @returns {Promise<{ vars: string[], calls: string, stop: () => Promise<void> }>}
 */
async function startCalls(devVars) {
  const none = async () => {};
  if (credential("LIVEKIT_API_KEY", devVars)) {
    const url = credential("LIVEKIT_URL", devVars);
    console.log(`Calls and video: LiveKit at ${url ?? "each region's livekitUrl (regions.json)"}, as .dev.vars or --var say.`);
    return { vars: [], calls: `LiveKit at ${url ?? "regions.json's livekitUrl"} (your keys)`, stop: none };
  }
  const found = await ensureLivekitServer({ log: (line) => console.log(line) });
  if (found.path === null) {
    console.log(found.reason);
    return { vars: [], calls: "off (no LiveKit server: see above)", stop: none };
  }
  try {
    const server = await startLivekitServer({
      binary: found.path,
      logFile: join(stateDir, "livekit.log"),
      preferDefaults: true,
      // Who joins and leaves a call's room reaches the Worker as LiveKit's signed webhooks.
      webhookUrls: [`http://127.0.0.1:${PORT}/webhooks/livekit`],
    });
    let stopped = false;
    // Should this process end without its cleanup (a crash), LiveKit goes with it rather than holding its ports.
    process.on("exit", () => {
      if (!stopped) server.child.kill("SIGTERM");
    });
    console.log(`Calls and video: LiveKit ${LIVEKIT_VERSION} on ${server.url} (its log: ${join(shownStateDir, "livekit.log")}).`);
    const vars = [`LIVEKIT_URL:${server.url}`, `LIVEKIT_API_KEY:${server.apiKey}`, `LIVEKIT_API_SECRET:${server.apiSecret}`];
    const media = await startHoldMusic(server);
    if (media) vars.push(`MEDIA_SERVICE_URL:${media.url}`, `MEDIA_SERVICE_SECRET:${media.secret}`);
    return {
      vars: vars.flatMap((v) => ["--var", v]),
      calls: `LiveKit ${LIVEKIT_VERSION} at ${server.url}${media ? `, hold music at ${media.url}` : " (no hold music: see above)"}`,
      stop: async () => {
        stopped = true;
        await media?.stop();
        await server.stop();
      },
    };
  } catch (error) {
    console.log(`Calls and video are off: ${error instanceof Error ? error.message : String(error)}. Chat works without.`);
    return { vars: [], calls: "off (LiveKit did not start: see above)", stop: none };
  }
}

/**
 * The media service (hold music and announcements, scripts/media.mjs) beside the LiveKit server this
 * start runs, or null with one line saying why not (calls work without music).
 * @param {{ url: string, apiKey: string, apiSecret: string }} livekit
 */
async function startHoldMusic(livekit) {
  try {
    const media = await startMediaService({ livekit, logFile: join(stateDir, "media.log"), preferDefaults: true });
    let stopped = false;
    process.on("exit", () => {
      if (!stopped) media.child.kill("SIGTERM");
    });
    console.log(`Hold music: the media service on ${media.url} (its log: ${join(shownStateDir, "media.log")}).`);
    return {
      ...media,
      stop: async () => {
        stopped = true;
        await media.stop();
      },
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    console.log(
      why.startsWith("Hold music is off") ? why : `Hold music is off: the media service did not start (${why}). Calls work without it.`,
    );
    return null;
  }
}

/**
 * Seeds the demo unless this state has the current one, then prints the block. A demo recorded before
 * the web chat channel existed is seeded again: that finds what exists and adds the channel.
 * @param {string} devVars
 * @param {string} calls where calls and video go, for the block
 */
async function seedAndPrint(devVars, calls) {
  for (let i = 0; i < 480 && (await probe(BASE)) !== "switchboard"; i++) await new Promise((r) => setTimeout(r, 250));
  let demo = readDemo();
  if (!demo?.channelSid) {
    try {
      const adminEmail = credential("ADMIN_EMAIL", devVars);
      const adminPassword = credential("ADMIN_PASSWORD", devVars);
      const seeded = await seedDemo(BASE, credential("ACCOUNT_SID", devVars) ?? "", credential("AUTH_TOKEN", devVars) ?? "", {
        ...(adminEmail && adminPassword ? { adminEmail, adminPassword } : {}),
        ...(demo?.demoPassword ? { demoPassword: demo.demoPassword } : {}),
      });
      // Passwords of users an earlier run created are only in the earlier record.
      const earlier = new Map((demo?.users ?? []).map((/** @type {{ email: string }} */ u) => [u.email, u]));
      const users = seeded.users.map((user) => ({ ...user, password: user.password ?? earlier.get(user.email)?.password ?? null }));
      demo = { ...seeded, users };
      mkdirSync(dirname(demoMarker), { recursive: true });
      writeFileSync(demoMarker, JSON.stringify(demo, null, 2), { mode: 0o600 });
      const fresh = seeded.created.some((what) => what.startsWith("workspace "));
      if (fresh)
        console.log(
          `\nSeeded a demo workspace ${demo.workspaceSid}: queues Support and Sales, agents Ada, Ben and Cleo, the demo shop's web chat.`,
        );
      else if (seeded.created.length > 0)
        console.log(`\nUpdated the demo workspace ${demo.workspaceSid}: added ${seeded.created.join(", ")}.`);
    } catch (error) {
      console.error(`Could not seed the demo workspace: ${error instanceof Error ? error.message : error}`);
    }
  }
  const block = startBlock({
    base: BASE,
    stateDir: shownStateDir,
    credentialsFrom: credential("ACCOUNT_SID", "") ? "as given with --var" : "printed above, in .dev.vars",
    calls,
    ...(demo?.channelSid ? { demoUrl: demoUrl(BASE, demo), users: demo.users } : {}),
  });
  console.log(`\n${block.join("\n")}`);
}

await refuseSecondStart();
mkdirSync(stateDir, { recursive: true });
writeFileSync(lockPath, JSON.stringify({ pid: process.pid, url: BASE }));
process.on("exit", () => rmSync(lockPath, { force: true }));

const { created, text } = ensureDevVars();
if (text) {
  console.log(`${created ? "Created" : "Using"} .dev.vars (local credentials):`);
  for (const line of text.split("\n").filter((l) => /^(ACCOUNT_SID|AUTH_TOKEN|ADMIN_EMAIL|ADMIN_PASSWORD)=/.test(l)))
    console.log(`  ${line}`);
}

// The browser assets (the web chat widget, the desktop) are built, not committed: build them before serving.
const { buildWeb } = await import("./build-web.mjs");
await buildWeb();
await migrate();
const calls = await startCalls(text);

console.log(`\nStarting Switchboard on ${BASE} …\n`);
const defaults = [
  ...(given("--ip") ? [] : ["--ip", HOST]),
  ...(given("--port") ? [] : ["--port", PORT]),
  // Its key hints would be printed after the addresses below; the addresses matter more.
  ...(given("--show-interactive-dev-session") ? [] : ["--show-interactive-dev-session=false"]),
];
const quiet = !given("--log-level");
const running = wrangler(["dev", ...defaults, ...calls.vars, ...extraArgs], {
  onLine: (line, stream) => {
    if (quiet && isRequestLog(line)) return;
    (stream === "stdout" ? process.stdout : process.stderr).write(`${line}\n`);
  },
});
void seedAndPrint(text, calls.calls);
const status = await running;
await calls.stop();
process.exit(status);
