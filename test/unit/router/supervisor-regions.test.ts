/**
 * The pure parts of the supervisors' feed across regions: a queue's row summed from its regions'
 * shares (figures worked out by hand), and what the holder keeps of the other regions — frames applied
 * in order, a repeated one ignored, a gap or an unknown region asking for a full share, a full share
 * dropping the workers it no longer has, a region marked missing losing its share — on `node:sqlite`.
 */
import { describe, expect, it } from "vitest";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import { mergeQueueParts, type QueuePart, type RegionFrame } from "../../../durable-objects/router/realtime/supervisor-parts";
import { RemoteRegions } from "../../../durable-objects/router/realtime/supervisor-regions";
import type { SupervisorWorker } from "../../../contract/realtime-frames";
import { sqliteHost } from "../kit/sqlite-host";

const T0 = Date.UTC(2030, 0, 7, 12);
const QUEUE = "WQ" + "1".repeat(32);
const AVAILABLE = { sid: "WA" + "a".repeat(32), friendlyName: "Available" };
const OFFLINE = { sid: "WA" + "b".repeat(32), friendlyName: "Offline" };
const statuses = (pending: number, reserved: number) => ({ pending, reserved, assigned: 0, wrapping: 0, completed: 0, canceled: 0 });

/**
 * One region's share of the queue: its pending and reserved tasks (all at priority 0), the oldest of
 * them (waiting `waitedMs`, in the queue `queuedMs` before T0), its available and offline workers (all
 * eligible), and today's counts.
 */
function share(
  tasks: {
    readonly pending: number;
    readonly reserved: number;
    readonly oldest: string;
    readonly waitedMs: number;
    readonly queuedMs: number;
  },
  workers: { readonly available: number; readonly offline: number },
  today: QueuePart["today"],
): QueuePart {
  const total = tasks.pending + tasks.reserved;
  return {
    sid: QUEUE,
    friendly_name: "Support",
    realtime: {
      tasksByStatus: statuses(tasks.pending, tasks.reserved),
      tasksByPriority: { "0": total },
      totalTasks: total,
      longestWaiting: { sid: tasks.oldest, since: T0 - tasks.waitedMs },
      longestInQueue: { sid: tasks.oldest, since: T0 - tasks.queuedMs },
    },
    workers: {
      activities: [
        { ...AVAILABLE, workers: workers.available },
        { ...OFFLINE, workers: workers.offline },
      ],
      available: workers.available,
      eligible: workers.available + workers.offline,
    },
    today,
  };
}

const usEast = share(
  { pending: 1, reserved: 2, oldest: "WTa", waitedMs: 60_000, queuedMs: 50_000 },
  { available: 2, offline: 1 },
  { created: 4, accepted: 2, completed: 1, canceled: 0, within: 2, after: 0 },
);
const euIreland = share(
  { pending: 2, reserved: 0, oldest: "WTb", waitedMs: 90_000, queuedMs: 80_000 },
  { available: 0, offline: 1 },
  { created: 2, accepted: 2, completed: 0, canceled: 1, within: 0, after: 2 },
);

describe("a queue's row from its regions' shares", () => {
  it("adds the counts, takes the oldest waiting task of all, and works the service level out of the summed counts", () => {
    // Tasks: 1+2 pending, 2+0 reserved = 5; the oldest wait is eu-ireland's WTb, 90 s; workers 2+0
    // available, 3+1 eligible; today 4+2 created, 2+2 accepted, 2 of the 4 within 30 s → 0.5.
    expect(mergeQueueParts([usEast, euIreland], T0)).toEqual({
      sid: QUEUE,
      friendly_name: "Support",
      tasks_by_status: statuses(3, 2),
      total_tasks: 5,
      longest_task_waiting_age: 90,
      longest_task_waiting_sid: "WTb",
      total_available_workers: 2,
      total_eligible_workers: 4,
      activity_statistics: [
        { sid: AVAILABLE.sid, friendly_name: "Available", workers: 2 },
        { sid: OFFLINE.sid, friendly_name: "Offline", workers: 2 },
      ],
      today: {
        since: Date.UTC(2030, 0, 7),
        tasks_created: 6,
        tasks_accepted: 4,
        tasks_completed: 1,
        tasks_canceled: 1,
        service_level: 0.5,
        service_level_threshold: 30,
      },
      // 3 pending + 2 reserved wait; no thresholds set, so nothing is crossed.
      waiting: 5,
      thresholds: { sla_seconds: null, waiting: null, longest_wait_seconds: null, service_level_target: null },
      crossed: { waiting: false, longest_wait: false, service_level: false },
    });
  });

  it("crosses the tiles past the queue's thresholds, summed over the regions", () => {
    // 5 waiting > 4; the oldest waits 90 s > 60 s; 50 % < 80 %.
    const desk = { sla_threshold_seconds: null, waiting_threshold: 4, longest_wait_threshold_seconds: 60, service_level_target: 80 };
    expect(mergeQueueParts([usEast, euIreland], T0, desk)).toMatchObject({
      waiting: 5,
      thresholds: { sla_seconds: null, waiting: 4, longest_wait_seconds: 60, service_level_target: 80 },
      crossed: { waiting: true, longest_wait: true, service_level: true },
    });
    // The queue's SLA threshold is the service level's: the summed counts were read with it.
    expect(mergeQueueParts([usEast], T0, { ...desk, sla_threshold_seconds: 45 }).today.service_level_threshold).toBe(45);
  });

  it("is one region's own row when there is one share", () => {
    expect(mergeQueueParts([usEast], T0)).toMatchObject({ total_tasks: 3, longest_task_waiting_age: 60, today: { service_level: 1 } });
  });
});

