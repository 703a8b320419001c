/**
 * The agents' live channel, typed once: every frame that crosses an agent's WebSocket, in either
 * direction, is a member of ONE discriminated union on `type` ({@link AgentFrame}), described by zod
 * schemas that the Router DO uses to validate what clients send and that a client can use to validate
 * what the server pushes. Field names are snake_case, as in TaskRouter's JSON.
 *
 * - Client → server, commands, each with a client-chosen `id`: `accept`, `reject`, `wrapup`,
 *   `complete`, `set-activity`, `update-attributes`. Each is answered by an `ack` or an `error` frame
 *   with the same `id`.
 * - Server → client: `hello` (first, on every connection, with the worker, the workspace's activities and
 *   the worker's open reservations), then the change frames — one per committed event that concerns the
 *   worker (`reservation.*`, `task.updated`, `worker.*`), each with the worker's next sequence number
 *   `seq`, which a reconnecting client passes back as `?since=`.
 * - The heartbeat is the bare text `ping`, answered `pong` without waking the object (not JSON).
 * - A supervisor's connection (a supervisor or admin token naming no worker) gets `supervisor.snapshot`
 *   first, then `supervisor.delta` frames with the queues and workers that changed: every region of the
 *   workspace, at most one frame a second per region.
 */
import { z } from "zod";
import {
  AGENT_FRAME_TYPES,
  COMMAND_TYPES,
  RESERVATION_FRAME_TYPES,
  SUPERVISOR_FRAME_TYPES,
  WORKER_CHANNEL_FRAME_TYPES,
  type SameKinds,
} from "./frame-types";
import { Sids } from "./ids";
import type { ReservationRecord, TaskRecord, WorkerRecord } from "./taskrouter";

/** A command's id, chosen by the client and echoed in the answer. */
export const commandId = z.union([z.string().min(1).max(64), z.number().int()], {
  error: "must be a string of 1 to 64 characters or an integer",
});

// ── commands (client → server) ───────────────────────────────────────────────────────────────────

const reservationOrTask = {
  reservation_sid: Sids.reservation.optional(),
  task_sid: Sids.task.optional(),
};
const oneTarget = (frame: { reservation_sid?: string; task_sid?: string }) =>
  (frame.reservation_sid === undefined) !== (frame.task_sid === undefined);
const oneTargetMessage = { message: "give either reservation_sid or task_sid", path: ["reservation_sid"] };

export const acceptFrame = z.strictObject({ type: z.literal("accept"), id: commandId, reservation_sid: Sids.reservation });
export const rejectFrame = z.strictObject({
  type: z.literal("reject"),
  id: commandId,
  reservation_sid: Sids.reservation,
  /** Where the worker moves (Twilio's WorkerActivitySid). */
  activity_sid: Sids.activity.optional(),
});
export const wrapupFrame = z
  .strictObject({ type: z.literal("wrapup"), id: commandId, ...reservationOrTask })
  .refine(oneTarget, oneTargetMessage);
export const completeFrame = z
  .strictObject({ type: z.literal("complete"), id: commandId, ...reservationOrTask, reason: z.string().max(1024).optional() })
  .refine(oneTarget, oneTargetMessage);
export const setActivityFrame = z.strictObject({
  type: z.literal("set-activity"),
  id: commandId,
  activity_sid: Sids.activity,
  reject_pending_reservations: z.boolean().optional(),
});
export const updateAttributesFrame = z.strictObject({
  type: z.literal("update-attributes"),
  id: commandId,
  /** The worker's new attributes: JSON text, as the REST API takes it, or the object itself. */
  attributes: z.union([z.string(), z.record(z.string(), z.unknown())]),
});

const commandMembers = [acceptFrame, rejectFrame, wrapupFrame, completeFrame, setActivityFrame, updateAttributesFrame] as const;

// ── what the server pushes ───────────────────────────────────────────────────────────────────────

const reservationStatus = z.enum(["pending", "accepted", "rejected", "timeout", "canceled", "rescinded", "wrapping", "completed"]);
const taskStatus = z.enum(["pending", "reserved", "assigned", "canceled", "completed", "wrapping"]);

