/**
 * What the statistics endpoints ask the Router for, one function per endpoint family (workspace,
 * queue, queue list, queues in bulk, workflow, workers, one worker). Each answers with figures, not
 * JSON bodies: plain data that adds up across the Router DOs of several regions (`mergeRealtime`,
 * `mergeCumulative`), which the Worker formats with the statistics module's builders.
 *
 * The Worker resolves the window and the SplitByWaitTime thresholds once, with its own clock, so
 * every Router answers for the same minutes. A TaskChannel filter (SID or unique name) is resolved
 * here to the key facts use for channels: the TaskChannel's SID. Nothing here scans tasks or workers:
 * task figures come from the statistics' counters and buckets, worker figures from the matcher's queue
 * counters and the Activity counts.
 */
import { missingWorker } from "./moved-away";
import { invalid, notFound, ok, type ApiResult, type Page } from "../../common/rpc";
import { slicePage, type PageWindow } from "../../kit/paging";
import { workerByName, workers } from "../store/worker-store";
import {
  workerFigures,
  type ActivityRef,
  type CumulativeFigures,
  type RealtimeFigures,
  type StatisticsWindow,
  type TaskScope,
  type WorkerFigures,
  type WorkerSelection,
  type WorkersCumulativeFigures,
} from "../statistics";
import type { Op } from "./router-operation";
import type { RouterStatistics } from "./statistics";

/** What a statistics request wants, as the Worker resolved it. */
export interface StatisticsQuery {
  /** A TaskChannel SID or unique name: only that channel's tasks (and reservations) count. */
  readonly taskChannel?: string;
  /** Whether real-time figures are wanted. */
  readonly realtime?: boolean;
  /** Cumulative figures over this window, when wanted. */
  readonly cumulative?: {
    readonly window: StatisticsWindow;
    /** Whole seconds, ascending (`parseSplitByWaitTime`). */
    readonly splitByWaitTime?: readonly number[];
  };
}

/** A task scope's figures: the workspace, a queue or a workflow. */
export interface TaskScopeFigures {
  readonly realtime?: RealtimeFigures;
  /** With `realtime`: the scope's workers (none for a workflow). */
  readonly workers?: WorkerFigures;
  readonly cumulative?: CumulativeFigures;
}

export interface QueueFigures extends TaskScopeFigures {
  readonly queueSid: string;
}

export interface WorkersFigures {
  /** Every Activity of the workspace, in the order to report them. */
  readonly activities: ActivityRef[];
  readonly realtime?: WorkerFigures;
  readonly cumulative?: WorkersCumulativeFigures;
}

/** Filters of `/Workers/Statistics`; together they narrow (a worker must be in the queue). */
export interface WorkersFilter {
  readonly taskQueueSid?: string;
  readonly taskQueueName?: string;
  readonly friendlyName?: string;
}

/** The most queues `POST /TaskQueues/RealTimeStatistics` takes at once, as Twilio. */
export const MAX_BULK_QUEUES = 50;

const activityRefs = (op: Op): ActivityRef[] => op.view.snapshot.activities.map((a) => ({ sid: a.sid, friendlyName: a.friendly_name }));

/** The TaskChannel filter as the key facts use (the channel's SID), or undefined for every channel. */
function channelKey(op: Op, query: StatisticsQuery): ApiResult<string | undefined> {
  if (query.taskChannel === undefined) return ok(undefined);
  const channel = op.view.taskChannelRef(query.taskChannel);
  if (!channel)
    return invalid("TaskChannel", `no TaskChannel with SID or unique name ${JSON.stringify(query.taskChannel)} in this workspace`);
  return ok(channel.sid);
}

function taskScope(op: Op, stats: RouterStatistics, scope: TaskScope, query: StatisticsQuery, channel: string | undefined) {
  const out: { realtime?: RealtimeFigures; workers?: WorkerFigures; cumulative?: CumulativeFigures } = {};
  if (query.realtime) {
    out.realtime = stats.tasks.realtime(scope, channel);
    if (scope.kind === "workspace") out.workers = workspaceWorkers(op, stats);
    if (scope.kind === "queue") out.workers = workerFigures(op.engine.matcher.counters(scope.sid), activityRefs(op));
  }
  if (query.cumulative) {
    const { window, splitByWaitTime } = query.cumulative;
    out.cumulative = stats.tasks.cumulative(scope, window, {
      ...(channel !== undefined ? { channel } : {}),
      ...(splitByWaitTime ? { splitByWaitTime } : {}),
    });
  }
  return out;
}

function workspaceWorkers(op: Op, stats: RouterStatistics): WorkerFigures {
  return { activities: activityRefs(op).map((a) => ({ ...a, workers: stats.workersInActivity(a.sid) })) };
}

/** `/Workspaces/{WS}/Statistics`, `/RealTimeStatistics`, `/CumulativeStatistics`. */
export function workspaceFigures(op: Op, stats: RouterStatistics, query: StatisticsQuery): ApiResult<TaskScopeFigures> {
  const channel = channelKey(op, query);
  if (!channel.ok) return channel;
  return ok(taskScope(op, stats, { kind: "workspace" }, query, channel.value));
}

/** `/TaskQueues/{WQ}/Statistics`, `/RealTimeStatistics`, `/CumulativeStatistics`. */
export function queueFigures(op: Op, stats: RouterStatistics, queueSid: string, query: StatisticsQuery): ApiResult<TaskScopeFigures> {
  if (!op.view.queue(queueSid)) return notFound("TaskQueue", queueSid);
  const channel = channelKey(op, query);
  if (!channel.ok) return channel;
  return ok(taskScope(op, stats, { kind: "queue", sid: queueSid }, query, channel.value));
}

