import { describe, expect, it } from "vitest";
import * as format from "../../../durable-objects/router/statistics";
import { workerFigures, type CumulativeFigures, type WorkersCumulativeFigures } from "../../../durable-objects/router/statistics";
import { accept, activity, at, enqueue, queue, statistics, task, worker, workflow } from "./helpers";

const IDS = { accountSid: `AC${"a".repeat(32)}`, workspaceSid: `WS${"b".repeat(32)}` };
const ACTIVITIES = [
  { sid: activity(1), friendlyName: "Available" },
  { sid: activity(2), friendlyName: "Offline" },
];
const Q1 = queue(1);
const NOW = at(10);
const WINDOW = { startMs: at(-5), endMs: NOW };

/** Two tasks in Q1: one accepted after 10 s at 10:00:10, one still pending since 10:01 (priority 5). */
function queueStats() {
  const stats = statistics();
  enqueue(stats, task(1), { queueSid: Q1, createdAt: at(0) });
  accept(stats, task(1), worker(1), at(0, 10));
  enqueue(stats, task(2), { queueSid: Q1, priority: 5, createdAt: at(1), enteredAt: at(2) });
  return stats;
}

describe("Twilio JSON", () => {
  it("TaskQueue CumulativeStatistics", () => {
    const figures = queueStats().cumulative({ kind: "queue", sid: Q1 }, WINDOW, { splitByWaitTime: [5] });
    expect(format.taskQueueCumulativeStatistics(IDS, Q1, figures)).toEqual({
      account_sid: IDS.accountSid,
      workspace_sid: IDS.workspaceSid,
      task_queue_sid: Q1,
      start_time: "2026-03-02T09:55:00Z",
      end_time: "2026-03-02T10:10:00Z",
      avg_task_acceptance_time: 10,
      tasks_entered: 2,
      tasks_canceled: 0,
      tasks_completed: 0,
      tasks_deleted: 0,
      tasks_moved: 0,
      reservations_created: 1,
      reservations_accepted: 1,
      reservations_rejected: 0,
      reservations_timed_out: 0,
      reservations_canceled: 0,
      reservations_rescinded: 0,
      wait_duration_until_accepted: { avg: 10, min: 10, max: 10, total: 10 },
      wait_duration_until_canceled: { avg: 0, min: 0, max: 0, total: 0 },
      wait_duration_in_queue_until_accepted: { avg: 10, min: 10, max: 10, total: 10 },
      split_by_wait_time: {
        "5": { above: { tasks_canceled: 0, reservations_accepted: 1 }, below: { tasks_canceled: 0, reservations_accepted: 0 } },
      },
    });
  });

  it("TaskQueue RealTimeStatistics, with the matcher's counters", () => {
    // The matcher's skip_if counters: 3 members, 2 of them available, both in Activity 1, one Offline.
    const counters = (name: string) => ({ available: 2, unavailable: 1, [activity(1)]: 2, [activity(2)]: 1 })[name];
    const workers = workerFigures(counters, ACTIVITIES);
    expect(format.taskQueueRealTimeStatistics(IDS, Q1, queueStats().realtime({ kind: "queue", sid: Q1 }), workers, NOW)).toEqual({
      account_sid: IDS.accountSid,
      workspace_sid: IDS.workspaceSid,
      task_queue_sid: Q1,
      activity_statistics: [
        { sid: activity(1), friendly_name: "Available", workers: 2 },
        { sid: activity(2), friendly_name: "Offline", workers: 1 },
      ],
      // Task 2 was created at 10:01 and entered the queue at 10:02; it is 10:10.
      longest_task_waiting_age: 540,
      longest_task_waiting_sid: task(2),
      longest_relative_task_age_in_queue: 480,
      longest_relative_task_sid_in_queue: task(2),
      tasks_by_priority: { "0": 1, "5": 1 },
      tasks_by_status: { pending: 1, reserved: 0, assigned: 1, wrapping: 0, completed: 0, canceled: 0 },
      total_available_workers: 2,
      total_eligible_workers: 3,
      total_tasks: 2,
    });
  });

  it("Workspace RealTimeStatistics with nothing waiting", () => {
    const workers = { activities: ACTIVITIES.map((a, i) => ({ ...a, workers: i + 1 })) };
    expect(format.workspaceRealTimeStatistics(IDS, statistics().realtime({ kind: "workspace" }), workers, NOW)).toEqual({
      account_sid: IDS.accountSid,
      workspace_sid: IDS.workspaceSid,
      activity_statistics: [
        { sid: activity(1), friendly_name: "Available", workers: 1 },
        { sid: activity(2), friendly_name: "Offline", workers: 2 },
      ],
      longest_task_waiting_age: 0,
      longest_task_waiting_sid: null,
      tasks_by_priority: {},
      tasks_by_status: { pending: 0, reserved: 0, assigned: 0, wrapping: 0, completed: 0, canceled: 0 },
      total_tasks: 0,
      total_workers: 3,
    });
  });

  it("bulk TaskQueue RealTimeStatistics: one entry per queue, in the order asked", () => {
    const stats = queueStats();
    const workers = { activities: [], available: 0, eligible: 0 };
    const body = format.taskQueueBulkRealTimeStatistics(
      IDS,
      [queue(2), Q1].map((sid) => ({ queueSid: sid, figures: stats.realtime({ kind: "queue", sid }), workers })),
      NOW,
    );
    expect(body.task_queue_response_count).toBe(2);
    expect(body.task_queue_data.map((q) => [q.task_queue_sid, q.total_tasks, q.longest_task_waiting_sid])).toEqual([
      [queue(2), 0, null],
      [Q1, 2, task(2)],
    ]);
  });

  it("wait durations: whole seconds, averages to two decimals", () => {
    const figures = (totalMs: number, count: number, minMs: number, maxMs: number): CumulativeFigures => ({
      ...statistics().cumulative({ kind: "workspace" }, WINDOW),
      waits: {
        wait_duration_until_accepted: { count, totalMs, minMs, maxMs },
        wait_duration_until_canceled: { count: 0, totalMs: 0, minMs: null, maxMs: null },
        wait_duration_in_queue_until_accepted: { count: 0, totalMs: 0, minMs: null, maxMs: null },
      },
    });
    // 1.4 + 2.6 s: total 4 s, avg 2 s; min 1.4 → 1, max 2.6 → 3.
    const body = format.workspaceCumulativeBody(figures(4000, 2, 1400, 2600));
    expect(body.wait_duration_until_accepted).toEqual({ avg: 2, min: 1, max: 3, total: 4 });
    expect(body.avg_task_acceptance_time).toBe(2);
    // 10 + 10 + 11 s = 31 s: avg 10.33, avg_task_acceptance_time 10.
    expect(format.workspaceCumulativeBody(figures(31_000, 3, 10_000, 11_000)).avg_task_acceptance_time).toBe(10);
  });
});

