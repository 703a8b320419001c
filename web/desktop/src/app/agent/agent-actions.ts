/**
 * The implementations of the agent's task and presence actions, over the live socket: AcceptTask,
 * RejectTask, WrapupTask, CompleteTask, SetActivity and SelectTask. Each awaits the server's `ack`;
 * an `error` rejects the action, which the framework shows as ActionFailed. Listeners and plugins see
 * every call (`beforeAcceptTask` can cancel it: then no command is sent).
 */
import type { Desktop } from "../../framework";
import type { DesktopTask } from "../types";
import type { AckFrame, Command } from "./realtime-client";
import type { AgentStore } from "./task-store";

/** What the actions need from the socket. */
export interface CommandSender {
  command(command: Command): Promise<AckFrame>;
}

/** The task an action's payload names: by `reservationSid`, or its task (`sid`, `taskSid` or `reservationSid`). */
function taskOf(store: AgentStore, payload: Record<string, unknown>): DesktopTask {
  const task = (payload.task ?? {}) as Record<string, unknown>;
  const found =
    (typeof payload.reservationSid === "string" ? store.find({ reservationSid: payload.reservationSid }) : undefined) ??
    store.find({ reservationSid: task.reservationSid, sid: task.sid, taskSid: task.taskSid });
  if (!found) throw new Error("That task is no longer assigned to you");
  return found;
}

const statusOf = (ack: AckFrame) => ack.reservation?.reservation_status;

/**
 * Registers the agent's actions; returns a function that unregisters them.
 * @example const unregister = registerAgentActions(desktop, store, client);
 */
export function registerAgentActions(desktop: Desktop, store: AgentStore, client: CommandSender): () => void {
  const { Actions } = desktop;
  const removers = [
    Actions.registerAction("AcceptTask", async (payload) => {
      const task = taskOf(store, payload);
      const ack = await client.command({ type: "accept", reservation_sid: task.reservationSid });
      store.updateReservation(task.reservationSid, "accepted");
      store.select(task.taskSid);
      return ack;
    }),
    Actions.registerAction("RejectTask", async (payload) => {
      const task = taskOf(store, payload);
      const activitySid = typeof payload.activitySid === "string" ? payload.activitySid : undefined;
      const ack = await client.command({
        type: "reject",
        reservation_sid: task.reservationSid,
        ...(activitySid ? { activity_sid: activitySid } : {}),
      });
      if (statusOf(ack) === "rejected") store.updateReservation(task.reservationSid, "rejected");
      return ack;
    }),
    Actions.registerAction("WrapupTask", async (payload) => {
      const task = taskOf(store, payload);
      const ack = await client.command({ type: "wrapup", reservation_sid: task.reservationSid });
      store.updateReservation(task.reservationSid, "wrapping");
      return ack;
    }),
    Actions.registerAction("CompleteTask", async (payload) => {
      const task = taskOf(store, payload);
      // The canvas sends `reason` (the disposition code); the framework's name for it is `disposition`.
      const reason = typeof payload.reason === "string" ? payload.reason : payload.disposition;
      // A reason travels with the task: the reservation form takes none.
      return client.command(
        reason ? { type: "complete", task_sid: task.taskSid, reason } : { type: "complete", reservation_sid: task.reservationSid },
      );
    }),
    Actions.registerAction("SetActivity", async ({ activitySid }) => {
      const ack = await client.command({ type: "set-activity", activity_sid: activitySid });
      if (ack.worker?.activity_sid) store.setActivity(ack.worker.activity_sid, ack.worker.activity_name ?? null, ack.worker.available);
      return ack;
    }),
    Actions.registerAction("SelectTask", ({ taskSid }) => store.select(taskSid)),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