/** The task a change frame is about, as the event recorded it. */
export const frameTask = z.object({
  sid: z.string(),
  /** JSON text, as in TaskRouter's task resource. */
  attributes: z.string(),
  assignment_status: taskStatus,
  priority: z.number(),
  /** Seconds since the task was created, when the event happened. */
  age: z.number(),
  task_channel_sid: z.string(),
  task_channel_unique_name: z.string().nullable(),
  task_queue_sid: z.string().nullable(),
  task_queue_friendly_name: z.string().nullable(),
  workflow_sid: z.string(),
  workflow_friendly_name: z.string().nullable(),
  reason: z.string().nullable(),
});

export const frameWorker = z.object({
  sid: z.string(),
  friendly_name: z.string(),
  /** JSON text, as in TaskRouter's worker resource. */
  attributes: z.string().nullable(),
  activity_sid: z.string().nullable(),
  activity_name: z.string().nullable(),
});

/** What every change frame carries: the worker's sequence number and the event it comes from. */
const change = {
  /** 1, 2, 3, … per worker; pass the last one seen back as `?since=` when reconnecting. */
  seq: z.number().int().positive(),
  /** The Event (EV…) of TaskRouter's Events API this frame reports. */
  event_sid: z.string(),
  /** ISO 8601 and epoch ms of the event. */
  date: z.string(),
  date_ms: z.number(),
};

/** A reservation as a frame carries it. */
export const frameReservation = z.object({
  sid: z.string(),
  status: reservationStatus,
  task_sid: z.string(),
  worker_sid: z.string(),
  /**
   * When the pending reservation times out (epoch ms): set on `reservation.created` and on a pending
   * reservation in `hello`; null otherwise (an accepted or ended reservation does not time out).
   */
  timeout_at: z.number().nullable(),
  /**
   * Switchboard's own: when the wrap-up ends by itself (epoch ms; the task is completed then), from the
   * queue's WrapUpTimeoutSeconds — set on `reservation.wrapup` and on a wrapping reservation in `hello`,
   * null otherwise (no automatic end, or not wrapping). What the desk counts down to.
   */
  wrapup_ends_at: z.number().nullable(),
});

export const reservationChangeFrame = z.object({
  type: z.enum(RESERVATION_FRAME_TYPES),
  ...change,
  reservation: frameReservation,
  task: frameTask,
});
export const taskUpdatedFrame = z.object({ type: z.literal("task.updated"), ...change, task: frameTask });
export const activityFrame = z.object({
  type: z.literal("worker.activity.update"),
  ...change,
  worker: frameWorker,
  previous_activity_sid: z.string().nullable(),
  previous_activity_name: z.string().nullable(),
});
export const attributesFrame = z.object({ type: z.literal("worker.attributes.update"), ...change, worker: frameWorker });
export const workerChannelFrame = z.object({
  type: z.enum(WORKER_CHANNEL_FRAME_TYPES),
  ...change,
  worker: frameWorker,
  channel: z.object({
    task_channel_sid: z.string(),
    task_channel_unique_name: z.string().nullable(),
    configured_capacity: z.number().nullable(),
    available: z.boolean(),
    available_capacity_percentage: z.number().nullable(),
    assigned_tasks: z.number().nullable(),
  }),
});
export const workerDeletedFrame = z.object({ type: z.literal("worker.deleted"), ...change, worker: frameWorker });

/**
 * Switchboard's own: one of the worker's task queues (their attributes satisfy its TargetWorkers) as the
 * agent sees it — the tasks waiting in it in the worker's region (the ones that can ring them).
 */
export const agentQueue = z.object({
  sid: z.string(),
  friendly_name: z.string(),
  /** Tasks not yet accepted: pending and reserved. */
  waiting: z.number().int().nonnegative(),
  /** Epoch ms the longest-waiting task was created (count up from it), or null when none waits. */
  oldest_waiting_since_ms: z.number().nullable(),
  /** The queue's SlaThresholdSeconds: a task waiting longer is over it (null: not set). */
  sla_threshold_seconds: z.number().nullable(),
});

