/**
 * Rebuilding the routing engine from storage, as the Router does when it wakes and after a change of
 * workspace-wide settings: queues and workflows from the configuration, then every worker with the
 * capacity their reservations hold and the times the matcher orders them by, then every waiting task
 * at its stored step with its open reservations and exclusions. Nothing is routed while loading; the
 * only outcome is for tasks whose stored step vanished from an edited workflow (re-evaluated).
 */
import type { Attributes } from "../expression";
import { RoutingEngine, type EngineOutcome, type NewTask } from "../engine";
import type { WorkerInput } from "../matcher/types";
import { heldCapacity, routingHolds } from "../store/reservation-store";
import type { StoreHost } from "../../kit/sql-host";
import { tasks, type TaskRow } from "../store/task-store";
import { movingWorkers } from "../store/move-store";
import { workerChannels, workers, type WorkerChannelRow, type WorkerRow } from "../store/worker-store";
import type { ConfigView } from "./config-view";

/** Stored JSON was validated as an object when written. */
export const parseAttributes = (text: string): Attributes => JSON.parse(text) as Attributes;

/**
 * The matcher's view of a worker. `held` is the capacity they hold per channel unique name (from
 * storage when loading, from the matcher itself when a live worker changes).
 */
export function workerInput(
  view: ConfigView,
  row: WorkerRow,
  channels: readonly WorkerChannelRow[],
  held: Readonly<Record<string, number>>,
  /** Being moved to another region (worker-move.ts): seen as unavailable, so offered nothing here. */
  moving = false,
): WorkerInput {
  const activity = view.activity(row.activity_sid);
  const inputs: Record<string, WorkerInput["channels"][string]> = {};
  for (const channel of channels) {
    const taskChannel = view.taskChannel(channel.task_channel_sid);
    if (!taskChannel) continue;
    inputs[taskChannel.unique_name] = {
      capacity: channel.capacity,
      assigned: held[taskChannel.unique_name] ?? 0,
      enabled: channel.available === 1,
      lastAssignedAt: channel.last_assigned_at,
    };
  }
  return {
    sid: row.sid,
    friendlyName: row.friendly_name,
    activitySid: row.activity_sid,
    activityName: activity?.friendly_name ?? "",
    activityAvailable: !moving && (activity?.available ?? false),
    attributes: parseAttributes(row.attributes),
    channels: inputs,
    idleSince: row.idle_since,
  };
}

/** The routing core's view of a stored task. */
export function newTask(view: ConfigView, row: TaskRow): NewTask {
  return {
    sid: row.sid,
    workflowSid: row.workflow_sid,
    attributes: parseAttributes(row.attributes),
    priority: row.priority,
    channel: view.taskChannel(row.task_channel_sid)?.unique_name ?? row.task_channel_sid,
    order: row.virtual_start_time,
  };
}

/** `region`: the region the Router serves; a task being handed over to another is not routed here. */
export function buildEngine(
  host: StoreHost,
  view: ConfigView,
  now: number,
  region = "",
): { engine: RoutingEngine; outcome: EngineOutcome } {
  const engine = new RoutingEngine(view.engineOptions(), region);
  for (const record of view.snapshot.taskQueues) {
    const queue = view.queueConfig(record);
    if (queue) engine.upsertQueue(queue, now);
  }
  for (const record of view.workflowList) {
    const configuration = view.workflowConfig(record.sid);
    if (configuration) engine.upsertWorkflow(record.sid, configuration, now);
  }

  const channelsByWorker = new Map<string, WorkerChannelRow[]>();
  for (const channel of workerChannels.where(host, "1 = 1 ORDER BY created_at, sid")) {
    const list = channelsByWorker.get(channel.worker_sid) ?? [];
    list.push(channel);
    channelsByWorker.set(channel.worker_sid, list);
  }
  const held = heldCapacity(host);
  // No task is loaded yet, so adding a worker cannot reserve anything.
  const moving = movingWorkers(host);
  for (const row of workers.where(host, "1 = 1 ORDER BY created_at, sid")) {
    engine.upsertWorker(workerInput(view, row, channelsByWorker.get(row.sid) ?? [], held.get(row.sid) ?? {}, moving.has(row.sid)), now);
  }

  const holds = routingHolds(host);
  const outcome: EngineOutcome = { reservations: [], events: [], moved: [], released: [] };
  const waiting = "status IN ('pending', 'reserved') AND sid NOT IN (SELECT sid FROM sb_moves WHERE state = 'sending')";
  for (const row of tasks.where(host, `${waiting} ORDER BY created_at, sid`)) {
    const hold = holds.get(row.sid) ?? { reserved: [], excluded: [] };
    const step =
      row.workflow_entered_at === null || row.target_index === null
        ? null
        : { filterIndex: row.filter_index, targetIndex: row.target_index, workflowEnteredAt: row.workflow_entered_at };
    const restored = engine.restoreTask(
      newTask(view, row),
      { step, priority: row.priority, reservedWorkers: hold.reserved, excludedWorkers: hold.excluded },
      now,
    );
    outcome.reservations.push(...restored.reservations);
    outcome.events.push(...restored.events);
    outcome.moved.push(...restored.moved);
    outcome.released.push(...restored.released);
  }
  return { engine, outcome };
}
