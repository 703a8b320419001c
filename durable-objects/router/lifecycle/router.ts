/**
 * The Router: everything one workspace × region routes — workers, tasks, reservations, events,
 * timers — as synchronous operations over a narrow storage host. The Durable Object is a shell around
 * it (load on wake, call, set the alarm, send the outbox); unit tests drive it on `node:sqlite`.
 *
 * Each writing operation runs in ONE `transactionSync`: the engine's decisions and everything they
 * imply (rows, timers, events, queue messages) are stored together before the caller hears back, so
 * an eviction at any point loses nothing and never reserves the same capacity twice. A client error is
 * returned as a value (RPC keeps only an error's message) and rolls back whatever the operation had
 * written; if the engine had already changed, it is rebuilt from storage, which is the truth.
 *
 * Statistics are fed from the operations themselves, not from their events after the commit: the
 * facts an operation collected are recorded at the end of its own transaction, so the time buckets
 * are stored with the change they count, and an eviction can neither lose nor double them.
 */
import { RoutingEngine } from "../engine";
import { agentSnapshot, type AgentSnapshot } from "./agent-snapshot";
import { purgeEvents } from "../store/event-store";
import { Rollback, operationHost, type StoreHost } from "../../kit/sql-host";
import { loadSnapshot, saveSnapshot } from "../store/config-store";
import { pageWindow, type PageWindow } from "../../kit/paging";
import { dueTimers, earliestTimer } from "../../kit/timers";
import { fail, ok, type ApiResult, type Page, type WorkspaceConfigSnapshot, type PageRequest } from "../../common/rpc";
import type { EventRecord, WorkerChannelRecord, ReservationRecord, TaskRecord, WorkerRecord } from "../../../contract/taskrouter";
import {
  addWorkerChannels,
  isNewer,
  needsRebuild,
  offerEverything,
  storeConfigEvents,
  updateEngine,
  type ApplyConfigOptions,
} from "./config";
import { ConfigView } from "./config-view";
import { getEvent, listEvents, type ListEventsInput } from "./event-list";
import { recordConversationEvent } from "./handed-over-events";
import type { ConversationEventInput } from "../../common/conversations";
import { buildEngine } from "./load";
import { Op, type Actor } from "./router-operation";
import { applyOutcome } from "./routing-outcome";
import {
  acceptHandover,
  dropWithdrawn,
  handingOver,
  handoverPayload,
  recordMoved,
  type HandoverMessage,
  type HandoverPayload,
} from "./handover";
import {
  acceptWorkerMove,
  recordWorkerMoved,
  regionUnsettled,
  settleWorkerRegion,
  startWorkerMove,
  workerMovePayload,
  type WorkerMovePayload,
} from "./worker-move";
import type { WorkerMoveMessage } from "./handover-outbox";
import { missingWorker, movedAway } from "./moved-away";
import {
  applyInstruction,
  getReservation,
  listReservations,
  updateReservation,
  type AssignmentInstruction,
  type ListReservationsInput,
  type ReservationOwner,
  type ReservationResult,
  type UpdateReservationInput,
} from "./reservations";
import {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  updateTask,
  type CreateTaskInput,
  type ListTasksInput,
  type TaskResult,
  type UpdateTaskInput,
} from "./tasks";
import {
  bulkQueueFigures,
  queueFigures,
  queueListFigures,
  workerInstanceFigures,
  workersFigures,
  workflowFigures,
  workspaceFigures,
  type QueueFigures,
  type StatisticsQuery,
  type TaskScopeFigures,
  type WorkersFigures,
  type WorkersFilter,
} from "./statistics-figures";
import { RouterStatistics } from "./statistics";
import { fireTimers, type TimerKind } from "./timers";
import { getWorkerChannel, listWorkerChannels, updateWorkerChannel, type UpdateWorkerChannelInput } from "./worker-channels";
import {
  createWorker,
  deleteWorker,
  getWorker,
  listWorkers,
  queuesOfWorker,
  updateWorker,
  type CreateWorkerInput,
  type ListWorkersInput,
  type UpdateWorkerInput,
  type WorkerResult,
} from "./workers";
import type { StatisticsOptions } from "../statistics";

export interface RouterOptions {
  /** The region this Router serves, put on assignment messages so the consumer can reach it again. */
  readonly regionId?: string;
  /**
   * Called after each committed operation with the events it recorded, for observers. (Statistics do
   * not hook in here: they are recorded inside the operation's transaction.)
   */
  readonly onEvents?: (events: readonly EventRecord[]) => void;
  /** Bucket retention for the statistics (tests shorten it). */
  readonly statistics?: StatisticsOptions;
}