/**
 * Switchboard's own: the worker's queues again, whole, when what waits in them (or which queues are
 * theirs) changed — at most once a second, like the supervisors' deltas. Not numbered or replayed: it is
 * a figure of now, and each `hello` carries it afresh.
 */
export const agentQueuesFrame = z.object({
  type: z.literal("queues.waiting"),
  date_ms: z.number(),
  queues: z.array(agentQueue),
});

export const helloWorker = frameWorker.extend({ available: z.boolean() });
export const helloActivity = z.object({ sid: z.string(), friendly_name: z.string(), available: z.boolean() });
export const helloReservation = z.object({
  reservation: frameReservation.extend({ status: z.enum(["pending", "accepted", "wrapping"]) }),
  task: frameTask,
  /** Epoch ms when the reservation was created. */
  date_ms: z.number(),
  /**
   * Epoch ms when the reservation was accepted (what "Accepted 2:05 ago" counts from), null while it is
   * pending; null too for one whose accept event is past the 30-day retention.
   */
  accepted_ms: z.number().nullable(),
});

/**
 * The first frame of every connection: who it serves, where the log stands, what the replay holds, and
 * the worker's state now (the worker, the workspace's activities, the open reservations).
 */
export const helloFrame = z.object({
  type: z.literal("hello"),
  worker_sid: z.string(),
  /** The worker's last sequence number when the connection opened (0 before the first frame). */
  last_seq: z.number().int().nonnegative(),
  replay: z.object({
    /** The `since` the client gave, or null. */
    since: z.number().int().nullable(),
    /** Frames that follow this one, from the log, before the live ones. */
    count: z.number().int().nonnegative(),
    /**
     * False when frames after `since` are no longer kept (or `since` is unknown): the client should
     * reload the worker's reservations and tasks over the REST API.
     */
    complete: z.boolean(),
  }),
  heartbeat: z.object({ send: z.literal("ping"), reply: z.literal("pong"), interval_ms: z.number() }),
  presence_grace_ms: z.number(),
  /** When the token expires: the server closes the connection then (4401); reconnect with a new one. */
  expires_at: z.string(),
  /**
   * The server's clock when it sent this frame (epoch ms): a client whose own clock is off corrects the
   * server's times by the difference (an accept time, a timeout) before counting from them.
   */
  date_ms: z.number(),
  /**
   * Set when presence moved the worker to an offline Activity (their connection gone past the grace
   * period) and they have not changed Activity since: the desktop tells them why. Said once, on the
   * first connection after it happened.
   */
  presence_offline: z
    .object({
      date_ms: z.number(),
      activity_sid: z.string(),
      activity_name: z.string().nullable(),
      /**
       * Why: `disconnected` — every connection of theirs closed (or was lost unheard) and none came back
       * within the grace period; `silent` — a connection stayed open but sent no heartbeat for the grace
       * period (a laptop asleep).
       */
      reason: z.enum(["disconnected", "silent"]),
      /** Epoch ms the grace period ran from (the last sign of life, or when they were noticed gone); null when not known. */
      since_ms: z.number().nullable(),
      /** The grace period that passed (ms). */
      grace_ms: z.number(),
    })
    .nullable(),
  /** The worker as they are now, with whether their activity is an available one. */
  worker: helloWorker,
  /** Every activity of the workspace, in the workspace's order: what the worker may switch to. */
  activities: z.array(helloActivity),
  /**
   * The worker's open reservations (pending, accepted, wrapping), oldest first, with their tasks as they
   * are now: what a freshly opened page shows without reading the REST API. Frames replayed after this
   * one (with `since`) are what led to this state, not changes to apply on top of it.
   */
  reservations: z.array(helloReservation),
  /** Switchboard's own: the worker's queues and what waits in them now, in the workspace's order; then `queues.waiting` frames. */
  queues: z.array(agentQueue).optional(),
});

/** A command succeeded: the resource it changed, as the REST API would return it (without `url`/`links`). */
export const ackFrame = z.object({
  type: z.literal("ack"),
  id: commandId,
  reservation: z.looseObject({ sid: z.string() }).optional(),
  task: z.looseObject({ sid: z.string() }).optional(),
  worker: z.looseObject({ sid: z.string() }).optional(),
});

