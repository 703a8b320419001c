/**
 * Real-time task statistics (`tasks_by_status`, `tasks_by_priority`, `total_tasks`, the longest waiting
 * task) for the workspace, each queue and each workflow, overall and per task channel — kept as counters
 * and ordered sets that every task transition updates, so a fetch reads a few numbers and the first
 * entry of a B+ tree instead of walking the tasks.
 *
 * A task counts in its workflow, and in its queue while it has one (assigned and finished tasks keep
 * the queue they were assigned from, as Twilio's `task_queue_sid` does), until it is deleted or purged.
 * "Waiting" means `pending` or `reserved`: not yet accepted by anyone.
 */
import type { TaskStatus } from "../../../contract/taskrouter";
import { SortedSet } from "../matcher/sorted-set";
import type { LiveTask } from "./facts";
import type { WorkMeter } from "./figures";

export const TASK_STATUSES = [
  "pending",
  "reserved",
  "assigned",
  "wrapping",
  "completed",
  "canceled",
] as const satisfies readonly TaskStatus[];

/** Whose tasks: the whole workspace (this region's share of it), one queue, or one workflow. */
export type TaskScope =
  { readonly kind: "workspace" } | { readonly kind: "queue"; readonly sid: string } | { readonly kind: "workflow"; readonly sid: string };

export interface OldestTask {
  readonly sid: string;
  /** Epoch ms the age counts from: `date_created`, or the queue entry for `longestInQueue`. */
  readonly since: number;
}

/** Real-time task figures of one scope; plain data, so Router DOs of several regions can be merged. */
export interface RealtimeFigures {
  readonly tasksByStatus: Readonly<Record<TaskStatus, number>>;
  /** Priority (as decimal text, Twilio's JSON key) → tasks. */
  readonly tasksByPriority: Readonly<Record<string, number>>;
  readonly totalTasks: number;
  /** The waiting task created longest ago. */
  readonly longestWaiting: OldestTask | null;
  /** Queues only: the waiting task that entered the queue longest ago. */
  readonly longestInQueue: OldestTask | null;
}

interface Tally {
  readonly byStatus: Record<TaskStatus, number>;
  readonly byPriority: Map<number, number>;
  total: number;
}

interface AgeKey {
  readonly at: number;
  readonly sid: string;
}

const byAge = (a: AgeKey, b: AgeKey): number => a.at - b.at || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0);

/** One scope's counters and waiting-task orders, overall (channel "") and per channel. */
class ScopeBoard {
  readonly tallies = new Map<string, Tally>();
  readonly waiting = new Map<string, SortedSet<AgeKey>>();
  readonly inQueue = new Map<string, SortedSet<AgeKey>>();

  constructor(private readonly isQueue: boolean) {}

  get empty(): boolean {
    return this.tallies.size === 0;
  }

  attach(task: LiveTask): void {
    for (const channel of channelsOf(task)) {
      const tally = this.tallies.get(channel) ?? newTally();
      this.tallies.set(channel, tally);
      tally.byStatus[task.status] += 1;
      tally.byPriority.set(task.priority, (tally.byPriority.get(task.priority) ?? 0) + 1);
      tally.total += 1;
      if (!isWaiting(task.status)) continue;
      setFor(this.waiting, channel).put(task.sid, { at: task.createdAt, sid: task.sid });
      if (this.isQueue && task.queueEnteredAt !== null)
        setFor(this.inQueue, channel).put(task.sid, { at: task.queueEnteredAt, sid: task.sid });
    }
  }

  /**
   * A filed task whose status or priority changed, nothing else that files it ({@link sameFiling}):
   * its counters move; its entries in the waiting orders are the same keys in the same sets.
   */
  recount(before: LiveTask, after: LiveTask): void {
    for (const channel of channelsOf(after)) {
      const tally = this.tallies.get(channel)!;
      tally.byStatus[before.status] -= 1;
      tally.byStatus[after.status] += 1;
      if (before.priority === after.priority) continue;
      const left = tally.byPriority.get(before.priority)! - 1;
      if (left > 0) tally.byPriority.set(before.priority, left);
      else tally.byPriority.delete(before.priority);
      tally.byPriority.set(after.priority, (tally.byPriority.get(after.priority) ?? 0) + 1);
    }
  }

