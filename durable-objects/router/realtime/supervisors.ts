/**
 * The supervisors' feed, held by the Router beside the agents' channel: a supervisor or admin token
 * that names no worker gets `supervisor.snapshot` (every task queue's real-time figures and every
 * worker with the tasks in hand), then `supervisor.delta` frames with only the queues and workers that
 * committed operations changed — what Flex's Teams and Queue Stats views show. Of a queue every ready
 * supervisor already has, a delta carries only the fields that changed, and the team's tiles only when
 * they changed (supervisor-sent.ts): a thousand supervisors are each sent a third of the bytes.
 *
 * Deltas are coalesced to at most one frame a second: a change that comes ≥ 1 s after the last flush
 * is flushed at once; otherwise what it touched is written to sb_timers as `supervisor-flush` rows (one
 * per queue or worker SID, all due at last flush + 1 s), so the Router's one alarm flushes them and the
 * dirty set survives hibernation and eviction (no setTimeout, which would keep the object awake). Queue
 * figures come from the statistics' counters (`bulkQueueStatistics`) and, for today's figures, the
 * cumulative buckets (`queueStatistics`, kept per queue by {@link TodayTally} so a flush reads only the
 * current minute); workers from their rows and the (worker_sid, status) index of reservations: nothing
 * walks the tasks.
 *
 * Across regions (push with leases): the Router holding supervisors' sockets subscribes to the Router of
 * each other region of the workspace (`subscribe` there: a lease, renewed from this holder's alarm every
 * {@link LEASE_RENEW_MS}, answered with that region's full share unless the holder already has its last
 * frame). A Router with live leases sends its share of each flush — the same coalesced changes, numbered
 * per holder — through the {@link RegionLink}; the holder stores it (supervisor-regions.ts), adds each
 * queue's shares up (supervisor-parts.ts) and forwards a delta at once, so every region's changes reach
 * supervisors within a second. A gap in a region's numbers, or a lost frame seen at the renewal, makes
 * the holder ask for a full share; a region that cannot be reached is reported in `missing_regions` and
 * asked again on platform/backoff.ts's schedule, the other regions carrying on. The holder answers a
 * region's frame "no longer subscribed" once its last supervisor is gone, and stops renewing.
 * Sockets are behind {@link SupervisorSocketHost} and the other Routers behind {@link RegionLink}, so the
 * rules run in plain Node.
 */
import { iso, type EventRecord } from "../../../contract/taskrouter";
import { fail, invalid, notFound, ok, type ApiResult, type WorkspaceConfigSnapshot } from "../../common/rpc";
import type { Router } from "../lifecycle/router";
import { loadSnapshot } from "../store/config-store";
import { rows, type StoreHost } from "../../kit/sql-host";
import { holdersOfTask } from "../store/reservation-store";
import { inHand, reservationView } from "./supervisor-reservations";
import { clearTimer, setTimer, timerDueAt } from "../../kit/timers";
import { retryDelay, retryPolicy } from "../../../platform/backoff";
import { TodayTally, type CumulativeReader } from "./supervisor-today";
import { channelsOf, workers, type WorkerRow } from "../store/worker-store";
import type {
  ServerFrame,
  SupervisorQueue,
  SupervisorSnapshotFrame,
  SupervisorTeam,
  SupervisorWorker,
} from "../../../contract/realtime-frames";
import { byWorkerName, mergeQueueParts, serviceLevelSeconds, type QueuePart, type RegionFrame } from "./supervisor-parts";
import { agentState, isOfflineName, memberOf, teamTiles, type HeldStatus, type TeamMember } from "./supervisor-tiles";
import { offlineActivity } from "./presence";
import { LEASE_RENEW_MS, SupervisorLeases } from "./supervisor-leases";
import { RemoteRegions } from "./supervisor-regions";
import { Coalesced } from "./coalesced";
import { SentToSupervisors } from "./supervisor-sent";

