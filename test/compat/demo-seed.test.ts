/** The demo workspace `npm start` seeds: built through the public API, and it routes as described. */
import { expect, inject, it } from "vitest";
import { seedDemo } from "../../scripts/seed-demo.mjs";
import { switchboardClient } from "./client";

it("seeds queues, a language-aware workflow and three available agents that take tasks", async () => {
  const demo = await seedDemo(inject("baseUrl"), inject("accountSid"), inject("authToken"));
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