const EVENT_PURGE_INTERVAL_MS = 3600_000;

const workspaceNotFound = (): ApiResult<never> => fail(404, 20404, "The requested resource Workspace was not found");

export class Router {
  private view: ConfigView | null = null;
  private engine = new RoutingEngine();
  private statistics: RouterStatistics;
  private lastEventPurge = 0;

  constructor(
    private readonly host: StoreHost,
    private readonly options: RouterOptions = {},
  ) {
    this.statistics = RouterStatistics.empty(host, options.statistics);
  }

  /** Rebuilds everything from storage (on wake, and after an operation failed half-way). */
  load(now: number): void {
    this.statistics = RouterStatistics.load(this.host, this.options.statistics);
    const snapshot = loadSnapshot(this.host);
    this.view = snapshot ? new ConfigView(snapshot) : null;
    if (!this.view) {
      this.engine = new RoutingEngine();
      return;
    }
    const view = this.view;
    const built = buildEngine(this.host, view, now, this.options.regionId);
    this.engine = built.engine;
    const { outcome } = built;
    if (outcome.events.length + outcome.moved.length + outcome.reservations.length + outcome.released.length > 0) {
      this.write(null, now, (op) => {
        applyOutcome(op, outcome);
        return ok(null);
      });
    }
  }

  // ── configuration ───────────────────────────────────────────────────────────────────────────────

  /**
   * A configuration push from the Workspace DO (after every change). Older or equal versions are
   * ignored; `applied` says which happened. The events are the Workspace DO's own, stored for the list.
   */
  applyConfig(
    snapshot: WorkspaceConfigSnapshot,
    events: readonly EventRecord[],
    options: ApplyConfigOptions,
    now: number,
  ): ApiResult<{ applied: boolean; version: number }> {
    const stored = loadSnapshot(this.host);
    if (!isNewer(stored, snapshot)) return ok({ applied: false, version: stored?.version ?? snapshot.version });
    const before = this.view;
    const after = new ConfigView(snapshot);
    const rebuild = needsRebuild(before, after);
    const result = this.transaction(after, { type: "workspace", sid: snapshot.workspace.sid }, now, (op) => {
      saveSnapshot(this.host, snapshot);
      addWorkerChannels(op);
      storeConfigEvents(op, events);
      if (rebuild) {
        const built = buildEngine(op.host, after, now, this.options.regionId);
        this.engine = built.engine;
        op.routed = true;
        const fresh = new Op(op.host, this.engine, after, now, op.actor, this.options.regionId);
        applyOutcome(fresh, built.outcome);
        offerEverything(fresh, this.engine, options);
        op.events.push(...fresh.events);
        op.facts.push(...fresh.facts);
        op.activityMoves.push(...fresh.activityMoves);
      } else if (before) {
        updateEngine(op, before, options);
      }
      return ok({ applied: true, version: snapshot.version });
    });
    if (result.ok) this.view = after;
    return result;
  }

  // ── workers ─────────────────────────────────────────────────────────────────────────────────────

  createWorker(accountSid: string, input: CreateWorkerInput, now: number): ApiResult<WorkerResult> {
    return this.write(accountSid, now, (op) => createWorker(op, input));
  }

  getWorker(accountSid: string, sid: string, now: number): ApiResult<WorkerResult> {
    return this.read(accountSid, now, (op) => getWorker(op, sid));
  }

  updateWorker(accountSid: string, sid: string, input: UpdateWorkerInput, now: number): ApiResult<WorkerResult> {
    return this.write(accountSid, now, (op) => updateWorker(op, sid, input));
  }

  deleteWorker(accountSid: string, sid: string, ifMatch: string | undefined, now: number): ApiResult<null> {
    return this.write(accountSid, now, (op) => deleteWorker(op, sid, ifMatch));
  }

  listWorkers(accountSid: string, input: ListWorkersInput, now: number): ApiResult<Page<WorkerRecord>> {
    return this.readPage(accountSid, input, now, (op, window) => listWorkers(op, input, window));
  }

  listWorkerChannels(accountSid: string, workerSid: string, page: PageRequest, now: number): ApiResult<Page<WorkerChannelRecord>> {
    return this.readPage(accountSid, page, now, (op, window) => listWorkerChannels(op, workerSid, window));
  }

