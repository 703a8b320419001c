// The one retry policy: the doubling schedule worked out by hand, the cap, the last attempt, and the
// checks that refuse a policy that makes no sense.
import { describe, expect, it } from "vitest";
import { retryDelay, retryDelayMs, retryPolicy } from "../../../platform/backoff";

describe("retryDelayMs", () => {
  const policy = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: 60_000, maxAttempts: 8 });

  it.each([
    { attempt: 0, expected: 2_000 }, // counted as the first
    { attempt: 1, expected: 2_000 },
    { attempt: 2, expected: 4_000 },
    { attempt: 3, expected: 8_000 },
    { attempt: 5, expected: 32_000 },
    { attempt: 6, expected: 60_000 }, // 64 s, capped
    { attempt: 7, expected: 60_000 },
    { attempt: 8, expected: null }, // the eighth was the last
    { attempt: 9, expected: null },
  ])("after attempt $attempt waits $expected", ({ attempt, expected }) => {
    expect(retryDelayMs(policy, attempt)).toBe(expected);
  });

  it("never gives up without maxAttempts, and a policy of equal bounds waits the same each time", () => {
    const steady = retryPolicy({ baseDelayMs: 5_000, maxDelayMs: 5_000 });
    expect([1, 2, 50].map((attempt) => retryDelayMs(steady, attempt))).toEqual([5_000, 5_000, 5_000]);
    expect(retryDelay(retryPolicy({ baseDelayMs: 1_000, maxDelayMs: 10_000 }), 3)).toBe(4_000);
  });
});

describe("retryPolicy", () => {
  it.each([
    [{ baseDelayMs: 0, maxDelayMs: 10 }, /baseDelayMs/],
    [{ baseDelayMs: 1.5, maxDelayMs: 10 }, /baseDelayMs/],
    [{ baseDelayMs: 100, maxDelayMs: 10 }, /maxDelayMs/],
    [{ baseDelayMs: 1, maxDelayMs: 10, maxAttempts: 0 }, /maxAttempts/],
  ])("refuses %o", (options, message) => {
    expect(() => retryPolicy(options)).toThrow(message);
  });

  it("returns a frozen copy", () => {
    expect(Object.isFrozen(retryPolicy({ baseDelayMs: 1, maxDelayMs: 1 }))).toBe(true);
  });
});
