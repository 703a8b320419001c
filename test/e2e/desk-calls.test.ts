/**
 * Calls in the desk, in real Chromium with fake media against the suite's real LiveKit server and `wrangler
 * dev` (the team of desk-team.ts, its worker also taking voice and video): a customer starts a call through
 * the widget's route and joins the room from a plain livekit-client page (the widget's own call button is
 * helper widget's); the call rings in the desk as a call, the agent accepts, the call panel says Connected
 * and audio flows both ways (WebRTC's statistics of what each side receives, per sender); Mute stops the
 * customer receiving the agent; Hold stops both; Hang up leads to wrap-up. A supervisor listening hears both
 * and is not among the customer's participants; whispering is heard by the agent only; barging by both. A
 * video call shows the customer's camera and screen share. Each screen is checked with axe and kept as a
 * screenshot (test/e2e/screenshots/, git-ignored; scripts/screens.mjs copies the main ones for the README).
 * The call pages are call-pages.ts's (shared with the widget's call tests).
 */
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { mediaToken, type MediaToken } from "../../contract/media-token";
import { seriousViolations } from "../support/axe";
import { FAKE_MEDIA } from "../support/browser";
import { audioBytesByIdentity, flowing, receivedMoreThan, remoteIdentities, stopped, type RoomOf } from "./call-page";
import { callPages, joinAndSpeak } from "./call-pages";
import { SHOTS, WAIT, deskScene, goAvailable, laptop, signIn, supervisorEvents, watchedPage } from "./desk-team";

const off = inject("livekitOff");
const LONG = { timeout: 40_000 };

type Team = Awaited<ReturnType<ReturnType<typeof deskScene>["team"]>>;

/** The team's worker also takes one voice or video call at a time. */
async function takeCalls(team: Team): Promise<void> {
  const channels = await team.ws.taskChannels.list();
  for (const kind of ["voice", "video"])
    if (!channels.some((c) => c.uniqueName === kind)) await team.ws.taskChannels.create({ friendlyName: kind, uniqueName: kind });
  for (const kind of ["voice", "video"])
    await team.ws.workers(team.worker.sid).workerChannels(kind).update({ capacity: 1, available: true });
}

/** A visitor of the team's site starts a call through the widget's routes; answers their token for the room. */
async function customerCalls(team: Team, kind: "voice" | "video", name: string): Promise<MediaToken> {
  const base = `${inject("baseUrl")}/api/webchat/${team.workspace.sid}/${team.channelSid}`;
  const headers = { origin: team.site.origin, "content-type": "application/json" };
  const session = await fetch(`${base}/sessions`, { method: "POST", headers, body: JSON.stringify({ name }) });
  expect(session.status).toBeLessThan(300);
  const { token } = (await session.json()) as { token: string };
  const started = await fetch(`${base}/call`, {
    method: "POST",
    headers: { ...headers, authorization: `Bearer ${token}` },
    body: JSON.stringify({ Kind: kind }),
  });
  const body = (await started.json()) as { media?: unknown };
  expect(started.status, JSON.stringify(body)).toBe(201);
  return mediaToken.parse(body.media);
}

/** The agent signed in, Available; the ringing call accepted from the keyboard; answers the canvas's call panel. */
async function agentAccepts(agent: Page, ring: string, panel: "Voice call" | "Video call") {
  await agent.getByRole("group", { name: ring }).waitFor(LONG);
  await agent.keyboard.press("Alt+KeyA");
  const canvas = agent.locator("section.sb-task:not([hidden])");
  const call = canvas.getByRole("region", { name: panel });
  await call.getByRole("status").filter({ hasText: "Connected" }).waitFor(LONG);
  return call;
}

/**
 * In a plain call page: a canvas painted five times a second, published as a screen share (a headless
 * browser has no screen to pick). A string, as it runs in the page (whose DOM the tests' types do not know).
 */
const SHARE_A_CANVAS = `(async () => {
  const { Track } = globalThis.LivekitClient;
  const canvas = Object.assign(document.createElement("canvas"), { width: 640, height: 360 });
  const paint = canvas.getContext("2d");
  setInterval(() => {
    paint.fillStyle = "#1d4ed8";
    paint.fillRect(0, 0, 640, 360);
    paint.fillStyle = "#fff";
    paint.font = "32px sans-serif";
    paint.fillText("Order #1042 · " + new Date().toLocaleTimeString(), 40, 180);
  }, 200);
  await globalThis.room.localParticipant.publishTrack(canvas.captureStream(5).getVideoTracks()[0], { source: Track.Source.ScreenShare });
})()`;

/** At 1280 × 720 the desk's document does not scroll either way: its panes do. */
async function fitsTheScreen(page: Page): Promise<void> {
  const size = await page.evaluate(() => {
    const root = (
      globalThis as unknown as {
        document: { documentElement: { scrollWidth: number; scrollHeight: number; clientWidth: number; clientHeight: number } };
      }
    ).document.documentElement;
    return { over: [root.scrollWidth - root.clientWidth, root.scrollHeight - root.clientHeight] };
  });
  expect(size.over).toEqual([0, 0]);
}

