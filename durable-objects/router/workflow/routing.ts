/**
 * How a task walks through a workflow over time, as pure functions of (configuration, task, step, now).
 * The Router Durable Object stores the returned `RoutingStep`, sets an alarm at its `deadline`, and
 * calls back here when the alarm fires, when `skip_if` says to skip, or when the task must be
 * re-evaluated; the events it gets back are the ones it publishes. Nothing here reads a clock or storage.
 *
 * TaskRouter's rules, as implemented:
 * - Filters are tried in order; the FIRST whose expression matches the task wins. None → the default
 *   filter, or nowhere (`null`) when the workflow has none. Filter expressions see the task and the clock
 *   (`taskrouter.currentHour` … in the workspace time zone, UTC by default).
 * - Targets of the filter are tried in order. Timeouts are CUMULATIVE from when the task entered the
 *   workflow (Twilio: "based on the current age of the task"): targets of 10/10/10 s are left at +10,
 *   +20, +30 s. A target without a timeout counts 0 towards the targets after it and has no deadline.
 * - When the LAST target of a filter times out the task goes to the default filter (`workflow.timeout`),
 *   not to the following filters. The default filter never times out.
 * - `skip_if` (evaluated by the caller only when no reservation could be made on entering a step) moves
 *   the task to the next target (`workflow.skipped`); skipping the last target continues with the
 *   FOLLOWING filters as if this one had not matched, then the default filter. The deadlines there are
 *   still counted from workflow entry, so a step whose deadline has already passed is left at once.
 * - A step's `priority`, when set, replaces the task's priority as the task enters it (`priorityAfter`).
 * - Re-evaluation (attributes updated, or the workflow updated with ReEvaluateTasks) starts again from
 *   the top with the workflow clock restarted at that moment: `reevaluate`.
 * - Queue events fire only when the queue changes: a target that keeps the previous target's queue (to
 *   widen its expression, say) moves the task within the queue, so statistics see one stay, not two.
 */

import type { CalendarDefinition } from "../../common/calendars";
import type { EvaluationInput, TaskView } from "../expression";
import { readSegments } from "../expression";
import type { RoutingTarget, WorkflowConfiguration } from "./configuration";

/** The name Twilio reports for the default filter. */
export const DEFAULT_FILTER_NAME = "Default Filter";

export interface RoutingStep {
  /** Index into `configuration.filters`; null = the default filter. */
  readonly filterIndex: number | null;
  /** Index into the filter's targets; 0 for the default filter. */
  readonly targetIndex: number;
  /** The filter's `filter_friendly_name`, or "Default Filter". */
  readonly filterName: string;
  /** The target in force; the default filter's has no timeout and no skip_if. */
  readonly target: RoutingTarget;
  /** Epoch ms when the task entered (or was last re-evaluated through) the workflow. */
  readonly workflowEnteredAt: number;
  /** Epoch ms when this step times out (cumulative from `workflowEnteredAt`); null = never. */
  readonly deadline: number | null;
}

/** The workspace settings that filter expressions read through `taskrouter.*`. */
export interface RoutingClock {
  /** IANA time zone, e.g. "America/New_York"; UTC when absent. */
  readonly timeZone?: string;
  /** The workspace's business calendars by unique name (`taskrouter.calendars.<name>.open`). */
  readonly calendars?: ReadonlyMap<string, CalendarDefinition>;
}

/**
 * What happened, in order, for the caller to publish. `at` is epoch ms: a timeout's own deadline (so a
 * late alarm still reports when each step really expired), otherwise `now`. `step` is the step entered
 * (`workflow.entered`, `workflow.target-matched`, `task-queue.entered`) or the step left (the others).
 */
export type RoutingEvent =
  | { readonly type: "workflow.entered"; readonly at: number; readonly step: RoutingStep | null }
  | { readonly type: "workflow.target-matched"; readonly at: number; readonly step: RoutingStep }
  | { readonly type: "workflow.timeout" | "workflow.skipped"; readonly at: number; readonly step: RoutingStep }
  | {
      readonly type: "task-queue.entered" | "task-queue.timeout" | "task-queue.moved";
      readonly at: number;
      readonly step: RoutingStep;
      readonly queue: string;
    };

export interface RoutingOutcome {
  /** Where the task is now; null = nowhere (no filter matched and there is no default filter). */
  readonly step: RoutingStep | null;
  readonly events: readonly RoutingEvent[];
}

/**
 * The step a task takes on entering the workflow at `now`: the first target of the first matching
 * filter, else the default filter, else null.
 *
 * @example
 * const step = enterWorkflow(config, { attributes: { type: "sales" } }, Date.parse("2025-01-06T10:00:00Z"));
 * step?.filterName // "Sales"
 * step?.deadline   // entry + the first target's timeout, or null
 */
export function enterWorkflow(config: WorkflowConfiguration, task: TaskView, now: number, clock?: RoutingClock): RoutingStep | null {
  return firstMatchFrom(config, 0, task, now, now, clock);
}

