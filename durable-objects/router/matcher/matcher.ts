/**
 * The matcher: decides which worker is offered which task, for one workspace in one region.
 *
 * It owns the in-memory routing state the Router Durable Object rebuilds from storage when it wakes:
 * workers (attributes, activity, per-channel capacity), queue membership, pending tasks, and two kinds
 * of ordered lists that make a decision cheap:
 * - per queue × channel × ordering, the workers ready for one more task on that channel, sorted by the
 *   ordering (`order_by`, then longest idle, then SID);
 * - per queue × channel, the tasks that still want a reservation, sorted by priority then age
 *   (FIFO or LIFO as the queue says).
 * Membership is recomputed for one worker when that worker changes, and for one queue when its
 * expression changes, never for everyone. Attribute indexes (see planner.ts) narrow a target
 * expression such as `worker.id IN task.preferred_agents` to a handful of candidates.
 *
 * Two decisions exist, both taken one event at a time: `offerTask` (a task entered a step or lost a
 * reservation: find its best workers) and `offerWorker` (a worker gained room: find their best tasks).
 * The matcher applies the capacity each reservation takes; the caller stores and announces it.
 */
import type { CalendarDefinition } from "../../common/calendars";
import type { CompiledExpression, EvaluationInput, TaskView } from "../expression";
import { orderValues, type OrderBy } from "../workflow/order-by";
import { AttributeIndex } from "./attribute-index";
import { bySid, orderKey, readyComparator, taskComparator, type ReadyKey, type ReadyList, type TaskKey } from "./orderings";
import { plan, type PlannerSources } from "./planner";
import { SortedSet } from "./sorted-set";
import type { MatcherOptions, QueueInput, ReservationDecision, ReservationEnd, TaskInput, WorkerChannelInput, WorkerInput } from "./types";
import { isReady, syncChannelView, workerState, channelState, type WorkerState } from "./worker-state";

interface QueueState {
  input: QueueInput;
  readonly members: Set<string>;
  /** Ready lists by channel and ordering, created when a task first needs one. */
  readonly ready: Map<string, ReadyList>;
  /** Tasks still wanting reservations, by channel. */
  readonly pending: Map<string, SortedSet<TaskKey>>;
  readonly activityCounts: Map<string, number>;
  availableCount: number;
}

interface TaskState {
  input: TaskInput;
  readonly view: TaskView;
  readonly reserved: Set<string>;
  readonly excluded: Set<string>;
}

function isDynamic(expression: CompiledExpression): boolean {
  return expression.reads.workerChannels || expression.reads.clock;
}

export class Matcher {
  private readonly workers = new Map<string, WorkerState>();
  private readonly friendlyNames = new Map<string, Set<string>>();
  private readonly queues = new Map<string, QueueState>();
  private readonly tasks = new Map<string, TaskState>();
  /** Queues whose `target_workers` reads channel state or the clock, re-checked on every worker change. */
  private readonly dynamicQueues = new Set<string>();
  private readonly index = new AttributeIndex(() => this.allViews());
  private readonly sources: PlannerSources;
  private readonly multitasking: boolean;
  private readonly crossQueue: (a: TaskKey, b: TaskKey) => number;
  private readonly channelOptimized: (channel: string) => boolean;
  private readonly timeZone: string | undefined;
  private readonly calendars: ReadonlyMap<string, CalendarDefinition> | undefined;
  private now = 0;

  constructor(options: MatcherOptions = {}) {
    this.multitasking = options.multitasking ?? true;
    this.crossQueue = taskComparator(options.prioritizeQueueOrder ?? "FIFO");
    this.channelOptimized = options.channelOptimized ?? (() => false);
    this.timeZone = options.timeZone;
    this.calendars = options.calendars;
    this.sources = {
      index: this.index,
      sidExists: (sid) => this.workers.has(sid),
      sidsByFriendlyName: (name) => this.friendlyNames.get(name.toLowerCase()) ?? new Set(),
    };
  }

  // ── queues ──────────────────────────────────────────────────────────────────────────────────────

