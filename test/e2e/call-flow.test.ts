/**
 * The issue's browser test for flows on calls (issue 16): "on a web call the caller presses digits and
 * hears the menu". Against the compat suite's `wrangler dev`, LiveKit and media service (its local
 * text-to-speech), with the real widget and a real desk in Chromium (fake media). The team publishes a
 * Studio flow through the Studio API on its web chat channel — incomingCall → gather-input-on-call "menu"
 * ("Press 1 for sales, 2 for support", one digit) → split on `widgets.menu.Digits` → say-play "Connecting you
 * to sales" → enqueue-call (the workspace's workflow, the department in the task's attributes). The visitor
 * presses Call: the call bar says the caller is in the menu, and the caller hears it — audio energy from the
 * flow's voice (`voice:<room>`) in WebRTC's statistics of the widget's page, per sender (call-desks.ts);
 * pressing 1 on the widget's keypad, the Studio steps (REST, as the stock client reads them) show the
 * keypress with Digits "1" and the split's match; the caller hears "Connecting you…"; the desk rings with
 * the call's task, the agent accepts, and caller and agent hear each other. Screenshot for the README.
 */
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { RoomServiceClient } from "livekit-server-sdk";
import { describe, expect, inject, it } from "vitest";
import { voiceIdentity } from "../../platform/media-voice";
import { seriousViolations } from "../support/axe";
import { FAKE_MEDIA } from "../support/browser";
import { eventually } from "../support/eventually";
import { switchboardClient } from "../compat/client";
import { receivedMoreThan, remoteIdentities } from "./call-page";
import { grows } from "./call-pages";
import { agentAccepts, callLine, deskParticipantSid, deskRoomName, hearsSender, LONG, takeCalls, TRACK_SENDERS } from "./call-desks";
import { SHOTS, WAIT, deskScene, goAvailable, laptop, rest, signIn, watchedPage } from "./desk-team";

const off = inject("livekitOff");
const mediaOff = inject("mediaOff");

/** The stock `twilio` client's Studio v2 on a workspace's own Studio path (as test/compat/studio.test.ts points it). */
function studioOf(workspaceSid: string) {
  const client = switchboardClient();
  client.studio.baseUrl = `${inject("baseUrl")}/api/workspaces/${workspaceSid}/studio`;
  return client.studio.v2;
}

/** The phone menu, as Studio's editor would export it. */
function phoneMenu(workflowSid: string) {
  return {
    description: "Phone menu",
    initial_state: "Trigger",
    flags: { allow_concurrent_calls: true },
    states: [
      { name: "Trigger", type: "trigger", properties: { offset: { x: 0, y: 0 } }, transitions: [{ event: "incomingCall", next: "menu" }] },
      {
        name: "menu",
        type: "gather-input-on-call",
        properties: { say: "Press 1 for sales, 2 for support", number_of_digits: 1, timeout: 120, stop_gather: true },
        transitions: [{ event: "keypress", next: "route" }, { event: "speech" }, { event: "timeout" }],
      },
      {
        name: "route",
        type: "split-based-on",
        properties: { input: "{{widgets.menu.Digits}}" },
        transitions: [
          { event: "noMatch" },
          {
            event: "match",
            next: "connecting",
            conditions: [{ friendly_name: "If value equal_to 1", arguments: ["{{widgets.menu.Digits}}"], type: "equal_to", value: "1" }],
          },
        ],
      },
      {
        name: "connecting",
        type: "say-play",
        properties: { say: "Connecting you to sales", loop: 1 },
        transitions: [{ event: "audioComplete", next: "to_sales" }],
      },
      {
        name: "to_sales",
        type: "enqueue-call",
        properties: { workflow_sid: workflowSid, task_attributes: '{"department": "sales", "via": "{{widgets.menu.Digits}}"}' },
        transitions: [{ event: "callComplete" }, { event: "failedToEnqueue" }, { event: "callFailure" }],
      },
    ],
  };
}

/**
 * The audio energy (WebRTC's `totalAudioEnergy`: the sum of level² × seconds, so silence adds nothing) a
 * {@link TRACK_SENDERS} page received so far, per sending participant's SID.
 */
