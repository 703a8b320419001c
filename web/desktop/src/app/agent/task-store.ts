/**
 * The agent's live state, folded from the socket's frames: open reservations as `DesktopTask`s (pending
 * ones ring; accepted and wrapping ones have a canvas), the selected task, the worker's activity and
 * the activities to choose from, and the connection status. An external store for
 * `useSyncExternalStore`: every change makes a new immutable snapshot. It also emits the framework's
 * task events so plugins see the lifecycle.
 *
 * Times from the server (a reservation's timeout, when it was accepted) are moved onto this machine's
 * clock: `hello` carries the server's clock, and the difference to ours when it arrived is the skew
 * taken off every server time, so a laptop whose clock is minutes off still counts from the right moment.
 */
import type { TaskEvent, TaskEvents, TaskRef } from "../../framework";
import type { DesktopTask, ReservationState } from "../types";
import type { AgentQueue, FrameReservation, FrameTask, HelloActivity as ActivityInfo } from "../../../../../contract/realtime-frames";
import type { ConnectionStatus, ServerFrame } from "./realtime-client";

/** TaskRouter's default reservation timeout (a workflow's task_reservation_timeout), used when the frame has none. */
export const DEFAULT_RESERVATION_TIMEOUT_MS = 120_000;

const OPEN_STATES: readonly ReservationState[] = ["pending", "accepted", "wrapping"];

export interface AgentState {
  /** Open reservations, oldest first. */
  readonly tasks: readonly DesktopTask[];
  readonly selectedTaskSid: string | null;
  readonly activitySid: string | null;
  readonly activityName: string | null;
  readonly activities: readonly ActivityInfo[];
  /** The agent's queues and what waits in them (hello, then `queues.waiting`). */
  readonly queues: readonly AgentQueueView[];
  readonly connection: ConnectionStatus;
  /** performance.now() when each pending reservation's frame arrived (for the ring benchmark). */
  readonly frameAt: Readonly<Record<string, number>>;
}

const EVENT_OF: Partial<Record<ReservationState, TaskEvent>> = {
  pending: "reservationCreated",
  accepted: "accepted",
  rejected: "rejected",
  wrapping: "wrapup",
  completed: "completed",
  timeout: "canceled",
  canceled: "canceled",
  rescinded: "canceled",
};

