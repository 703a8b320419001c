/**
 * Commands an agent sends over the live channel, mapped onto the Router's existing operations — the
 * same ones the REST API calls, so the same checks apply and a refusal carries the same status, code
 * and message the REST API would answer:
 *
 * | frame               | Router operation (REST equivalent)                                              |
 * | ------------------- | ------------------------------------------------------------------------------- |
 * | `accept`            | updateReservation accepted (POST …/Workers/{WK}/Reservations/{WR})              |
 * | `reject`            | updateReservation rejected, optional WorkerActivitySid                          |
 * | `wrapup`            | updateReservation wrapping, or updateTask AssignmentStatus=wrapping (by task)   |
 * | `complete`          | updateReservation completed, or updateTask AssignmentStatus=completed + Reason  |
 * | `set-activity`      | updateWorker ActivitySid (+ RejectPendingReservations)                          |
 * | `update-attributes` | updateWorker Attributes                                                         |
 *
 * A connection acts only on its own worker: reservations are reached through the worker (another
 * worker's reservation is not found, as on the REST path `/Workers/{WK}/Reservations/{WR}`), and a
 * task only when the worker holds it. The token's `ops` must allow the command (the rules of
 * durable-objects/common/token-claims.ts, by which the Worker mints them).
 */
import { allows as tokenAllows, WORKER_OPS } from "../../common/token-claims";
import type { Router } from "../lifecycle/router";
import { fail, invalid, notFound, ok, type ApiFailure, type ApiResult } from "../../common/rpc";
import type { ReservationRecord, TaskRecord, WorkerRecord } from "../../../contract/taskrouter";
import { COMMAND_TYPES } from "../../../contract/frame-types";
import { commandFrame, commandId, type CommandFrame } from "../../../contract/realtime-frames";
import { isRecord } from "../../../contract/is-record";

/** Who sends commands: the connection's account, worker, role and allowed operations. */
export interface CommandActor {
  readonly accountSid: string;
  readonly workerSid: string;
  readonly role: "worker" | "supervisor" | "admin";
  readonly ops: readonly string[];
}

/** The Router operations commands use (the Router itself in production). */
export type CommandRouter = Pick<Router, "updateReservation" | "updateTask" | "updateWorker" | "listReservations">;

/** What an `ack` carries besides its id: the resource the command changed. */
export type AckBody = { reservation: ReservationRecord } | { task: TaskRecord } | { worker: WorkerRecord };

/** The token operation (`ops` entry) each command needs. */
export const COMMAND_OPS = {
  accept: "reservations:accept",
  reject: "reservations:reject",
  wrapup: "tasks:wrapup",
  complete: "tasks:complete",
  "set-activity": "activity:set",
  "update-attributes": "attributes:update",
} as const satisfies Record<CommandFrame["type"], (typeof WORKER_OPS)[number]>;

export type ParsedCommand =
  | { readonly ok: true; readonly command: CommandFrame }
  | { readonly ok: false; readonly id: string | number | null; readonly failure: ApiFailure };

/**
 * Reads a client frame. A frame that is not JSON, not a known command or not well-formed gets the
 * REST API's 400 (code 20001) naming the field, with the frame's `id` when it has a usable one.
 * @example parseCommand('{"type":"accept","id":1}') // { ok: false, id: 1, failure: { status: 400, code: 20001, message: "Missing required parameter reservation_sid" } }
 */
export function parseCommand(text: string): ParsedCommand {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, id: null, failure: fail(400, 20001, "The frame is not valid JSON") };
  }
  if (!isRecord(value)) return { ok: false, id: null, failure: fail(400, 20001, "A frame must be a JSON object with a type") };
  const id = commandId.safeParse(value.id);
  const result = commandFrame.safeParse(value);
  if (result.success) return { ok: true, command: result.data };
  return { ok: false, id: id.success ? id.data : null, failure: describe(result.error.issues[0], value) };
}

type Issue = { code: string; path: readonly PropertyKey[]; message: string; keys?: readonly string[] } | undefined;

