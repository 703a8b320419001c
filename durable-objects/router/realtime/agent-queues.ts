/**
 * The waiting count of an agent's queues on their live channel: each task queue the worker is a member
 * of, with the tasks waiting in it (pending and reserved) and since when the oldest waits — in `hello`,
 * then a `queues.waiting` frame whenever a committed change touched one of their queues or their
 * membership. The figures are this Router's (the worker's region: the tasks that can ring them) and come
 * from the statistics' counters (`bulkQueueStatistics`), so nothing walks the tasks.
 *
 * Coalesced as the supervisors' deltas are (coalesced.ts): at most one flush a second, what a change
 * within it touched kept as `agent-queues` rows in sb_timers for the one alarm. The oldest wait is a time, not an age, so the desk counts it up itself
 * and no frame is needed while nothing changes.
 */
import type { AgentQueue, ServerFrame } from "../../../contract/realtime-frames";
import type { EventRecord } from "../../../contract/taskrouter";
import type { WorkspaceConfigSnapshot } from "../../common/rpc";
import type { StoreHost } from "../../kit/sql-host";
import { Coalesced } from "./coalesced";
import type { Router } from "../lifecycle/router";
import type { RealtimeFigures } from "../statistics";
import { loadSnapshot } from "../store/config-store";

/** The shortest time between two `queues.waiting` frames from this Router. */
export const AGENT_QUEUES_FLUSH_MS = 1000;
const TIMER = "agent-queues";
/** `bulkQueueStatistics` takes at most this many queues at once. */
const QUEUE_BATCH = 50;

export type AgentQueuesRouter = Pick<Router, "bulkQueueStatistics" | "queuesOfWorker">;

/** The agents' sockets, as much of channel.ts's SocketHost as this needs. */
export interface AgentSockets<S> {
  open(): S[];
  connection(socket: S): { readonly workerSid: string } | null;
  send(socket: S, text: string): void;
}

/**
 * A queue as the agent sees it, from this region's real-time figures of it.
 * @example agentQueueOf(record, figures) // { sid, friendly_name: "Support", waiting: 3, oldest_waiting_since_ms: 1764072000000, sla_threshold_seconds: 45 }
 */
export function agentQueueOf(
  queue: Pick<WorkspaceConfigSnapshot["taskQueues"][number], "sid" | "friendly_name"> & { sla_threshold_seconds?: number | null },
  figures: Pick<RealtimeFigures, "tasksByStatus" | "longestWaiting">,
): AgentQueue {
  return {
    sid: queue.sid,
    friendly_name: queue.friendly_name,
    waiting: figures.tasksByStatus.pending + figures.tasksByStatus.reserved,
    oldest_waiting_since_ms: figures.longestWaiting?.since ?? null,
    sla_threshold_seconds: queue.sla_threshold_seconds ?? null,
  };
}

interface Dirty {
  readonly queues: Set<string>;
  readonly workers: Set<string>;
}

export class AgentQueues<S> {
  private readonly coalesced: Coalesced;

  constructor(
    private readonly host: StoreHost,
    private readonly router: AgentQueuesRouter,
    private readonly sockets: AgentSockets<S>,
  ) {
    this.coalesced = new Coalesced(host, TIMER, AGENT_QUEUES_FLUSH_MS);
  }

  /** The worker's queues now, in the workspace's order (for `hello`). */
  of(accountSid: string, workerSid: string, now: number): AgentQueue[] {
    const config = loadSnapshot(this.host);
    if (!config) return [];
    const theirs = this.router.queuesOfWorker(accountSid, workerSid, now);
    if (!theirs.ok) return [];
    return this.figures(config, new Set(theirs.value), now);
  }

  /** A committed operation's events: what they touched goes out now, or with the next flush. */
  publish(events: readonly EventRecord[], now: number): void {
    if (events.length === 0 || this.sockets.open().length === 0) return;
    const dirty = touched(events);
    if (dirty.queues.size === 0 && dirty.workers.size === 0) return;
    if (this.coalesced.goesNow([...dirty.queues, ...dirty.workers], now)) this.flush(dirty, now);
  }

  /** From the alarm: when the coalesced changes are due, one frame to each agent they concern. */
  flushDue(now: number): void {
    const due = this.coalesced.takeDue(now);
    if (!due) return;
    const dirty: Dirty = { queues: new Set(), workers: new Set() };
    for (const sid of due) (sid.startsWith("WK") ? dirty.workers : dirty.queues).add(sid);
    if (this.sockets.open().length > 0) this.flush(dirty, now);
  }

  private flush(dirty: Dirty, now: number): void {
    const config = loadSnapshot(this.host);
    if (!config) return;
    const accountSid = config.workspace.account_sid;
    const byWorker = new Map<string, S[]>();
    for (const socket of this.sockets.open()) {
      const workerSid = this.sockets.connection(socket)?.workerSid;
      if (workerSid) byWorker.set(workerSid, [...(byWorker.get(workerSid) ?? []), socket]);
    }
    const concerned: [S[], Set<string>][] = [];
    for (const [workerSid, sockets] of byWorker) {
      const theirs = this.router.queuesOfWorker(accountSid, workerSid, now);
      if (!theirs.ok) continue;
      if (dirty.workers.has(workerSid) || theirs.value.some((sid) => dirty.queues.has(sid)))
        concerned.push([sockets, new Set(theirs.value)]);
    }
    if (concerned.length === 0) return;
    const all = this.figures(config, new Set(concerned.flatMap(([, sids]) => [...sids])), now);
    for (const [sockets, sids] of concerned) {
      const frame = { type: "queues.waiting", date_ms: now, queues: all.filter((q) => sids.has(q.sid)) } satisfies ServerFrame;
      const text = JSON.stringify(frame);
      for (const socket of sockets) this.sockets.send(socket, text);
    }
  }

  /** The queues of `sids` as agents see them, in the workspace's order (a queue whose figures cannot be read is left out). */
  private figures(config: WorkspaceConfigSnapshot, sids: ReadonlySet<string>, now: number): AgentQueue[] {
    const queues = config.taskQueues.filter((queue) => sids.has(queue.sid));
    const out: AgentQueue[] = [];
    for (let i = 0; i < queues.length; i += QUEUE_BATCH) {
      const batch = queues.slice(i, i + QUEUE_BATCH);
      const figures = this.router.bulkQueueStatistics(
        config.workspace.account_sid,
        batch.map((q) => q.sid),
        { realtime: true },
        now,
      );
      if (!figures.ok) continue;
      const bySid = new Map(figures.value.map((f) => [f.queueSid, f.realtime]));
      for (const queue of batch) {
        const realtime = bySid.get(queue.sid);
        if (realtime) out.push(agentQueueOf(queue, realtime));
      }
    }
    return out;
  }
}

/** The queues events touched (a task's queue) and the workers whose membership may have moved (their own changes). */
function touched(events: readonly EventRecord[]): Dirty {
  const dirty: Dirty = { queues: new Set(), workers: new Set() };
  for (const event of events) {
    const data = event.event_data;
    if (typeof data.task_queue_sid === "string" && data.task_queue_sid !== "") dirty.queues.add(data.task_queue_sid);
    // Membership follows the worker's attributes (and, for an expression that reads it, their activity).
    const own = event.event_type === "worker.attributes.update" || event.event_type === "worker.activity.update";
    if (own && typeof data.worker_sid === "string") dirty.workers.add(data.worker_sid);
  }
  return dirty;
}
