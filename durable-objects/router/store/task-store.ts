/**
 * Tasks. A waiting task's place in routing is stored as its queue and its workflow step (filter and
 * target indexes plus when it entered the workflow; the step's deadline follows from the configuration),
 * which is everything `RoutingEngine.restoreTask` needs to put it back after the object wakes.
 */
import type { TaskStatus } from "../../../contract/taskrouter";
import { table } from "./table";

export type TaskRow = {
  sid: string;
  workflow_sid: string;
  task_channel_sid: string;
  /** JSON text as the client sent it. */
  attributes: string;
  status: TaskStatus;
  priority: number;
  reason: string | null;
  /** TTL in seconds. */
  timeout: number;
  /** Epoch ms. */
  virtual_start_time: number;
  queue_sid: string | null;
  queue_entered_at: number | null;
  /** The step: null filter index with a target index is the default filter; all three null = no step. */
  filter_index: number | null;
  target_index: number | null;
  workflow_entered_at: number | null;
  created_at: number;
  updated_at: number;
  /** Bumped on every change; the ETag. */
  version: number;
};

export const tasks = table<TaskRow>(
  "sb_tasks",
  [
    "sid",
    "workflow_sid",
    "task_channel_sid",
    "attributes",
    "status",
    "priority",
    "reason",
    "timeout",
    "virtual_start_time",
    "queue_sid",
    "queue_entered_at",
    "filter_index",
    "target_index",
    "workflow_entered_at",
    "created_at",
    "updated_at",
    "version",
  ],
  "sid",
);