/** The shortest time between two frames to a supervisor. */
export const SUPERVISOR_FLUSH_MS = 1000;
/** `bulkQueueStatistics` takes at most this many queues at once. */
const QUEUE_BATCH = 50;
/** The dirty-set row that stands for "every queue" (a worker was created or deleted). */
const ALL_QUEUES = "*";
/** The holder's timer that renews its leases in the other regions (and asks missing regions again). */
const LEASE_TIMER = "supervisor-lease";
/** A region that cannot be reached is asked again after 2 s, 4 s, 8 s … at most a minute apart. */
export const REGION_RETRIES = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: 60_000 });

export interface SupervisorSocketHost<S> {
  /** The supervisors' open sockets (asked once per change: with a thousand supervisors it is not free). */
  open(): S[];
  send(socket: S, text: string): void;
}

/** The Routers of the workspace's other regions, as the feed reaches them (the Durable Object's RPC). */
export interface RegionLink {
  /** Takes or renews a lease on `region`'s share: its full frame, or null when `knownSeq` is its last frame's number. */
  subscribe(accountSid: string, region: string, knownSeq: number | null): Promise<ApiResult<RegionFrame | null>>;
  /** Sends this region's frame to the holder in `holder`, in the background. */
  push(accountSid: string, holder: string, frame: RegionFrame): void;
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

const allQueues = (config: WorkspaceConfigSnapshot): string[] => config.taskQueues.map((queue) => queue.sid);

export class SupervisorFeed<S> {
  /** At most one delta a second (coalesced.ts: `supervisor-flush` rows in sb_timers, one per queue or worker SID). */
  private readonly coalesced: Coalesced;
  /** Today's figures per queue, the minutes that are over kept in memory (rebuilt from the buckets after an eviction). */
  private readonly today = new TodayTally();
  private readonly leases: SupervisorLeases;
  private readonly remote: RemoteRegions;
  /** Regions being asked for their share right now: callers at the same time share the one call. */
  private readonly asking = new Map<string, Promise<void>>();
  /** Sockets whose snapshot is still being put together (other regions asked): no delta goes before it. */
  private readonly opening = new Set<S>();
  /** What every supervisor with a snapshot has: a delta carries only what differs (supervisor-sent.ts). */
  private readonly sent = new SentToSupervisors();

  constructor(
    private readonly host: StoreHost,
    private readonly router: SupervisorRouter,
    private readonly sockets: SupervisorSocketHost<S>,
    private readonly regionId = "",
    private readonly link: RegionLink | null = null,
  ) {
    this.leases = new SupervisorLeases(host);
    this.remote = new RemoteRegions(host);
    this.coalesced = new Coalesced(host, "supervisor-flush", SUPERVISOR_FLUSH_MS);
  }

  /** A supervisor's socket was accepted: the other regions are asked for what is not kept, then the snapshot goes first. */
  async open(socket: S, now: number): Promise<void> {
    const config = loadSnapshot(this.host);
    if (config && this.otherRegions(config).length > 0) {
      const ask = this.otherRegions(config).filter((region) => {
        const kept = this.remote.state(region);
        return kept === null || (kept.missing && kept.retryAt <= now);
      });
      this.opening.add(socket);
      try {
        await Promise.all(ask.map((region) => this.ask(config, region, now)));
      } finally {
        this.opening.delete(socket);
      }
      if (timerDueAt(this.host, LEASE_TIMER, "") === null) this.scheduleRenewal(config, now);
    }
    const frame = this.snapshot(config, now);
    this.sent.snapshotSent(frame.queues, frame.team);
    this.sockets.send(socket, JSON.stringify(frame));
  }

  /** A committed operation's events: what they touched goes out now, or with the next flush. */
  publish(events: readonly EventRecord[], now: number): void {
    if (events.length === 0) return;
    const sockets = this.ready();
    if (sockets.length === 0 && this.leases.live(now).length === 0) return;
    const dirty = this.touched(events, now);
    if (dirty.queues.size === 0 && dirty.workers.size === 0) return;
    if (this.coalesced.goesNow([...dirty.queues, ...dirty.workers], now)) this.flush(dirty, now, sockets);
  }