function describe(issue: Issue, frame: Record<string, unknown>): ApiFailure {
  if (!issue) return fail(400, 20001, "The frame is not a valid command");
  const name = String(issue.path[0] ?? "");
  if (issue.code === "unrecognized_keys") return fail(400, 20001, `Unknown parameter ${issue.keys?.[0] ?? name}`);
  if (name === "type") return invalid("type", `must be one of ${COMMAND_TYPES.join(", ")}`);
  const given = frame[name];
  if (given === undefined && issue.code !== "custom") return fail(400, 20001, `Missing required parameter ${name}`);
  const shown = given === undefined ? "" : ` (got ${JSON.stringify(given).slice(0, 80)})`;
  return invalid(name, `${issue.message}${shown}`);
}

/** Whether the actor's token allows a command: its `ops` name the command's operation, or `*` (admin). */
export function allows(actor: CommandActor, type: CommandFrame["type"]): boolean {
  return tokenAllows(actor, COMMAND_OPS[type]);
}

const map = <T, U>(result: ApiResult<T>, to: (value: T) => U): ApiResult<U> => (result.ok ? ok(to(result.value)) : result);

/** The worker holds the task when one of their reservations for it is open (pending, accepted, wrapping). */
function holds(router: CommandRouter, actor: CommandActor, taskSid: string, now: number): ApiResult<null> {
  const found = router.listReservations(actor.accountSid, { taskSid }, { pageSize: 50, page: 0, workerSid: actor.workerSid }, now);
  if (!found.ok) return found;
  const open = found.value.items.some((r) => ["pending", "accepted", "wrapping"].includes(r.reservation_status));
  return open ? ok(null) : notFound("Task", taskSid);
}

/**
 * Runs one command for its connection's worker.
 * @example runCommand(router, actor, { type: "accept", id: 1, reservation_sid: "WR…" }, now) // ok({ reservation: { reservation_status: "accepted", … } })
 */
export function runCommand(router: CommandRouter, actor: CommandActor, command: CommandFrame, now: number): ApiResult<AckBody> {
  if (!allows(actor, command.type)) {
    return fail(403, 20403, `This token does not allow ${command.type} (it needs the ${COMMAND_OPS[command.type]} operation)`);
  }
  const { accountSid, workerSid } = actor;
  const reservation = (sid: string, reservationStatus: "accepted" | "rejected" | "wrapping" | "completed", workerActivitySid?: string) =>
    map(router.updateReservation(accountSid, { workerSid }, sid, { reservationStatus, workerActivitySid }, now), (r) => ({
      reservation: r.reservation,
    }));
  const task = (sid: string, assignmentStatus: "wrapping" | "completed", reason?: string) => {
    const held = holds(router, actor, sid, now);
    if (!held.ok) return held;
    return map(router.updateTask(accountSid, sid, { assignmentStatus, reason }, now), (t) => ({ task: t.task }));
  };
  const worker = (input: { activitySid?: string; attributes?: string; rejectPendingReservations?: boolean }) =>
    map(router.updateWorker(accountSid, workerSid, input, now), (w) => ({ worker: w.worker }));

  switch (command.type) {
    case "accept":
      return reservation(command.reservation_sid, "accepted");
    case "reject":
      return reservation(command.reservation_sid, "rejected", command.activity_sid);
    case "wrapup":
      return command.reservation_sid !== undefined ? reservation(command.reservation_sid, "wrapping") : task(command.task_sid!, "wrapping");
    case "complete":
      if (command.reservation_sid !== undefined) {
        if (command.reason !== undefined) return invalid("reason", "is given with task_sid: a reservation is completed without one");
        return reservation(command.reservation_sid, "completed");
      }
      return task(command.task_sid!, "completed", command.reason);
    case "set-activity":
      return worker({ activitySid: command.activity_sid, rejectPendingReservations: command.reject_pending_reservations });
    case "update-attributes":
      return worker({ attributes: typeof command.attributes === "string" ? command.attributes : JSON.stringify(command.attributes) });
    default: {
      const unknown: never = command;
      return invalid("type", `must be one of ${COMMAND_TYPES.join(", ")}, got ${JSON.stringify(unknown)}`);
    }
  }
}
