/**
 * A call's media in real browsers: two Chromium pages with fake microphones (Chromium's beep), the
 * agent's and the customer's, join the conversation's LiveKit room on the suite's real LiveKit server
 * with `livekit-client` and the tokens the Worker mints (the desk's route, the widget's route), publish
 * their microphones, and each hears the other: WebRTC's own statistics of the track received show its
 * bytes growing, on both sides. The pages load livekit-client's browser bundle from node_modules through
 * a tiny local server (call-pages.ts; the widget's own call: widget-calls.test.ts).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { callScene, type CallScene } from "../compat/call-scene";
import { FAKE_MEDIA, launchChromium } from "../support/browser";
import { callPages, joinAndSpeak, receivedMoreThan } from "./call-pages";

const off = inject("livekitOff");

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
    expect(atAgent.from).toEqual([customer.identity]);
    expect(atCustomer.from).toEqual([agent.identity]);
    // Still flowing: a later reading is larger on both sides.
    await receivedMoreThan(agentPage, atAgent.bytes, "the agent, later");
    await receivedMoreThan(customerPage, atCustomer.bytes, "the customer, later");
    expect(problems).toEqual([]);
  });
});
