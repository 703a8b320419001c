/**
 * A live call handed from one desk to another, in the browser (issue 15): the customer calls from the
 * widget, Ada accepts in her desk, and Bob — a second agent signed in in his own browser context — takes
 * it on. Cold: Ada transfers to Bob, who rings, accepts, and hears the customer and is heard, while Ada
 * is out of the room and wrapping up. Warm: Ada consults Bob and cancels while he rings (the customer
 * hears Ada again); she consults again, Bob accepts and the two agents hear each other while the customer
 * hears neither; Ada completes the transfer and Bob is with the customer. Audio is WebRTC's statistics
 * per sender on each side (call-page.ts for the desks, call-desks.ts for the widget).
 */
import { join } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { seriousViolations } from "../support/axe";
import { FAKE_MEDIA } from "../support/browser";
import { flowing, receivedMoreThan, remoteIdentities, stopped } from "./call-page";
import {
  agentAccepts,
  audioBytesBySender,
  callLine,
  deskParticipantSid,
  deskRoomName,
  hearsSender,
  LONG,
  secondAgent,
  takeCalls,
  TRACK_SENDERS,
  visitorPressesCall,
} from "./call-desks";
import { SHOTS, WAIT, deskScene, goAvailable, laptop, signIn, watchedPage } from "./desk-team";

const off = inject("livekitOff");

/** Polls until the audio a widget page receives from participant `sid` stays the same for a while (bounded). */
async function widgetStopsHearing(page: Page, sid: string, what: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const before = (await audioBytesBySender(page))[sid] ?? 0;
        await new Promise((r) => setTimeout(r, 1_500));
        return ((await audioBytesBySender(page))[sid] ?? 0) - before;
      },
      { ...LONG, message: `${what} still hears ${sid}` },
    )
    .toBe(0);
}

/** The visible task canvas of a desk. */
const canvasOf = (page: Page): Locator => page.locator("section.sb-task:not([hidden])");

