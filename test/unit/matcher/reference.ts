/**
 * The brute-force matcher: the routing rules written as plainly as possible, scanning every worker and
 * every task for each decision. It is the specification the indexed Matcher is checked against (the
 * property test) and the baseline it is measured against (`npm run bench`). It shares nothing with the
 * Matcher but the expression language and the `order_by` comparison.
 */
import type { WorkerView } from "../../../durable-objects/router/expression";
import type {
  MatcherOptions,
  QueueInput,
  ReservationDecision,
  ReservationEnd,
  TaskInput,
  WorkerChannelInput,
  WorkerInput,
} from "../../../durable-objects/router/matcher/types";
import { compareOrderValues, orderValues } from "../../../durable-objects/router/workflow/order-by";

interface RefChannel {
  capacity: number;
  assigned: number;
  enabled: boolean;
  lastAssignedAt: number;
}
interface RefWorker {
  input: WorkerInput;
  channels: Map<string, RefChannel>;
  idleSince: number;
  /** The expression view, rebuilt after any change so the scan is not slowed by needless allocation. */
  view?: WorkerView;
}
interface RefTask {
  input: TaskInput;
  reserved: Set<string>;
  excluded: Set<string>;
}

const bySid = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class ReferenceMatcher {
  readonly workers = new Map<string, RefWorker>();
  readonly queues = new Map<string, QueueInput>();
  readonly tasks = new Map<string, RefTask>();
  private now = 0;

  constructor(private readonly options: MatcherOptions = {}) {}

  upsertQueue(input: QueueInput, now = this.now): void {
    this.now = now;
    this.queues.set(input.sid, input);
  }
  removeQueue(sid: string): void {
    this.queues.delete(sid);
  }
  upsertWorker(input: WorkerInput): void {
    const channels = new Map<string, RefChannel>();
    for (const [name, c] of Object.entries(input.channels)) {
      channels.set(name, { capacity: c.capacity, assigned: c.assigned, enabled: c.enabled, lastAssignedAt: c.lastAssignedAt ?? 0 });
    }
    this.workers.set(input.sid, { input, channels, idleSince: input.idleSince });
  }
  removeWorker(sid: string): void {
    this.workers.delete(sid);
  }
  updateChannel(sid: string, channel: string, change: Partial<Pick<WorkerChannelInput, "capacity" | "enabled">>): void {
    const worker = this.workers.get(sid);
    if (!worker) return;
    let c = worker.channels.get(channel);
    if (!c) worker.channels.set(channel, (c = { capacity: 0, assigned: 0, enabled: true, lastAssignedAt: 0 }));
    if (change.capacity !== undefined) c.capacity = change.capacity;
    if (change.enabled !== undefined) c.enabled = change.enabled;
    worker.view = undefined;
  }
  releaseCapacity(sid: string, channel: string): void {
    const worker = this.workers.get(sid);
    const c = worker?.channels.get(channel);
    if (worker && c && c.assigned > 0) {
      c.assigned -= 1;
      worker.view = undefined;
    }
  }
  upsertTask(input: TaskInput): void {
    const existing = this.tasks.get(input.sid);
    this.tasks.set(input.sid, {
      input,
      reserved: new Set(input.reservedWorkers ?? existing?.reserved ?? []),
      excluded: new Set(input.excludedWorkers ?? existing?.excluded ?? []),
    });
  }
  removeTask(sid: string): string[] {
    const task = this.tasks.get(sid);
    if (!task) return [];
    this.tasks.delete(sid);
    const holders = [...task.reserved].sort(bySid);
    for (const w of holders) this.releaseCapacity(w, task.input.channel);
    return holders;
  }
  assignTask(taskSid: string, workerSid: string): string[] {
    this.tasks.get(taskSid)?.reserved.delete(workerSid);
    return this.removeTask(taskSid);
  }
  endReservation(taskSid: string, workerSid: string, how: ReservationEnd): void {
    const task = this.tasks.get(taskSid);
    if (!task || !task.reserved.delete(workerSid)) return;
    if (how === "rejected" || how === "timeout") task.excluded.add(workerSid);
    this.releaseCapacity(workerSid, task.input.channel);
  }

  idleSince(sid: string): number | undefined {
    return this.workers.get(sid)?.idleSince;
  }

  queueMembers(queueSid: string): string[] {
    const queue = this.queues.get(queueSid);
    if (!queue) return [];
    return [...this.workers.values()]
      .filter((w) => this.member(w, queue))
      .map((w) => w.input.sid)
      .sort(bySid);
  }
  counters(queueSid: string): (name: string) => number | undefined {
    return (name) => {
      const queue = this.queues.get(queueSid);
      if (!queue) return undefined;
      const members = [...this.workers.values()].filter((w) => this.member(w, queue));
      if (name === "available") return members.filter((w) => w.input.activityAvailable).length;
      if (name === "unavailable") return members.filter((w) => !w.input.activityAvailable).length;
      const n = members.filter((w) => w.input.activitySid === name).length;
      return n > 0 || /^WA[0-9a-f]{32}$/.test(name) ? n : undefined;
    };
  }

  offerTask(taskSid: string, now: number): ReservationDecision[] {
    this.now = now;
    const task = this.tasks.get(taskSid);
    const queue = task && this.queues.get(task.input.queueSid);
    if (!task || !queue) return [];
    const orderBy = task.input.orderBy ?? queue.orderBy;
    const eligible = [...this.workers.values()].filter((w) => this.eligible(w, task));
    const idle = (w: RefWorker) =>
      this.options.channelOptimized?.(task.input.channel) ? w.channels.get(task.input.channel)!.lastAssignedAt : w.idleSince;
    eligible.sort(
      (a, b) =>
        compareOrderValues(orderBy, orderValues(orderBy, a.input.attributes), orderValues(orderBy, b.input.attributes)) ||
        idle(a) - idle(b) ||
        bySid(a.input.sid, b.input.sid),
    );
    const slots = queue.maxReservedWorkers - task.reserved.size;
    return eligible.slice(0, Math.max(0, slots)).map((w) => this.reserve(task, w, now));
  }

  offerWorker(workerSid: string, now: number): ReservationDecision[] {
    this.now = now;
    const worker = this.workers.get(workerSid);
    const made: ReservationDecision[] = [];
    while (worker) {
      const perQueue = new Map<string, RefTask>();
      for (const task of this.tasks.values()) {
        if (!this.eligible(worker, task)) continue;
        const queue = this.queues.get(task.input.queueSid)!;
        const current = perQueue.get(queue.sid);
        if (!current || taskOrder(queue.taskOrder)(task, current) < 0) perQueue.set(queue.sid, task);
      }
      const across = taskOrder(this.options.prioritizeQueueOrder ?? "FIFO");
      const best = [...perQueue.values()].sort(across)[0];
      if (!best) break;
      made.push(this.reserve(best, worker, now));
    }
    return made;
  }

  private reserve(task: RefTask, worker: RefWorker, now: number): ReservationDecision {
    const channel = worker.channels.get(task.input.channel)!;
    task.reserved.add(worker.input.sid);
    channel.assigned += 1;
    channel.lastAssignedAt = now;
    worker.idleSince = now;
    worker.view = undefined;
    return { taskSid: task.input.sid, workerSid: worker.input.sid, channel: task.input.channel };
  }

  private view(worker: RefWorker): WorkerView {
    if (worker.view) return worker.view;
    const channels: WorkerView["channels"] = {};
    for (const [name, c] of worker.channels) {
      (channels as Record<string, unknown>)[name] = {
        assignedTasks: c.assigned,
        configuredCapacity: c.capacity,
        availableCapacityPercentage: c.capacity <= 0 ? 0 : Math.max(0, Math.floor(((c.capacity - c.assigned) / c.capacity) * 100)),
        available: c.enabled && c.assigned < c.capacity,
      };
    }
    const i = worker.input;
    return (worker.view = {
      sid: i.sid,
      friendlyName: i.friendlyName,
      activitySid: i.activitySid,
      activityName: i.activityName,
      attributes: i.attributes,
      channels,
    });
  }

  private clock() {
    return { now: this.now, timeZone: this.options.timeZone };
  }

  private member(worker: RefWorker, queue: QueueInput): boolean {
    return queue.targetWorkers.evaluate({ worker: this.view(worker), clock: this.clock() });
  }

  private ready(worker: RefWorker, channel: string): boolean {
    const c = worker.channels.get(channel);
    if (!worker.input.activityAvailable || !c || !c.enabled) return false;
    if (this.options.multitasking ?? true) return c.assigned < c.capacity;
    return [...worker.channels.values()].every((x) => x.assigned === 0);
  }

  private eligible(worker: RefWorker, task: RefTask): boolean {
    const queue = this.queues.get(task.input.queueSid);
    if (!queue || task.reserved.size >= queue.maxReservedWorkers) return false;
    const sid = worker.input.sid;
    if (task.reserved.has(sid) || task.excluded.has(sid)) return false;
    if (!this.member(worker, queue) || !this.ready(worker, task.input.channel)) return false;
    const known = task.input.knownWorker;
    if (known && known.value === null) return false;
    if (known?.by === "sid" && known.value !== sid) return false;
    if (known?.by === "friendly_name" && known.value?.toLowerCase() !== worker.input.friendlyName.toLowerCase()) return false;
    if (!task.input.expression) return true;
    return task.input.expression.evaluate({
      worker: this.view(worker),
      task: { sid: task.input.sid, attributes: task.input.attributes },
      clock: this.clock(),
    });
  }
}

/** Higher priority, then older (FIFO) or newer (LIFO), then SID. */
function taskOrder(order: "FIFO" | "LIFO") {
  const sign = order === "FIFO" ? 1 : -1;
  return (a: RefTask, b: RefTask) =>
    b.input.priority - a.input.priority || sign * (a.input.order - b.input.order) || bySid(a.input.sid, b.input.sid);
}
