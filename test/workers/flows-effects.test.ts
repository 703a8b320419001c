/**
 * The flow runtime's parts that need no engine: the HTTP and Function widgets' one request
 * (durable-objects/flow/flow-http.ts) against a fetch double — JSON parsed by content type, a non-2xx a
 * failure that keeps the answer, a too-large answer and a timeout failures with their reasons, a Function
 * POSTed as a form signed as Twilio signs it — and the DirectoryDO's executions index Studio's list reads
 * (newest first, filtered by creation time, a late older write changing nothing, bad SIDs refused).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { httpRequest, MAX_RESPONSE_BYTES, runFunction } from "../../durable-objects/flow/flow-http";
import { validTwilioSignature } from "../../callbacks/signature";
import { directoryFor } from "../../platform/objects";
import { newSid } from "../../contract/ids";
import type { ExecutionRecord } from "../../durable-objects/flow/flow-records";
import type { ApiResult, Page } from "../../durable-objects/common/rpc";

const ACCOUNT = env.ACCOUNT_SID!;

/** A fetch that answers `response` and remembers what it was asked. */
function double(response: () => Response | Promise<Response>) {
  const asked: Request[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    asked.push(new Request(input, init));
    return response();
  }) as typeof fetch;
  return { asked, fetcher };
}

const get = (url: string, timeout_ms = 1_000) =>
  ({
    id: "FN1-E0",
    kind: "http-request",
    awaited: true,
    method: "GET",
    url,
    content_type: "application/json",
    headers: {},
    body: null,
    timeout_ms,
  }) as const;

describe("an HTTP widget's request", () => {
  it.each([
    [
      "JSON by its content type",
      Response.json({ status: "shipped" }),
      { ok: true, value: { status_code: 200, parsed: { status: "shipped" } } },
    ],
    [
      "a +json type too",
      new Response('{"a":1}', { headers: { "content-type": "application/problem+json" } }),
      { ok: true, value: { parsed: { a: 1 } } },
    ],
    [
      "text stays text",
      new Response("fine", { headers: { "content-type": "text/plain" } }),
      { ok: true, value: { body: "fine", content_type: "text/plain" } },
    ],
    [
      "a non-2xx fails, keeping the answer",
      new Response("nope", { status: 503 }),
      { ok: false, reason: "answered HTTP 503", value: { status_code: 503, body: "nope" } },
    ],
    ["an answer over the limit fails", new Response("x".repeat(MAX_RESPONSE_BYTES + 1)), { ok: false, reason: "response too large" }],
  ])("%s", async (_what, response, expected) => {
    const { fetcher } = double(() => response);
    expect(await httpRequest(fetcher, get("https://shop.example/orders/1"))).toMatchObject(expected);
  });

  it("sends the method, headers and body it was given, and never follows a redirect", async () => {
    const { asked, fetcher } = double(() => new Response(null, { status: 302, headers: { location: "https://elsewhere" } }));
    const result = await httpRequest(fetcher, {
      ...get("https://shop.example/orders"),
      method: "POST",
      headers: { "x-team": "blue" },
      body: '{"order":"1"}',
    });
    expect(result).toMatchObject({ ok: false, reason: "answered HTTP 302" });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.method).toBe("POST");
    expect(asked[0]!.headers.get("x-team")).toBe("blue");
    expect(asked[0]!.headers.get("content-type")).toBe("application/json");
    expect(await asked[0]!.text()).toBe('{"order":"1"}');
  });

  it("fails with a reason when there is no answer in time or the URL is not http(s)", async () => {
    const hang = (async (_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)),
      )) as typeof fetch;
    expect(await httpRequest(hang, get("https://slow.example/", 20))).toEqual({ ok: false, reason: "no answer within 20 ms" });
    const { asked, fetcher } = double(() => new Response("never"));
    expect(await httpRequest(fetcher, get("file:///etc/passwd"))).toEqual({ ok: false, reason: "the URL is not an absolute http(s) URL" });
    expect(asked).toHaveLength(0);
  });
});

