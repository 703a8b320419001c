/**
 * A call's media in real browsers: two Chromium pages with fake microphones (Chromium's beep), the
 * agent's and the customer's, join the conversation's LiveKit room on the suite's real LiveKit server
 * with `livekit-client` and the tokens the Worker mints (the desk's route, the widget's route), publish
 * their microphones, and each hears the other: WebRTC's own statistics of the track received show its
 * bytes growing, on both sides. The pages load livekit-client's browser bundle from node_modules through
 * a tiny local server (the widget's and the desk's call buttons come later and will use the same tokens).
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { callScene, type CallScene, type Minted } from "../compat/call-scene";
import { FAKE_MEDIA, launchChromium } from "../support/browser";
import { listenLocally } from "../support/listen";

const off = inject("livekitOff");

/** A page that loads livekit-client's UMD bundle (the global `LivekitClient`) and nothing else. */
function callPages(): Promise<{ server: Server; origin: string }> {
  const bundle = readFileSync(join(process.cwd(), "node_modules", "livekit-client", "dist", "livekit-client.umd.js"));
  const server = createServer((req, res) => {
    if (req.url === "/livekit-client.umd.js") res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    else
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(
          '<!doctype html><html lang="en"><head><title>call</title><script src="/livekit-client.umd.js"></script></head><body></body></html>',
        );
  });
  return listenLocally(server).then((origin) => ({ server, origin }));
}

/** Joins the room from the page with `livekit-client`, publishes the (fake) microphone. */
async function joinAndSpeak(page: Page, token: Minted): Promise<void> {
  await page.evaluate(async ({ url, token }) => {
    const { Room } = (globalThis as unknown as { LivekitClient: typeof import("livekit-client") }).LivekitClient;
    const room = new Room();
    (globalThis as unknown as { room: typeof room }).room = room;
    await room.connect(url, token);
    await room.localParticipant.setMicrophoneEnabled(true);
  }, token);
}

/** The bytes this page has received of the others' audio so far (WebRTC's inbound-rtp statistics). */
async function audioBytesReceived(page: Page): Promise<{ bytes: number; from: string[] }> {
  return page.evaluate(async () => {
    const room = (globalThis as unknown as { room: import("livekit-client").Room }).room;
    let bytes = 0;
    const from: string[] = [];
    for (const participant of room.remoteParticipants.values()) {
      for (const publication of participant.audioTrackPublications.values()) {
        const stats = await (publication.track as import("livekit-client").RemoteAudioTrack | undefined)?.getReceiverStats();
        if (stats?.bytesReceived) {
          bytes += stats.bytesReceived;
          from.push(participant.identity);
        }
      }
    }
    return { bytes, from };
  });
}

/** Polls until the page's received audio passes `more` bytes (bounded), answering the reading. */
async function receivedMoreThan(page: Page, more: number, what: string, ms = 40_000): Promise<{ bytes: number; from: string[] }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reading = await audioBytesReceived(page);
    if (reading.bytes > more) return reading;
    if (Date.now() > deadline) throw new Error(`${what} received no more than ${more} bytes of audio in ${ms} ms (${reading.bytes})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(off !== "")(`a call's audio in Chromium${off ? ` — skipped: ${off}` : ""}`, () => {
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof callPages>>;
  let scene: CallScene;

  beforeAll(async () => {
    browser = await launchChromium(FAKE_MEDIA);
    pages = await callPages();
    scene = await callScene();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    pages?.server.close();
  });

  it("the agent and the customer each receive the other's audio, growing", { timeout: 120_000 }, async () => {
    const problems: string[] = [];
    const open = async () => {
      const page = await browser.newPage();
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(pages.origin);
      return page;
    };
    const [agentPage, customerPage] = [await open(), await open()];
    const agent = await scene.agentToken();
    const customer = await scene.customerToken();
    await joinAndSpeak(agentPage, agent);
    await joinAndSpeak(customerPage, customer);

    const atAgent = await receivedMoreThan(agentPage, 0, "the agent");
    const atCustomer = await receivedMoreThan(customerPage, 0, "the customer");
    // The customer may also hear the hold music's player (`hold:<room>`) until the call's connecting stops it.
    const people = (from: readonly string[]) => from.filter((identity) => !identity.startsWith("hold:"));
    expect(people(atAgent.from)).toEqual([customer.identity]);
    expect(people(atCustomer.from)).toEqual([agent.identity]);
    // Still flowing: a later reading is larger on both sides.
    await receivedMoreThan(agentPage, atAgent.bytes, "the agent, later");
    await receivedMoreThan(customerPage, atCustomer.bytes, "the customer, later");
    expect(problems).toEqual([]);
  });
});
