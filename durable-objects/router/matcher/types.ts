/**
 * What the matcher is told about workers, queues and tasks, and what it decides. These are the
 * routing core's own shapes, not the API's: the Router Durable Object maps rows to them when it loads
 * and after every change, and turns each `ReservationDecision` into a stored reservation.
 */
import type { CalendarDefinition } from "../../common/calendars";
import type { Attributes, CompiledExpression } from "../expression";
import type { OrderBy } from "../workflow/order-by";

export interface WorkerChannelInput {
  /** Tasks this worker may hold at once on the channel (Twilio's `configured_capacity`). */
  readonly capacity: number;
  /** Tasks reserved, assigned or wrapping on the channel right now. */
  readonly assigned: number;
  /** The WorkerChannel's `available` switch. */
  readonly enabled: boolean;
  /** Epoch ms of the last reservation on this channel (0 = never); used by channel-optimized routing. */
  readonly lastAssignedAt?: number;
}

export interface WorkerInput {
  readonly sid: string;
  readonly friendlyName: string;
  readonly activitySid: string;
  readonly activityName: string;
  /** Whether the worker's Activity is an available one. */
  readonly activityAvailable: boolean;
  readonly attributes: Attributes;
  /** Keyed by task channel unique name. */
  readonly channels: Readonly<Record<string, WorkerChannelInput>>;
  /** Epoch ms since which the worker has been idle (last reservation, or becoming available); smaller = idle longer. */
  readonly idleSince: number;
}

export interface QueueInput {
  readonly sid: string;
  readonly targetWorkers: CompiledExpression;
  /** Queue-level ordering of workers, used when the task's target has no `order_by`. */
  readonly orderBy: OrderBy;
  readonly maxReservedWorkers: number;
  readonly taskOrder: "FIFO" | "LIFO";
}

export interface KnownWorker {
  readonly by: "sid" | "friendly_name";
  /** The SID or friendly name read from the task; null (attribute missing or empty) means nobody. */
  readonly value: string | null;
}

/** A task waiting in one queue, at one step of its workflow. */
export interface TaskInput {
  readonly sid: string;
  readonly attributes: Attributes;
  readonly priority: number;
  /** Task channel unique name. */
  readonly channel: string;
  /** Epoch ms that orders tasks of equal priority (Twilio's `virtual_start_time`). */
  readonly order: number;
  readonly queueSid: string;
  /** The workflow target's expression (kind "target"), if any. */
  readonly expression?: CompiledExpression;
  /** The workflow target's `order_by`; overrides the queue's. */
  readonly orderBy?: OrderBy;
  readonly knownWorker?: KnownWorker;
  /** Workers holding an open (pending) reservation for this task. */
  readonly reservedWorkers?: readonly string[];
  /** Workers who rejected or let a reservation for this task time out: never offered it again. */
  readonly excludedWorkers?: readonly string[];
}

export interface MatcherOptions {
  /** Workspace `multi_task_enabled`; when false a worker holds one task at a time, whatever the channel. */
  readonly multitasking?: boolean;
  /** Workspace `prioritize_queue_order`: which of two equal-priority tasks in different queues goes first. */
  readonly prioritizeQueueOrder?: "FIFO" | "LIFO";
  /** Channels with `channel_optimized_routing`: idle time is measured on the channel, not the worker. */
  readonly channelOptimized?: (channel: string) => boolean;
  /** For time-of-day variables in target expressions. */
  readonly timeZone?: string;
  /** The workspace's business calendars by unique name, for `taskrouter.calendars.<name>.open`. */
  readonly calendars?: ReadonlyMap<string, CalendarDefinition>;
}

export interface ReservationDecision {
  readonly taskSid: string;
  readonly workerSid: string;
  readonly channel: string;
}

/** How a reservation ended, as far as routing cares. */
export type ReservationEnd = "rejected" | "timeout" | "canceled" | "rescinded";
