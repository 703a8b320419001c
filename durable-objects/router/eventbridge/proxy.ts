/**
 * The SDK's HTTP proxy, once the token is verified: a body `{url, method, params}` becomes one of the
 * Router's or Workspace's own operations (the ones the REST routes call, so refusals match the REST
 * API), answered in the Event Bridge shapes of payloads.ts. A token only reaches its own workspace,
 * and a worker's token only its own worker, its own reservations and the tasks it holds a reservation
 * on. The backend is an interface so the rules run in plain Node; the Worker binds it to the DO stubs.
 */
import { fail, type ApiResult, type Page, type PageRequest } from "../../common/rpc";
import { instructedUpdate, RESERVATION_INSTRUCTIONS, type ReservationInstruction } from "../lifecycle/voice-instructions";
import type { ActivityRecord, ReservationRecord, ReservationStatus, TaskStatus, WorkerChannelRecord } from "../../../contract/taskrouter";
import type { ReservationOwner, ReservationResult, UpdateReservationInput } from "../lifecycle/reservations";
import type { TaskResult, UpdateTaskInput } from "../lifecycle/tasks";
import type { UpdateWorkerInput, WorkerResult } from "../lifecycle/workers";
import { bridgeActivity, bridgeChannel, bridgeList, bridgeReservation, bridgeTask, bridgeWorker, versionOf } from "./payloads";
import { routeOf, type BridgeRoute } from "./routes";

type Async<T> = Promise<ApiResult<T>> | ApiResult<T>;

/** The operations the proxy uses, already scoped to the token's account. */
export interface BridgeBackend {
  getWorker(workerSid: string): Async<WorkerResult>;
  updateWorker(workerSid: string, input: UpdateWorkerInput): Async<WorkerResult>;
  listActivities(page: PageRequest): Async<Page<ActivityRecord>>;
  listWorkerChannels(workerSid: string, page: PageRequest): Async<Page<WorkerChannelRecord>>;
  listReservations(owner: ReservationOwner, input: PageRequest & { workerSid?: string }): Async<Page<ReservationRecord>>;
  getReservation(owner: ReservationOwner, sid: string): Async<ReservationResult>;
  updateReservation(owner: ReservationOwner, sid: string, input: UpdateReservationInput): Async<ReservationResult>;
  getTask(taskSid: string): Async<TaskResult>;
  updateTask(taskSid: string, input: UpdateTaskInput): Async<TaskResult>;
}

/** Who the verified token stands for. */
export interface BridgeCaller {
  readonly workspaceSid: string;
  readonly role: string;
  readonly workerSid?: string;
}

export interface BridgeRequest {
  readonly url: string;
  readonly method: string;
  readonly params: Record<string, unknown>;
}

/** What the Worker answers: `{payload}` on success, `{message}` with the status otherwise. */
export type BridgeAnswer = { readonly status: 200; readonly payload: unknown } | { readonly status: number; readonly message: string };

const PAGE = 1000;
/** Enough pages for any worker's channels or reservations, and any workspace's activities. */
const MAX_PAGES = 20;
const ACTIVE: readonly ReservationStatus[] = ["pending", "accepted", "wrapping"];

const refuse = (status: number, message: string): BridgeAnswer => ({ status, message });
const answer = (payload: unknown): BridgeAnswer => ({ status: 200, payload });
const failed = (result: { status: number; message: string }): BridgeAnswer => refuse(result.status, result.message);

