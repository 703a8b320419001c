/**
 * The routing engine: one workspace's routing in one region, as pure state transitions.
 *
 * It glues the three parts of the core together — a task's place in its workflow (workflow/routing.ts),
 * queue configuration (queues/), and who gets what (matcher/) — and owns the rules that need all three:
 * a target's `priority` applies on entering its step; `skip_if` is checked only when entering a step
 * created no reservation; step deadlines move tasks on; a change of attributes re-evaluates the task
 * from the top of its workflow. The Router Durable Object calls these methods, persists what they
 * return, and sets its one alarm to `nextDeadline()`.
 *
 * The engine holds only what routing needs in memory; storage is the Router DO's. When the object wakes
 * it rebuilds the engine without routing anything again: configuration first, then workers with the
 * capacity they hold, then each waiting task at its stored step with its open reservations and the
 * workers it must not be offered (`restoreTask`), so a restart never reserves the same capacity twice.
 */
import type { Attributes, TaskView } from "./expression";
import { Matcher } from "./matcher/matcher";
import { SortedSet } from "./matcher/sorted-set";
import type { MatcherOptions, ReservationDecision, ReservationEnd, TaskInput, WorkerChannelInput, WorkerInput } from "./matcher/types";
import type { TaskQueueConfig } from "./queues/task-queue";
import {
  afterSkip,
  arriveAt,
  afterTimeout,
  enterWorkflowWithEvents,
  knownWorkerOf,
  priorityAfter,
  reevaluate,
  shouldSkip,
  type RoutingClock,
  type RoutingEvent,
  type RoutingOutcome,
  type RoutingStep,
} from "./workflow/routing";
import { stepOf, type SavedStep } from "./saved-step";
import type { RoutingTarget, WorkflowConfiguration } from "./workflow/configuration";

export interface NewTask {
  readonly sid: string;
  readonly workflowSid: string;
  readonly attributes: Attributes;
  readonly priority: number;
  readonly channel: string;
  /** Epoch ms ordering tasks of equal priority (`virtual_start_time`). */
  readonly order: number;
}

/** Where a routed task stands, for the caller to persist. */
export interface RoutedTask {
  readonly sid: string;
  readonly workflowSid: string;
  readonly step: RoutingStep | null;
  readonly priority: number;
}

export type { SavedStep };

/** A routing event with the task it happened to (one outcome may move several tasks). */
export type TaskRoutingEvent = RoutingEvent & { readonly taskSid: string };

/** A waiting task as storage knows it, for {@link RoutingEngine.restoreTask}. */
export interface RestoredTask {
  readonly step: SavedStep | null;
  readonly priority: number;
  /** Workers holding a pending reservation for it (their capacity is already counted). */
  readonly reservedWorkers: readonly string[];
  /** Workers who rejected it or let a reservation time out. */
  readonly excludedWorkers: readonly string[];
}

export interface EngineOutcome {
  readonly reservations: ReservationDecision[];
  readonly events: TaskRoutingEvent[];
  /** Tasks whose routing position changed (queue, step or priority). */
  readonly moved: RoutedTask[];
  /** Workers whose open reservation on a task was rescinded or canceled. */
  readonly released: { taskSid: string; workerSid: string }[];
  /**
   * Tasks that entered a step of another region (a target's `region`): the engine let go of them, and
   * the caller hands each over to that region's Router at this step. Absent when there are none.
   */
  handovers?: RoutedTask[];
}

interface TaskEntry {
  input: NewTask;
  attributes: Attributes;
  step: RoutingStep | null;
  priority: number;
}

const none = (): EngineOutcome => ({ reservations: [], events: [], moved: [], released: [] });

export class RoutingEngine {
  readonly matcher: Matcher;
  private readonly workflows = new Map<string, WorkflowConfiguration>();
  private readonly queues = new Map<string, TaskQueueConfig>();
  private readonly tasks = new Map<string, TaskEntry>();
  private readonly deadlines = new SortedSet<{ at: number; sid: string }>(
    (a, b) => a.at - b.at || (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0),
  );
  private readonly clock: RoutingClock;

