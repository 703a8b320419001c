/**
 * What the browser tests of the desk share (test/e2e/*.test.ts, against the compat suite's `wrangler
 * dev`): a team set up through the stock client and REST — a workspace with Available and Offline, a chat
 * task channel, a queue and its workflow, an agent's worker (Offline until they say otherwise) with room
 * for two chats, a web chat channel embedded in the team's own site on another origin, and an agent and a
 * supervisor who sign in with passwords — plus the page helpers: a page that records errors, signing in,
 * going Available, a visitor starting a chat, and reading a table cell by its column.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { raw, switchboardClient } from "../compat/client";
import { seriousViolations } from "../support/axe";
import { launchChromium } from "../support/browser";
import { listenLocally } from "../support/listen";

export const SHOTS = join(process.cwd(), "test", "e2e", "screenshots");
export const PASSWORD = "correct horse battery staple";
export const WAIT = { timeout: 15_000 };

/** Form-encoded REST with the account's credentials; repeated parameters as repeated pairs. */
export async function rest(
  method: string,
  path: string,
  params: [string, string][] = [],
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${inject("baseUrl")}${path}`, {
    method,
    headers: {
      authorization: "Basic " + Buffer.from(`${inject("accountSid")}:${inject("authToken")}`).toString("base64"),
      "content-type": "application/x-www-form-urlencoded",
    },
    ...(method === "GET" ? {} : { body: new URLSearchParams(params).toString() }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface TeamSite {
  readonly server: Server;
  readonly origin: string;
  /** Sets the page's extra markup (the widget's script tag, once the channel exists). */
  embed(markup: string): void;
  /** How often `/<plugin>` was fetched. */
  pluginHits(): number;
}

/**
 * The team's own site, on another origin: `/` is their shop page with `embed`'s markup, and
 * `/sample-plugin.js` serves `pluginSource` (when given) with CORS for the desktop's origin (the desktop
 * `import()`s it cross-origin, so without the header the browser refuses the module).
 */
export async function teamSite(desktopOrigin: string, pluginSource?: string): Promise<TeamSite> {
  let markup = "";
  let hits = 0;
  const server = createServer((req, res) => {
    if (pluginSource !== undefined && req.url === "/sample-plugin.js") {
      hits += 1;
      res
        .writeHead(200, {
          "content-type": "text/javascript; charset=utf-8",
          "access-control-allow-origin": desktopOrigin,
          "cache-control": "no-store",
        })
        .end(pluginSource);
      return;
    }
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>${markup}</body></html>`,
      );
  });
  const origin = await listenLocally(server);
  return { server, origin, embed: (next) => (markup = next), pluginHits: () => hits };
}

/**
 * A page that records uncaught errors, anything the Content-Security-Policy blocked and any 5xx answer,
 * so the test can insist there were none.
 */
