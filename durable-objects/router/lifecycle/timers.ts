/**
 * What happens when timers come due (the alarm): a pending reservation times out, a waiting task's
 * workflow step times out (the engine moves it on), a task's TTL cancels it ("Task TTL Exceeded"), an
 * ended task is purged. Timers that no longer apply (the reservation was answered, the task assigned)
 * were deleted with the change that made them moot; any left over are dropped here.
 */
import { reservations } from "../store/reservation-store";
import { run } from "../../kit/sql-host";
import { tasks } from "../store/task-store";
import { clearTimer, type Timer } from "../store/timer-store";
import type { Op } from "./op";
import { applyOutcome } from "./outcome";
import { cancel, remove, timeOut, TTL_REASON } from "./transitions";

export function fireTimers(op: Op, due: readonly Timer[]): void {
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
        run(op.host, "DELETE FROM sb_timers WHERE kind = 'step' AND due_at <= ?", op.now);
        applyOutcome(op, op.route.tick(op.now));
        break;
      case "ttl": {
        clearTimer(op.host, timer.kind, timer.sid);
        const task = tasks.get(op.host, timer.sid);
        if (task && (task.status === "pending" || task.status === "reserved")) cancel(op, task, TTL_REASON, timer.due_at);
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
        // Like presence: the Durable Object flushes the supervisors' feed before the Router's timers.
        clearTimer(op.host, timer.kind, timer.sid);
        break;
      default: {
        const unknown: never = timer.kind;
        clearTimer(op.host, unknown, timer.sid);
      }
    }
  }
}
