/**
 * The widgets that ask another system and wait for its answer: `make-http-request` (a team's API),
 * `run-function` (Studio names a Twilio Function by URL; here it is the team's HTTPS endpoint) and
 * `send-to-flex` (the conversation becomes a task, with the self-service context for the agent). Each
 * renders its properties, asks for one awaited effect, and takes `success`/`failed` (or the hand-off)
 * from the result. A template that fails or a URL that is not http(s) is the widget's failure, not a throw.
 */
import { SELF_SERVICE_ATTRIBUTE } from "../../../contract/self-service";
import { LIMITS, contentTypeOf } from "./catalogue";
import { render } from "./liquid";
import { addEffect, resetWidget, scope, type Outcome, type Run } from "./run-state";
import { selfService } from "./self-service";
import type { EffectResult, WidgetState } from "./types";
import { callKind, callOf } from "./voice";
import { isRecord } from "../../../contract/is-record";

type Json = Record<string, unknown>;

/** Renders every property named, or the first failure. */
function renderAll(
  run: Run,
  properties: Json,
  names: readonly string[],
): { ok: true; values: Record<string, string> } | { ok: false; error: string } {
  const values: Record<string, string> = {};
  for (const name of names) {
    const rendered = render(properties[name], scope(run));
    if (!rendered.ok) return { ok: false, error: `${name}: ${rendered.error}` };
    values[name] = rendered.text;
  }
  return { ok: true, values };
}

/** `parameters: [{ key, value }]` rendered, in order. */
function renderParameters(run: Run, parameters: unknown): { ok: true; values: [string, string][] } | { ok: false; error: string } {
  const values: [string, string][] = [];
  for (const parameter of Array.isArray(parameters) ? parameters : []) {
    if (!isRecord(parameter) || typeof parameter.key !== "string") continue;
    const rendered = render(parameter.value, scope(run));
    if (!rendered.ok) return { ok: false, error: `parameter ${parameter.key}: ${rendered.error}` };
    values.push([parameter.key, rendered.text]);
  }
  return { ok: true, values };
}

const isHttpUrl = (url: string) => /^https?:\/\/[^\s/]+/i.test(url.trim());

function timeoutMs(value: unknown): number {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, LIMITS.httpTimeoutSeconds) * 1000 : LIMITS.httpTimeoutSeconds * 1000;
}

/** Fails the widget before any effect: its context says why. */
function failed(run: Run, widget: WidgetState, event: string, error: string): Outcome {
  resetWidget(run, widget.name, { error });
  return { kind: "leave", event };
}

/** make-http-request: GET with the parameters as a query; POST as a form or as the JSON `body`. */
export function enterHttpRequest(run: Run, widget: WidgetState): Outcome {
  const properties = widget.properties as Json;
  const rendered = renderAll(run, properties, ["url", "body"]);
  if (!rendered.ok) return failed(run, widget, "failed", rendered.error);
  const parameters = renderParameters(run, properties.parameters);
  if (!parameters.ok) return failed(run, widget, "failed", parameters.error);
  const url = rendered.values.url!.trim();
  if (!isHttpUrl(url)) return failed(run, widget, "failed", `url "${url}" is not an http(s) URL`);
  const method = String(properties.method ?? "GET").toUpperCase();
  const contentType = contentTypeOf(properties.content_type) ?? "application/x-www-form-urlencoded";
  const form = new URLSearchParams(parameters.values).toString();
  let target = url;
  let body: string | null = null;
  if (method === "GET") {
    if (form) target = `${url}${url.includes("?") ? "&" : "?"}${form}`;
  } else if (contentType === "application/json") {
    body = rendered.values.body || JSON.stringify(Object.fromEntries(parameters.values));
  } else {
    body = form;
  }
  resetWidget(run, widget.name);
  const id = addEffect(run, {
    kind: "http-request",
    awaited: true,
    method,
    url: target,
    content_type: contentType,
    headers: method === "GET" ? {} : { "content-type": contentType },
    body,
    timeout_ms: timeoutMs(properties.timeout),
  });
  return { kind: "wait", waiting: { kind: "result", effect_id: id } };
}