  /** `region`: the region this engine routes for; a step whose target names another is handed over. */
  constructor(
    options: MatcherOptions = {},
    private readonly region = "",
  ) {
    this.matcher = new Matcher(options);
    this.clock = {
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
      ...(options.calendars === undefined ? {} : { calendars: options.calendars }),
    };
  }

  // ── configuration ──────────────────────────────────────────────────────────────────────────────

  upsertQueue(queue: TaskQueueConfig, now: number): EngineOutcome {
    this.queues.set(queue.sid, queue);
    this.matcher.upsertQueue(
      {
        sid: queue.sid,
        targetWorkers: queue.targetWorkers,
        orderBy: queue.orderBy,
        maxReservedWorkers: queue.maxReservedWorkers,
        taskOrder: queue.taskOrder,
      },
      now,
    );
    const out = none();
    for (const task of this.tasks.values()) if (task.step?.target.queue === queue.sid) this.offer(task, now, out);
    return out;
  }

  /** Sets a workflow's configuration; with `reEvaluateTasks` its tasks start over from the top. */
  upsertWorkflow(sid: string, configuration: WorkflowConfiguration, now: number, reEvaluateTasks = false): EngineOutcome {
    this.workflows.set(sid, configuration);
    const out = none();
    if (!reEvaluateTasks) return out;
    for (const task of this.tasks.values()) {
      if (task.input.workflowSid === sid && this.matcher.reservedWorkers(task.input.sid).length === 0) {
        this.place(task, reevaluate(configuration, task.step, this.view(task), now, this.clock), now, out);
      }
    }
    return out;
  }

  /** A queue was deleted: nobody is a member any more; tasks still pointing at it wait there. */
  removeQueue(sid: string): void {
    this.queues.delete(sid);
    this.matcher.removeQueue(sid);
  }

  /** A workflow was deleted: its tasks keep their step (routing.ts cannot move them without it). */
  removeWorkflow(sid: string): void {
    this.workflows.delete(sid);
  }

  // ── workers ─────────────────────────────────────────────────────────────────────────────────────

  /** A worker was added or changed (attributes, activity, channels): offer them what they can take. */
  upsertWorker(worker: WorkerInput, now: number): EngineOutcome {
    this.matcher.upsertWorker(worker);
    return { ...none(), reservations: this.matcher.offerWorker(worker.sid, now) };
  }

  /** A worker was deleted. The caller makes sure they hold no task. */
  removeWorker(sid: string): void {
    this.matcher.removeWorker(sid);
  }

  updateChannel(
    workerSid: string,
    channel: string,
    change: Partial<Pick<WorkerChannelInput, "capacity" | "enabled">>,
    now: number,
  ): EngineOutcome {
    this.matcher.updateChannel(workerSid, channel, change);
    return { ...none(), reservations: this.matcher.offerWorker(workerSid, now) };
  }

  // ── tasks ───────────────────────────────────────────────────────────────────────────────────────

  /** A new task enters its workflow. Unknown workflows are the caller's to reject before this. */
  createTask(task: NewTask, now: number): EngineOutcome {
    const workflow = this.workflows.get(task.workflowSid);
    const entry: TaskEntry = { input: task, attributes: task.attributes, step: null, priority: task.priority };
    this.tasks.set(task.sid, entry);
    const out = none();
    if (!workflow) return out;
    this.place(entry, enterWorkflowWithEvents(workflow, this.view(entry), now, this.clock), now, out);
    return out;
  }

