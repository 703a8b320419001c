/**
 * Overflow between regions: a task whose routing enters a workflow target naming another region
 * (`"region": "eu-ireland"`) is handed over to that region's Router, exactly once.
 *
 * 1. The routing decision (router-operation's transaction) records the task as `sending` (store/move-store.ts,
 *    hop + 1) and writes a `handover` message to the outbox topic of that name. The engine has already let
 *    go of the task: it is offered to nobody here, but it stays stored, visible and cancelable.
 * 2. The Router DO drains the topic: it reads the task as it is NOW (`handoverPayload`: attributes,
 *    priority, channel, workflow step and when it entered the workflow, TTL, creation date, hop) and calls
 *    the other Router's `acceptHandover`, which inserts the task under the same SID and routes it at
 *    that step — idempotently: a hop it already has, or an older one, changes nothing.
 * 3. Only after that answer does this Router record the move (`recordMoved`): the task leaves its
 *    tables, the `sb_moves` row becomes the tombstone, and `task.transferred-region` is recorded.
 *
 * An eviction anywhere repeats a step, never skips one: the message stays until step 3 has committed,
 * and step 2 is idempotent. If the task ends here while `sending` (canceled, TTL, deleted — the DO first
 * tries to finish the handover, so this happens only when the other region cannot be reached), the
 * handover is `withdrawn` and a `withdraw` message follows it in the same topic: the other Router drops
 * a copy it may have accepted without this one hearing, and refuses that hop from then on.
 */
import { clearTimer, setTimer } from "../../kit/timers";
import type { StoreHost } from "../../kit/sql-host";
import { fail, ok, type ApiResult } from "../../common/rpc";
import type { SavedStep } from "../engine";
import type { HandoverMessage } from "./handover-outbox";

export { HANDOVER_TOPIC, type HandoverMessage } from "./handover-outbox";
export { movedAway } from "./moved-away";
import { moves } from "../store/move-store";
import { reservations } from "../store/reservation-store";
import { tasks, type TaskRow } from "../store/task-store";
import { taskEvent } from "./events";
import { newTask } from "./load";
import type { Op } from "./router-operation";
import { applyOutcome } from "./routing-outcome";

/** Switchboard's extension event, recorded where the task leaves (its data names both regions and the hop). */
export const TRANSFERRED_EVENT = "task.transferred-region";

/** Everything the receiving Router needs to carry on routing the task where this one left it. */
export interface HandoverPayload {
  /** The workspace's account, which the receiving Router checks as every RPC's. */
  readonly accountSid: string;
  readonly sid: string;
  readonly hop: number;
  readonly fromRegion: string;
  readonly workflowSid: string;
  readonly taskChannelSid: string;
  /** JSON text, already masked as stored here (a conversation's task keeps its `conversationSid`). */
  readonly attributes: string;
  readonly priority: number;
  /** TTL in seconds, counted from `createdAt`. */
  readonly timeout: number;
  readonly virtualStartTime: number;
  readonly createdAt: number;
  /** The step it enters there: its deadline stays counted from `step.workflowEnteredAt`. */
  readonly step: SavedStep | null;
}

const isWaiting = (task: TaskRow) => task.status === "pending" || task.status === "reserved";

/** Whether the task is being handed over (sent, not yet answered). */
export function handingOver(host: StoreHost, taskSid: string): boolean {
  return moves.get(host, taskSid)?.state === "sending";
}

/**
 * Step 2's message, read now: null when the handover is no longer on (it was recorded, or withdrawn), so
 * a message repeated after an eviction sends nothing.
 */
export function handoverPayload(op: Op, message: HandoverMessage): HandoverPayload | null {
  const move = moves.get(op.host, message.taskSid);
  const task = tasks.get(op.host, message.taskSid);
  if (!move || move.state !== "sending" || move.hop !== message.hop || !task) return null;
  return {
    accountSid: op.view.accountSid,
    sid: task.sid,
    hop: move.hop,
    fromRegion: op.regionId,
    workflowSid: task.workflow_sid,
    taskChannelSid: task.task_channel_sid,
    attributes: task.attributes,
    priority: task.priority,
    timeout: task.timeout,
    virtualStartTime: task.virtual_start_time,
    createdAt: task.created_at,
    step:
      task.workflow_entered_at === null || task.target_index === null
        ? null
        : { filterIndex: task.filter_index, targetIndex: task.target_index, workflowEnteredAt: task.workflow_entered_at },
  };
}

