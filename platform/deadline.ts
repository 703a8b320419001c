/**
 * A deadline for one outgoing request made inside a Durable Object: an AbortSignal that fires after
 * `timeoutMs`, its timer cleared as soon as the work is done. `AbortSignal.timeout` is not used because
 * workerd counts its pending timer as the object's request still running: a quick answer then kept the
 * object busy (and unevictable) for the whole timeout. Pure: no `cloudflare:*`, only timers.
 *
 * livekit-server-sdk's clients set `AbortSignal.timeout` on every request and take no signal of their own,
 * so platform/livekit.ts and egress.ts make them with no timeout and bound each call with {@link settleWithin}.
 */

/**
 * Whether `error` is what a deadline's abort (or any fetch abort) throws.
 * @example timedOut(new DOMException("no answer within 3000 ms", "TimeoutError")) // true
 */
export const timedOut = (error: unknown): boolean =>
  error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");

/**
 * Runs `work` with a signal aborted (a `TimeoutError` DOMException) after `timeoutMs`; the timer is
 * cleared when `work` settles, so read the answer's body inside `work` for the deadline to cover it.
 * @example
 * const text = await withDeadline(3_000, async (signal) => (await fetch(url, { signal })).text());
 */
export async function withDeadline<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  try {
    return await work(deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for `work` — a call that takes no signal, such as livekit-server-sdk's — at most `timeoutMs`: past
 * it, rejects with a `TimeoutError`, and the call's own answer (or failure) is ignored when it comes. The
 * timer is cleared as soon as `work` settles.
 * @example const rooms = await settleWithin(10_000, roomService.listRooms(["CH…"]));
 */
export function settleWithin<T>(timeoutMs: number, work: Promise<T>): Promise<T> {
  return withDeadline(
    timeoutMs,
    (signal) =>
      new Promise<T>((resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
        work.then(resolve, reject);
      }),
  );
}
