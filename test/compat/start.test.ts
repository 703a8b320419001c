/**
 * `npm start` as a user runs it — scripts/start.mjs with its own `wrangler dev`, on a free port and a
 * fresh state directory (`--persist-to`), credentials given as `--var`: the last thing it prints is the
 * block of addresses and sign-ins, which work, with no request logs burying it; a second start while it
 * runs says where it runs and exits before building anything; a restart prints the same sign-ins and
 * seeds nothing twice. LiveKit's server runs beside it for calls, and stops with it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "../support/browser";
import { freePort } from "../support/dev-server";
import { eventually } from "../support/eventually";

const START_MS = 240_000; // build, migrations, wrangler dev and the seed, on a loaded 2-core machine
const RULE = /^─{20,}$/;

const stateDir = mkdtempSync(join(tmpdir(), "switchboard-start-"));
const accountSid = "AC" + randomBytes(16).toString("hex");
const authToken = randomBytes(16).toString("hex");
const authorization = "Basic " + Buffer.from(`${accountSid}:${authToken}`).toString("base64");
let port: number;
let base: string;

interface Run {
  readonly child: ChildProcess;
  output: string;
  readonly exited: Promise<number | null>;
}

/** Runs start.mjs with `args` after the common ones; collects stdout and stderr together. */
function start(args: string[]): Run {
  const child = spawn(process.execPath, [join("scripts", "start.mjs"), ...args], {
    cwd: process.cwd(),
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: Run = { child, output: "", exited: new Promise((resolve) => child.once("exit", resolve)) };
  child.stdout?.on("data", (d) => (run.output += d));
  child.stderr?.on("data", (d) => (run.output += d));
  return run;
}

async function startServer(inspector: number): Promise<Run> {
  const run = start([
    "--persist-to",
    stateDir,
    "--port",
    String(port),
    "--inspector-port",
    String(inspector),
    "--var",
    `ACCOUNT_SID:${accountSid}`,
    "--var",
    `AUTH_TOKEN:${authToken}`,
    "--var",
    "ADMIN_EMAIL:admin@start.test",
    "--var",
    "ADMIN_PASSWORD:start-admin-password",
  ]);
  await eventually(
    () =>
      /Stop it with Ctrl-C.*\n─+\n/.test(run.output)
        ? true
        : run.child.exitCode !== null
          ? Promise.reject(new Error(run.output))
          : undefined,
    "npm start's block",
    START_MS,
    250,
  );
  return run;
}

async function stop(run: Run | undefined): Promise<void> {
  if (run && run.child.exitCode === null) {
    run.child.kill("SIGINT"); // Ctrl-C
    await run.exited;
  }
  // The runtime's sockets can outlive the process tree's exit by a moment on a loaded machine; a user
  // restarting by hand is slower than that, so wait for the port as they would.
  await eventually(() => listenable(port), `port ${port} to be free after the stop`);
}

/** True once nothing listens on `port` of 127.0.0.1 (we could bind it ourselves). */
function listenable(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The block: the last rule-delimited lines of the output. */
function block(output: string): string[] {
  const lines = output.trimEnd().split("\n");
  const end = lines.length - 1;
  const startAt = lines.slice(0, end).findLastIndex((line) => RULE.test(line));
  return RULE.test(lines[end] ?? "") && startAt >= 0 ? lines.slice(startAt, end + 1) : [];
}

/** The demo shop's address in the block, and the workspace and channel it names. */
function demoOf(output: string): { url: string; workspaceSid: string; channelSid: string } {
  const url = /Demo shop +(\S+)/.exec(block(output).join("\n"))?.[1] ?? "";
  const [, workspaceSid = "", channelSid = ""] = /\/demo\/\?workspace=(WS\w{32})&channel=(XC\w{32})$/.exec(url) ?? [];
  return { url, workspaceSid, channelSid };
}

let first: Run | undefined;
/** The LiveKit server the first start started (none when calls are off). */
let livekitUrl = "";
/** The media service it started beside LiveKit (none when hold music is off). */
let mediaUrl = "";
beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  first = await startServer(await freePort());
}, START_MS + 10_000);

afterAll(async () => {
  await stop(first);
  rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe("npm start", () => {
  it("ends with the addresses and the sign-ins, and they work", async () => {
    const lines = block(first!.output);
    const text = lines.join("\n");
    expect(text).toContain(`Switchboard is running at ${base}`);
    expect(text).toContain(`Agent desktop   ${base}/app/`);
    expect(text).toContain(`Health          ${base}/health`);

    // The demo shop's address names the seeded web chat channel, and the page is served.
    const demo = demoOf(first!.output);
    const channel = await fetch(`${base}/api/workspaces/${demo.workspaceSid}/channels/${demo.channelSid}`, { headers: { authorization } });
    expect(await channel.json()).toMatchObject({ kind: "webchat", workspace_sid: demo.workspaceSid });
    const page = await fetch(demo.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/demo/demo.js"');

    // Every sign-in printed signs in.
    const signIns = [...text.matchAll(/^ {2}(admin|supervisor|agent) +(\S+@\S+) +(\S+)$/gm)].map(([, role, email, password]) => ({
      role,
      email,
      password,
    }));
    expect(signIns.map((s) => s.email)).toEqual([
      "admin@start.test",
      "supervisor@example.com",
      "ada@example.com",
      "ben@example.com",
      "cleo@example.com",
    ]);
    for (const { email, password } of signIns) {
      const res = await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base },
        body: JSON.stringify({ email, password }),
      });
      expect(res.status, email).toBe(200);
    }
  });

  // A browser, a page, the widget's first requests to a cold Worker: about 5 s on a quiet machine, once over 30 s in a full run beside other work.
  it(
    "serves the demo shop, whose widget chats with the seeded channel in a browser, under Switchboard's icon",
    { timeout: 90_000 },
    async () => {
      const demo = demoOf(first!.output);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
        const problems: string[] = [];
        page.on("pageerror", (error) => problems.push(error.message));
        await page.goto(demo.url);
        // The page shows the documented embed tag it used, with the seeded channel.
        expect(await page.locator("#embed-snippet").textContent()).toBe(
          `<script src="${base}/widget.js" data-workspace="${demo.workspaceSid}" data-channel="${demo.channelSid}" async></script>`,
        );
        const widget = page.locator("switchboard-chat");
        await widget.getByRole("button", { name: "Open chat" }).click();
        await widget.getByRole("dialog", { name: "Copper Kettle" }).waitFor();
        await widget.getByLabel("Name").fill("Grace");
        await widget.getByRole("button", { name: "Start chat" }).click();
        const composer = widget.getByRole("textbox", { name: "Type your message…" });
        await composer.fill("Where is my order 1042?");
        await composer.press("Enter");

        // The chat is a task of the demo workflow, waiting in Support for an agent to go Available.
        const tasks = `${base}/taskrouter/v1/Workspaces/${demo.workspaceSid}/Tasks`;
        const task = await eventually(async () => {
          const list = (await (await fetch(tasks, { headers: { authorization } })).json()) as { tasks: Record<string, unknown>[] };
          return list.tasks[0];
        }, "the chat's task");
        expect(task).toMatchObject({ task_queue_friendly_name: "Support", assignment_status: "pending", task_channel_unique_name: "chat" });
        expect(JSON.parse(task.attributes as string)).toMatchObject({ channelType: "web", customerName: "Grace" });

        // The shop and the desktop carry Switchboard's icon, served as a plain SVG file.
        const desk = await browser.newPage();
        await desk.goto(`${base}/app/`);
        for (const p of [page, desk]) {
          const href = (await p.locator('link[rel="icon"]').getAttribute("href")) ?? "";
          const icon = await fetch(new URL(href, base));
          expect(icon.status).toBe(200);
          expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
          expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        }
        // Without the channel in its address the page says where to find the link, and loads no widget.
        await desk.goto(`${base}/demo/`);
        await desk.getByText("Open the demo link that").waitFor();
        expect(await desk.locator("switchboard-chat").count()).toBe(0);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );

  it("keeps request logs out of its output, so the block stays last", async () => {
    for (const path of ["/health", "/app/", "/demo/", "/no-such-page"]) await fetch(`${base}${path}`);
    // The seed alone made dozens of requests before the block; none of them, nor these, is logged.
    expect(first!.output).not.toMatch(/\[wrangler:info\] (GET|POST) /);
    expect(first!.output).not.toContain("workers.cloudflare.com");
    expect(first!.output).toContain(`[wrangler:info] Ready on ${base}`);
    expect(block(first!.output).length).toBeGreaterThan(5);
  });

  it("refuses a second start on the same port, before building anything", async () => {
    const second = start(["--persist-to", stateDir, "--port", String(port)]);
    expect(await second.exited).toBe(0);
    expect(second.output).toContain(`Switchboard is already running at ${base}.`);
    expect(second.output).toMatch(/Demo shop: http:\/\/127\.0\.0\.1:\d+\/demo\/\?workspace=WS\w{32}&channel=XC\w{32}/);
    for (const step of ["widget.js", "D1 database", "Starting Switchboard", ".dev.vars"]) expect(second.output).not.toContain(step);
  });

  it("refuses a second start on another port with the same state directory, naming the running one", async () => {
    const second = start(["--persist-to", stateDir, "--port", String(await freePort())]);
    expect(await second.exited).toBe(0);
    expect(second.output).toContain(`Switchboard is already running at ${base} (process ${first!.child.pid}, state in ${stateDir}).`);
    expect(second.output).not.toContain("widget.js");
  });

  it("starts LiveKit's server and the media service beside it for calls and video, or says in the block that they are off", async () => {
    const calls = /Calls, video +(.+)$/m.exec(block(first!.output).join("\n"))?.[1] ?? "";
    if (inject("livekitOff") !== "") return expect(calls).toMatch(/^off /);
    const [, url = "", media = ""] =
      /^LiveKit v[\d.]+ at (ws:\/\/127\.0\.0\.1:\d+)(?:, hold music at (http:\/\/127\.0\.0\.1:\d+))?/.exec(calls) ?? [];
    expect(url).not.toBe("");
    expect(await (await fetch(url.replace("ws:", "http:"))).text()).toBe("OK");
    livekitUrl = url;
    if (inject("mediaOff") !== "") return expect(calls).toContain("(no hold music: see above)");
    expect(await (await fetch(`${media}/health`)).json()).toEqual({ status: "ok", rooms: 0 });
    mediaUrl = media;
  });

  it(
    "after a restart, prints the same sign-ins again and seeds nothing twice; the stop stopped LiveKit and the media service too",
    async () => {
      const before = block(first!.output).filter((line) => /@/.test(line));
      await stop(first);
      if (livekitUrl) await eventually(() => listenable(Number(new URL(livekitUrl).port)), "LiveKit's port to be free after the stop");
      if (mediaUrl)
        await eventually(() => listenable(Number(new URL(mediaUrl).port)), "the media service's port to be free after the stop");
      first = await startServer(await freePort());
      expect(first.output).not.toContain("Seeded");
      expect(block(first.output).filter((line) => /@/.test(line))).toEqual(before);
      const workspaces = await fetch(`${base}/taskrouter/v1/Workspaces`, { headers: { authorization } });
      expect(((await workspaces.json()) as { workspaces: unknown[] }).workspaces).toHaveLength(1);
    },
    START_MS + 30_000,
  );
});
