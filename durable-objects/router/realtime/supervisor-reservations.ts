/**
 * The tasks a worker has in hand as the supervisors' feed shows them (`supervisorReservation`): each
 * reservation that holds capacity, with what a Teams row and the Live list need to say of its task — the
 * conversation it is for and its channel, the customer (named by the desk's rule, contract/customer-name.ts, so agent and
 * supervisor see the same name), and the queue it came through. A worker holds a few tasks, so reading
 * each one's row here costs a handful of indexed lookups per changed worker, at the coalesced flush only.
 */
import { iso } from "../../../contract/taskrouter";
import { attributesOf, customerOf } from "../../../contract/customer-name";
import type { SupervisorReservation } from "../../../contract/realtime-frames";
import type { WorkspaceConfigSnapshot } from "../../common/rpc";
import type { StoreHost } from "../../kit/sql-host";
import { reservations, type ReservationRow } from "../store/reservation-store";
import { tasks } from "../store/task-store";
import type { HeldStatus } from "./supervisor-tiles";

/** The worker's reservations that hold capacity (pending, accepted, wrapping), oldest first. */
export const inHand = (host: StoreHost, workerSid: string): (ReservationRow & { status: HeldStatus })[] =>
  reservations.where(
    host,
    "worker_sid = ? AND status IN ('pending', 'accepted', 'wrapping') ORDER BY created_at, sid",
    workerSid,
  ) as (ReservationRow & { status: HeldStatus })[];

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/**
 * One task in hand, for the feed.
 * @example reservationView(host, config, row) // { sid: "WR…", status: "accepted", conversation_sid: "CH…", customer: "Ann Lee", … }
 */
export function reservationView(
  host: StoreHost,
  config: WorkspaceConfigSnapshot,
  row: ReservationRow & { status: HeldStatus },
): SupervisorReservation {
  const task = tasks.get(host, row.task_sid);
  const attributes = task ? attributesOf(task.attributes) : {};
  const queue = task?.queue_sid ? config.taskQueues.find((q) => q.sid === task.queue_sid) : undefined;
  return {
    sid: row.sid,
    task_sid: row.task_sid,
    status: row.status,
    task_channel_unique_name: row.channel,
    date_created: iso(Number(row.created_at)),
    conversation_sid: text(attributes.conversationSid),
    channel_type: text(attributes.channelType),
    customer: customerOf(attributes).name,
    task_queue_sid: task?.queue_sid ?? null,
    task_queue_name: queue?.friendly_name ?? null,
  };
}
