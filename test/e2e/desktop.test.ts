/**
 * The agent desktop and the supervisor views in a real browser against the compat suite's `wrangler
 * dev`: a team set up through the stock client and REST (a workspace, a chat queue, a web chat channel,
 * an agent and a supervisor who sign in with passwords, the sample plugin registered for the workspace
 * and served cross-origin from this test's own http server). The agent signs in and goes Available; the
 * supervisor watches Teams and Queue Stats; the sample plugin's beforeAcceptTask listener blocks a task
 * marked `blocked`; a visitor writes through the widget (with a card number); the agent's incoming panel
 * rings, the agent accepts with Alt+A, reads the masked message, replies, opens the plugin's panel,
 * wraps up with a disposition and completes; the supervisor's views follow each step. Ends with the
 * desktop in Arabic, right to left. Screenshots go to test/e2e/screenshots/ (git-ignored).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { seriousViolations } from "../support/axe";
import { SHOTS, WAIT, cell, deskScene, goAvailable, rest, signIn, watchedPage } from "./desk-team";

const PLUGIN_SOURCE = readFileSync(join(process.cwd(), "examples", "plugins", "sample-plugin.js"), "utf8");
const CARD = "4111 1111 1111 1111";

describe("the agent desktop and the supervisor views in a browser", () => {
  const scene = deskScene();

  it("rings, accepts, chats, wraps up and completes a web chat while the supervisor watches", { timeout: 90_000 }, async () => {
    const problems: string[] = [];
    // ── the team (a chat queue, Ada's worker Offline until she says otherwise, a web chat channel, the people) ──
    const team = await scene.team("e2e-desktop", { pluginSource: PLUGIN_SOURCE });
    const browser = scene.browser();
    const { workspace, ws, workflow, agentEmail, supervisorEmail } = team;
    const site = team.site;

    // ── the wrap-up codes and the plugin ──
    const settings = await rest("POST", `/api/workspaces/${workspace.sid}/desktop-settings`, [
      ["DispositionCode", "Refund issued"],
      ["DispositionCode", "Resolved"],
    ]);
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    const plugin = await rest("POST", `/api/workspaces/${workspace.sid}/plugins`, [
      ["Url", `${site.origin}/sample-plugin.js`],
      ["FriendlyName", "Sample"],
    ]);
    expect(plugin.status, JSON.stringify(plugin.body)).toBe(201);

    // ── the agent signs in and goes Available ──
    // A 1280 × 720 laptop: the smallest screen the desk is made for.
    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const agent = await watchedPage(agentContext, problems, "agent");
    await signIn(agent, agentEmail, "desktop-1-sign-in.png");
    await agent.getByRole("button", { name: "Account of Ada Lovelace" }).waitFor(WAIT);
    // The socket's hello lists every activity of the workspace, so an agent who starts Offline can pick Available.
    await goAvailable(agent);
    expect(await agent.getByLabel("Activity").getAttribute("data-available")).toBe("true");
    // The sample plugin was fetched cross-origin from the team's server (it loads in the background).
    await expect.poll(() => site.pluginHits(), WAIT).toBeGreaterThan(0);

    // ── the supervisor signs in: Teams shows Ada, Available ──
    const supervisorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const supervisor = await watchedPage(supervisorContext, problems, "supervisor");
    await signIn(supervisor, supervisorEmail);
    const teamsTab = supervisor.getByRole("tab", { name: "Teams" });
    const queuesTab = supervisor.getByRole("tab", { name: "Queue Stats" });
    await teamsTab.waitFor(WAIT);
    expect(await teamsTab.getAttribute("aria-selected")).toBe("true");
    const teams = supervisor.getByRole("tabpanel", { name: "Teams" }).getByRole("table");
    const adaRow = teams.getByRole("row", { name: /Ada Lovelace/ });
    await adaRow.waitFor(WAIT);
    await expect.poll(() => cell(adaRow, teams, "Activity"), WAIT).toBe("Available");
    expect(await cell(adaRow, teams, "Skills")).toBe("billing");
    expect(await cell(adaRow, teams, "Team")).toBe("Tier 1");
    const queues = supervisor
      .getByRole("tabpanel", { name: "Queue Stats", includeHidden: true })
      .getByRole("table", { includeHidden: true });
    const queueRow = queues.getByRole("row", { name: /Chat support/, includeHidden: true });

    // ── the sample plugin's beforeAcceptTask: a task marked blocked is never accepted ──
    const blocked = await ws.tasks.create({
      workflowSid: workflow.sid,
      taskChannel: "chat",
      attributes: JSON.stringify({ name: "Blocked Bob", blocked: true }),
    });
    const bobRinging = agent.getByRole("group", { name: "Incoming chat from Blocked Bob" });
    await bobRinging.waitFor(WAIT);
    await bobRinging.getByRole("button", { name: /Accept/ }).click();
    const warning = agent.getByRole("listitem").filter({ hasText: `Task ${blocked.sid} is blocked and cannot be accepted.` });
    await warning.waitFor(WAIT);
    const [bobReservation] = await ws.tasks(blocked.sid).reservations.list();
    expect(bobReservation?.reservationStatus).toBe("pending"); // the listener canceled the action: no accept was sent
    await ws.tasks(blocked.sid).update({ assignmentStatus: "canceled", reason: "blocked" });
    await bobRinging.waitFor({ state: "detached", ...WAIT });
    await warning.getByRole("button", { name: "Dismiss" }).click();
    await warning.waitFor({ state: "detached", ...WAIT });

    // ── a visitor writes through the widget, with a card number ──
    const customerContext = await browser.newContext({ viewport: { width: 900, height: 720 } });
    const customer = await watchedPage(customerContext, problems, "customer");
    await customer.goto(site.origin);
    const widget = customer.locator("switchboard-chat");
    await widget.getByRole("button", { name: "Open chat" }).click(WAIT);
    // Seen once in a full run: the pre-chat form never came. Say what the widget showed instead, and what failed.
    await widget
      .getByLabel("Name")
      .waitFor({ timeout: 30_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\nthe widget showed: ${await widget.innerText()}\nproblems: ${JSON.stringify(problems)}`);
      });
    await widget.getByLabel("Name").fill("Grace Hopper");
    await widget.getByLabel("Email").fill("grace@example.com");
    await widget.getByRole("button", { name: "Start chat" }).click();
    const widgetComposer = widget.getByRole("textbox", { name: "Type your message…" });
    await widgetComposer.fill(`Hi, my card ${CARD} was charged twice`);
    await widgetComposer.press("Enter");
    const widgetLog = widget.getByRole("log");

    // ── the agent's incoming panel rings, with a countdown ──
    const ringing = agent.getByRole("group", { name: "Incoming chat from Grace Hopper" });
    await ringing.waitFor(WAIT);
    expect(await ringing.getAttribute("data-ring-at")).toMatch(/^\d+(\.\d+)?$/);
    await expect.poll(async () => (await ringing.getByRole("timer").textContent()) ?? "", WAIT).toMatch(/^\d+s$/);
    expect(await ringing.getByText("Queue: Chat support").isVisible()).toBe(true);
    const ringTimes = await agent.evaluate(() => (globalThis as unknown as { __sbRingTimes?: { reservationSid: string }[] }).__sbRingTimes);
    expect(ringTimes?.length).toBe(2); // Bob's and Grace's
    await agent.screenshot({ path: join(SHOTS, "desktop-2-ringing.png") });
    expect(await seriousViolations(agent)).toEqual([]); // the ringing card

    // ── the supervisor sees it: Ada holds a chat reservation, the queue has one waiting ──
    await expect.poll(() => cell(adaRow, teams, "Tasks"), WAIT).toContain("chat: 1 of 2");
    await supervisor.screenshot({ path: join(SHOTS, "desktop-5-supervisor-teams.png") });
    expect(await seriousViolations(supervisor)).toEqual([]);
    await queuesTab.click();
    await queueRow.waitFor(WAIT);
    await expect.poll(() => cell(queueRow, queues, "Waiting"), WAIT).toBe("1");
    await supervisor.screenshot({ path: join(SHOTS, "desktop-6-queue-stats.png") });
    // The wall in the dark theme too, for a wall screen in a dim room; then back to light.
    await supervisor.getByRole("button", { name: "Settings" }).click();
    await supervisor.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect.poll(() => supervisor.locator("html").getAttribute("data-theme"), WAIT).toBe("dark");
    expect(await seriousViolations(supervisor)).toEqual([]);
    await supervisor.screenshot({ path: join(SHOTS, "desktop-9-wall-dark.png") });
    await supervisor.getByRole("button", { name: "Settings" }).click();
    await supervisor.getByRole("menuitemradio", { name: "Light" }).click();

    // ── the agent accepts with Alt+A: the canvas opens on the chat, the card masked ──
    await agent.keyboard.press("Alt+KeyA");
    await ringing.waitFor({ state: "detached", ...WAIT });
    const canvas = agent.locator("section.sb-task:not([hidden])");
    await canvas.getByRole("heading", { name: "Grace Hopper" }).waitFor(WAIT);
    // Counted from the server's accept: a few seconds at most, whatever this machine's clock says.
    await expect
      .poll(async () => (await canvas.locator("header time").getAttribute("aria-label")) ?? "", WAIT)
      .toMatch(/^With you for 0:0\d$/);
    const tasks = agent.getByRole("listbox", { name: /Tasks/ });
    await tasks.getByRole("option", { name: /Grace Hopper/ }).waitFor(WAIT);
    const chatLog = canvas.getByRole("log", { name: "Conversation with Grace Hopper" });
    await chatLog.getByText("Hi, my card **** **** **** 1111 was charged twice").waitFor(WAIT);
    expect(await chatLog.textContent()).not.toContain(CARD);

    // ── the agent replies; the visitor sees it ──
    const composer = canvas.getByRole("textbox", { name: "Type a message…" });
    await expect.poll(() => composer.isEnabled(), WAIT).toBe(true);
    await composer.fill("Sorry about that, Grace! Refunding one now.");
    await composer.press("Enter");
    await chatLog.getByText("Sorry about that, Grace! Refunding one now.").waitFor(WAIT);
    await widgetLog.locator(".msg", { hasText: "Refunding one now" }).waitFor(WAIT);
    // ── an internal note: the team sees it, marked; the visitor never does (checked after the chat) ──
    await canvas.getByRole("button", { name: "Internal note" }).click();
    const noteBox = canvas.getByRole("textbox", { name: "Internal note — only your team sees it…" });
    await noteBox.fill("Second charge is a known gateway bug: refund, no questions");
    await canvas.getByRole("button", { name: "Add note" }).click();
    const noteBubble = chatLog.locator(".sb-chat__message[data-staff]", { hasText: "known gateway bug" });
    await noteBubble.waitFor(WAIT);
    expect(await noteBubble.locator(".sb-chat__author").textContent()).toContain("Internal note");
    await canvas.getByRole("button", { name: "Internal note" }).click(); // back to replying
    // The task card: the last line of the conversation, the note marked as one.
    const card = tasks.getByRole("option", { name: /Grace Hopper/ });
    await expect.poll(async () => (await card.locator(".sb-card-preview").textContent()) ?? "", WAIT).toContain("known gateway bug");
    expect(await card.locator(".sb-card-preview").getAttribute("data-staff")).not.toBeNull();
    await agent.screenshot({ path: join(SHOTS, "desktop-3-chat.png") });
    expect(await seriousViolations(agent)).toEqual([]); // the desk with a task open, the customer beside it

    // ── the sample plugin's panel in the customer pane, beside the chat ──
    const customerPane = canvas.getByRole("complementary", { name: "Customer" });
    const pluginPanel = customerPane.getByRole("heading", { name: "Sample plugin" });
    await pluginPanel.waitFor(WAIT);
    expect(await customerPane.getByText(`Workspace ${workspace.sid} · signed in as ${agentEmail}`).isVisible()).toBe(true);
    expect(await composer.isVisible()).toBe(true); // the chat is still there beside it

    // ── the supervisor: the task accepted, the queue empty again, today's figures live ──
    await expect.poll(() => cell(queueRow, queues, "Waiting"), WAIT).toBe("0");
    // Ada holds one chat of two: she can take one more, so she is not busy.
    expect([await cell(queueRow, queues, "Can take work now"), await cell(queueRow, queues, "Agents busy")]).toEqual(["1", "0"]);
    await expect.poll(() => cell(queueRow, queues, "Tasks today"), WAIT).toMatch(/\b1 accepted\b/);
    expect(await cell(queueRow, queues, "Service level")).not.toBe("No answers yet");
    await teamsTab.click();
    await expect.poll(() => cell(adaRow, teams, "Tasks"), WAIT).toContain("chat: 1 of 2");

    // ── wrap-up with a disposition, then complete ──
    await canvas.getByRole("button", { name: "Wrap up" }).click();
    const dispositions = canvas.getByRole("radiogroup", { name: "Disposition" });
    await dispositions.waitFor(WAIT);
    const complete = canvas.getByRole("button", { name: "Complete" });
    expect(await complete.isDisabled()).toBe(true); // a code first
    await dispositions.getByRole("radio", { name: "Refund issued" }).check();
    const wrapupPanel = canvas.getByRole("region", { name: "Wrap-up" });
    await wrapupPanel.getByRole("textbox", { name: "Notes (your team only)" }).fill("Refunded the duplicate charge");
    await agent.screenshot({ path: join(SHOTS, "desktop-4-wrap-up.png") });
    // All of it on the laptop's screen: nothing wider than the window, Complete in view without scrolling.
    expect(await agent.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    const completeBox = await complete.boundingBox();
    expect(completeBox !== null && completeBox.y + completeBox.height <= 720).toBe(true);
    expect(await seriousViolations(agent)).toEqual([]); // the wrap-up panel
    const task = await ws.tasks.list({ assignmentStatus: ["wrapping"] });
    expect(task.map((t) => JSON.parse(t.attributes).customerName as unknown)).toEqual(["Grace Hopper"]);
    await complete.click();
    await agent.getByText("No tasks. New ones appear here.").waitFor(WAIT);
    const done = await ws.tasks(task[0]!.sid).fetch();
    expect(done.assignmentStatus).toBe("completed");
    expect(done.reason).toBe("Refund issued");
    // The notes stayed with the conversation, for staff only, beside the agent's internal note.
    const conversationSid = JSON.parse(done.attributes).conversationSid as string;
    const listed = await fetch(`${inject("baseUrl")}/conversations/v1/Conversations/${conversationSid}/Messages?PageSize=50`, {
      headers: { authorization: "Basic " + Buffer.from(`${inject("accountSid")}:${inject("authToken")}`).toString("base64") },
    });
    const { messages } = (await listed.json()) as { messages: { body: string; visibility: string }[] };
    expect(messages.filter((m) => m.visibility === "staff").map((m) => m.body)).toEqual([
      "Second charge is a known gateway bug: refund, no questions",
      "Wrap-up (Refund issued): Refunded the duplicate charge",
    ]);

    // ── the visitor, back after the chat closed: its transcript, Ada still named on her reply ──
    await customer.reload();
    await widget.getByRole("button", { name: "Open chat" }).click(WAIT);
    await widget.getByText("This conversation has ended. Write again to start a new one.").waitFor(WAIT);
    expect(await widgetLog.locator(".msg", { hasText: "Refunding one now" }).locator(".who").textContent()).toBe("Ada Lovelace");
    expect(await widgetLog.locator(".note").allTextContents()).toContain("Ada Lovelace left");
    expect(await widgetLog.textContent()).not.toMatch(/gateway bug|Refunded the duplicate/); // notes are staff only
    await customer.screenshot({ path: join(SHOTS, "desktop-8-visitor-after-close.png") });

    // ── the supervisor's Teams: Ada still Available, nothing in hand ──
    await expect.poll(() => cell(adaRow, teams, "Tasks"), WAIT).toMatch(/^Room: .*\bchat 2\b/);
    expect(await cell(adaRow, teams, "Activity")).toBe("Available");
    await queuesTab.click();
    expect(await cell(queueRow, queues, "Waiting")).toBe("0");
    await expect.poll(() => cell(queueRow, queues, "Tasks today"), WAIT).toMatch(/\b1 completed\b/);

    // ── the desktop in Arabic: right to left, the catalog's strings ──
    await agent.getByRole("button", { name: "Settings" }).click();
    await agent.getByRole("menuitemradio", { name: "العربية" }).click();
    const html = agent.locator("html");
    await expect.poll(() => html.getAttribute("dir"), WAIT).toBe("rtl");
    expect(await html.getAttribute("lang")).toBe("ar");
    await agent.getByRole("button", { name: "الإعدادات" }).waitFor(WAIT);
    // One more task rings, so the picture shows the incoming panel right to left too; then it is withdrawn.
    const last = await ws.tasks.create({ workflowSid: workflow.sid, taskChannel: "chat", attributes: JSON.stringify({ name: "Layla" }) });
    const arabicRing = agent.locator(".sb-incoming");
    await arabicRing.getByRole("button", { name: /قبول/ }).waitFor(WAIT);
    expect(await arabicRing.getAttribute("aria-label")).toContain("Layla");
    await agent.screenshot({ path: join(SHOTS, "desktop-7-arabic-rtl.png") });
    expect(await seriousViolations(agent)).toEqual([]); // right to left, in Arabic
    await ws.tasks(last.sid).update({ assignmentStatus: "canceled", reason: "end of test" });
    await arabicRing.waitFor({ state: "detached", ...WAIT });

    expect(problems).toEqual([]);
    await Promise.all([agentContext.close(), supervisorContext.close(), customerContext.close()]);
  });
});
