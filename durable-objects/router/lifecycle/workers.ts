/**
 * Workers: create, read, update (name, activity, attributes, rejecting pending reservations), delete,
 * list with Twilio's filters. Every change reaches the matcher at once (`upsertWorker`), which may
 * offer the worker tasks; an activity change is recorded with the activity left and the time spent in it.
 */
import { missingWorker } from "./moved-away";
import { tryCompileExpression } from "../expression";
import { heldBy, pendingOfWorker } from "../store/reservation-store";
import { type PageWindow, slicePage } from "../../kit/paging";
import {
  channelsOf,
  defaultWorkerChannel,
  deleteWorker as deleteWorkerRows,
  nameKey,
  workerByName,
  workerChannels,
  workers,
  type WorkerRow,
} from "../store/worker-store";
import { fail, invalid, ok, type ApiResult, type Page, type PageRequest } from "../../common/rpc";
import type { WorkerRecord } from "../../../contract/taskrouter";
import { moves } from "../store/move-store";
import { storedAttributes } from "./card-masking";
import { checkAttributes, checkBoolean, checkFriendlyName, checkOrdering, checkString } from "./checks";
import { workerEvent } from "./events";
import { workerInput } from "./load";
import type { Op } from "./router-operation";
import { applyOutcome, endReservation } from "./routing-outcome";
import { etagMatches, etagOf, workerRecord } from "./api-records";

export interface CreateWorkerInput {
  readonly friendlyName: string;
  /** Default: the workspace's default activity. */
  readonly activitySid?: string;
  /** JSON text of an object, default `{}`. */
  readonly attributes?: string;
  /** Created without `Region`: their agent's first sign-in may still move them (worker-move.ts). */
  readonly regionByDefault?: boolean;
}

export interface UpdateWorkerInput {
  readonly friendlyName?: string;
  readonly activitySid?: string;
  readonly attributes?: string;
  /** Only together with an unavailable activity: rejects the worker's pending reservations. */
  readonly rejectPendingReservations?: boolean;
  /** The If-Match header: the ETag the client last saw. */
  readonly ifMatch?: string;
  /** An explicit `Region` was given: no sign-in moves the worker from now on. */
  readonly regionSettled?: boolean;
}

export interface ListWorkersInput extends PageRequest {
  readonly activityName?: string;
  readonly activitySid?: string;
  readonly available?: boolean;
  readonly friendlyName?: string;
  readonly targetWorkersExpression?: string;
  readonly taskQueueName?: string;
  readonly taskQueueSid?: string;
  /** `DateCreated`, `DateStatusChanged` or `FriendlyName`, `:asc`/`:desc`, comma-separated. */
  readonly ordering?: string;
}

/** A worker with the ETag to send back in If-Match. */
export interface WorkerResult {
  readonly worker: WorkerRecord;
  readonly etag: string;
}

const result = (op: Op, row: WorkerRow): WorkerResult => ({ worker: workerRecord(op.view, row, op.regionId), etag: etagOf(row.version) });

export const preconditionFailed = (what: string, sid: string): ApiResult<never> =>
  fail(412, 20412, `${what} ${sid} has changed since the ETag given in If-Match; fetch it again and retry`);

/** Tells the matcher everything about a worker again (keeping the capacity they hold) and stores the outcome. */
export function refreshWorker(op: Op, row: WorkerRow): void {
  const moving = moves.get(op.host, row.sid)?.state === "sending"; // worker-move.ts: offered nothing while moving away
  const input = workerInput(op.view, row, channelsOf(op.host, row.sid), op.engine.matcher.assignedTasks(row.sid), moving);
  applyOutcome(op, op.route.upsertWorker(input, op.now));
}

/**
 * The worker's stint in their current Activity ends now (they move, or are deleted): a statistics fact
 * counted for everyone, the queues the worker is in (asked before the matcher hears of the change) and
 * the worker.
 */
function endStint(op: Op, row: WorkerRow, nextActivitySid: string | null): void {
  op.fact({
    type: "worker.activity-ended",
    at: op.now,
    workerSid: row.sid,
    activitySid: row.activity_sid,
    since: row.status_changed_at,
    queueSids: op.engine.matcher.queuesOfWorker(row.sid),
  });
  op.activityMoves.push({ from: row.activity_sid, to: nextActivitySid });
}

/**
 * Moves a worker to another activity and records `worker.activity.update`. The caller tells the
 * matcher (refreshWorker) once every change of the operation is made.
 */
