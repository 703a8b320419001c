// One signed callback request, against a fetch double that records what would go on the wire.
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { endpointForLog, postCallback, type PostOptions } from "../../../callbacks/delivery";

const TOKEN = "switchboard-test-token";
const params = { EventType: "task.created", TaskAttributes: '{"name":"Zoë & co"}' };

interface Sent {
  url: string;
  init: RequestInit;
}

function recorder(answer: (sent: Sent) => Promise<Response> | Response) {
  const sent: Sent[] = [];
  const fetchDouble = (async (input: string | URL | Request, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    sent.push(call);
    return answer(call);
  }) as typeof fetch;
  return { sent, fetch: fetchDouble };
}

const options = (fetchDouble: typeof fetch, overrides: Partial<PostOptions> = {}): PostOptions => ({
  fetch: fetchDouble,
  authToken: TOKEN,
  timeoutMs: 1_000,
  idempotencyToken: "EV123",
  readBody: false,
  ...overrides,
});

const header = (sent: Sent, name: string) => new Headers(sent.init.headers).get(name);
const formOf = (sent: Sent) => Object.fromEntries(new URLSearchParams(String(sent.init.body)));

describe("postCallback", () => {
  it("POSTs the form, signed so that twilio.validateRequest accepts it, with an idempotency token", async () => {
    const wire = recorder(() => new Response(null, { status: 204 }));
    const url = "https://hooks.example.com/events?tenant=acme";
    expect(await postCallback(url, params, options(wire.fetch))).toEqual({ delivered: true, status: 204, body: "" });

    const [sent] = wire.sent;
    expect(sent!.url).toBe(url);
    expect(sent!.init.method).toBe("POST");
    expect(sent!.init.redirect).toBe("manual");
    expect(header(sent!, "Content-Type")).toBe("application/x-www-form-urlencoded");
    expect(header(sent!, "I-Twilio-Idempotency-Token")).toBe("EV123");
    expect(header(sent!, "Authorization")).toBeNull();
    expect(formOf(sent!)).toEqual(params);
    expect(twilio.validateRequest(TOKEN, header(sent!, "X-Twilio-Signature")!, url, formOf(sent!))).toBe(true);
    expect(twilio.validateRequest("another-token", header(sent!, "X-Twilio-Signature")!, url, formOf(sent!))).toBe(false);
  });

  it("sends a URL's credentials as Basic auth and signs the URL without them, as Twilio does", async () => {
    const wire = recorder(() => new Response("ok"));
    await postCallback("https://agent:p%40ss@hooks.example.com/events?x=1", params, options(wire.fetch));

    const [sent] = wire.sent;
    expect(sent!.url).toBe("https://hooks.example.com/events?x=1");
    // base64("agent:p@ss")
    expect(header(sent!, "Authorization")).toBe("Basic YWdlbnQ6cEBzcw==");
    expect(twilio.validateRequest(TOKEN, header(sent!, "X-Twilio-Signature")!, "https://hooks.example.com/events?x=1", formOf(sent!))).toBe(
      true,
    );
  });

  it("returns the body when asked (an assignment instruction)", async () => {
    const wire = recorder(() => Response.json({ instruction: "accept" }));
    const outcome = await postCallback("https://app.example.com/assign", params, options(wire.fetch, { readBody: true }));
    expect(outcome).toEqual({ delivered: true, status: 200, body: '{"instruction":"accept"}' });
  });

  it.each([
    { name: "a 500", answer: () => new Response("boom", { status: 500 }), problem: "answered HTTP 500", status: 500 },
    { name: "a 404", answer: () => new Response(null, { status: 404 }), problem: "answered HTTP 404", status: 404 },
    {
      name: "a redirect, not followed",
      answer: () => new Response(null, { status: 302, headers: { Location: "https://elsewhere.example.com/" } }),
      problem: "answered HTTP 302",
      status: 302,
    },
    {
      name: "a network error",
      answer: () => Promise.reject(new TypeError("fetch failed: https://hooks.example.com/secret-path")),
      problem: "the request failed (network error)",
    },
  ])("$name is a failure worth retrying, described without the URL", async ({ name: _name, answer, problem, ...answered }) => {
    const wire = recorder(answer);
    const outcome = await postCallback("https://hooks.example.com/secret-path", params, options(wire.fetch));
    expect(outcome).toEqual({ delivered: false, problem, permanent: false, ...answered });
  });

  it("reads at most 64 KB of an answer: a longer one counts as empty, and the rest is never pulled", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x7b)); // "{{{{…": never a complete answer
      },
    });
    const wire = recorder(() => new Response(endless, { status: 200 }));
    const outcome = await postCallback("https://app.example.com/assign", params, options(wire.fetch, { readBody: true }));
    expect(outcome).toEqual({ delivered: true, status: 200, body: "" });
    // 64 KB and the chunk that passed it, perhaps one more the stream queued ahead: never the endless rest.
    expect(pulled).toBeLessThanOrEqual(64 * 1024 + 3 * 16 * 1024);
  });

  it("gives up on an endpoint that does not answer within the timeout", async () => {
    const hang = recorder(
      ({ init }) =>
        new Promise<Response>((_, reject) => init.signal!.addEventListener("abort", () => reject(init.signal!.reason), { once: true })),
    );
    const outcome = await postCallback("https://slow.example.com/", params, options(hang.fetch, { timeoutMs: 20 }));
    expect(outcome).toEqual({ delivered: false, problem: "no answer within 20 ms", permanent: false });
  });

  it.each(["not a url", "ftp://files.example.com/x", "/relative/path", "javascript:alert(1)"])(
    "refuses %s for good, without sending anything",
    async (url) => {
      const wire = recorder(() => new Response(null));
      const outcome = await postCallback(url, params, options(wire.fetch));
      expect(outcome).toEqual({ delivered: false, problem: "the callback URL is not an absolute http(s) URL", permanent: true });
      expect(wire.sent).toEqual([]);
    },
  );
});

describe("endpointForLog", () => {
  it.each([
    { url: "https://user:pw@hooks.example.com/t/abc?key=1", expected: "hooks.example.com" },
    { url: "http://127.0.0.1:8788/cb", expected: "127.0.0.1:8788" },
    { url: "nonsense", expected: "(invalid URL)" },
  ])("$url → $expected", ({ url, expected }) => {
    expect(endpointForLog(url)).toBe(expected);
  });
});

describe("postCallback with Method GET (Conversations webhooks configured so)", () => {
  it("puts the parameters in the query, sends no body, and signs the whole URL as twilio.validateRequest expects", async () => {
    const wire = recorder(() => new Response(null, { status: 200 }));
    const url = "https://hooks.example.com/conversations?tenant=acme";
    expect(await postCallback(url, params, options(wire.fetch, { method: "GET" }))).toMatchObject({ delivered: true });

    const [sent] = wire.sent;
    const query = new URLSearchParams(params).toString();
    expect(sent!.url).toBe(`${url}&${query}`);
    expect(sent!.init.method).toBe("GET");
    expect(sent!.init.body).toBeUndefined();
    expect(header(sent!, "Content-Type")).toBeNull();
    expect(twilio.validateRequest(TOKEN, header(sent!, "X-Twilio-Signature")!, sent!.url, {})).toBe(true);
  });

  it("answers the status of a refusal, so a pre-event can tell a refusal from no answer", async () => {
    const wire = recorder(() => new Response("no", { status: 403 }));
    expect(await postCallback("https://hooks.example.com/pre", params, options(wire.fetch))).toEqual({
      delivered: false,
      problem: "answered HTTP 403",
      permanent: false,
      status: 403,
    });
  });
});
