/**
 * Workers and their WorkerChannels. A worker's name is unique case-insensitively (`name_key` is its
 * lower-case form, UNIQUE in the schema). The capacity a worker holds on each channel is not stored:
 * it is counted from the reservations that hold it (pending, accepted, wrapping), see reservation-store.
 */
import { run, type StoreHost } from "../../kit/sql-host";
import { newSid } from "../../../contract/ids";
import { table } from "./table";

export type WorkerRow = {
  sid: string;
  friendly_name: string;
  name_key: string;
  activity_sid: string;
  /** JSON text as the client sent it. */
  attributes: string;
  /** Epoch ms since which the worker has been idle: their last reservation, or becoming available. */
  idle_since: number;
  status_changed_at: number;
  created_at: number;
  updated_at: number;
  /** Bumped on every change; the ETag. */
  version: number;
  /**
   * 1 while the worker is in the home region only "by default" (created without `Region`) and no sign-in
   * has settled it: the agent's first sign-in moves them to the region nearest it (worker-move.ts).
   * An explicit `Region` (create or update) or that first sign-in sets it to 0 for good.
   */
  region_unsettled: number;
};

export type WorkerChannelRow = {
  sid: string;
  worker_sid: string;
  task_channel_sid: string;
  capacity: number;
  /** 1 or 0: the channel's switch. */
  available: number;
  /** Epoch ms of the last reservation on this channel (0 = never). */
  last_assigned_at: number;
  created_at: number;
  updated_at: number;
};

export const workers = table<WorkerRow>(
  "sb_workers",
  [
    "sid",
    "friendly_name",
    "name_key",
    "activity_sid",
    "attributes",
    "idle_since",
    "status_changed_at",
    "created_at",
    "updated_at",
    "version",
    "region_unsettled",
  ],
  "sid",
);

export const workerChannels = table<WorkerChannelRow>(
  "sb_worker_channels",
  ["sid", "worker_sid", "task_channel_sid", "capacity", "available", "last_assigned_at", "created_at", "updated_at"],
  "sid",
);

/** A worker's channel as a new worker (or a new task channel) gets it: capacity 1, switched on, never assigned. */
export const defaultWorkerChannel = (workerSid: string, taskChannelSid: string, now: number): WorkerChannelRow => ({
  sid: newSid("WC"),
  worker_sid: workerSid,
  task_channel_sid: taskChannelSid,
  capacity: 1,
  available: 1,
  last_assigned_at: 0,
  created_at: now,
  updated_at: now,
});

export const nameKey = (friendlyName: string): string => friendlyName.toLowerCase();

export function workerByName(host: StoreHost, friendlyName: string): WorkerRow | undefined {
  return workers.where(host, "name_key = ?", nameKey(friendlyName))[0];
}

export function channelsOf(host: StoreHost, workerSid: string): WorkerChannelRow[] {
  return workerChannels.where(host, "worker_sid = ? ORDER BY created_at, sid", workerSid);
}

export function channelOf(host: StoreHost, workerSid: string, taskChannelSid: string): WorkerChannelRow | undefined {
  return workerChannels.where(host, "worker_sid = ? AND task_channel_sid = ?", workerSid, taskChannelSid)[0];
}

export function deleteWorker(host: StoreHost, sid: string): void {
  workers.delete(host, sid);
  run(host, "DELETE FROM sb_worker_channels WHERE worker_sid = ?", sid);
}

/** A reservation was made for the worker on a channel: what the matcher orders ready workers by. */
export function markReserved(host: StoreHost, workerSid: string, taskChannelSid: string, at: number): void {
  run(host, "UPDATE sb_workers SET idle_since = ? WHERE sid = ?", at, workerSid);
  run(
    host,
    "UPDATE sb_worker_channels SET last_assigned_at = ? WHERE worker_sid = ? AND task_channel_sid = ?",
    at,
    workerSid,
    taskChannelSid,
  );
}
