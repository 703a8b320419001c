/**
 * Presence: when an agent's live connections are all gone for longer than the grace period, the agent
 * is taken offline — moved to the workspace's offline Activity, their pending reservations rejected so
 * the tasks go to someone else. Reconnecting within the grace period changes nothing.
 *
 * A connection is gone when it closed, or when it has been silent (no heartbeat `ping`, no frame) for
 * the grace period: a laptop that sleeps never sends a close. A worker is gone since their last
 * connection went away; when the object restarted without hearing the close (a deploy), since the
 * first check that finds no connection. The rules are pure: the Router DO gives the tracked workers
 * with the last sign of life of their open connections, and acts on the decision.
 */
import type { Router } from "../lifecycle/router";
import { ok, type ApiResult, type WorkspaceConfigSnapshot } from "../../common/rpc";
import type { ActivityRecord } from "../../../contract/taskrouter";
import type { OfflineReason } from "../store/presence-store";

export interface TrackedWorker {
  readonly workerSid: string;
  readonly accountSid: string;
  /** Since when the worker has had no open connection (null: they had one at the last look). */
  readonly goneSince: number | null;
  /** The latest sign of life among their open connections, or null when they have none open. */
  readonly lastSeen: number | null;
}

export interface PresenceDecision {
  /** Gone longer than the grace period: take them offline (and stop tracking them). */
  readonly offline: readonly TrackedWorker[];
  /** Noticed gone now (no open connection, none recorded): record `goneSince`. */
  readonly gone: readonly { readonly workerSid: string; readonly at: number }[];
  /** Recorded gone, but connected again. */
  readonly back: readonly string[];
  /** When to look again (the earliest deadline still ahead), or null when nobody is tracked. */
  readonly nextCheckAt: number | null;
}

/**
 * Decides who is offline at `now`. A worker's deadline is the grace period after their last sign of
 * life (an open connection's latest message or ping) or, with none open, after they went away.
 * @example decidePresence([{ workerSid: "WK1", accountSid: "AC1", goneSince: 0, lastSeen: null }], 60_000, 60_000)
 * // { offline: [WK1], gone: [], back: [], nextCheckAt: null }  (gone at 0, deadline 60 000 ≤ now)
 */
export function decidePresence(workers: readonly TrackedWorker[], now: number, graceMs: number): PresenceDecision {
  const offline: TrackedWorker[] = [];
  const gone: { workerSid: string; at: number }[] = [];
  const back: string[] = [];
  let nextCheckAt: number | null = null;
  for (const worker of workers) {
    let since: number;
    if (worker.lastSeen !== null) {
      if (worker.goneSince !== null) back.push(worker.workerSid);
      since = worker.lastSeen;
    } else {
      if (worker.goneSince === null) gone.push({ workerSid: worker.workerSid, at: now });
      since = worker.goneSince ?? now;
    }
    const deadline = since + graceMs;
    if (deadline <= now) offline.push(worker);
    else nextCheckAt = nextCheckAt === null ? deadline : Math.min(nextCheckAt, deadline);
  }
  return { offline, gone, back, nextCheckAt };
}

/**
 * Why a worker the decision takes offline goes, and since when: their last sign of life, or when they
 * were noticed gone (what the grace period ran from).
 * @example offlineCause({ workerSid: "WK1", accountSid: "AC1", goneSince: 5_000, lastSeen: null }) // { reason: "disconnected", since: 5_000 }
 */
export function offlineCause(worker: TrackedWorker): { reason: OfflineReason; since: number | null } {
  return worker.lastSeen !== null ? { reason: "silent", since: worker.lastSeen } : { reason: "disconnected", since: worker.goneSince };
}

/**
 * The Activity a worker who left is moved to: the workspace's default Activity when it is named
 * "Offline" (any case) and unavailable, else its timeout Activity when unavailable, else any
 * unavailable Activity named "Offline"; null when the workspace has none of these.
 */
export function offlineActivity(snapshot: WorkspaceConfigSnapshot): ActivityRecord | null {
  const bySid = (sid: string | null) => snapshot.activities.find((activity) => activity.sid === sid);
  const isOffline = (activity: ActivityRecord | undefined) => activity?.friendly_name.toLowerCase() === "offline";
  const defaultActivity = bySid(snapshot.workspace.default_activity_sid);
  if (defaultActivity && !defaultActivity.available && isOffline(defaultActivity)) return defaultActivity;
  const timeoutActivity = bySid(snapshot.workspace.timeout_activity_sid);
  if (timeoutActivity && !timeoutActivity.available) return timeoutActivity;
  return snapshot.activities.find((activity) => !activity.available && isOffline(activity)) ?? null;
}

/**
 * Takes a worker offline through the Router's own worker update (so the change is recorded, counted
 * and pushed like any other): moves them to `activitySid` and rejects their pending reservations.
 * Does nothing when they are already there with nothing pending, or no longer exist.
 */
export function takeOffline(
  router: Pick<Router, "getWorker" | "listReservations" | "updateWorker">,
  worker: Pick<TrackedWorker, "accountSid" | "workerSid">,
  activitySid: string,
  now: number,
): ApiResult<"moved" | "unchanged"> {
  const current = router.getWorker(worker.accountSid, worker.workerSid, now);
  if (!current.ok) return current.status === 404 ? ok("unchanged") : current;
  const pending = router.listReservations(
    worker.accountSid,
    { workerSid: worker.workerSid },
    { pageSize: 1, page: 0, reservationStatus: "pending" },
    now,
  );
  if (!pending.ok) return pending;
  if (current.value.worker.activity_sid === activitySid && pending.value.items.length === 0) return ok("unchanged");
  const updated = router.updateWorker(worker.accountSid, worker.workerSid, { activitySid, rejectPendingReservations: true }, now);
  return updated.ok ? ok("moved") : updated;
}
