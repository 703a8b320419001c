/**
 * The supervisors' feed, held by the Router beside the agents' channel: a supervisor or admin token
 * that names no worker gets `supervisor.snapshot` (every task queue's real-time figures and every
 * worker with the tasks in hand), then `supervisor.delta` frames with only the queues and workers that
 * committed operations changed — what Flex's Teams and Queue Stats views show.
 *
 * Deltas are coalesced to at most one frame a second: a change that comes ≥ 1 s after the last flush
 * is flushed at once; otherwise what it touched is written to sb_timers as `supervisor-flush` rows (one
 * per queue or worker SID, all due at last flush + 1 s), so the Router's one alarm flushes them and the
 * dirty set survives hibernation and eviction (no setTimeout, which would keep the object awake). Queue
 * figures come from the statistics' counters (`bulkQueueStatistics`) and, for today's figures, the
 * cumulative buckets (`queueStatistics`, kept per queue by {@link TodayTally} so a flush reads only the
 * current minute); workers from their rows and the (worker_sid, status) index of reservations: nothing
 * walks the tasks. Sockets are behind
 * {@link SupervisorSocketHost}, so the rules run in plain Node.
 */
import { iso, type EventRecord } from "../../../contract/taskrouter";
import { notFound, ok, type WorkspaceConfigSnapshot } from "../../common/rpc";
import type { Router } from "../lifecycle/router";
import { queueRealtimeBody } from "../statistics";
import { loadSnapshot } from "../store/config-store";
import { rows, run, type StoreHost } from "../../kit/sql-host";
import { reservations } from "../store/reservation-store";
import { setTimer } from "../../kit/timers";
import { TodayTally, type CumulativeReader } from "./supervisor-today";
import { channelsOf, workers, type WorkerRow } from "../store/worker-store";
import type { ServerFrame, SupervisorQueue, SupervisorWorker } from "../../../contract/realtime-frames";

/** The shortest time between two frames to a supervisor. */
export const SUPERVISOR_FLUSH_MS = 1000;
/** `bulkQueueStatistics` takes at most this many queues at once. */
const QUEUE_BATCH = 50;
/** The dirty-set row that stands for "every queue" (a worker was created or deleted). */
const ALL_QUEUES = "*";

export interface SupervisorSocketHost<S> {
  /** The supervisors' open sockets (asked once per change: with a thousand supervisors it is not free). */
  open(): S[];
  send(socket: S, text: string): void;
}

export type SupervisorRouter = Pick<Router, "bulkQueueStatistics" | "queueStatistics" | "queuesOfWorker">;

/** Each task channel's place in the workspace's order (what every worker's channels are sorted by). */
const channelOrder = (config: WorkspaceConfigSnapshot, taskChannelSid: string): number => {
  const index = config.taskChannels.findIndex((channel) => channel.sid === taskChannelSid);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
};

interface Dirty {
  readonly queues: Set<string>;
  readonly workers: Set<string>;
}

export class SupervisorFeed<S> {
  /** When the last delta went out (epoch ms; 0 after a restart, so the next change goes at once). */
  private lastFlush = 0;
  /** Today's figures per queue, the minutes that are over kept in memory (rebuilt from the buckets after an eviction). */
  private readonly today = new TodayTally();

  constructor(
    private readonly host: StoreHost,
    private readonly router: SupervisorRouter,
    private readonly sockets: SupervisorSocketHost<S>,
  ) {}

  /** A supervisor's socket was accepted: the snapshot goes first. */
  open(socket: S, now: number): void {
    const config = loadSnapshot(this.host);
    const queues = config
      ? this.queueViews(
          config,
          config.taskQueues.map((queue) => queue.sid),
          now,
        )
      : [];
    // Alphabetical, as a Teams view lists people (names are unique ignoring case: name_key).
    const all = workers.where(this.host, "1 = 1 ORDER BY name_key, sid");
    const frame: ServerFrame = {
      type: "supervisor.snapshot",
      date: iso(now),
      date_ms: now,
      queues,
      workers: config ? all.map((row) => this.workerView(config, row, now)) : [],
    };
    this.sockets.send(socket, JSON.stringify(frame));
  }

