/**
 * Reservations: one worker × one task. Besides the rows themselves this module derives what routing
 * needs from them: the capacity each worker holds per channel (pending, accepted and wrapping
 * reservations hold it) and the workers a task must not be offered again (rejected, timed out).
 */
import type { ReservationStatus } from "../../../contract/taskrouter";
import { rows, type StoreHost } from "../../kit/sql-host";
import { table } from "./table";

export type ReservationRow = {
  sid: string;
  task_sid: string;
  worker_sid: string;
  /** The worker's friendly name when the reservation was made. */
  worker_name: string;
  /** Task channel unique name: the channel whose capacity the reservation holds. */
  channel: string;
  status: ReservationStatus;
  created_at: number;
  updated_at: number;
  version: number;
};

export const reservations = table<ReservationRow>(
  "sb_reservations",
  ["sid", "task_sid", "worker_sid", "worker_name", "channel", "status", "created_at", "updated_at", "version"],
  "sid",
);

/** The statuses in which a reservation holds its worker's capacity. */
export const HOLDING: readonly ReservationStatus[] = ["pending", "accepted", "wrapping"];

export function reservationsOfTask(host: StoreHost, taskSid: string): ReservationRow[] {
  return reservations.where(host, "task_sid = ? ORDER BY created_at, sid", taskSid);
}

/** The workers holding a task (an open reservation: pending, accepted or wrapping), each once. */
export function holdersOfTask(host: StoreHost, taskSid: string): string[] {
  return [
    ...new Set(
      reservationsOfTask(host, taskSid)
        .filter((r) => HOLDING.includes(r.status))
        .map((r) => r.worker_sid),
    ),
  ];
}

export function pendingOfTask(host: StoreHost, taskSid: string): ReservationRow[] {
  return reservations.where(host, "task_sid = ? AND status = 'pending' ORDER BY created_at, sid", taskSid);
}

export function pendingOfWorker(host: StoreHost, workerSid: string): ReservationRow[] {
  return reservations.where(host, "worker_sid = ? AND status = 'pending' ORDER BY created_at, sid", workerSid);
}

/** The pending reservation of one worker for one task, if any. */
export function pendingFor(host: StoreHost, taskSid: string, workerSid: string): ReservationRow | undefined {
  return reservations.where(host, "task_sid = ? AND worker_sid = ? AND status = 'pending'", taskSid, workerSid)[0];
}

/** The accepted (or wrapping) reservation of an assigned task. */
export function activeOfTask(host: StoreHost, taskSid: string): ReservationRow | undefined {
  return reservations.where(host, "task_sid = ? AND status IN ('accepted', 'wrapping') ORDER BY created_at DESC", taskSid)[0];
}

/** How many tasks each worker holds on each channel: worker SID → channel unique name → count. */
export function heldCapacity(host: StoreHost): Map<string, Record<string, number>> {
  const held = new Map<string, Record<string, number>>();
  const counted = rows<{ worker_sid: string; channel: string; n: number }>(
    host,
    "SELECT worker_sid, channel, count(*) AS n FROM sb_reservations WHERE status IN ('pending', 'accepted', 'wrapping') GROUP BY worker_sid, channel",
  );
  for (const row of counted) {
    const channels = held.get(row.worker_sid) ?? {};
    channels[row.channel] = Number(row.n);
    held.set(row.worker_sid, channels);
  }
  return held;
}

export function heldBy(host: StoreHost, workerSid: string): number {
  const [row] = rows<{ n: number }>(
    host,
    "SELECT count(*) AS n FROM sb_reservations WHERE worker_sid = ? AND status IN ('pending', 'accepted', 'wrapping')",
    workerSid,
  );
  return Number(row?.n ?? 0);
}

/** For every waiting task: the workers with a pending reservation and the workers excluded from it. */
export function routingHolds(host: StoreHost): Map<string, { reserved: string[]; excluded: string[] }> {
  const holds = new Map<string, { reserved: string[]; excluded: string[] }>();
  const found = rows<{ task_sid: string; worker_sid: string; status: ReservationStatus }>(
    host,
    `SELECT r.task_sid, r.worker_sid, r.status FROM sb_reservations r JOIN sb_tasks t ON t.sid = r.task_sid
     WHERE t.status IN ('pending', 'reserved') AND r.status IN ('pending', 'rejected', 'timeout') ORDER BY r.created_at, r.sid`,
  );
  for (const row of found) {
    let hold = holds.get(row.task_sid);
    if (!hold) holds.set(row.task_sid, (hold = { reserved: [], excluded: [] }));
    (row.status === "pending" ? hold.reserved : hold.excluded).push(row.worker_sid);
  }
  return holds;
}