/**
 * `enterWorkflow` with the events to publish: `workflow.entered`, then `workflow.target-matched` and
 * `task-queue.entered` when the task lands somewhere.
 *
 * @example
 * enterWorkflowWithEvents(config, task, now).events.map((e) => e.type)
 * // ["workflow.entered", "workflow.target-matched", "task-queue.entered"]
 */
export function enterWorkflowWithEvents(config: WorkflowConfiguration, task: TaskView, now: number, clock?: RoutingClock): RoutingOutcome {
  const step = enterWorkflow(config, task, now, clock);
  const events: RoutingEvent[] = [{ type: "workflow.entered", at: now, step }];
  if (step) arrive(events, step, now, true);
  return { step, events };
}

/**
 * Re-evaluates a task from the top (its attributes changed, or its workflow was updated with
 * ReEvaluateTasks): the workflow clock restarts at `now`. Events: `task-queue.moved` when it leaves its
 * queue, `workflow.target-matched`, and `task-queue.entered` when the queue changed.
 *
 * @example
 * reevaluate(config, step, { attributes: { type: "billing" } }, now).step?.filterName // "Billing"
 */
export function reevaluate(
  config: WorkflowConfiguration,
  current: RoutingStep | null,
  task: TaskView,
  now: number,
  clock?: RoutingClock,
): RoutingOutcome {
  const step = enterWorkflow(config, task, now, clock);
  const events: RoutingEvent[] = [];
  const queueChanges = current === null || step === null || current.target.queue !== step.target.queue;
  if (current && queueChanges) events.push({ type: "task-queue.moved", at: now, step: current, queue: current.target.queue });
  if (step) arrive(events, step, now, queueChanges);
  return { step, events };
}

/**
 * Follows timeouts: while the current step's deadline is at or before `now`, moves to the next target,
 * or from a filter's last target to the default filter. Several steps are crossed at once when `now` is
 * past several deadlines, each reported at its own deadline. A step not yet due comes back unchanged
 * with no events. `task` and `clock` are taken for symmetry with `afterSkip` but not read: a timeout
 * never re-runs filter expressions (the last target's timeout goes straight to the default filter).
 *
 * @example
 * // targets of 10/10/10 s entered at t: at t+25 s the task is on the third target
 * const { step, events } = afterTimeout(config, first, task, t + 25_000);
 * step?.targetIndex // 2
 * events.filter((e) => e.type === "workflow.target-matched").map((e) => e.at) // [t + 10_000, t + 20_000]
 */
export function afterTimeout(
  config: WorkflowConfiguration,
  step: RoutingStep,
  _task: TaskView,
  now: number,
  _clock?: RoutingClock,
): RoutingOutcome {
  const events: RoutingEvent[] = [];
  return { step: followTimeouts(config, step, now, events), events };
}

/**
 * Skips the current step (its `skip_if` held when no reservation could be made on entering it): on to
 * the next target; past the last target, on to the following filters that match, then the default
 * filter. If the step reached is already past its deadline, timeouts are followed too. The default
 * filter has no `skip_if`, so skipping it changes nothing.
 *
 * @example
 * afterSkip(config, step, task, now).events[0] // { type: "workflow.skipped", at: now, step }
 */
export function afterSkip(
  config: WorkflowConfiguration,
  step: RoutingStep,
  task: TaskView,
  now: number,
  clock?: RoutingClock,
): RoutingOutcome {
  if (step.filterIndex === null) return { step, events: [] };
  const next =
    stepAt(config, step.filterIndex, step.targetIndex + 1, step.workflowEnteredAt) ??
    firstMatchFrom(config, step.filterIndex + 1, task, step.workflowEnteredAt, now, clock);
  const events: RoutingEvent[] = [];
  move(events, step, next, now, "skip");
  return { step: next && followTimeouts(config, next, now, events, now), events };
}

/**
 * Evaluates the step's `skip_if` with the caller's worker counters (`available`, `unavailable`, an
 * Activity SID → workers of the step's queue). False when the step has none. Call it only when no
 * reservation could be created on entering the step.
 *
 * @example
 * shouldSkip(step, task, (name) => (name === "available" ? 0 : 4), now) // true for "workers.available == 0"
 */
export function shouldSkip(
  step: RoutingStep,
  task: TaskView,
  counters: (name: string) => number | undefined,
  now: number,
  clock?: RoutingClock,
): boolean {
  const skipIf = step.target.skipIf;
  return skipIf !== undefined && skipIf.evaluate({ task, counters, clock: clockInput(now, clock) });
}

/**
 * The worker a known-worker target is restricted to. Null when the target has no `known_worker_*`.
 * `value` is null when the task attribute is missing, empty or not a string: the target then matches
 * nobody (rather than everybody), so the task waits there until it times out or is skipped.
 *
 * @example
 * knownWorkerOf(target, { attributes: { requested_agent: "alice" } }) // { by: "friendly_name", value: "alice" }
 * knownWorkerOf(target, { attributes: {} })                          // { by: "friendly_name", value: null }
 */
