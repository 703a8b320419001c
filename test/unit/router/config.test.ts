/**
 * Configuration pushes reaching routing: a queue's new TargetWorkers offers its waiting tasks at once,
 * ReEvaluateTasks re-runs a workflow's tasks from the top, a new task channel gives every worker a
 * WorkerChannel, a renamed activity is seen by expressions, and the Workspace DO's events are listed.
 */
import { describe, expect, it } from "vitest";
import { removeSent, unsent } from "../../../durable-objects/kit/outbox";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { EVENTS_TOPIC } from "../../../durable-objects/router/lifecycle/router-operation";
import type { EventRecord } from "../../../contract/taskrouter";
import type { WorkspaceConfigSnapshot } from "../../../durable-objects/common/rpc";
import { ACCOUNT, AVAILABLE, SUPPORT, WORKFLOW, WORKSPACE, snapshot, value, workflow } from "../../workers/router-fixtures";
import { configuredRouter } from "./router-scene";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const page = { pageSize: 100, page: 0 };

function setup(first: WorkspaceConfigSnapshot = snapshot(1)) {
  const events: EventRecord[][] = [];
  const { host, router } = configuredRouter(T0, (recorded) => events.push([...recorded]), first);
  return { router, events, host };
}

const withQueue = (version: number, targetWorkers: string): WorkspaceConfigSnapshot => {
  const s = snapshot(version);
  return { ...s, taskQueues: s.taskQueues.map((q) => (q.sid === SUPPORT ? { ...q, target_workers: targetWorkers } : q)) };
};

describe("configuration pushes", () => {
  it("offers a queue's waiting tasks to the workers its new TargetWorkers takes in", () => {
    const { router } = setup();
    value(router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: '{"team":"a"}' }, T0));
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0)).task;
    expect(task.assignment_status).toBe("pending"); // Ann has no support skill
    value(router.applyConfig(withQueue(2, "team == 'a'"), [], {}, T0 + 1000));
    expect(value(router.getTask(ACCOUNT, task.sid, T0 + 1000)).task.assignment_status).toBe("reserved");
  });

  it("re-runs a workflow's waiting tasks from the top with ReEvaluateTasks", () => {
    const { router } = setup();
    const task = value(router.createTask(ACCOUNT, { attributes: '{"type":"billing"}' }, T0)).task;
    expect(task.task_queue_friendly_name).toBe("Everyone"); // no filter matches billing: default filter
    const billing = JSON.stringify({ task_routing: { filters: [{ expression: "type == 'billing'", targets: [{ queue: SUPPORT }] }] } });
    value(router.applyConfig(snapshot(2, [workflow({ configuration: billing })]), [], { reEvaluateTasksOf: WORKFLOW }, T0 + 1000));
    expect(value(router.getTask(ACCOUNT, task.sid, T0 + 1000)).task.task_queue_friendly_name).toBe("Support");
  });

  it("gives every worker a WorkerChannel for a new task channel, and sees renamed activities", () => {
    const { router } = setup();
    const ann = value(router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE }, T0)).worker;
    const s = snapshot(2);
    const sms = { ...s.taskChannels[0]!, sid: "TC" + "3".repeat(32), friendly_name: "SMS", unique_name: "sms" };
    const renamed = s.activities.map((a) => (a.sid === AVAILABLE ? { ...a, friendly_name: "Ready" } : a));
    value(router.applyConfig({ ...s, taskChannels: [...s.taskChannels, sms], activities: renamed }, [], {}, T0 + 1000));
    const channels = value(router.listWorkerChannels(ACCOUNT, ann.sid, page, T0 + 1000)).items;
    expect(channels.map((c) => [c.task_channel_unique_name, c.configured_capacity, c.available])).toEqual([
      ["default", 1, true],
      ["voice", 1, true],
      ["chat", 1, true],
      ["sms", 1, true],
    ]);
    expect(value(router.getWorker(ACCOUNT, ann.sid, T0 + 1000)).worker.activity_name).toBe("Ready");
    const ready = value(router.listWorkers(ACCOUNT, { ...page, targetWorkersExpression: "activity_name == 'Ready'" }, T0 + 1000));
    expect(ready.items.map((w) => w.friendly_name)).toEqual(["Ann"]);
    // A task on the new channel is routed to Ann.
    expect(value(router.createTask(ACCOUNT, { taskChannel: "sms" }, T0 + 2000)).task.assignment_status).toBe("reserved");
  });

  it("stores the Workspace DO's events for the Events list, and ignores an older push", () => {
    const { router } = setup();
    const event: EventRecord = {
      account_sid: ACCOUNT,
      workspace_sid: WORKSPACE,
      sid: "EV" + "1".repeat(32),
      event_type: "task-queue.created",
      event_date: "2026-11-25T12:00:01Z",
      event_date_ms: T0 + 1000,
      description: "TaskQueue Support created",
      resource_type: "TaskQueue",
      resource_sid: SUPPORT,
      resource_url: `TaskQueues/${SUPPORT}`,
      actor_type: "account",
      actor_sid: ACCOUNT,
      actor_url: `Accounts/${ACCOUNT}`,
      event_data: { task_queue_sid: SUPPORT },
      source: "switchboard",
      source_ip_address: "",
    };
    value(router.applyConfig(snapshot(2), [event], {}, T0 + 1000));
    expect(value(router.listEvents(ACCOUNT, { ...page, taskQueueSid: SUPPORT }, T0 + 2000)).items.map((e) => e.sid)).toEqual([event.sid]);
    expect(value(router.applyConfig(snapshot(1), [], {}, T0 + 3000))).toEqual({ applied: false, version: 2 });
  });

  it("reports every committed operation's events to the statistics hook, and none for a refused one", () => {
    const { router, events } = setup();
    events.length = 0;
    value(router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE }, T0));
    expect(router.createTask(ACCOUNT, { attributes: "[]" }, T0).ok).toBe(false);
    value(router.createTask(ACCOUNT, {}, T0));
    expect(events.map((batch) => batch.map((e) => e.event_type))).toEqual([
      ["worker.created"],
      ["task.created", "workflow.entered", "workflow.target-matched", "task-queue.entered", "reservation.created"],
    ]);
  });
});

