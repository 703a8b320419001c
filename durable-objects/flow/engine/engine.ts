/**
 * The flow engine's entry points (issue 16; interface in ./types.ts): validate a Studio definition, make a
 * fresh execution, and advance an execution by one input. Pure — no I/O, no clock but `host.now` — so
 * the FlowDO can store what an input did and its effects in one transaction and carry the effects out
 * after, at most once.
 */
import type { RunnableType } from "./catalogue";
import { LIMITS, isVoice } from "./catalogue";
import { enterSendAndWait, enterSendMessage, enterSetVariables, enterSplit, resumeSendMessage } from "./messages";
import { enterHttpRequest, enterRunFunction, enterSendToFlex, resumeRequest, resumeSendToFlex } from "./requests";
import { heard, messageFields, mintId, startRun, widgetContext, type Outcome, type Run } from "./run-state";
import type {
  Advance,
  EffectResult,
  EngineHost,
  ExecutionState,
  FlowDefinition,
  FlowInput,
  IgnoredInput,
  Validation,
  WidgetState,
} from "./types";
import { validate } from "./validate";
import {
  callOf,
  enterConnect,
  enterEnqueue,
  enterGather,
  enterRecord,
  enterSayPlay,
  resumeConnect,
  resumeEnqueue,
  resumeGather,
  resumeRecord,
  resumeSayPlay,
  voiceRefusal,
} from "./voice";
import { isRecord } from "../../../contract/is-record";

/**
 * Validates a Studio definition (the JSON as exported): every widget's type, properties and transitions.
 * Errors and warnings name the widget, its type and a path such as `/states/3/properties/url`.
 * @example
 * const checked = validateDefinition(JSON.parse(studioExport));
 * if (!checked.ok) console.log(checked.errors.map((e) => `${e.property_path}: ${e.message}`));
 */
export function validateDefinition(definition: unknown): Validation {
  return validate(definition);
}

/**
 * A fresh execution's state, before its `start` input. Studio's `flow.sid` is the execution's SID and
 * `flow.flow_sid` the flow's; effect ids are minted from the former.
 * @example
 * const state = newExecution("FN0123…", "FW0123…"); // status "active", current null
 */
export function newExecution(executionSid: string, flowSid: string): ExecutionState {
  return {
    status: "active",
    current: null,
    waiting: null,
    context: { flow: { flow_sid: flowSid, sid: executionSid, variables: {}, data: {} }, widgets: {} },
    transcript: [],
    effects: 0,
    steps: 0,
  };
}

/**
 * Runs the execution from `state` on `input` until it waits or ends: the next state, the steps taken (one
 * per transition, Studio's Steps) and the effects to carry out. Never throws; never changes `state`. An
 * input that changes nothing says why in `ignored` (a customer's message while the flow does not wait for
 * a reply: the runtime routes it as it would without a flow).
 * @example
 * const { state, steps, effects } = advance(definition, newExecution(sid, flowSid), { kind: "start", trigger, contact }, { now: Date.now(), calendars: {} });
 */
export function advance(definition: FlowDefinition, state: ExecutionState, input: FlowInput, host: EngineHost): Advance {
  const ignored = (reason: IgnoredInput): Advance => ({ state, steps: [], effects: [], ignored: reason });
  if (state.status === "ended") return ignored("ended");
  const run = startRun(definition, state, host);
  try {
    const skipped = apply(run, input);
    if (skipped) return ignored(skipped);
  } catch (error) {
    // A definition that slipped past validation, or a bug: the execution ends with the reason, never a throw.
    const failed = startRun(definition, state, host);
    ended(failed, `engine error: ${error instanceof Error ? error.message : String(error)}`);
    return { state: failed.state, steps: [], effects: failed.effects };
  }
  return { state: run.state, steps: run.steps, effects: run.effects };
}

