/**
 * The agents' live channel, held by the Router: connections open (with an identity the Worker checked),
 * committed events become frames pushed to the workers they concern and logged for replay, commands
 * run as Router operations, and presence takes away agents who left. The sockets themselves are behind
 * a narrow {@link SocketHost} — the Router DO's hibernatable WebSockets in workerd, plain objects in
 * unit tests — so every rule here runs in plain Node.
 *
 * Close codes (observable by a browser, unlike an HTTP status on the upgrade): 4400 a bad request
 * (`since`), 4401 no valid token or it expired, 4403 the token may not use this channel (no worker,
 * another account, an unknown worker), 4408 silent for the grace period, 4410 the worker was deleted, 4307 the worker moved to another
 * region (the client reconnects, and reaches that region's Router).
 * A worker presence took offline is told so by the `hello` of their next connection (`presence_offline`).
 */
import { z } from "zod";
import { loadSnapshot } from "../store/config-store";
import type { StoreHost } from "../../kit/sql-host";
import {
  forgetPresence,
  markGone,
  markPresent,
  notePresenceOffline,
  presenceCheckAt,
  presenceGraceMs,
  presenceOf,
  presenceRows,
  setPresenceCheck,
  setPresenceGraceMs,
  takePresenceNotice,
} from "../store/presence-store";
import { holdersOfTask } from "../store/reservation-store";
import { timerDueAt } from "../../kit/timers";
import { channelOf } from "../store/worker-store";
import { fail, invalid, ok, type ApiResult } from "../../common/rpc";
import { iso, type EventRecord } from "../../../contract/taskrouter";
import { bindingFor, tokenBinding } from "../../common/user-access";
import type { Router } from "../lifecycle/router";
import { parseCommand, runCommand, type CommandActor, type CommandRouter } from "./commands";
import { framesOf, type FrameContext } from "../lifecycle/event-frames";
import { FrameLog } from "./frame-log";
import type { ServerFrame } from "../../../contract/realtime-frames";
import { decidePresence, offlineActivity, offlineCause, takeOffline } from "./presence";
import { AgentQueues, type AgentQueuesRouter } from "./agent-queues";

/** Who a connection was opened for, as the Worker verified it from the token. */
export const agentIdentity = z.object({
  accountSid: z.string(),
  workspaceSid: z.string(),
  role: z.enum(["worker", "supervisor", "admin"]),
  workerSid: z.string().optional(),
  ops: z.array(z.string()),
  /** Epoch ms. */
  expiresAt: z.number(),
  /** The signed-in user the token was minted for (the desktop's tokens): their sockets are tagged and closed should they lose access. */
  user: z.object({ userSid: z.string(), sessionSid: z.string() }).optional(),
});
export type AgentIdentity = z.infer<typeof agentIdentity>;

/** What each connection keeps (its WebSocket attachment, which survives hibernation; well under 16 KB). */
export const connectionState = z.object({
  accountSid: z.string(),
  workerSid: z.string(),
  role: z.enum(["worker", "supervisor", "admin"]),
  ops: z.array(z.string()),
  expiresAt: z.number(),
  connectedAt: z.number(),
  /** The last frame the client sent (the auto-answered `ping` is read from the runtime instead). */
  lastMessageAt: z.number(),
  /** What a user's token was minted for, judged again when the AccountDO says the user changed. */
  binding: tokenBinding.optional(),
});
export type Connection = z.infer<typeof connectionState> & CommandActor;

/** The sockets, as the Router DO holds them. */
export interface SocketHost<S> {
  /** Open sockets: a worker's, or all. */
  open(workerSid?: string): S[];
  connection(socket: S): Connection | null;
  setConnection(socket: S, connection: Connection): void;
  /** When the client's last heartbeat `ping` was answered without waking the object, or null. */
  pingedAt(socket: S): number | null;
  send(socket: S, text: string): void;
  close(socket: S, code: number, reason: string): void;
}

export const CLOSE_CODES = {
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  silent: 4408,
  workerDeleted: 4410,
  workerMoved: 4307,
} as const;

/** The heartbeat clients are asked to send: often enough that two can be missed within the grace period. */
const heartbeatInterval = (graceMs: number) => Math.max(1000, Math.min(20_000, Math.floor(graceMs / 3)));

