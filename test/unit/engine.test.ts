/**
 * A task's whole routing life through the engine: workflow filter and targets, target timeouts that
 * move it on, skip_if, priority overrides, re-evaluation on new attributes, acceptance and cancelation.
 */
import { describe, expect, it } from "vitest";
import { RoutingEngine, type NewTask } from "../../durable-objects/router/engine";
import type { WorkerInput } from "../../durable-objects/router/matcher/types";
import { parseTaskQueueConfig, type TaskQueueInput } from "../../durable-objects/router/queues/task-queue";
import { parseWorkflowConfiguration } from "../../durable-objects/router/workflow/configuration";

const SUPPORT = "WQ" + "1".repeat(32);
const SALES = "WQ" + "2".repeat(32);
const EVERYONE = "WQ" + "3".repeat(32);
const WORKFLOW = "WW" + "1".repeat(32);
const AVAILABLE = "WA" + "a".repeat(32);
const wk = (n: number) => "WK" + String(n).padStart(32, "0");
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function queue(input: TaskQueueInput) {
  const parsed = parseTaskQueueConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.queue;
}

function worker(n: number, attributes: WorkerInput["attributes"], available = true): WorkerInput {
  return {
    sid: wk(n),
    friendlyName: `agent${n}`,
    activitySid: AVAILABLE,
    activityName: available ? "Available" : "Offline",
    activityAvailable: available,
    attributes,
    channels: { chat: { capacity: 2, assigned: 0, enabled: true } },
    idleSince: n,
  };
}

let count = 0;
const task = (attributes: NewTask["attributes"], priority = 0): NewTask => ({
  sid: "WT" + String(++count).padStart(32, "0"),
  workflowSid: WORKFLOW,
  attributes,
  priority,
  channel: "chat",
  order: count,
});

function engineWith(configuration: object, workers: WorkerInput[]) {
  const engine = new RoutingEngine();
  engine.upsertQueue(queue({ sid: SUPPORT, targetWorkers: "skills HAS 'support'" }), T0);
  engine.upsertQueue(queue({ sid: SALES, targetWorkers: "skills HAS 'sales'" }), T0);
  engine.upsertQueue(queue({ sid: EVERYONE }), T0);
  const parsed = parseWorkflowConfiguration(configuration, { queueExists: (sid) => [SUPPORT, SALES, EVERYONE].includes(sid) });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  engine.upsertWorkflow(WORKFLOW, parsed.configuration, T0);
  for (const w of workers) engine.upsertWorker(w, T0);
  return engine;
}

