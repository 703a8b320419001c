/**
 * TaskRouter statistics (real-time and cumulative, for the workspace, queues, workflows and workers),
 * maintained incrementally from facts the Router DO records, so no fetch scans the tasks:
 * - facts.ts: what the Router DO records (`StatisticsFact`), and `factsFromRouting` for engine events;
 * - statistics.ts: `TaskRouterStatistics`, the one object the Router DO holds;
 * - realtime.ts / bucket-store.ts: in-memory counters and ordered sets / `sb_stats_*` time buckets;
 * - figures.ts: mergeable figures (one Router DO per region) before formatting;
 * - window.ts: Minutes / StartDate / EndDate / SplitByWaitTime, resolved once;
 * - format.ts / resources.ts: Twilio's JSON bodies / one builder per statistics endpoint.
 */
export * from "./facts";
export * from "./figures";
export * from "./format";
export * from "./resources";
export { emptyRealtime, mergeRealtime, TASK_STATUSES, type OldestTask, type RealtimeFigures, type TaskScope } from "./realtime";
export { STATISTICS_SCHEMA } from "./bucket-store";
export * from "./statistics";
export * from "./window";
