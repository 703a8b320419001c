/**
 * The widget's keypad on a real call, in Chromium with fake media against the compat suite's `wrangler
 * dev` and its real LiveKit server: the visitor presses Call, opens the Keypad in the call's controls and
 * presses 1, 2 and # (two clicks and the keyboard's #); a flow's voice in the same room — LiveKit's Node SDK
 * joined with a `voice` token, as the media service joins — receives each as a LiveKit DTMF packet from the
 * customer, with its RFC 4733 code. The pad shows what was typed. Screenshot of the open pad; axe on it.
 */
import { join } from "node:path";
import { Room, RoomEvent } from "@livekit/rtc-node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { voiceIdentity } from "../../platform/media-voice";
import { mintMediaToken } from "../../platform/livekit-tokens";
import { seriousViolations } from "../support/axe";
import { FAKE_MEDIA, launchChromium } from "../support/browser";
import { eventually } from "../support/eventually";
import { callLine, visitorPressesCall } from "./call-desks";
import { chatTeam, SHOTS, WAIT } from "./desk-team";

const off = inject("livekitOff");

describe.skipIf(off !== "")(`the widget's keypad on a call${off ? ` — skipped: ${off}` : ""}`, () => {
  let browser: Browser;
  let team: Awaited<ReturnType<typeof chatTeam>>;
  let customer: Page;
  const voice = new Room();
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium([...FAKE_MEDIA]);
    team = await chatTeam("e2e-keypad");
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    customer = await context.newPage();
    customer.on("pageerror", (error) => problems.push(error.message));
  }, 90_000);

  afterAll(async () => {
    await voice.disconnect().catch(() => {});
    await browser?.close();
    team?.site.server.close();
  });

  it("sends 1, 2 and # from the keypad as DTMF the room's voice receives with codes 1, 2 and 11", { timeout: 180_000 }, async () => {
    const widget = await visitorPressesCall(customer, team.site, "Kim Keys", "voice");
    await widget.getByRole("toolbar", { name: "Call controls" }).waitFor(WAIT);

    // The call's room is its conversation: the call's task (waiting, no agent takes voice here) names it.
    const room = await eventually(async () => {
      const tasks = await team.ws.tasks.list();
      return tasks.map((task) => (JSON.parse(task.attributes) as { conversationSid?: string }).conversationSid).find(Boolean);
    }, "the call's task");
    expect(room).toMatch(/^CH[0-9a-f]{32}$/);

    // A flow's voice joins the room as the media service would, and listens for tones.
    const server = { regionId: "test", url: inject("livekitUrl"), apiKey: inject("livekitApiKey"), apiSecret: inject("livekitApiSecret") };
    const { token } = await mintMediaToken(server, { role: "voice", room, identity: voiceIdentity(room), name: "Menu" });
    const heard: { code: number; digit: string; from: string }[] = [];
    voice.on(RoomEvent.DtmfReceived, (code, digit, participant) => heard.push({ code, digit, from: participant.identity }));
    await voice.connect(server.url, token, { autoSubscribe: false, dynacast: false });
    const customerIdentity = await eventually(
      async () => [...voice.remoteParticipants.keys()].find((identity) => identity.startsWith("WV")),
      "the customer in the room, seen by the voice",
    );

    // ── the keypad: closed until pressed, then 1 and 2 clicked, # from the keyboard ──
    const keypad = widget.getByRole("button", { name: "Keypad" });
    expect(await keypad.getAttribute("aria-expanded")).toBe("false");
    await keypad.click();
    const pad = widget.getByRole("group", { name: "Keypad" });
    await pad.waitFor(WAIT);
    expect(await keypad.getAttribute("aria-expanded")).toBe("true");
    await pad.getByRole("button", { name: "1", exact: true }).click();
    await pad.getByRole("button", { name: "2", exact: true }).click();
    await customer.keyboard.press("#"); // the focus is on the pad's keys
    await expect.poll(() => pad.getByLabel("Digits typed").textContent(), WAIT).toBe("12#");

    await expect.poll(() => heard.length, { timeout: 30_000 }).toBe(3);
    expect(heard).toEqual([
      { code: 1, digit: "1", from: customerIdentity },
      { code: 2, digit: "2", from: customerIdentity },
      { code: 11, digit: "#", from: customerIdentity },
    ]);
    expect(await callLine(widget).textContent()).toMatch(/^Waiting for an agent/); // no flow answers this call

    await customer.screenshot({ path: join(SHOTS, "widget-call-keypad.png") });
    expect(await seriousViolations(customer)).toEqual([]);

    await widget.getByRole("button", { name: "Hang up" }).click();
    await widget
      .getByRole("log")
      .getByText(/^Call ended/)
      .waitFor(WAIT);
    expect(problems).toEqual([]);
  });
});