export async function watchedPage(context: BrowserContext, problems: string[], who: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(`${who}: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 500) problems.push(`${who}: ${response.status()} from ${response.request().method()} ${response.url()}`);
  });
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`${who}: ${message.text()}`);
  });
  return page;
}

export async function signIn(page: Page, email: string, screenshot?: string): Promise<void> {
  await page.goto(`${inject("baseUrl")}/app/`);
  await page.getByRole("heading", { name: "Sign in to Switchboard" }).waitFor(WAIT);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  if (screenshot) {
    await page.screenshot({ path: join(SHOTS, screenshot) });
    expect(await seriousViolations(page)).toEqual([]); // the sign-in screen
  }
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: /^Account of / }).waitFor(WAIT);
}

/** The signed-in agent picks Available once their socket's hello listed it. */
export async function goAvailable(agent: Page): Promise<void> {
  await agent.getByRole("status").filter({ hasText: "Connected" }).waitFor(WAIT);
  const activity = agent.getByLabel("Activity");
  await expect.poll(() => activity.isEnabled(), WAIT).toBe(true);
  await expect.poll(async () => (await activity.locator("option").allTextContents()).map((o) => o.trim()), WAIT).toContain("Available");
  await activity.selectOption({ label: "Available" });
  await expect.poll(() => activity.locator("option:checked").textContent(), WAIT).toBe("Available");
}

/** The text of a table row's cell, by its column header. */
export async function cell(row: Locator, table: Locator, header: string): Promise<string> {
  const headers = await table.locator("thead th").allTextContents();
  const index = headers.findIndex((h) => h.trim() === header);
  if (index < 0) throw new Error(`no column ${header} in ${headers.join(" | ")}`);
  return ((await row.locator("th, td").nth(index).textContent()) ?? "").trim();
}

/**
 * A visitor on the team's site opens the widget, gives their name and email and writes `text`; answers
 * the widget's log.
 */
export async function visitorWrites(page: Page, site: TeamSite, visitor: { name: string; email: string }, text: string): Promise<Locator> {
  await page.goto(site.origin);
  const widget = page.locator("switchboard-chat");
  await widget.getByRole("button", { name: "Open chat" }).click(WAIT);
  await widget.getByLabel("Name").waitFor({ timeout: 30_000 });
  await widget.getByLabel("Name").fill(visitor.name);
  await widget.getByLabel("Email").fill(visitor.email);
  await widget.getByRole("button", { name: "Start chat" }).click();
  const composer = widget.getByRole("textbox", { name: "Type your message…" });
  await composer.fill(text);
  await composer.press("Enter");
  return widget.getByRole("log");
}

/**
 * A web chat channel ("Shop chat", on the `chat` task channel, asking name and email) for the workflow,
 * allowed on the site, with its script tag put on the site's page; answers the channel's SID.
 * @example const channelSid = await embedWebChat(site, "WS…", "WW…", { "Settings.color": "#0a7d4f" });
 */
export async function embedWebChat(
  site: { readonly origin: string; embed(markup: string): void },
  workspaceSid: string,
  workflowSid: string,
  settings: Record<string, string> = {},
): Promise<string> {
  const channel = await raw("POST", `/api/workspaces/${workspaceSid}/channels`, {
    Kind: "webchat",
    FriendlyName: "Shop chat",
    WorkflowSid: workflowSid,
    TaskChannel: "chat",
    "Settings.title": "Shop support",
    "Settings.prechat_fields": "name,email",
    "Settings.allowed_origins": site.origin,
    ...settings,
  });
  expect(channel.status).toBe(201);
  const channelSid = (channel.body as { sid: string }).sid;
  site.embed(`<script src="${inject("baseUrl")}/widget.js" data-workspace="${workspaceSid}" data-channel="${channelSid}" async></script>`);
  return channelSid;
}

/** The workspace's `chat` task channel (made if missing), a "Chat support" queue for everyone and a workflow to it. */
export async function chatRouting(ws: ReturnType<ReturnType<typeof switchboardClient>["taskrouter"]["v1"]["workspaces"]>) {
  if (!(await ws.taskChannels.list()).some((c) => c.uniqueName === "chat"))
    await ws.taskChannels.create({ friendlyName: "Chat", uniqueName: "chat" });
  const queue = await ws.taskQueues.create({ friendlyName: "Chat support", targetWorkers: "1==1" });
  const workflow = await ws.workflows.create({
    friendlyName: "Chat",
    configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
  });
  return { queue, workflow };
}

/**
 * A team ready for a web chat: see the module's comment. `pluginSource`, when given, is served by the
 * team's site for a plugin the caller registers.
 * @example const team = await chatTeam("e2e-supervision"); await signIn(page, team.agentEmail);
 */
export async function chatTeam(prefix: string, options: { pluginSource?: string } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const suffix = randomUUID().slice(0, 8);
  const baseUrl = inject("baseUrl");
  const client = switchboardClient();
  const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `${prefix}-${suffix}` });
  const ws = client.taskrouter.v1.workspaces(workspace.sid);
  const activities = await ws.activities.list();
  if (!activities.some((a) => a.friendlyName === "Available")) await ws.activities.create({ friendlyName: "Available", available: true });
  const offline =
    activities.find((a) => a.friendlyName === "Offline")?.sid ??
    (await ws.activities.create({ friendlyName: "Offline", available: false })).sid;
  const { queue, workflow } = await chatRouting(ws);
  const worker = await ws.workers.create({
    friendlyName: "Ada Lovelace",
    activitySid: offline,
    attributes: JSON.stringify({ skills: ["billing"], team: "Tier 1" }),
  });
  await ws.workers(worker.sid).workerChannels("chat").update({ capacity: 2, available: true });

  const site = await teamSite(new URL(baseUrl).origin, options.pluginSource);
  const channelSid = await embedWebChat(site, workspace.sid, workflow.sid);

  const agentEmail = `ada-${suffix}@example.com`;
  const supervisorEmail = `grace-${suffix}@example.com`;
  const person = async (email: string, name: string, role: string, extra: [string, string][] = []) => {
    const user = await rest("POST", "/api/users", [
      ["Email", email],
      ["FriendlyName", name],
      ["Role", role],
      ["WorkspaceSid", workspace.sid],
      ["Password", PASSWORD],
      ...extra,
    ]);
    expect(user.status, JSON.stringify(user.body)).toBe(201);
  };
  await person(agentEmail, "Ada Lovelace", "agent", [["WorkerSid", worker.sid]]);
  await person(supervisorEmail, "Grace Supervisor", "supervisor");
  return { suffix, client, workspace, ws, queue, workflow, worker, site, channelSid, agentEmail, supervisorEmail };
}

/**
 * The `supervisor.*` event types (those starting with `prefix`) the workspace recorded about a task, sorted.
 * @example await expect.poll(() => supervisorEvents(team, task.sid, "supervisor.call.")).toEqual([…]);
 */
export async function supervisorEvents(team: { ws: Awaited<ReturnType<typeof chatTeam>>["ws"] }, taskSid: string, prefix = "supervisor.") {
  return (await team.ws.events.list({ taskSid, limit: 100 }))
    .map((event) => event.eventType)
    .filter((type) => type.startsWith(prefix))
    .sort();
}

/** A fresh browser context of a laptop's size (1280 × 800 unless told). */
export const laptop = (browser: Browser, viewport = { width: 1280, height: 800 }) => browser.newContext({ viewport });

/**
 * What a browser test file of the desk sets up once (call it inside `describe`): one Chromium for its
 * tests (with `chromiumArgs`, such as FAKE_MEDIA for calls), and teams whose sites are closed with it.
 * @example const scene = deskScene(); … const team = await scene.team("e2e-x"); const page = await scene.browser().newPage();
 */
export function deskScene(chromiumArgs: readonly string[] = []) {
  let browser: Browser | undefined;
  const sites: TeamSite[] = [];
  beforeAll(async () => {
    browser = await launchChromium(chromiumArgs);
  });
  afterAll(async () => {
    await browser?.close();
    for (const site of sites) site.server.close();
  });
  return {
    browser(): Browser {
      if (!browser) throw new Error("deskScene(): Chromium is not started yet (use it inside a test)");
      return browser;
    },
    async team(prefix: string, options: { pluginSource?: string } = {}) {
      const made = await chatTeam(prefix, options);
      sites.push(made.site);
      return made;
    },
  };
}
