/**
 * Reservations, reached through their task (`/Tasks/{WT}/Reservations`) or their worker
 * (`/Workers/{WK}/Reservations`): list, read, and the updates a worker or an app makes — accept,
 * reject (optionally moving the worker), wrap up, complete — plus the instructions an assignment
 * callback answers with. Only a pending reservation can be accepted or rejected; since an operation
 * checks and changes the reservation in one synchronous transaction, of two concurrent accepts exactly
 * one wins and the other is told the reservation is no longer pending.
 */
import { missingWorker } from "./moved-away";
import { rows, type SqlValue } from "../../kit/sql-host";
import { pageFrom, type PageWindow } from "../../kit/paging";
import { reservations, type ReservationRow } from "../store/reservation-store";
import { tasks } from "../store/task-store";
import { workers } from "../store/worker-store";
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../../common/rpc";
import { movedAway } from "./handover";
import type { ReservationRecord, ReservationStatus } from "../../../contract/taskrouter";
import { checkString } from "./checks";
import type { Op } from "./router-operation";
import { etagMatches, etagOf, reservationRecord } from "./api-records";
import { accept, complete, reject, wrapUp } from "./transitions";
import { preconditionFailed } from "./workers";
import { redirectCall, type Redirect } from "./voice-instructions";

/** Which path a reservation is reached through. */
export type ReservationOwner = { readonly taskSid: string } | { readonly workerSid: string };

export interface ListReservationsInput extends PageRequest {
  readonly reservationStatus?: ReservationStatus;
  /** Only on the task path. */
  readonly workerSid?: string;
}

export interface UpdateReservationInput {
  /** accepted, rejected, wrapping or completed. */
  readonly reservationStatus?: ReservationStatus;
  /** With rejected: the activity the worker moves to. */
  readonly workerActivitySid?: string;
  readonly ifMatch?: string;
  /**
   * `Instruction=redirect` (RedirectCallSid, RedirectUrl): on a Switchboard call's task it ends the call
   * (voice-instructions.ts) whatever ReservationStatus says; on another task, ReservationStatus is Twilio's meaning.
   */
  readonly redirect?: Redirect;
}

/** What an assignment callback may answer (Twilio's instructions that Switchboard acts on). */
export type AssignmentInstruction =
  | { readonly instruction: "accept" }
  | { readonly instruction: "reject"; readonly activity_sid?: string }
  | { readonly instruction: "redirect"; readonly call_sid?: string; readonly url?: string; readonly accept?: boolean }
  | { readonly instruction: "dequeue" | "conference"; readonly [key: string]: unknown }
  | { readonly instruction: "call"; readonly accept?: boolean; readonly [key: string]: unknown };

export interface ReservationResult {
  readonly reservation: ReservationRecord;
  readonly etag: string;
}

export const RESERVATION_STATUSES: readonly ReservationStatus[] = [
  "pending",
  "accepted",
  "rejected",
  "timeout",
  "canceled",
  "rescinded",
  "wrapping",
  "completed",
];

const result = (op: Op, row: ReservationRow): ReservationResult => ({
  reservation: reservationRecord(op.view, row),
  etag: etagOf(row.version),
});

function checkOwner(op: Op, owner: ReservationOwner): ApiResult<null> {
  if ("taskSid" in owner)
    return tasks.get(op.host, owner.taskSid) ? ok(null) : (movedAway(op, "Task", owner.taskSid) ?? notFound("Task", owner.taskSid));
  return workers.get(op.host, owner.workerSid) ? ok(null) : missingWorker(op, owner.workerSid);
}

function find(op: Op, owner: ReservationOwner, sid: string): ApiResult<ReservationRow> {
  const owned = checkOwner(op, owner);
  if (!owned.ok) return owned;
  const row = reservations.get(op.host, sid);
  const belongs = row && ("taskSid" in owner ? row.task_sid === owner.taskSid : row.worker_sid === owner.workerSid);
  return row && belongs ? ok(row) : notFound("Reservation", sid);
}

export function listReservations(
  op: Op,
  owner: ReservationOwner,
  input: ListReservationsInput,
  window: PageWindow,
): ApiResult<Page<ReservationRecord>> {
  const owned = checkOwner(op, owner);
  if (!owned.ok) return owned;
  const clauses = ["taskSid" in owner ? "task_sid = ?" : "worker_sid = ?"];
  const bindings: SqlValue[] = ["taskSid" in owner ? owner.taskSid : owner.workerSid];
  if (input.reservationStatus !== undefined) {
    if (!RESERVATION_STATUSES.includes(input.reservationStatus)) {
      return invalid("ReservationStatus", `must be one of ${RESERVATION_STATUSES.join(", ")}`);
    }
    clauses.push("status = ?");
    bindings.push(input.reservationStatus);
  }
  if (input.workerSid !== undefined) {
    clauses.push("worker_sid = ?");
    bindings.push(input.workerSid);
  }
  const fetched = rows<ReservationRow>(
    op.host,
    `${reservations.select} WHERE ${clauses.join(" AND ")} ORDER BY created_at, sid LIMIT ? OFFSET ?`,
    ...bindings,
    window.limit,
    window.offset,
  );
  const page = pageFrom(fetched, window);
  return ok({ ...page, items: page.items.map((row) => reservationRecord(op.view, row)) });
}

