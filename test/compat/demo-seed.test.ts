/**
 * The demo workspace `npm start` seeds: built through the public API, it routes as described, and the
 * team it creates (admin, supervisor, three agents) signs in with the passwords it reports.
 */
import { beforeAll, expect, inject, it } from "vitest";
import { seedDemo } from "../../scripts/seed-demo.mjs";
import { switchboardClient } from "./client";

let demo: Awaited<ReturnType<typeof seedDemo>>;
beforeAll(async () => {
  demo = await seedDemo(inject("baseUrl"), inject("accountSid"), inject("authToken"), {
    adminEmail: "Admin@Example.com",
    adminPassword: "demo-admin-password",
  });
});

it("seeds queues, a language-aware workflow and three available agents that take tasks", async () => {
  const ws = switchboardClient().taskrouter.v1.workspaces(demo.workspaceSid);
  const workers = await ws.workers.list();
  expect(workers.map((w) => [w.friendlyName, w.activityName])).toEqual([
    ["Ada", "Available"],
    ["Ben", "Available"],
    ["Cleo", "Available"],
  ]);
  // A Spanish support request goes to Cleo, the one support agent who speaks Spanish.
  const task = await ws.tasks.create({ workflowSid: demo.workflowSid, attributes: JSON.stringify({ type: "support", language: "es" }) });
  const [reservation] = await ws.tasks(task.sid).reservations.list();
  expect(reservation?.workerName).toBe("Cleo");
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

  // Seeding again keeps the existing sign-ins (409s are expected) and says so.
  const again = await seedDemo(base, inject("accountSid"), inject("authToken"), {
    adminEmail: "admin@example.com",
    adminPassword: "other-admin-password",
  });
  expect(again.users.every((u) => !u.created && u.password === null)).toBe(true);
});
