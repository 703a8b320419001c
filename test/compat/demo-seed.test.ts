/**
 * The demo workspace `npm start` seeds: built through the public API, it routes as described, its agents
 * start Offline, its web chat channel serves the demo shop on Switchboard's own origin, the team it
 * creates (admin, supervisor, three agents) signs in with the passwords it reports — and seeding again,
 * or seeding a demo made by the seed before the web chat channel existed, creates nothing twice.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { seedDemo } from "../../scripts/seed-demo.mjs";
import { raw, switchboardClient } from "./client";

let demo: Awaited<ReturnType<typeof seedDemo>>;
beforeAll(async () => {
  demo = await seedDemo(inject("baseUrl"), inject("accountSid"), inject("authToken"), {
    adminEmail: "Admin@Example.com",
    adminPassword: "demo-admin-password",
  });
});

it("seeds queues, a language-aware workflow and three agents who start Offline until they choose otherwise", async () => {
  const ws = switchboardClient().taskrouter.v1.workspaces(demo.workspaceSid);
  const workers = await ws.workers.list();
  expect(workers.map((w) => [w.friendlyName, w.activityName])).toEqual([
    ["Ada", "Offline"],
    ["Ben", "Offline"],
    ["Cleo", "Offline"],
  ]);
  // Nobody is rung while everyone is Offline.
  const waiting = await ws.tasks.create({ workflowSid: demo.workflowSid, attributes: JSON.stringify({ type: "support", language: "es" }) });
  expect(await ws.tasks(waiting.sid).reservations.list()).toEqual([]);
  await ws.tasks(waiting.sid).update({ assignmentStatus: "canceled", reason: "test over" });

  // Ada and Cleo go Available, as they would in the desktop; a Spanish support request goes to Cleo,
  // the one support agent who speaks Spanish.
  const [available] = await ws.activities.list({ friendlyName: "Available" });
  for (const worker of workers.filter((w) => w.friendlyName !== "Ben"))
    await ws.workers(worker.sid).update({ activitySid: available!.sid });
  const task = await ws.tasks.create({ workflowSid: demo.workflowSid, attributes: JSON.stringify({ type: "support", language: "es" }) });
  const [reservation] = await ws.tasks(task.sid).reservations.list();
  expect(reservation?.workerName).toBe("Cleo");
  await ws.tasks(task.sid).update({ assignmentStatus: "canceled", reason: "test over" });
});

it("seeds a web chat channel routed by the demo workflow, open to Switchboard's own origin only", async () => {
  const base = inject("baseUrl");
  const channel = await raw("GET", `/api/workspaces/${demo.workspaceSid}/channels/${demo.channelSid}`);
  expect(channel.status).toBe(200);
  expect(channel.body).toMatchObject({ kind: "webchat", workflow_sid: demo.workflowSid, task_channel: "chat" });
  expect((channel.body as { settings: Record<string, unknown> }).settings.allowed_origins).toBeUndefined();

  const config = (origin: string) => fetch(`${base}/api/webchat/${demo.workspaceSid}/${demo.channelSid}/config`, { headers: { origin } });
  const own = await config(base);
  expect(own.status).toBe(200);
  expect(await own.json()).toMatchObject({ title: "Copper Kettle", prechat_fields: ["name"] });
  expect((await config("https://elsewhere.example")).status).toBe(403);

  // A visitor's first message becomes a task of the demo workflow in the Support queue.
  const session = await fetch(`${base}/api/webchat/${demo.workspaceSid}/${demo.channelSid}/sessions`, {
    method: "POST",
    headers: { origin: base, "content-type": "application/json" },
    body: JSON.stringify({ name: "Grace" }),
  });
  expect(session.status).toBe(200);
  const { token } = (await session.json()) as { token: string };
  const sent = await fetch(`${base}/api/webchat/${demo.workspaceSid}/${demo.channelSid}/messages`, {
    method: "POST",
    headers: { origin: base, "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ client_id: "first", body: "Where is my order 1042?" }),
  });
  expect(sent.status).toBeLessThan(300);
  const ws = switchboardClient().taskrouter.v1.workspaces(demo.workspaceSid);
  let tasks = await ws.tasks.list({ assignmentStatus: ["pending", "reserved"] });
  for (let i = 0; i < 40 && tasks.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 250));
    tasks = await ws.tasks.list({ assignmentStatus: ["pending", "reserved"] });
  }
  expect(tasks.map((t) => [t.workflowSid, t.taskQueueFriendlyName, t.taskChannelUniqueName])).toEqual([
    [demo.workflowSid, "Support", "chat"],
  ]);
  await ws.tasks(tasks[0]!.sid).update({ assignmentStatus: "canceled", reason: "test over" });
});

it("seeds the team: an admin, a supervisor and three agents linked to their workers, whose printed passwords sign in", async () => {
  const base = inject("baseUrl");
  expect(demo.users.map((u) => [u.email, u.role, u.created])).toEqual([
    ["admin@example.com", "admin", true],
    ["supervisor@example.com", "supervisor", true],
    ["ada@example.com", "agent", true],
    ["ben@example.com", "agent", true],
    ["cleo@example.com", "agent", true],
  ]);
  // One shared demo password for the supervisor and the agents: 12 random bytes, base64url.
  expect(demo.demoPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);

  for (const user of demo.users) {
    const res = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(res.status, user.email).toBe(200);
    const cookie = /^sb_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")?.[0] ?? "";
    const me = (await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as {
      user: { role: string; workspace_sid: string | null };
      worker: { friendly_name: string } | null;
    };
    expect(me.user.role).toBe(user.role);
    if (user.role !== "admin") expect(me.user.workspace_sid).toBe(demo.workspaceSid);
    // Each agent is linked to the worker of their name: ada@ → Ada.
    if (user.role === "agent") expect(me.worker?.friendly_name.toLowerCase()).toBe(user.email.split("@")[0]);
  }
});

describe("seeding again", () => {
  it("finds everything and creates nothing: one workspace, one channel, the same sign-ins", async () => {
    const again = await seedDemo(inject("baseUrl"), inject("accountSid"), inject("authToken"), {
      adminEmail: "admin@example.com",
      adminPassword: "other-admin-password",
    });
    expect(again.created).toEqual([]);
    expect(again).toMatchObject({
      workspaceSid: demo.workspaceSid,
      workflowSid: demo.workflowSid,
      channelSid: demo.channelSid,
      workers: demo.workers,
    });
    // Existing sign-ins are kept (409s are expected) and reported as such.
    expect(again.users.every((u) => !u.created && u.password === null)).toBe(true);
    const client = switchboardClient().taskrouter.v1;
    expect(await client.workspaces.list({ friendlyName: "Demo contact center" })).toHaveLength(1);
    expect(await client.workspaces(demo.workspaceSid).taskQueues.list()).toHaveLength(2);
    const channels = await raw("GET", `/api/workspaces/${demo.workspaceSid}/channels`);
    expect((channels.body as { channels: unknown[] }).channels).toHaveLength(1);
  });

  it("adds the web chat channel to a demo seeded before it existed, and takes its never-signed-in agents Offline", async () => {
    // What the earlier seed made: the same queues, workflow and agents, all Available, and no channel.
    const client = switchboardClient().taskrouter.v1;
    const old = await client.workspaces.create({ friendlyName: "Demo seeded by an older npm start" });
    const ws = client.workspaces(old.sid);
    const [available] = await ws.activities.list({ friendlyName: "Available" });
    const support = await ws.taskQueues.create({ friendlyName: "Support", targetWorkers: "skills HAS 'support'" });
    await ws.taskQueues.create({ friendlyName: "Sales", targetWorkers: "skills HAS 'sales'" });
    const configuration = { task_routing: { filters: [], default_filter: { queue: support.sid } } };
    const workflow = await ws.workflows.create({ friendlyName: "Demo routing", configuration: JSON.stringify(configuration) });
    for (const name of ["Ada", "Ben", "Cleo"])
      await ws.workers.create({ friendlyName: name, activitySid: available!.sid, attributes: "{}" });

    const upgraded = await seedDemo(inject("baseUrl"), inject("accountSid"), inject("authToken"), {
      workspaceName: "Demo seeded by an older npm start",
    });
    expect(upgraded.created).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(workspace|queue|workflow|worker) /)]));
    expect(upgraded.created).toContain("web chat channel");
    expect(upgraded).toMatchObject({ workspaceSid: old.sid, workflowSid: workflow.sid });
    expect((await ws.workers.list()).map((w) => [w.friendlyName, w.activityName])).toEqual([
      ["Ada", "Offline"],
      ["Ben", "Offline"],
      ["Cleo", "Offline"],
    ]);
    const channel = await raw("GET", `/api/workspaces/${old.sid}/channels/${upgraded.channelSid}`);
    expect(channel.body).toMatchObject({ kind: "webchat", workflow_sid: workflow.sid });

    // Once only: an agent who goes Available afterwards stays so when the seed runs again.
    const ada = (await ws.workers.list({ friendlyName: "Ada" }))[0]!;
    await ws.workers(ada.sid).update({ activitySid: available!.sid });
    const later = await seedDemo(inject("baseUrl"), inject("accountSid"), inject("authToken"), {
      workspaceName: "Demo seeded by an older npm start",
    });
    expect(later.created.filter((what) => !what.startsWith("user "))).toEqual([]);
    expect((await ws.workers(ada.sid).fetch()).activityName).toBe("Available");
  });
});