  getWorkerChannel(accountSid: string, workerSid: string, ref: string, now: number): ApiResult<WorkerChannelRecord> {
    return this.read(accountSid, now, (op) => getWorkerChannel(op, workerSid, ref));
  }

  updateWorkerChannel(
    accountSid: string,
    workerSid: string,
    ref: string,
    input: UpdateWorkerChannelInput,
    now: number,
  ): ApiResult<WorkerChannelRecord> {
    return this.write(accountSid, now, (op) => updateWorkerChannel(op, workerSid, ref, input));
  }

  queuesOfWorker(accountSid: string, workerSid: string, now: number): ApiResult<string[]> {
    return this.read(accountSid, now, (op) => queuesOfWorker(op, workerSid));
  }

  /** What an agent's live connection starts with: the worker, the workspace's activities, the open reservations. */
  agentSnapshot(accountSid: string, workerSid: string, now: number): ApiResult<AgentSnapshot> {
    return this.read(accountSid, now, (op) => {
      const snapshot = agentSnapshot(op.host, op.view, workerSid, now);
      return snapshot ? ok(snapshot) : missingWorker(op, workerSid);
    });
  }

  // ── tasks ───────────────────────────────────────────────────────────────────────────────────────

  createTask(accountSid: string, input: CreateTaskInput, now: number): ApiResult<TaskResult> {
    return this.write(accountSid, now, (op) => createTask(op, input));
  }

  getTask(accountSid: string, sid: string, now: number): ApiResult<TaskResult> {
    return this.read(accountSid, now, (op) => getTask(op, sid));
  }

  updateTask(accountSid: string, sid: string, input: UpdateTaskInput, now: number): ApiResult<TaskResult> {
    return this.write(accountSid, now, (op) => updateTask(op, sid, input));
  }

  deleteTask(accountSid: string, sid: string, ifMatch: string | undefined, now: number): ApiResult<null> {
    return this.write(accountSid, now, (op) => deleteTask(op, sid, ifMatch));
  }

  listTasks(accountSid: string, input: ListTasksInput, now: number): ApiResult<Page<TaskRecord>> {
    return this.readPage(accountSid, input, now, (op, window) => listTasks(op, input, window));
  }

  // ── reservations ────────────────────────────────────────────────────────────────────────────────

  listReservations(
    accountSid: string,
    owner: ReservationOwner,
    input: ListReservationsInput,
    now: number,
  ): ApiResult<Page<ReservationRecord>> {
    return this.readPage(accountSid, input, now, (op, window) => listReservations(op, owner, input, window));
  }

  getReservation(accountSid: string, owner: ReservationOwner, sid: string, now: number): ApiResult<ReservationResult> {
    return this.read(accountSid, now, (op) => getReservation(op, owner, sid));
  }

  updateReservation(
    accountSid: string,
    owner: ReservationOwner,
    sid: string,
    input: UpdateReservationInput,
    now: number,
  ): ApiResult<ReservationResult> {
    return this.write(accountSid, now, (op) => updateReservation(op, owner, sid, input));
  }

  applyAssignmentInstruction(
    accountSid: string,
    reservationSid: string,
    instruction: AssignmentInstruction,
    now: number,
  ): ApiResult<ReservationResult> {
    return this.write(accountSid, now, (op) => applyInstruction(op, reservationSid, instruction));
  }

  // ── events ──────────────────────────────────────────────────────────────────────────────────────

  listEvents(accountSid: string, input: ListEventsInput, now: number): ApiResult<Page<EventRecord>> {
    return this.readPage(accountSid, input, now, (op, window) => listEvents(op, input, window));
  }

  getEvent(accountSid: string, sid: string, now: number): ApiResult<EventRecord> {
    return this.read(accountSid, now, (op) => getEvent(op, sid));
  }

  /** A supervisor's action or a survey answer in a conversation (handed-over-events.ts), recorded once per key. */
  recordConversationEvent(
    accountSid: string,
    input: ConversationEventInput,
    now: number,
  ): ApiResult<{ eventSid: string; recorded: boolean }> {
    return this.write(accountSid, now, (op) => recordConversationEvent(op, input));
  }

  // ── statistics ──────────────────────────────────────────────────────────────────────────────────

  workspaceStatistics(accountSid: string, query: StatisticsQuery, now: number): ApiResult<TaskScopeFigures> {
    return this.read(accountSid, now, (op) => workspaceFigures(op, this.statistics, query));
  }