const worker = (sid: string, name: string): SupervisorWorker => ({
  sid,
  friendly_name: name,
  activity_sid: AVAILABLE.sid,
  activity_name: "Available",
  available: true,
  date_status_changed: "2030-01-07T12:00:00Z",
  date_status_changed_ms: T0,
  attributes: "{}",
  task_queue_sids: [QUEUE],
  channels: [],
  reservations: [],
  region: "eu-ireland",
});
const EVE = "WK" + "e".repeat(32);
const UNA = "WK" + "f".repeat(32);
const frame = (seq: number, overrides: Partial<RegionFrame> = {}): RegionFrame => ({
  region: "eu-ireland",
  seq,
  full: false,
  queues: [euIreland],
  workers: [],
  removed_worker_sids: [],
  ...overrides,
});

function kept() {
  const host = sqliteHost();
  applyMigrations(host, ROUTER_MIGRATIONS);
  return new RemoteRegions(host);
}

describe("what the holder keeps of another region", () => {
  it("applies frames in order, ignores a repeated one, and asks for a full share at a gap or before any", () => {
    const remote = kept();
    expect(remote.apply(frame(1))).toEqual({ outcome: "gap" }); // nothing kept yet
    expect(remote.apply(frame(3, { full: true, workers: [worker(EVE, "Eve"), worker(UNA, "Una")] }))).toEqual({
      outcome: "applied",
      removed: [],
    });
    expect(remote.apply(frame(4, { removed_worker_sids: [UNA] }))).toEqual({ outcome: "applied", removed: [] });
    expect(remote.workers().map((w) => w.friendly_name)).toEqual(["Eve"]);
    expect(remote.apply(frame(4))).toEqual({ outcome: "stale" });
    expect(remote.apply(frame(6))).toEqual({ outcome: "gap" });
    expect(remote.state("eu-ireland")).toEqual({ seq: 4, missing: false, attempts: 0, retryAt: 0 });
    expect(remote.queueParts(QUEUE)).toEqual([euIreland]);
  });

  it("drops, with a full share, the workers it no longer has; and ignores a full share older than what is kept", () => {
    const remote = kept();
    remote.apply(frame(2, { full: true, workers: [worker(EVE, "Eve"), worker(UNA, "Una")] }));
    expect(remote.apply(frame(5, { full: true, workers: [worker(EVE, "Eve")] }))).toEqual({ outcome: "applied", removed: [UNA] });
    expect(remote.apply(frame(4, { full: true, workers: [] }))).toEqual({ outcome: "stale" });
    expect(remote.workers().map((w) => w.sid)).toEqual([EVE]);
  });

  it("forgets a missing region's share until a full one comes, and says which regions are missing", () => {
    const remote = kept();
    remote.apply(frame(1, { full: true, workers: [worker(EVE, "Eve")] }));
    expect(remote.markMissing("eu-ireland", 1, T0 + 2_000)).toEqual([EVE]);
    expect(remote.missing(["us-east", "eu-ireland"])).toEqual(["eu-ireland"]);
    expect(remote.workers()).toEqual([]);
    expect(remote.queueParts(QUEUE)).toEqual([]);
    expect(remote.apply(frame(2))).toEqual({ outcome: "gap" });
    expect(remote.apply(frame(1, { full: true, workers: [worker(EVE, "Eve")] }))).toEqual({ outcome: "applied", removed: [] });
    expect(remote.missing(["us-east", "eu-ireland"])).toEqual([]);
  });
});