  /**
   * A task handed over by another region's Router, entering at the step it was given there (`saved`;
   * its deadline still counted from when it entered the workflow) and offered to this region's workers.
   * A step that no longer exists re-evaluates the task from the top.
   */
  receiveTask(task: NewTask, saved: SavedStep | null, now: number): EngineOutcome {
    const entry: TaskEntry = { input: task, attributes: task.attributes, step: null, priority: task.priority };
    this.tasks.set(task.sid, entry);
    const out = none();
    const workflow = this.workflows.get(task.workflowSid);
    if (!workflow) return out;
    const step = saved && stepOf(workflow, saved);
    this.place(entry, step ? arriveAt(step, now) : reevaluate(workflow, null, this.view(entry), now, this.clock), now, out);
    return out;
  }

  /**
   * Puts a waiting task back where storage says it was, WITHOUT routing it: no reservation is made and
   * no event is produced, because everything it did was already stored. Call it after the queues,
   * workflows and workers are loaded (workers with the capacity their open reservations hold).
   *
   * Only when the stored step no longer exists in the workflow (it was edited while the object slept)
   * is the task re-evaluated from the top; that outcome is returned for the caller to persist.
   *
   * @example
   * engine.restoreTask(task, { step: { filterIndex: 0, targetIndex: 1, workflowEnteredAt }, priority: 0,
   *   reservedWorkers: ["WK…"], excludedWorkers: [] }, Date.now()) // → no reservations, no events
   */
  restoreTask(task: NewTask, saved: RestoredTask, now: number): EngineOutcome {
    const entry: TaskEntry = { input: task, attributes: task.attributes, step: null, priority: saved.priority };
    this.tasks.set(task.sid, entry);
    const out = none();
    const workflow = this.workflows.get(task.workflowSid);
    if (!workflow || saved.step === null) return out;
    const step = stepOf(workflow, saved.step);
    if (!step) {
      this.matcher.upsertTask({
        ...this.taskInput(entry, { queue: "" }),
        reservedWorkers: saved.reservedWorkers,
        excludedWorkers: saved.excludedWorkers,
      });
      this.place(entry, reevaluate(workflow, null, this.view(entry), now, this.clock), now, out);
      return out;
    }
    entry.step = step;
    if (step.deadline !== null) this.deadlines.put(task.sid, { at: step.deadline, sid: task.sid });
    this.matcher.upsertTask({
      ...this.taskInput(entry, step.target),
      reservedWorkers: saved.reservedWorkers,
      excludedWorkers: saved.excludedWorkers,
    });
    return out;
  }

  /**
   * Offers everything again after the object was rebuilt under different settings (multitasking, queue
   * order, activities, channels), when what was impossible before may be possible now: first each given
   * worker (in the order given, longest idle first, so each takes their best task by priority and age),
   * then every waiting task still short of reservations, in creation order.
   */
  offerAll(now: number, workerSids: readonly string[] = []): EngineOutcome {
    const out = none();
    for (const sid of workerSids) out.reservations.push(...this.matcher.offerWorker(sid, now));
    for (const entry of this.tasks.values()) this.offer(entry, now, out);
    return out;
  }

  /**
   * A waiting task's `virtual_start_time` (its order among equal priorities) or channel changed. The
   * caller changes the channel only while the task holds no open reservation: their capacity was taken
   * on the old channel.
   */
  updateTask(taskSid: string, change: { order?: number; channel?: string }, now: number): EngineOutcome {
    const entry = this.tasks.get(taskSid);
    const out = none();
    if (!entry) return out;
    entry.input = {
      ...entry.input,
      ...(change.order !== undefined ? { order: change.order } : {}),
      ...(change.channel !== undefined ? { channel: change.channel } : {}),
    };
    this.place(entry, { step: entry.step, events: [] }, now, out);
    return out;
  }

  /** Whether the task is waiting in routing (pending or reserved). */
  hasTask(taskSid: string): boolean {
    return this.tasks.has(taskSid);
  }