export function getReservation(op: Op, owner: ReservationOwner, sid: string): ApiResult<ReservationResult> {
  const found = find(op, owner, sid);
  return found.ok ? ok(result(op, found.value)) : found;
}

const notPending = (row: ReservationRow, wanted: string): ApiResult<never> =>
  fail(400, 20001, `Reservation ${row.sid} cannot be ${wanted}: it is no longer pending (it is ${row.status})`);

/** Applies one status change to a reservation that was found and whose ETag matched. */
function changeStatus(op: Op, row: ReservationRow, status: ReservationStatus, activitySid?: string): ApiResult<null> {
  switch (status) {
    case "accepted":
      if (row.status !== "pending") return notPending(row, "accepted");
      accept(op, row);
      return ok(null);
    case "rejected":
      if (row.status !== "pending") return notPending(row, "rejected");
      reject(op, row, activitySid);
      return ok(null);
    case "wrapping": {
      const task = tasks.get(op.host, row.task_sid);
      if (row.status !== "accepted" || task?.status !== "assigned") {
        return fail(
          400,
          20001,
          `Reservation ${row.sid} cannot be wrapping: only an accepted reservation of an assigned task can (it is ${row.status})`,
        );
      }
      wrapUp(op, task);
      return ok(null);
    }
    case "completed": {
      const task = tasks.get(op.host, row.task_sid);
      if ((row.status !== "accepted" && row.status !== "wrapping") || (task?.status !== "assigned" && task?.status !== "wrapping")) {
        return fail(
          400,
          20001,
          `Reservation ${row.sid} cannot be completed: only an accepted or wrapping reservation can (it is ${row.status})`,
        );
      }
      complete(op, task, null);
      return ok(null);
    }
    case "pending":
    case "timeout":
    case "canceled":
    case "rescinded":
      return invalid("ReservationStatus", `can be set to accepted, rejected, wrapping or completed, not ${status}`);
    default: {
      const unknown: never = status;
      return invalid("ReservationStatus", `must be one of ${RESERVATION_STATUSES.join(", ")}, got ${JSON.stringify(unknown)}`);
    }
  }
}

export function updateReservation(
  op: Op,
  owner: ReservationOwner,
  sid: string,
  input: UpdateReservationInput,
): ApiResult<ReservationResult> {
  const found = find(op, owner, sid);
  if (!found.ok) return found;
  const row = found.value;
  if (!etagMatches(input.ifMatch, row.version)) return preconditionFailed("Reservation", sid);
  let activitySid: string | undefined;
  if (input.workerActivitySid !== undefined) {
    const checked = checkString(input.workerActivitySid, "WorkerActivitySid");
    if (!checked.ok) return checked;
    if (!op.view.activity(checked.value)) return invalid("WorkerActivitySid", `Activity ${checked.value} does not exist in this workspace`);
    activitySid = checked.value;
  }
  const redirected = input.redirect === undefined ? null : redirectCall(op, row, input.redirect);
  if (redirected) {
    if (!redirected.ok) return redirected;
  } else if (input.reservationStatus !== undefined) {
    const changed = changeStatus(op, row, input.reservationStatus, activitySid);
    if (!changed.ok) return changed;
  } else if (activitySid !== undefined) {
    return invalid("WorkerActivitySid", "is used together with ReservationStatus=rejected");
  }
  return ok(result(op, reservations.get(op.host, sid)!));
}

/**
 * Acts on an assignment callback's answer: `accept`, `reject` (optionally moving the worker), and the
 * call instructions, which accept the reservation as Twilio does once the call is bridged (`redirect`
 * unless `accept` is false, `call` only when it is true) — the desk of the accepting agent joins the
 * call's room — except a `redirect` of a Switchboard call's task, which ends the call
 * (voice-instructions.ts).
 */
export function applyInstruction(op: Op, reservationSid: string, instruction: AssignmentInstruction): ApiResult<ReservationResult> {
  const row = reservations.get(op.host, reservationSid);
  if (!row) return notFound("Reservation", reservationSid);
  switch (instruction.instruction) {
    case "accept":
    case "dequeue":
    case "conference": {
      const changed = changeStatus(op, row, "accepted");
      if (!changed.ok) return changed;
      break;
    }
    case "redirect":
    case "call": {
      const redirected =
        instruction.instruction === "redirect" ? redirectCall(op, row, { callSid: instruction.call_sid, url: instruction.url }) : null;
      if (redirected) {
        if (!redirected.ok) return redirected;
        break;
      }
      // A redirect accepts unless told not to; a call only when told to (Twilio's defaults).
      const accepts = instruction.instruction === "redirect" ? instruction.accept !== false : instruction.accept === true;
      if (!accepts) return ok(result(op, row));
      const changed = changeStatus(op, row, "accepted");
      if (!changed.ok) return changed;
      break;
    }
    case "reject": {
      const activity = instruction.activity_sid;
      if (activity !== undefined && !op.view.activity(activity))
        return invalid("activity_sid", `Activity ${activity} does not exist in this workspace`);
      const changed = changeStatus(op, row, "rejected", activity);
      if (!changed.ok) return changed;
      break;
    }
    default:
      return invalid("instruction", `must be accept, reject, redirect, call, dequeue or conference`);
  }
  return ok(result(op, reservations.get(op.host, reservationSid)!));
}
