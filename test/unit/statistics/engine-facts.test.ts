/**
 * The statistics fed the way the Router DO will feed them: the routing engine's events through
 * `factsFromRouting`, and a fact for each reservation and status change the DO stores.
 */
import { describe, expect, it } from "vitest";
import { RoutingEngine } from "../../../durable-objects/router/engine";
import type { WorkerInput } from "../../../durable-objects/router/matcher/types";
import { parseTaskQueueConfig } from "../../../durable-objects/router/queues/task-queue";
import { factsFromRouting, queueCumulativeBody, type TaskRouterStatistics } from "../../../durable-objects/router/statistics";
import { parseWorkflowConfiguration } from "../../../durable-objects/router/workflow/configuration";
import type { RoutingEvent } from "../../../durable-objects/router/workflow/routing";
import { activity, queue, statistics, T0, task, worker, workflow } from "./helpers";

const [SUPPORT, EVERYONE, WF, WT] = [queue(1), queue(2), workflow(1), task(1)];
const s = (seconds: number) => T0 + seconds * 1000;

function agent(available: boolean): WorkerInput {
  return {
    sid: worker(1),
    friendlyName: "agent1",
    activitySid: activity(available ? 1 : 2),
    activityName: available ? "Available" : "Offline",
    activityAvailable: available,
    attributes: { skills: [] },
    channels: { chat: { capacity: 1, assigned: 0, enabled: true } },
    idleSince: 0,
  };
}

/** Support (nobody has the skill) for 30 s, then everyone; the one agent comes online at +45 s. */
function setUp(): { engine: RoutingEngine; stats: TaskRouterStatistics } {
  const engine = new RoutingEngine();
  for (const [sid, targetWorkers] of [
    [SUPPORT, "skills HAS 'support'"],
    [EVERYONE, "1==1"],
  ] as const) {
    const parsed = parseTaskQueueConfig({ sid, targetWorkers });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    engine.upsertQueue(parsed.queue, T0);
  }
  const workflowConfig = parseWorkflowConfiguration(
    { task_routing: { filters: [{ expression: "1==1", targets: [{ queue: SUPPORT, timeout: 30 }, { queue: EVERYONE }] }] } },
    { queueExists: (sid) => sid === SUPPORT || sid === EVERYONE },
  );
  if (!workflowConfig.ok) throw new Error(JSON.stringify(workflowConfig.problems));
  engine.upsertWorkflow(WF, workflowConfig.configuration, T0);
  engine.upsertWorker(agent(false), T0);
  return { engine, stats: statistics() };
}

const record = (stats: TaskRouterStatistics, events: readonly RoutingEvent[]) => {
  for (const fact of factsFromRouting(WT, events)) stats.record(fact);
};

describe("facts from the routing engine", () => {
  it("maps queue entries, moves, timeouts and workflow timeouts; ignores the rest", () => {
    const step = { filterIndex: 0, targetIndex: 0, filterName: "f", target: { queue: SUPPORT }, workflowEnteredAt: 0, deadline: null };
    const events: RoutingEvent[] = [
      { type: "workflow.entered", at: 1, step },
      { type: "workflow.target-matched", at: 1, step },
      { type: "task-queue.entered", at: 1, step, queue: SUPPORT },
      { type: "workflow.skipped", at: 2, step },
      { type: "task-queue.moved", at: 2, step, queue: SUPPORT },
      { type: "task-queue.timeout", at: 3, step, queue: EVERYONE },
      { type: "workflow.timeout", at: 3, step },
    ];
    expect(factsFromRouting(WT, events)).toEqual([
      { type: "task.queue-entered", at: 1, taskSid: WT, queueSid: SUPPORT },
      { type: "task.queue-left", at: 2, taskSid: WT, reason: "moved" },
      { type: "task.queue-left", at: 3, taskSid: WT, reason: "timeout" },
      { type: "task.workflow-timeout", at: 3, taskSid: WT },
    ]);
  });

  it("follows a task through a target timeout to acceptance", () => {
    const { engine, stats } = setUp();
    stats.record({ type: "task.created", at: T0, taskSid: WT, workflowSid: WF, channel: "chat", priority: 0 });
    record(stats, engine.createTask({ sid: WT, workflowSid: WF, attributes: {}, priority: 0, channel: "chat", order: T0 }, T0).events);
    expect(stats.realtime({ kind: "queue", sid: SUPPORT }).longestInQueue).toEqual({ sid: WT, since: T0 });

    // The Support target times out at +30 s; the alarm fires a little late, at +31 s.
    record(stats, engine.tick(s(31)).events);
    expect(stats.realtime({ kind: "queue", sid: SUPPORT }).totalTasks).toBe(0);
    expect(stats.realtime({ kind: "queue", sid: EVERYONE }).longestInQueue).toEqual({ sid: WT, since: s(30) });

    // The agent comes online at +45 s and is reserved; accepts at +50 s.
    const { reservations } = engine.upsertWorker(agent(true), s(45));
    expect(reservations).toEqual([{ taskSid: WT, workerSid: worker(1), channel: "chat" }]);
    stats.record({ type: "reservation", outcome: "created", at: s(45), taskSid: WT, workerSid: worker(1) });
    stats.record({ type: "task.status-changed", at: s(45), taskSid: WT, status: "reserved" });
    engine.acceptReservation(WT, worker(1), s(50));
    stats.record({ type: "reservation", outcome: "accepted", at: s(50), taskSid: WT, workerSid: worker(1) });
    stats.record({ type: "task.status-changed", at: s(50), taskSid: WT, status: "assigned" });

    const window = { startMs: T0, endMs: T0 + 60_000 };
    const support = queueCumulativeBody(stats.cumulative({ kind: "queue", sid: SUPPORT }, window));
    const everyone = queueCumulativeBody(stats.cumulative({ kind: "queue", sid: EVERYONE }, window));
    expect([support.tasks_entered, support.tasks_moved, support.reservations_created]).toEqual([1, 0, 0]); // timed out, not moved
    expect([everyone.tasks_entered, everyone.reservations_created, everyone.reservations_accepted]).toEqual([1, 1, 1]);
    // 50 s from creation; 20 s from entering Everyone at the Support target's deadline (+30 s).
    expect(everyone.wait_duration_until_accepted).toEqual({ avg: 50, min: 50, max: 50, total: 50 });
    expect(everyone.wait_duration_in_queue_until_accepted).toEqual({ avg: 20, min: 20, max: 20, total: 20 });
    expect(stats.realtime({ kind: "queue", sid: EVERYONE }).tasksByStatus.assigned).toBe(1);
  });
});