  /** New attributes re-evaluate a waiting task through its workflow from the top. */
  updateTaskAttributes(taskSid: string, attributes: Attributes, now: number): EngineOutcome {
    const entry = this.tasks.get(taskSid);
    const workflow = entry && this.workflows.get(entry.input.workflowSid);
    const out = none();
    if (!entry || !workflow) return out;
    entry.attributes = attributes;
    this.place(entry, reevaluate(workflow, entry.step, this.view(entry), now, this.clock), now, out);
    return out;
  }

  /** A new priority re-orders the task in its queue (until a step with its own priority overrides it). */
  updateTaskPriority(taskSid: string, priority: number, now: number): EngineOutcome {
    const entry = this.tasks.get(taskSid);
    const out = none();
    if (!entry) return out;
    entry.priority = priority;
    this.place(entry, { step: entry.step, events: [] }, now, out);
    return out;
  }

  /** A reservation ended unaccepted: the task looks for someone else, the worker for something else. */
  endReservation(taskSid: string, workerSid: string, how: ReservationEnd, now: number): EngineOutcome {
    this.matcher.endReservation(taskSid, workerSid, how);
    const out = none();
    const entry = this.tasks.get(taskSid);
    if (entry) this.offer(entry, now, out);
    out.reservations.push(...this.matcher.offerWorker(workerSid, now));
    return out;
  }

  /** A reservation was accepted: the task leaves routing; everyone else's reservation is rescinded. */
  acceptReservation(taskSid: string, workerSid: string, now: number): EngineOutcome {
    const rescinded = this.matcher.assignTask(taskSid, workerSid);
    this.forget(taskSid);
    const out = none();
    for (const other of rescinded) {
      out.released.push({ taskSid, workerSid: other });
      out.reservations.push(...this.matcher.offerWorker(other, now));
    }
    return out;
  }

  /** A task held by a worker was completed (or its wrap-up ended): the capacity is free again. */
  releaseTask(workerSid: string, channel: string, now: number): EngineOutcome {
    this.matcher.releaseCapacity(workerSid, channel);
    return { ...none(), reservations: this.matcher.offerWorker(workerSid, now) };
  }

  /** A waiting task was canceled or deleted: its open reservations are canceled. */
  cancelTask(taskSid: string, now: number): EngineOutcome {
    const holders = this.matcher.removeTask(taskSid);
    this.forget(taskSid);
    const out = none();
    for (const worker of holders) {
      out.released.push({ taskSid, workerSid: worker });
      out.reservations.push(...this.matcher.offerWorker(worker, now));
    }
    return out;
  }

  /** Epoch ms of the earliest workflow step deadline, or null: what the alarm should be set to. */
  nextDeadline(): number | null {
    for (const sid of this.deadlines.ids()) return this.deadlines.keyOf(sid)!.at;
    return null;
  }

  /** Moves on every task whose step deadline has passed. */
  tick(now: number): EngineOutcome {
    const out = none();
    const due: string[] = [];
    for (const sid of this.deadlines.ids()) {
      if (this.deadlines.keyOf(sid)!.at > now) break;
      due.push(sid);
    }
    for (const sid of due) {
      const entry = this.tasks.get(sid)!;
      const workflow = this.workflows.get(entry.input.workflowSid);
      if (!workflow || !entry.step) continue;
      this.place(entry, afterTimeout(workflow, entry.step, this.view(entry), now, this.clock), now, out);
    }
    return out;
  }

