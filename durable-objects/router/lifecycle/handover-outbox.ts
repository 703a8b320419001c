/**
 * The two outbox messages of a handover between regions (router/lifecycle/handover.ts says the whole
 * protocol), written in the transaction of the change that causes them: the routing decision that
 * enters a step of another region (`startHandover`, called by applyOutcome), and the end of a task
 * while it is being handed over (`withdrawHandover`, called by cancel and remove). Apart from
 * handover.ts so that routing-outcome.ts and transitions.ts can write them without a cycle.
 */
import { clearTimer } from "../../kit/timers";
import { enqueue } from "../../kit/outbox";
import type { RoutedTask } from "../engine";
import { moves } from "../store/move-store";
import { tasks } from "../store/task-store";
import type { Op } from "./router-operation";

/** The outbox topic of handovers and withdrawals, drained in order one at a time. */
export const HANDOVER_TOPIC = "handover";

export interface HandoverMessage {
  readonly kind: "handover" | "withdraw";
  readonly taskSid: string;
  /** The region the task goes to. */
  readonly region: string;
  readonly hop: number;
}

/** A worker moving to another region (router/lifecycle/worker-move.ts), in the same topic. */
export interface WorkerMoveMessage {
  readonly kind: "worker";
  readonly workerSid: string;
  /** The region the worker goes to. */
  readonly region: string;
  readonly hop: number;
}

/** What the handover topic carries. */
export type HandoverTopicMessage = HandoverMessage | WorkerMoveMessage;

/**
 * Step 1, inside the routing decision's transaction: the task entered a step of another region. Called
 * by applyOutcome after it stored the step (whose deadline is the other region's now).
 */
export function startHandover(op: Op, routed: RoutedTask): void {
  const task = tasks.get(op.host, routed.sid);
  const region = routed.step?.target.region;
  if (!task || !region) return;
  const hop = (moves.get(op.host, task.sid)?.hop ?? 0) + 1;
  moves.save(op.host, { sid: task.sid, region, hop, state: "sending", updated_at: op.now });
  clearTimer(op.host, "step", task.sid);
  op.saveTask({ ...task, status: "pending", queue_sid: null, queue_entered_at: null });
  const message: HandoverMessage = { kind: "handover", taskSid: task.sid, region, hop };
  enqueue(op.host, HANDOVER_TOPIC, JSON.stringify(message));
}

/**
 * The task ends here (canceled, deleted, TTL) while it is being handed over: the handover is withdrawn,
 * and the other Router told to drop a copy it may have taken (after the handover, in the same topic).
 */
export function withdrawHandover(op: Op, taskSid: string): void {
  const move = moves.get(op.host, taskSid);
  if (move?.state !== "sending") return;
  moves.save(op.host, { ...move, state: "withdrawn", updated_at: op.now });
  const message: HandoverMessage = { kind: "withdraw", taskSid, region: move.region, hop: move.hop };
  enqueue(op.host, HANDOVER_TOPIC, JSON.stringify(message));
}
