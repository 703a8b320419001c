/**
 * The real-time board re-files a task in place when only its status or priority changed (the counters
 * move, its entries in the waiting orders stay): after any run of changes, every scope's figures must
 * be those of a board filed afresh from the same tasks — whichever way each change was applied.
 */
import { describe, expect, it } from "vitest";
import { RealtimeBoard, TASK_STATUSES, type TaskScope } from "../../../durable-objects/router/statistics/realtime";
import type { LiveTask, WorkMeter } from "../../../durable-objects/router/statistics";
import { seededRandom as random } from "../../support/seeded-random";

const QUEUES = ["WQ1", "WQ2"];
const WORKFLOWS = ["WW1", "WW2"];
const CHANNELS = ["", "voice", "chat"];

const meter = (): WorkMeter => ({ rowsRead: 0, entriesVisited: 0 });

function everyFigure(board: RealtimeBoard) {
  const scopes: TaskScope[] = [
    { kind: "workspace" },
    ...QUEUES.map((sid) => ({ kind: "queue" as const, sid })),
    ...WORKFLOWS.map((sid) => ({ kind: "workflow" as const, sid })),
  ];
  return scopes.flatMap((scope) => [undefined, ...CHANNELS].map((channel) => board.figures(scope, channel, meter())));
}

function refiled(tasks: Iterable<LiveTask>): RealtimeBoard {
  const board = new RealtimeBoard();
  for (const task of tasks) board.upsert(task);
  return board;
}

describe("RealtimeBoard re-filing", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("matches a board filed afresh after random changes (seed %i)", (seed) => {
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const board = new RealtimeBoard();
    const tasks = new Map<string, LiveTask>();
    for (let step = 0; step < 400; step++) {
      const sid = `WT${Math.floor(next() * 30)}`;
      const before = tasks.get(sid);
      const roll = next();
      let after: LiveTask | null;
      if (before === undefined) {
        after = {
          sid,
          workflowSid: pick(WORKFLOWS),
          queueSid: null,
          channel: pick(CHANNELS),
          priority: 0,
          status: "pending",
          createdAt: step,
          queueEnteredAt: null,
        };
      } else if (roll < 0.45)
        after = { ...before, status: pick(TASK_STATUSES) }; // the in-place path when waiting stays waiting
      else if (roll < 0.65) after = { ...before, priority: pick([0, 1, 5]) };
      else if (roll < 0.8) {
        const queueSid = pick([null, ...QUEUES]);
        after = { ...before, queueSid, queueEnteredAt: queueSid === null ? null : step };
      } else if (roll < 0.9) after = { ...before, channel: pick(CHANNELS) };
      else after = null;
      if (after === null) {
        board.remove(sid);
        tasks.delete(sid);
      } else {
        board.upsert(after);
        tasks.set(sid, after);
      }
      expect(everyFigure(board), `seed ${seed}, step ${step}`).toEqual(everyFigure(refiled(tasks.values())));
    }
    expect(board.size).toBe(tasks.size);
  });

  it("a reserved task still counts as the longest waiting, from its creation", () => {
    const board = new RealtimeBoard();
    const pending: LiveTask = {
      sid: "WT1",
      workflowSid: "WW1",
      queueSid: "WQ1",
      channel: "voice",
      priority: 0,
      status: "pending",
      createdAt: 10,
      queueEnteredAt: 20,
    };
    board.upsert(pending);
    board.upsert({ ...pending, status: "reserved", priority: 3 });
    const figures = board.figures({ kind: "queue", sid: "WQ1" }, "voice", meter());
    expect(figures.tasksByStatus.pending).toBe(0);
    expect(figures.tasksByStatus.reserved).toBe(1);
    expect(figures.tasksByPriority).toEqual({ "3": 1 });
    expect(figures.longestWaiting).toEqual({ sid: "WT1", since: 10 });
    expect(figures.longestInQueue).toEqual({ sid: "WT1", since: 20 });
    board.upsert({ ...pending, status: "assigned", priority: 3 });
    expect(board.figures({ kind: "queue", sid: "WQ1" }, "voice", meter()).longestWaiting).toBeNull();
  });
});
