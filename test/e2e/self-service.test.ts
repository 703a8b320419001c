/**
 * Self-service in the desk (issue 16), in a real browser against the compat suite's `wrangler dev`: a task
 * whose attributes carry what a flow's send-to-flex leaves (`self_service`: the flow, the bot's intent and
 * confidence, the customer's mood, the variables it collected and the transcript), created through the
 * TaskRouter API, rings with the intent as a badge; once accepted, the Self-service panel beside the
 * customer's card shows all of it, the transcript collapsed to its last lines until the agent expands it,
 * with no serious accessibility violation (light and dark). Beside a real web chat, "Send to a flow…" lists
 * the published flows (not a draft), and picking one — through the Studio API's flow and the runtime's
 * `POST /api/conversations/CH…/flow` — puts the agent's task in wrap-up and the flow's message in the
 * customer's widget. Screenshots go to test/e2e/screenshots/ (git-ignored).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SelfServiceContext } from "../../contract/self-service";
import { seriousViolations } from "../support/axe";
import { SHOTS, WAIT, deskScene, goAvailable, rest, signIn, visitorWrites, watchedPage } from "./desk-team";

const minute = (n: number) => new Date(Date.UTC(2026, 11, 7, 9, n)).toISOString();

/** What the order-status flow hands over: the customer asked the hours first, then about their order, not happily. */
const handedOver: SelfServiceContext = {
  flow_sid: "FW" + "a".repeat(32),
  execution_sid: "FN" + "b".repeat(32),
  flow_name: "Shop assistant",
  transcript: [
    { from: "bot", body: "Hi! I'm the Shop assistant. How can I help?", at: minute(0) },
    { from: "customer", body: "When are you open?", at: minute(1) },
    { from: "bot", body: "We're open 9:00–17:00, Monday to Friday. Anything else?", at: minute(1) },
    { from: "customer", body: "Where is my order? It's late again", at: minute(2) },
    { from: "bot", body: "Sorry about that. What is your order number?", at: minute(2) },
    { from: "customer", body: "A-1001", at: minute(3) },
  ],
  intent: "order_status",
  confidence: 0.92,
  variables: { order_number: "A-1001", language: "en" },
  sentiment: -0.4,
};

const SURVEY_QUESTION = "Thanks for talking to us! How did we do, from 1 to 5?";
/** A one-question survey an agent sends the customer to: Studio's export, started by the agent (incomingRequest). */
const SURVEY = {
  description: "Satisfaction survey",
  initial_state: "Trigger",
  flags: { allow_concurrent_calls: true },
  states: [
    {
      name: "Trigger",
      type: "trigger",
      properties: { offset: { x: 0, y: 0 } },
      transitions: [{ event: "incomingMessage" }, { event: "incomingRequest", next: "ask" }],
    },
    { name: "ask", type: "send-message", properties: { body: SURVEY_QUESTION }, transitions: [{ event: "sent" }, { event: "failed" }] },
  ],
};