/** A command failed, or a frame could not be read: the status, code and message the REST API would answer. */
export const errorFrame = z.object({
  type: z.literal("error"),
  id: commandId.nullable(),
  status: z.number(),
  code: z.number(),
  message: z.string(),
});

// ── the supervisors' feed (server → client only) ────────────────────────────────────────────────

const activityStatistic = z.object({ sid: z.string(), friendly_name: z.string(), workers: z.number().int().nonnegative() });

/** A task queue's real-time figures, as `/TaskQueues/{WQ}/RealTimeStatistics` reports them. */
export const supervisorQueue = z.object({
  sid: z.string(),
  friendly_name: z.string(),
  tasks_by_status: z.record(z.string(), z.number()),
  total_tasks: z.number(),
  /** Seconds. */
  longest_task_waiting_age: z.number(),
  longest_task_waiting_sid: z.string().nullable(),
  total_available_workers: z.number(),
  total_eligible_workers: z.number(),
  activity_statistics: z.array(activityStatistic),
  /** Since midnight UTC (durable-objects/router/realtime/supervisor-today.ts), live like the rest: what Queue Stats shows as tasks today and service level. */
  today: z.object({
    /** Epoch ms of today's midnight UTC; the window runs to the frame's `date_ms`. */
    since: z.number(),
    /** Tasks that entered the queue (TaskRouter's queue `tasks_entered`). */
    tasks_created: z.number(),
    /** Reservations accepted. */
    tasks_accepted: z.number(),
    tasks_completed: z.number(),
    tasks_canceled: z.number(),
    /** Share (0…1) of today's accepted reservations accepted within the threshold of the task's creation; null before the first. */
    service_level: z.number().nullable(),
    /** Seconds: the queue's SlaThresholdSeconds, else 30 (as `GET /api/workspaces/:ws/queue-statistics` by default). */
    service_level_threshold: z.number(),
  }),
  // The tiles' fields below, the workers' `state` and the frames' `team` are optional only for a client
  // reading a server from before them (or a worker kept from an older region); this server always sends them.
  /** Switchboard's own, for the headline tiles: tasks not yet accepted (pending and reserved). */
  waiting: z.number().int().nonnegative().optional(),
  /** The queue's desk settings (the TaskQueue record's; null: not set). */
  thresholds: z
    .object({
      /** A task waiting longer is over the queue's SLA (the desk colours its card). */
      sla_seconds: z.number().nullable(),
      waiting: z.number().nullable(),
      longest_wait_seconds: z.number().nullable(),
      /** Percent (0…100); `today.service_level` is a share (0…1). */
      service_level_target: z.number().nullable(),
    })
    .optional(),
  /** Whether each tile is past its threshold: more waiting, a longer wait, a service level below the target (false when unset). */
  crossed: z.object({ waiting: z.boolean(), longest_wait: z.boolean(), service_level: z.boolean() }).optional(),
});

/**
 * A queue in a delta: its SID and only the fields that differ from the row the supervisor has — of an
 * object field only the keys that differ (each has a fixed set of keys), an array whole; a queue the
 * supervisor may not have yet comes whole. Folded onto the row the supervisor has, objects one level
 * deep, it gives the queue's full row now (durable-objects/router/realtime/supervisor-sent.ts).
 */
export const supervisorQueueChange = supervisorQueue.partial().extend({
  sid: z.string(),
  today: supervisorQueue.shape.today.partial().optional(),
  thresholds: supervisorQueue.shape.thresholds.unwrap().partial().optional(),
  crossed: supervisorQueue.shape.crossed.unwrap().partial().optional(),
});

/**
 * An agent's state on the supervisors' tiles (durable-objects/router/realtime/supervisor-tiles.ts): busy
 * holds an accepted task, wrapping only wrapping ones, then their activity: available, offline (the
 * workspace's offline activity) or away (any other unavailable one).
 */