/**
 * Step 2 on the receiving Router: the task joins this region under its SID and is routed at the step it
 * was given. `accepted` is false for a hop already taken (a repeat) or an older one: nothing changes.
 */
export function acceptHandover(op: Op, payload: HandoverPayload): ApiResult<{ accepted: boolean }> {
  const move = moves.get(op.host, payload.sid);
  if ((move && move.hop >= payload.hop) || (!move && tasks.get(op.host, payload.sid))) return ok({ accepted: false });
  if (!op.view.workflowConfig(payload.workflowSid))
    return fail(409, 20409, `Workflow ${payload.workflowSid} cannot route here yet: this region's configuration is behind`);
  if (!op.view.taskChannel(payload.taskChannelSid))
    return fail(409, 20409, `TaskChannel ${payload.taskChannelSid} is not known here yet: this region's configuration is behind`);
  const row: TaskRow = {
    sid: payload.sid,
    workflow_sid: payload.workflowSid,
    task_channel_sid: payload.taskChannelSid,
    attributes: payload.attributes,
    status: "pending",
    priority: payload.priority,
    reason: null,
    timeout: payload.timeout,
    virtual_start_time: payload.virtualStartTime,
    queue_sid: null,
    queue_entered_at: null,
    filter_index: null,
    target_index: null,
    workflow_entered_at: null,
    created_at: payload.createdAt,
    updated_at: op.now,
    version: 1,
  };
  tasks.save(op.host, row);
  moves.save(op.host, { sid: row.sid, region: op.regionId, hop: payload.hop, state: "held", updated_at: op.now });
  setTimer(op.host, "ttl", row.sid, Math.max(op.now, row.created_at + row.timeout * 1000));
  op.countCreated(row, true);
  applyOutcome(op, op.route.receiveTask(newTask(op.view, row), payload.step, op.now));
  return ok({ accepted: true });
}

/**
 * Step 3: the other Router has the task. It leaves this one (its past reservations with it), the
 * `sb_moves` row is its tombstone, and the handover is recorded as an event. A repeat changes nothing.
 */
export function recordMoved(op: Op, message: HandoverMessage): void {
  const move = moves.get(op.host, message.taskSid);
  const task = tasks.get(op.host, message.taskSid);
  if (!move || move.state !== "sending" || move.hop !== message.hop) return;
  moves.save(op.host, { ...move, state: "moved", updated_at: op.now });
  if (!task) return;
  const event = taskEvent(op.view, TRANSFERRED_EVENT, task, op.now, `Task ${task.sid} handed over to region ${move.region}`);
  op.record({ ...event, data: { ...event.data, from_region: op.regionId, to_region: move.region, hop: move.hop } });
  drop(op, task);
}

/**
 * On the receiving Router: the sender withdrew hop `hop`. A copy taken at that hop and still waiting is
 * dropped (its open reservations canceled); the hop is refused from now on. A copy already assigned
 * here stays (the sender's cancel came too late to win): `dropped` says which.
 */
export function dropWithdrawn(op: Op, taskSid: string, hop: number): ApiResult<{ dropped: boolean }> {
  const move = moves.get(op.host, taskSid);
  if (move && move.hop > hop) return ok({ dropped: false });
  const task = tasks.get(op.host, taskSid);
  if (move?.state === "held" && move.hop === hop && task) {
    if (!isWaiting(task)) return ok({ dropped: false });
    drop(op, task);
  }
  moves.save(op.host, { sid: taskSid, region: op.regionId, hop, state: "withdrawn", updated_at: op.now });
  return ok({ dropped: true });
}

/** The task leaves this Router without a task event of its own: only the real-time figures forget it. */
function drop(op: Op, task: TaskRow): void {
  if (isWaiting(task)) {
    tasks.save(op.host, { ...task, status: "canceled" });
    applyOutcome(op, op.route.cancelTask(task.sid, op.now), "canceled");
  }
  op.fact({ type: "task.deleted", at: op.now, taskSid: task.sid, by: "system" });
  for (const reservation of reservations.where(op.host, "task_sid = ?", task.sid)) {
    clearTimer(op.host, "reservation", reservation.sid);
    reservations.delete(op.host, reservation.sid);
  }
  for (const kind of ["ttl", "step", "purge"] as const) clearTimer(op.host, kind, task.sid);
  tasks.delete(op.host, task.sid);
}
