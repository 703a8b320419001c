/**
 * One builder per TaskRouter statistics endpoint: the bodies of format.ts with the ids Twilio puts
 * around them (`account_sid`, `workspace_sid`, and the queue, workflow or worker SID), still without
 * `url`. `/Statistics` nests a real-time and a cumulative body; the others spread one.
 */
import type { CumulativeFigures, WorkersCumulativeFigures } from "./figures";
import {
  queueCumulativeBody,
  queueRealtimeBody,
  workersCumulativeBody,
  workersRealtimeBody,
  workflowCumulativeBody,
  workflowRealtimeBody,
  workspaceCumulativeBody,
  workspaceRealtimeBody,
  type ActivityRef,
  type QueueCumulativeBody,
  type QueueRealtimeBody,
  type StatisticsIds,
  type WorkerFigures,
  type WorkersCumulativeBody,
  type WorkersRealtimeBody,
  type WorkflowCumulativeBody,
  type WorkflowRealtimeBody,
  type WorkspaceCumulativeBody,
  type WorkspaceRealtimeBody,
} from "./format";
import type { RealtimeFigures } from "./realtime";

const idsOf = (ids: StatisticsIds) => ({ account_sid: ids.accountSid, workspace_sid: ids.workspaceSid });

/** `GET /Workspaces/{WS}/RealTimeStatistics` */
export const workspaceRealTimeStatistics = (ids: StatisticsIds, figures: RealtimeFigures, workers: WorkerFigures, now: number) => ({
  ...idsOf(ids),
  ...workspaceRealtimeBody(figures, workers, now),
});

/** `GET /Workspaces/{WS}/CumulativeStatistics` */
export const workspaceCumulativeStatistics = (ids: StatisticsIds, figures: CumulativeFigures) => ({
  ...idsOf(ids),
  ...workspaceCumulativeBody(figures),
});

/** `GET /Workspaces/{WS}/Statistics` */
export const workspaceStatistics = (ids: StatisticsIds, realtime: WorkspaceRealtimeBody, cumulative: WorkspaceCumulativeBody) => ({
  ...idsOf(ids),
  realtime,
  cumulative,
});

/** `GET /TaskQueues/{WQ}/RealTimeStatistics` */
export const taskQueueRealTimeStatistics = (
  ids: StatisticsIds,
  queueSid: string,
  figures: RealtimeFigures,
  workers: WorkerFigures,
  now: number,
) => ({
  ...idsOf(ids),
  task_queue_sid: queueSid,
  ...queueRealtimeBody(figures, workers, now),
});

/** `GET /TaskQueues/{WQ}/CumulativeStatistics` */
export const taskQueueCumulativeStatistics = (ids: StatisticsIds, queueSid: string, figures: CumulativeFigures) => ({
  ...idsOf(ids),
  task_queue_sid: queueSid,
  ...queueCumulativeBody(figures),
});

/** `GET /TaskQueues/{WQ}/Statistics`, and each item of the `task_queues_statistics` list. */
export const taskQueueStatistics = (
  ids: StatisticsIds,
  queueSid: string,
  realtime: QueueRealtimeBody,
  cumulative: QueueCumulativeBody,
) => ({
  ...idsOf(ids),
  task_queue_sid: queueSid,
  realtime,
  cumulative,
});

/** `POST /TaskQueues/RealTimeStatistics`: one entry per queue asked for, in the order asked. */
export function taskQueueBulkRealTimeStatistics(
  ids: StatisticsIds,
  queues: readonly { readonly queueSid: string; readonly figures: RealtimeFigures; readonly workers: WorkerFigures }[],
  now: number,
) {
  const task_queue_data = queues.map(({ queueSid, figures, workers }) => {
    const body = queueRealtimeBody(figures, workers, now);
    return {
      task_queue_sid: queueSid,
      total_available_workers: body.total_available_workers,
      total_eligible_workers: body.total_eligible_workers,
      total_tasks: body.total_tasks,
      longest_task_waiting_age: body.longest_task_waiting_age,
      longest_task_waiting_sid: body.longest_task_waiting_sid,
      tasks_by_status: body.tasks_by_status,
      tasks_by_priority: body.tasks_by_priority,
      activity_statistics: body.activity_statistics,
    };
  });
  return { ...idsOf(ids), task_queue_data, task_queue_response_count: task_queue_data.length };
}

/** `GET /Workflows/{WW}/RealTimeStatistics` */
export const workflowRealTimeStatistics = (ids: StatisticsIds, workflowSid: string, figures: RealtimeFigures, now: number) => ({
  ...idsOf(ids),
  workflow_sid: workflowSid,
  ...workflowRealtimeBody(figures, now),
});

/** `GET /Workflows/{WW}/CumulativeStatistics` */
export const workflowCumulativeStatistics = (ids: StatisticsIds, workflowSid: string, figures: CumulativeFigures) => ({
  ...idsOf(ids),
  workflow_sid: workflowSid,
  ...workflowCumulativeBody(figures),
});

/** `GET /Workflows/{WW}/Statistics` */
export const workflowStatistics = (
  ids: StatisticsIds,
  workflowSid: string,
  realtime: WorkflowRealtimeBody,
  cumulative: WorkflowCumulativeBody,
) => ({
  ...idsOf(ids),
  workflow_sid: workflowSid,
  realtime,
  cumulative,
});

/** `GET /Workers/RealTimeStatistics` */
export const workersRealTimeStatistics = (ids: StatisticsIds, workers: WorkerFigures) => ({
  ...idsOf(ids),
  ...workersRealtimeBody(workers),
});

/** `GET /Workers/CumulativeStatistics` */
export const workersCumulativeStatistics = (ids: StatisticsIds, figures: WorkersCumulativeFigures, activities: readonly ActivityRef[]) => ({
  ...idsOf(ids),
  ...workersCumulativeBody(figures, activities),
});

/** `GET /Workers/Statistics` */
export const workersStatistics = (ids: StatisticsIds, realtime: WorkersRealtimeBody, cumulative: WorkersCumulativeBody) => ({
  ...idsOf(ids),
  realtime,
  cumulative,
});

/** `GET /Workers/{WK}/Statistics`: cumulative only. */
export const workerStatistics = (ids: StatisticsIds, workerSid: string, cumulative: WorkersCumulativeBody) => ({
  ...idsOf(ids),
  worker_sid: workerSid,
  cumulative,
});
