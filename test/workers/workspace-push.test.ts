/**
 * Delivery of configuration changes from the WorkspaceDO: the Router of the workspace's home region
 * gets the full snapshot and the change's events (and routes by them at once), ReEvaluateTasks re-runs
 * waiting tasks, and a push that fails is retried by the alarm until the Router has caught up.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newSid } from "../../contract/ids";
import type { ApiResult } from "../../durable-objects/common/rpc";
import type { CreateWorkspaceInput } from "../../durable-objects/workspace/workspace-do";
import { regions } from "../../platform/regions";
import { routerFor, workspaceFor } from "../../platform/objects";

const ACCOUNT = "AC" + "e".repeat(32);

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
}

async function newWorkspace(input: CreateWorkspaceInput = { friendlyName: "Push" }) {
  const sid = newSid("WS");
  const stub = workspaceFor(env, sid);
  value(await stub.createWorkspace(ACCOUNT, sid, input));
  return { sid, stub, router: routerFor(env, sid, regions.defaultRegion) };
}

/** What the WorkspaceDO still has to deliver, and the version the Router is known to have. */
const delivery = (stub: DurableObjectStub<import("../../durable-objects/workspace/workspace-do").WorkspaceDO>) =>
  runInDurableObject(stub, (_instance, state) => ({
    outbox: state.storage.sql.exec("SELECT version, queued, re_evaluate FROM sb_outbox ORDER BY seq").toArray(),
    routerVersion: state.storage.sql.exec("SELECT router_version FROM sb_sync").one().router_version,
    version: state.storage.sql.exec("SELECT version FROM workspace").one().version,
  }));

const routerVersion = (router: ReturnType<typeof routerFor>) =>
  runInDurableObject(router, (_instance, state) => state.storage.sql.exec("SELECT version FROM sb_config").one().version);

describe("pushing configuration to the Router", () => {
  it("delivers each change before answering: the Router has the version and the events, the outbox is empty", async () => {
    const { sid, stub, router } = await newWorkspace({ friendlyName: "Push", template: "FIFO" });
    expect(await delivery(stub)).toEqual({ outbox: [], routerVersion: 1, version: 1 });
    expect(await routerVersion(router)).toBe(1);

    const events = value(await router.listEvents(ACCOUNT, { pageSize: 50, page: 0, minutes: 60 })).items;
    const types = events.map((e) => e.event_type).sort();
    // 1 workspace + 3 activities + 6 channels + the template's queue and workflow.
    expect(types).toEqual([
      "activity.created",
      "activity.created",
      "activity.created",
      "task-channel.created",
      "task-channel.created",
      "task-channel.created",
      "task-channel.created",
      "task-channel.created",
      "task-channel.created",
      "task-queue.created",
      "workflow.created",
      "workspace.created",
    ]);
    const created = events.find((e) => e.event_type === "workspace.created")!;
    expect(created).toMatchObject({
      account_sid: ACCOUNT,
      workspace_sid: sid,
      resource_type: "Workspace",
      resource_sid: sid,
      actor_type: "account",
      actor_sid: ACCOUNT,
      description: "Workspace 'Push' created",
      event_data: { workspace_sid: sid, workspace_name: "Push" },
    });

    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Q", targetWorkers: "1==1" }));
    value(await stub.updateTaskQueue(ACCOUNT, queue.sid, { targetWorkers: "level > 1" }));
    expect(await routerVersion(router)).toBe(3);
    const queueEvents = value(await router.listEvents(ACCOUNT, { pageSize: 50, page: 0, minutes: 60, taskQueueSid: queue.sid })).items;
    expect(queueEvents.map((e) => e.event_type).sort()).toEqual([
      "task-queue.created",
      "task-queue.expression.updated",
      "task-queue.updated",
    ]);
    expect(queueEvents.find((e) => e.event_type === "task-queue.expression.updated")?.event_data).toMatchObject({
      task_queue_sid: queue.sid,
      task_queue_name: "Q",
      task_queue_target_expression: "level > 1",
    });
  });

  it("lets the Router route by a workflow as soon as it is created, and ReEvaluateTasks moves waiting tasks", async () => {
    const { stub, router } = await newWorkspace();
    // Nobody is in either queue, so a task waits where the workflow put it.
    const first = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "First", targetWorkers: "" }));
    const second = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Second", targetWorkers: "" }));
    const to = (queue: string) => JSON.stringify({ task_routing: { filters: [], default_filter: { queue } } });
    const workflow = value(await stub.createWorkflow(ACCOUNT, { friendlyName: "W", configuration: to(first.sid) }));
    const task = value(await router.createTask(ACCOUNT, { workflowSid: workflow.sid })).task;
    expect(task.task_queue_sid).toBe(first.sid);

    value(await stub.updateWorkflow(ACCOUNT, workflow.sid, { configuration: to(second.sid) }));
    expect(value(await router.getTask(ACCOUNT, task.sid)).task.task_queue_sid).toBe(first.sid); // not re-evaluated

    value(await stub.updateWorkflow(ACCOUNT, workflow.sid, { reEvaluateTasks: true }));
    expect(value(await router.getTask(ACCOUNT, task.sid)).task.task_queue_sid).toBe(second.sid);
  });

  it("retries by alarm when the Router cannot be reached, answering the change meanwhile", async () => {
    const { stub, router } = await newWorkspace();
    // Point the workspace's one region at a region that does not exist: every push fails.
    await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("UPDATE sb_regions SET region = 'nowhere'"));
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Late" }));
    const workflow = value(
      await stub.createWorkflow(ACCOUNT, {
        friendlyName: "Late",
        configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
      }),
    );
    value(await stub.updateWorkflow(ACCOUNT, workflow.sid, { reEvaluateTasks: true }));
    expect(value(await stub.getTaskQueue(ACCOUNT, queue.sid)).friendly_name).toBe("Late"); // committed all the same

    const stuck = await delivery(stub);
    expect(stuck.routerVersion).toBe(1);
    expect(stuck.version).toBe(4);
    // Queued for callbacks already (the queue is independent of the Router), waiting for the Router.
    expect(stuck.outbox).toEqual([
      { version: 2, queued: 1, re_evaluate: null },
      { version: 3, queued: 1, re_evaluate: null },
      { version: 4, queued: 1, re_evaluate: workflow.sid },
    ]);
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await routerVersion(router)).toBe(1);

    await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("UPDATE sb_regions SET region = ?", regions.defaultRegion));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await delivery(stub)).toEqual({ outbox: [], routerVersion: 4, version: 4 });
    expect(await routerVersion(router)).toBe(4);
    const events = value(await router.listEvents(ACCOUNT, { pageSize: 50, page: 0, minutes: 60, workflowSid: workflow.sid })).items;
    expect(events.map((e) => e.event_type).sort()).toEqual(["workflow.created", "workflow.updated"]);
  });

  it("tells the Router a deleted workspace has nothing left", async () => {
    const { stub, router } = await newWorkspace({ friendlyName: "Doomed", template: "FIFO" });
    value(await stub.deleteWorkspace(ACCOUNT));
    expect(await routerVersion(router)).toBe(2);
    const snapshot = await runInDurableObject(router, (_instance, state) =>
      JSON.parse(state.storage.sql.exec("SELECT snapshot FROM sb_config").one().snapshot as string),
    );
    expect(snapshot).toMatchObject({ version: 2, activities: [], taskChannels: [], taskQueues: [], workflows: [] });
  });
});