  /** From the alarm: when the coalesced changes are due, one delta with all of them. */
  flushDue(now: number): void {
    const due = this.coalesced.takeDue(now);
    if (!due) return;
    const dirty: Dirty = { queues: new Set(), workers: new Set() };
    for (const sid of due) (sid.startsWith("WK") ? dirty.workers : dirty.queues).add(sid);
    // Nobody is listening any more: the rows are dropped, nothing is built.
    const sockets = this.ready();
    if (sockets.length === 0 && this.leases.live(now).length === 0) return;
    this.flush(dirty, now, sockets);
  }

  // ── across regions ──────────────────────────────────────────────────────────────────────────────

  /**
   * Another region's holder subscribes or renews (`knownSeq`: the last frame it has from here, null if
   * none): this region's full share, or null when the holder is up to date.
   */
  subscribe(accountSid: string, holder: string, knownSeq: number | null, now: number): ApiResult<RegionFrame | null> {
    const config = loadSnapshot(this.host);
    if (!config || config.workspace.account_sid !== accountSid) return fail(404, 20404, "The requested resource Workspace was not found");
    if (!this.otherRegions(config).includes(holder))
      return invalid("Region", `${JSON.stringify(holder)} is not another region of this workspace`);
    const seq = this.leases.renew(holder, now);
    if (knownSeq === seq) return ok(null);
    const workerViews = workers.where(this.host, "1 = 1").map((row) => this.workerView(config, row, now));
    const queues = this.queueParts(config, allQueues(config), now);
    return ok({ region: this.regionId, seq, full: true, queues, workers: workerViews, removed_worker_sids: [] });
  }

  /** The holder of `holder` has no supervisors left: its lease ends (it would lapse anyway). */
  unsubscribed(holder: string): void {
    this.leases.drop(holder);
  }

  /**
   * A frame of another region, at the holder: stored, then forwarded to the supervisors at once as a
   * delta (the region coalesced it already). Answers whether this holder still wants the region's frames.
   */
  async receive(accountSid: string, frame: RegionFrame, now: number): Promise<ApiResult<{ subscribed: boolean }>> {
    const config = loadSnapshot(this.host);
    if (!config || config.workspace.account_sid !== accountSid) return notFound("Workspace", "");
    if (!this.otherRegions(config).includes(frame.region))
      return invalid("Region", `${JSON.stringify(frame.region)} is not another region of this workspace`);
    if (this.sockets.open().length === 0) {
      this.stop();
      return ok({ subscribed: false });
    }
    const applied = this.remote.apply(frame);
    if (applied.outcome === "gap") await this.ask(config, frame.region, now);
    else if (applied.outcome === "applied")
      this.broadcast(
        config,
        frame.full ? allQueues(config) : frame.queues.map((q) => q.sid),
        frame.workers,
        [...frame.removed_worker_sids, ...applied.removed],
        now,
      );
    return ok({ subscribed: true });
  }

  /**
   * The configuration changed (a region may have joined the workspace): with supervisors here and no
   * renewal planned yet, one is planned, and it asks every region not heard from. (Not at once: the new
   * region's Router is given the configuration by the same delivery, perhaps after this one.)
   */
  regionsChanged(now: number): void {
    const config = loadSnapshot(this.host);
    if (!config || this.otherRegions(config).length === 0 || this.sockets.open().length === 0) return;
    if (timerDueAt(this.host, LEASE_TIMER, "") === null) this.scheduleRenewal(config, now);
  }