/** Applies one input to the run; answers why it was ignored, if it was. */
function apply(run: Run, input: FlowInput): IgnoredInput | undefined {
  const { state } = run;
  const current = state.current === null ? undefined : run.widgets.get(state.current);
  switch (input.kind) {
    case "start":
      if (state.current !== null || state.steps > 0) return "already-started";
      return start(run, input);
    case "message": {
      if (state.waiting?.kind !== "reply" || !current) return "not-waiting-for-reply";
      clearTimer(run);
      heard(run, input.message);
      widgetContext(run, current.name).inbound = messageFields(input.message);
      return leave(run, current, { kind: "leave", event: "incomingMessage" });
    }
    case "timeout":
      if (state.waiting?.kind !== "reply" || state.waiting.wait_id !== input.wait_id || !current) return "stale-timeout";
      return leave(run, current, { kind: "leave", event: "timeout" });
    case "result":
      if (!current || state.waiting?.effect_id !== input.effect_id) return "unknown-effect";
      return leave(run, current, resume(run, current, input.result));
    case "end":
      clearTimer(run);
      ended(run, input.reason);
      return undefined;
    case "hangup":
      run.state.hung_up = true;
      // A recording goes on to its end: its result comes with `hangup: true` and takes Studio's `hangup`.
      if (current?.type === "record-voicemail" && state.waiting?.kind === "result") return undefined;
      clearTimer(run);
      ended(run, "hangup");
      return undefined;
    default: {
      const unknown: never = input;
      throw new Error(`unknown input ${JSON.stringify(unknown)}`);
    }
  }
}

/** The trigger: Studio's context, then the trigger's transition for what started it. */
function start(run: Run, input: Extract<FlowInput, { kind: "start" }>): undefined {
  const { context } = run.state;
  const { trigger } = input;
  context.contact = { ...input.contact };
  context.flow.data = { ...(input.data ?? (trigger.kind === "incomingRequest" ? trigger.parameters : {})) };
  let channel: unknown;
  switch (trigger.kind) {
    case "incomingMessage":
      context.trigger = { message: messageFields(trigger.message) };
      channel = trigger.message.fields.To;
      heard(run, trigger.message);
      break;
    case "incomingRequest":
      context.trigger = { request: { ...trigger.request, parameters: { ...trigger.parameters } } };
      channel = trigger.request.from ?? trigger.request.From;
      break;
    case "incomingCall":
      context.trigger = { call: { ...trigger.call } };
      channel = trigger.call.To;
      break;
    default: {
      const unknown: never = trigger;
      throw new Error(`unknown trigger ${JSON.stringify(unknown)}`);
    }
  }
  context.flow.channel = { address: typeof channel === "string" ? channel : "" };
  const widget = run.widgets.get(run.definition.initial_state);
  if (!widget) return void ended(run, `initial_state "${run.definition.initial_state}" names no widget`);
  // Conversations-triggered Studio flows leave from incomingConversationMessage; either runs a message.
  const event =
    trigger.kind === "incomingMessage" && !hasNext(widget, "incomingMessage") && hasNext(widget, "incomingConversationMessage")
      ? "incomingConversationMessage"
      : trigger.kind;
  return leave(run, widget, { kind: "leave", event });
}

const hasNext = (widget: WidgetState, event: string) =>
  widget.transitions.some((transition) => transition.event === event && transition.next);

/** A widget's answer to its awaited effect. */
function resume(run: Run, widget: WidgetState, result: EffectResult): Outcome {
  switch (widget.type as RunnableType) {
    case "send-message":
      return resumeSendMessage(run, widget, result);
    case "send-and-wait-for-reply":
      // The send of a widget that waits for a reply: a failure takes deliveryFailure, a success changes nothing.
      Object.assign(widgetContext(run, widget.name), result.value ?? {});
      if (result.ok) {
        const { kind, wait_id } = run.state.waiting!;
        return { kind: "wait", waiting: wait_id ? { kind, wait_id } : { kind } };
      }
      clearTimer(run);
      widgetContext(run, widget.name).error = result.reason;
      return { kind: "leave", event: "deliveryFailure" };
    case "make-http-request":
      return resumeRequest(run, widget, result, "failed");
    case "run-function":
      return resumeRequest(run, widget, result, "fail");
    case "send-to-flex":
      return resumeSendToFlex(run, widget, result);
    case "say-play":
      return resumeSayPlay(run, widget, result);
    case "gather-input-on-call":
      return resumeGather(run, widget, result);
    case "record-voicemail":
      return resumeRecord(run, widget, result);
    case "connect-call-to":
      return resumeConnect(run, widget, result);
    case "enqueue-call":
      return resumeEnqueue(run, widget, result);
    case "trigger":
    case "split-based-on":
    case "set-variables":
      return { kind: "end", reason: `Widget "${widget.name}" of type ${widget.type} waits for no result` };
    default:
      return { kind: "end", reason: `Widget "${widget.name}" of type ${widget.type} cannot run` };
  }
}

