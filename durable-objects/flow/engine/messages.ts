/**
 * The messaging and logic widgets: `send-message` (awaits the send's outcome: `sent`/`failed`),
 * `send-and-wait-for-reply` (sends, then waits for the customer's reply or the timeout), `split-based-on`
 * (the first match transition whose conditions all hold, else `noMatch`) and `set-variables`. Templates
 * render against Studio's context; one that fails takes the widget's failure transition, or — for
 * set-variables, which has none — ends the execution with the reason.
 */
import { isOperator } from "./catalogue";
import { render } from "./liquid";
import { addEffect, mintId, resetWidget, said, scope, variables, widgetContext, type Outcome, type Run } from "./run-state";
import { holds } from "./split";
import type { EffectResult, FlowEffect, WidgetState } from "./types";
import { isRecord } from "../../../contract/is-record";

type Json = Record<string, unknown>;
const DEFAULT_REPLY_TIMEOUT_SECONDS = 3600;

/** The outbound message's fields, rendered; or why not. */
function outbound(run: Run, properties: Json): { ok: true; message: Json } | { ok: false; error: string } {
  const message: Json = {};
  for (const [property, field] of [
    ["body", "Body"],
    ["to", "To"],
    ["from", "From"],
    ["media_url", "MediaUrl"],
    ["attributes", "Attributes"],
  ] as const) {
    if (properties[property] === undefined) continue;
    const rendered = render(properties[property], scope(run));
    if (!rendered.ok) return { ok: false, error: `${property}: ${rendered.error}` };
    message[field] = rendered.text;
  }
  return { ok: true, message };
}

function sendEffect(message: Json, awaited: boolean): Omit<Extract<FlowEffect, { kind: "send-message" }>, "id"> {
  const optional = (field: string) =>
    typeof message[field] === "string" && message[field] !== "" ? (message[field] as string) : undefined;
  const [to, from, media_url, attributes] = [optional("To"), optional("From"), optional("MediaUrl"), optional("Attributes")];
  return {
    kind: "send-message",
    awaited,
    body: typeof message.Body === "string" ? message.Body : "",
    ...(to ? { to } : {}),
    ...(from ? { from } : {}),
    ...(media_url ? { media_url } : {}),
    ...(attributes ? { attributes } : {}),
  };
}

/** send-message: sends, and waits for the send's outcome. */
export function enterSendMessage(run: Run, widget: WidgetState): Outcome {
  const rendered = outbound(run, widget.properties as Json);
  if (!rendered.ok) {
    resetWidget(run, widget.name, { error: rendered.error });
    return { kind: "leave", event: "failed" };
  }
  resetWidget(run, widget.name, { outbound: rendered.message });
  const id = addEffect(run, sendEffect(rendered.message, true));
  return { kind: "wait", waiting: { kind: "result", effect_id: id } };
}

/** The send's outcome: what was sent joins the transcript. */
export function resumeSendMessage(run: Run, widget: WidgetState, result: EffectResult): Outcome {
  const context = widgetContext(run, widget.name);
  Object.assign(context, result.value ?? {});
  if (!result.ok) {
    context.error = result.reason;
    return { kind: "leave", event: "failed" };
  }
  const sent = isRecord(context.outbound) && typeof context.outbound.Body === "string" ? context.outbound.Body : "";
  said(run, sent);
  return { kind: "leave", event: "sent" };
}

/** send-and-wait-for-reply: sends (a failure reported later takes `deliveryFailure`) and waits. */
export function enterSendAndWait(run: Run, widget: WidgetState): Outcome {
  const properties = widget.properties as Json;
  const rendered = outbound(run, properties);
  if (!rendered.ok) {
    resetWidget(run, widget.name, { error: rendered.error });
    return { kind: "leave", event: "deliveryFailure" };
  }
  resetWidget(run, widget.name, { outbound: rendered.message });
  const effectId = addEffect(run, sendEffect(rendered.message, false));
  said(run, sendEffect(rendered.message, false).body);
  const timeout = render(properties.timeout, scope(run));
  const seconds = timeout.ok && /^\s*\d+\s*$/.test(timeout.text) ? Number(timeout.text) : DEFAULT_REPLY_TIMEOUT_SECONDS;
  if (seconds <= 0) return { kind: "wait", waiting: { kind: "reply", effect_id: effectId } };
  const timerId = mintId(run);
  const waitId = timerId.replace(/-E(\d+)$/, "-W$1");
  run.effects.push({ id: timerId, kind: "set-timer", wait_id: waitId, due_at: run.host.now + seconds * 1000 });
  return { kind: "wait", waiting: { kind: "reply", wait_id: waitId, effect_id: effectId } };
}

/** split-based-on: the first `match` transition whose conditions all hold on the rendered input. */
export function enterSplit(run: Run, widget: WidgetState): Outcome {
  const input = render(widget.properties.input, scope(run));
  if (!input.ok) {
    resetWidget(run, widget.name, { error: input.error });
    return { kind: "leave", event: "noMatch" };
  }
  const context = resetWidget(run, widget.name, { input: input.text });
  const index = widget.transitions.findIndex(
    (transition) =>
      transition.event === "match" &&
      (transition.conditions ?? []).length > 0 &&
      (transition.conditions ?? []).every((condition) => {
        const value = render(condition.value ?? "", scope(run));
        return value.ok && isOperator(condition.type) && holds(condition.type, input.text, value.text);
      }),
  );
  if (index < 0) return { kind: "leave", event: "noMatch" };
  const matched = widget.transitions[index]!.conditions?.[0]?.friendly_name;
  if (matched) context.matched = matched;
  return { kind: "leave", event: "match", transition: index };
}

/** set-variables: each `{ key, value }` rendered into `flow.variables`, in order (later ones see earlier). */
export function enterSetVariables(run: Run, widget: WidgetState): Outcome {
  const list = Array.isArray(widget.properties.variables) ? (widget.properties.variables as unknown[]) : [];
  for (const variable of list) {
    if (!isRecord(variable) || typeof variable.key !== "string") continue;
    const value = render(variable.value, scope(run));
    if (!value.ok)
      return { kind: "end", reason: `Widget "${widget.name}" of type set-variables could not set ${variable.key}: ${value.error}` };
    variables(run)[variable.key] = value.text;
  }
  return { kind: "leave", event: "next" };
}
