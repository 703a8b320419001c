/**
 * An HTTP widget's deadline (durable-objects/flow/flow-http.ts) is a timer that lives only while the
 * request does: workerd counts a pending timer as the request still running, so one left behind kept the
 * FlowDO busy — and unevictable — for the whole timeout after a quick answer (the eviction tests in
 * test/workers/flows-eviction.test.ts waited 10 s on it). Fake timers count what is left.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { httpRequest } from "../../../durable-objects/flow/flow-http";

const get = (timeout_ms: number) =>
  ({
    id: "FN1-E0",
    kind: "http-request",
    awaited: true,
    method: "GET",
    url: "https://shop.example/orders/1",
    content_type: "application/json",
    headers: {},
    body: null,
    timeout_ms,
  }) as const;

/** A fetch that answers only when `answer` is called, or fails with the signal's reason when it aborts. */
function pending() {
  let answer: (response: Response) => void = () => {};
  const fetcher = ((_input: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      answer = resolve;
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
    })) as typeof fetch;
  return { fetcher, answer: (response: Response) => answer(response) };
}

describe("an HTTP widget's deadline", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("is one timer while the request is out, and none once the answer is read", async () => {
    const shop = pending();
    const result = httpRequest(shop.fetcher, get(10_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    shop.answer(Response.json({ status: "shipped" }));
    expect(await result).toMatchObject({ ok: true, value: { parsed: { status: "shipped" } } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails the request when it passes, leaving no timer", async () => {
    const shop = pending();
    const result = httpRequest(shop.fetcher, get(10_000));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(vi.getTimerCount()).toBe(1); // 1 ms to go: still waiting
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual({ ok: false, reason: "no answer within 10000 ms" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("leaves no timer when the request fails at once", async () => {
    const failing = (() => Promise.reject(new TypeError("network"))) as typeof fetch;
    expect(await httpRequest(failing, get(10_000))).toEqual({ ok: false, reason: "the request failed (network error)" });
    expect(vi.getTimerCount()).toBe(0);
  });
});
