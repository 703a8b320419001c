/**
 * The Router as the conversation's {@link TaskPort} (lifecycle/tasks.ts): where a conversation's task is
 * created, wrapped up and canceled. A new task goes to the region recorded when the conversation opened
 * (else home), or while that is down to its partner (platform/failover.ts;
 * workers/api/taskrouter/placement.ts chose the region); a task's later changes go to the Router that
 * holds it (its SID names it; a task handed over to another region is followed there).
 */
import type { Env } from "../../platform/env";
import { followMoves, routerFor, workspaceFor } from "../../platform/objects";
import { newTaskIn } from "../../platform/new-task";
import { homeRegionOf } from "../../platform/region-sids";
import { ok, type ApiResult } from "../common/rpc";
import type { ConversationRow } from "./store/conversation-rows";
import type { TaskPort } from "./lifecycle/tasks";

/** The window a call's estimated wait is taken over. */
export const ESTIMATE_WINDOW_MS = 60 * 60_000;

/**
 * The port for the conversation `row`; `armAlarm` is awaited before a task is created, so the pending
 * task's retry timer (already written) has its alarm set should the object be evicted during the call.
 * @example await createPendingTask(storage, taskPortFor(env, row, () => syncAlarm()), Date.now)
 */
export function taskPortFor(env: Env, row: ConversationRow, armAlarm: () => Promise<void>): TaskPort {
  const workspaceSid = row.workspace_sid;
  const updateTask = (taskSid: string, input: { assignmentStatus: "wrapping" | "canceled"; reason?: string }) =>
    followMoves(env, workspaceSid, taskSid, (holder) => holder.updateTask(row.account_sid, taskSid, input));
  return {
    oldestWorkflow: async () => {
      const page = await workspaceFor(env, row.workspace_sid).listWorkflows(row.account_sid, {}, { pageSize: 1, page: 0 });
      return page.ok ? (page.value.items[0]?.sid ?? null) : null;
    },
    createTask: async ({ region: wanted, ...input }) => {
      // As for a send: the pending task's retry timer is armed before the Router is called.
      await armAlarm();
      // Built from masked messages with the customer's address kept (flexAttributes): stored as given.
      const create = async (router: ReturnType<typeof routerFor>): Promise<ApiResult<{ taskSid: string }>> => {
        const created = await router.createTask(row.account_sid, { ...input, attributesMasked: true });
        return created.ok ? ok({ taskSid: created.value.task.sid }) : created;
      };
      const placed = await newTaskIn(env, row.account_sid, workspaceSid, wanted ?? homeRegionOf(workspaceSid), create);
      return placed.ok ? placed.value : placed; // a failure: the alarm tries again
    },
    wrapTask: (taskSid) => updateTask(taskSid, { assignmentStatus: "wrapping" }),
    cancelTask: (taskSid, reason = "not needed") => updateTask(taskSid, { assignmentStatus: "canceled", reason }),
    estimatedWait: async (taskSid, taskChannel) => {
      // The mean time the queue's tasks on this channel spent in it before an agent accepted them, over
      // the last hour (TaskRouter's avg wait_duration_in_queue_until_accepted); none accepted there: null.
      const task = await followMoves(env, workspaceSid, taskSid, (holder) => holder.getTask(row.account_sid, taskSid));
      const queueSid = task.ok ? task.value.task.task_queue_sid : null;
      if (queueSid === null) return null;
      const now = Date.now();
      const window = { startMs: now - ESTIMATE_WINDOW_MS, endMs: now };
      const figures = await followMoves(env, workspaceSid, taskSid, (holder) =>
        holder.queueStatistics(row.account_sid, queueSid, { taskChannel, cumulative: { window } }),
      );
      const waited = figures.ok ? figures.value.cumulative?.waits.wait_duration_in_queue_until_accepted : undefined;
      return waited && waited.count > 0 ? Math.round(waited.totalMs / waited.count / 1000) : null;
    },
  };
}
