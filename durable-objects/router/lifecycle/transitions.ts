/**
 * The state changes a task and its reservations go through together, shared by the REST updates
 * (task and reservation), assignment instructions and timers:
 * - accept: reservation accepted, task assigned, the task's other reservations rescinded;
 * - reject / time out: the reservation ends, the worker may move to another activity (a timeout moves
 *   them to the workspace's timeout activity, as Twilio does), the task looks for someone else;
 * - wrap up, complete: the task and its accepted reservation move together; completing frees capacity;
 * - cancel: a waiting task ends, its open reservations are canceled.
 * Each stores the engine's outcome (who is offered what next) in the same operation.
 */
import { activeOfTask, reservations, type ReservationRow } from "../store/reservation-store";
import { tasks, type TaskRow } from "../store/task-store";
import { clearTimer, setTimer } from "../../kit/timers";
import { workers } from "../store/worker-store";
import { taskEvent } from "./events";
import type { Op } from "./router-operation";
import { applyOutcome, endReservation } from "./routing-outcome";
import { changeActivity, refreshWorker } from "./workers";
import { withdrawHandover } from "./handover-outbox";

/** Completed and canceled tasks are purged this long after they end, as Twilio does. */
export const PURGE_AFTER_MS = 15 * 60 * 1000;
export const TTL_REASON = "Task TTL Exceeded";
/** The reason a task completed by its queue's WrapUpTimeoutSeconds carries (its task.completed event says it). */
export const WRAPUP_TIMEOUT_REASON = "Wrap-up time ended";

/** Stops a task's routing timers when it leaves routing (assigned or ended). */
function leaveRouting(op: Op, taskSid: string): void {
  clearTimer(op.host, "ttl", taskSid);
  clearTimer(op.host, "step", taskSid);
}

export function accept(op: Op, reservation: ReservationRow): void {
  const task = tasks.get(op.host, reservation.task_sid)!;
  op.saveTask({ ...task, status: "assigned" });
  leaveRouting(op, task.sid);
  endReservation(op, reservation, "accepted");
  applyOutcome(op, op.route.acceptReservation(task.sid, reservation.worker_sid, op.now), "rescinded");
}

/** Moves the worker first (when asked), so that, freed, they are not offered tasks in the old activity. */
function moveWorker(op: Op, workerSid: string, activitySid: string | null | undefined): void {
  const worker = workers.get(op.host, workerSid);
  if (!worker || !activitySid || !op.view.activity(activitySid) || activitySid === worker.activity_sid) return;
  refreshWorker(op, changeActivity(op, worker, activitySid));
}

export function reject(op: Op, reservation: ReservationRow, activitySid?: string): void {
  moveWorker(op, reservation.worker_sid, activitySid);
  endReservation(op, reservation, "rejected");
  applyOutcome(op, op.route.endReservation(reservation.task_sid, reservation.worker_sid, "rejected", op.now));
}

/** `at` is when the reservation's timer was due (the alarm may run later). */
export function timeOut(op: Op, reservation: ReservationRow, at: number): void {
  moveWorker(op, reservation.worker_sid, op.view.workspace.timeout_activity_sid);
  endReservation(op, reservation, "timeout", at);
  applyOutcome(op, op.route.endReservation(reservation.task_sid, reservation.worker_sid, "timeout", op.now));
}

/** A task's wrap-up ends by itself when its queue says so (Switchboard's WrapUpTimeoutSeconds). */
export function wrapUp(op: Op, task: TaskRow): void {
  const wrapping = op.saveTask({ ...task, status: "wrapping" });
  const seconds = task.queue_sid === null ? null : (op.view.queue(task.queue_sid)?.wrap_up_timeout_seconds ?? null);
  if (seconds !== null) setTimer(op.host, "wrapup", task.sid, op.now + seconds * 1000);
  const reservation = activeOfTask(op.host, task.sid);
  if (reservation && reservation.status === "accepted") endReservation(op, reservation, "wrapping");
  op.record(taskEvent(op.view, "task.wrapup", wrapping, op.now, `Task ${task.sid} wrapping up`));
}

export function complete(op: Op, task: TaskRow, reason: string | null): void {
  const completed = op.saveTask({ ...task, status: "completed", reason });
  clearTimer(op.host, "wrapup", task.sid);
  const reservation = activeOfTask(op.host, task.sid);
  if (reservation) {
    endReservation(op, reservation, "completed");
    applyOutcome(op, op.route.releaseTask(reservation.worker_sid, reservation.channel, op.now));
  }
  setTimer(op.host, "purge", task.sid, op.now + PURGE_AFTER_MS);
  op.record(taskEvent(op.view, "task.completed", completed, op.now, `Task ${task.sid} completed${reason ? `: ${reason}` : ""}`));
}

/** Cancels a waiting task (REST, TTL): its open reservations are canceled and their workers freed. */
export function cancel(op: Op, task: TaskRow, reason: string | null, at = op.now): void {
  const canceled = op.saveTask({ ...task, status: "canceled", reason }, at);
  leaveRouting(op, task.sid);
  withdrawHandover(op, task.sid);
  applyOutcome(op, op.route.cancelTask(task.sid, op.now), "canceled");
  setTimer(op.host, "purge", task.sid, op.now + PURGE_AFTER_MS);
  op.record(taskEvent(op.view, "task.canceled", canceled, at, `Task ${task.sid} canceled${reason ? `: ${reason}` : ""}`));
}

/**
 * Removes a task and its reservations for good (DELETE, or the purge of an ended task). A task still
 * holding capacity gives it back first; open reservations are canceled. A waiting task that is
 * deleted counts as deleted, not canceled: it is marked canceled in storage only so that ending its
 * reservations leaves its status alone, and that mark is no statistics fact.
 */
export function remove(op: Op, task: TaskRow, eventType: "task.deleted" | "task.system-deleted"): void {
  withdrawHandover(op, task.sid);
  if (task.status === "pending" || task.status === "reserved") {
    tasks.save(op.host, { ...task, status: "canceled" });
    applyOutcome(op, op.route.cancelTask(task.sid, op.now), "canceled");
  } else if (task.status === "assigned" || task.status === "wrapping") {
    const reservation = activeOfTask(op.host, task.sid);
    if (reservation) {
      endReservation(op, reservation, "canceled");
      applyOutcome(op, op.route.releaseTask(reservation.worker_sid, reservation.channel, op.now));
    }
  }
  op.record(taskEvent(op.view, eventType, task, op.now, `Task ${task.sid} ${eventType === "task.deleted" ? "deleted" : "purged"}`));
  op.fact({ type: "task.deleted", at: op.now, taskSid: task.sid, by: eventType === "task.deleted" ? "api" : "system" });
  for (const reservation of reservations.where(op.host, "task_sid = ?", task.sid)) {
    clearTimer(op.host, "reservation", reservation.sid);
    reservations.delete(op.host, reservation.sid);
  }
  for (const kind of ["ttl", "step", "purge", "wrapup"] as const) clearTimer(op.host, kind, task.sid);
  tasks.delete(op.host, task.sid);
}