const energyBySender = (page: Page): Promise<Record<string, number>> =>
  page.evaluate(async () => {
    type Incoming = {
      pc: { connectionState: string };
      receiver: { track: { kind: string }; getStats(): Promise<Map<string, unknown>> };
      stream: string;
    };
    const energy: Record<string, number> = {};
    for (const one of (globalThis as unknown as { __incomingTracks?: Incoming[] }).__incomingTracks ?? []) {
      if (one.pc.connectionState === "closed" || one.receiver.track.kind !== "audio") continue;
      const sender = one.stream.split("|")[0]!;
      (await one.receiver.getStats()).forEach((value) => {
        const s = value as { type: string; totalAudioEnergy?: number };
        if (s.type === "inbound-rtp") energy[sender] = (energy[sender] ?? 0) + (s.totalAudioEnergy ?? 0);
      });
    }
    return energy;
  });

/**
 * Polls until the page has heard `sid` speak since the energy was `since`: it grows by a clear amount
 * (speech, not silence); answers the energy then.
 */
async function hearsSpeech(page: Page, sid: string, since: number, what: string): Promise<number> {
  return grows(
    async () => (await energyBySender(page))[sid] ?? 0,
    (energy) => energy,
    since + 0.002,
    `${what}, audio energy from ${sid}`,
    60_000,
  );
}

/**
 * Polls until `sid` has gone quiet at the page (its energy grew by next to nothing over 1.5 s: a prompt
 * ended), bounded; answers the energy then.
 */
async function quietFrom(page: Page, sid: string, what: string, ms = 60_000): Promise<number> {
  const deadline = Date.now() + ms;
  let before = (await energyBySender(page))[sid] ?? 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1_500));
    const after = (await energyBySender(page))[sid] ?? 0;
    if (after - before < 0.0005) return after;
    if (Date.now() > deadline) throw new Error(`${what}: ${sid} still speaks after ${ms} ms (${before} → ${after})`);
    before = after;
  }
}

