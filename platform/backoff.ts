/**
 * The one retry policy of the server: how long to wait after a failed attempt, and when to stop.
 * Every retry loop reads its schedule from a policy made here — the EVENTS queue's callbacks, the
 * ConversationDO's deliveries and task creation, the AccountDO's user notices, the shared outbox of
 * every Durable Object — so there is one formula to read and test (as the Cloudflare Agents SDK keeps
 * one in `retries.ts`). It lives in platform/, the lowest layer of the server, because callbacks/ sits
 * below the Durable Objects and needs it too.
 *
 * The wait doubles from `baseDelayMs` after each failure and never passes `maxDelayMs`: attempt 1
 * waits `baseDelayMs`, attempt 2 twice that, and so on; a policy whose two bounds are equal waits the
 * same each time. Policies are checked when made, so a bad constant fails at load, not at 3 a.m.
 */

export interface RetryPolicy {
  /** The wait after the first failed attempt (ms). */
  readonly baseDelayMs: number;
  /** No wait is longer than this (ms). */
  readonly maxDelayMs: number;
  /** Attempts in all, the first included; after the last there is no retry. Unbounded when absent. */
  readonly maxAttempts?: number;
}

/**
 * A checked policy: whole milliseconds, `0 < baseDelayMs ≤ maxDelayMs`, and at least one attempt.
 * @example
 * const deliveries = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: 60_000, maxAttempts: 8 });
 */
export function retryPolicy(policy: RetryPolicy): RetryPolicy {
  const { baseDelayMs, maxDelayMs, maxAttempts } = policy;
  if (!Number.isSafeInteger(baseDelayMs) || baseDelayMs <= 0)
    throw new RangeError(`baseDelayMs must be a positive integer, got ${baseDelayMs}`);
  if (!Number.isSafeInteger(maxDelayMs) || maxDelayMs < baseDelayMs) {
    throw new RangeError(`maxDelayMs must be an integer of at least baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`);
  }
  if (maxAttempts !== undefined && (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1)) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  return Object.freeze({ ...policy });
}

/**
 * How long to wait after attempt `attempt` (1-based; 0 counts as 1) failed, or null when that was the
 * last one the policy allows: `baseDelayMs × 2^(attempt − 1)`, at most `maxDelayMs`.
 *
 * @example
 * const policy = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: 60_000, maxAttempts: 8 });
 * retryDelayMs(policy, 1); // 2_000
 * retryDelayMs(policy, 3); // 8_000
 * retryDelayMs(policy, 7); // 60_000 (128 s, capped)
 * retryDelayMs(policy, 8); // null: give up
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number | null {
  if (policy.maxAttempts !== undefined && attempt >= policy.maxAttempts) return null;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (Math.max(1, attempt) - 1));
}

/**
 * The wait after attempt `attempt` of a policy that never gives up (its own caller decides when to stop).
 * @example retryDelay(retryPolicy({ baseDelayMs: 5_000, maxDelayMs: 5_000 }), 4); // 5_000
 */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (Math.max(1, attempt) - 1));
}
