/**
 * One worker as the matcher holds it: the input it was given plus a live `WorkerView` that expressions
 * read (kept up to date in place, so evaluating an expression allocates nothing), and the rule for
 * whether the worker can take one more task on a channel right now.
 */
import type { WorkerChannelView, WorkerView } from "../expression";
import type { WorkerChannelInput, WorkerInput } from "./types";

export interface ChannelState {
  capacity: number;
  assigned: number;
  enabled: boolean;
  lastAssignedAt: number;
  readonly view: { -readonly [K in keyof WorkerChannelView]: WorkerChannelView[K] };
}

export interface WorkerState {
  readonly sid: string;
  input: WorkerInput;
  idleSince: number;
  readonly channels: Map<string, ChannelState>;
  /** Queues whose `target_workers` this worker satisfies. */
  readonly queues: Set<string>;
  readonly view: WorkerView & { channels: Record<string, WorkerChannelView> };
}

/** Twilio's `available_capacity_percentage`: the free share of configured capacity, rounded down. */
export function availableCapacityPercentage(capacity: number, assigned: number): number {
  if (capacity <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor(((capacity - assigned) / capacity) * 100)));
}

export function channelState(input: WorkerChannelInput): ChannelState {
  const state: ChannelState = {
    capacity: input.capacity,
    assigned: input.assigned,
    enabled: input.enabled,
    lastAssignedAt: input.lastAssignedAt ?? 0,
    view: { assignedTasks: 0, configuredCapacity: 0, availableCapacityPercentage: 0, available: false },
  };
  syncChannelView(state);
  return state;
}

export function syncChannelView(state: ChannelState): void {
  state.view.assignedTasks = state.assigned;
  state.view.configuredCapacity = state.capacity;
  state.view.availableCapacityPercentage = availableCapacityPercentage(state.capacity, state.assigned);
  state.view.available = state.enabled && state.assigned < state.capacity;
}

export function workerState(input: WorkerInput): WorkerState {
  const channels = new Map<string, ChannelState>();
  const channelViews: Record<string, WorkerChannelView> = Object.create(null) as Record<string, WorkerChannelView>;
  for (const [name, channel] of Object.entries(input.channels)) {
    const state = channelState(channel);
    channels.set(name, state);
    channelViews[name] = state.view;
  }
  return {
    sid: input.sid,
    input,
    idleSince: input.idleSince,
    channels,
    queues: new Set(),
    view: {
      sid: input.sid,
      friendlyName: input.friendlyName,
      activitySid: input.activitySid,
      activityName: input.activityName,
      attributes: input.attributes,
      channels: channelViews,
    },
  };
}

/** Tasks the worker holds across every channel. */
export function totalAssigned(worker: WorkerState): number {
  let total = 0;
  for (const channel of worker.channels.values()) total += channel.assigned;
  return total;
}

/**
 * Whether the worker can be offered one more task on `channel` now: an available Activity, the channel
 * switched on, and capacity left — or, without multitasking, no task at all in hand.
 */
export function isReady(worker: WorkerState, channel: string, multitasking: boolean): boolean {
  if (!worker.input.activityAvailable) return false;
  const state = worker.channels.get(channel);
  if (!state || !state.enabled) return false;
  return multitasking ? state.assigned < state.capacity : totalAssigned(worker) === 0;
}
