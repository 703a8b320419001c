/**
 * WorkerChannels: a worker's capacity and switch on each task channel. One exists per worker per
 * channel (created with the worker, or with the channel); a channel is addressed by its WC SID, its
 * task channel's SID or its unique name. A change reaches the matcher at once and may offer the worker
 * tasks; it is recorded as `worker.capacity.update` or `worker.channel.availability.update`.
 */
import { missingWorker } from "./moved-away";
import { type PageWindow, slicePage } from "../../kit/paging";
import { channelsOf, workerChannels, workers, type WorkerChannelRow } from "../store/worker-store";
import { notFound, ok, type ApiResult, type Page } from "../../common/rpc";
import type { WorkerChannelRecord } from "../../../contract/taskrouter";
import { checkBoolean, checkInteger } from "./checks";
import { workerEvent } from "./events";
import type { Op } from "./router-operation";
import { applyOutcome } from "./routing-outcome";
import { workerChannelRecord } from "./api-records";

export const MAX_CHANNEL_CAPACITY = 50;

export interface UpdateWorkerChannelInput {
  /** 0..50; 0 stops new reservations on the channel. */
  readonly capacity?: number;
  readonly available?: boolean;
}

function record(op: Op, row: WorkerChannelRow): WorkerChannelRecord | undefined {
  const channel = op.view.taskChannel(row.task_channel_sid);
  const assigned = channel ? (op.engine.matcher.assignedTasks(row.worker_sid)[channel.unique_name] ?? 0) : 0;
  return workerChannelRecord(op.view, row, assigned);
}

function find(op: Op, workerSid: string, ref: string): WorkerChannelRow | undefined {
  const bySid = workerChannels.get(op.host, ref);
  if (bySid) return bySid.worker_sid === workerSid ? bySid : undefined;
  const channel = op.view.taskChannelRef(ref);
  return channel ? channelsOf(op.host, workerSid).find((row) => row.task_channel_sid === channel.sid) : undefined;
}

export function listWorkerChannels(op: Op, workerSid: string, window: PageWindow): ApiResult<Page<WorkerChannelRecord>> {
  if (!workers.get(op.host, workerSid)) return missingWorker(op, workerSid);
  // In the order the workspace lists its task channels (they are all created at once with the worker).
  const position = new Map(op.view.taskChannels.map((channel, index) => [channel.sid, index]));
  const rows = channelsOf(op.host, workerSid).sort(
    (a, b) => (position.get(a.task_channel_sid) ?? 0) - (position.get(b.task_channel_sid) ?? 0),
  );
  const records = rows.flatMap((row) => record(op, row) ?? []);
  return ok(slicePage(records, window));
}

export function getWorkerChannel(op: Op, workerSid: string, ref: string): ApiResult<WorkerChannelRecord> {
  if (!workers.get(op.host, workerSid)) return missingWorker(op, workerSid);
  const row = find(op, workerSid, ref);
  const found = row && record(op, row);
  return found ? ok(found) : notFound("WorkerChannel", ref);
}

export function updateWorkerChannel(
  op: Op,
  workerSid: string,
  ref: string,
  input: UpdateWorkerChannelInput,
): ApiResult<WorkerChannelRecord> {
  const worker = workers.get(op.host, workerSid);
  if (!worker) return missingWorker(op, workerSid);
  const row = find(op, workerSid, ref);
  const channel = row && op.view.taskChannel(row.task_channel_sid);
  if (!row || !channel) return notFound("WorkerChannel", ref);
  const capacity = input.capacity === undefined ? undefined : checkInteger(input.capacity, "Capacity", 0, MAX_CHANNEL_CAPACITY);
  if (capacity && !capacity.ok) return capacity;
  const available = input.available === undefined ? undefined : checkBoolean(input.available, "Available");
  if (available && !available.ok) return available;

  const updated: WorkerChannelRow = {
    ...row,
    capacity: capacity?.value ?? row.capacity,
    available: available === undefined ? row.available : available.value ? 1 : 0,
    updated_at: op.now,
  };
  workerChannels.save(op.host, updated);
  const assigned = op.engine.matcher.assignedTasks(workerSid)[channel.unique_name] ?? 0;
  const data = {
    task_channel_sid: channel.sid,
    task_channel_unique_name: channel.unique_name,
    worker_channel_available: updated.available === 1,
    worker_channel_available_capacity: workerChannelRecord(op.view, updated, assigned)?.available_capacity_percentage,
    worker_channel_task_count: assigned,
  };
  if (updated.capacity !== row.capacity) {
    op.record(
      workerEvent(
        op.view,
        "worker.capacity.update",
        worker,
        op.now,
        `Worker ${worker.friendly_name} capacity on ${channel.unique_name} set to ${updated.capacity}`,
        {
          ...data,
          worker_channel_previous_capacity: row.capacity,
        },
      ),
    );
  }
  if (updated.available !== row.available) {
    const state = updated.available === 1 ? "available" : "unavailable";
    op.record(
      workerEvent(
        op.view,
        "worker.channel.availability.update",
        worker,
        op.now,
        `Worker ${worker.friendly_name} ${channel.unique_name} channel ${state}`,
        data,
      ),
    );
  }
  applyOutcome(
    op,
    op.route.updateChannel(workerSid, channel.unique_name, { capacity: updated.capacity, enabled: updated.available === 1 }, op.now),
  );
  return ok(record(op, workerChannels.get(op.host, row.sid)!)!);
}