  /** Adds a queue or replaces its configuration; membership is recomputed from the index. */
  upsertQueue(input: QueueInput, now = this.now): void {
    this.now = now;
    const existing = this.queues.get(input.sid);
    if (existing) {
      for (const sid of [...existing.members]) this.leave(this.workers.get(sid)!, existing);
      existing.ready.clear();
      existing.input = input;
      this.dynamicQueues.delete(input.sid);
      existing.pending.clear();
      for (const task of this.tasks.values()) if (task.input.queueSid === input.sid) this.enqueue(task);
    } else {
      this.queues.set(input.sid, {
        input,
        members: new Set(),
        ready: new Map(),
        pending: new Map(),
        activityCounts: new Map(),
        availableCount: 0,
      });
    }
    if (isDynamic(input.targetWorkers)) this.dynamicQueues.add(input.sid);
    const queue = this.queues.get(input.sid)!;
    const clock = this.clock();
    const candidates = plan(input.targetWorkers.ast, { clock }, this.sources);
    for (const sid of candidates ?? this.workers.keys()) {
      const worker = this.workers.get(sid);
      if (worker && input.targetWorkers.evaluate({ worker: worker.view, clock })) this.join(worker, queue);
    }
  }

  removeQueue(sid: string): void {
    const queue = this.queues.get(sid);
    if (!queue) return;
    for (const member of [...queue.members]) this.leave(this.workers.get(member)!, queue);
    this.queues.delete(sid);
    this.dynamicQueues.delete(sid);
  }

  /** Members of a queue: the workers its `target_workers` accepts, in SID order. */
  queueMembers(sid: string): string[] {
    return [...(this.queues.get(sid)?.members ?? [])].sort(bySid);
  }

  /**
   * The `skip_if` counters of a queue: `available`, `unavailable`, or an Activity SID → members in it.
   * @example matcher.counters("WQ…")("available") // → 3
   */
  counters(queueSid: string): (name: string) => number | undefined {
    const queue = this.queues.get(queueSid);
    return (name) => {
      if (!queue) return undefined;
      if (name === "available") return queue.availableCount;
      if (name === "unavailable") return queue.members.size - queue.availableCount;
      return queue.activityCounts.get(name) ?? (/^WA[0-9a-f]{32}$/.test(name) ? 0 : undefined);
    };
  }

  // ── workers ─────────────────────────────────────────────────────────────────────────────────────

  /** Adds a worker or replaces everything known about them (attributes, activity, channels). */
  upsertWorker(input: WorkerInput): void {
    const existing = this.workers.get(input.sid);
    if (existing) this.detach(existing);
    const worker = workerState(input);
    this.workers.set(input.sid, worker);
    const name = input.friendlyName.toLowerCase();
    let named = this.friendlyNames.get(name);
    if (!named) this.friendlyNames.set(name, (named = new Set()));
    named.add(input.sid);
    this.index.add(worker.view);
    const clock = this.clock();
    for (const queue of this.queues.values()) {
      if (queue.input.targetWorkers.evaluate({ worker: worker.view, clock })) this.join(worker, queue);
    }
  }

  removeWorker(sid: string): void {
    const worker = this.workers.get(sid);
    if (!worker) return;
    this.detach(worker);
    this.workers.delete(sid);
  }

  /** Changes one channel's capacity or switch; the tasks it holds are untouched. */
  updateChannel(workerSid: string, channel: string, change: Partial<Pick<WorkerChannelInput, "capacity" | "enabled">>): void {
    const worker = this.workers.get(workerSid);
    if (!worker) return;
    let state = worker.channels.get(channel);
    if (!state) {
      state = channelState({ capacity: change.capacity ?? 0, assigned: 0, enabled: change.enabled ?? true });
      worker.channels.set(channel, state);
      worker.view.channels[channel] = state.view;
    }
    if (change.capacity !== undefined) state.capacity = change.capacity;
    if (change.enabled !== undefined) state.enabled = change.enabled;
    syncChannelView(state);
    this.refresh(worker);
  }