  queueStatistics(accountSid: string, queueSid: string, query: StatisticsQuery, now: number): ApiResult<TaskScopeFigures> {
    return this.read(accountSid, now, (op) => queueFigures(op, this.statistics, queueSid, query));
  }

  queueListStatistics(
    accountSid: string,
    input: PageRequest & { readonly friendlyName?: string },
    query: StatisticsQuery,
    now: number,
  ): ApiResult<Page<QueueFigures>> {
    return this.readPage(accountSid, input, now, (op, window) => queueListFigures(op, this.statistics, input.friendlyName, query, window));
  }

  bulkQueueStatistics(accountSid: string, queueSids: readonly string[], query: StatisticsQuery, now: number): ApiResult<QueueFigures[]> {
    return this.read(accountSid, now, (op) => bulkQueueFigures(op, this.statistics, queueSids, query));
  }

  workflowStatistics(accountSid: string, workflowSid: string, query: StatisticsQuery, now: number): ApiResult<TaskScopeFigures> {
    return this.read(accountSid, now, (op) => workflowFigures(op, this.statistics, workflowSid, query));
  }

  workersStatistics(accountSid: string, filter: WorkersFilter, query: StatisticsQuery, now: number): ApiResult<WorkersFigures> {
    return this.read(accountSid, now, (op) => workersFigures(op, this.statistics, filter, query));
  }

  workerStatistics(accountSid: string, workerSid: string, query: StatisticsQuery, now: number): ApiResult<WorkersFigures> {
    return this.read(accountSid, now, (op) => workerInstanceFigures(op, this.statistics, workerSid, query));
  }

  // ── handovers between regions (handover.ts) ───────────────────────────────────────────────────

  /** The workspace's account, once the Router has a configuration. */
  accountSid(): string | null {
    return this.view?.accountSid ?? null;
  }

  /** Whether task `sid` is being handed over to another region (sent, not yet answered). */
  handingOver(sid: string): boolean {
    return handingOver(this.host, sid);
  }

  /** What to send for a handover message now; null when it is no longer on (recorded, or withdrawn). */
  handoverPayload(message: HandoverMessage, now: number): HandoverPayload | null {
    const op = this.systemOp(now);
    return op && handoverPayload(op, message);
  }

  /** A task handed over by another region's Router (idempotent by SID and hop). */
  acceptHandover(accountSid: string, payload: HandoverPayload, now: number): ApiResult<{ accepted: boolean }> {
    return this.write(accountSid, now, (op) => acceptHandover(op, payload));
  }

  /** The other Router took the task: it leaves this one, which keeps its tombstone. */
  recordMoved(message: HandoverMessage, now: number): void {
    this.write(null, now, (op) => {
      recordMoved(op, message);
      return ok(null);
    });
  }

  /** The sender withdrew hop `hop` of task `sid` (it ended there first). */
  dropWithdrawn(accountSid: string, sid: string, hop: number, now: number): ApiResult<{ dropped: boolean }> {
    return this.write(accountSid, now, (op) => dropWithdrawn(op, sid, hop));
  }

  // ── workers moving between regions (worker-move.ts) ───────────────────────────────────────────

  /** Worker `sid` is to move to `region` (409 while they hold a reservation; `moving: false` when already there). */
  startWorkerMove(accountSid: string, sid: string, region: string, now: number): ApiResult<{ moving: boolean }> {
    return this.write(accountSid, now, (op) => startWorkerMove(op, sid, region));
  }

  /** Whether worker `sid`'s region is still by default (their agent's first sign-in may move them). */
  regionUnsettled(accountSid: string, sid: string, now: number): ApiResult<boolean> {
    return this.read(accountSid, now, (op) => regionUnsettled(op, sid));
  }

  /** The first sign-in settles worker `sid`'s region, moving them to `nearest` when it is another (worker-move.ts). */
  settleWorkerRegion(accountSid: string, sid: string, nearest: string, now: number): ApiResult<{ moving: boolean; refused?: string }> {
    return this.write(accountSid, now, (op) => settleWorkerRegion(op, sid, nearest));
  }

  /** What to send for a worker's move now; null when it is no longer on. */
  workerMovePayload(message: WorkerMoveMessage, now: number): WorkerMovePayload | null {
    const op = this.systemOp(now);
    return op && workerMovePayload(op, message);
  }

