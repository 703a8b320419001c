// What the Worker keeps between requests: a value for at most its TTL, the least recently read dropped past the bound.
import { describe, expect, it } from "vitest";
import { IsolateCache } from "../../../platform/isolate-cache";

describe("IsolateCache", () => {
  it("answers a value until its TTL has passed since it was stored, then nothing", () => {
    const cache = new IsolateCache<string>(5_000);
    cache.set("WS1", "us-east", 1_000);
    expect(cache.get("WS1", 5_999)).toBe("us-east"); // 4,999 ms old
    expect(cache.get("WS1", 6_000)).toBeUndefined(); // 5,000 ms old: read again
    expect(cache.get("WS1", 1_000)).toBeUndefined(); // and forgotten, whatever the clock says after
  });

  it("drops the least recently read past its bound, and forgets what it is told to", () => {
    const cache = new IsolateCache<number>(60_000, 2);
    cache.set("a", 1, 0);
    cache.set("b", 2, 0);
    expect(cache.get("a", 1)).toBe(1); // a read last: b is the least recent
    cache.set("c", 3, 2);
    expect([cache.get("a", 3), cache.get("b", 3), cache.get("c", 3)]).toEqual([1, undefined, 3]);
    cache.delete("a");
    expect(cache.get("a", 4)).toBeUndefined();
  });
});
