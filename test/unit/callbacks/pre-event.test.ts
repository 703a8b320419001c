// A pre-event webhook call against a fetch double: signed like every callback, a 2xx lets the change
// through with its answer, any other status refuses it, and no answer (timeout, network) lets it through.
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { callPreEvent, PRE_EVENT_TIMEOUT_MS } from "../../../callbacks/pre-event";

const TOKEN = "switchboard-test-token";
const URL_ = "https://bot.example/pre";
const params = { EventType: "onMessageAdd", ConversationSid: "CH" + "1".repeat(32), Body: "hello" };

function endpoint(answer: () => Promise<Response> | Response) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fetchDouble = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), init: init ?? {} });
    return answer();
  }) as typeof fetch;
  return { seen, fetch: fetchDouble };
}
const options = (fetchDouble: typeof fetch) => ({ fetch: fetchDouble, authToken: TOKEN, idempotencyToken: "EV1" });

describe("callPreEvent", () => {
  it("signs the request, waits 5 s at most, and lets a 2xx through with its body", async () => {
    const bot = endpoint(() => Response.json({ body: "[redacted]" }));
    expect(await callPreEvent(URL_, "POST", params, options(bot.fetch))).toEqual({ kind: "allow", answer: '{"body":"[redacted]"}' });
    const [sent] = bot.seen;
    const form = Object.fromEntries(new URLSearchParams(String(sent!.init.body)));
    expect(form).toEqual(params);
    expect(twilio.validateRequest(TOKEN, new Headers(sent!.init.headers).get("X-Twilio-Signature")!, URL_, form)).toBe(true);
    expect(PRE_EVENT_TIMEOUT_MS).toBe(5_000);
  });

  it.each([400, 403, 500, 302])("refuses the change when the webhook answers %i", async (status) => {
    const bot = endpoint(() => new Response(null, { status, headers: status === 302 ? { location: "https://elsewhere.example" } : {} }));
    expect(await callPreEvent(URL_, "POST", params, options(bot.fetch))).toEqual({ kind: "refuse", status });
  });

  it.each([
    ["a timeout", new DOMException("The operation timed out", "TimeoutError"), /no answer within 5000 ms/],
    ["a network error", new TypeError("connection refused"), /network error/],
  ])("lets the change through unmodified after %s", async (_, error, problem) => {
    const bot = endpoint(() => Promise.reject(error));
    const outcome = await callPreEvent(URL_, "POST", params, options(bot.fetch));
    expect(outcome).toMatchObject({ kind: "unanswered" });
    expect(outcome.kind === "unanswered" && outcome.problem).toMatch(problem);
  });
});
