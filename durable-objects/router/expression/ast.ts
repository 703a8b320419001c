/**
 * The shapes every part of the routing core shares for TaskRouter expressions: the JSON documents an
 * expression reads (worker and task attributes), the views of a worker and a task it is evaluated
 * against, and the parsed syntax tree. The parser produces these; the evaluator and the matcher's index
 * planner read them. Nothing here runs.
 */

import type { CalendarDefinition } from "../../common/calendars";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Attributes = { [key: string]: Json };

/** A worker's state on one task channel, as the `worker.channel.<name>.*` paths see it. */
export interface WorkerChannelView {
  /** Tasks reserved, assigned or wrapping on this channel: everything that holds capacity. */
  readonly assignedTasks: number;
  readonly configuredCapacity: number;
  /** 0–100: the share of configured capacity still free. 0 when configured capacity is 0. */
  readonly availableCapacityPercentage: number;
  /** The channel is switched on for this worker and has capacity left. */
  readonly available: boolean;
}

/** What a worker-side expression can read about a worker. */
export interface WorkerView {
  readonly sid: string;
  readonly friendlyName: string;
  readonly activitySid: string;
  readonly activityName: string;
  readonly attributes: Attributes;
  /** Keyed by task channel unique name (`voice`, `chat`, …). */
  readonly channels: Readonly<Record<string, WorkerChannelView>>;
}

/** What a task-side expression can read about a task. */
export interface TaskView {
  readonly sid?: string;
  readonly attributes: Attributes;
}

/**
 * Where an expression is written, which decides what a bare key (no prefix) reads:
 * - `filter`: a workflow filter expression, or `EvaluateTaskAttributes`: bare keys and `task.` read the task.
 * - `target`: a workflow target expression: `worker.` and `task.`; a bare key reads the worker.
 * - `queue`: a TaskQueue `target_workers`, or `TargetWorkersExpression`: bare keys and `worker.` read the worker.
 * - `skip_if`: a target's `skip_if`: `workers.<counter>`; a bare key reads the task.
 * In every kind `taskrouter.currentTime|currentHour|currentMin|dayOfWeek` read the clock, and
 * `taskrouter.calendars.<unique_name>.open` whether the workspace's business calendar is open now.
 */
export type ExpressionKind = "filter" | "target" | "queue" | "skip_if";

export type Scalar = string | number | boolean;

/** The worker fields addressable by name; everything else under `worker.` is an attribute. */
export type WorkerField = "sid" | "friendly_name" | "activity_sid" | "activity_name";
export type ChannelField = "assigned_tasks" | "configured_capacity" | "available_capacity_percentage" | "available";
export type ClockField = "currentTime" | "currentHour" | "currentMin" | "dayOfWeek";

/** A key path after its prefix is resolved. `segments` index into the attributes document. */
export type PathRef =
  | { readonly source: "worker.attributes"; readonly segments: readonly (string | number)[] }
  | { readonly source: "worker.field"; readonly field: WorkerField }
  | { readonly source: "worker.channel"; readonly channel: string; readonly field: ChannelField }
  | { readonly source: "task.attributes"; readonly segments: readonly (string | number)[] }
  | { readonly source: "clock"; readonly field: ClockField }
  /** `taskrouter.calendars.<name>.open`: true or false at the clock's instant; NULL for a calendar the input lacks. */
  | { readonly source: "calendar"; readonly name: string }
  | { readonly source: "counter"; readonly name: string };

export type Operand =
  | { readonly type: "literal"; readonly value: Scalar | readonly Scalar[]; readonly position: number }
  | { readonly type: "path"; readonly ref: PathRef; readonly text: string; readonly position: number };

export type ComparisonOperator = "==" | "!=" | ">" | ">=" | "<" | "<=" | "IN" | "NOT IN" | "HAS" | "CONTAINS";

export type Expr =
  | { readonly type: "and" | "or"; readonly left: Expr; readonly right: Expr }
  | {
      readonly type: "compare";
      readonly op: ComparisonOperator;
      readonly left: Operand;
      readonly right: Operand;
      readonly position: number;
    };

/** What an evaluation reads beyond the expression itself. */
export interface EvaluationInput {
  readonly worker?: WorkerView;
  readonly task?: TaskView;
  /** `skip_if` counters: `available`, `unavailable` or an Activity SID → number of workers in the step's queue. */
  readonly counters?: (name: string) => number | undefined;
  /**
   * For `taskrouter.*`: epoch milliseconds and an IANA time zone (default UTC), and the workspace's
   * business calendars by unique name (`taskrouter.calendars.<name>.open`).
   */
  readonly clock?: { readonly now: number; readonly timeZone?: string; readonly calendars?: ReadonlyMap<string, CalendarDefinition> };
}