/** `GET /TaskQueues/Statistics`: every queue (or those with the friendly name), oldest first. */
export function queueListFigures(
  op: Op,
  stats: RouterStatistics,
  friendlyName: string | undefined,
  query: StatisticsQuery,
  window: PageWindow,
): ApiResult<Page<QueueFigures>> {
  const channel = channelKey(op, query);
  if (!channel.ok) return channel;
  const queues = (friendlyName === undefined ? [...op.view.snapshot.taskQueues] : op.view.queuesNamed(friendlyName)).sort((a, b) =>
    a.date_created < b.date_created ? -1 : a.date_created > b.date_created ? 1 : a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0,
  );
  const page = slicePage(queues, window);
  return ok({
    ...page,
    items: page.items.map((queue) => ({
      queueSid: queue.sid,
      ...taskScope(op, stats, { kind: "queue", sid: queue.sid }, query, channel.value),
    })),
  });
}

/** `POST /TaskQueues/RealTimeStatistics`: the real-time figures of each queue asked for, in that order. */
export function bulkQueueFigures(
  op: Op,
  stats: RouterStatistics,
  queueSids: readonly string[],
  query: StatisticsQuery,
): ApiResult<QueueFigures[]> {
  if (queueSids.length === 0) return invalid("QueueSids", "must name at least one TaskQueue");
  if (queueSids.length > MAX_BULK_QUEUES) return invalid("QueueSids", `takes at most ${MAX_BULK_QUEUES} TaskQueues`);
  const unknown = queueSids.find((sid) => !op.view.queue(sid));
  if (unknown !== undefined) return notFound("TaskQueue", unknown);
  const channel = channelKey(op, query);
  if (!channel.ok) return channel;
  const realtime = { ...query, realtime: true, cumulative: undefined };
  return ok(queueSids.map((sid) => ({ queueSid: sid, ...taskScope(op, stats, { kind: "queue", sid }, realtime, channel.value) })));
}

/** `/Workflows/{WW}/Statistics`, `/RealTimeStatistics`, `/CumulativeStatistics`. */
export function workflowFigures(op: Op, stats: RouterStatistics, workflowSid: string, query: StatisticsQuery): ApiResult<TaskScopeFigures> {
  if (!op.view.workflow(workflowSid)) return notFound("Workflow", workflowSid);
  const channel = channelKey(op, query);
  if (!channel.ok) return channel;
  return ok(taskScope(op, stats, { kind: "workflow", sid: workflowSid }, query, channel.value));
}

/**
 * `/Workers/Statistics`, `/RealTimeStatistics`, `/CumulativeStatistics`: everyone, a queue's members
 * (by SID or friendly name), or the worker with a friendly name (worker names are unique). A filter
 * that matches nobody answers zeros, as a list filter would.
 */
export function workersFigures(op: Op, stats: RouterStatistics, filter: WorkersFilter, query: StatisticsQuery): ApiResult<WorkersFigures> {
  const channel = channelKey(op, query);
  if (!channel.ok) return channel;
  const activities = activityRefs(op);
  const nobody: WorkerSelection = { kind: "workers", sids: [] };
  let selection: WorkerSelection = { kind: "all" };
  let queueSid: string | undefined = filter.taskQueueSid;
  if (filter.taskQueueName !== undefined) {
    const named = op.view.queuesNamed(filter.taskQueueName).map((queue) => queue.sid);
    queueSid = queueSid === undefined ? named[0] : named.includes(queueSid) ? queueSid : undefined;
    if (queueSid === undefined) selection = nobody;
  }
  if (queueSid !== undefined) selection = op.view.queue(queueSid) ? { kind: "queue", sid: queueSid } : nobody;
  let realtime: WorkerFigures =
    selection.kind === "all"
      ? workspaceWorkers(op, stats)
      : selection.kind === "queue"
        ? workerFigures(op.engine.matcher.counters(selection.sid), activities)
        : { activities: activities.map((a) => ({ ...a, workers: 0 })) };
  if (filter.friendlyName !== undefined && selection.kind !== "workers") {
    const worker = workerByName(op.host, filter.friendlyName);
    const included = worker && (selection.kind === "all" || op.engine.matcher.queuesOfWorker(worker.sid).includes(selection.sid));
    selection = included ? { kind: "workers", sids: [worker.sid] } : nobody;
    realtime = { activities: activities.map((a) => ({ ...a, workers: included && worker.activity_sid === a.sid ? 1 : 0 })) };
  }
  return ok({
    activities,
    ...(query.realtime ? { realtime } : {}),
    ...(query.cumulative ? { cumulative: stats.tasks.workersCumulative(selection, query.cumulative.window, channel.value) } : {}),
  });
}

/** `/Workers/{WK}/Statistics`: the worker's cumulative figures. */
export function workerInstanceFigures(
  op: Op,
  stats: RouterStatistics,
  workerSid: string,
  query: StatisticsQuery,
): ApiResult<WorkersFigures> {
  if (!workers.get(op.host, workerSid)) return missingWorker(op, workerSid);
  const channel = channelKey(op, query);
  if (!channel.ok) return channel;
  return ok({
    activities: activityRefs(op),
    ...(query.cumulative
      ? { cumulative: stats.tasks.workersCumulative({ kind: "workers", sids: [workerSid] }, query.cumulative.window, channel.value) }
      : {}),
  });
}
