/**
 * Applying a configuration push from the Workspace DO: the snapshot is kept when it is newer than the
 * one stored, WorkerChannels are created for new task channels, the configuration's own events are
 * stored, and routing follows. Queues and workflows that changed are updated in the engine one by one
 * (a queue's new TargetWorkers may offer its waiting tasks at once; `reEvaluateTasksOf` re-runs one
 * workflow's waiting tasks from the top). A change to anything the matcher is built with — workspace
 * settings, activities, task channels — rebuilds the engine from storage instead, then offers every
 * freed worker and waiting task what has become possible.
 */
import { RoutingEngine } from "../engine";
import { insertEvent, type EventSubjects } from "../store/event-store";
import { rows } from "../../kit/sql-host";
import { defaultWorkerChannel, workerChannels, workers } from "../store/worker-store";
import type { EventRecord } from "../../../contract/taskrouter";
import type { WorkspaceConfigSnapshot } from "../../common/rpc";
import type { ConfigView } from "./config-view";
import type { Op } from "./router-operation";
import { applyOutcome } from "./routing-outcome";

export interface ApplyConfigOptions {
  /** A workflow updated with ReEvaluateTasks=true: its waiting tasks start over from the top. */
  readonly reEvaluateTasksOf?: string;
}

/** Whether the engine must be rebuilt rather than updated: something it is constructed from changed. */
export function needsRebuild(before: ConfigView | null, after: ConfigView): boolean {
  if (!before) return true;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (
    before.engineOptionsKey() !== after.engineOptionsKey() ||
    !same(before.snapshot.activities, after.snapshot.activities) ||
    !same(before.snapshot.taskChannels, after.snapshot.taskChannels)
  );
}

/** Creates the WorkerChannels a new task channel needs: one per worker, capacity 1, switched on. */
export function addWorkerChannels(op: Op): void {
  const existing = new Set(
    rows<{ key: string }>(op.host, "SELECT worker_sid || ':' || task_channel_sid AS key FROM sb_worker_channels").map((r) => r.key),
  );
  for (const worker of workers.where(op.host, "1 = 1")) {
    for (const channel of op.view.taskChannels) {
      if (existing.has(`${worker.sid}:${channel.sid}`)) continue;
      workerChannels.save(op.host, defaultWorkerChannel(worker.sid, channel.sid, op.now));
    }
  }
}

/** Stores the Workspace DO's events (task-queue.created, workflow.updated, …) for the Events list. */
export function storeConfigEvents(op: Op, events: readonly EventRecord[]): void {
  for (const event of events) {
    const data = event.event_data;
    const text = (key: string) => (typeof data[key] === "string" ? (data[key] as string) : null);
    const subjects: EventSubjects = {
      taskQueueSid: event.resource_type === "TaskQueue" ? event.resource_sid : text("task_queue_sid"),
      workflowSid: event.resource_type === "Workflow" ? event.resource_sid : text("workflow_sid"),
      workerSid: text("worker_sid"),
      taskChannelSid: event.resource_type === "TaskChannel" ? event.resource_sid : text("task_channel_sid"),
    };
    insertEvent(op.host, event, subjects);
  }
}

/** Updates a live engine for a snapshot that changed only queues and workflows. */
export function updateEngine(op: Op, before: ConfigView, options: ApplyConfigOptions): void {
  const after = op.view;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const queue of before.snapshot.taskQueues) if (!after.queue(queue.sid)) op.route.removeQueue(queue.sid);
  for (const workflow of before.workflowList) if (!after.workflow(workflow.sid)) op.route.removeWorkflow(workflow.sid);
  for (const queue of after.snapshot.taskQueues) {
    if (same(before.queue(queue.sid), queue)) continue;
    const config = after.queueConfig(queue);
    if (config) applyOutcome(op, op.route.upsertQueue(config, op.now));
  }
  for (const workflow of after.workflowList) {
    const reEvaluate = workflow.sid === options.reEvaluateTasksOf;
    if (!reEvaluate && same(before.workflow(workflow.sid), workflow)) continue;
    const config = after.workflowConfig(workflow.sid);
    if (config) applyOutcome(op, op.route.upsertWorkflow(workflow.sid, config, op.now, reEvaluate));
  }
}

/** After a rebuild: freed workers (longest idle first) take the best tasks, then tasks look for workers. */
export function offerEverything(op: Op, engine: RoutingEngine, options: ApplyConfigOptions): void {
  if (options.reEvaluateTasksOf !== undefined) {
    const config = op.view.workflowConfig(options.reEvaluateTasksOf);
    if (config) applyOutcome(op, engine.upsertWorkflow(options.reEvaluateTasksOf, config, op.now, true));
  }
  const idleFirst = workers.where(op.host, "1 = 1 ORDER BY idle_since, sid").map((worker) => worker.sid);
  applyOutcome(op, engine.offerAll(op.now, idleFirst));
}

export const isNewer = (stored: WorkspaceConfigSnapshot | null, pushed: WorkspaceConfigSnapshot): boolean =>
  stored === null || pushed.version > stored.version;
