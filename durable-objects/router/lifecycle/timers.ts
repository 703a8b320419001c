/**
 * What happens when timers come due (the alarm): a pending reservation times out, a waiting task's
 * workflow step times out (the engine moves it on), a task's TTL cancels it ("Task TTL Exceeded"), a
 * task's wrap-up ends on its queue's WrapUpTimeoutSeconds (completed, as the agent's `complete` would), an
 * ended task is purged. Timers that no longer apply (the reservation was answered, the task assigned)
 * were deleted with the change that made them moot; any left over are dropped here.
 */
import { reservations } from "../store/reservation-store";
import { tasks } from "../store/task-store";
import { clearDueTimers, clearTimer, type Timer } from "../../kit/timers";
import type { Op } from "./router-operation";
import { applyOutcome } from "./routing-outcome";
import { cancel, complete, remove, timeOut, TTL_REASON, WRAPUP_TIMEOUT_REASON } from "./transitions";

export type TimerKind =
  /** A pending reservation times out (the workflow's task_reservation_timeout). */
  | "reservation"
  /** A waiting task's workflow step times out (the engine's deadlines). */
  | "step"
  /** A task's TTL (`Timeout`) runs out before it is assigned. */
  | "ttl"
  /** A task in wrap-up on a queue with WrapUpTimeoutSeconds is completed (set by `wrapUp` in transitions.ts; its due time is the agents' `wrapup_ends_at`). */
  | "wrapup"
  /** A completed or canceled task is purged. */
  | "purge"
  /** Outbox messages that could not be sent are retried. */
  | "outbox"
  /** Workers of the live channel who have been gone longer than the grace period go offline (realtime/presence.ts). */
  | "presence"
  /** The stock SDK's sockets get an empty frame, so they never sit silent for 30 s (eventbridge/hub.ts). */
  | "eb-heartbeat"
  /** Changes coalesced for the supervisors' feed go out (realtime/supervisors.ts); one row per queue or worker SID. */
  | "supervisor-flush"
  /** Changes coalesced for the agents' `queues.waiting` frames go out (realtime/agent-queues.ts); one row per queue or worker SID. */
  | "agent-queues"
  /** The holder of supervisors' sockets renews its leases in the other regions (realtime/supervisors.ts). */
  | "supervisor-lease";

export function fireTimers(op: Op, due: readonly Timer<TimerKind>[]): void {
  let ticked = false;
  for (const timer of due) {
    switch (timer.kind) {
      case "reservation": {
        clearTimer(op.host, timer.kind, timer.sid);
        const reservation = reservations.get(op.host, timer.sid);
        if (reservation?.status === "pending") timeOut(op, reservation, timer.due_at);
        break;
      }
      case "step":
        // One tick moves every task whose step is due; their new deadlines are set again from its outcome.
        if (ticked) break;
        ticked = true;
        clearDueTimers(op.host, "step", op.now);
        applyOutcome(op, op.route.tick(op.now));
        break;
      case "ttl": {
        clearTimer(op.host, timer.kind, timer.sid);
        const task = tasks.get(op.host, timer.sid);
        if (task && (task.status === "pending" || task.status === "reserved")) cancel(op, task, TTL_REASON, timer.due_at);
        break;
      }
      case "wrapup": {
        clearTimer(op.host, timer.kind, timer.sid);
        const task = tasks.get(op.host, timer.sid);
        if (task?.status === "wrapping") complete(op, task, WRAPUP_TIMEOUT_REASON);
        break;
      }
      case "purge": {
        clearTimer(op.host, timer.kind, timer.sid);
        const task = tasks.get(op.host, timer.sid);
        if (task && (task.status === "completed" || task.status === "canceled")) remove(op, task, "task.system-deleted");
        break;
      }
      case "outbox":
        // The Durable Object retries sending after every alarm; the timer only wakes it.
        clearTimer(op.host, timer.kind, timer.sid);
        break;
      case "presence":
        // The Durable Object checks presence before the Router's timers fire and sets the next check
        // itself; a presence timer still due here has nothing left to do.
        clearTimer(op.host, timer.kind, timer.sid);
        break;
      case "eb-heartbeat":
        // Like presence: the Durable Object sends the heartbeat before the Router's timers and sets the next.
        clearTimer(op.host, timer.kind, timer.sid);
        break;
      case "supervisor-flush":
      case "supervisor-lease":
      case "agent-queues":
        // Like presence: the Durable Object flushes and renews the supervisors' feed before the Router's timers.
        clearTimer(op.host, timer.kind, timer.sid);
        break;
      default: {
        const unknown: never = timer.kind;
        clearTimer(op.host, unknown, timer.sid);
      }
    }
  }
}