export function changeActivity(op: Op, row: WorkerRow, activitySid: string): WorkerRow {
  if (activitySid === row.activity_sid) return row;
  endStint(op, row, activitySid);
  const before = op.view.activity(row.activity_sid);
  const after = op.view.activity(activitySid);
  const becameAvailable = (after?.available ?? false) && !(before?.available ?? false);
  const changed = op.saveWorker({
    ...row,
    activity_sid: activitySid,
    status_changed_at: op.now,
    idle_since: becameAvailable ? op.now : row.idle_since,
  });
  op.record(
    workerEvent(
      op.view,
      "worker.activity.update",
      changed,
      op.now,
      `Worker ${changed.friendly_name} updated to ${after?.friendly_name ?? activitySid} Activity`,
      {
        worker_previous_activity_sid: row.activity_sid,
        worker_previous_activity_name: before?.friendly_name,
        worker_time_in_previous_activity_ms: op.now - row.status_changed_at,
        worker_time_in_previous_activity: Math.floor((op.now - row.status_changed_at) / 1000),
      },
    ),
  );
  return changed;
}

function checkActivity(op: Op, sid: unknown, param: string): ApiResult<string> {
  const text = checkString(sid, param);
  if (!text.ok) return text;
  if (!op.view.activity(text.value)) return invalid(param, `Activity ${text.value} does not exist in this workspace`);
  return text;
}

export function createWorker(op: Op, input: CreateWorkerInput): ApiResult<WorkerResult> {
  const name = checkFriendlyName(input.friendlyName);
  if (!name.ok) return name;
  if (workerByName(op.host, name.value)) return invalid("FriendlyName", `a Worker named ${JSON.stringify(name.value)} already exists`);
  const activitySid = input.activitySid ?? op.view.workspace.default_activity_sid;
  if (activitySid === null) return invalid("ActivitySid", "is required: the workspace has no default activity");
  const activity = checkActivity(op, activitySid, "ActivitySid");
  if (!activity.ok) return activity;
  const attributes = checkAttributes(input.attributes ?? "{}");
  if (!attributes.ok) return attributes;

  const row: WorkerRow = {
    sid: op.mint("WK"),
    friendly_name: name.value,
    name_key: nameKey(name.value),
    activity_sid: activity.value,
    attributes: storedAttributes(op.view, attributes.value),
    idle_since: op.now,
    status_changed_at: op.now,
    created_at: op.now,
    updated_at: op.now,
    version: 1,
    region_unsettled: input.regionByDefault ? 1 : 0,
  };
  workers.save(op.host, row);
  for (const channel of op.view.taskChannels) {
    workerChannels.save(op.host, defaultWorkerChannel(row.sid, channel.sid, op.now));
  }
  op.record(workerEvent(op.view, "worker.created", row, op.now, `Worker ${row.friendly_name} created`));
  op.activityMoves.push({ from: null, to: row.activity_sid });
  refreshWorker(op, row);
  return ok(result(op, workers.get(op.host, row.sid)!));
}

export function getWorker(op: Op, sid: string): ApiResult<WorkerResult> {
  const row = workers.get(op.host, sid);
  return row ? ok(result(op, row)) : missingWorker(op, sid);
}

export function updateWorker(op: Op, sid: string, input: UpdateWorkerInput): ApiResult<WorkerResult> {
  let row = workers.get(op.host, sid);
  if (!row) return missingWorker(op, sid);
  if (!etagMatches(input.ifMatch, row.version)) return preconditionFailed("Worker", sid);

  let name: string | undefined;
  if (input.friendlyName !== undefined) {
    const checked = checkFriendlyName(input.friendlyName);
    if (!checked.ok) return checked;
    const holder = workerByName(op.host, checked.value);
    if (holder && holder.sid !== sid) return invalid("FriendlyName", `a Worker named ${JSON.stringify(checked.value)} already exists`);
    name = checked.value;
  }
  let activitySid: string | undefined;
  if (input.activitySid !== undefined) {
    const checked = checkActivity(op, input.activitySid, "ActivitySid");
    if (!checked.ok) return checked;
    activitySid = checked.value;
  }
  let attributes: string | undefined;
  if (input.attributes !== undefined) {
    const checked = checkAttributes(input.attributes);
    if (!checked.ok) return checked;
    attributes = storedAttributes(op.view, checked.value, row.attributes);
  }
  let reject = false;
  if (input.rejectPendingReservations !== undefined) {
    const checked = checkBoolean(input.rejectPendingReservations, "RejectPendingReservations");
    if (!checked.ok) return checked;
    reject = checked.value;
    const target = op.view.activity(activitySid ?? row.activity_sid);
    if (reject && (activitySid === undefined || target?.available !== false)) {
      return invalid("RejectPendingReservations", "can only be used together with an ActivitySid of an unavailable Activity");
    }
  }

  if (name !== undefined && name !== row.friendly_name) row = op.saveWorker({ ...row, friendly_name: name, name_key: nameKey(name) });
  if (attributes !== undefined && attributes !== row.attributes) {
    row = op.saveWorker({ ...row, attributes });
    op.record(workerEvent(op.view, "worker.attributes.update", row, op.now, `Worker ${row.friendly_name} attributes updated`));
  }
  if (activitySid !== undefined) row = changeActivity(op, row, activitySid);
  if (input.regionSettled && row.region_unsettled === 1) row = op.saveWorker({ ...row, region_unsettled: 0 });
  // Told to the matcher before the rejections, so that the freed worker is not offered tasks again.
  refreshWorker(op, row);
  if (reject) {
    for (const reservation of pendingOfWorker(op.host, sid)) {
      endReservation(op, reservation, "rejected");
      applyOutcome(op, op.route.endReservation(reservation.task_sid, sid, "rejected", op.now));
    }
  }
  return ok(result(op, workers.get(op.host, sid)!));
}

