/**
 * Shared builders for the expression tests: worker and task views with sensible defaults, so each table
 * row states only the attributes that matter to it.
 */
import type {
  Attributes,
  EvaluationInput,
  ExpressionKind,
  TaskView,
  WorkerChannelView,
  WorkerView,
} from "../../../durable-objects/router/expression";
import { compileExpression } from "../../../durable-objects/router/expression";

export function channel(assignedTasks: number, configuredCapacity: number, available = true): WorkerChannelView {
  return {
    assignedTasks,
    configuredCapacity,
    availableCapacityPercentage: configuredCapacity === 0 ? 0 : ((configuredCapacity - assignedTasks) / configuredCapacity) * 100,
    available,
  };
}

export function worker(attributes: Attributes, overrides: Partial<WorkerView> = {}): WorkerView {
  return {
    sid: "WK0123456789abcdef0123456789abcdef",
    friendlyName: "alice",
    activitySid: "WA0123456789abcdef0123456789abcdef",
    activityName: "Available",
    attributes,
    channels: { voice: channel(0, 1), chat: channel(1, 3) },
    ...overrides,
  };
}

export function task(attributes: Attributes): TaskView {
  return { sid: "WT0123456789abcdef0123456789abcdef", attributes };
}

/** Compiles and evaluates in one go. */
export function run(source: string, kind: ExpressionKind, input: EvaluationInput): boolean {
  return compileExpression(source, kind).evaluate(input);
}

/** Epoch ms for a UTC wall-clock time. January 2024: the 1st is a Monday, the 7th a Sunday. */
export function utc(day: number, hour: number, minute: number): number {
  return Date.UTC(2024, 0, day, hour, minute);
}