/** The first one in the page's room other than `known` (a supervisor who just joined), once there. */
async function someoneElse(page: Page, of: RoomOf, known: readonly string[]): Promise<string> {
  let found = "";
  await expect.poll(async () => (found = (await remoteIdentities(page, of)).find((id) => !known.includes(id)) ?? ""), LONG).not.toBe("");
  return found;
}

describe.skipIf(off !== "")(`calls in the desk${off ? ` — skipped: ${off}` : ""}`, () => {
  const scene = deskScene(FAKE_MEDIA);

  async function setUp(prefix: string) {
    const problems: string[] = [];
    const team = await scene.team(prefix);
    await takeCalls(team);
    const pages = await callPages();
    const contexts: BrowserContext[] = [];
    const context = async () => {
      const made = await laptop(scene.browser(), { width: 1280, height: 720 });
      contexts.push(made);
      return made;
    };
    const agent = await watchedPage(await context(), problems, "agent");
    await signIn(agent, team.agentEmail);
    await goAvailable(agent);
    const customer = await watchedPage(await context(), problems, "customer");
    await customer.goto(pages.origin);
    const close = async () => {
      await Promise.all(contexts.map((c) => c.close()));
      pages.server.close();
    };
    return { team, agent, customer, problems, context, close };
  }

  it("a voice call rings, is accepted, flows both ways; mute, hold and hang up do what they say", { timeout: 240_000 }, async () => {
    const { team, agent, customer, problems, close } = await setUp("e2e-call");
    const customerToken = await customerCalls(team, "voice", "Casey Caller");
    await joinAndSpeak(customer, customerToken);
    const room = { desk: customerToken.room } as const;
    const plain = { plain: true } as const;
    const agentId = team.worker.sid;

    const call = await agentAccepts(agent, "Incoming call from Casey Caller", "Voice call");
    await receivedMoreThan(agent, room, customerToken.identity, 0, "the agent");
    await receivedMoreThan(customer, plain, agentId, 0, "the customer");
    await flowing(agent, room, customerToken.identity, "the agent, later");
    await flowing(customer, plain, agentId, "the customer, later");
    await call.locator("time").waitFor(WAIT); // the call timer, from date_connected
    expect(await seriousViolations(agent)).toEqual([]);
    await fitsTheScreen(agent);
    await agent.screenshot({ path: join(SHOTS, "call-voice.png") });

    // ── devices: the browser's microphones and speakers; Escape closes the list onto its button ──
    const devices = call.getByRole("button", { name: "Devices" });
    await devices.click();
    expect(await call.getByLabel("Microphone").locator("option").allTextContents()).toContain("Fake Audio Input 1");
    await call.getByLabel("Speaker").waitFor(WAIT);
    await call.getByLabel("Microphone").focus();
    await agent.keyboard.press("Escape");
    await expect
      .poll(() => devices.evaluate((b) => b === (b.ownerDocument as unknown as { activeElement: unknown }).activeElement), WAIT)
      .toBe(true);
    expect(await devices.getAttribute("aria-expanded")).toBe("false");

    // ── mute: the customer no longer receives the agent; unmute: again ──
    await call.getByRole("button", { name: "Mute" }).click();
    await call.getByText("You are muted: the customer does not hear you.").waitFor(WAIT);
    await stopped(customer, plain, agentId, "the customer, the agent muted");
    await flowing(agent, room, customerToken.identity, "the agent, while muted");
    await call.getByRole("button", { name: "Unmute" }).click();
    await flowing(customer, plain, agentId, "the customer, the agent unmuted");

    // ── hold: neither hears the other; resume: both again ──
    await call.getByRole("button", { name: "Hold" }).click();
    await call.getByRole("status").filter({ hasText: "On hold" }).waitFor(WAIT);
    await stopped(customer, plain, agentId, "the customer, on hold");
    await stopped(agent, room, customerToken.identity, "the agent, on hold");
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.screenshot({ path: join(SHOTS, "call-hold.png") });
    await call.getByRole("button", { name: "Resume" }).click();
    await call.getByRole("status").filter({ hasText: "Connected" }).waitFor(WAIT);
    await flowing(customer, plain, agentId, "the customer, resumed");
    await flowing(agent, room, customerToken.identity, "the agent, resumed");

    // ── consult a queue (a warm transfer's first step): the customer holds; cancel brings them back ──
    await call.getByRole("button", { name: "Consult" }).click();
    const dialog = agent.getByRole("dialog", { name: "Consult with" });
    await dialog.getByRole("button", { name: "Chat support" }).click(WAIT);
    await call.getByRole("status").filter({ hasText: "Consulting: the customer is on hold" }).waitFor(LONG);
    await call.getByText("Consulting Chat support").waitFor(WAIT);
    await stopped(customer, plain, agentId, "the customer, during the consult");
    expect(await seriousViolations(agent)).toEqual([]);
    await fitsTheScreen(agent);
    await agent.screenshot({ path: join(SHOTS, "call-consult.png") });
    await call.getByRole("button", { name: "Cancel consult" }).click();
    await call.getByRole("status").filter({ hasText: "Connected" }).waitFor(LONG);
    await flowing(customer, plain, agentId, "the customer, the consult canceled");

    // ── hang up: the call ends and the task is in wrap-up ──
    await call.getByRole("button", { name: "Hang up" }).click();
    await call.getByRole("status").filter({ hasText: "Call ended" }).waitFor(LONG);
    const canvas = agent.locator("section.sb-task:not([hidden])");
    await canvas.getByRole("heading", { name: "Wrap-up" }).waitFor(LONG);
    expect(problems).toEqual([]);
    await close();
  });

  it("a supervisor listens unseen, whispers to the agent alone, and barges in heard by both", { timeout: 240_000 }, async () => {
    const { team, agent, customer, problems, context, close } = await setUp("e2e-call-sv");
    const customerToken = await customerCalls(team, "voice", "Sam Caller");
    await joinAndSpeak(customer, customerToken);
    const agentId = team.worker.sid;
    const plain = { plain: true } as const;
    const room = { desk: customerToken.room } as const;
    await agentAccepts(agent, "Incoming call from Sam Caller", "Voice call");

    const supervisor = await watchedPage(await context(), problems, "supervisor");
    await signIn(supervisor, team.supervisorEmail);
    await supervisor.getByRole("tab", { name: "Live" }).click();
    const live = supervisor.getByRole("tabpanel", { name: "Live" });
    await live.getByRole("button", { name: "Watch Sam Caller with Ada Lovelace" }).click(LONG);
    const controls = live.getByRole("region", { name: "Call controls" });
    await controls.getByText("Call: Connected").waitFor(LONG);

    // ── Listen: both parties' audio arrives; the customer's room does not list the supervisor ──
    await controls.getByRole("button", { name: "Listen" }).click();
    await controls.getByText("Listening: nobody in the call sees or hears you.").waitFor(LONG);
    await receivedMoreThan(supervisor, room, agentId, 0, "the listening supervisor, from the agent");
    await receivedMoreThan(supervisor, room, customerToken.identity, 0, "the listening supervisor, from the customer");
    expect(await remoteIdentities(customer, plain)).toEqual([agentId]);
    expect(await seriousViolations(supervisor)).toEqual([]);
    await supervisor.screenshot({ path: join(SHOTS, "supervisor-listening.png") });

    // ── Whisper: the agent hears the supervisor, the customer does not ──
    await controls.getByRole("button", { name: "Whisper" }).click();
    await controls.getByText("Whispering: only Ada Lovelace hears you.").waitFor(LONG);
    const supervisorId = await someoneElse(agent, room, [customerToken.identity]);
    await receivedMoreThan(agent, room, supervisorId, 0, "the agent, from the whispering supervisor");
    await flowing(customer, plain, agentId, "the customer, from the agent while the supervisor whispers");
    expect((await audioBytesByIdentity(customer, plain))[supervisorId] ?? 0).toBe(0);

    // ── Barge: both hear the supervisor ──
    await controls.getByRole("button", { name: "Barge in" }).click();
    await controls.getByText("In the call: Ada Lovelace and the customer hear you.").waitFor(LONG);
    const bargeId = await someoneElse(customer, plain, [agentId]);
    await receivedMoreThan(customer, plain, bargeId, 0, "the customer, from the barging supervisor");
    await receivedMoreThan(agent, room, bargeId, 0, "the agent, from the barging supervisor");

    // ── Leave; each mode was an event of the workspace, about the call's task ──
    await controls.getByRole("button", { name: "Leave the call" }).click();
    await controls.getByText("You are not in the call.").waitFor(WAIT);
    const [task] = await team.ws.tasks.list({ assignmentStatus: ["assigned"] });
    await expect
      .poll(() => supervisorEvents(team, task!.sid, "supervisor.call."), WAIT)
      .toEqual(["supervisor.call.barge", "supervisor.call.monitor", "supervisor.call.whisper"]);
    expect(problems).toEqual([]);
    await close();
  });

  it("a video call shows the customer's camera and screen share beside the agent's self-view", { timeout: 240_000 }, async () => {
    const { team, agent, customer, problems, close } = await setUp("e2e-video");
    const customerToken = await customerCalls(team, "video", "Vera Video");
    await joinAndSpeak(customer, customerToken, { camera: true });
    await customer.evaluate(SHARE_A_CANVAS);
    const call = await agentAccepts(agent, "Incoming video call from Vera Video", "Video call");
    for (const name of ["Vera Video's camera", "Vera Video's screen", "Your camera"])
      await expect.poll(() => call.getByRole("figure", { name }).count(), LONG).toBe(1);
    // The customer's camera plays in the agent's page.
    await expect
      .poll(
        () =>
          call
            .locator('figure[data-source="camera"]:not([data-self]) video')
            .evaluate((v) => (v as unknown as { videoWidth: number }).videoWidth),
        LONG,
      )
      .toBeGreaterThan(0);
    expect(await seriousViolations(agent)).toEqual([]);
    await fitsTheScreen(agent);
    await agent.screenshot({ path: join(SHOTS, "call-video.png") });
    expect(problems).toEqual([]);
    await close();
  });
});