  routed(taskSid: string): RoutedTask | undefined {
    const entry = this.tasks.get(taskSid);
    return entry && { sid: entry.input.sid, workflowSid: entry.input.workflowSid, step: entry.step, priority: entry.priority };
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────

  private view(entry: TaskEntry): TaskView {
    return { sid: entry.input.sid, attributes: entry.attributes };
  }

  /** Puts a task where a routing outcome says, then offers it; a step it cannot fill may be skipped. */
  private place(entry: TaskEntry, outcome: RoutingOutcome, now: number, out: EngineOutcome): void {
    const workflow = this.workflows.get(entry.input.workflowSid);
    let current = outcome;
    for (;;) {
      if (current.step && this.isForeign(current.step)) return this.handOver(entry, current, out);
      out.events.push(...current.events.map((event) => ({ ...event, taskSid: entry.input.sid })));
      entry.step = current.step;
      entry.priority = priorityAfter(entry.priority, current.events);
      out.moved.push({ sid: entry.input.sid, workflowSid: entry.input.workflowSid, step: entry.step, priority: entry.priority });
      this.deadlines.delete(entry.input.sid);
      if (!entry.step) {
        out.released.push(...this.matcher.removeTask(entry.input.sid).map((workerSid) => ({ taskSid: entry.input.sid, workerSid })));
        return;
      }
      if (entry.step.deadline !== null) this.deadlines.put(entry.input.sid, { at: entry.step.deadline, sid: entry.input.sid });
      const made = this.offer(entry, now, out);
      const skip =
        made === 0 &&
        current.events.some((e) => e.type === "workflow.target-matched") &&
        shouldSkip(entry.step, this.view(entry), this.matcher.counters(entry.step.target.queue), now, this.clock);
      if (!skip || !workflow) return;
      current = afterSkip(workflow, entry.step, this.view(entry), now, this.clock);
    }
  }

  /** Whether a step is another region's: its target names a region other than this engine's. */
  private isForeign(step: RoutingStep): boolean {
    return step.target.region !== undefined && step.target.region !== this.region;
  }

  /**
   * The task entered a step of another region: it leaves this engine (its open reservations are let go)
   * and is reported for handover at that step. Arriving at the step (target matched, queue entered, the
   * target's priority) is the other region's to report, so those events are left out here.
   */
  private handOver(entry: TaskEntry, outcome: RoutingOutcome, out: EngineOutcome): void {
    const step = outcome.step!;
    const events = outcome.events.filter(
      (e) => e.step !== step || (e.type !== "workflow.target-matched" && e.type !== "task-queue.entered"),
    );
    out.events.push(...events.map((event) => ({ ...event, taskSid: entry.input.sid })));
    entry.step = step;
    const routed = { sid: entry.input.sid, workflowSid: entry.input.workflowSid, step, priority: entry.priority };
    out.moved.push(routed);
    out.released.push(...this.matcher.removeTask(entry.input.sid).map((workerSid) => ({ taskSid: entry.input.sid, workerSid })));
    this.forget(entry.input.sid);
    (out.handovers ??= []).push(routed);
  }

  /** Hands the task, at its current step, to the matcher and asks for reservations. */
  private offer(entry: TaskEntry, now: number, out: EngineOutcome): number {
    const step = entry.step;
    if (!step) return 0;
    const target = step.target;
    this.matcher.upsertTask(this.taskInput(entry, target));
    const made = this.matcher.offerTask(entry.input.sid, now);
    out.reservations.push(...made);
    return made.length;
  }

  /** What the matcher is told about a task at a target (reservations and exclusions are kept). */
  private taskInput(entry: TaskEntry, target: Pick<RoutingTarget, "queue"> & Partial<RoutingTarget>): TaskInput {
    const known = target.knownWorker ? knownWorkerOf(target as RoutingTarget, this.view(entry)) : null;
    return {
      sid: entry.input.sid,
      attributes: entry.attributes,
      priority: entry.priority,
      channel: entry.input.channel,
      order: entry.input.order,
      queueSid: target.queue,
      ...(target.expression ? { expression: target.expression } : {}),
      ...(target.orderBy && target.orderBy.length > 0 ? { orderBy: target.orderBy } : {}),
      ...(known ? { knownWorker: known } : {}),
    };
  }

  private forget(taskSid: string): void {
    this.tasks.delete(taskSid);
    this.deadlines.delete(taskSid);
  }
}
