/**
 * The two orders the matcher keeps things in: workers by `order_by`, then longest idle, then SID; tasks
 * by priority, then age (FIFO or LIFO), then SID. Ending on the SID makes every decision deterministic.
 */
import { compareOrderValues, type OrderBy } from "../workflow/order-by";
import type { SortedSet } from "./sorted-set";

export interface ReadyKey {
  readonly order: readonly (number | null)[];
  readonly idle: number;
  readonly sid: string;
}

/** The workers of one queue ready for one more task on `channel`, in `orderBy` order. */
export interface ReadyList {
  readonly channel: string;
  readonly orderBy: OrderBy;
  readonly workers: SortedSet<ReadyKey>;
}

export interface TaskKey {
  readonly priority: number;
  readonly order: number;
  readonly sid: string;
}

export const bySid = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Identifies an ordering, so tasks whose targets share an `order_by` share a ready list. The segments go
 * in as JSON: `scores[2]` and `scores.2` read different things on an object, so they must not share one.
 */
export function orderKey(orderBy: OrderBy): string {
  return orderBy.map((k) => `${JSON.stringify(k.segments)} ${k.direction}`).join(",");
}

export function readyComparator(orderBy: OrderBy): (a: ReadyKey, b: ReadyKey) => number {
  return (a, b) => compareOrderValues(orderBy, a.order, b.order) || a.idle - b.idle || bySid(a.sid, b.sid);
}

/** Priority first (higher wins), then `order` ascending (FIFO) or descending (LIFO), then SID. */
export function taskComparator(taskOrder: "FIFO" | "LIFO"): (a: TaskKey, b: TaskKey) => number {
  const sign = taskOrder === "FIFO" ? 1 : -1;
  return (a, b) => b.priority - a.priority || sign * (a.order - b.order) || bySid(a.sid, b.sid);
}