  /** A task the worker held on `channel` ended (completed, or its reservation closed elsewhere). */
  releaseCapacity(workerSid: string, channel: string): void {
    const worker = this.workers.get(workerSid);
    const state = worker?.channels.get(channel);
    if (!worker || !state || state.assigned === 0) return;
    state.assigned -= 1;
    syncChannelView(state);
    this.refresh(worker);
  }

  /** Tasks held on each channel of a worker, as the matcher counts them. */
  assignedTasks(workerSid: string): Record<string, number> {
    const worker = this.workers.get(workerSid);
    return Object.fromEntries([...(worker?.channels ?? new Map())].map(([name, state]) => [name, state.assigned]));
  }

  /** When the worker last got a reservation (or the value they were loaded with). */
  idleSince(workerSid: string): number | undefined {
    return this.workers.get(workerSid)?.idleSince;
  }

  queuesOfWorker(sid: string): string[] {
    return [...(this.workers.get(sid)?.queues ?? [])].sort(bySid);
  }

  /** Workers an expression (kind "queue") accepts, e.g. for `TargetWorkersExpression`; SID order. */
  workersMatching(expression: CompiledExpression): string[] {
    const clock = this.clock();
    const candidates = plan(expression.ast, { clock }, this.sources);
    const out: string[] = [];
    for (const sid of candidates ?? this.workers.keys()) {
      const worker = this.workers.get(sid);
      if (worker && expression.evaluate({ worker: worker.view, clock })) out.push(sid);
    }
    return out.sort(bySid);
  }

  // ── tasks ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * Adds a task waiting in a queue, or moves it (new step, priority, attributes). Open reservations and
   * exclusions are kept unless the input lists them, as it does when the state is loaded from storage.
   */
  upsertTask(input: TaskInput): void {
    const existing = this.tasks.get(input.sid);
    if (existing) this.dequeue(existing);
    const task: TaskState = {
      input,
      view: { sid: input.sid, attributes: input.attributes },
      reserved: new Set(input.reservedWorkers ?? existing?.reserved ?? []),
      excluded: new Set(input.excludedWorkers ?? existing?.excluded ?? []),
    };
    this.tasks.set(input.sid, task);
    this.enqueue(task);
  }

  /**
   * The task is no longer routed (canceled, deleted, moved out): its open reservations are canceled and
   * their capacity freed. Returns the workers who held them.
   */
  removeTask(taskSid: string): string[] {
    const task = this.tasks.get(taskSid);
    if (!task) return [];
    this.dequeue(task);
    this.tasks.delete(taskSid);
    const holders = [...task.reserved].sort(bySid);
    for (const sid of holders) this.releaseCapacity(sid, task.input.channel);
    return holders;
  }

  /**
   * A reservation was accepted: the task leaves routing, the winner keeps the capacity, every other
   * open reservation is rescinded and its capacity freed. Returns the rescinded workers.
   */
  assignTask(taskSid: string, workerSid: string): string[] {
    const task = this.tasks.get(taskSid);
    if (!task) return [];
    task.reserved.delete(workerSid);
    return this.removeTask(taskSid);
  }

  /** A pending reservation ended without acceptance; rejects and timeouts are never offered again. */
  endReservation(taskSid: string, workerSid: string, how: ReservationEnd): void {
    const task = this.tasks.get(taskSid);
    if (!task || !task.reserved.has(workerSid)) return;
    this.dequeue(task);
    task.reserved.delete(workerSid);
    if (how === "rejected" || how === "timeout") task.excluded.add(workerSid);
    this.enqueue(task);
    this.releaseCapacity(workerSid, task.input.channel);
  }

  reservedWorkers(taskSid: string): string[] {
    return [...(this.tasks.get(taskSid)?.reserved ?? [])].sort(bySid);
  }

  // ── decisions ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Offers a task to its best ready workers, up to the queue's `max_reserved_workers`.
   * @example matcher.offerTask("WT…", Date.now()) // → [{ taskSid: "WT…", workerSid: "WK…", channel: "chat" }]
   */
  offerTask(taskSid: string, now: number): ReservationDecision[] {
    this.now = now;
    const task = this.tasks.get(taskSid);
    const queue = task && this.queues.get(task.input.queueSid);
    if (!task || !queue) return [];
    const slots = queue.input.maxReservedWorkers - task.reserved.size;
    if (slots <= 0) return [];
    const chosen = this.bestWorkers(task, queue, slots);
    return chosen.map((worker) => this.reserve(task, worker, now));
  }