describe("a Function widget's call", () => {
  it("POSTs its parameters as a form signed with the account's auth token", async () => {
    const { asked, fetcher } = double(() => Response.json({ answer: 42 }));
    const url = "https://fn.example/lookup?x=1";
    const result = await runFunction(fetcher, env.AUTH_TOKEN, {
      id: "FN1-E1",
      kind: "run-function",
      awaited: true,
      url,
      parameters: { order: "7", customer: "+15550001111" },
      timeout_ms: 1_000,
    });
    expect(result).toMatchObject({ ok: true, value: { status_code: 200, parsed: { answer: 42 } } });
    const request = asked[0]!;
    const form = Object.fromEntries(new URLSearchParams(await request.text()));
    expect(form).toEqual({ order: "7", customer: "+15550001111" });
    expect(await validTwilioSignature(env.AUTH_TOKEN!, request.headers.get("x-twilio-signature") ?? "", url, form)).toBe(true);
  });

  it("refuses to call unsigned when no auth token is set", async () => {
    const { asked, fetcher } = double(() => new Response("never"));
    const effect = {
      id: "FN1-E2",
      kind: "run-function",
      awaited: true,
      url: "https://fn.example/",
      parameters: {},
      timeout_ms: 1_000,
    } as const;
    expect(await runFunction(fetcher, undefined, effect)).toMatchObject({ ok: false });
    expect(asked).toHaveLength(0);
  });
});

describe("the executions index", () => {
  const ws = newSid("WS");
  const flow = newSid("FW");
  const directory = () => directoryFor(env, ws);
  const record = (sid: string, created: number, status: "active" | "ended", updated: number | null = null): ExecutionRecord => ({
    sid,
    account_sid: ACCOUNT,
    flow_sid: flow,
    workspace_sid: ws,
    contact_channel_address: "+15550001111",
    contact_sid: null,
    flow_version: 1,
    context: {},
    status,
    date_created: new Date(created).toISOString(),
    date_updated: updated === null ? null : new Date(updated).toISOString(),
    conversation_sid: null,
  });
  const list = async (filter: { from?: number; to?: number } = {}) => {
    const page = (await directory().listExecutions(ACCOUNT, flow, filter, { pageSize: 10, page: 0 })) as ApiResult<Page<ExecutionRecord>>;
    if (!page.ok) throw new Error(page.message);
    return page.value.items.map((e) => `${e.sid.slice(-4)}:${e.status}`);
  };

  it("lists a flow's executions newest first, between creation times, and a late older write changes nothing", async () => {
    const [a, b, c] = ["a", "b", "c"].map((x) => "FN" + x.repeat(28) + "0000".replace(/0/g, x));
    for (const [sid, at] of [
      [a!, 1_000],
      [b!, 2_000],
      [c!, 3_000],
    ] as const)
      expect((await directory().recordExecution(ACCOUNT, record(sid, at, "active"))).ok).toBe(true);
    expect(await list()).toEqual(["cccc:active", "bbbb:active", "aaaa:active"]);
    expect(await list({ from: 1_500, to: 2_500 })).toEqual(["bbbb:active"]);

    await directory().recordExecution(ACCOUNT, record(b!, 2_000, "ended", 5_000));
    // A retry of the earlier write lands late: the ended execution stays ended.
    await directory().recordExecution(ACCOUNT, record(b!, 2_000, "active", 4_000));
    expect(await list()).toEqual(["cccc:active", "bbbb:ended", "aaaa:active"]);

    await directory().removeExecution(ACCOUNT, flow, a!);
    expect(await list()).toEqual(["cccc:active", "bbbb:ended"]);
  });

  it("refuses a record that names no execution or flow, and writes nothing", async () => {
    const refused = await directory().recordExecution(ACCOUNT, { ...record("FN" + "d".repeat(32), 1, "active"), flow_sid: "nope" });
    expect(refused).toMatchObject({ ok: false, status: 400 });
    expect((await directory().recordExecution(ACCOUNT, record("XX" + "d".repeat(32), 1, "active"))).ok).toBe(false);
    expect(await list()).not.toContain("dddd:active");
  });
});
