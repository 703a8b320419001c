/**
 * Helpers of the flow engine's tests: the Studio exports under fixtures/, and a small builder for
 * definitions written inline (a trigger on incomingMessage into the widgets given).
 */
import { readFileSync } from "node:fs";
import { advance, newExecution, validateDefinition } from "../../../durable-objects/flow/engine/engine";
import type {
  Advance,
  Classification,
  EffectResult,
  EngineHost,
  ExecutionState,
  FlowDefinition,
  FlowInput,
  FlowMessage,
} from "../../../durable-objects/flow/engine/types";

export const EXECUTION_SID = "FN00000000000000000000000000000001";
export const FLOW_SID = "FW00000000000000000000000000000001";
export const NOW = Date.UTC(2026, 11, 7, 10, 0);

/** A Studio export under fixtures/, parsed (not validated). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8"));
}

/** A definition that must validate: the validated (normalised) form. */
export function definitionOf(json: unknown): FlowDefinition {
  const checked = validateDefinition(json);
  if (!checked.ok) throw new Error(`fixture does not validate: ${JSON.stringify(checked.errors)}`);
  return checked.definition;
}

type Widget = {
  name: string;
  type: string;
  properties?: Record<string, unknown>;
  transitions?: { event: string; next?: string; conditions?: unknown[] }[];
};

/** Studio's JSON for a trigger (`event`, incomingMessage by default → the first widget) followed by `widgets`. */
export function flowJson(widgets: readonly Widget[], event = "incomingMessage"): Record<string, unknown> {
  return {
    description: "Test flow",
    initial_state: "Trigger",
    flags: { allow_concurrent_calls: true },
    states: [
      {
        name: "Trigger",
        type: "trigger",
        properties: { offset: { x: 0, y: 0 } },
        transitions: [{ event, ...(widgets[0] ? { next: widgets[0].name } : {}) }, { event: "incomingRequest" }],
      },
      ...widgets.map((widget) => ({ properties: {}, transitions: [], ...widget })),
    ],
  };
}

export const message = (Body: string, classification?: Classification): FlowMessage => ({
  fields: { Body, From: "+15550001111", To: "+15559990000", ChannelSid: "CH1", ConversationSid: "CH2", MessageSid: `IM-${Body}` },
  ...(classification ? { classification } : {}),
});

export const host = (now = NOW, calendars: EngineHost["calendars"] = {}): EngineHost => ({ now, calendars });

/** A start on an incoming message. */
export const startOn = (body: string, classification?: Classification): FlowInput => ({
  kind: "start",
  trigger: { kind: "incomingMessage", message: message(body, classification) },
  contact: { channel: { address: "+15550001111" } },
});

/** Studio's `trigger.call` of a web call to the flow's channel. */
export const CALL = { CallSid: "CA0001", From: "+15550001111", To: "+15559990000", Direction: "inbound", CallStatus: "in-progress" };

/** A start on an incoming call (`fields` added to Studio's `trigger.call`). */
export const startCall = (fields: Record<string, unknown> = {}): FlowInput => ({
  kind: "start",
  trigger: { kind: "incomingCall", call: { ...CALL, ...fields } },
  contact: { channel: { address: CALL.From } },
});

/**
 * An execution driven one input at a time: `send(input)` advances it and answers the Advance;
 * `answer(result)` sends the result of the effect the execution waits for.
 */
export function execution(definition: FlowDefinition, engineHost: EngineHost = host()) {
  let state: ExecutionState = newExecution(EXECUTION_SID, FLOW_SID);
  const send = (input: FlowInput): Advance => {
    const result = advance(definition, state, input, engineHost);
    state = result.state;
    return result;
  };
  const answer = (result: EffectResult): Advance => {
    const effectId = state.waiting?.effect_id;
    if (!effectId) throw new Error(`the execution waits for no effect: ${JSON.stringify(state.waiting)}`);
    return send({ kind: "result", effect_id: effectId, result });
  };
  return { send, answer, state: () => state };
}

/** Runs inputs one after another from a fresh execution; every Advance, in order. */
export function run(definition: FlowDefinition, inputs: readonly FlowInput[], engineHost: EngineHost = host()): Advance[] {
  let state: ExecutionState = newExecution(EXECUTION_SID, FLOW_SID);
  return inputs.map((input) => {
    const result = advance(definition, state, input, engineHost);
    state = result.state;
    return result;
  });
}

/** The one effect of a kind in an Advance. */
export function effectOf<K extends Advance["effects"][number]["kind"]>(
  result: Advance,
  kind: K,
): Extract<Advance["effects"][number], { kind: K }> {
  const found = result.effects.filter((effect) => effect.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} effect, got ${found.length}: ${JSON.stringify(result.effects)}`);
  return found[0] as Extract<Advance["effects"][number], { kind: K }>;
}
