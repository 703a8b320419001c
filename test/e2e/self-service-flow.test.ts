/**
 * The browser test (issue 16), against the compat suite's `wrangler dev`: a workspace trains its
 * bot on two intents (opening hours, order status) through the bot API and publishes a Studio flow through
 * the Studio API — a greeting that waits for a reply, a split on `{{widgets.ask.inbound.Intent}}`: "hours"
 * → the bot answers and asks again, "order_status" → it asks for the order number, then Send to Flex — on
 * the web chat channel. A visitor chats in Chromium: the bot answers both intents and hands off; the agent
 * accepts in the desk and sees the Self-service panel with the transcript, the intent and the order
 * number; then sends the customer back to the flow with "Send to a flow…", and the task goes to wrap-up.
 * Screenshots of both sides go to test/e2e/screenshots/.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seriousViolations } from "../support/axe";
import { SHOTS, WAIT, deskScene, goAvailable, rest, signIn, visitorWrites, watchedPage } from "./desk-team";

/** What the bot is trained on: two intents, each with the phrasings a customer might use. */
const INTENTS: Record<string, { phrases: string[]; answer: string }> = {
  hours: {
    phrases: [
      "When are you open?",
      "What are your opening hours?",
      "What time do you open",
      "What time do you close",
      "Are you open on Saturday?",
      "opening hours",
      "when do you close today",
      "business hours",
    ],
    answer: "We're open 9:00–17:00, Monday to Friday.",
  },
  order_status: {
    phrases: [
      "Where is my order?",
      "What is the status of my order",
      "Has my order shipped?",
      "track my order",
      "my order has not arrived",
      "my order number is A-1234",
      "my parcel is late",
      "order status",
    ],
    answer: "Let me look that up.",
  },
};

const sendAndWait = (name: string, body: string, next: string) => ({
  name,
  type: "send-and-wait-for-reply",
  properties: { body, timeout: "3600", from: "{{flow.channel.address}}" },
  transitions: [{ event: "incomingMessage", next }, { event: "timeout" }, { event: "deliveryFailure" }],
});
const onIntent = (name: string, of: string, routes: Record<string, string>, otherwise: string) => ({
  name,
  type: "split-based-on",
  properties: { input: `{{widgets.${of}.inbound.Intent}}` },
  transitions: [
    { event: "noMatch", next: otherwise },
    ...Object.entries(routes).map(([intent, next]) => ({
      event: "match",
      next,
      conditions: [
        { friendly_name: `If value equal_to ${intent}`, arguments: [`{{widgets.${of}.inbound.Intent}}`], type: "equal_to", value: intent },
      ],
    })),
  ],
});

/** The Shop assistant, as Studio's editor would export it. */
function shopAssistant(workflowSid: string, taskChannelSid: string) {
  return {
    description: "Shop assistant",
    initial_state: "Trigger",
    flags: { allow_concurrent_calls: true },
    states: [
      {
        name: "Trigger",
        type: "trigger",
        properties: { offset: { x: 0, y: 0 } },
        transitions: [
          { event: "incomingMessage", next: "ask" },
          { event: "incomingRequest", next: "ask" },
        ],
      },
      sendAndWait("ask", "Hi! I'm the Shop assistant. Ask me about our opening hours or your order.", "route"),
      onIntent("route", "ask", { hours: "hours", order_status: "order" }, "to_agent"),
      sendAndWait("hours", `${INTENTS.hours!.answer} Anything else?`, "route_again"),
      onIntent("route_again", "hours", { order_status: "order", hours: "hours" }, "to_agent"),
      sendAndWait("order", "Sorry to hear that. What is your order number?", "remember"),
      {
        name: "remember",
        type: "set-variables",
        properties: { variables: [{ key: "order_number", value: "{{widgets.order.inbound.Body}}" }] },
        transitions: [{ event: "next", next: "to_agent" }],
      },
      {
        name: "to_agent",
        type: "send-to-flex",
        properties: { workflow: workflowSid, channel: taskChannelSid, attributes: '{"topic": "order"}' },
        transitions: [{ event: "callComplete" }, { event: "failedToEnqueue" }, { event: "callFailure" }],
      },
    ],
  };
}