export function deleteWorker(op: Op, sid: string, ifMatch?: string): ApiResult<null> {
  const row = workers.get(op.host, sid);
  if (!row) return missingWorker(op, sid);
  if (!etagMatches(ifMatch, row.version)) return preconditionFailed("Worker", sid);
  const held = heldBy(op.host, sid);
  if (held > 0) {
    return fail(
      400,
      20001,
      `Worker ${sid} cannot be deleted while holding ${held} task(s) (reserved, assigned or wrapping); complete or reject them first`,
    );
  }
  endStint(op, row, null);
  op.route.removeWorker(sid);
  deleteWorkerRows(op.host, sid);
  op.record(workerEvent(op.view, "worker.deleted", row, op.now, `Worker ${row.friendly_name} deleted`));
  return ok(null);
}

type WorkerOrderColumn = "created_at" | "status_changed_at" | "name_key";
const WORKER_ORDERING: Readonly<Record<string, WorkerOrderColumn>> = {
  DateCreated: "created_at",
  DateStatusChanged: "status_changed_at",
  FriendlyName: "name_key",
};

export function listWorkers(op: Op, input: ListWorkersInput, window: PageWindow): ApiResult<Page<WorkerRecord>> {
  let rows = workers.where(op.host, "1 = 1");
  const keep = (test: (row: WorkerRow) => boolean) => (rows = rows.filter(test));

  if (input.activitySid !== undefined) keep((row) => row.activity_sid === input.activitySid);
  if (input.activityName !== undefined) {
    const named = new Set(op.view.activitiesNamed(input.activityName).map((activity) => activity.sid));
    keep((row) => named.has(row.activity_sid));
  }
  if (input.available !== undefined) keep((row) => (op.view.activity(row.activity_sid)?.available ?? false) === input.available);
  if (input.friendlyName !== undefined) keep((row) => row.name_key === nameKey(input.friendlyName!));
  const queueSids: string[] = [];
  if (input.taskQueueSid !== undefined) queueSids.push(input.taskQueueSid);
  if (input.taskQueueName !== undefined) {
    const named = op.view.queuesNamed(input.taskQueueName);
    if (named.length === 0) return ok(slicePage([], window));
    queueSids.push(...named.map((queue) => queue.sid));
  }
  for (const queueSid of queueSids) {
    const members = new Set(op.engine.matcher.queueMembers(queueSid));
    keep((row) => members.has(row.sid));
  }
  if (input.targetWorkersExpression !== undefined) {
    const compiled = tryCompileExpression(input.targetWorkersExpression, "queue");
    if (!compiled.ok) return invalid("TargetWorkersExpression", compiled.error.message);
    const matching = new Set(op.engine.matcher.workersMatching(compiled.expression));
    keep((row) => matching.has(row.sid));
  }

  const ordering = checkOrdering(input.ordering ?? "DateCreated:asc", WORKER_ORDERING);
  if (!ordering.ok) return ordering;
  rows.sort((a, b) => {
    for (const [column, direction] of ordering.value) {
      const order = a[column] < b[column] ? -1 : a[column] > b[column] ? 1 : 0;
      if (order !== 0) return direction === "asc" ? order : -order;
    }
    return a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0;
  });
  const page = slicePage(rows, window);
  return ok({ ...page, items: page.items.map((row) => workerRecord(op.view, row, op.regionId)) });
}

/** The TaskQueues a worker belongs to, for the TaskQueues list's `WorkerSid` filter. */
export function queuesOfWorker(op: Op, workerSid: string): ApiResult<string[]> {
  if (!workers.get(op.host, workerSid)) return missingWorker(op, workerSid);
  return ok(op.engine.matcher.queuesOfWorker(workerSid));
}
