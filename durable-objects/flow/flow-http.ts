/**
 * A flow's HTTP effects (issue 16): `make-http-request` and `run-function` widgets. One request each,
 * with the effect's timeout, the answer read within {@link MAX_RESPONSE_BYTES} (a bigger one fails with
 * "response too large"), parsed as JSON when its content type says so — the widget's context then is
 * Studio's `status_code`, `content_type`, `body` and `parsed`. A function is POSTed its parameters as a
 * form, signed with `X-Twilio-Signature` under the account's auth token, as Twilio calls a Function and as
 * Switchboard signs its event callbacks (callbacks/signature.ts). Never throws: every failure is a result.
 * Whether a request may be sent at all (at most once, across evictions) is the FlowDO's: it marks the
 * effect attempted before calling these.
 */
import { withDeadline } from "../../platform/deadline";
import { twilioSignature } from "../../callbacks/signature";
import { readAtMost } from "../../platform/read-at-most";
import type { EffectResult, FlowEffect } from "./engine/types";

/** The most of an answer a widget reads. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

type HttpEffect = Extract<FlowEffect, { kind: "http-request" }>;
type FunctionEffect = Extract<FlowEffect, { kind: "run-function" }>;

/**
 * Sends a `make-http-request` widget's request.
 * @example await httpRequest(fetch, { id: "e1", kind: "http-request", awaited: true, method: "GET", url, content_type: "application/json", headers: {}, body: null, timeout_ms: 5000 })
 */
export function httpRequest(fetcher: typeof fetch, effect: HttpEffect): Promise<EffectResult> {
  const headers = new Headers(effect.headers);
  const hasBody = effect.body !== null && effect.method !== "GET" && effect.method !== "HEAD";
  if (hasBody && !headers.has("content-type")) headers.set("content-type", effect.content_type);
  return exchange(fetcher, effect.url, { method: effect.method, headers, ...(hasBody ? { body: effect.body } : {}) }, effect.timeout_ms);
}

/**
 * Calls a `run-function` widget's Function: its parameters as a signed form POST.
 * @example await runFunction(fetch, env.AUTH_TOKEN, { id: "e2", kind: "run-function", awaited: true, url, parameters: { a: "1" }, timeout_ms: 10000 })
 */
export async function runFunction(fetcher: typeof fetch, authToken: string | undefined, effect: FunctionEffect): Promise<EffectResult> {
  if (!authToken) return { ok: false, reason: "the account's auth token is not set, so the function cannot be signed" };
  const headers = new Headers({
    "content-type": "application/x-www-form-urlencoded",
    "x-twilio-signature": await twilioSignature(authToken, effect.url, effect.parameters),
  });
  return exchange(
    fetcher,
    effect.url,
    { method: "POST", headers, body: new URLSearchParams(effect.parameters).toString() },
    effect.timeout_ms,
  );
}

async function exchange(fetcher: typeof fetch, url: string, init: RequestInit, timeoutMs: number): Promise<EffectResult> {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    return { ok: false, reason: "the URL is not an absolute http(s) URL" };
  // The deadline is a timer cleared once the answer is read (platform/deadline.ts), not `AbortSignal.timeout`:
  // workerd counts a pending timer as the request still running, so the FlowDO stayed busy (and unevictable)
  // for the whole timeout after a quick answer.
  return withDeadline(timeoutMs, (signal) => answerOf(fetcher, url, { ...init, redirect: "manual", signal }, timeoutMs));
}

async function answerOf(fetcher: typeof fetch, url: string, init: RequestInit, timeoutMs: number): Promise<EffectResult> {
  let response: Response;
  try {
    response = await fetcher(url, init);
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { ok: false, reason: timedOut ? `no answer within ${timeoutMs} ms` : "the request failed (network error)" };
  }
  let bytes: Uint8Array | null;
  try {
    bytes = await readAtMost(response.body, MAX_RESPONSE_BYTES);
  } catch {
    return { ok: false, reason: "the response could not be read" };
  }
  if (bytes === null) return { ok: false, reason: "response too large", value: { status_code: response.status } };
  const contentType = response.headers.get("content-type") ?? "";
  const body = new TextDecoder().decode(bytes);
  const value: Record<string, unknown> = { status_code: response.status, content_type: contentType, body };
  if (/[/+]json\b/i.test(contentType)) {
    try {
      value.parsed = JSON.parse(body) as unknown;
    } catch {
      // Said JSON, is not: the widget still has the body.
    }
  }
  return response.status >= 200 && response.status < 300
    ? { ok: true, value }
    : { ok: false, reason: `answered HTTP ${response.status}`, value };
}
