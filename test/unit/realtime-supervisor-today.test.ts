/**
 * Today's queue figures of the supervisors' feed (supervisor-today.ts) over real statistics buckets
 * (node:sqlite): the counts and service level a supervisor reads in Queue Stats, that they equal one
 * read of the whole day (what `GET /api/workspaces/:ws/queue-statistics` does), that a flush reads only
 * the minutes not yet kept, and that a new UTC day starts from zero.
 */
import { describe, expect, it } from "vitest";
import { invalid, ok } from "../../durable-objects/common/rpc";
import {
  midnightUtc,
  SERVICE_LEVEL_SECONDS,
  TodayTally,
  type CumulativeReader,
} from "../../durable-objects/router/realtime/supervisor-today";
import type { StatisticsWindow, TaskRouterStatistics } from "../../durable-objects/router/statistics";
import { accept, at, enqueue, queue, statistics, T0, task, worker } from "./statistics/helpers";

const Q1 = queue(1);
const Q2 = queue(2);
const MIDNIGHT = Date.UTC(2026, 2, 2);

/** A reader over the statistics, recording the windows it was asked for. */
function reader(stats: TaskRouterStatistics) {
  const windows: StatisticsWindow[] = [];
  const read: CumulativeReader = (queueSid, window, splitByWaitTime) => {
    windows.push(window);
    return ok(stats.cumulative({ kind: "queue", sid: queueSid }, window, { splitByWaitTime }));
  };
  return { read, windows };
}

/** What one read of [midnight, now] says, as the REST endpoint computes it. */
function wholeDay(stats: TaskRouterStatistics, queueSid: string, now: number) {
  const f = stats.cumulative({ kind: "queue", sid: queueSid }, { startMs: midnightUtc(now), endMs: now }, { splitByWaitTime: [30] });
  const { acceptedBelow, acceptedAbove } = f.splits[0]!;
  return {
    tasks_created: f.counts.tasks_entered,
    tasks_accepted: f.counts.reservations_accepted,
    tasks_completed: f.counts.tasks_completed,
    tasks_canceled: f.counts.tasks_canceled,
    service_level: acceptedBelow + acceptedAbove === 0 ? null : acceptedBelow / (acceptedBelow + acceptedAbove),
  };
}