export type ChannelRouter = CommandRouter & Pick<Router, "getWorker" | "agentSnapshot"> & AgentQueuesRouter;

export interface RealtimeSettings {
  readonly presence_grace_seconds: number;
}

export class AgentChannel<S> {
  readonly log: FrameLog;
  private readonly context: FrameContext;
  private readonly queues: AgentQueues<S>;

  constructor(
    private readonly host: StoreHost,
    private readonly router: ChannelRouter,
    private readonly sockets: SocketHost<S>,
  ) {
    this.log = new FrameLog(host);
    this.queues = new AgentQueues(host, router, sockets);
    this.context = {
      workersHolding: (taskSid) => holdersOfTask(host, taskSid),
      channelCapacity: (workerSid, taskChannelSid) => channelOf(host, workerSid, taskChannelSid)?.capacity ?? null,
      reservationTimeoutAt: (reservationSid) => timerDueAt(host, "reservation", reservationSid),
      wrapUpEndsAt: (taskSid) => timerDueAt(host, "wrapup", taskSid),
    };
  }

  /**
   * A socket was accepted for `identity`: checks it may serve the worker (else closes it with 44xx),
   * starts logging and watching the worker, then sends `hello` (with the worker's state now: see
   * agent-snapshot.ts) and, with `since`, every logged frame after it — all before any live frame,
   * since nothing else runs in between.
   */
  open(socket: S, identity: AgentIdentity, since: number | null, now: number): boolean {
    const refuse = (code: number, reason: string) => {
      this.sockets.close(socket, code, reason);
      return false;
    };
    if (identity.expiresAt <= now) return refuse(CLOSE_CODES.unauthorized, "The token has expired");
    if (identity.workerSid === undefined) return refuse(CLOSE_CODES.forbidden, "This channel serves one worker: the token names none");
    if (since !== null && (!Number.isSafeInteger(since) || since < 0))
      return refuse(CLOSE_CODES.badRequest, "since must be a non-negative integer");
    const state = this.router.agentSnapshot(identity.accountSid, identity.workerSid, now);
    if (!state.ok) return refuse(CLOSE_CODES.forbidden, state.message);

    const binding = bindingFor(identity);
    const connection: Connection = {
      accountSid: identity.accountSid,
      workerSid: identity.workerSid,
      role: identity.role,
      ops: identity.ops,
      expiresAt: identity.expiresAt,
      connectedAt: now,
      lastMessageAt: now,
      ...(binding ? { binding } : {}),
    };
    this.sockets.setConnection(socket, connection);
    const grace = presenceGraceMs(this.host);
    const notice = this.host.transactionSync(() => {
      markPresent(this.host, connection.workerSid, connection.accountSid);
      this.checkPresenceBy(now + grace);
      return takePresenceNotice(this.host, connection.workerSid);
    });
    const worker = state.value.worker;
    // Only while they are still where presence put them: an Activity chosen since says more.
    const offline =
      notice !== null && notice.activitySid === worker.activity_sid
        ? {
            date_ms: notice.at,
            activity_sid: notice.activitySid,
            activity_name: worker.activity_name,
            reason: notice.reason ?? "disconnected",
            since_ms: notice.since,
            grace_ms: notice.graceMs ?? grace,
          }
        : null;
    const lastSeq = this.log.start(connection.workerSid);
    const replay = since === null ? { frames: [], complete: true } : this.log.replay(connection.workerSid, since, now);
    this.sockets.send(
      socket,
      JSON.stringify({
        type: "hello",
        worker_sid: connection.workerSid,
        last_seq: lastSeq,
        replay: { since, count: replay.frames.length, complete: replay.complete },
        heartbeat: { send: "ping", reply: "pong", interval_ms: heartbeatInterval(grace) },
        presence_grace_ms: grace,
        expires_at: iso(connection.expiresAt),
        date_ms: now,
        presence_offline: offline,
        worker,
        activities: state.value.activities,
        reservations: state.value.reservations,
        queues: this.queues.of(identity.accountSid, connection.workerSid, now),
      } satisfies ServerFrame),
    );
    for (const frame of replay.frames) this.sockets.send(socket, frame.body);
    return true;
  }

