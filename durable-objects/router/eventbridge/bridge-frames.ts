/**
 * Which committed events reach the SDK sockets of which workers, and the Event Bridge frame each
 * becomes. Like the agents' channel (realtime/event-frames.ts), frames come only from the events an
 * operation recorded; the objects they carry are read after the operation committed (the SDK needs
 * complete objects, which the events do not hold), with a reservation's status taken from the event.
 *
 * - `reservation.*` → the reservation's worker, the reservation with its task;
 * - `task.updated` / `.wrapup` / `.completed` / `.canceled` → every worker with a reservation of the task;
 * - `worker.activity.update` / `worker.attributes.update` → the worker;
 * - `worker.capacity.update` / `worker.channel.availability.update` → the worker, the worker channel.
 */
import type { EventRecord, ReservationStatus } from "../../../contract/taskrouter";
import { RESERVATION_STATUS, text } from "../lifecycle/event-frames";
import { bridgeFrame, type BridgeReservation, type BridgeTask, type BridgeWorker } from "./payloads";

/** Reads of the committed state (the Router DO binds them to its own reads). */
export interface BridgeReader {
  worker(accountSid: string, workerSid: string): BridgeWorker | null;
  /** The reservation with its task embedded. */
  reservation(accountSid: string, workerSid: string, reservationSid: string): BridgeReservation | null;
  task(accountSid: string, taskSid: string): BridgeTask | null;
  channel(accountSid: string, workerSid: string, taskChannelSid: string): unknown;
  /** Workers with a reservation of the task, in any status. */
  reservationWorkers(taskSid: string): readonly string[];
}

export interface BridgeAddressed {
  readonly workerSid: string;
  readonly text: string;
}

const STATUS: Readonly<Record<string, ReservationStatus>> = RESERVATION_STATUS;
const TASK_TYPES = ["task.updated", "task.wrapup", "task.completed", "task.canceled"];
const WORKER_TYPES = ["worker.activity.update", "worker.attributes.update"];
const CHANNEL_TYPES = ["worker.capacity.update", "worker.channel.availability.update"];

/**
 * The frames one event becomes for the workers `listening` (workers without an SDK socket cost no reads).
 * @example bridgeFramesOf(reservationAccepted, reader, () => true) // [{ workerSid: "WK…", text: '{"event_type":"reservation.accepted",…}' }]
 */
export function bridgeFramesOf(event: EventRecord, reader: BridgeReader, listening: (workerSid: string) => boolean): BridgeAddressed[] {
  const data = event.event_data;
  const account = event.account_sid;
  const type = event.event_type;
  const workerSid = text(data, "worker_sid");
  const status = STATUS[type];
  if (status !== undefined) {
    const reservationSid = text(data, "reservation_sid") ?? event.resource_sid;
    if (workerSid === null || !listening(workerSid)) return [];
    const reservation = reader.reservation(account, workerSid, reservationSid);
    return reservation ? [{ workerSid, text: bridgeFrame(type, { ...reservation, reservation_status: status }) }] : [];
  }
  if (TASK_TYPES.includes(type)) {
    const taskSid = text(data, "task_sid") ?? event.resource_sid;
    const holders = reader.reservationWorkers(taskSid).filter(listening);
    if (holders.length === 0) return [];
    const task = reader.task(account, taskSid);
    return task ? holders.map((holder) => ({ workerSid: holder, text: bridgeFrame(type, task) })) : [];
  }
  if (workerSid === null || !listening(workerSid)) return [];
  if (WORKER_TYPES.includes(type)) {
    const worker = reader.worker(account, workerSid);
    return worker ? [{ workerSid, text: bridgeFrame(type, worker) }] : [];
  }
  if (CHANNEL_TYPES.includes(type)) {
    const channelSid = text(data, "task_channel_sid");
    const channel = channelSid === null ? null : reader.channel(account, workerSid, channelSid);
    return channel ? [{ workerSid, text: bridgeFrame(type, channel) }] : [];
  }
  return [];
}