describe("what goes on the events queue", () => {
  const kinds = (host: StoreHost) =>
    unsent(host, EVENTS_TOPIC, 1000).map((m) => JSON.parse(m.body) as { kind: string; event?: EventRecord });
  const withCallback = (version: number, url: string | null, filter: string | null): WorkspaceConfigSnapshot => {
    const s = snapshot(version);
    return { ...s, workspace: { ...s.workspace, event_callback_url: url, events_filter: filter } };
  };

  it.each([
    // No EventCallbackUrl: events are stored (the Events API lists them) but nothing is queued.
    ["no callback URL", null, null, []],
    // A URL and no filter: every event of the operation is queued.
    ["a callback URL", "https://example.test/events", null, ["task.created", "task-queue.entered"]],
    // A filter keeps only the listed types.
    ["a filter", "https://example.test/events", "task.created", ["task.created"]],
  ])("with %s", (_name, url, filter, expected) => {
    const { router, host } = setup(withCallback(1, url, filter));
    removeSent(
      host,
      unsent(host, EVENTS_TOPIC, 1000).map((m) => m.id),
    );
    value(router.createTask(ACCOUNT, { attributes: '{"type":"support"}' }, T0));
    const queued = kinds(host).flatMap((m) => (m.kind === "event" ? [m.event!.event_type] : []));
    for (const type of expected) expect(queued).toContain(type);
    if (expected.length === 0) expect(queued).toEqual([]);
    if (filter) expect(queued.every((t) => t === filter)).toBe(true);
    expect(value(router.listEvents(ACCOUNT, { ...page }, T0)).items.length).toBeGreaterThan(0);
  });
});
