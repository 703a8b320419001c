/**
 * A worker moving to another region's Router: the same three steps, outbox and tombstone as a task's
 * handover (handover.ts), for a worker who holds nothing.
 *
 * 1. `startWorkerMove` (the update's transaction): a worker with no pending, accepted or wrapping
 *    reservation is recorded as `sending` in `sb_moves` (hop + 1) and a `worker` message is written to
 *    the handover topic. From then on the matcher sees the worker as unavailable (`movingWorkers`, read
 *    by refreshWorker and on wake), so no task is offered to them here; the row stays, readable.
 * 2. The Router DO drains the topic: `workerMovePayload` reads the worker as it is NOW (name,
 *    attributes, activity, channels, dates, version, hop) and the other Router's `acceptWorkerMove`
 *    inserts them under the same SID — idempotently: a hop it already has, or an older one, changes nothing.
 * 3. Only after that answer does this Router record the move (`recordWorkerMoved`): the worker's rows
 *    leave, the `sb_moves` row becomes the tombstone that answers `movedTo`, and the DO closes the
 *    worker's sockets with a code the desktop reconnects on (workers/api/realtime.ts then finds B).
 *
 * A worker created without `Region` is in the home region by default (`region_unsettled`): their
 * agent's first sign-in settles it (`settleWorkerRegion`), moving them to the region nearest that
 * sign-in through the same steps; an explicit `Region` settles it too.
 *
 * An eviction anywhere repeats a step, never skips one. A worker who is busy is refused with a 409
 * (code 20409) that changes nothing.
 */
import { fail, ok, type ApiFailure, type ApiResult } from "../../common/rpc";
import { heldBy } from "../store/reservation-store";
import { moves } from "../store/move-store";
import {
  channelsOf,
  defaultWorkerChannel,
  deleteWorker,
  workerByName,
  workerChannels,
  workers,
  type WorkerChannelRow,
  type WorkerRow,
} from "../store/worker-store";
import { enqueue } from "../../kit/outbox";
import { HANDOVER_TOPIC, type WorkerMoveMessage } from "./handover-outbox";
import { missingWorker } from "./moved-away";
import type { Op } from "./router-operation";
import { workerEvent } from "./events";
import { refreshWorker } from "./workers";

/**
 * Switchboard's extension event of a move, recorded by both Routers (its data names both regions and the
 * hop): where the worker leaves, and where they arrive — so each region's supervisors' feed and
 * real-time figures hear of it, and each region's Events list says what happened there.
 */
export const WORKER_TRANSFERRED_EVENT = "worker.transferred-region";

const transferred = (op: Op, row: WorkerRow, from: string, to: string, hop: number, description: string) => {
  const event = workerEvent(op.view, WORKER_TRANSFERRED_EVENT, row, op.now, description);
  op.record({ ...event, data: { ...event.data, from_region: from, to_region: to, hop } });
};

/** Everything the receiving Router needs to hold the worker as this one did. */
export interface WorkerMovePayload {
  readonly accountSid: string;
  readonly sid: string;
  readonly hop: number;
  readonly fromRegion: string;
  readonly worker: WorkerRow;
  readonly channels: readonly WorkerChannelRow[];
}

/**
 * Step 1: worker `sid` is to move to `region`. Refused (409, nothing changed) while they hold a
 * reservation; `moving: false` when they are already in `region` (nothing to do).
 */
export function startWorkerMove(op: Op, sid: string, region: string): ApiResult<{ moving: boolean }> {
  const row = workers.get(op.host, sid);
  if (!row) return missingWorker(op, sid);
  if (region === op.regionId) return ok({ moving: false });
  const move = moves.get(op.host, sid);
  if (move?.state === "sending") return move.region === region ? ok({ moving: true }) : movingAlready(sid, move.region);
  const held = heldBy(op.host, sid);
  if (held > 0)
    return fail(
      409,
      20409,
      `Worker ${sid} cannot move to region ${region} while holding ${held} reservation(s) (pending, accepted or wrapping); complete or reject them first`,
    );
  const hop = (move?.hop ?? 0) + 1;
  moves.save(op.host, { sid, region, hop, state: "sending", updated_at: op.now });
  refreshWorker(op, row); // now seen as unavailable: offered nothing here
  const message: WorkerMoveMessage = { kind: "worker", workerSid: sid, region, hop };
  enqueue(op.host, HANDOVER_TOPIC, JSON.stringify(message));
  return ok({ moving: true });
}

/**
 * An agent linked to worker `sid` signed in nearest `nearest`: while the worker's region is still by
 * default, this first sign-in settles it — for good, whatever follows — and, when `nearest` is another
 * region, starts their move there. A worker holding a reservation stays (`refused` says why): the
 * sign-in never fails for it. `moving` is false when nothing is to move.
 */