describe("self-service: the bot answers, hands off, and the agent sees what it learned", () => {
  const scene = deskScene();

  it(
    "a visitor asks the hours and about their order; the agent accepts with the context and sends them back",
    { timeout: 120_000 },
    async () => {
      const problems: string[] = [];
      const team = await scene.team("e2e-self-service-flow");
      const { workspace } = team;
      const bot = `/api/workspaces/${workspace.sid}/bot`;

      // ── the bot: two intents, trained ──
      for (const [name, intent] of Object.entries(INTENTS)) {
        const made = await rest("POST", `${bot}/intents`, [
          ["Name", name],
          ["Language", "en"],
          ...intent.phrases.map((phrase): [string, string] => ["Phrases", phrase]),
          ["Answers", intent.answer],
        ]);
        expect(made.status, JSON.stringify(made.body)).toBe(201);
      }
      const trained = await rest("POST", `${bot}/train`);
      expect(trained.status, JSON.stringify(trained.body)).toBe(200);
      const heard = await rest("POST", `${bot}/classify`, [["Text", "when do you open on monday"]]);
      expect(heard.body.intent, JSON.stringify(heard.body)).toBe("hours");

      // ── the flow, published, on the web chat channel ──
      const chat = (await team.ws.taskChannels.list()).find((c) => c.uniqueName === "chat")!;
      const flow = await rest("POST", `/api/workspaces/${workspace.sid}/studio/v2/Flows`, [
        ["FriendlyName", "Shop assistant"],
        ["Status", "published"],
        ["Definition", JSON.stringify(shopAssistant(team.workflow.sid, chat.sid))],
      ]);
      expect(flow.status, JSON.stringify(flow.body)).toBe(201);
      const flowSid = String(flow.body.sid);
      const channel = await rest("POST", `/api/workspaces/${workspace.sid}/channels/${team.channelSid}`, [["FlowSid", flowSid]]);
      expect(channel.status, JSON.stringify(channel.body)).toBe(200);

      // ── the agent is ready ──
      const browser = scene.browser();
      const agent = await watchedPage(await browser.newContext({ viewport: { width: 1280, height: 800 } }), problems, "agent");
      await signIn(agent, team.agentEmail);
      await goAvailable(agent);

      // ── the visitor chats with the bot: hours, then their order ──
      const customer = await watchedPage(await browser.newContext({ viewport: { width: 900, height: 720 } }), problems, "customer");
      const log = await visitorWrites(customer, team.site, { name: "Grace Hopper", email: "grace@example.com" }, "Hello");
      const widget = customer.locator("switchboard-chat");
      const say = async (text: string) => {
        const composer = widget.getByRole("textbox", { name: "Type your message…" });
        await composer.fill(text);
        await composer.press("Enter");
      };
      await log.getByText("Ask me about our opening hours or your order").waitFor(WAIT);
      await say("What are your opening hours?");
      await log.getByText("We're open 9:00–17:00, Monday to Friday. Anything else?").waitFor(WAIT);
      await say("Where is my order? It has not arrived");
      await log.getByText("What is your order number?").waitFor(WAIT);
      await say("My order number is A-1001");

      // ── handed off: the task rings with the intent, the agent accepts and sees the context ──
      const ringing = agent.getByRole("group", { name: "Incoming chat from Grace Hopper" });
      await ringing.waitFor(WAIT);
      await ringing.getByLabel("Bot understood: order_status").waitFor(WAIT);
      await customer.screenshot({ path: join(SHOTS, "self-service-3-widget.png") });
      await ringing.getByRole("button", { name: /Accept/ }).click();
      const panel = agent.getByRole("complementary", { name: "Customer" }).getByRole("region", { name: "Self-service" });
      await panel.waitFor(WAIT);
      expect(await panel.getByText("Flow: Shop assistant").isVisible()).toBe(true);
      expect(await panel.locator(".sb-self-service__facts dd").first().innerText()).toMatch(/^order_status\s+\d+% sure$/);
      const collected = panel.getByLabel("What the flow collected");
      expect((await collected.innerText()).replace(/\s+/g, " ").trim()).toBe("order_number My order number is A-1001");
      await panel.getByRole("button", { name: /^Show the whole transcript/ }).click();
      const lines = await panel.getByRole("list", { name: "Self-service transcript" }).getByRole("listitem").allInnerTexts();
      expect(lines.map((line) => line.split("\n").at(-1))).toEqual([
        "Hello",
        "Hi! I'm the Shop assistant. Ask me about our opening hours or your order.",
        "What are your opening hours?",
        "We're open 9:00–17:00, Monday to Friday. Anything else?",
        "Where is my order? It has not arrived",
        "Sorry to hear that. What is your order number?",
        "My order number is A-1001",
      ]);
      expect(await seriousViolations(agent)).toEqual([]);
      await agent.screenshot({ path: join(SHOTS, "self-service-4-handed-off.png") });

      // ── the agent sends the customer back to the flow: the task wraps up, the bot greets again ──
      await agent.getByRole("button", { name: "Send to a flow…" }).click();
      const dialog = agent.getByRole("dialog", { name: "Send to a flow" });
      await dialog.getByRole("button", { name: "Shop assistant" }).click();
      await agent.getByRole("region", { name: "Wrap-up" }).waitFor(WAIT);
      await expect.poll(async () => (await log.getByText("Ask me about our opening hours or your order").count()) >= 2, WAIT).toBe(true);
      expect(problems).toEqual([]);
    },
  );
});
