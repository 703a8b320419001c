/**
 * The customer's Call and Video in the web chat widget, in Chromium with fake media (a beep and a test
 * pattern; the screen share is Chromium's own capture, picked without a prompt) against the compat
 * suite's `wrangler dev` and its real LiveKit server. The team is desk-team.ts's; the agent is a plain
 * page with livekit-client (call-pages.ts) that joins with the token the desk's route mints once Ada
 * accepted the call's task over REST. A voice call: the customer presses Call, waits (hearing the hold
 * music when the media service runs), Ada joins, each hears the other (WebRTC statistics growing both
 * ways), mute stops the customer's outbound audio, Ada's hold shows "On hold", the customer hangs up and
 * the call ends for both with its length in the transcript. A video call: the camera and a screen share
 * go out, Ada's camera comes in to the agent's tile, Ada hangs up. Screenshots of waiting, connected video
 * and on hold; axe on each state.
 */
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { mediaToken, type MediaToken } from "../../contract/media-token";
import { raw } from "../compat/client";
import { seriousViolations } from "../support/axe";
import { FAKE_MEDIA, launchChromium } from "../support/browser";
import { eventually } from "../support/eventually";
import { callPages, grows, joinAndSpeak, receivedMoreThan, rtcBytes, TRACK_PEER_CONNECTIONS } from "./call-pages";
import { chatTeam, SHOTS, WAIT } from "./desk-team";

const off = inject("livekitOff");
const mediaOff = inject("mediaOff");
/** Chromium's switches for getDisplayMedia without a prompt: the whole (virtual) screen, chosen at once. */
const SCREEN_SHARE = ["--auto-select-desktop-capture-source=Entire screen", "--enable-usermedia-screen-capturing"];

/** A POST with a Bearer token (the agent's realtime token), JSON or none. */
async function bearer(path: string, token: string, json?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${inject("baseUrl")}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...(json ? { "content-type": "application/json" } : {}) },
    ...(json ? { body: JSON.stringify(json) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The page's call: the agent's stand-in page's `room`, disconnected or not. */
const agentRoomState = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { room: import("livekit-client").Room }).room.state as string);

/** The video tracks the agent's page receives from `identity` (a camera and a screen share are two). */
const videoTracksFrom = (page: Page, identity: string) =>
  page.evaluate((who) => {
    const room = (globalThis as unknown as { room: import("livekit-client").Room }).room;
    const participant = room.getParticipantByIdentity(who);
    return participant ? [...participant.videoTrackPublications.values()].filter((p) => p.isSubscribed).map((p) => p.source as string) : [];
  }, identity);

/** Whether the agent's page sees the customer's microphone muted. */
const micMutedAt = (page: Page, identity: string) =>
  page.evaluate((who) => {
    const room = (globalThis as unknown as { room: import("livekit-client").Room }).room;
    const participant = room.getParticipantByIdentity(who);
    return [...(participant?.audioTrackPublications.values() ?? [])].some((p) => p.isMuted);
  }, identity);