const parseAttributes = (text: string | null | undefined): Record<string, unknown> => {
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** A server time on this machine's clock. */
const local = (serverMs: number | null, skew: number): number | null => (serverMs === null ? null : serverMs - skew);

/** The task a plugin sees in actions and events. */
export const taskRefOf = (task: DesktopTask): TaskRef & { reservationSid: string } => ({
  sid: task.taskSid,
  reservationSid: task.reservationSid,
  channel: task.taskChannel,
  attributes: task.attributes,
});

/**
 * A `DesktopTask` from a frame's reservation and task (`at`: the event's epoch ms), with its times on
 * this machine's clock (`skew`: the server's clock minus ours). `acceptedAt`: when the server accepted
 * it, when this frame says (hello's `accepted_ms`, an accept frame's time), else as known before.
 */
export function desktopTaskOf(
  reservation: FrameReservation,
  task: FrameTask,
  at: number,
  previous?: DesktopTask,
  times: { readonly skew?: number; readonly acceptedAt?: number | null } = {},
): DesktopTask {
  const skew = times.skew ?? 0;
  const attributes = parseAttributes(task.attributes);
  const state = reservation.status as ReservationState;
  const conversation = attributes.conversationSid ?? attributes.conversation_sid;
  return {
    reservationSid: reservation.sid,
    taskSid: task.sid,
    state,
    attributes,
    taskChannel: task.task_channel_unique_name ?? task.task_channel_sid,
    queueSid: task.task_queue_sid,
    queueName: task.task_queue_friendly_name,
    conversationSid: typeof conversation === "string" ? conversation : null,
    createdAt: previous?.createdAt ?? at - skew - task.age * 1000,
    timeoutAt:
      state === "pending"
        ? (local(reservation.timeout_at ?? null, skew) ?? previous?.timeoutAt ?? at - skew + DEFAULT_RESERVATION_TIMEOUT_MS)
        : null,
    acceptedAt: state === "pending" ? null : (local(times.acceptedAt ?? null, skew) ?? previous?.acceptedAt ?? null),
    wrapupEndsAt: state === "wrapping" ? (local(reservation.wrapup_ends_at ?? null, skew) ?? previous?.wrapupEndsAt ?? null) : null,
    wrappingSince: state === "wrapping" ? (previous?.wrappingSince ?? at) : null,
  };
}

/** One of the agent's queues as the desk shows it: what waits there, since when on this machine's clock. */
export interface AgentQueueView {
  readonly sid: string;
  readonly name: string;
  readonly waiting: number;
  /** Local ms the oldest waiting task was created; null when none waits. */
  readonly oldestSince: number | null;
  /** A task waiting longer is over the queue's SLA; null: not set. */
  readonly slaSeconds: number | null;
}

const queueViewOf = (queue: AgentQueue, skew: number): AgentQueueView => ({
  sid: queue.sid,
  name: queue.friendly_name,
  waiting: queue.waiting,
  oldestSince: local(queue.oldest_waiting_since_ms, skew),
  slaSeconds: queue.sla_threshold_seconds,
});

type Listener = () => void;

/**
 * @example
 * const store = new AgentStore(desktop.TaskEvents);
 * store.apply(frame, performance.now());
 * store.snapshot.tasks.filter((t) => t.state === "pending");
 */
export class AgentStore {
  private state: AgentState;
  private readonly listeners = new Set<Listener>();
  /** Frames of the current replay still to come: history, so no task events for plugins. */
  private replaying = 0;
  /** The server's clock minus ours, from the last `hello` (0 until one says). */
  private skew = 0;

  constructor(
    private readonly events: TaskEvents | null,
    initial: Partial<AgentState> = {},
    private readonly clock: () => number = Date.now,
  ) {
    this.state = {
      tasks: [],
      selectedTaskSid: null,
      activitySid: null,
      activityName: null,
      activities: [],
      queues: [],
      connection: "closed",
      frameAt: {},
      ...initial,
    };
  }

  get snapshot(): AgentState {
    return this.state;
  }

  readonly getSnapshot = (): AgentState => this.state;

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  select(taskSid: string | null): void {
    if (taskSid !== null && !this.state.tasks.some((t) => t.taskSid === taskSid && t.state !== "pending")) return;
    this.set({ selectedTaskSid: taskSid });
  }

  setConnection(connection: ConnectionStatus): void {
    this.set({ connection });
  }

  /** Merges activities (by sid; later data wins), keeping the order they were first seen in. */
  addActivities(activities: readonly ActivityInfo[]): void {
    const bySid = new Map(this.state.activities.map((a) => [a.sid, a]));
    for (const activity of activities) bySid.set(activity.sid, { ...bySid.get(activity.sid), ...activity });
    this.set({ activities: [...bySid.values()] });
  }

  setActivity(sid: string | null, name: string | null, available?: boolean): void {
    if (sid && name)
      this.addActivities([
        { sid, friendly_name: name, available: available ?? this.state.activities.find((a) => a.sid === sid)?.available ?? false },
      ]);
    this.set({ activitySid: sid, activityName: name });
  }

  /** Finds an open task by reservation or task SID. */
  find(ref: { reservationSid?: unknown; sid?: unknown; taskSid?: unknown }): DesktopTask | undefined {
    return this.state.tasks.find((t) => t.reservationSid === ref.reservationSid || t.taskSid === ref.taskSid || t.taskSid === ref.sid);
  }

  /** A reservation changed (a frame, or an ack that already knows the new status). */
  updateReservation(reservationSid: string, state: ReservationState): void {
    const task = this.state.tasks.find((t) => t.reservationSid === reservationSid);
    if (!task || task.state === state) return;
    this.upsert({ ...task, state, timeoutAt: state === "pending" ? task.timeoutAt : null });
  }

  apply(frame: ServerFrame, receivedAt: number): void {
    const replayed = "seq" in frame && this.replaying > 0;
    if (replayed) this.replaying -= 1;
    const emit = (task: DesktopTask) => {
      if (!replayed) this.emit(task);
    };
    switch (frame.type) {
      case "hello": {
        this.replaying = frame.replay.count;
        if (typeof frame.date_ms === "number") this.skew = frame.date_ms - this.clock();
        if (frame.activities) this.addActivities(frame.activities);
        if (frame.queues) this.set({ queues: frame.queues.map((q) => queueViewOf(q, this.skew)) });
        if (frame.worker) this.setActivity(frame.worker.activity_sid, frame.worker.activity_name, frame.worker.available);
        if (frame.reservations) {
          const open = frame.reservations.filter((r) => OPEN_STATES.includes(r.reservation.status as ReservationState));
          const keep = new Set(open.map((r) => r.reservation.sid));
          const now = this.clock();
          // A full list replaces what we had: reservations closed while we were away disappear.
          this.set({ tasks: this.state.tasks.filter((t) => keep.has(t.reservationSid)) });
          for (const r of open) {
            const previous = this.state.tasks.find((t) => t.reservationSid === r.reservation.sid);
            const task = desktopTaskOf(r.reservation, r.task, r.date_ms ?? now + this.skew, previous, {
              skew: this.skew,
              acceptedAt: r.accepted_ms ?? null,
            });
            this.upsert(task, previous ? undefined : receivedAt);
            if (!previous) emit(task);
          }
        }
        return;
      }
      case "task.updated": {
        const attributes = parseAttributes(frame.task.attributes);
        for (const task of this.state.tasks.filter((t) => t.taskSid === frame.task.sid)) {
          if (frame.task.assignment_status === "canceled" || frame.task.assignment_status === "completed") {
            const closed: DesktopTask = { ...task, state: frame.task.assignment_status === "canceled" ? "canceled" : "completed" };
            this.remove(task.reservationSid);
            emit(closed);
          } else this.upsert({ ...task, attributes });
        }
        return;
      }
      case "queues.waiting":
        this.set({ queues: frame.queues.map((q) => queueViewOf(q, this.skew)) });
        return;
      case "ack":
      case "error":
        return;
      default:
        break;
    }
    if (frame.type.startsWith("reservation.") && "reservation" in frame) {
      const previous = this.state.tasks.find((t) => t.reservationSid === frame.reservation.sid);
      const acceptedAt = frame.type === "reservation.accepted" ? frame.date_ms : null;
      const task = desktopTaskOf(frame.reservation, frame.task, frame.date_ms, previous, { skew: this.skew, acceptedAt });
      if (OPEN_STATES.includes(task.state)) this.upsert(task, previous ? undefined : receivedAt);
      else this.remove(task.reservationSid);
      if (previous?.state !== task.state) emit(task);
      return;
    }
    if (frame.type.startsWith("worker.") && "worker" in frame) {
      if (frame.type === "worker.activity.update" || frame.worker.activity_sid !== this.state.activitySid) {
        this.setActivity(frame.worker.activity_sid, frame.worker.activity_name);
      }
    }
  }

  private upsert(task: DesktopTask, frameAt?: number): void {
    const index = this.state.tasks.findIndex((t) => t.reservationSid === task.reservationSid);
    const tasks = index === -1 ? [...this.state.tasks, task] : this.state.tasks.map((t, i) => (i === index ? task : t));
    const frameAtPatch = frameAt === undefined ? {} : { frameAt: { ...this.state.frameAt, [task.reservationSid]: frameAt } };
    // The first task the agent accepts becomes the selected one.
    const selectedTaskSid = this.state.selectedTaskSid === null && task.state !== "pending" ? task.taskSid : this.state.selectedTaskSid;
    this.set({ tasks, selectedTaskSid, ...frameAtPatch });
  }

  private remove(reservationSid: string): void {
    const removed = this.state.tasks.find((t) => t.reservationSid === reservationSid);
    if (!removed) return;
    const tasks = this.state.tasks.filter((t) => t.reservationSid !== reservationSid);
    const { [reservationSid]: _gone, ...frameAt } = this.state.frameAt;
    let selectedTaskSid = this.state.selectedTaskSid;
    if (selectedTaskSid === removed.taskSid) selectedTaskSid = tasks.find((t) => t.state !== "pending")?.taskSid ?? null;
    this.set({ tasks, frameAt, selectedTaskSid });
  }

  private emit(task: DesktopTask): void {
    const event = EVENT_OF[task.state];
    if (event && this.events) this.events.emit(event, { task: taskRefOf(task), reservationSid: task.reservationSid });
  }

  private set(patch: Partial<AgentState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
