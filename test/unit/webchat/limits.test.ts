/** The per-visitor rate limit: a burst, then the sustained rate, each visitor and action on their own. */
import { describe, expect, it } from "vitest";
import { rateLimiter } from "../../../workers/api/webchat-limits";

describe("rate limits", () => {
  it("allows the burst, refuses the next, and regains one request per (60 s / rate)", () => {
    const limit = rateLimiter({ message: { burst: 3, perMinute: 6 } }); // one back every 10 s
    expect([0, 0, 0, 0].map((t) => limit("message", "WV1", t))).toEqual([true, true, true, false]);
    expect(limit("message", "WV1", 9_999)).toBe(false); // 0.9999 of a request regained
    expect(limit("message", "WV1", 10_000)).toBe(true);
    expect(limit("message", "WV1", 10_001)).toBe(false);
  });

  it("counts each visitor and each action apart", () => {
    const limit = rateLimiter({ message: { burst: 1, perMinute: 1 }, media: { burst: 1, perMinute: 1 } });
    expect(limit("message", "WV1", 0)).toBe(true);
    expect(limit("message", "WV1", 0)).toBe(false);
    expect(limit("message", "WV2", 0)).toBe(true);
    expect(limit("media", "WV1", 0)).toBe(true);
  });

  it("never banks more than the burst during a quiet hour", () => {
    const limit = rateLimiter({ message: { burst: 2, perMinute: 60 } });
    limit("message", "WV1", 0);
    const after = [0, 0, 0].map(() => limit("message", "WV1", 3_600_000));
    expect(after).toEqual([true, true, false]);
  });
});