describe.skipIf(off !== "")(`the customer's calls in the widget${off ? ` — skipped: ${off}` : ""}`, () => {
  let browser: Browser;
  let agentPages: Awaited<ReturnType<typeof callPages>>;
  let team: Awaited<ReturnType<typeof chatTeam>>;
  let agentToken: string;
  let customer: Page;
  let agent: Page;
  const problems: string[] = [];

  /** Ada's pending reservation, accepted over REST; answers its task's conversation. */
  async function adaAccepts(): Promise<string> {
    const reservation = await eventually(
      async () => (await team.ws.workers(team.worker.sid).reservations.list({ reservationStatus: "pending" }))[0],
      "Ada's reservation for the call",
    );
    await team.ws.workers(team.worker.sid).reservations(reservation.sid).update({ reservationStatus: "accepted" });
    const task = await team.ws.tasks(reservation.taskSid).fetch();
    const conversationSid = (JSON.parse(task.attributes) as { conversationSid?: string }).conversationSid;
    expect(conversationSid).toMatch(/^CH[0-9a-f]{32}$/);
    return conversationSid!;
  }

  /** Ada's token for the conversation's call, once she is its agent (the desk's route). */
  async function adaJoins(conversationSid: string, options: { camera?: boolean } = {}): Promise<MediaToken> {
    const minted = await eventually(async () => {
      const res = await bearer(`/api/conversations/${conversationSid}/media-token`, agentToken);
      return res.status === 200 ? mediaToken.parse(res.body) : undefined;
    }, "Ada's media token (she is the conversation's agent once her acceptance went through)");
    await agent.goto(agentPages.origin);
    await joinAndSpeak(agent, minted, options);
    return minted;
  }

  beforeAll(async () => {
    browser = await launchChromium([...FAKE_MEDIA, ...SCREEN_SHARE]);
    agentPages = await callPages();
    team = await chatTeam("e2e-widget-calls");
    // Ada takes calls: voice and video task channels, one of each at a time, and she is Available.
    const channels = await team.ws.taskChannels.list();
    for (const kind of ["voice", "video"])
      if (!channels.some((c) => c.uniqueName === kind)) await team.ws.taskChannels.create({ friendlyName: kind, uniqueName: kind });
    for (const kind of ["voice", "video"])
      await team.ws.workers(team.worker.sid).workerChannels(kind).update({ capacity: 1, available: true });
    const available = (await team.ws.activities.list()).find((a) => a.friendlyName === "Available")!.sid;
    await team.ws.workers(team.worker.sid).update({ activitySid: available });
    const minted = await raw("POST", "/api/tokens", { WorkspaceSid: team.workspace.sid, Role: "worker", WorkerSid: team.worker.sid });
    agentToken = (minted.body as { token: string }).token;

    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    await context.addInitScript(TRACK_PEER_CONNECTIONS);
    customer = await context.newPage();
    customer.on("pageerror", (error) => problems.push(`customer: ${error.message}`));
    agent = await browser.newPage();
    agent.on("pageerror", (error) => problems.push(`agent: ${error.message}`));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    agentPages?.server.close();
    team?.site.server.close();
  });

  it("a voice call: waiting, connected both ways, mute, hold, and the customer hangs up for both", { timeout: 180_000 }, async () => {
    // ── the visitor opens the chat and, without writing, presses Call ──
    await customer.goto(team.site.origin);
    const widget = customer.locator("switchboard-chat");
    await widget.getByRole("button", { name: "Open chat" }).click(WAIT);
    await widget.getByLabel("Name").fill("Grace Hopper");
    await widget.getByLabel("Email").fill("grace@example.com");
    await widget.getByRole("button", { name: "Start chat" }).click();
    const call = widget.getByRole("button", { name: "Start a voice call" });
    await call.click(WAIT);

    // ── waiting: the line says so, the call's controls are there ──
    const line = widget.locator(".callbar [role=status]");
    await expect.poll(() => line.textContent(), WAIT).toMatch(/^Waiting for an agent/);
    await widget.getByRole("toolbar", { name: "Call controls" }).waitFor(WAIT);
    expect(await call.isVisible()).toBe(false); // one call at a time
    if (mediaOff === "") {
      // The media service plays the team's hold music into the room: the customer receives audio before any agent.
      await grows(
        () => rtcBytes(customer),
        (r) => r.audioIn,
        0,
        "the hold music at the customer",
      );
    } else console.warn(`widget-calls: the hold music is not checked — ${mediaOff}`);
    await customer.screenshot({ path: join(SHOTS, "widget-call-waiting.png") });
    expect(await seriousViolations(customer)).toEqual([]);

    // ── Ada accepts and joins: connected, and each receives the other's audio, growing ──
    const conversationSid = await adaAccepts();
    const ada = await adaJoins(conversationSid);
    await expect.poll(() => line.textContent(), WAIT).toBe("Connected");
    const timer = widget.getByRole("timer", { name: "Call duration" });
    await expect.poll(() => timer.textContent(), { timeout: 15_000 }).not.toBe("0:00");
    const visitorIdentity = (await receivedMoreThan(agent, 0, "Ada")).from[0]!;
    const atCustomer = await grows(
      () => rtcBytes(customer),
      (r) => r.audioIn,
      0,
      "audio at the customer",
    );
    const atAgent = await receivedMoreThan(agent, 0, "Ada");
    await receivedMoreThan(agent, atAgent.bytes, "Ada, later");
    await grows(
      () => rtcBytes(customer),
      (r) => r.audioIn,
      atCustomer.audioIn,
      "audio at the customer, later",
    );

    // ── mute: the customer's outbound audio stops while Ada's keeps coming ──
    const mute = widget.getByRole("button", { name: "Mute microphone" });
    const outWhile = async () => {
      const before = await rtcBytes(customer);
      // As long as it takes the customer to receive 16 KB more of Ada's audio (a few seconds of it).
      const after = await grows(
        () => rtcBytes(customer),
        (r) => r.audioIn,
        before.audioIn + 16_000,
        "Ada's audio at the customer",
      );
      return after.audioOut - before.audioOut;
    };
    const speaking = await outWhile();
    await mute.click();
    await widget.getByRole("button", { name: "Unmute microphone" }).waitFor(WAIT);
    await expect.poll(() => micMutedAt(agent, visitorIdentity), WAIT).toBe(true);
    const muted = await outWhile();
    expect(speaking).toBeGreaterThan(8_000); // speaking, the customer sent several KB in that time
    expect(muted).toBeLessThan(speaking / 4); // muted, next to nothing (Opus's silence frames at most)
    await widget.getByRole("button", { name: "Unmute microphone" }).click();
    await expect.poll(() => micMutedAt(agent, visitorIdentity), WAIT).toBe(false);

    // ── Ada holds: the customer sees "On hold"; she resumes ──
    const hold = (on: boolean) => bearer(`/api/conversations/${conversationSid}/call/hold`, agentToken, { Hold: String(on) });
    expect((await hold(true)).status).toBe(200);
    await expect.poll(() => line.textContent(), WAIT).toBe("On hold");
    await customer.screenshot({ path: join(SHOTS, "widget-call-on-hold.png") });
    expect(await seriousViolations(customer)).toEqual([]);
    expect((await hold(false)).status).toBe(200);
    await expect.poll(() => line.textContent(), WAIT).toBe("Connected");

    // ── the customer hangs up: the call ends for both, its length stays in the transcript, chat goes on ──
    await widget.getByRole("button", { name: "Hang up" }).click();
    const log = widget.getByRole("log");
    await log.getByText(/^Call ended · \d+:\d\d$/).waitFor(WAIT);
    await expect.poll(() => agentRoomState(agent), WAIT).toBe("disconnected");
    expect(await widget.locator(".callbar").isVisible()).toBe(false);
    await call.waitFor(WAIT); // the buttons are back
    await widget.getByRole("textbox", { name: "Type your message…" }).waitFor(WAIT);
    expect(await seriousViolations(customer)).toEqual([]);
    expect(ada.room).toBe(conversationSid);
    expect(problems).toEqual([]);
  });

  it(
    "a video call: the camera and a screen share go out, the agent's camera comes in, the agent hangs up",
    { timeout: 180_000 },
    async () => {
      const widget = customer.locator("switchboard-chat");
      await widget.getByRole("button", { name: "Start a video call" }).click(WAIT);
      const line = widget.locator(".callbar [role=status]");
      await expect.poll(() => line.textContent(), WAIT).toMatch(/^Waiting for an agent/);
      const selfView = widget.getByLabel("You", { exact: true });
      await selfView.waitFor(WAIT); // the customer's own camera, in the corner

      const conversationSid = await adaAccepts();
      await adaJoins(conversationSid, { camera: true });
      await expect.poll(() => line.textContent(), WAIT).toBe("Connected");
      const visitorIdentity = (await receivedMoreThan(agent, 0, "Ada")).from[0]!;

      // Ada's camera reaches the customer's tile; the customer's camera reaches Ada.
      const agentTile: Locator = widget.getByLabel("Agent's video");
      await agentTile.waitFor(WAIT);
      await grows(
        () => rtcBytes(customer),
        (r) => r.videoIn,
        0,
        "Ada's video at the customer",
      );
      await expect.poll(() => videoTracksFrom(agent, visitorIdentity), WAIT).toEqual(["camera"]);

      // The screen share: a second video source out, and Ada receives it.
      await widget.getByRole("button", { name: "Share your screen" }).click();
      await widget.getByRole("button", { name: "Stop sharing your screen" }).waitFor(WAIT);
      await grows(
        () => rtcBytes(customer),
        (r) => r.videoSourcesOut,
        1,
        "a camera and a screen share going out",
      );
      await expect.poll(async () => (await videoTracksFrom(agent, visitorIdentity)).sort(), WAIT).toEqual(["camera", "screen_share"]);
      await expect.poll(() => agentTile.evaluate((v) => (v as unknown as { videoWidth: number }).videoWidth), WAIT).toBeGreaterThan(0);
      await customer.screenshot({ path: join(SHOTS, "widget-call-video.png") });
      expect(await seriousViolations(customer)).toEqual([]);

      // The devices menu lists the fake microphone and camera.
      const devices = widget.getByRole("button", { name: "Devices" });
      await devices.click();
      // The menu fills from the browser's device list, which it asks for as it opens.
      await expect.poll(() => widget.getByLabel("Microphone").locator("option").count(), WAIT).toBeGreaterThan(0);
      await expect.poll(() => widget.getByLabel("Camera").locator("option").count(), WAIT).toBeGreaterThan(0);
      expect(await devices.getAttribute("aria-expanded")).toBe("true");
      await devices.click();

      // ── Ada hangs up: the widget's call ends, the buttons come back ──
      const hungUp = await bearer(`/api/conversations/${conversationSid}/call/hangup`, agentToken, {});
      expect(hungUp.status, JSON.stringify(hungUp.body)).toBe(200);
      await expect.poll(() => widget.locator(".callbar").isVisible(), WAIT).toBe(false);
      await widget.getByRole("button", { name: "Start a video call" }).waitFor(WAIT);
      expect(
        await widget
          .getByRole("log")
          .getByText(/^Call ended · \d+:\d\d$/)
          .count(),
      ).toBe(2);
      expect(problems).toEqual([]);
    },
  );
});
