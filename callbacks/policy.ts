/**
 * When a callback is sent and how hard Switchboard tries: the workspace's EventsFilter, the retry
 * schedule for endpoints that fail, and the per-request timeout. Numbers live here, in one place,
 * so the consumer reads as the decisions it makes and the schedule can be checked by a table test.
 */
import { retryDelayMs, retryPolicy } from "../platform/backoff";

/** TaskRouter asks apps to answer a callback within 15 s; a request still open then has failed. */
export const CALLBACK_TIMEOUT_MS = 15_000;

/**
 * Deliveries of one message, the first included, before Switchboard gives up on it. The queue's
 * `max_retries` in wrangler.toml must be at least MAX_ATTEMPTS − 1, so that giving up is this
 * consumer's decision (logged) and never a silent drop by the platform.
 */
export const MAX_ATTEMPTS = 8;

/** No retry waits longer than this. */
export const MAX_RETRY_DELAY_SECONDS = 300;

const CALLBACK_RETRIES = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: MAX_RETRY_DELAY_SECONDS * 1000, maxAttempts: MAX_ATTEMPTS });

/**
 * Seconds to wait before the next delivery after attempt `attempts` (1-based, as `message.attempts`)
 * failed, or null when that was the last attempt: 2, 4, 8, … doubling, capped at 300.
 *
 * @example
 * retryDelaySeconds(1); // 2
 * retryDelaySeconds(MAX_ATTEMPTS); // null: give up
 */
export function retryDelaySeconds(attempts: number, maxAttempts: number = MAX_ATTEMPTS): number | null {
  const delay = retryDelayMs({ ...CALLBACK_RETRIES, maxAttempts }, attempts);
  return delay === null ? null : delay / 1000;
}

/**
 * Whether a workspace's EventsFilter lets `eventType` through: a comma-separated list of event types
 * (spaces around the commas ignored); null or empty means every event.
 *
 * @example
 * eventsFilterAllows("task.created, task.canceled", "task.canceled"); // true
 * eventsFilterAllows(null, "worker.activity.update"); // true
 */
export function eventsFilterAllows(eventsFilter: string | null, eventType: string): boolean {
  const types = (eventsFilter ?? "")
    .split(",")
    .map((type) => type.trim())
    .filter((type) => type !== "");
  return types.length === 0 || types.includes(eventType);
}

/** Where a workspace's callbacks go, as the Workspace DO's `callbackSettings` answers. */
export interface CallbackSettings {
  /** The workspace's friendly name, sent as WorkspaceName. */
  readonly workspaceName: string;
  readonly eventCallbackUrl: string | null;
  /** Comma-separated event types; null or empty means every event. */
  readonly eventsFilter: string | null;
  /** Present when a workflowSid was asked for and the workflow exists. */
  readonly workflow: {
    readonly assignmentCallbackUrl: string | null;
    readonly fallbackAssignmentCallbackUrl: string | null;
  } | null;
}