describe.skipIf(off !== "")(`a call handed from desk to desk${off ? ` — skipped: ${off}` : ""}`, () => {
  const scene = deskScene(FAKE_MEDIA);

  /** Ada (Available) and Bob (signed in, Offline until Ada has the call), and a customer who called from the widget and whom Ada accepted. */
  async function adaOnACall(prefix: string) {
    const problems: string[] = [];
    const team = await scene.team(prefix);
    await takeCalls(team);
    const bob = await secondAgent(team, "Bob Babbage");
    const contexts: BrowserContext[] = [];
    const context = async (viewport = { width: 1280, height: 720 }) => {
      const made = await laptop(scene.browser(), viewport);
      contexts.push(made);
      return made;
    };
    const ada = await watchedPage(await context(), problems, "Ada");
    await signIn(ada, team.agentEmail);
    await goAvailable(ada);
    const bobPage = await watchedPage(await context(), problems, "Bob");
    await signIn(bobPage, bob.email);
    await bobPage.getByRole("status").filter({ hasText: "Connected" }).waitFor(WAIT);

    const customerContext = await context({ width: 900, height: 760 });
    await customerContext.addInitScript(TRACK_SENDERS);
    const customer = await watchedPage(customerContext, problems, "customer");
    const widget = await visitorPressesCall(customer, team.site, "Grace Hopper", "voice");
    const adaCall = await agentAccepts(ada, "Incoming call from Grace Hopper", "Voice call");
    await expect.poll(() => callLine(widget).textContent(), LONG).toBe("Connected");
    const room = await deskRoomName(ada);
    const adaSid = await deskParticipantSid(ada, room);
    await hearsSender(customer, adaSid, "the customer, from Ada");
    let customerIdentity = "";
    await expect
      .poll(
        async () => (customerIdentity = (await remoteIdentities(ada, { desk: room })).find((id) => !id.startsWith("hold:")) ?? ""),
        LONG,
      )
      .not.toBe("");
    await receivedMoreThan(ada, { desk: room }, customerIdentity, 0, "Ada, from the customer");
    await goAvailable(bobPage); // only now: the customer's call was Ada's
    return {
      team,
      ada,
      adaCall,
      adaSid,
      bob: { ...bob, page: bobPage },
      customer,
      widget,
      room,
      customerIdentity,
      problems,
      close: () => Promise.all(contexts.map((c) => c.close())),
    };
  }

  it(
    "cold: Ada transfers to Bob; Bob rings, accepts, and he and the customer hear each other; Ada is out and wrapping up",
    { timeout: 300_000 },
    async () => {
      const { ada, adaSid, bob, customer, room, customerIdentity, problems, close } = await adaOnACall("e2e-cold");
      await canvasOf(ada).getByRole("button", { name: "Transfer", exact: true }).click();
      const dialog = ada.getByRole("dialog", { name: "Transfer to" });
      await dialog.getByRole("button", { name: /^Bob Babbage/ }).click(WAIT);

      // Ada is done with it: wrap-up, out of the room (the customer no longer hears her).
      await canvasOf(ada).getByRole("heading", { name: "Wrap-up" }).waitFor(LONG);
      await widgetStopsHearing(customer, adaSid, "the customer, once Ada transferred");

      // Bob's desk rings with the customer's call; he accepts and both hear each other.
      const bobCall = await agentAccepts(bob.page, "Incoming call from Grace Hopper", "Voice call");
      expect(await deskRoomName(bob.page)).toBe(room);
      const bobSid = await deskParticipantSid(bob.page, room);
      await receivedMoreThan(bob.page, { desk: room }, customerIdentity, 0, "Bob, from the customer");
      await flowing(bob.page, { desk: room }, customerIdentity, "Bob, from the customer, later");
      await hearsSender(customer, bobSid, "the customer, from Bob");
      await hearsSender(customer, bobSid, "the customer, from Bob, later");
      expect(await remoteIdentities(bob.page, { desk: room })).not.toContain(adaSid);
      expect(await seriousViolations(bob.page)).toEqual([]);
      await bob.page.screenshot({ path: join(SHOTS, "transfer-cold-bob.png") });

      await bobCall.getByRole("button", { name: "Hang up" }).click();
      await canvasOf(bob.page).getByRole("heading", { name: "Wrap-up" }).waitFor(LONG);
      expect(problems).toEqual([]);
      await close();
    },
  );

  it(
    "warm: a consult canceled while Bob rings; then Bob accepts, the agents hear each other and not the customer, and Ada completes the transfer",
    { timeout: 300_000 },
    async () => {
      const { team, ada, adaCall, adaSid, bob, customer, room, customerIdentity, problems, close } = await adaOnACall("e2e-warm");
      const consultBob = async () => {
        await adaCall.getByRole("button", { name: "Consult" }).click();
        await ada
          .getByRole("dialog", { name: "Consult with" })
          .getByRole("button", { name: /^Bob Babbage/ })
          .click(WAIT);
        await adaCall.getByRole("status").filter({ hasText: "Consulting: the customer is on hold" }).waitFor(LONG);
      };

      // ── consult, canceled while Bob's desk rings: his ring goes, the customer hears Ada again ──
      await consultBob();
      const ring = bob.page.getByRole("group", { name: /Grace Hopper/ });
      await ring.waitFor(LONG);
      await widgetStopsHearing(customer, adaSid, "the customer, during the consult");
      await adaCall.getByRole("button", { name: "Cancel consult" }).click();
      await adaCall.getByRole("status").filter({ hasText: "Connected" }).waitFor(LONG);
      await expect.poll(() => ring.count(), LONG).toBe(0);
      await hearsSender(customer, adaSid, "the customer, the consult canceled");

      // ── consult again; Bob accepts: Ada and Bob hear each other, the customer neither ──
      await consultBob();
      await bob.page.getByRole("group", { name: /Grace Hopper/ }).waitFor(LONG);
      await bob.page.keyboard.press("Alt+KeyA");
      const bobCall = canvasOf(bob.page).getByRole("region", { name: "Voice call" });
      await bobCall.waitFor(LONG);
      expect(await deskRoomName(bob.page)).toBe(room);
      const bobSid = await deskParticipantSid(bob.page, room);
      const bobWorker = bob.workerSid;
      await receivedMoreThan(ada, { desk: room }, bobWorker, 0, "Ada, from Bob in the consult");
      await receivedMoreThan(bob.page, { desk: room }, team.worker.sid, 0, "Bob, from Ada in the consult");
      await flowing(bob.page, { desk: room }, team.worker.sid, "Bob, from Ada in the consult, later");
      await stopped(bob.page, { desk: room }, customerIdentity, "Bob, the customer held during the consult");
      await widgetStopsHearing(customer, bobSid, "the customer, while the agents consult");
      await widgetStopsHearing(customer, adaSid, "the customer, while the agents consult");
      expect(await seriousViolations(ada)).toEqual([]);
      await ada.screenshot({ path: join(SHOTS, "transfer-warm-consulting.png") });

      // ── Ada completes: she wraps up and leaves; Bob and the customer hear each other ──
      await adaCall.getByRole("button", { name: "Complete transfer" }).click();
      await canvasOf(ada).getByRole("heading", { name: "Wrap-up" }).waitFor(LONG);
      await bobCall.getByRole("status").filter({ hasText: "Connected" }).waitFor(LONG);
      await hearsSender(customer, bobSid, "the customer, from Bob after the transfer");
      await flowing(bob.page, { desk: room }, customerIdentity, "Bob, from the customer after the transfer");
      await widgetStopsHearing(customer, adaSid, "the customer, once Ada left");
      await bob.page.screenshot({ path: join(SHOTS, "transfer-warm-bob.png") });

      await bobCall.getByRole("button", { name: "Hang up" }).click();
      await canvasOf(bob.page).getByRole("heading", { name: "Wrap-up" }).waitFor(LONG);
      expect(problems).toEqual([]);
      await close();
    },
  );
});