  detach(task: LiveTask): void {
    for (const channel of channelsOf(task)) {
      const tally = this.tallies.get(channel);
      if (!tally) continue;
      tally.byStatus[task.status] -= 1;
      const left = (tally.byPriority.get(task.priority) ?? 0) - 1;
      if (left > 0) tally.byPriority.set(task.priority, left);
      else tally.byPriority.delete(task.priority);
      tally.total -= 1;
      if (tally.total === 0) this.tallies.delete(channel);
      deleteFrom(this.waiting, channel, task.sid);
      deleteFrom(this.inQueue, channel, task.sid);
    }
  }

  figures(channel: string, meter: WorkMeter): RealtimeFigures {
    const tally = this.tallies.get(channel);
    if (!tally) return emptyRealtime();
    meter.entriesVisited += TASK_STATUSES.length + tally.byPriority.size;
    const tasksByPriority: Record<string, number> = {};
    for (const [priority, count] of [...tally.byPriority].sort((a, b) => a[0] - b[0])) tasksByPriority[String(priority)] = count;
    return {
      tasksByStatus: { ...tally.byStatus },
      tasksByPriority,
      totalTasks: tally.total,
      longestWaiting: oldest(this.waiting.get(channel), meter),
      longestInQueue: this.isQueue ? oldest(this.inQueue.get(channel), meter) : null,
    };
  }
}

/**
 * The live tasks of one Router DO and their real-time figures by scope and channel.
 *
 * @example
 * const board = new RealtimeBoard();
 * board.upsert({ sid, workflowSid, queueSid, channel: "voice", priority: 0, status: "pending", createdAt, queueEnteredAt });
 * board.figures({ kind: "queue", sid: queueSid }, "voice", meter).tasksByStatus.pending // 1
 */
export class RealtimeBoard {
  private readonly tasks = new Map<string, LiveTask>();
  private readonly boards = new Map<string, ScopeBoard>();

  get size(): number {
    return this.tasks.size;
  }

  get(taskSid: string): LiveTask | undefined {
    return this.tasks.get(taskSid);
  }

  all(): LiveTask[] {
    return [...this.tasks.values()];
  }

  /** Files a task, or re-files it after any change (status, queue, priority, channel). */
  upsert(task: LiveTask): void {
    const before = this.tasks.get(task.sid);
    if (before !== undefined && sameFiling(before, task)) {
      // Only its status or priority changed: the counters move, its place in every order stays.
      this.tasks.set(task.sid, task);
      for (const [key] of scopeKeys(task)) this.boards.get(key)!.recount(before, task);
      return;
    }
    this.remove(task.sid);
    this.tasks.set(task.sid, task);
    for (const [key, isQueue] of scopeKeys(task)) {
      let board = this.boards.get(key);
      if (!board) this.boards.set(key, (board = new ScopeBoard(isQueue)));
      board.attach(task);
    }
  }

  remove(taskSid: string): void {
    const task = this.tasks.get(taskSid);
    if (!task) return;
    this.tasks.delete(taskSid);
    for (const [key] of scopeKeys(task)) {
      const board = this.boards.get(key);
      board?.detach(task);
      if (board?.empty) this.boards.delete(key);
    }
  }

  /** The figures of a scope, over all channels (`channel` undefined) or one channel's tasks. */
  figures(scope: TaskScope, channel: string | undefined, meter: WorkMeter): RealtimeFigures {
    const board = this.boards.get(scope.kind === "workspace" ? WORKSPACE : scope.sid);
    return board ? board.figures(channel ?? "", meter) : emptyRealtime();
  }
}