  /** A committed operation's events: frames for the workers they concern, logged, then pushed. */
  publish(events: readonly EventRecord[], now: number): void {
    // A workspace whose agents never connected pays nothing on the routing path.
    if (this.log.empty) return;
    const addressed = events.flatMap((event) => framesOf(event, this.context));
    const logged = addressed.length === 0 ? [] : this.log.append(addressed, now);
    for (const frame of logged) {
      for (const socket of this.sockets.open(frame.workerSid)) this.push(socket, frame.text, now);
    }
    // After the changes themselves: what now waits in the queues they touched.
    this.queues.publish(events, now);
    for (const event of events) {
      if (event.event_type !== "worker.deleted") continue;
      const workerSid = event.event_data.worker_sid;
      if (typeof workerSid !== "string" || !this.log.logs(workerSid)) continue;
      for (const socket of this.sockets.open(workerSid)) this.sockets.close(socket, CLOSE_CODES.workerDeleted, "The worker was deleted");
      this.log.forget(workerSid);
      this.host.transactionSync(() => {
        forgetPresence(this.host, workerSid);
        takePresenceNotice(this.host, workerSid);
      });
    }
  }

  /**
   * The worker moved to another region's Router (worker-move.ts): their sockets here are closed with
   * 4307, which the desktop treats as "reconnect" (not one of its final codes) and so reaches the
   * Router they are in now; what was logged or known of their presence here is forgotten.
   */
  moved(workerSid: string): void {
    for (const socket of this.sockets.open(workerSid))
      this.sockets.close(socket, CLOSE_CODES.workerMoved, "The worker moved to another region; reconnect");
    this.log.forget(workerSid);
    this.host.transactionSync(() => {
      forgetPresence(this.host, workerSid);
      takePresenceNotice(this.host, workerSid);
    });
  }

  /** A frame from the client: a command, answered by `ack` or `error` on the same socket. */
  message(socket: S, data: string | ArrayBuffer, now: number): void {
    const connection = this.sockets.connection(socket);
    if (!connection) return this.sockets.close(socket, CLOSE_CODES.unauthorized, "This connection has no identity");
    if (connection.expiresAt <= now) return this.sockets.close(socket, CLOSE_CODES.unauthorized, "The token has expired");
    this.sockets.setConnection(socket, { ...connection, lastMessageAt: now });
    if (data === "ping") return this.sockets.send(socket, "pong");
    const parsed =
      typeof data === "string"
        ? parseCommand(data)
        : ({ ok: false, id: null, failure: fail(400, 20001, "Frames are JSON text, not binary") } as const);
    const reply = (frame: ServerFrame) => this.sockets.send(socket, JSON.stringify(frame));
    if (!parsed.ok) return reply({ type: "error", id: parsed.id, ...errorOf(parsed.failure) });
    const result = runCommand(this.router, connection, parsed.command, now);
    if (!result.ok) return reply({ type: "error", id: parsed.command.id, ...errorOf(result) });
    reply({ type: "ack", id: parsed.command.id, ...result.value });
  }

  /** A socket closed: when it was the worker's last one, the worker is gone from now (presence). */
  closed(socket: S, now: number): void {
    const connection = this.sockets.connection(socket);
    if (!connection) return;
    if (this.sockets.open(connection.workerSid).some((other) => other !== socket)) return;
    const presence = presenceOf(this.host, connection.workerSid);
    if (!presence || presence.gone_since !== null) return;
    const grace = presenceGraceMs(this.host);
    this.host.transactionSync(() => {
      markGone(this.host, connection.workerSid, now);
      this.checkPresenceBy(now + grace);
    });
  }

