/**
 * What an agent's live connection says first, beside where the log stands: the worker as they are now,
 * every activity of the workspace, and the worker's open reservations (pending, accepted, wrapping)
 * with their tasks, timeouts and when they were accepted — what a freshly opened page must know before the first change frame,
 * without a round of REST reads. Read in one synchronous turn of the Router, so it is exactly the state
 * the worker's `last_seq` describes.
 *
 * Pure reading over the Router's storage (no Durable Object or Workers API): the same code runs in the
 * Router DO and in unit tests on node:sqlite. Tasks and workers take the shape the change frames give
 * them (built by the same functions from the same fields), so a client keeps one model of both.
 */
import type { ConfigView } from "./config-view";
import { taskData, workerData } from "./events";
import { reservationAcceptedAt } from "../store/event-store";
import type { StoreHost } from "../../kit/sql-host";
import { reservations } from "../store/reservation-store";
import { tasks } from "../store/task-store";
import { timerDueAt } from "../../kit/timers";
import { workers } from "../store/worker-store";
import { frameTaskOf, frameWorkerOf } from "./event-frames";
import type { HelloActivity, HelloReservation, HelloWorker } from "../../../contract/realtime-frames";

type OpenStatus = HelloReservation["reservation"]["status"];
const OPEN: readonly string[] = ["pending", "accepted", "wrapping"] satisfies OpenStatus[];
const isOpen = (status: string): status is OpenStatus => OPEN.includes(status);

export interface AgentSnapshot {
  readonly worker: HelloWorker;
  readonly activities: HelloActivity[];
  readonly reservations: HelloReservation[];
}

/**
 * The worker's state now, or null when the Router has no such worker.
 * @example agentSnapshot(host, view, "WK…", Date.now())?.reservations[0].reservation.timeout_at // 1764072120000
 */
export function agentSnapshot(host: StoreHost, view: ConfigView, workerSid: string, now: number): AgentSnapshot | null {
  const row = workers.get(host, workerSid);
  if (!row) return null;
  const open = reservations.where(
    host,
    "worker_sid = ? AND status IN ('pending', 'accepted', 'wrapping') ORDER BY created_at, sid",
    workerSid,
  );
  const held: HelloReservation[] = [];
  for (const reservation of open) {
    const task = tasks.get(host, reservation.task_sid);
    const status = reservation.status;
    if (!task || !isOpen(status)) continue;
    held.push({
      reservation: {
        sid: reservation.sid,
        status,
        task_sid: reservation.task_sid,
        worker_sid: reservation.worker_sid,
        timeout_at: status === "pending" ? timerDueAt(host, "reservation", reservation.sid) : null,
        wrapup_ends_at: status === "wrapping" ? timerDueAt(host, "wrapup", reservation.task_sid) : null,
      },
      task: frameTaskOf(taskData(view, task, now)),
      date_ms: reservation.created_at,
      accepted_ms:
        status === "pending" ? null : reservationAcceptedAt(host, reservation.sid, reservation.created_at, reservation.updated_at),
    });
  }
  return {
    worker: { ...frameWorkerOf(workerData(view, row)), available: view.activity(row.activity_sid)?.available ?? false },
    activities: view.snapshot.activities.map((activity) => ({
      sid: activity.sid,
      friendly_name: activity.friendly_name,
      available: activity.available,
    })),
    reservations: held,
  };
}