  /**
   * Offers a worker the best tasks they can take, one at a time, until they have no room left.
   * @example matcher.offerWorker("WK…", Date.now()) // → the reservations made, best task first
   */
  offerWorker(workerSid: string, now: number): ReservationDecision[] {
    this.now = now;
    const worker = this.workers.get(workerSid);
    const made: ReservationDecision[] = [];
    while (worker) {
      const best = this.bestTask(worker);
      if (!best) break;
      made.push(this.reserve(best.task, worker, now));
    }
    return made;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────

  private clock(): EvaluationInput["clock"] {
    return { now: this.now, timeZone: this.timeZone, calendars: this.calendars };
  }

  private *allViews() {
    for (const worker of this.workers.values()) yield worker.view;
  }

  private eligible(worker: WorkerState, task: TaskState, clock: EvaluationInput["clock"]): boolean {
    if (task.reserved.has(worker.sid) || task.excluded.has(worker.sid)) return false;
    const known = task.input.knownWorker;
    if (known) {
      if (known.value === null) return false;
      if (known.by === "sid" ? worker.sid !== known.value : worker.input.friendlyName.toLowerCase() !== known.value.toLowerCase()) {
        return false;
      }
    }
    return task.input.expression?.evaluate({ worker: worker.view, task: task.view, clock }) ?? true;
  }

  private bestWorkers(task: TaskState, queue: QueueState, slots: number): WorkerState[] {
    const channel = task.input.channel;
    const clock = this.clock();
    const list = this.readyList(queue, channel, task.input.orderBy ?? queue.input.orderBy);
    const chosen: WorkerState[] = [];
    const known = task.input.knownWorker;
    const candidates = known
      ? this.knownCandidates(known.by, known.value)
      : task.input.expression
        ? plan(task.input.expression.ast, { task: task.view, clock }, this.sources)
        : null;
    if (candidates && candidates.size < list.workers.size) {
      const compare = readyComparator(list.orderBy);
      const keys: ReadyKey[] = [];
      for (const sid of candidates) {
        const key = list.workers.keyOf(sid);
        if (key && this.eligible(this.workers.get(sid)!, task, clock)) keys.push(key);
      }
      keys.sort(compare);
      for (const key of keys.slice(0, slots)) chosen.push(this.workers.get(key.sid)!);
      return chosen;
    }
    for (const sid of list.workers.ids()) {
      const worker = this.workers.get(sid)!;
      if (this.eligible(worker, task, clock)) chosen.push(worker);
      if (chosen.length === slots) break;
    }
    return chosen;
  }

  private knownCandidates(by: "sid" | "friendly_name", value: string | null): ReadonlySet<string> {
    if (value === null) return new Set();
    if (by === "friendly_name") return this.sources.sidsByFriendlyName(value);
    return this.workers.has(value) ? new Set([value]) : new Set();
  }

  private bestTask(worker: WorkerState): { task: TaskState; key: TaskKey } | null {
    const clock = this.clock();
    let best: { task: TaskState; key: TaskKey } | null = null;
    for (const queueSid of worker.queues) {
      const queue = this.queues.get(queueSid)!;
      const compare = taskComparator(queue.input.taskOrder);
      let inQueue: { task: TaskState; key: TaskKey } | null = null;
      for (const [channel, pending] of queue.pending) {
        if (!isReady(worker, channel, this.multitasking)) continue;
        for (const sid of pending.ids()) {
          const task = this.tasks.get(sid)!;
          if (!this.eligible(worker, task, clock)) continue;
          const key = pending.keyOf(sid)!;
          if (!inQueue || compare(key, inQueue.key) < 0) inQueue = { task, key };
          break;
        }
      }
      if (inQueue && (!best || this.crossQueue(inQueue.key, best.key) < 0)) best = inQueue;
    }
    return best;
  }

  private reserve(task: TaskState, worker: WorkerState, now: number): ReservationDecision {
    const channel = task.input.channel;
    const state = worker.channels.get(channel)!;
    this.dequeue(task);
    task.reserved.add(worker.sid);
    this.enqueue(task);
    state.assigned += 1;
    state.lastAssignedAt = now;
    worker.idleSince = now;
    syncChannelView(state);
    this.refresh(worker);
    return { taskSid: task.input.sid, workerSid: worker.sid, channel };
  }

  /** Puts a task on its queue's pending list if it still wants reservations. */
  private enqueue(task: TaskState): void {
    const queue = this.queues.get(task.input.queueSid);
    if (!queue || task.reserved.size >= queue.input.maxReservedWorkers) return;
    let pending = queue.pending.get(task.input.channel);
    if (!pending) queue.pending.set(task.input.channel, (pending = new SortedSet(taskComparator(queue.input.taskOrder))));
    pending.put(task.input.sid, { priority: task.input.priority, order: task.input.order, sid: task.input.sid });
  }

  private dequeue(task: TaskState): void {
    this.queues.get(task.input.queueSid)?.pending.get(task.input.channel)?.delete(task.input.sid);
  }

  private readyList(queue: QueueState, channel: string, orderBy: OrderBy): ReadyList {
    const id = `${channel}\u0000${orderKey(orderBy)}`;
    let list = queue.ready.get(id);
    if (!list) {
      list = { channel, orderBy, workers: new SortedSet(readyComparator(orderBy)) };
      queue.ready.set(id, list);
      for (const sid of queue.members) this.place(this.workers.get(sid)!, list);
    }
    return list;
  }

  private place(worker: WorkerState, list: ReadyList): void {
    if (!isReady(worker, list.channel, this.multitasking)) {
      list.workers.delete(worker.sid);
      return;
    }
    const channelState = worker.channels.get(list.channel)!;
    list.workers.put(worker.sid, {
      order: orderValues(list.orderBy, worker.input.attributes),
      idle: this.channelOptimized(list.channel) ? channelState.lastAssignedAt : worker.idleSince,
      sid: worker.sid,
    });
  }

  private join(worker: WorkerState, queue: QueueState): void {
    if (queue.members.has(worker.sid)) return;
    queue.members.add(worker.sid);
    worker.queues.add(queue.input.sid);
    const activity = worker.input.activitySid;
    queue.activityCounts.set(activity, (queue.activityCounts.get(activity) ?? 0) + 1);
    if (worker.input.activityAvailable) queue.availableCount += 1;
    for (const list of queue.ready.values()) this.place(worker, list);
  }

  private leave(worker: WorkerState, queue: QueueState): void {
    if (!queue.members.delete(worker.sid)) return;
    worker.queues.delete(queue.input.sid);
    const activity = worker.input.activitySid;
    const count = (queue.activityCounts.get(activity) ?? 1) - 1;
    if (count === 0) queue.activityCounts.delete(activity);
    else queue.activityCounts.set(activity, count);
    if (worker.input.activityAvailable) queue.availableCount -= 1;
    for (const list of queue.ready.values()) list.workers.delete(worker.sid);
  }

  /** Re-files a worker whose capacity or idle time changed; re-checks queues that read channel state. */
  private refresh(worker: WorkerState): void {
    const clock = this.clock();
    for (const queueSid of this.dynamicQueues) {
      const queue = this.queues.get(queueSid)!;
      const member = queue.input.targetWorkers.evaluate({ worker: worker.view, clock });
      if (member) this.join(worker, queue);
      else this.leave(worker, queue);
    }
    for (const queueSid of worker.queues) {
      for (const list of this.queues.get(queueSid)!.ready.values()) this.place(worker, list);
    }
  }

  private detach(worker: WorkerState): void {
    for (const queueSid of [...worker.queues]) this.leave(worker, this.queues.get(queueSid)!);
    this.index.remove(worker.view);
    const name = worker.input.friendlyName.toLowerCase();
    const named = this.friendlyNames.get(name);
    named?.delete(worker.sid);
    if (named?.size === 0) this.friendlyNames.delete(name);
  }
}
