/**
 * The flow engine's two entry points (issue 16; interface in ./types.ts). Stubs until the engine lands.
 */
import type { Advance, EngineHost, ExecutionState, FlowDefinition, FlowInput, Validation } from "./types";

/** Validates a Studio definition (the JSON as exported): every widget's type, properties and transitions. */
export function validateDefinition(definition: unknown): Validation {
  void definition;
  throw new Error("The flow engine is not built yet");
}

/** A fresh execution's state, before its `start` input. */
export function newExecution(executionSid: string, flowSid: string): ExecutionState {
  void executionSid;
  void flowSid;
  throw new Error("The flow engine is not built yet");
}

/** Runs the execution from `state` on `input` until it waits or ends. */
export function advance(definition: FlowDefinition, state: ExecutionState, input: FlowInput, host: EngineHost): Advance {
  void definition;
  void state;
  void input;
  void host;
  throw new Error("The flow engine is not built yet");
}
