/**
 * The stock SDK's sockets, held by the Router next to the agents' channel: each one is opened for the
 * worker a verified token names and gets `init` at once; committed events become Event Bridge frames
 * (bridge-frames.ts) for the workers with a socket open; and, since the SDK drops a link that stays silent
 * for 30 s (WebSocket pings do not count), an empty text frame goes to every socket each
 * {@link HEARTBEAT_MS} from the Router's one alarm (an `eb-heartbeat` timer in sb_timers, kept only
 * while sockets are open). The client never sends frames. The sockets are behind
 * {@link BridgeSocketHost}, so every rule runs in plain Node.
 */
import type { EventRecord } from "../../../contract/taskrouter";
import type { Router } from "../lifecycle/router";
import type { StoreHost } from "../../kit/sql-host";
import { reservationsOfTask } from "../store/reservation-store";
import { clearTimer, setTimer, timerDueAt } from "../../kit/timers";
import { bridgeFramesOf, type BridgeReader } from "./bridge-frames";
import { bridgeChannel, bridgeReservation, bridgeTask, bridgeWorker, initFrame, versionOf } from "./payloads";

/** Well inside the SDK's 30 s silence limit, with room for a late alarm. */
export const HEARTBEAT_MS = 20_000;
const TIMER_SID = "eb";

/** Who a socket was opened for, as the Worker verified it from the token. */
export interface BridgeIdentity {
  readonly accountSid: string;
  readonly workspaceSid: string;
  readonly workerSid: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface BridgeSocketHost<S> {
  /** Open SDK sockets: a worker's, or all. */
  open(workerSid?: string): S[];
  send(socket: S, text: string): void;
  close(socket: S, code: number, reason: string): void;
}

export type BridgeRouter = Pick<Router, "getWorker" | "getWorkerChannel" | "getTask" | "getReservation">;

/** The close codes of a refused SDK socket (the SDK itself reconnects after any close). */
export const BRIDGE_CLOSE = { unauthorized: 4401, forbidden: 4403 } as const;

export class BridgeHub<S> {
  constructor(
    private readonly host: StoreHost,
    private readonly router: BridgeRouter,
    private readonly sockets: BridgeSocketHost<S>,
  ) {}

  /** A socket was accepted: checks the worker exists, sends `init`, and keeps the heartbeat going. */
  open(socket: S, identity: BridgeIdentity, now: number): boolean {
    if (identity.expiresAt <= now) {
      this.sockets.close(socket, BRIDGE_CLOSE.unauthorized, "The token has expired");
      return false;
    }
    const worker = this.router.getWorker(identity.accountSid, identity.workerSid, now);
    if (!worker.ok) {
      this.sockets.close(socket, BRIDGE_CLOSE.forbidden, worker.message);
      return false;
    }
    this.sockets.send(socket, initFrame(identity, now));
    if (this.heartbeatAt() === null) setTimer(this.host, "eb-heartbeat", TIMER_SID, now + HEARTBEAT_MS);
    return true;
  }

  /** A committed operation's events, as frames to the SDK sockets of the workers they concern. */
  publish(events: readonly EventRecord[], now: number): void {
    const open = new Map<string, S[]>();
    const socketsOf = (workerSid: string): S[] => {
      let found = open.get(workerSid);
      if (found === undefined) open.set(workerSid, (found = this.sockets.open(workerSid)));
      return found;
    };
    if (this.sockets.open().length === 0) return;
    const reader = this.reader(now);
    for (const event of events) {
      for (const frame of bridgeFramesOf(event, reader, (workerSid) => socketsOf(workerSid).length > 0)) {
        for (const socket of socketsOf(frame.workerSid)) this.sockets.send(socket, frame.text);
      }
    }
  }

  /** From the alarm: when the heartbeat is due, an empty frame to every socket, and the next one set. */
  heartbeat(now: number): void {
    const due = this.heartbeatAt();
    if (due === null || due > now) return;
    const sockets = this.sockets.open();
    for (const socket of sockets) this.sockets.send(socket, "");
    if (sockets.length === 0) clearTimer(this.host, "eb-heartbeat", TIMER_SID);
    else setTimer(this.host, "eb-heartbeat", TIMER_SID, now + HEARTBEAT_MS);
  }

  private heartbeatAt(): number | null {
    return timerDueAt(this.host, "eb-heartbeat", TIMER_SID);
  }

  private reader(now: number): BridgeReader {
    const router = this.router;
    const task: BridgeReader["task"] = (accountSid, taskSid) => {
      const result = router.getTask(accountSid, taskSid, now);
      return result.ok ? bridgeTask(result.value.task, versionOf(result.value.etag)) : null;
    };
    return {
      worker: (accountSid, workerSid) => {
        const result = router.getWorker(accountSid, workerSid, now);
        return result.ok ? bridgeWorker(result.value.worker, versionOf(result.value.etag)) : null;
      },
      reservation: (accountSid, workerSid, reservationSid) => {
        const result = router.getReservation(accountSid, { workerSid }, reservationSid, now);
        if (!result.ok) return null;
        const { reservation, etag } = result.value;
        return bridgeReservation(reservation, versionOf(etag), task(accountSid, reservation.task_sid));
      },
      task,
      channel: (accountSid, workerSid, taskChannelSid) => {
        const result = router.getWorkerChannel(accountSid, workerSid, taskChannelSid, now);
        return result.ok ? bridgeChannel(result.value) : null;
      },
      reservationWorkers: (taskSid) => [...new Set(reservationsOfTask(this.host, taskSid).map((r) => r.worker_sid))],
    };
  }
}