/** run-function: the team's endpoint, with the rendered parameters. */
export function enterRunFunction(run: Run, widget: WidgetState): Outcome {
  const properties = widget.properties as Json;
  const rendered = renderAll(run, properties, ["url"]);
  if (!rendered.ok) return failed(run, widget, "fail", rendered.error);
  const parameters = renderParameters(run, properties.parameters);
  if (!parameters.ok) return failed(run, widget, "fail", parameters.error);
  const url = rendered.values.url!.trim();
  if (!isHttpUrl(url)) return failed(run, widget, "fail", `url "${url}" is not an http(s) URL`);
  resetWidget(run, widget.name);
  const id = addEffect(run, {
    kind: "run-function",
    awaited: true,
    url,
    parameters: Object.fromEntries(parameters.values),
    timeout_ms: timeoutMs(properties.timeout),
  });
  return { kind: "wait", waiting: { kind: "result", effect_id: id } };
}

/**
 * The answer of an HTTP request or a function: `status_code`, `content_type`, `body`, and `parsed` when
 * the body is JSON (`widgets.<name>.parsed.…`). 2xx is success; anything else, or no answer, the failure.
 */
export function resumeRequest(run: Run, widget: WidgetState, result: EffectResult, failure: "failed" | "fail"): Outcome {
  const value: Json = { ...(result.value ?? {}) };
  const context = resetWidget(run, widget.name, value);
  if (typeof value.body === "string") {
    const parsed = parseJson(value.body, value.content_type);
    if (parsed !== undefined) context.parsed = parsed;
  }
  if (!result.ok) {
    context.error = result.reason;
    return { kind: "leave", event: failure };
  }
  const status = Number(value.status_code);
  return { kind: "leave", event: status >= 200 && status < 300 ? "success" : failure };
}

function parseJson(body: string, contentType: unknown): unknown {
  const looksJson = /json/i.test(String(contentType ?? "")) || /^\s*[[{]/.test(body);
  if (!looksJson) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined; // Not JSON after all: the body stays readable as `widgets.<name>.body`.
  }
}

/** send-to-flex: a task with the rendered attributes plus `self_service`. */
export function enterSendToFlex(run: Run, widget: WidgetState): Outcome {
  const properties = widget.properties as Json;
  const rendered = renderAll(run, properties, ["workflow", "channel", "attributes", "priority", "timeout"]);
  if (!rendered.ok) return failed(run, widget, "failedToEnqueue", rendered.error);
  const { workflow, channel, attributes, priority, timeout } = rendered.values;
  let parsed: unknown = {};
  if (attributes!.trim() !== "") {
    try {
      parsed = JSON.parse(attributes!);
    } catch {
      return failed(run, widget, "failedToEnqueue", `attributes are not JSON: ${attributes!.slice(0, 200)}`);
    }
  }
  if (!isRecord(parsed)) return failed(run, widget, "failedToEnqueue", "attributes must be a JSON object");
  resetWidget(run, widget.name);
  const id = addEffect(run, {
    kind: "create-task",
    awaited: true,
    workflow_sid: workflow!.trim(),
    // On a call the task is the call's (its `channel` property names a Twilio TaskChannel SID, meaningless here).
    channel: callOf(run) ? callKind(run) : channel!.trim(),
    attributes: JSON.stringify({ ...parsed, [SELF_SERVICE_ATTRIBUTE]: selfService(run) }),
    ...wholeNumber("priority", priority!),
    ...wholeNumber("timeout", timeout!),
  });
  return { kind: "wait", waiting: { kind: "result", effect_id: id } };
}

const wholeNumber = (name: "priority" | "timeout", text: string) => (/^\s*\d+\s*$/.test(text) ? { [name]: Number(text) } : {});

/** The task exists: the execution ends, handed off. A refusal takes `failedToEnqueue`. */
export function resumeSendToFlex(run: Run, widget: WidgetState, result: EffectResult): Outcome {
  resetWidget(run, widget.name, { ...(result.value ?? {}), ...(result.ok ? {} : { error: result.reason }) });
  return result.ok ? { kind: "hand-off", event: "callComplete" } : { kind: "leave", event: "failedToEnqueue" };
}