describe("self-service in the desk", () => {
  const scene = deskScene();

  it("a task a flow handed over rings with its intent and shows the Self-service panel once accepted", { timeout: 90_000 }, async () => {
    const problems: string[] = [];
    const team = await scene.team("e2e-self-service");
    const agent = await watchedPage(await scene.browser().newContext({ viewport: { width: 1280, height: 800 } }), problems, "agent");
    await signIn(agent, team.agentEmail);
    await goAvailable(agent);

    const task = await team.ws.tasks.create({
      workflowSid: team.workflow.sid,
      taskChannel: "chat",
      attributes: JSON.stringify({
        name: "Grace Hopper",
        channelType: "web",
        customers: { name: "Grace Hopper", email: "grace@example.com" },
        self_service: handedOver,
      }),
    });

    // ── it rings with what the bot understood ──
    const ringing = agent.getByRole("group", { name: "Incoming chat from Grace Hopper" });
    await ringing.waitFor(WAIT);
    expect(await ringing.getByLabel("Bot understood: order_status").textContent()).toContain("order_status");
    await ringing.getByRole("button", { name: /Accept/ }).click();

    // ── the panel beside the customer's card ──
    const panel = agent.getByRole("region", { name: "Self-service" });
    await panel.waitFor(WAIT);
    expect(await panel.getByText("Flow: Shop assistant").isVisible()).toBe(true);
    const facts = panel.locator(".sb-self-service__facts");
    expect((await facts.innerText()).replace(/\s+/g, " ").trim()).toBe("Intent order_status 92% sure Mood Negative");
    const collected = panel.getByLabel("What the flow collected");
    expect((await collected.innerText()).replace(/\s+/g, " ").trim()).toBe("order_number A-1001 language en");
    const transcript = panel.getByRole("list", { name: "Self-service transcript" });
    expect(await transcript.getByRole("listitem").count()).toBe(3);
    expect(await transcript.getByRole("listitem").last().innerText()).toContain("A-1001");
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.screenshot({ path: join(SHOTS, "self-service-1-panel.png") });
    const more = panel.getByRole("button", { name: "Show the whole transcript (6 lines)" });
    await more.click();
    expect(await transcript.getByRole("listitem").count()).toBe(6);
    expect(await panel.getByRole("button", { name: "Show the last lines only" }).getAttribute("aria-expanded")).toBe("true");
    expect(await seriousViolations(agent)).toEqual([]);

    // The task is Grace's, accepted, with the context it was created with.
    const [reservation] = await team.ws.tasks(task.sid).reservations.list();
    expect(reservation?.reservationStatus).toBe("accepted");
    expect(problems).toEqual([]);
  });

  it(
    "beside the chat: the panel sits under the customer's card; Send to a flow… hands the customer to a survey",
    { timeout: 90_000 },
    async () => {
      const problems: string[] = [];
      const team = await scene.team("e2e-self-service-chat");
      const browser = scene.browser();
      const agent = await watchedPage(await browser.newContext({ viewport: { width: 1280, height: 800 } }), problems, "agent");
      await signIn(agent, team.agentEmail);
      await goAvailable(agent);
      const customer = await watchedPage(await browser.newContext({ viewport: { width: 900, height: 720 } }), problems, "customer");
      const widgetLog = await visitorWrites(customer, team.site, { name: "Grace Hopper", email: "grace@example.com" }, "A-1001");

      // The conversation's task, given the context a flow's send-to-flex leaves (the attributes it had, plus self_service).
      const ringing = agent.getByRole("group", { name: "Incoming chat from Grace Hopper" });
      await ringing.waitFor(WAIT);
      const [task] = await team.ws.tasks.list({ assignmentStatus: ["reserved"] });
      expect(task).toBeDefined();
      const attributes = { ...(JSON.parse(task!.attributes) as Record<string, unknown>), self_service: handedOver };
      await team.ws.tasks(task!.sid).update({ attributes: JSON.stringify(attributes) });
      await ringing.getByLabel("Bot understood: order_status").waitFor(WAIT);
      await ringing.getByRole("button", { name: /Accept/ }).click();

      const aside = agent.getByRole("complementary", { name: "Customer" });
      const panel = aside.getByRole("region", { name: "Self-service" });
      await panel.waitFor(WAIT);
      await agent.getByRole("log").getByText("A-1001").waitFor(WAIT);
      expect(await panel.getByRole("list", { name: "Self-service transcript" }).getByRole("listitem").count()).toBe(3);
      expect(await seriousViolations(agent)).toEqual([]);
      await agent.screenshot({ path: join(SHOTS, "self-service-2-beside-chat.png") });
      // The mood's and the intent's colours hold in the dark theme too.
      await agent.getByRole("button", { name: "Settings" }).click();
      await agent.getByRole("menuitemradio", { name: "Dark" }).click();
      await expect.poll(() => agent.locator("html").getAttribute("data-theme"), WAIT).toBe("dark");
      expect(await seriousViolations(agent)).toEqual([]);

      // ── Send to a flow…: a published survey; the customer gets its question, the agent's task wraps up ──
      const survey = await rest("POST", `/api/workspaces/${team.workspace.sid}/studio/v2/Flows`, [
        ["FriendlyName", "Satisfaction survey"],
        ["Status", "published"],
        ["Definition", JSON.stringify(SURVEY)],
      ]);
      expect(survey.status, JSON.stringify(survey.body)).toBe(201);
      const draft = await rest("POST", `/api/workspaces/${team.workspace.sid}/studio/v2/Flows`, [
        ["FriendlyName", "Unfinished menu"],
        ["Status", "draft"],
        ["Definition", JSON.stringify(SURVEY)],
      ]);
      expect(draft.status, JSON.stringify(draft.body)).toBe(201);
      await agent.getByRole("button", { name: "Send to a flow…" }).click();
      const dialog = agent.getByRole("dialog", { name: "Send to a flow" });
      await dialog.getByRole("button", { name: "Satisfaction survey" }).waitFor(WAIT);
      expect((await dialog.getByRole("button").allInnerTexts()).map((name) => name.trim())).toEqual(["Satisfaction survey", "Cancel"]); // no draft
      expect(await seriousViolations(agent)).toEqual([]);
      await dialog.getByRole("button", { name: "Satisfaction survey" }).click();
      await agent.getByRole("region", { name: "Wrap-up" }).waitFor(WAIT);
      await widgetLog.getByText(SURVEY_QUESTION).waitFor(WAIT);
      await expect.poll(async () => (await team.ws.tasks(task!.sid).fetch()).assignmentStatus, WAIT).toBe("wrapping");
      expect(problems).toEqual([]);
    },
  );
});
