/**
 * Workflows: the `order_by` clause, the Workflow `Configuration` document (parsed and validated into a
 * compiled form) and the pure rules by which a task steps through filters and targets over time.
 */
export * from "./order-by";
export * from "./configuration";
export * from "./routing";
export { calendarRefs } from "./calendars";
export { formatProblems, isTaskQueueSid } from "./problems";
export type { PathSegment } from "./attribute-path";