  /** From the alarm: renews the leases (a region whose frame was lost answers in full), and asks missing regions again when due. */
  async renew(now: number): Promise<void> {
    const due = timerDueAt(this.host, LEASE_TIMER, "");
    if (due === null || due > now) return;
    const config = loadSnapshot(this.host);
    if (!config || this.sockets.open().length === 0 || this.otherRegions(config).length === 0) return this.stop();
    const ask = this.otherRegions(config).filter((region) => {
      const kept = this.remote.state(region);
      return kept === null || !kept.missing || kept.retryAt <= now;
    });
    await Promise.all(ask.map((region) => this.ask(config, region, now)));
    this.scheduleRenewal(config, now);
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────

  /** The workspace's regions other than this Router's (none for a workspace of one region). */
  private otherRegions(config: WorkspaceConfigSnapshot): string[] {
    return (config.workspace.regions ?? []).filter((region) => region !== this.regionId);
  }

  /** No supervisor left: nothing kept of the other regions, no renewal (their leases lapse). */
  private stop(): void {
    clearTimer(this.host, LEASE_TIMER, "");
    this.remote.forget();
  }

  /** The next renewal: in a third of a lease, or sooner when a missing region is due to be asked again. */
  private scheduleRenewal(config: WorkspaceConfigSnapshot, now: number): void {
    const retries = this.otherRegions(config).flatMap((region) => {
      const kept = this.remote.state(region);
      return kept?.missing ? [kept.retryAt] : [];
    });
    setTimer(this.host, LEASE_TIMER, "", Math.min(now + LEASE_RENEW_MS, ...retries));
  }

  /** The supervisors' sockets that have had their snapshot. */
  private ready(): S[] {
    const open = this.sockets.open();
    return this.opening.size === 0 ? open : open.filter((socket) => !this.opening.has(socket));
  }

  /** Asks `region` for its share (one call at a time per region); what changed goes to the supervisors. */
  private ask(config: WorkspaceConfigSnapshot, region: string, now: number): Promise<void> {
    const running = this.asking.get(region);
    if (running) return running;
    const asked = this.askOnce(config, region, now).finally(() => this.asking.delete(region));
    this.asking.set(region, asked);
    return asked;
  }

  private async askOnce(config: WorkspaceConfigSnapshot, region: string, now: number): Promise<void> {
    const kept = this.remote.state(region);
    let answer: ApiResult<RegionFrame | null>;
    try {
      if (!this.link) throw new Error("no link to other regions");
      answer = await this.link.subscribe(config.workspace.account_sid, region, kept && !kept.missing ? kept.seq : null);
    } catch (error) {
      answer = fail(503, 20503, error instanceof Error ? error.message : String(error));
    }
    if (!answer.ok) {
      console.warn(`RouterDO: the supervisors' feed cannot reach region ${region}: ${answer.message}`);
      const attempts = (kept?.missing ? kept.attempts : 0) + 1;
      const removed = this.remote.markMissing(region, attempts, now + retryDelay(REGION_RETRIES, attempts));
      if (!kept?.missing) this.broadcast(config, allQueues(config), [], removed, now);
      return;
    }
    if (answer.value === null) return;
    const applied = this.remote.apply(answer.value);
    if (applied.outcome === "applied") this.broadcast(config, allQueues(config), answer.value.workers, applied.removed, now);
  }

  /** A delta of other regions' changes (with this region's share of each queue) to every supervisor that has its snapshot. */
  private broadcast(
    config: WorkspaceConfigSnapshot,
    queueSids: readonly string[],
    changed: readonly SupervisorWorker[],
    removed: readonly string[],
    now: number,
  ): void {
    const sockets = this.ready();
    if (sockets.length === 0) return;
    const known = new Set(queueSids);
    const parts = this.queueParts(
      config,
      allQueues(config).filter((sid) => known.has(sid)),
      now,
    );
    this.send(sockets, this.delta(config, parts, [...changed].sort(byWorkerName), [...removed], now));
  }

  /** The first frame: every queue summed over the regions, every worker of every region. */
  private snapshot(config: WorkspaceConfigSnapshot | null, now: number): SupervisorSnapshotFrame & { team: SupervisorTeam } {
    const regions = config?.workspace.regions ?? [this.regionId];
    const queues = config ? this.queueParts(config, allQueues(config), now).map((part) => this.merged(config, part, now)) : [];
    const local = config ? workers.where(this.host, "1 = 1").map((row) => this.workerView(config, row, now)) : [];
    const everyone = [...local, ...this.remote.workers()].sort(byWorkerName);
    return {
      type: "supervisor.snapshot",
      date: iso(now),
      date_ms: now,
      queues,
      workers: everyone,
      regions: [...regions],
      missing_regions: this.remote.missing(regions),
      team: teamTiles(everyone.map(memberOf), config ? channelRefs(config) : []),
    };
  }

  private delta(
    config: WorkspaceConfigSnapshot,
    parts: QueuePart[],
    changed: SupervisorWorker[],
    removed: string[],
    now: number,
  ): ServerFrame {
    const team = this.sent.teamChange(this.team(config));
    return {
      type: "supervisor.delta",
      date: iso(now),
      date_ms: now,
      queues: this.sent.queueChanges(parts.map((part) => this.merged(config, part, now))),
      workers: changed,
      removed_worker_sids: removed,
      missing_regions: this.remote.missing(config.workspace.regions ?? []),
      ...(team ? { team } : {}),
    };
  }

  /** A queue's row: this region's share with the other regions' kept shares, against the queue's thresholds. */
  private merged(config: WorkspaceConfigSnapshot, part: QueuePart, now: number): SupervisorQueue {
    const queue = config.taskQueues.find((q) => q.sid === part.sid);
    return mergeQueueParts([part, ...this.remote.queueParts(part.sid)], now, queue);
  }

  /**
   * The team's tiles for a delta: this Router's workers read lightly (three queries, no per-worker
   * queue membership) and the other regions' as kept.
   */
  private team(config: WorkspaceConfigSnapshot): SupervisorTeam {
    const held = new Map<string, HeldStatus[]>();
    const used = new Map<string, string[]>();
    const channelSid = new Map(config.taskChannels.map((c) => [c.unique_name, c.sid]));
    const add = (map: Map<string, string[]>, key: string, value: string) => map.set(key, [...(map.get(key) ?? []), value]);
    for (const r of rows<{ worker_sid: string; status: HeldStatus; channel: string }>(
      this.host,
      "SELECT worker_sid, status, channel FROM sb_reservations WHERE status IN ('pending', 'accepted', 'wrapping')",
    )) {
      held.set(r.worker_sid, [...(held.get(r.worker_sid) ?? []), r.status]);
      const sid = channelSid.get(r.channel);
      if (sid) add(used, r.worker_sid, sid);
    }
    for (const c of rows<{ worker_sid: string; task_channel_sid: string }>(
      this.host,
      "SELECT worker_sid, task_channel_sid FROM sb_worker_channels WHERE available = 1 AND capacity > 0",
    ))
      add(used, c.worker_sid, c.task_channel_sid);
    const local: TeamMember[] = rows<{ sid: string; activity_sid: string }>(this.host, "SELECT sid, activity_sid FROM sb_workers").map(
      (w) => ({ state: this.stateOf(config, w.activity_sid, held.get(w.sid) ?? []), channels: used.get(w.sid) ?? [] }),
    );
    return teamTiles([...local, ...this.remote.workers().map(memberOf)], channelRefs(config));
  }

  /** An agent's state (supervisor-tiles.ts) from their activity in this configuration and the reservations they hold. */
  private stateOf(config: WorkspaceConfigSnapshot, activitySid: string, held: readonly HeldStatus[]) {
    const activity = config.activities.find((a) => a.sid === activitySid);
    const offline = activitySid === offlineActivity(config)?.sid || isOfflineName(activity?.friendly_name);
    return agentState({ available: activity?.available ?? false, offline }, held);
  }

  /** One frame, serialized once: every socket is sent the same text. */
  private send(sockets: readonly S[], frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    for (const socket of sockets) this.sockets.send(socket, text);
  }

  /** The coalesced changes: one delta to this Router's supervisors, and this region's frame to each subscribed holder. */
  private flush(dirty: Dirty, now: number, sockets: readonly S[]): void {
    const config = loadSnapshot(this.host);
    if (!config) return;
    const queueSids = dirty.queues.has(ALL_QUEUES) ? allQueues(config) : allQueues(config).filter((sid) => dirty.queues.has(sid));
    const changed: SupervisorWorker[] = [];
    const removed: string[] = [];
    for (const sid of [...dirty.workers].sort()) {
      const row = workers.get(this.host, sid);
      if (row) changed.push(this.workerView(config, row, now));
      else removed.push(sid);
    }
    const parts = this.queueParts(config, queueSids, now);
    if (sockets.length > 0) this.send(sockets, this.delta(config, parts, changed, removed, now));
    if (!this.link) return;
    for (const holder of this.leases.live(now)) {
      const frame = {
        region: this.regionId,
        seq: this.leases.next(holder),
        full: false,
        queues: parts,
        workers: changed,
        removed_worker_sids: removed,
      };
      this.link.push(config.workspace.account_sid, holder, frame);
    }
  }

  /** The queues and workers events touched: a task's queue, a reservation's worker, a worker's queues. */
  private touched(events: readonly EventRecord[], now: number): Dirty {
    const dirty: Dirty = { queues: new Set(), workers: new Set() };
    for (const event of events) {
      const data = event.event_data;
      if (typeof data.task_queue_sid === "string" && data.task_queue_sid !== "") dirty.queues.add(data.task_queue_sid);
      const workerSid = typeof data.worker_sid === "string" ? data.worker_sid : null;
      // A task's new attributes (the customer's name, say) change the rows of the workers holding it.
      if (event.event_type === "task.updated" && typeof data.task_sid === "string")
        for (const holder of holdersOfTask(this.host, data.task_sid)) dirty.workers.add(holder);
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

  /** This region's share of each queue of `sids`, in that order (a queue whose figures cannot be read is left out). */
  private queueParts(config: WorkspaceConfigSnapshot, sids: readonly string[], now: number): QueuePart[] {
    const parts: QueuePart[] = [];
    const accountSid = config.workspace.account_sid;
    const cumulative: CumulativeReader = (queueSid, window, splitByWaitTime) => {
      const figures = this.router.queueStatistics(accountSid, queueSid, { cumulative: { window, splitByWaitTime } }, now);
      if (!figures.ok) return figures;
      return figures.value.cumulative ? ok(figures.value.cumulative) : notFound("TaskQueue", queueSid);
    };
    this.today.retain(allQueues(config));
    for (let i = 0; i < sids.length; i += QUEUE_BATCH) {
      const batch = sids.slice(i, i + QUEUE_BATCH);
      const figures = this.router.bulkQueueStatistics(accountSid, batch, { realtime: true }, now);
      if (!figures.ok) continue;
      for (const { queueSid, realtime, workers: people } of figures.value) {
        const record = config.taskQueues.find((queue) => queue.sid === queueSid);
        const today = this.today.sumsOf(queueSid, now, cumulative, serviceLevelSeconds(record));
        if (!realtime || !people || !today) continue;
        parts.push({ sid: queueSid, friendly_name: record?.friendly_name ?? "", realtime, workers: people, today });
      }
    }
    return parts;
  }

  private workerView(config: WorkspaceConfigSnapshot, row: WorkerRow, now: number): SupervisorWorker {
    const activity = config.activities.find((a) => a.sid === row.activity_sid);
    const held = inHand(this.host, row.sid);
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
      reservations: held.map((r) => reservationView(this.host, config, r)),
      region: this.regionId,
      state: this.stateOf(
        config,
        row.activity_sid,
        held.map((r) => r.status),
      ),
    };
  }
}

/** The workspace's task channels, in its order. */
const channelRefs = (config: WorkspaceConfigSnapshot) => config.taskChannels.map((c) => ({ sid: c.sid, unique_name: c.unique_name }));