describe("every endpoint has exactly Twilio's fields (the schemas' properties, without url)", () => {
  const reservations = [
    "reservations_created",
    "reservations_accepted",
    "reservations_rejected",
    "reservations_timed_out",
    "reservations_canceled",
    "reservations_rescinded",
  ];
  const taskCumulative = [
    "account_sid",
    "workspace_sid",
    "avg_task_acceptance_time",
    "start_time",
    "end_time",
    ...reservations,
    "split_by_wait_time",
    "wait_duration_until_accepted",
    "wait_duration_until_canceled",
    "tasks_canceled",
    "tasks_completed",
    "tasks_deleted",
    "tasks_moved",
  ];
  const taskRealtime = [
    "account_sid",
    "workspace_sid",
    "longest_task_waiting_age",
    "longest_task_waiting_sid",
    "tasks_by_priority",
    "tasks_by_status",
    "total_tasks",
  ];
  const stats = queueStats();
  const rt = stats.realtime({ kind: "workspace" });
  const cu = stats.cumulative({ kind: "workspace" }, WINDOW);
  const wk: WorkersCumulativeFigures = stats.workersCumulative({ kind: "all" }, WINDOW);
  const workers = { activities: [], available: 0, eligible: 0 };
  const WW = workflow(1);

  it.each<[string, object, string[]]>([
    [
      "workspace_real_time_statistics",
      format.workspaceRealTimeStatistics(IDS, rt, workers, NOW),
      [...taskRealtime, "activity_statistics", "total_workers"],
    ],
    [
      "workspace_cumulative_statistics",
      format.workspaceCumulativeStatistics(IDS, cu),
      [...taskCumulative, "tasks_created", "tasks_timed_out_in_workflow"],
    ],
    [
      "task_queue_real_time_statistics",
      format.taskQueueRealTimeStatistics(IDS, Q1, rt, workers, NOW),
      [
        ...taskRealtime,
        "task_queue_sid",
        "activity_statistics",
        "longest_relative_task_age_in_queue",
        "longest_relative_task_sid_in_queue",
        "total_available_workers",
        "total_eligible_workers",
      ],
    ],
    [
      "task_queue_cumulative_statistics",
      format.taskQueueCumulativeStatistics(IDS, Q1, cu),
      [...taskCumulative, "task_queue_sid", "tasks_entered", "wait_duration_in_queue_until_accepted"],
    ],
    ["workflow_real_time_statistics", format.workflowRealTimeStatistics(IDS, WW, rt, NOW), [...taskRealtime, "workflow_sid"]],
    [
      "workflow_cumulative_statistics",
      format.workflowCumulativeStatistics(IDS, WW, cu),
      [...taskCumulative, "workflow_sid", "tasks_entered", "tasks_timed_out_in_workflow"],
    ],
    [
      "workers_real_time_statistics",
      format.workersRealTimeStatistics(IDS, workers),
      ["account_sid", "workspace_sid", "activity_statistics", "total_workers"],
    ],
    [
      "workers_cumulative_statistics",
      format.workersCumulativeStatistics(IDS, wk, ACTIVITIES),
      ["account_sid", "workspace_sid", "start_time", "end_time", "activity_durations", ...reservations],
    ],
    [
      "workspace_statistics",
      format.workspaceStatistics(IDS, format.workspaceRealtimeBody(rt, workers, NOW), format.workspaceCumulativeBody(cu)),
      ["account_sid", "workspace_sid", "realtime", "cumulative"],
    ],
    [
      "task_queue_statistics",
      format.taskQueueStatistics(IDS, Q1, format.queueRealtimeBody(rt, workers, NOW), format.queueCumulativeBody(cu)),
      ["account_sid", "workspace_sid", "task_queue_sid", "realtime", "cumulative"],
    ],
    [
      "workflow_statistics",
      format.workflowStatistics(IDS, WW, format.workflowRealtimeBody(rt, NOW), format.workflowCumulativeBody(cu)),
      ["account_sid", "workspace_sid", "workflow_sid", "realtime", "cumulative"],
    ],
    [
      "worker_statistics (Workers/Statistics)",
      format.workersStatistics(IDS, format.workersRealtimeBody(workers), format.workersCumulativeBody(wk, ACTIVITIES)),
      ["account_sid", "workspace_sid", "realtime", "cumulative"],
    ],
    [
      "worker_instance_statistics (Workers/{WK}/Statistics)",
      format.workerStatistics(IDS, worker(1), format.workersCumulativeBody(wk, ACTIVITIES)),
      ["account_sid", "workspace_sid", "worker_sid", "cumulative"],
    ],
    [
      "task_queue_bulk_real_time_statistics",
      format.taskQueueBulkRealTimeStatistics(IDS, [], NOW),
      ["account_sid", "workspace_sid", "task_queue_data", "task_queue_response_count"],
    ],
  ])("%s", (_name, body, fields) => {
    expect(Object.keys(body).sort()).toEqual([...fields].sort());
  });
});