describe("today's figures of a queue", () => {
  it("two tasks created, one accepted within 30 s: 2 created, 1 accepted, service level 1", () => {
    const stats = statistics();
    const { read } = reader(stats);
    const today = new TodayTally();
    enqueue(stats, task(1), { queueSid: Q1, createdAt: at(0) });
    enqueue(stats, task(2), { queueSid: Q1, createdAt: at(0, 5) });
    expect(today.of(Q1, at(0, 10), read)).toEqual({
      since: MIDNIGHT,
      tasks_created: 2,
      tasks_accepted: 0,
      tasks_completed: 0,
      tasks_canceled: 0,
      service_level: null, // nothing answered yet
      service_level_threshold: SERVICE_LEVEL_SECONDS,
    });
    accept(stats, task(1), worker(1), at(0, 12));
    expect(today.of(Q1, at(0, 13), read)).toMatchObject({ tasks_created: 2, tasks_accepted: 1, service_level: 1 });
    expect(today.of(Q2, at(0, 13), read)).toMatchObject({ tasks_created: 0, tasks_accepted: 0, service_level: null });
  });

  it.each([
    // [seconds from creation to acceptance of three tasks, service level]
    [[10, 20, 30], 1], // exactly the threshold counts as within, as SplitByWaitTime
    [[10, 20, 31], 2 / 3],
    [[31, 45, 90], 0],
  ])("answers after %j seconds: service level %d", (waits, level) => {
    const stats = statistics();
    const { read } = reader(stats);
    waits.forEach((wait, i) => {
      enqueue(stats, task(i + 1), { queueSid: Q1, createdAt: at(0) });
      accept(stats, task(i + 1), worker(i + 1), at(0, wait));
    });
    expect(new TodayTally().of(Q1, at(2), read)).toMatchObject({ tasks_accepted: 3, service_level: level });
  });

  it("counts within the queue's own SLA threshold, and starts the day's tally over when it changes", () => {
    const stats = statistics();
    const { read } = reader(stats);
    const today = new TodayTally();
    // Answered after 20 s and 40 s: within 30 s one of two (0.5); within 45 s both (1); within 15 s none (0).
    enqueue(stats, task(1), { queueSid: Q1, createdAt: at(0) });
    enqueue(stats, task(2), { queueSid: Q1, createdAt: at(0) });
    accept(stats, task(1), worker(1), at(0, 20));
    accept(stats, task(2), worker(2), at(0, 40));
    expect(today.of(Q1, at(3), read)).toMatchObject({ service_level: 0.5, service_level_threshold: 30 });
    expect(today.of(Q1, at(4), read, 45)).toMatchObject({ service_level: 1, service_level_threshold: 45 });
    expect(today.of(Q1, at(5), read, 15)).toMatchObject({ service_level: 0, service_level_threshold: 15 });
  });

  it("counts completed and canceled tasks", () => {
    const stats = statistics();
    const { read } = reader(stats);
    enqueue(stats, task(1), { queueSid: Q1, createdAt: at(0) });
    enqueue(stats, task(2), { queueSid: Q1, createdAt: at(0) });
    accept(stats, task(1), worker(1), at(0, 5));
    stats.record({ type: "task.status-changed", at: at(3), taskSid: task(1), status: "completed" });
    stats.record({ type: "task.status-changed", at: at(4), taskSid: task(2), status: "canceled" });
    expect(new TodayTally().of(Q1, at(5), read)).toMatchObject({
      tasks_created: 2,
      tasks_accepted: 1,
      tasks_completed: 1,
      tasks_canceled: 1,
      service_level: 1,
    });
  });

  it("equals one read of the whole day at every flush, reading only the minutes it has not kept", () => {
    const stats = statistics();
    const { read, windows } = reader(stats);
    const today = new TodayTally();
    // Activity since 00:00: a task every 7 minutes, each accepted after 12 s or 50 s in turn.
    for (let n = 0; n < 60; n += 1) {
      const created = MIDNIGHT + n * 7 * 60_000;
      enqueue(stats, task(n + 1), { queueSid: Q1, createdAt: created });
      if (n % 3 !== 2) accept(stats, task(n + 1), worker(1), created + (n % 2 === 0 ? 12_000 : 50_000));
    }
    const flushes = [at(0, 1), at(0, 2), at(0, 59), at(1, 0), at(1, 30), at(7, 15)];
    for (const now of flushes) expect(today.of(Q1, now, read)).toMatchObject(wholeDay(stats, Q1, now));
    // The first flush reads the day's minutes once, then the current minute; later ones the current
    // minute, and the minutes that ended since the previous flush.
    expect(windows).toEqual([
      { startMs: MIDNIGHT, endMs: at(0) }, // 10:00:01: the day so far, then 10:00
      { startMs: at(0), endMs: at(1) },
      { startMs: at(0), endMs: at(1) }, // 10:00:02
      { startMs: at(0), endMs: at(1) }, // 10:00:59
      { startMs: at(0), endMs: at(1) }, // 10:01:00: 10:00 is over and kept, then 10:01
      { startMs: at(1), endMs: at(2) },
      { startMs: at(1), endMs: at(2) }, // 10:01:30
      { startMs: at(1), endMs: at(7) }, // 10:07:15: 10:01–10:06 once, then 10:07
      { startMs: at(7), endMs: at(8) },
    ]);
  });

  it("a task accepted in the current minute after a flush shows at the next flush", () => {
    const stats = statistics();
    const { read } = reader(stats);
    const today = new TodayTally();
    enqueue(stats, task(1), { queueSid: Q1, createdAt: at(0, 1) });
    expect(today.of(Q1, at(0, 2), read)).toMatchObject({ tasks_created: 1, tasks_accepted: 0 });
    accept(stats, task(1), worker(1), at(0, 40)); // 39 s: after the threshold
    expect(today.of(Q1, at(0, 41), read)).toMatchObject({ tasks_created: 1, tasks_accepted: 1, service_level: 0 });
  });

  it("starts again at midnight UTC: yesterday's tasks do not count", () => {
    const stats = statistics();
    const { read } = reader(stats);
    const today = new TodayTally();
    const beforeMidnight = MIDNIGHT + 24 * 3600_000 - 10_000;
    enqueue(stats, task(1), { queueSid: Q1, createdAt: beforeMidnight });
    accept(stats, task(1), worker(1), beforeMidnight + 5_000);
    expect(today.of(Q1, beforeMidnight + 6_000, read)).toMatchObject({ since: MIDNIGHT, tasks_created: 1, tasks_accepted: 1 });
    const nextDay = MIDNIGHT + 24 * 3600_000;
    enqueue(stats, task(2), { queueSid: Q1, createdAt: nextDay + 1_000 });
    expect(today.of(Q1, nextDay + 2_000, read)).toMatchObject({ since: nextDay, tasks_created: 1, tasks_accepted: 0, service_level: null });
  });

  it("answers null when the queue cannot be read, and forgets queues no longer in the workspace", () => {
    const stats = statistics();
    const { read, windows } = reader(stats);
    const today = new TodayTally();
    expect(today.of(Q1, T0, () => invalid("TaskQueue", "gone"))).toBeNull();
    today.of(Q1, at(5, 1), read);
    today.retain([Q2]);
    windows.length = 0;
    today.of(Q1, at(5, 2), read);
    expect(windows[0]).toEqual({ startMs: MIDNIGHT, endMs: at(5) }); // read from midnight again
  });
});
