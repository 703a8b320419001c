/**
 * Rebuilding the engine after the Router DO wakes: a restored task keeps its step, its open
 * reservations and its exclusions, routes nothing by itself, and behaves afterwards exactly as the task
 * in an engine that never stopped. Also: events name their task, and order/channel updates re-file it.
 */
import { describe, expect, it } from "vitest";
import { RoutingEngine, type NewTask } from "../../durable-objects/router/engine";
import type { WorkerInput } from "../../durable-objects/router/matcher/types";
import { parseTaskQueueConfig } from "../../durable-objects/router/queues/task-queue";
import { parseWorkflowConfiguration } from "../../durable-objects/router/workflow/configuration";

const SUPPORT = "WQ" + "1".repeat(32);
const EVERYONE = "WQ" + "3".repeat(32);
const WORKFLOW = "WW" + "1".repeat(32);
const AVAILABLE = "WA" + "a".repeat(32);
const wk = (n: number) => "WK" + String(n).padStart(32, "0");
const wt = (n: number) => "WT" + String(n).padStart(32, "0");
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

// Support first for 20 s (preferred agents only), then anyone in support; the default filter is everyone.
const CONFIG = {
  task_routing: {
    filters: [
      {
        filter_friendly_name: "Support",
        expression: "type == 'support'",
        targets: [{ queue: SUPPORT, expression: "worker.sid IN task.preferred", timeout: 20 }, { queue: SUPPORT }],
      },
    ],
    default_filter: { queue: EVERYONE },
  },
};

function worker(n: number, assigned = 0): WorkerInput {
  return {
    sid: wk(n),
    friendlyName: `agent${n}`,
    activitySid: AVAILABLE,
    activityName: "Available",
    activityAvailable: true,
    attributes: { skills: ["support"] },
    channels: { chat: { capacity: 1, assigned, enabled: true } },
    idleSince: n,
  };
}

function engine(workers: WorkerInput[], maxReservedWorkers = 1): RoutingEngine {
  const e = new RoutingEngine();
  for (const [sid, target] of [
    [SUPPORT, "skills HAS 'support'"],
    [EVERYONE, "1==1"],
  ] as const) {
    const parsed = parseTaskQueueConfig({ sid, targetWorkers: target, maxReservedWorkers });
    if (!parsed.ok) throw new Error("bad queue");
    e.upsertQueue(parsed.queue, T0);
  }
  const workflow = parseWorkflowConfiguration(CONFIG);
  if (!workflow.ok) throw new Error("bad workflow");
  e.upsertWorkflow(WORKFLOW, workflow.configuration, T0);
  for (const w of workers) e.upsertWorker(w, T0);
  return e;
}

const task = (n: number, attributes: NewTask["attributes"]): NewTask => ({
  sid: wt(n),
  workflowSid: WORKFLOW,
  attributes,
  priority: 0,
  channel: "chat",
  order: T0 + n,
});

describe("restoreTask", () => {
  it("puts a task back at its step without routing it, and keeps the step's deadline", () => {
    // Agent 1 is free and preferred, but the task was stored at target 0 with no reservation (agent 1
    // was busy then). Restoring must not reserve: that decision belongs to whatever freed agent 1.
    const e = engine([worker(1)]);
    const out = e.restoreTask(
      task(1, { type: "support", preferred: [wk(1)] }),
      { step: { filterIndex: 0, targetIndex: 0, workflowEnteredAt: T0 }, priority: 0, reservedWorkers: [], excludedWorkers: [] },
      T0 + 5_000,
    );
    expect(out).toEqual({ reservations: [], events: [], moved: [], released: [] });
    expect(e.routed(wt(1))?.step?.targetIndex).toBe(0);
    expect(e.nextDeadline()).toBe(T0 + 20_000); // entered at T0, first target times out after 20 s
  });

  it("keeps open reservations: the reserved worker is not offered the task twice, and accepting works", () => {
    // Agent 1 holds the pending reservation (capacity 1, assigned 1 counted in their input).
    const e = engine([worker(1, 1), worker(2)], 2);
    e.restoreTask(
      task(1, { type: "other" }),
      { step: { filterIndex: null, targetIndex: 0, workflowEnteredAt: T0 }, priority: 0, reservedWorkers: [wk(1)], excludedWorkers: [] },
      T0,
    );
    expect(e.matcher.reservedWorkers(wt(1))).toEqual([wk(1)]);
    // A second slot is open (max 2): offering everything reserves agent 2 only.
    expect(e.offerAll(T0 + 1).reservations).toEqual([{ taskSid: wt(1), workerSid: wk(2), channel: "chat" }]);
    const accepted = e.acceptReservation(wt(1), wk(1), T0 + 2);
    expect(accepted.released).toEqual([{ taskSid: wt(1), workerSid: wk(2) }]);
    expect(e.hasTask(wt(1))).toBe(false);
  });

  it("never offers a task again to a worker who rejected it before the restart", () => {
    const e = engine([worker(1), worker(2)]);
    e.restoreTask(
      task(1, { type: "other" }),
      { step: { filterIndex: null, targetIndex: 0, workflowEnteredAt: T0 }, priority: 0, reservedWorkers: [], excludedWorkers: [wk(1)] },
      T0,
    );
    expect(e.offerAll(T0).reservations.map((r) => r.workerSid)).toEqual([wk(2)]);
  });

  it("re-evaluates from the top when the stored step no longer exists, reporting what moved", () => {
    const e = engine([worker(1)]);
    // Filter 3 does not exist: the task goes through the workflow again, to the default filter.
    const out = e.restoreTask(
      task(1, { type: "other" }),
      { step: { filterIndex: 3, targetIndex: 0, workflowEnteredAt: T0 }, priority: 0, reservedWorkers: [], excludedWorkers: [] },
      T0 + 1,
    );
    expect(out.events.map((event) => [event.type, event.taskSid])).toEqual([
      ["workflow.target-matched", wt(1)],
      ["task-queue.entered", wt(1)],
    ]);
    expect(out.reservations.map((r) => r.workerSid)).toEqual([wk(1)]);
  });
});

describe("engine outcomes", () => {
  it("names the task of every routing event, also when one tick moves several tasks", () => {
    const e = engine([]);
    e.createTask(task(1, { type: "support", preferred: [] }), T0);
    e.createTask(task(2, { type: "support", preferred: [] }), T0 + 1_000);
    const out = e.tick(T0 + 21_000); // both first targets (20 s) have timed out
    expect(out.events.filter((event) => event.type === "workflow.target-matched").map((event) => event.taskSid)).toEqual([wt(1), wt(2)]);
  });

  it("re-files a waiting task under a new virtual start time", () => {
    const e = engine([]);
    e.createTask(task(1, { type: "other" }), T0);
    e.createTask(task(2, { type: "other" }), T0);
    // Task 2 now started before task 1, so a worker who arrives takes task 2 first.
    e.updateTask(wt(2), { order: T0 - 60_000 }, T0 + 1);
    expect(e.upsertWorker(worker(1), T0 + 2).reservations.map((r) => r.taskSid)).toEqual([wt(2)]);
  });

  it("moves a waiting task to another channel", () => {
    const e = engine([{ ...worker(1), channels: { voice: { capacity: 1, assigned: 0, enabled: true } } }]);
    expect(e.createTask(task(1, { type: "other" }), T0).reservations).toEqual([]); // nobody on chat
    expect(e.updateTask(wt(1), { channel: "voice" }, T0 + 1).reservations).toEqual([
      { taskSid: wt(1), workerSid: wk(1), channel: "voice" },
    ]);
  });
});
