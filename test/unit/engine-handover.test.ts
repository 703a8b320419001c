/**
 * The engine's side of overflow between regions: a task entering a step whose target names another
 * region leaves the engine (offered to nobody here, its reservations let go) and is reported for
 * handover at that step; the other region's engine receives it at that step, with its deadline still
 * counted from workflow entry, and offers it to its own workers.
 */
import { describe, expect, it } from "vitest";
import { RoutingEngine, type NewTask } from "../../durable-objects/router/engine";
import type { WorkerInput } from "../../durable-objects/router/matcher/types";
import { parseTaskQueueConfig } from "../../durable-objects/router/queues/task-queue";
import { parseWorkflowConfiguration } from "../../durable-objects/router/workflow/configuration";

const HOME = "WQ" + "1".repeat(32);
const WORKFLOW = "WW" + "1".repeat(32);
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const CONFIGURATION = {
  task_routing: {
    filters: [
      {
        expression: "1==1",
        targets: [
          { queue: HOME, timeout: 30 },
          { queue: HOME, region: "eu-ireland", timeout: 60, priority: 7 },
        ],
      },
    ],
    default_filter: { queue: HOME },
  },
};
const task: NewTask = { sid: "WT" + "1".repeat(32), workflowSid: WORKFLOW, attributes: {}, priority: 0, channel: "chat", order: T0 };

function engineIn(region: string, workerSid?: string) {
  const engine = new RoutingEngine({}, region);
  const queue = parseTaskQueueConfig({ sid: HOME });
  if (!queue.ok) throw new Error("queue");
  engine.upsertQueue(queue.queue, T0);
  const parsed = parseWorkflowConfiguration(CONFIGURATION);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  engine.upsertWorkflow(WORKFLOW, parsed.configuration, T0);
  if (workerSid) {
    const worker: WorkerInput = {
      sid: workerSid,
      friendlyName: workerSid,
      activitySid: "WA" + "a".repeat(32),
      activityName: "Available",
      activityAvailable: true,
      attributes: {},
      channels: { chat: { capacity: 1, assigned: 0, enabled: true } },
      idleSince: 0,
    };
    engine.upsertWorker(worker, T0);
  }
  return engine;
}

describe("a target in another region", () => {
  it("takes the task out of this engine when its step is entered, reported for handover at that step", () => {
    const engine = engineIn("us-east");
    expect(engine.createTask(task, T0).handovers).toBeUndefined();
    const out = engine.tick(T0 + 30_000);
    expect(out.handovers?.map((h) => [h.sid, h.step?.targetIndex, h.step?.workflowEnteredAt, h.step?.deadline])).toEqual([
      [task.sid, 1, T0, T0 + 90_000],
    ]);
    // Arriving at the step (target matched, the same queue there) is the other region's to report.
    expect(out.events.map((e) => e.type)).toEqual([]);
    expect(engine.hasTask(task.sid)).toBe(false);
    expect(engine.nextDeadline()).toBeNull();
  });

  it("is routed by that region's engine at the step, with the step's priority and its deadline from workflow entry", () => {
    const ann = "WK" + "a".repeat(32);
    const engine = engineIn("eu-ireland", ann);
    const out = engine.receiveTask(task, { filterIndex: 0, targetIndex: 1, workflowEnteredAt: T0 }, T0 + 31_000);
    expect(out.events.map((e) => e.type)).toEqual(["workflow.target-matched", "task-queue.entered"]);
    expect(out.reservations.map((r) => r.workerSid)).toEqual([ann]);
    expect(out.moved.at(-1)).toMatchObject({ priority: 7, step: { targetIndex: 1, deadline: T0 + 90_000 } });
    expect(out.handovers).toBeUndefined();
  });

  it("is not another region when it names the engine's own: the task stays and waits there", () => {
    const engine = engineIn("eu-ireland");
    engine.createTask(task, T0);
    expect(engine.tick(T0 + 30_000).handovers).toBeUndefined();
    expect(engine.hasTask(task.sid)).toBe(true);
  });
});