  /** A committed operation's events: what they touched goes out now, or with the next flush. */
  publish(events: readonly EventRecord[], now: number): void {
    if (events.length === 0) return;
    const sockets = this.sockets.open();
    if (sockets.length === 0) return;
    const dirty = this.touched(events, now);
    if (dirty.queues.size === 0 && dirty.workers.size === 0) return;
    if (now - this.lastFlush >= SUPERVISOR_FLUSH_MS) return this.flush(dirty, now, sockets);
    const dueAt = this.lastFlush + SUPERVISOR_FLUSH_MS;
    this.host.transactionSync(() => {
      for (const sid of [...dirty.queues, ...dirty.workers]) setTimer(this.host, "supervisor-flush", sid, dueAt);
    });
  }

  /** From the alarm: when the coalesced changes are due, one delta with all of them. */
  flushDue(now: number): void {
    const pending = rows<{ sid: string; due_at: number }>(this.host, "SELECT sid, due_at FROM sb_timers WHERE kind = 'supervisor-flush'");
    if (pending.length === 0 || !pending.some((row) => Number(row.due_at) <= now)) return;
    run(this.host, "DELETE FROM sb_timers WHERE kind = 'supervisor-flush'");
    const dirty: Dirty = { queues: new Set(), workers: new Set() };
    for (const { sid } of pending) (sid.startsWith("WK") ? dirty.workers : dirty.queues).add(sid);
    // Nobody is listening any more: the rows are dropped, nothing is built.
    const sockets = this.sockets.open();
    if (sockets.length === 0) return;
    this.flush(dirty, now, sockets);
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────

  /** One delta, serialized once: every socket is sent the same text. */
  private flush(dirty: Dirty, now: number, sockets: readonly S[]): void {
    this.lastFlush = now;
    const config = loadSnapshot(this.host);
    if (!config) return;
    const queueSids = dirty.queues.has(ALL_QUEUES)
      ? config.taskQueues.map((queue) => queue.sid)
      : config.taskQueues.filter((queue) => dirty.queues.has(queue.sid)).map((queue) => queue.sid);
    const changed: SupervisorWorker[] = [];
    const removed: string[] = [];
    for (const sid of [...dirty.workers].sort()) {
      const row = workers.get(this.host, sid);
      if (row) changed.push(this.workerView(config, row, now));
      else removed.push(sid);
    }
    const frame: ServerFrame = {
      type: "supervisor.delta",
      date: iso(now),
      date_ms: now,
      queues: this.queueViews(config, queueSids, now),
      workers: changed,
      removed_worker_sids: removed,
    };
    const text = JSON.stringify(frame);
    for (const socket of sockets) this.sockets.send(socket, text);
  }

  /** The queues and workers events touched: a task's queue, a reservation's worker, a worker's queues. */
  private touched(events: readonly EventRecord[], now: number): Dirty {
    const dirty: Dirty = { queues: new Set(), workers: new Set() };
    for (const event of events) {
      const data = event.event_data;
      if (typeof data.task_queue_sid === "string" && data.task_queue_sid !== "") dirty.queues.add(data.task_queue_sid);
      const workerSid = typeof data.worker_sid === "string" ? data.worker_sid : null;
      if (workerSid === null) continue;
      dirty.workers.add(workerSid);
      if (!event.event_type.startsWith("worker.")) continue;
      // A worker's activity, attributes, arrival or removal move the worker counts of their queues.
      const queues = this.router.queuesOfWorker(event.account_sid, workerSid, now);
      if (event.event_type === "worker.created" || event.event_type === "worker.deleted" || !queues.ok) dirty.queues.add(ALL_QUEUES);
      else for (const sid of queues.value) dirty.queues.add(sid);
    }
    return dirty;
  }

  private queueViews(config: WorkspaceConfigSnapshot, sids: readonly string[], now: number): SupervisorQueue[] {
    const views: SupervisorQueue[] = [];
    const accountSid = config.workspace.account_sid;
    const cumulative: CumulativeReader = (queueSid, window, splitByWaitTime) => {
      const figures = this.router.queueStatistics(accountSid, queueSid, { cumulative: { window, splitByWaitTime } }, now);
      if (!figures.ok) return figures;
      return figures.value.cumulative ? ok(figures.value.cumulative) : notFound("TaskQueue", queueSid);
    };
    this.today.retain(config.taskQueues.map((queue) => queue.sid));
    for (let i = 0; i < sids.length; i += QUEUE_BATCH) {
      const batch = sids.slice(i, i + QUEUE_BATCH);
      const figures = this.router.bulkQueueStatistics(config.workspace.account_sid, batch, { realtime: true }, now);
      if (!figures.ok) continue;
      for (const { queueSid, realtime, workers: people } of figures.value) {
        const today = this.today.of(queueSid, now, cumulative);
        if (!realtime || !people || !today) continue;
        const body = queueRealtimeBody(realtime, people, now);
        views.push({
          sid: queueSid,
          friendly_name: config.taskQueues.find((queue) => queue.sid === queueSid)?.friendly_name ?? "",
          tasks_by_status: body.tasks_by_status,
          total_tasks: body.total_tasks,
          longest_task_waiting_age: body.longest_task_waiting_age,
          longest_task_waiting_sid: body.longest_task_waiting_sid,
          total_available_workers: body.total_available_workers,
          total_eligible_workers: body.total_eligible_workers,
          activity_statistics: body.activity_statistics,
          today,
        });
      }
    }
    return views;
  }

  private workerView(config: WorkspaceConfigSnapshot, row: WorkerRow, now: number): SupervisorWorker {
    const activity = config.activities.find((a) => a.sid === row.activity_sid);
    const held = reservations.where(
      this.host,
      "worker_sid = ? AND status IN ('pending', 'accepted', 'wrapping') ORDER BY created_at, sid",
      row.sid,
    );
    const changedAt = Number(row.status_changed_at);
    const queues = this.router.queuesOfWorker(config.workspace.account_sid, row.sid, now);
    // Stored per worker in creation order, which ties (one operation makes them all) break by random SID.
    const channels = channelsOf(this.host, row.sid).sort(
      (a, b) => channelOrder(config, a.task_channel_sid) - channelOrder(config, b.task_channel_sid),
    );
    return {
      sid: row.sid,
      friendly_name: row.friendly_name,
      activity_sid: row.activity_sid,
      activity_name: activity?.friendly_name ?? null,
      available: activity?.available ?? false,
      date_status_changed: iso(changedAt),
      date_status_changed_ms: changedAt,
      attributes: row.attributes,
      task_queue_sids: queues.ok ? queues.value : [],
      channels: channels.map((channel) => {
        const unique = config.taskChannels.find((c) => c.sid === channel.task_channel_sid)?.unique_name ?? null;
        const mine = held.filter((r) => r.channel === unique);
        return {
          task_channel_sid: channel.task_channel_sid,
          task_channel_unique_name: unique,
          configured_capacity: Number(channel.capacity),
          available: Number(channel.available) === 1,
          reserved_tasks: mine.filter((r) => r.status === "pending").length,
          assigned_tasks: mine.filter((r) => r.status !== "pending").length,
        };
      }),
      reservations: held.map((r) => ({
        sid: r.sid,
        task_sid: r.task_sid,
        status: r.status as "pending" | "accepted" | "wrapping",
        task_channel_unique_name: r.channel,
        date_created: iso(Number(r.created_at)),
      })),
    };
  }
}
