/**
 * A supervisor watching a live chat, in a real browser against the compat suite's `wrangler dev` (the team
 * of desk-team.ts): a visitor writes through the widget, the agent accepts; the supervisor's Teams row shows
 * the task in hand (customer, status, time); the Live tab lists the chat and opens its transcript; a
 * whisper reaches the agent's chat marked as one and never the visitor's widget; the supervisor joins,
 * writes to the visitor (who sees it), and leaves; the workspace's Events have each supervisor action.
 * The Live view is checked with axe-core; screenshots go to test/e2e/screenshots/ (git-ignored).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seriousViolations } from "../support/axe";
import { SHOTS, WAIT, cell, deskScene, goAvailable, laptop, signIn, supervisorEvents, visitorWrites, watchedPage } from "./desk-team";

describe("a supervisor watching a live chat in a browser", () => {
  const scene = deskScene();

  it("sees the agent's task, watches the chat, whispers, joins, writes and leaves, each recorded", { timeout: 120_000 }, async () => {
    const problems: string[] = [];
    const team = await scene.team("e2e-supervision");
    const browser = scene.browser();
    const site = team.site;

    // ── the agent signs in and goes Available; the supervisor signs in ──
    const agentContext = await laptop(browser);
    const agent = await watchedPage(agentContext, problems, "agent");
    await signIn(agent, team.agentEmail);
    await goAvailable(agent);
    const supervisorContext = await laptop(browser);
    const supervisor = await watchedPage(supervisorContext, problems, "supervisor");
    await signIn(supervisor, team.supervisorEmail);
    await supervisor.getByRole("tab", { name: "Teams" }).waitFor(WAIT);

    // ── a visitor writes; the agent accepts and reads it ──
    const customerContext = await laptop(browser, { width: 900, height: 720 });
    const customer = await watchedPage(customerContext, problems, "customer");
    const widgetLog = await visitorWrites(customer, site, { name: "Grace Hopper", email: "grace@example.com" }, "Where is my parcel?");
    const ringing = agent.getByRole("group", { name: "Incoming chat from Grace Hopper" });
    await ringing.waitFor(WAIT);
    await agent.keyboard.press("Alt+KeyA");
    const canvas = agent.locator("section.sb-task:not([hidden])");
    const agentLog = canvas.getByRole("log", { name: "Conversation with Grace Hopper" });
    await agentLog.getByText("Where is my parcel?").waitFor(WAIT);

    // ── Teams: Ada's row has the chat in hand, named, accepted, its time ticking ──
    const teams = supervisor.getByRole("tabpanel", { name: "Teams" }).getByRole("table");
    const adaRow = teams.getByRole("row", { name: /Ada Lovelace/ });
    await expect.poll(() => cell(adaRow, teams, "Current tasks"), WAIT).toMatch(/^On webGrace HopperAccepted\d+:\d\d$/);
    await supervisor.screenshot({ path: join(SHOTS, "teams-tasks.png") });

    // ── Live: the chat is listed; Watch opens the transcript beside the list ──
    await supervisor.getByRole("tab", { name: "Live" }).click();
    const live = supervisor.getByRole("tabpanel", { name: "Live" });
    const watch = live.getByRole("button", { name: "Watch Grace Hopper with Ada Lovelace" });
    await watch.waitFor(WAIT);
    await watch.press("Enter"); // the keyboard is enough
    const chat = live.getByRole("region", { name: "Grace Hopper with Ada Lovelace" });
    const transcript = chat.getByRole("log", { name: "Conversation with Grace Hopper" });
    await transcript.getByText("Where is my parcel?").waitFor(WAIT);
    await chat.getByText("You are watching: the customer does not see you.").waitFor(WAIT);

    // ── a whisper: the agent sees it, marked; the visitor never does ──
    const whisper = chat.getByRole("textbox", { name: "Whisper to Ada Lovelace" });
    await expect.poll(() => whisper.isEnabled(), WAIT).toBe(true);
    await whisper.fill("She ordered express, offer a refund of the shipping");
    await whisper.press("Enter");
    const whispered = agentLog.locator(".sb-chat__message", { hasText: "She ordered express" });
    await whispered.waitFor(WAIT);
    expect(await whispered.textContent()).toContain("Whisper");
    await transcript.getByText("She ordered express, offer a refund of the shipping").waitFor(WAIT);
    expect(await seriousViolations(supervisor)).toEqual([]);
    await supervisor.screenshot({ path: join(SHOTS, "supervisor-live.png") });

    // ── the supervisor joins and writes: the visitor sees it (and still not the whisper) ──
    await chat.getByRole("button", { name: "Join conversation" }).click();
    await chat.getByText("You joined: the customer sees what you write.").waitFor(WAIT);
    const reply = chat.getByRole("textbox", { name: "Reply to Grace Hopper" });
    await expect.poll(() => reply.isEnabled(), WAIT).toBe(true);
    await reply.fill("Hello Grace, I am Ada's team lead: the shipping is refunded.");
    await reply.press("Enter");
    await widgetLog.locator(".msg", { hasText: "the shipping is refunded" }).waitFor(WAIT);
    await agentLog.getByText("Hello Grace, I am Ada's team lead: the shipping is refunded.").waitFor(WAIT);
    expect(await widgetLog.textContent()).not.toContain("She ordered express");
    expect(await seriousViolations(supervisor)).toEqual([]);

    // ── and leaves: back to watching ──
    await chat.getByRole("button", { name: "Leave conversation" }).click();
    await chat.getByText("You are watching: the customer does not see you.").waitFor(WAIT);
    await chat.getByRole("button", { name: "Join conversation" }).waitFor(WAIT);

    // ── each action is an event of the workspace, about Ada's task ──
    const [task] = await team.ws.tasks.list({ assignmentStatus: ["assigned"] });
    await expect
      .poll(() => supervisorEvents(team, task!.sid), WAIT)
      .toEqual(["supervisor.barge.joined", "supervisor.barge.left", "supervisor.monitor", "supervisor.whisper"]);

    expect(problems).toEqual([]);
    await Promise.all([agentContext.close(), supervisorContext.close(), customerContext.close()]);
  });
});
