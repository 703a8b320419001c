/**
 * Persisting what the routing engine decided, in the order it happened: routing events (the task
 * entered a workflow, matched a target, entered or left a queue), the task's new place (step, queue,
 * priority, and its step deadline as a timer), reservations that ended because of it (canceled or
 * rescinded), and the new reservations (with their timeout timer, the worker's idle time, the event and
 * the assignment callback). A waiting task's status follows its open reservations: reserved while it
 * has one, pending otherwise.
 *
 * Statistics facts follow the same steps, with one reordering: reservations the outcome ends are
 * counted before the task's queue moves, so a reservation in the queue the task leaves counts there.
 */
import type { EngineOutcome } from "../engine";
import type { ReservationStatus } from "../../../contract/taskrouter";
import { factsFromRouting, type ReservationOutcome, type StatisticsFact } from "../statistics";
import { pendingFor, pendingOfTask, reservations, type ReservationRow } from "../store/reservation-store";
import { tasks, type TaskRow } from "../store/task-store";
import { clearTimer, setTimer } from "../../kit/timers";
import { markReserved, workers } from "../store/worker-store";
import { reservationEvent, routingEvent } from "./events";
import type { Op } from "./router-operation";
import { startHandover } from "./handover-outbox";

/** Twilio's default `task_reservation_timeout`, for a workflow record that lacks one. */
export const DEFAULT_RESERVATION_TIMEOUT_S = 120;

/**
 * Stores an engine outcome. `endedAs` is what a reservation the engine let go of becomes: "rescinded"
 * when another worker accepted the task, "canceled" otherwise (task canceled, or routed nowhere).
 */
export function applyOutcome(op: Op, outcome: EngineOutcome, endedAs: "canceled" | "rescinded" = "canceled"): void {
  const touched = new Set<string>();
  const routingFacts: StatisticsFact[] = [];

  for (const event of outcome.events) {
    let task = tasks.get(op.host, event.taskSid);
    if (!task) continue;
    if (event.type === "task-queue.entered") task = op.saveTask({ ...task, queue_sid: event.queue, queue_entered_at: event.at });
    op.record(routingEvent(op.view, event, task));
    routingFacts.push(...factsFromRouting(task.sid, [event]));
    touched.add(task.sid);
  }

  const finalPlace = new Map(outcome.moved.map((moved) => [moved.sid, moved]));
  for (const moved of finalPlace.values()) {
    const task = tasks.get(op.host, moved.sid);
    if (!task) continue;
    const step = moved.step;
    op.saveTask({
      ...task,
      priority: moved.priority,
      queue_sid: step ? step.target.queue : null,
      filter_index: step ? step.filterIndex : null,
      target_index: step ? step.targetIndex : null,
      workflow_entered_at: step ? step.workflowEnteredAt : null,
    });
    if (step?.deadline != null) setTimer(op.host, "step", task.sid, step.deadline);
    // A step timer is only ever set for a task that has a step (a new task has none yet).
    else if (hasStep(task)) clearTimer(op.host, "step", task.sid);
    touched.add(task.sid);
  }

  for (const { taskSid, workerSid } of outcome.released) {
    const reservation = pendingFor(op.host, taskSid, workerSid);
    if (reservation) endReservation(op, reservation, endedAs);
    touched.add(taskSid);
  }
  for (const fact of routingFacts) op.fact(fact);

  // A task reserved below has a pending reservation made now, which nothing after it ends: it stays reserved.
  const reservedNow = new Set<string>();
  for (const decision of outcome.reservations) {
    const task = tasks.get(op.host, decision.taskSid);
    const worker = workers.get(op.host, decision.workerSid);
    if (!task || !worker) continue;
    const reserved = task.status === "pending" ? op.saveTask({ ...task, status: "reserved" }) : task;
    const reservation: ReservationRow = {
      sid: op.mint("WR"),
      task_sid: task.sid,
      worker_sid: worker.sid,
      worker_name: worker.friendly_name,
      channel: decision.channel,
      status: "pending",
      created_at: op.now,
      updated_at: op.now,
      version: 1,
    };
    reservations.save(op.host, reservation);
    const workflow = op.view.workflow(task.workflow_sid);
    const expiresAt = op.now + (workflow?.task_reservation_timeout ?? DEFAULT_RESERVATION_TIMEOUT_S) * 1000;
    setTimer(op.host, "reservation", reservation.sid, expiresAt);
    markReserved(op.host, worker.sid, task.task_channel_sid, op.now);
    op.record(reservationEvent(op.view, "reservation.created", reservation, reserved, worker, op.now));
    op.fact({ type: "reservation", outcome: "created", at: op.now, taskSid: task.sid, workerSid: worker.sid });
    if (workflow?.assignment_callback_url) {
      op.send({
        kind: "assignment",
        workspaceSid: op.view.workspaceSid,
        regionId: op.regionId,
        accountSid: op.view.accountSid,
        workflowSid: workflow.sid,
        reservationSid: reservation.sid,
        taskSid: task.sid,
        workerSid: worker.sid,
        reservationExpiresAtMs: expiresAt,
      });
    }
    reservedNow.add(task.sid);
  }

  for (const sid of touched) if (!reservedNow.has(sid)) syncWaitingStatus(op, sid);
  // Tasks that entered another region's step leave for it (router/lifecycle/handover.ts).
  for (const routed of outcome.handovers ?? []) startHandover(op, routed);
}

const hasStep = (task: TaskRow) => task.filter_index !== null || task.target_index !== null || task.workflow_entered_at !== null;

/** Moves a reservation on (accepted, rejected, timeout, canceled, rescinded, wrapping, completed), records its event and stops its timeout. */
export function endReservation(op: Op, reservation: ReservationRow, status: ReservationStatus, at = op.now): ReservationRow {
  const ended: ReservationRow = { ...reservation, status, updated_at: op.now, version: reservation.version + 1 };
  reservations.save(op.host, ended);
  clearTimer(op.host, "reservation", reservation.sid);
  const task = tasks.get(op.host, reservation.task_sid);
  const type = status === "wrapping" ? "reservation.wrapup" : `reservation.${status}`;
  if (task) op.record(reservationEvent(op.view, type, ended, task, workers.get(op.host, reservation.worker_sid), at));
  const outcome = STATISTICS_OUTCOME[status];
  if (outcome) op.fact({ type: "reservation", outcome, at, taskSid: reservation.task_sid, workerSid: reservation.worker_sid });
  // A waiting task whose last open reservation ended is pending again.
  syncWaitingStatus(op, reservation.task_sid);
  return ended;
}

/** The reservation counters a status moves (wrapping and completed only follow the task). */
const STATISTICS_OUTCOME: Readonly<Record<ReservationStatus, ReservationOutcome | null>> = {
  pending: null,
  accepted: "accepted",
  rejected: "rejected",
  timeout: "timeout",
  canceled: "canceled",
  rescinded: "rescinded",
  wrapping: null,
  completed: null,
};

/** A waiting task is reserved while it has an open reservation and pending otherwise. */
export function syncWaitingStatus(op: Op, taskSid: string): TaskRow | undefined {
  const task = tasks.get(op.host, taskSid);
  if (!task || (task.status !== "pending" && task.status !== "reserved")) return task;
  const status = pendingOfTask(op.host, taskSid).length > 0 ? "reserved" : "pending";
  return status === task.status ? task : op.saveTask({ ...task, status });
}
