/**
 * The web chat widget in a real browser against the compat suite's `wrangler dev`: a team's page (on
 * another origin) embeds widget.js; a visitor fills the pre-chat form, sees the team's greeting as the
 * first message and writes a card number; an agent gets the reservation on their live socket, accepts
 * it, joins the conversation, sees the card number masked, types and replies; the visitor sees all of
 * it, and after a reload the same conversation — still after the agent wrapped up (names, read ticks,
 * who joined and left) and after it closed (the transcript, and that writing again starts a new one).
 * Also: a phone-sized screen gets the chat full-screen, and a site not in the channel's
 * allowed_origins gets a plain "not available here". Screenshots of each state go to
 * test/e2e/screenshots/ (git-ignored).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { raw, switchboardClient } from "../compat/client";
import { launchChromium } from "../support/browser";
import { listenLocally } from "../support/listen";
import { chatRouting, embedWebChat } from "./desk-team";

type Frame = Record<string, unknown> & { type: string };
const SHOTS = join(process.cwd(), "test", "e2e", "screenshots");
const CARD = "4111 1111 1111 1111";

/** A socket of the `ws` package that collects JSON frames, and waits for one. */
function live(url: string, protocols: string[] = []) {
  const socket = new WebSocket(url, protocols);
  const frames: Frame[] = [];
  socket.on("message", (data) => {
    const text = String(data);
    if (text.startsWith("{")) frames.push(JSON.parse(text) as Frame);
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const next = async (match: (frame: Frame) => boolean, what: string, ms = 20_000): Promise<Frame> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what}; got ${frames.map((f) => f.type).join(", ")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { socket, frames, next, opened, send: (command: unknown) => socket.send(JSON.stringify(command)) };
}

/** Polls `check` until it answers something truthy. */
async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The team's page: any site, on its own origin, with the one script tag (set once the channel exists). */
function teamSite(): Promise<{ server: Server; origin: string; embed: (script: string) => void }> {
  let script = "";
  const html = () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>* { color: red !important; font-family: serif !important } button { display: none !important }</style></head>
<body><h1>Welcome to the shop</h1>${script}</body></html>`;
  const server = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end(html()));
  return listenLocally(server).then((origin) => ({ server, origin, embed: (tag: string) => (script = tag) }));
}

describe("the web chat widget in a browser", () => {
  const baseUrl = inject("baseUrl");
  let browser: Browser;
  let site: Awaited<ReturnType<typeof teamSite>> | undefined;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    site?.server.close();
  });

  it("carries a conversation from the visitor to an agent and back, and survives a reload", { timeout: 120_000 }, async () => {
    // ── the team: a workspace routing chat tasks to Ada, and a web chat channel for their site ──
    const client = switchboardClient();
    client.conversations.baseUrl = `${baseUrl}/conversations`;
    const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `e2e-webchat-${randomUUID().slice(0, 8)}` });
    const ws = client.taskrouter.v1.workspaces(workspace.sid);
    const activities = await ws.activities.list();
    const available =
      activities.find((a) => a.available)?.sid ?? (await ws.activities.create({ friendlyName: "Available", available: true })).sid;
    const { workflow } = await chatRouting(ws);
    const worker = await ws.workers.create({ friendlyName: "Ada", activitySid: available });
    await ws.workers(worker.sid).workerChannels("chat").update({ capacity: 2, available: true });

    site = await teamSite();
    await embedWebChat(site, workspace.sid, workflow.sid, {
      "Settings.color": "#0a7d4f",
      "Settings.greeting": "Hi! Ask us anything.",
    });

    // ── the agent, online ──
    const minted = await raw("POST", "/api/tokens", { WorkspaceSid: workspace.sid, Role: "worker", WorkerSid: worker.sid });
    const agentToken = (minted.body as { token: string }).token;
    const desk = live(`${baseUrl.replace("http", "ws")}/api/realtime?token=${encodeURIComponent(agentToken)}`);
    await desk.next((f) => f.type === "hello", "hello");

    // ── the visitor ──
    const page: Page = await browser.newPage({ viewport: { width: 900, height: 720 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(site.origin);
    const widget = page.locator("switchboard-chat");
    const launcher = widget.locator("button.launcher");
    await widget.getByRole("button", { name: "Open chat" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "1-launcher.png") });

    await launcher.click();
    expect(await launcher.getAttribute("aria-expanded")).toBe("true");
    const panel = widget.getByRole("dialog", { name: "Shop support" });
    await panel.waitFor();
    await widget.getByLabel("Name").fill("Grace Hopper");
    await widget.getByLabel("Email").fill("grace@example.com");
    expect(await widget.getByRole("textbox", { name: "Type your message…" }).isVisible()).toBe(false); // the form comes first
    await page.screenshot({ path: join(SHOTS, "2-prechat.png") });
    await widget.getByRole("button", { name: "Start chat" }).click();

    const composer = widget.getByRole("textbox", { name: "Type your message…" });
    const log = widget.getByRole("log");
    // The greeting is the team's first message, under the widget's title.
    const greeting = log.locator(".msg").first();
    expect(await greeting.textContent()).toBe("Shop supportHi! Ask us anything.");
    await composer.fill(`Hi, my card ${CARD} was charged twice`);
    await composer.press("Enter");
    await bubble(log, "was charged twice").waitFor();

    // ── the agent accepts and joins ──
    const rang = await desk.next((f) => f.type === "reservation.created", "reservation.created");
    const reservation = rang.reservation as { sid: string; task_sid: string };
    const task = await ws.tasks(reservation.task_sid).fetch();
    const attributes = JSON.parse(task.attributes) as Record<string, unknown>;
    expect(attributes).toMatchObject({ channelType: "web", customerName: "Grace Hopper" });
    expect(JSON.stringify(attributes)).not.toContain(CARD);
    const conversationSid = attributes.conversationSid as string;
    expect(conversationSid).toMatch(/^CH[0-9a-f]{32}$/);

    desk.send({ type: "accept", id: 1, reservation_sid: reservation.sid });
    await desk.next((f) => f.type === "ack" && f.id === 1, "accept ack");
    // The agent joins through the events queue (its batches wait up to 5 s).
    await eventually(
      async () => (await client.conversations.v1.conversations(conversationSid).participants.list()).some((p) => p.identity === worker.sid),
      "the agent to join the conversation",
    );

    const room = live(`${baseUrl.replace("http", "ws")}/api/conversations/${conversationSid}/socket`, [
      "switchboard.conversation.v1",
      `token.${agentToken}`,
    ]);
    const snapshot = await room.next((f) => f.type === "conversation.snapshot", "conversation.snapshot");
    const messages = snapshot.messages as { index: number; body: string }[];
    expect(messages.map((m) => m.body)).toEqual(["Hi, my card **** **** **** 1111 was charged twice"]);
    await widget.getByText("Ada joined").waitFor();

    // ── typing, a read receipt and a reply reach the visitor ──
    room.send({ type: "typing" });
    await widget.getByText("is typing…").waitFor();
    room.send({ type: "read", index: messages[0]!.index });
    await bubble(log, "was charged twice").getByText("Read").waitFor();
    room.send({ type: "message.send", clientId: "agent-1", body: "Sorry about that, Grace! Refunding one now." });
    await bubble(log, "Refunding one now").waitFor();
    expect(await bubble(log, "Refunding one now").textContent()).toContain("Ada");
    expect(await log.textContent()).not.toContain(CARD); // the visitor's own copy comes back masked too
    await page.screenshot({ path: join(SHOTS, "3-conversation.png") });

    // ── the visitor types: the agent sees it ──
    await composer.pressSequentially("Thank");
    await room.next((f) => f.type === "typing" && f.participantSid !== snapshot.you, "the visitor's typing");

    // ── the page's CSS never reached in ──
    expect(await computed(launcher, "display")).not.toBe("none");
    expect(await computed(log, "color")).not.toBe("rgb(255, 0, 0)");
    expect(await computed(log, "fontFamily")).not.toBe("serif");

    // ── a reload: the same visitor, the same conversation, both messages ──
    await page.reload();
    await widget.getByRole("button", { name: "Open chat" }).click();
    await bubble(log, "Refunding one now").waitFor();
    await bubble(log, "was charged twice").waitFor();
    expect(await widget.getByLabel("Name").count()).toBe(0); // no pre-chat form for a returning visitor
    await page.screenshot({ path: join(SHOTS, "4-after-reload.png") });

    // ── the agent wraps up: the visitor is told, and a reload still names Ada and shows what she read ──
    desk.send({ type: "wrapup", id: 2, reservation_sid: reservation.sid });
    await desk.next((f) => f.type === "ack" && f.id === 2, "wrapup ack");
    await widget.getByText("Ada left").waitFor({ timeout: 20_000 });
    await page.reload();
    await widget.getByRole("button", { name: "Open chat" }).click();
    await bubble(log, "Refunding one now").waitFor();
    expect(await bubble(log, "Refunding one now").locator(".who").textContent()).toBe("Ada");
    expect(await bubble(log, "was charged twice").locator(".tick").textContent()).toBe("✓✓ Read");
    expect(await log.locator(".note").allTextContents()).toEqual(["Ada joined", "Ada left"]);
    await page.screenshot({ path: join(SHOTS, "5-after-wrap-up.png") });

    // ── the task completes: the conversation closes, and coming back shows its transcript ──
    desk.send({ type: "complete", id: 3, reservation_sid: reservation.sid });
    await desk.next((f) => f.type === "ack" && f.id === 3, "complete ack");
    await eventually(
      async () => (await client.conversations.v1.conversations(conversationSid).fetch()).state === "closed",
      "the conversation to close",
    );
    await page.reload();
    await widget.getByRole("button", { name: "Open chat" }).click();
    await widget.getByText("This conversation has ended. Write again to start a new one.").waitFor();
    expect((await log.locator(".msg").allTextContents()).length).toBe(3); // the greeting and both messages
    expect(await bubble(log, "Refunding one now").locator(".who").textContent()).toBe("Ada");
    await page.screenshot({ path: join(SHOTS, "6-closed-history.png") });

    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
    expect(problems).toEqual([]);
    desk.socket.close();
    room.socket.close();
  });

  it(
    "fills a phone's screen, and tells a site the channel does not allow that the chat is not available",
    { timeout: 60_000 },
    async () => {
      const client = switchboardClient();
      const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `e2e-webchat-${randomUUID().slice(0, 8)}` });
      const allowed = await teamSite();
      const elsewhere = await teamSite();
      try {
        const channel = await raw("POST", `/api/workspaces/${workspace.sid}/channels`, {
          Kind: "webchat",
          FriendlyName: "Shop chat",
          "Settings.title": "Shop support",
          "Settings.greeting": "Hi! Ask us anything.",
          "Settings.allowed_origins": allowed.origin,
        });
        expect(channel.status).toBe(201);
        const tag = `<script src="${baseUrl}/widget.js" data-workspace="${workspace.sid}" data-channel="${(channel.body as { sid: string }).sid}" async></script>`;
        allowed.embed(tag);
        elsewhere.embed(tag);

        // A phone: the open chat covers the screen, the launcher steps aside, × closes it.
        const phone = await browser.newPage({ viewport: { width: 375, height: 700 } });
        await phone.goto(allowed.origin);
        const widget = phone.locator("switchboard-chat");
        await widget.getByRole("button", { name: "Open chat" }).click();
        const panel = widget.getByRole("dialog", { name: "Shop support" });
        await widget.getByRole("textbox", { name: "Type your message…" }).waitFor();
        expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 700 });
        expect(await widget.locator("button.launcher").isVisible()).toBe(false);
        await phone.screenshot({ path: join(SHOTS, "7-phone.png") });
        await widget.getByRole("button", { name: "Close chat" }).first().click();
        await panel.waitFor({ state: "hidden" });
        expect(await widget.locator("button.launcher").isVisible()).toBe(true);
        await phone.close();

        // A site not in allowed_origins: the server refuses it (403), the widget says so plainly.
        const stranger = await browser.newPage({ viewport: { width: 900, height: 720 } });
        await stranger.goto(elsewhere.origin);
        const blocked = stranger.locator("switchboard-chat");
        await blocked.getByRole("button", { name: "Open chat" }).click();
        await blocked.getByText("This chat isn't available on this site.").waitFor();
        expect(await blocked.getByRole("textbox", { name: "Type your message…" }).isVisible()).toBe(false);
        expect(await blocked.getByRole("log").isVisible()).toBe(false);
        await stranger.screenshot({ path: join(SHOTS, "8-not-allowed.png") });
        await stranger.close();
      } finally {
        allowed.server.close();
        elsewhere.server.close();
      }
    },
  );
});

/** A computed style of an element in the page (evaluated there: this file is typed for Node, without the DOM's globals). */
const computed = (locator: Locator, property: string) =>
  locator.evaluate(
    (el, name) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[name],
    property,
  );

/** A message bubble of the widget's log, by a piece of its text. */
const bubble = (log: Locator, text: string) => log.locator(".msg", { hasText: text });
