/**
 * A request's deadline inside a Durable Object (platform/deadline.ts) is a timer that lives only while the
 * request does: `AbortSignal.timeout`'s timer outlived a quick answer, and workerd counted it as the
 * object's request still running (busy and unevictable for the whole timeout). The helper on its own, then
 * the DO-side requests that use it — a signed callback (pre-events run in the ConversationDO) and the bot's
 * classification endpoint (the WorkspaceDO) — each checked on fake timers: one timer while out, none after.
 * LiveKit's SDK takes no signal, so its calls are bounded from outside (`settleWithin`) and its own
 * `AbortSignal.timeout` is switched off.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { settleWithin, timedOut, withDeadline } from "../../../platform/deadline";
import { LIVEKIT_DEADLINE_MS, roomServiceOf } from "../../../platform/livekit";
import { postCallback } from "../../../callbacks/delivery";
import { classifyExternally } from "../../../durable-objects/workspace/bot-endpoint";

/**
 * A fetch that answers only when `answer` is called, or fails with the signal's reason when it aborts;
 * `asked` settles once it is called (signing with Web Crypto comes first, off the fake clock).
 */
function pending() {
  let answer: (response: Response) => void = () => {};
  let called: () => void = () => {};
  const asked = new Promise<void>((resolve) => (called = resolve));
  const fetcher = ((_input: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      answer = resolve;
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
      called();
    })) as typeof fetch;
  return { fetcher, asked, answer: (response: Response) => answer(response) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("withDeadline", () => {
  it("keeps one timer while the work runs and none once it is done", async () => {
    const endpoint = pending();
    const done = withDeadline(5_000, async (signal) => (await endpoint.fetcher("https://x.example", { signal })).text());
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    endpoint.answer(new Response("hi"));
    expect(await done).toBe("hi");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("aborts the work with a TimeoutError naming the limit when it passes, leaving no timer", async () => {
    const endpoint = pending();
    const done = withDeadline(5_000, (signal) => endpoint.fetcher("https://x.example", { signal }));
    const failure = done.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await failure;
    expect(timedOut(error)).toBe(true);
    expect((error as Error).message).toBe("no answer within 5000 ms");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("clears its timer when the work fails at once, and passes the failure on", async () => {
    await expect(withDeadline(5_000, () => Promise.reject(new TypeError("network")))).rejects.toThrow("network");
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    { error: new DOMException("late", "TimeoutError"), expected: true },
    { error: new DOMException("stopped", "AbortError"), expected: true },
    { error: new TypeError("network"), expected: false },
    { error: "no", expected: false },
  ])("timedOut($error) is $expected", ({ error, expected }) => {
    expect(timedOut(error)).toBe(expected);
  });
});

describe("a signed callback's deadline", () => {
  const options = (fetcher: typeof fetch) =>
    ({ fetch: fetcher, authToken: "token", timeoutMs: 15_000, idempotencyToken: "EV1", readBody: true }) as const;

  it("is gone once the answer's body is read", async () => {
    const hook = pending();
    const outcome = postCallback("https://hooks.example/pre", { EventType: "onMessageAdd" }, options(hook.fetcher));
    await hook.asked;
    expect(vi.getTimerCount()).toBe(1);
    hook.answer(Response.json({ body: "changed" }));
    expect(await outcome).toEqual({ delivered: true, status: 200, body: '{"body":"changed"}' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails an answer that does not come in time as not delivered (to retry), leaving no timer", async () => {
    const hook = pending();
    const outcome = postCallback("https://hooks.example/pre", {}, options(hook.fetcher));
    await hook.asked;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(await outcome).toEqual({ delivered: false, problem: "no answer within 15000 ms", permanent: false });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("the bot endpoint's deadline", () => {
  const endpoint = { url: "https://nlu.example/classify", secret: "s3cret", timeoutMs: 3_000, threshold: 0.5 };

  it("is gone once the classification is read", async () => {
    const nlu = pending();
    vi.stubGlobal("fetch", nlu.fetcher);
    const classified = classifyExternally(endpoint, "where is my order?", "en");
    await nlu.asked;
    expect(vi.getTimerCount()).toBe(1);
    nlu.answer(Response.json({ intent: "order_status", confidence: 0.9 }));
    expect(await classified).toMatchObject({ intent: "order_status", confidence: 0.9, language: "en" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("answers null (logged) when it does not answer in time, leaving no timer", async () => {
    const nlu = pending();
    vi.stubGlobal("fetch", nlu.fetcher);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const classified = classifyExternally(endpoint, "hello", undefined);
    await nlu.asked;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await classified).toBeNull();
    expect(warn).toHaveBeenCalledWith("bot endpoint https://nlu.example/classify: no answer in 3000 ms");
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("settleWithin (a call that takes no signal)", () => {
  it("answers the call's value and leaves no timer", async () => {
    let answer: (value: string) => void = () => {};
    const done = settleWithin(5_000, new Promise<string>((resolve) => (answer = resolve)));
    expect(vi.getTimerCount()).toBe(1);
    answer("room");
    expect(await done).toBe("room");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails with a TimeoutError when the call outlasts it, and a late answer changes nothing", async () => {
    let answer: (value: string) => void = () => {};
    const failure = settleWithin(5_000, new Promise<string>((resolve) => (answer = resolve))).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await failure;
    expect(timedOut(error)).toBe(true);
    expect((error as Error).message).toBe("no answer within 5000 ms");
    answer("too late");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("passes the call's own failure on at once", async () => {
    await expect(settleWithin(5_000, Promise.reject(new TypeError("refused")))).rejects.toThrow("refused");
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("LiveKit's room service", () => {
  const server = { regionId: "us-east", url: "ws://127.0.0.1:7880", apiKey: "devkey", apiSecret: "secret-of-at-least-32-characters!" };

  it("sends its requests with no signal of the SDK's own (whose timer would keep a Durable Object busy 10 s)", async () => {
    const livekit = pending();
    let sent: RequestInit | undefined;
    vi.stubGlobal("fetch", (input: string | URL | Request, init?: RequestInit) => {
      sent = init;
      return livekit.fetcher(input, init);
    });
    const rooms = settleWithin(LIVEKIT_DEADLINE_MS, roomServiceOf(server).listRooms(["CH1"]));
    await livekit.asked;
    expect(sent?.signal).toBeUndefined();
    expect(vi.getTimerCount()).toBe(1);
    livekit.answer(Response.json({ rooms: [{ name: "CH1", sid: "RM_1" }] }));
    expect((await rooms).map((room) => room.name)).toEqual(["CH1"]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