  /**
   * From the alarm: the coalesced `queues.waiting` frames when due (agent-queues.ts); then presence, when its timer is due: connections whose token expired are closed, workers gone longer
   * than the grace period are taken offline (their silent sockets closed), the others are looked at
   * again at their next deadline.
   */
  sweep(now: number): void {
    this.queues.flushDue(now);
    const due = presenceCheckAt(this.host);
    if (due === null || due > now) return;
    for (const socket of this.sockets.open()) {
      const connection = this.sockets.connection(socket);
      if (!connection || connection.expiresAt <= now) this.sockets.close(socket, CLOSE_CODES.unauthorized, "The token has expired");
    }
    const grace = presenceGraceMs(this.host);
    const tracked = presenceRows(this.host).map((row) => ({
      workerSid: row.worker_sid,
      accountSid: row.account_sid,
      goneSince: row.gone_since === null ? null : Number(row.gone_since),
      lastSeen: this.lastSeen(row.worker_sid),
    }));
    const decision = decidePresence(tracked, now, grace);
    if (decision.offline.length > 0) {
      const snapshot = loadSnapshot(this.host);
      const activity = snapshot && offlineActivity(snapshot);
      for (const worker of decision.offline) {
        for (const socket of this.sockets.open(worker.workerSid)) {
          this.sockets.close(socket, CLOSE_CODES.silent, `No heartbeat for ${grace / 1000} s`);
        }
        if (!activity) {
          console.warn(`Presence: worker ${worker.workerSid} left, but the workspace has no unavailable offline activity to move them to`);
          continue;
        }
        const moved = takeOffline(this.router, worker, activity.sid, now);
        if (!moved.ok) console.warn(`Presence: taking worker ${worker.workerSid} offline failed: ${moved.message}`);
        else if (moved.value === "moved") {
          const cause = offlineCause(worker);
          const notice = { activitySid: activity.sid, at: now, reason: cause.reason, since: cause.since, graceMs: grace };
          this.host.transactionSync(() => notePresenceOffline(this.host, worker.workerSid, notice));
        }
      }
    }
    const byWorker = new Map(tracked.map((worker) => [worker.workerSid, worker]));
    this.host.transactionSync(() => {
      for (const { workerSid, at } of decision.gone) markGone(this.host, workerSid, at);
      for (const workerSid of decision.back) markPresent(this.host, workerSid, byWorker.get(workerSid)!.accountSid);
      for (const worker of decision.offline) forgetPresence(this.host, worker.workerSid);
      setPresenceCheck(this.host, decision.nextCheckAt);
    });
  }

  /** The channel's settings (the presence grace period), changed when `changes` says so. */
  settings(accountSid: string, changes: { presenceGraceSeconds?: number }, now: number): ApiResult<RealtimeSettings> {
    const snapshot = loadSnapshot(this.host);
    if (!snapshot || snapshot.workspace.account_sid !== accountSid)
      return fail(404, 20404, "The requested resource Workspace was not found");
    const seconds = changes.presenceGraceSeconds;
    if (seconds !== undefined) {
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400)
        return invalid("PresenceGraceSeconds", "must be an integer from 1 to 86400");
      this.host.transactionSync(() => {
        setPresenceGraceMs(this.host, seconds * 1000);
        // Deadlines move with the grace period: look again at once, and the sweep sets the next.
        if (presenceRows(this.host).length > 0) this.checkPresenceBy(now);
      });
    }
    return ok({ presence_grace_seconds: presenceGraceMs(this.host) / 1000 });
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────

  private push(socket: S, text: string, now: number): void {
    const connection = this.sockets.connection(socket);
    // The frame is logged: a client whose token expired gets it on reconnecting with a new one.
    if (!connection || connection.expiresAt <= now) return this.sockets.close(socket, CLOSE_CODES.unauthorized, "The token has expired");
    this.sockets.send(socket, text);
  }

  /** The latest sign of life among a worker's open sockets, or null when none is open. */
  private lastSeen(workerSid: string): number | null {
    let latest: number | null = null;
    for (const socket of this.sockets.open(workerSid)) {
      const connection = this.sockets.connection(socket);
      const seen = Math.max(connection?.lastMessageAt ?? 0, connection?.connectedAt ?? 0, this.sockets.pingedAt(socket) ?? 0);
      latest = latest === null ? seen : Math.max(latest, seen);
    }
    return latest;
  }

  /** Makes presence be checked no later than `at`. */
  private checkPresenceBy(at: number): void {
    const current = presenceCheckAt(this.host);
    if (current === null || at < current) setPresenceCheck(this.host, at);
  }
}

const errorOf = (failure: { status: number; code: number; message: string }) => ({
  status: failure.status,
  code: failure.code,
  message: failure.message,
});