describe("routing engine", () => {
  it("tries the preferred agents first, then the whole queue once the target times out", () => {
    const engine = engineWith(
      {
        task_routing: {
          filters: [
            {
              filter_friendly_name: "Support",
              expression: "type == 'support'",
              targets: [{ queue: SUPPORT, expression: "worker.sid IN task.preferred", timeout: 15 }, { queue: SUPPORT }],
            },
          ],
          default_filter: { queue: EVERYONE },
        },
      },
      [worker(1, { skills: ["support"] }), worker(2, { skills: ["support"] }, false)],
    );
    const t = task({ type: "support", preferred: [wk(2)] });
    // The preferred agent is offline: nothing yet, and the alarm should fire when the target times out.
    expect(engine.createTask(t, T0).reservations).toEqual([]);
    expect(engine.nextDeadline()).toBe(T0 + 15_000);
    expect(engine.tick(T0 + 14_999).reservations).toEqual([]);
    const moved = engine.tick(T0 + 15_000);
    expect(moved.reservations).toEqual([{ taskSid: t.sid, workerSid: wk(1), channel: "chat" }]);
    expect(moved.events.map((e) => e.type)).toContain("workflow.target-matched");
    expect(engine.routed(t.sid)?.step?.targetIndex).toBe(1);
    expect(engine.nextDeadline()).toBeNull();
  });

  it("goes to the default filter when the last target times out", () => {
    const engine = engineWith(
      {
        task_routing: { filters: [{ expression: "1==1", targets: [{ queue: SALES, timeout: 30 }] }], default_filter: { queue: EVERYONE } },
      },
      [worker(1, { skills: ["support"] })],
    );
    const t = task({});
    expect(engine.createTask(t, T0).reservations).toEqual([]);
    const out = engine.tick(T0 + 30_000);
    expect(out.events.map((e) => e.type)).toContain("workflow.timeout");
    expect(engine.routed(t.sid)?.step?.target.queue).toBe(EVERYONE);
    expect(out.reservations.map((r) => r.workerSid)).toEqual([wk(1)]);
  });

  it("skips a step with skip_if only when no reservation could be made at once", () => {
    const config = {
      task_routing: {
        filters: [{ expression: "1==1", targets: [{ queue: SALES, skip_if: "workers.available == 0", timeout: 60 }, { queue: SUPPORT }] }],
      },
    };
    // No sales agent at all: skipped straight to support.
    const skipping = engineWith(config, [worker(1, { skills: ["support"] })]);
    const out = skipping.createTask(task({}), T0);
    expect(out.events.map((e) => e.type)).toContain("workflow.skipped");
    expect(out.reservations.map((r) => r.workerSid)).toEqual([wk(1)]);
    // A sales agent exists but is busy to capacity: workers.available is 1, so the task waits in sales.
    const waiting = engineWith(config, [worker(2, { skills: ["sales"] }), worker(1, { skills: ["support"] })]);
    waiting.updateChannel(wk(2), "chat", { capacity: 0 }, T0);
    const stays = task({});
    expect(waiting.createTask(stays, T0).reservations).toEqual([]);
    expect(waiting.routed(stays.sid)?.step?.target.queue).toBe(SALES);
  });

  it("applies a target's priority when the task enters the step", () => {
    const engine = engineWith(
      { task_routing: { filters: [{ expression: "vip == true", targets: [{ queue: SUPPORT, priority: 10 }] }] } },
      [],
    );
    const t = task({ vip: true }, 1);
    engine.createTask(t, T0);
    expect(engine.routed(t.sid)?.priority).toBe(10);
  });

  it("re-evaluates a waiting task from the top when its attributes change", () => {
    const engine = engineWith(
      {
        task_routing: {
          filters: [
            { expression: "type == 'support'", targets: [{ queue: SUPPORT }] },
            { expression: "type == 'sales'", targets: [{ queue: SALES }] },
          ],
        },
      },
      [worker(1, { skills: ["sales"] })],
    );
    const t = task({ type: "support" });
    expect(engine.createTask(t, T0).reservations).toEqual([]);
    const out = engine.updateTaskAttributes(t.sid, { type: "sales" }, T0 + 1000);
    expect(out.events.map((e) => e.type)).toContain("task-queue.moved");
    expect(out.reservations.map((r) => r.workerSid)).toEqual([wk(1)]);
  });

  it("rescinds the other reservations on acceptance and frees their capacity for the next task", () => {
    const engine = engineWith({ task_routing: { filters: [], default_filter: { queue: EVERYONE } } }, [worker(1, {}), worker(2, {})]);
    engine.upsertQueue(queue({ sid: EVERYONE, maxReservedWorkers: 2 }), T0);
    const first = task({});
    expect(
      engine
        .createTask(first, T0)
        .reservations.map((r) => r.workerSid)
        .sort(),
    ).toEqual([wk(1), wk(2)]);
    const accepted = engine.acceptReservation(first.sid, wk(1), T0 + 1);
    expect(accepted.released).toEqual([{ taskSid: first.sid, workerSid: wk(2) }]);
    const cancel = task({});
    engine.createTask(cancel, T0 + 2);
    expect(engine.cancelTask(cancel.sid, T0 + 3).released.length).toBeGreaterThan(0);
  });
});