  /** A worker moved here by another region's Router (idempotent by SID and hop). */
  acceptWorkerMove(accountSid: string, payload: WorkerMovePayload, now: number): ApiResult<{ accepted: boolean }> {
    return this.write(accountSid, now, (op) => acceptWorkerMove(op, payload));
  }

  /** The other Router took the worker: they leave this one, which keeps the tombstone. `moved`: this call recorded it. */
  recordWorkerMoved(message: WorkerMoveMessage, now: number): boolean {
    const recorded = this.write(null, now, (op) => recordWorkerMoved(op, message));
    return recorded.ok && recorded.value.moved;
  }

  /** The region item `sid` moved to from here, or null when it did not (it is here, or unknown). */
  movedTo(sid: string): string | null {
    return movedAway({ host: this.host }, "Item", sid)?.movedTo ?? null;
  }

  // ── timers ──────────────────────────────────────────────────────────────────────────────────────

  /** When the alarm should next fire: the earliest timer, or null. */
  nextAlarm(): number | null {
    return earliestTimer(this.host);
  }

  /** Fires every timer due at or before `now` in one operation. */
  fireTimers(now: number): void {
    const due = dueTimers<TimerKind>(this.host, now);
    if (due.length === 0 || !this.view) return;
    this.write(null, now, (op) => {
      fireTimers(op, due);
      return ok(null);
    });
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────

  private scope(accountSid: string | null): ApiResult<ConfigView> {
    if (!this.view || (accountSid !== null && this.view.accountSid !== accountSid)) return workspaceNotFound();
    return ok(this.view);
  }

  /** A read by the workspace itself (an outbox drain reading what to send), or null before any configuration. */
  private systemOp(now: number): Op | null {
    const view = this.scope(null);
    if (!view.ok) return null;
    return new Op(this.host, this.engine, view.value, now, { type: "workspace", sid: view.value.workspaceSid }, this.options.regionId);
  }

  private read<T>(accountSid: string, now: number, fn: (op: Op) => ApiResult<T>): ApiResult<T> {
    const view = this.scope(accountSid);
    if (!view.ok) return view;
    return fn(new Op(this.host, this.engine, view.value, now, { type: "account", sid: accountSid }, this.options.regionId));
  }

  private readPage<T>(accountSid: string, page: PageRequest, now: number, fn: (op: Op, window: PageWindow) => ApiResult<T>): ApiResult<T> {
    const window = pageWindow(page);
    if (!window.ok) return window;
    return this.read(accountSid, now, (op) => fn(op, window.value));
  }

  private write<T>(accountSid: string | null, now: number, fn: (op: Op) => ApiResult<T>): ApiResult<T> {
    const view = this.scope(accountSid);
    if (!view.ok) return view;
    const actor: Actor = accountSid === null ? { type: "workspace", sid: view.value.workspaceSid } : { type: "account", sid: accountSid };
    return this.transaction(view.value, actor, now, fn);
  }

  private transaction<T>(view: ConfigView, actor: Actor, now: number, fn: (op: Op) => ApiResult<T>): ApiResult<T> {
    const host = operationHost(this.host);
    const op = new Op(host, this.engine, view, now, actor, this.options.regionId);
    let counted = false;
    let result: ApiResult<T>;
    try {
      result = this.host.transactionSync(() => {
        const value = fn(op);
        if (!value.ok) throw new Rollback(value);
        host.flush();
        counted = true;
        this.statistics.record(op);
        if (now - this.lastEventPurge > EVENT_PURGE_INTERVAL_MS) {
          purgeEvents(this.host, now);
          this.lastEventPurge = now;
        }
        return value;
      });
    } catch (error) {
      // Storage rolled back: what memory holds (the engine, the live tasks) is rebuilt from it.
      if (op.routed || counted) this.load(now);
      if (error instanceof Rollback) return error.failure;
      throw error;
    }
    if (op.events.length > 0) this.options.onEvents?.(op.events);
    return result;
  }
}

export type { QueueFigures, StatisticsQuery, TaskScopeFigures, WorkersFigures, WorkersFilter };
export type {
  HandoverMessage,
  HandoverPayload,
  ApplyConfigOptions,
  AssignmentInstruction,
  CreateTaskInput,
  CreateWorkerInput,
  ListEventsInput,
  ListReservationsInput,
  ListTasksInput,
  ListWorkersInput,
  ReservationOwner,
  ReservationResult,
  TaskResult,
  UpdateReservationInput,
  UpdateTaskInput,
  UpdateWorkerChannelInput,
  UpdateWorkerInput,
  WorkerResult,
};
