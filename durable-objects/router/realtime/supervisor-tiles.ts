/**
 * The supervisors' headline tiles, derived: each queue's waiting count, its desk thresholds (the queue
 * record's Switchboard settings) and whether each is crossed; each agent's state and the team's count by
 * state; the task channels the team uses. Pure, so the rules are read and tested alone; the feed
 * (supervisors.ts) gives them the figures and the rows.
 *
 * An agent's state, first that applies: **busy** — holds an accepted reservation (a task in hand);
 * **wrapping** — holds only wrapping ones; **available** — their activity is an available one;
 * **offline** — their activity is the workspace's offline one (presence's, `offlineActivity`) or is
 * named Offline; **away** — any other unavailable activity (Break, Lunch …). A pending reservation (a
 * ring) does not make anyone busy: they have not taken the task yet.
 */
import type { AgentState, SupervisorQueue, SupervisorTeam, SupervisorWorker } from "../../../contract/realtime-frames";
import type { TaskQueueRecord } from "../../../contract/taskrouter";

export type HeldStatus = "pending" | "accepted" | "wrapping";

/**
 * @example agentState({ available: true, offline: false }, ["wrapping"]) // "wrapping"
 */
export function agentState(activity: { readonly available: boolean; readonly offline: boolean }, held: readonly HeldStatus[]): AgentState {
  if (held.includes("accepted")) return "busy";
  if (held.includes("wrapping")) return "wrapping";
  if (activity.available) return "available";
  return activity.offline ? "offline" : "away";
}

/** What the team's tiles need of one agent: their state, and the task channels they use (SIDs). */
export interface TeamMember {
  readonly state: AgentState;
  readonly channels: readonly string[];
}

/** A task channel of the workspace, in its order. */
export interface ChannelRef {
  readonly sid: string;
  readonly unique_name: string;
}

/**
 * The team's count by state, and the channels at least one member uses, in the workspace's order.
 * @example teamTiles([{ state: "busy", channels: ["TC2"] }], [{ sid: "TC1", unique_name: "voice" }, { sid: "TC2", unique_name: "chat" }])
 * // { agents_by_state: { available: 0, busy: 1, wrapping: 0, away: 0, offline: 0 }, task_channels: [{ task_channel_sid: "TC2", task_channel_unique_name: "chat" }] }
 */
export function teamTiles(members: Iterable<TeamMember>, channels: readonly ChannelRef[]): SupervisorTeam {
  const agents = { available: 0, busy: 0, wrapping: 0, away: 0, offline: 0 } satisfies Record<AgentState, number>;
  const used = new Set<string>();
  for (const member of members) {
    agents[member.state]++;
    for (const sid of member.channels) used.add(sid);
  }
  return {
    agents_by_state: agents,
    task_channels: channels
      .filter((channel) => used.has(channel.sid))
      .map((channel) => ({ task_channel_sid: channel.sid, task_channel_unique_name: channel.unique_name })),
  };
}

/**
 * The channels a worker of the feed uses: switched on with room for a task, or holding one now.
 * @example channelsInUse(worker) // ["TC2"] for a worker with only chat on
 */
export function channelsInUse(channels: SupervisorWorker["channels"]): string[] {
  return channels
    .filter((c) => (c.available && c.configured_capacity > 0) || c.reserved_tasks + c.assigned_tasks > 0)
    .map((c) => c.task_channel_sid);
}

/**
 * A worker of the feed as a team member (another region's, as kept at the holder): the state it came
 * with, or — for one kept from before states were sent — worked out from its activity and reservations.
 */
export function memberOf(worker: SupervisorWorker): TeamMember {
  const state =
    worker.state ??
    agentState(
      { available: worker.available, offline: isOfflineName(worker.activity_name) },
      worker.reservations.map((r) => r.status),
    );
  return { state, channels: channelsInUse(worker.channels) };
}

/** An activity named Offline (any case) is the offline one, as presence's `offlineActivity` reads names. */
export const isOfflineName = (name: string | null | undefined): boolean => name?.toLowerCase() === "offline";

type QueueFigures = Pick<SupervisorQueue, "tasks_by_status" | "longest_task_waiting_age" | "today">;
type QueueTiles = Required<Pick<SupervisorQueue, "waiting" | "thresholds" | "crossed">>;

/**
 * A queue's tiles from its figures (summed over the regions) and its record's settings: waiting is the
 * tasks not yet accepted (pending and reserved); a tile is crossed when its threshold is set and the
 * figure is past it — more waiting than the threshold, a longer wait, a service level below the target
 * (none before today's first accepted task).
 * @example queueTiles(figures, { waiting_threshold: 5, … }).crossed.waiting // true with 6 waiting
 */
export function queueTiles(figures: QueueFigures, queue: Partial<DeskThresholds> | undefined): QueueTiles {
  const waiting = (figures.tasks_by_status.pending ?? 0) + (figures.tasks_by_status.reserved ?? 0);
  const thresholds = {
    sla_seconds: queue?.sla_threshold_seconds ?? null,
    waiting: queue?.waiting_threshold ?? null,
    longest_wait_seconds: queue?.longest_wait_threshold_seconds ?? null,
    service_level_target: queue?.service_level_target ?? null,
  };
  const level = figures.today.service_level;
  return {
    waiting,
    thresholds,
    crossed: {
      waiting: thresholds.waiting !== null && waiting > thresholds.waiting,
      longest_wait: thresholds.longest_wait_seconds !== null && figures.longest_task_waiting_age > thresholds.longest_wait_seconds,
      service_level: thresholds.service_level_target !== null && level !== null && level * 100 < thresholds.service_level_target,
    },
  };
}

/** The queue record's settings the tiles read (undefined in a snapshot from before they existed). */
export type DeskThresholds = Pick<
  TaskQueueRecord,
  "sla_threshold_seconds" | "waiting_threshold" | "longest_wait_threshold_seconds" | "service_level_target"
>;
