/**
 * A task's workflow step as storage keeps it — filter and target indexes plus when the task entered
 * the workflow — and how it is turned back into a live `RoutingStep` against the configuration as it
 * is now. The compiled target and the deadline are not stored: they follow from the configuration.
 */
import type { WorkflowConfiguration } from "./workflow/configuration";
import { DEFAULT_FILTER_NAME, type RoutingStep } from "./workflow/routing";

/**
 * What storage keeps of a task's step: the indexes into its workflow and when it entered the workflow.
 * The target itself (compiled expressions) and the deadline are rebuilt from the configuration.
 */
export interface SavedStep {
  readonly filterIndex: number | null;
  readonly targetIndex: number;
  readonly workflowEnteredAt: number;
}

/**
 * The step a saved position stands for in the workflow as configured now, or null when that filter or
 * target no longer exists. Deadlines are cumulative from workflow entry, as routing.ts computes them.
 *
 * @example
 * stepOf(config, { filterIndex: 0, targetIndex: 1, workflowEnteredAt: t })?.deadline
 * // t + (timeout of target 0 + timeout of target 1) × 1000, or null when target 1 has no timeout
 */
export function stepOf(config: WorkflowConfiguration, saved: SavedStep): RoutingStep | null {
  if (saved.filterIndex === null) {
    if (!config.defaultFilter || saved.targetIndex !== 0) return null;
    return Object.freeze({
      filterIndex: null,
      targetIndex: 0,
      filterName: DEFAULT_FILTER_NAME,
      target: config.defaultFilter,
      workflowEnteredAt: saved.workflowEnteredAt,
      deadline: null,
    });
  }
  const filter = config.filters[saved.filterIndex];
  const target = filter?.targets[saved.targetIndex];
  if (!filter || !target) return null;
  let deadline: number | null = null;
  if (target.timeout !== undefined) {
    let seconds = 0;
    for (let j = 0; j <= saved.targetIndex; j++) seconds += filter.targets[j]!.timeout ?? 0;
    deadline = saved.workflowEnteredAt + seconds * 1000;
  }
  return Object.freeze({
    filterIndex: saved.filterIndex,
    targetIndex: saved.targetIndex,
    filterName: filter.name,
    target,
    workflowEnteredAt: saved.workflowEnteredAt,
    deadline,
  });
}