/** A parameter as text (the SDK keeps JSON types: numbers and booleans arrive as such). */
function textParam(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Attributes arrive as an object (the SDK does not stringify them) or, from other clients, as JSON text. */
function attributesParam(params: Record<string, unknown>): string | undefined {
  const value = params.Attributes;
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function boolParam(params: Record<string, unknown>, name: string): boolean | undefined {
  const value = textParam(params, name)?.toLowerCase();
  if (value === undefined) return undefined;
  return value === "true" || value === "1" || value === "yes";
}

/** Every page of a list, read with the Router's own paging. */
async function all<T>(read: (page: PageRequest) => Async<Page<T>>): Promise<ApiResult<T[]>> {
  const items: T[] = [];
  let request: PageRequest = { pageSize: PAGE, page: 0 };
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await read(request);
    if (!page.ok) return page;
    items.push(...page.value.items);
    if (page.value.nextPageToken === null) break;
    request = { pageSize: PAGE, page: n + 1, pageToken: page.value.nextPageToken };
  }
  return { ok: true, value: items };
}

/** A reservation with its task, as the SDK keeps them. */
async function withTask(backend: BridgeBackend, reservation: ReservationRecord, version: number) {
  const task = await backend.getTask(reservation.task_sid);
  return bridgeReservation(reservation, version, task.ok ? bridgeTask(task.value.task, versionOf(task.value.etag)) : null);
}

/** Whether the caller may act on the route; a refusal otherwise. */
async function allowed(backend: BridgeBackend, caller: BridgeCaller, route: BridgeRoute): Promise<BridgeAnswer | null> {
  if (route.workspaceSid !== caller.workspaceSid) return refuse(403, `This token is for workspace ${caller.workspaceSid}`);
  if (caller.role !== "worker") return null;
  if ("workerSid" in route && route.workerSid !== caller.workerSid) return refuse(403, `This token acts as worker ${caller.workerSid}`);
  if ("taskSid" in route) {
    const own = await backend.listReservations({ taskSid: route.taskSid }, { pageSize: 1, page: 0, workerSid: caller.workerSid });
    if (!own.ok) return failed(own);
    if (own.value.items.length === 0) return refuse(403, `Worker ${caller.workerSid} holds no reservation of task ${route.taskSid}`);
    if ("reservationSid" in route) {
      const reservation = await backend.getReservation({ taskSid: route.taskSid }, route.reservationSid);
      if (!reservation.ok) return failed(reservation);
      if (reservation.value.reservation.worker_sid !== caller.workerSid)
        return refuse(403, `Reservation ${route.reservationSid} is not worker ${caller.workerSid}'s`);
    }
  }
  return null;
}

/**
 * A reservation update as the SDK sends it: ReservationStatus, or an instruction — accept, reject and the
 * voice instructions of `reservation.conference()`, `.dequeue()`, `.call()`, `.redirect()`
 * (router/lifecycle/voice-instructions.ts says what each does to a call).
 */
function reservationInput(params: Record<string, unknown>): ApiResult<UpdateReservationInput> {
  const instruction = textParam(params, "Instruction");
  if (instruction !== undefined && !(RESERVATION_INSTRUCTIONS as readonly string[]).includes(instruction))
    return fail(
      400,
      20001,
      `Instruction ${instruction} is not supported by Switchboard: use one of ${RESERVATION_INSTRUCTIONS.join(", ")}`,
    );
  const update = instructedUpdate({
    reservationStatus: textParam(params, "ReservationStatus") as ReservationStatus | undefined,
    instruction: instruction as ReservationInstruction | undefined,
    callAccept: textParam(params, "CallAccept"),
    redirectAccept: textParam(params, "RedirectAccept"),
    redirectCallSid: textParam(params, "RedirectCallSid"),
    redirectUrl: textParam(params, "RedirectUrl"),
  });
  return { ok: true, value: { ...update, workerActivitySid: textParam(params, "WorkerActivitySid") } };
}

function taskInput(params: Record<string, unknown>): ApiResult<UpdateTaskInput> {
  const start = textParam(params, "VirtualStartTime");
  const priority = textParam(params, "Priority");
  const virtualStartTime = start === undefined ? undefined : Date.parse(start);
  if (virtualStartTime !== undefined && Number.isNaN(virtualStartTime)) return fail(400, 20001, "VirtualStartTime is not a date");
  return {
    ok: true,
    value: {
      attributes: attributesParam(params),
      assignmentStatus: textParam(params, "AssignmentStatus") as TaskStatus | undefined,
      reason: textParam(params, "Reason"),
      priority: priority === undefined ? undefined : Number(priority),
      taskChannel: textParam(params, "TaskChannel"),
      virtualStartTime,
    },
  };
}

/**
 * Serves one proxied request for a verified caller.
 * @example await serveBridge(backend, { workspaceSid, role: "worker", workerSid }, { url: `Workspaces/${ws}/Activities`, method: "GET", params: {} })
 */
export async function serveBridge(backend: BridgeBackend, caller: BridgeCaller, request: BridgeRequest): Promise<BridgeAnswer> {
  const route = routeOf(request.url, request.method);
  if (route === null) return refuse(404, `Switchboard does not serve ${request.method} ${request.url}`);
  const refusal = await allowed(backend, caller, route);
  if (refusal) return refusal;
  const params = request.params;

  switch (route.op) {
    case "getWorker":
    case "updateWorker": {
      const result =
        route.op === "getWorker"
          ? await backend.getWorker(route.workerSid)
          : await backend.updateWorker(route.workerSid, {
              friendlyName: textParam(params, "FriendlyName"),
              activitySid: textParam(params, "ActivitySid"),
              attributes: attributesParam(params),
              rejectPendingReservations: boolParam(params, "RejectPendingReservations"),
            });
      return result.ok ? answer(bridgeWorker(result.value.worker, versionOf(result.value.etag))) : failed(result);
    }
    case "listActivities": {
      const result = await all((page) => backend.listActivities(page));
      return result.ok ? answer(bridgeList(result.value.map(bridgeActivity))) : failed(result);
    }
    case "listChannels": {
      const result = await all((page) => backend.listWorkerChannels(route.workerSid, page));
      return result.ok ? answer(bridgeList(result.value.map(bridgeChannel))) : failed(result);
    }
    case "listWorkerReservations": {
      const result = await all((page) => backend.listReservations({ workerSid: route.workerSid }, page));
      if (!result.ok) return failed(result);
      const active = boolParam(params, "Active") === true;
      const chosen = result.value.filter((r) => !active || ACTIVE.includes(r.reservation_status));
      return answer(bridgeList(await Promise.all(chosen.map((r) => withTask(backend, r, 0)))));
    }
    case "getWorkerReservation":
    case "getTaskReservation":
    case "updateWorkerReservation":
    case "updateTaskReservation": {
      const owner: ReservationOwner = "workerSid" in route ? { workerSid: route.workerSid } : { taskSid: route.taskSid };
      let result: ApiResult<ReservationResult>;
      if (route.op === "getWorkerReservation" || route.op === "getTaskReservation") {
        result = await backend.getReservation(owner, route.reservationSid);
      } else {
        const input = reservationInput(params);
        if (!input.ok) return failed(input);
        result = await backend.updateReservation(owner, route.reservationSid, input.value);
      }
      return result.ok ? answer(await withTask(backend, result.value.reservation, versionOf(result.value.etag))) : failed(result);
    }
    case "getTask":
    case "updateTask": {
      let result: ApiResult<TaskResult>;
      if (route.op === "getTask") {
        result = await backend.getTask(route.taskSid);
      } else {
        const input = taskInput(params);
        if (!input.ok) return failed(input);
        result = await backend.updateTask(route.taskSid, input.value);
      }
      return result.ok ? answer(bridgeTask(result.value.task, versionOf(result.value.etag))) : failed(result);
    }
  }
}