/** Enters a widget: it leaves at once, waits, or ends the execution. */
function enter(run: Run, widget: WidgetState): Outcome {
  const refused = isVoice(widget.type) ? voiceRefusal(run, widget) : null;
  if (refused) return refused;
  switch (widget.type as RunnableType) {
    case "send-message":
      return enterSendMessage(run, widget);
    case "send-and-wait-for-reply":
      return enterSendAndWait(run, widget);
    case "split-based-on":
      return enterSplit(run, widget);
    case "set-variables":
      return enterSetVariables(run, widget);
    case "make-http-request":
      return enterHttpRequest(run, widget);
    case "run-function":
      return enterRunFunction(run, widget);
    case "send-to-flex":
      return enterSendToFlex(run, widget);
    case "say-play":
      return enterSayPlay(run, widget);
    case "gather-input-on-call":
      return enterGather(run, widget);
    case "record-voicemail":
      return enterRecord(run, widget);
    case "connect-call-to":
      return enterConnect(run, widget);
    case "enqueue-call":
      return enterEnqueue(run, widget);
    case "trigger":
      return { kind: "end", reason: `A transition re-entered the trigger "${widget.name}"` };
    default:
      return { kind: "end", reason: `Widget "${widget.name}" of type ${widget.type} cannot run` };
  }
}

/**
 * Follows outcomes from `widget` until the execution waits or ends, recording a step per transition.
 * Studio's guards: at most LIMITS.steps steps per execution, and one widget at most LIMITS.repeats times in a row.
 */
function leave(run: Run, from: WidgetState, first: Outcome): undefined {
  let widget = from;
  let outcome = first;
  let repeated = { name: "", times: 0 };
  for (;;) {
    switch (outcome.kind) {
      case "wait":
        run.state.current = widget.name;
        run.state.waiting = outcome.waiting;
        return;
      case "end":
        return void ended(run, outcome.reason);
      case "hand-off":
        step(run, widget, outcome.event, undefined);
        return void ended(run, "handed-off");
      case "leave": {
        const { event, transition: index } = outcome;
        const transition = index !== undefined ? widget.transitions[index] : widget.transitions.find((t) => t.event === event);
        const next = transition?.next ? run.widgets.get(transition.next) : undefined;
        step(run, widget, outcome.event, next);
        if (!next) return void ended(run, "completed");
        if (run.state.steps >= LIMITS.steps) return void ended(run, `step-limit: Studio stops an execution after ${LIMITS.steps} steps`);
        repeated = repeated.name === next.name ? { name: next.name, times: repeated.times + 1 } : { name: next.name, times: 1 };
        if (repeated.times > LIMITS.repeats)
          return void ended(run, `repeat-limit: widget "${next.name}" ran ${LIMITS.repeats} times in a row`);
        run.state.current = next.name;
        run.state.waiting = null;
        widget = next;
        outcome = enter(run, next);
        break;
      }
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
      }
    }
  }
}

/** Records a step: `widget` left by `event` towards `next` ("Ended" when none). */
function step(run: Run, widget: WidgetState, event: string, next: WidgetState | undefined): void {
  const context = widget.type === "trigger" ? run.state.context.trigger : run.state.context.widgets[widget.name];
  run.steps.push({
    name: widget.name,
    event,
    type: widget.type,
    transitioned_from: widget.name,
    transitioned_to: next?.name ?? "Ended",
    context: structuredClone(isRecord(context) ? context : {}),
    at: run.host.now,
  });
  run.state.steps += 1;
}

/** Clears the reply timer the execution waits on, if any. */
function clearTimer(run: Run): void {
  const waitId = run.state.waiting?.wait_id;
  if (waitId) run.effects.push({ id: mintId(run), kind: "clear-timer", wait_id: waitId });
}

/**
 * Ends the execution. A call's execution that ends without handing the call on hangs up (Studio does), unless
 * the caller already has.
 */
function ended(run: Run, reason: string): ExecutionState {
  if (callOf(run) && reason !== "handed-off" && !run.state.hung_up) run.effects.push({ id: mintId(run), kind: "hang-up", awaited: false });
  run.state.status = "ended";
  run.state.current = null;
  run.state.waiting = null;
  run.state.ended_reason = reason;
  return run.state;
}