/**
 * Adds up the figures of the same scope from several Router DOs (regions).
 *
 * @example
 * mergeRealtime([fromUsEast, fromEuFrankfurt]).totalTasks // the sum of both
 */
export function mergeRealtime(parts: readonly RealtimeFigures[]): RealtimeFigures {
  const tasksByStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  const priorities = new Map<number, number>();
  let totalTasks = 0;
  let longestWaiting: OldestTask | null = null;
  let longestInQueue: OldestTask | null = null;
  for (const part of parts) {
    for (const status of TASK_STATUSES) tasksByStatus[status] += part.tasksByStatus[status];
    for (const [priority, count] of Object.entries(part.tasksByPriority))
      priorities.set(Number(priority), (priorities.get(Number(priority)) ?? 0) + count);
    totalTasks += part.totalTasks;
    longestWaiting = older(longestWaiting, part.longestWaiting);
    longestInQueue = older(longestInQueue, part.longestInQueue);
  }
  const tasksByPriority = Object.fromEntries([...priorities].sort((a, b) => a[0] - b[0]).map(([p, n]) => [String(p), n]));
  return { tasksByStatus, tasksByPriority, totalTasks, longestWaiting, longestInQueue };
}

export function emptyRealtime(): RealtimeFigures {
  return { tasksByStatus: newTally().byStatus, tasksByPriority: {}, totalTasks: 0, longestWaiting: null, longestInQueue: null };
}

const WORKSPACE = "workspace";

function scopeKeys(task: LiveTask): [string, boolean][] {
  const keys: [string, boolean][] = [
    [WORKSPACE, false],
    [task.workflowSid, false],
  ];
  if (task.queueSid !== null) keys.push([task.queueSid, true]);
  return keys;
}

/**
 * Whether `after` is filed where `before` is: the same scopes and channel, and the same entries (or
 * none) in the waiting orders — it waits, or not, as before, since the same times. A task that goes
 * from pending to reserved is; one that enters a queue, or is accepted, is not.
 */
function sameFiling(before: LiveTask, after: LiveTask): boolean {
  return (
    before.workflowSid === after.workflowSid &&
    before.queueSid === after.queueSid &&
    before.channel === after.channel &&
    before.createdAt === after.createdAt &&
    before.queueEnteredAt === after.queueEnteredAt &&
    isWaiting(before.status) === isWaiting(after.status)
  );
}

/** Every task counts overall (under "") and under its own channel. */
const channelsOf = (task: LiveTask): string[] => (task.channel === "" ? [""] : ["", task.channel]);

const isWaiting = (status: TaskStatus): boolean => status === "pending" || status === "reserved";

function newTally(): Tally {
  return { byStatus: { pending: 0, reserved: 0, assigned: 0, wrapping: 0, completed: 0, canceled: 0 }, byPriority: new Map(), total: 0 };
}

function setFor(sets: Map<string, SortedSet<AgeKey>>, channel: string): SortedSet<AgeKey> {
  let set = sets.get(channel);
  if (!set) sets.set(channel, (set = new SortedSet<AgeKey>(byAge)));
  return set;
}

function deleteFrom(sets: Map<string, SortedSet<AgeKey>>, channel: string, sid: string): void {
  const set = sets.get(channel);
  if (!set) return;
  set.delete(sid);
  if (set.size === 0) sets.delete(channel);
}

function oldest(set: SortedSet<AgeKey> | undefined, meter: WorkMeter): OldestTask | null {
  if (!set) return null;
  meter.entriesVisited += 1;
  for (const sid of set.ids()) return { sid, since: set.keyOf(sid)!.at };
  return null;
}

function older(a: OldestTask | null, b: OldestTask | null): OldestTask | null {
  if (!a) return b;
  if (!b) return a;
  return byAge({ at: b.since, sid: b.sid }, { at: a.since, sid: a.sid }) < 0 ? b : a;
}