export function settleWorkerRegion(op: Op, sid: string, nearest: string): ApiResult<{ moving: boolean; refused?: string }> {
  const row = workers.get(op.host, sid);
  if (!row) return missingWorker(op, sid);
  if (row.region_unsettled !== 1) return ok({ moving: false });
  op.saveWorker({ ...row, region_unsettled: 0 });
  const started = startWorkerMove(op, sid, nearest);
  return started.ok ? started : ok({ moving: false, refused: started.message });
}

/** Whether worker `sid`'s region is still by default (no explicit Region, no sign-in yet). */
export function regionUnsettled(op: Op, sid: string): ApiResult<boolean> {
  const row = workers.get(op.host, sid);
  return row ? ok(row.region_unsettled === 1) : missingWorker(op, sid);
}

const movingAlready = (sid: string, region: string): ApiFailure =>
  fail(409, 20409, `Worker ${sid} is moving to region ${region} already; try again once it has arrived`);

/** Step 2's message, read now: null when the move is no longer on (recorded already), so a repeat sends nothing. */
export function workerMovePayload(op: Op, message: WorkerMoveMessage): WorkerMovePayload | null {
  const move = moves.get(op.host, message.workerSid);
  const worker = workers.get(op.host, message.workerSid);
  if (!move || move.state !== "sending" || move.hop !== message.hop || !worker) return null;
  return {
    accountSid: op.view.accountSid,
    sid: worker.sid,
    hop: move.hop,
    fromRegion: op.regionId,
    worker,
    channels: channelsOf(op.host, worker.sid),
  };
}

/**
 * Step 2 on the receiving Router: the worker joins this region under their SID, with their channels
 * (a task channel this Router knows and the payload lacks gets the default one). `accepted` is false
 * for a hop already taken or an older one: nothing changes.
 */
export function acceptWorkerMove(op: Op, payload: WorkerMovePayload): ApiResult<{ accepted: boolean }> {
  const move = moves.get(op.host, payload.sid);
  if ((move && move.hop >= payload.hop) || (!move && workers.get(op.host, payload.sid))) return ok({ accepted: false });
  if (!op.view.activity(payload.worker.activity_sid))
    return fail(409, 20409, `Activity ${payload.worker.activity_sid} is not known here yet: this region's configuration is behind`);
  const namesake = workerByName(op.host, payload.worker.friendly_name);
  if (namesake && namesake.sid !== payload.sid)
    return fail(409, 20409, `A Worker named ${JSON.stringify(payload.worker.friendly_name)} already exists in region ${op.regionId}`);
  const row: WorkerRow = { ...payload.worker, region_unsettled: payload.worker.region_unsettled ?? 0 };
  workers.save(op.host, row);
  for (const channel of op.view.taskChannels) {
    const carried = payload.channels.find((c) => c.task_channel_sid === channel.sid);
    workerChannels.save(op.host, carried ?? defaultWorkerChannel(row.sid, channel.sid, op.now));
  }
  moves.save(op.host, { sid: row.sid, region: op.regionId, hop: payload.hop, state: "held", updated_at: op.now });
  op.activityMoves.push({ from: null, to: row.activity_sid });
  transferred(
    op,
    row,
    payload.fromRegion,
    op.regionId,
    payload.hop,
    `Worker ${row.friendly_name} arrived from region ${payload.fromRegion}`,
  );
  refreshWorker(op, row);
  return ok({ accepted: true });
}

/**
 * Step 3: the other Router has the worker. Their rows leave this one and the `sb_moves` row is the
 * tombstone; they leave the real-time count of their Activity here. A repeat changes nothing:
 * `moved` says whether this call recorded it (the DO then closes the worker's sockets).
 */
export function recordWorkerMoved(op: Op, message: WorkerMoveMessage): ApiResult<{ moved: boolean }> {
  const move = moves.get(op.host, message.workerSid);
  if (!move || move.state !== "sending" || move.hop !== message.hop) return ok({ moved: false });
  moves.save(op.host, { ...move, state: "moved", updated_at: op.now });
  const row = workers.get(op.host, message.workerSid);
  if (!row) return ok({ moved: true });
  // Their stint in their Activity goes on in the other region, which counts it whole when it ends there
  // (from `status_changed_at`, carried): here they only leave the real-time count.
  op.activityMoves.push({ from: row.activity_sid, to: null });
  op.route.removeWorker(row.sid);
  deleteWorker(op.host, row.sid);
  transferred(op, row, op.regionId, move.region, move.hop, `Worker ${row.friendly_name} moved to region ${move.region}`);
  return ok({ moved: true });
}