export const AGENT_STATES = ["available", "busy", "wrapping", "away", "offline"] as const;
export const agentState = z.enum(AGENT_STATES);

/** Switchboard's own: the whole team's tiles, every region's workers counted. */
export const supervisorTeam = z.object({
  agents_by_state: z.object({
    available: z.number().int().nonnegative(),
    busy: z.number().int().nonnegative(),
    wrapping: z.number().int().nonnegative(),
    away: z.number().int().nonnegative(),
    offline: z.number().int().nonnegative(),
  }),
  /**
   * The task channels the team uses — at least one worker has it on with room for a task, or holds a task
   * on it — in the workspace's order: the only channels a Teams view needs to show.
   */
  task_channels: z.array(z.object({ task_channel_sid: z.string(), task_channel_unique_name: z.string() })),
});

/** A task a worker has in hand: a reservation that holds capacity (pending, accepted or wrapping). */
export const supervisorReservation = z.object({
  sid: z.string(),
  task_sid: z.string(),
  status: z.enum(["pending", "accepted", "wrapping"]),
  task_channel_unique_name: z.string(),
  date_created: z.string(),
  /*
   * What a supervisor's Teams row and Live list say of the task (Switchboard's own; optional: an older
   * Router's frames lack them). Null when the task says nothing of it.
   */
  /** The conversation (CH…) the task is for: its attribute `conversationSid`, as Flex sets it. */
  conversation_sid: z.string().nullable().optional(),
  /** The channel the customer wrote on (`web`, `sms`, `whatsapp` …): its attribute `channelType`. */
  channel_type: z.string().nullable().optional(),
  /** The customer as the desk names them (contract/customer-name.ts): never a web visitor's ID. */
  customer: z.string().nullable().optional(),
  /** The queue the task was routed through. */
  task_queue_sid: z.string().nullable().optional(),
  task_queue_name: z.string().nullable().optional(),
});

/** A worker as a supervisor's Teams view shows it. */
export const supervisorWorker = z.object({
  sid: z.string(),
  friendly_name: z.string(),
  activity_sid: z.string(),
  activity_name: z.string().nullable(),
  /** Whether the activity is an available one. */
  available: z.boolean(),
  /** When the worker entered the activity (ISO 8601, and epoch ms for the time in state). */
  date_status_changed: z.string(),
  date_status_changed_ms: z.number(),
  /** JSON text, as in TaskRouter's worker resource. */
  attributes: z.string(),
  /**
   * The task queues the worker is a member of (their `target_workers` accepts them), in SID order: with
   * `channels`, what tells a supervisor whether the worker can take a queue's next task now.
   */
  task_queue_sids: z.array(z.string()),
  /** One per task channel, in the workspace's task channel order (the same for every worker). */
  channels: z.array(
    z.object({
      task_channel_sid: z.string(),
      task_channel_unique_name: z.string().nullable(),
      configured_capacity: z.number(),
      available: z.boolean(),
      /** Pending reservations on the channel. */
      reserved_tasks: z.number().int().nonnegative(),
      /** Accepted and wrapping reservations on the channel. */
      assigned_tasks: z.number().int().nonnegative(),
    }),
  ),
  reservations: z.array(supervisorReservation),
  /** Switchboard's own: the region whose Router holds the worker (their home region). */
  region: z.string(),
  /** Switchboard's own: the agent's state on the tiles (see {@link AGENT_STATES}). */
  state: agentState.optional(),
});

/**
 * Switchboard's own: the regions of the workspace whose Routers could not be reached. Their workers are
 * left out and the queues' figures are the other regions' sums, until the region answers again (then a
 * delta brings its workers and the queues summed with it, and the list no longer names it).
 */
const missingRegions = z.array(z.string());

/** The first frame of a supervisor's connection: every queue (figures summed over the regions) and every worker of every region. */
export const supervisorSnapshotFrame = z.object({
  type: z.literal("supervisor.snapshot"),
  /** ISO 8601 and epoch ms of the figures. */
  date: z.string(),
  date_ms: z.number(),
  queues: z.array(supervisorQueue),
  workers: z.array(supervisorWorker),
  /** Switchboard's own: the regions the workspace uses, home first (every worker's `region` is one). */
  regions: z.array(z.string()),
  missing_regions: missingRegions,
  team: supervisorTeam.optional(),
});