describe.skipIf(off !== "" || mediaOff !== "")(
  `a web call answered by the team's phone menu${off || mediaOff ? ` — skipped: ${off || mediaOff}` : ""}`,
  () => {
    const scene = deskScene([...FAKE_MEDIA]);

    it(
      "the caller hears the menu, presses 1 on the keypad, hears 'Connecting you…' and the agent's desk rings",
      { timeout: 300_000 },
      async () => {
        const problems: string[] = [];
        const contexts: BrowserContext[] = [];
        const team = await scene.team("e2e-call-flow");
        await takeCalls(team);

        // ── the phone menu, published through the Studio API, on the web chat channel ──
        const studio = studioOf(team.workspace.sid);
        const flow = await studio.flows.create({
          friendlyName: "Phone menu",
          status: "published",
          definition: phoneMenu(team.workflow.sid),
        });
        const channel = await rest("POST", `/api/workspaces/${team.workspace.sid}/channels/${team.channelSid}`, [["FlowSid", flow.sid]]);
        expect(channel.status, JSON.stringify(channel.body)).toBe(200);

        // ── the agent is ready ──
        const agentContext = await laptop(scene.browser(), { width: 1280, height: 720 });
        contexts.push(agentContext);
        const agent = await watchedPage(agentContext, problems, "agent");
        await signIn(agent, team.agentEmail);
        await goAvailable(agent);

        // ── the visitor calls: the flow answers, the call bar says they are in the menu ──
        const customerContext = await laptop(scene.browser(), { width: 900, height: 760 });
        contexts.push(customerContext);
        await customerContext.addInitScript(TRACK_SENDERS);
        const customer = await watchedPage(customerContext, problems, "customer");
        await customer.goto(team.site.origin);
        const widget = customer.locator("switchboard-chat");
        await widget.getByRole("button", { name: "Open chat" }).click(WAIT);
        await widget.getByLabel("Name").fill("Mona Menu");
        await widget.getByLabel("Email").fill("mona@example.com");
        await widget.getByRole("button", { name: "Start chat" }).click();
        await widget.getByRole("button", { name: "Start a voice call" }).click(WAIT);
        const line = callLine(widget);
        await expect.poll(() => line.textContent(), LONG).toBe("Assistant · Menu");

        // The flow's voice is in the caller's room (LiveKit's word; the room Mona is in, whatever else runs): the
        // caller hears the menu from it.
        const livekit = new RoomServiceClient(inject("livekitUrl"), inject("livekitApiKey"), inject("livekitApiSecret"));
        const voice = await eventually(
          async () => {
            for (const room of await livekit.listRooms()) {
              const people = await livekit.listParticipants(room.name);
              const found = people.find((p) => p.identity === voiceIdentity(room.name));
              if (found && people.some((p) => p.name === "Mona Menu")) return { room: room.name, sid: found.sid };
            }
            return undefined;
          },
          "the flow's voice in the caller's room",
          60_000,
        );
        await hearsSpeech(customer, voice.sid, 0, "the menu at the caller");
        const execution = (await studio.flows(flow.sid).executions.list())[0]!;
        expect(execution.status).toBe("active");

        // ── the caller presses 1 on the keypad ──
        // The menu said, the voice waits for a key: what the caller hears next is the flow's answer to it.
        const beforeKey = await quietFrom(customer, voice.sid, "the menu's end at the caller");
        await widget.getByRole("button", { name: "Keypad" }).click();
        const pad = widget.getByRole("group", { name: "Keypad" });
        await pad.getByRole("button", { name: "1", exact: true }).click();
        await expect.poll(() => pad.getByLabel("Digits typed").textContent(), WAIT).toBe("1");
        await customer.screenshot({ path: join(SHOTS, "call-flow-menu.png") });
        expect(await seriousViolations(customer)).toEqual([]);

        // The Studio steps, as the stock client reads them: the keypress with Digits "1", then the split's match.
        const steps = await eventually(
          async () => {
            const listed = await studio.flows(flow.sid).executions(execution.sid).steps.list();
            return listed.some((s) => s.transitionedFrom === "route") ? listed : undefined;
          },
          "the split's step",
          60_000,
        );
        const moves = steps.map((s) => [s.name, s.transitionedFrom, s.transitionedTo]);
        expect(moves).toContainEqual(["keypress", "menu", "route"]);
        expect(moves).toContainEqual(["match", "route", "connecting"]);
        const keypress = steps.find((s) => s.name === "keypress")!;
        const stepContext = await studio.flows(flow.sid).executions(execution.sid).steps(keypress.sid).stepContext().fetch();
        expect(JSON.stringify(stepContext.context)).toContain('"Digits":"1"');
        const context = await studio.flows(flow.sid).executions(execution.sid).executionContext().fetch();
        expect((context.context as { widgets: { menu: { Digits: string } } }).widgets.menu.Digits).toBe("1");

        // ── "Connecting you to sales", then the call waits for an agent: the desk rings with its task ──
        await hearsSpeech(customer, voice.sid, beforeKey, "'Connecting you to sales' at the caller");
        await expect.poll(() => line.textContent(), LONG).toMatch(/^Waiting for an agent/);
        const task = await eventually(async () => (await team.ws.tasks.list())[0], "the call's task", 60_000);
        expect(JSON.parse(task.attributes)).toMatchObject({ department: "sales", via: "1" });
        expect(task.taskChannelUniqueName).toBe("voice");
        const call = await agentAccepts(agent, "Incoming call from Mona Menu", "Voice call");
        await expect.poll(() => line.textContent(), LONG).toBe("Connected");

        // ── caller and agent hear each other ──
        const room = await deskRoomName(agent);
        expect(room).toBe(voice.room);
        let customerIdentity = "";
        await expect
          .poll(
            async () => (customerIdentity = (await remoteIdentities(agent, { desk: room })).find((id) => id.startsWith("WV")) ?? ""),
            LONG,
          )
          .not.toBe("");
        await receivedMoreThan(agent, { desk: room }, customerIdentity, 0, "the agent's desk");
        await hearsSender(customer, await deskParticipantSid(agent, room), "the caller's widget");
        await customer.screenshot({ path: join(SHOTS, "call-flow-connected.png") });

        await call.getByRole("button", { name: "Hang up" }).click();
        await widget
          .getByRole("log")
          .getByText(/^Call ended · \d+:\d\d$/)
          .waitFor(LONG);
        expect(problems).toEqual([]);
        await Promise.all(contexts.map((c) => c.close()));
      },
    );
  },
);
