/**
 * A per-visitor rate limit for the widget's routes: a token bucket per key (visitor and action),
 * refilled continuously. It lives in the isolate's memory, so it bounds one visitor hammering one edge
 * location — a burst of retries, a stuck loop in a page — not a distributed attacker, whom Cloudflare's
 * rate-limiting rules in front of the Worker are for. Pure: time comes from the caller.
 */
import { IsolateCache } from "../../platform/isolate-cache";

export interface Bucket {
  /** Requests allowed at once. */
  readonly burst: number;
  /** Requests regained per minute. */
  readonly perMinute: number;
}

/** Keys are forgotten past this many, oldest first, so the map cannot grow without bound. */
const MAX_KEYS = 10_000;

/**
 * A limiter over named buckets.
 * @example const limit = rateLimiter({ message: { burst: 10, perMinute: 30 } }); limit("message", "WV…", Date.now()) // true while within the limit
 */
export function rateLimiter<Name extends string>(buckets: Record<Name, Bucket>): (name: Name, key: string, now: number) => boolean {
  const state = new IsolateCache<{ tokens: number; at: number }>(Infinity, MAX_KEYS);
  return (name, key, now) => {
    const bucket = buckets[name];
    const id = `${name}:${key}`;
    const seen = state.get(id, now);
    const tokens = seen ? Math.min(bucket.burst, seen.tokens + ((now - seen.at) * bucket.perMinute) / 60_000) : bucket.burst;
    state.set(id, { tokens: tokens < 1 ? tokens : tokens - 1, at: now }, now);
    return tokens >= 1;
  };
}