/**
 * What changed since the last frame: those queues (only their fields that changed) and workers in full,
 * and the workers deleted. The
 * holding Router's own changes go at most once a second, and so does each other region's (forwarded as
 * they arrive, so the feed stays within a second of every region).
 */
export const supervisorDeltaFrame = z.object({
  type: z.literal("supervisor.delta"),
  date: z.string(),
  date_ms: z.number(),
  queues: z.array(supervisorQueueChange),
  workers: z.array(supervisorWorker),
  removed_worker_sids: z.array(z.string()),
  missing_regions: missingRegions,
  /** The team's tiles now, whole; absent when they are what the supervisor has. */
  team: supervisorTeam.optional(),
});

const serverMembers = [
  helloFrame,
  agentQueuesFrame,
  reservationChangeFrame,
  taskUpdatedFrame,
  activityFrame,
  attributesFrame,
  workerChannelFrame,
  workerDeletedFrame,
  ackFrame,
  errorFrame,
  supervisorSnapshotFrame,
  supervisorDeltaFrame,
] as const;

/** Every frame of the agents' channel, both directions. */
export const agentFrame = z.discriminatedUnion("type", [...commandMembers, ...serverMembers]);
/** What a client may send (besides the `ping` heartbeat). */
export const commandFrame = z.discriminatedUnion("type", [...commandMembers]);
/** What the server sends. */
export const serverFrame = z.discriminatedUnion("type", [...serverMembers]);

export type CommandFrame = z.infer<typeof commandFrame>;
/** An `ack` as the server builds it: the records are the contract's (the schema only requires a `sid`). */
export type AckFrame = { type: "ack"; id: string | number } & (
  { reservation: ReservationRecord } | { task: TaskRecord } | { worker: WorkerRecord }
);
export type ServerFrame = Exclude<z.infer<typeof serverFrame>, { type: "ack" }> | AckFrame;
export type AgentFrame = CommandFrame | ServerFrame;
/** A frame that reports a committed change (it has a `seq`). */
export type ChangeFrame = Extract<ServerFrame, { seq: number }>;
/** A change frame before the frame log numbers it. */
export type UnnumberedChange = ChangeFrame extends infer F ? (F extends ChangeFrame ? Omit<F, "seq"> : never) : never;
export type FrameTask = z.infer<typeof frameTask>;
export type FrameWorker = z.infer<typeof frameWorker>;
export type FrameReservation = z.infer<typeof frameReservation>;
export type HelloWorker = z.infer<typeof helloWorker>;
export type HelloActivity = z.infer<typeof helloActivity>;
export type HelloReservation = z.infer<typeof helloReservation>;
export type AgentQueue = z.infer<typeof agentQueue>;
export type AgentQueuesFrame = z.infer<typeof agentQueuesFrame>;
export type SupervisorQueue = z.infer<typeof supervisorQueue>;
export type SupervisorQueueChange = z.infer<typeof supervisorQueueChange>;
export type SupervisorWorker = z.infer<typeof supervisorWorker>;
export type SupervisorTeam = z.infer<typeof supervisorTeam>;
export type AgentState = z.infer<typeof agentState>;
/** A queue's figures since midnight UTC, as the feed sends them (`today` of each queue). */
export type SupervisorToday = SupervisorQueue["today"];
export type SupervisorReservation = z.infer<typeof supervisorReservation>;
export type SupervisorSnapshotFrame = z.infer<typeof supervisorSnapshotFrame>;
export type SupervisorDeltaFrame = z.infer<typeof supervisorDeltaFrame>;

/** frame-types.ts's lists name exactly these unions' kinds. */
true satisfies SameKinds<(typeof COMMAND_TYPES)[number], CommandFrame["type"]>;
true satisfies SameKinds<(typeof AGENT_FRAME_TYPES | typeof SUPERVISOR_FRAME_TYPES)[number], ServerFrame["type"]>;