export function knownWorkerOf(target: RoutingTarget, task: TaskView): { by: "sid" | "friendly_name"; value: string | null } | null {
  const known = target.knownWorker;
  if (!known) return null;
  const value = readSegments(task.attributes, known.segments);
  return { by: known.by, value: typeof value === "string" && value !== "" ? value : null };
}

/**
 * The task's priority after the given events: each step entered that sets a `priority` replaces it.
 *
 * @example
 * priorityAfter(0, afterTimeout(config, step, task, now).events) // e.g. 10 from a target with "priority": 10
 */
export function priorityAfter(current: number, events: readonly RoutingEvent[]): number {
  let priority = current;
  for (const event of events) {
    if (event.type === "workflow.target-matched" && event.step.target.priority !== undefined) priority = event.step.target.priority;
  }
  return priority;
}

/**
 * Arriving at `step` from elsewhere (a task handed over by another region's Router at that step):
 * `workflow.target-matched` and `task-queue.entered` at `now`.
 *
 * @example arriveAt(step, now).events.map((e) => e.type) // ["workflow.target-matched", "task-queue.entered"]
 */
export function arriveAt(step: RoutingStep, now: number): RoutingOutcome {
  const events: RoutingEvent[] = [];
  arrive(events, step, now, true);
  return { step, events };
}

function clockInput(now: number, clock: RoutingClock | undefined): NonNullable<EvaluationInput["clock"]> {
  return {
    now,
    ...(clock?.timeZone === undefined ? {} : { timeZone: clock.timeZone }),
    ...(clock?.calendars === undefined ? {} : { calendars: clock.calendars }),
  };
}

/** The first target of the first filter from `from` on that matches the task at `now`, else the default. */
function firstMatchFrom(
  config: WorkflowConfiguration,
  from: number,
  task: TaskView,
  enteredAt: number,
  now: number,
  clock: RoutingClock | undefined,
): RoutingStep | null {
  const input: EvaluationInput = { task, clock: clockInput(now, clock) };
  for (let i = from; i < config.filters.length; i++) {
    if (config.filters[i]!.expression.evaluate(input)) {
      const step = stepAt(config, i, 0, enteredAt);
      if (step) return step;
    }
  }
  return defaultStep(config, enteredAt);
}

/** The step for one target, or null when the indexes are out of range (a stale step after an update). */
function stepAt(config: WorkflowConfiguration, filterIndex: number, targetIndex: number, enteredAt: number): RoutingStep | null {
  const filter = config.filters[filterIndex];
  const target = filter?.targets[targetIndex];
  if (!filter || !target) return null;
  let deadline: number | null = null;
  if (target.timeout !== undefined) {
    let seconds = 0;
    for (let j = 0; j <= targetIndex; j++) seconds += filter.targets[j]!.timeout ?? 0;
    deadline = enteredAt + seconds * 1000;
  }
  return Object.freeze({ filterIndex, targetIndex, filterName: filter.name, target, workflowEnteredAt: enteredAt, deadline });
}

function defaultStep(config: WorkflowConfiguration, enteredAt: number): RoutingStep | null {
  if (!config.defaultFilter) return null;
  return Object.freeze({
    filterIndex: null,
    targetIndex: 0,
    filterName: DEFAULT_FILTER_NAME,
    target: config.defaultFilter,
    workflowEnteredAt: enteredAt,
    deadline: null,
  });
}

/**
 * Leaves every step whose deadline is at or before `now`. `since` is when `start` was entered: a step
 * entered (by a skip) after its deadline had passed is reported as left at that moment, not before it.
 */
function followTimeouts(
  config: WorkflowConfiguration,
  start: RoutingStep,
  now: number,
  events: RoutingEvent[],
  since = Number.NEGATIVE_INFINITY,
): RoutingStep | null {
  let step: RoutingStep | null = start;
  let at = since;
  while (step && step.deadline !== null && step.deadline <= now) {
    at = Math.max(at, step.deadline);
    const next: RoutingStep | null =
      (step.filterIndex === null ? null : stepAt(config, step.filterIndex, step.targetIndex + 1, step.workflowEnteredAt)) ??
      defaultStep(config, step.workflowEnteredAt);
    move(events, step, next, at, "timeout");
    step = next;
  }
  return step;
}

function move(events: RoutingEvent[], from: RoutingStep, to: RoutingStep | null, at: number, how: "timeout" | "skip"): void {
  const queueChanges = to === null || to.target.queue !== from.target.queue;
  if (how === "skip") events.push({ type: "workflow.skipped", at, step: from });
  if (queueChanges) {
    events.push({ type: how === "timeout" ? "task-queue.timeout" : "task-queue.moved", at, step: from, queue: from.target.queue });
  }
  if (how === "timeout" && (to === null || to.filterIndex === null)) events.push({ type: "workflow.timeout", at, step: from });
  if (to) arrive(events, to, at, queueChanges);
}

function arrive(events: RoutingEvent[], step: RoutingStep, at: number, queueChanges: boolean): void {
  events.push({ type: "workflow.target-matched", at, step });
  if (queueChanges) events.push({ type: "task-queue.entered", at, step, queue: step.target.queue });
}
