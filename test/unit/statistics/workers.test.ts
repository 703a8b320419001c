import { describe, expect, it } from "vitest";
import { workersCumulativeBody, type WorkerSelection } from "../../../durable-objects/router/statistics";
import { activity, at, enqueue, queue, statistics, task, worker } from "./helpers";

const [AVAILABLE, BUSY, OFFLINE] = [activity(1), activity(2), activity(3)];
const ACTIVITIES = [
  { sid: AVAILABLE, friendlyName: "Available" },
  { sid: BUSY, friendlyName: "Busy" },
  { sid: OFFLINE, friendlyName: "Offline" },
];
const [Q1, Q2] = [queue(1), queue(2)];

/**
 * WK1 (member of Q1): Available 10:00–10:05 (300 s), then Busy 10:05–10:07 (120 s).
 * WK2 (member of Q1 and Q2): Available 10:01–10:04 (180 s).
 * A stint counts in the minute it ends, for everyone, the worker's queues and the worker.
 */
function shifts() {
  const stats = statistics();
  stats.record({ type: "worker.activity-ended", at: at(5), workerSid: worker(1), activitySid: AVAILABLE, since: at(0), queueSids: [Q1] });
  stats.record({ type: "worker.activity-ended", at: at(7), workerSid: worker(1), activitySid: BUSY, since: at(5), queueSids: [Q1] });
  stats.record({
    type: "worker.activity-ended",
    at: at(4),
    workerSid: worker(2),
    activitySid: AVAILABLE,
    since: at(1),
    queueSids: [Q1, Q2],
  });
  // A reservation on a Q2 task for WK2.
  enqueue(stats, task(1), { queueSid: Q2, createdAt: at(0) });
  stats.record({ type: "reservation", outcome: "created", at: at(1), taskSid: task(1), workerSid: worker(2) });
  return stats;
}

const WINDOW = { startMs: at(0), endMs: at(10) };
const zeros = { avg: 0, min: 0, max: 0, total: 0 };

describe("workers' cumulative statistics", () => {
  it.each<[string, WorkerSelection, { startMs: number; endMs: number }, object[], number]>([
    [
      "everyone: Available 300 and 180 s → avg 240",
      { kind: "all" },
      WINDOW,
      [{ avg: 240, min: 180, max: 300, total: 480 }, { avg: 120, min: 120, max: 120, total: 120 }, zeros],
      1,
    ],
    ["Q2's members: WK2 only", { kind: "queue", sid: Q2 }, WINDOW, [{ avg: 180, min: 180, max: 180, total: 180 }, zeros, zeros], 1],
    [
      "Q1's members: both",
      { kind: "queue", sid: Q1 },
      WINDOW,
      [{ avg: 240, min: 180, max: 300, total: 480 }, { avg: 120, min: 120, max: 120, total: 120 }, zeros],
      0,
    ],
    [
      "WK1 alone",
      { kind: "workers", sids: [worker(1)] },
      WINDOW,
      [{ avg: 300, min: 300, max: 300, total: 300 }, { avg: 120, min: 120, max: 120, total: 120 }, zeros],
      0,
    ],
    ["WK2 alone", { kind: "workers", sids: [worker(2)] }, WINDOW, [{ avg: 180, min: 180, max: 180, total: 180 }, zeros, zeros], 1],
    [
      "until 10:06: WK1's Busy stint ends at 10:07, outside",
      { kind: "all" },
      { startMs: at(0), endMs: at(6) },
      [{ avg: 240, min: 180, max: 300, total: 480 }, zeros, zeros],
      1,
    ],
  ])("%s", (_name, selection, window, durations, reservationsCreated) => {
    const body = workersCumulativeBody(shifts().workersCumulative(selection, window), ACTIVITIES);
    expect(body.activity_durations).toEqual(ACTIVITIES.map((a, i) => ({ sid: a.sid, friendly_name: a.friendlyName, ...durations[i] })));
    expect(body.reservations_created).toBe(reservationsCreated);
  });

  it("filters reservations by channel, not Activity time", () => {
    const figures = shifts().workersCumulative({ kind: "all" }, WINDOW, "chat");
    expect(figures.reservations.reservations_created).toBe(0);
    expect(figures.activities[AVAILABLE]?.count).toBe(2);
  });
});
