/**
 * The flow engine's speed (issue 16): Studio steps per second through the pure engine
 * (durable-objects/flow/engine/) on a support conversation — greeting, a menu split, variables, a
 * reply, a hand-off — beside what storing the execution's state costs anyway (its JSON written and read
 * back once per input, as the FlowDO does), measured in the same run.
 */
import { advance, newExecution, validateDefinition } from "../durable-objects/flow/engine/engine";
import type { ExecutionState, FlowDefinition, FlowInput } from "../durable-objects/flow/engine/types";

const widget = (name: string, type: string, properties: Record<string, unknown>, transitions: { event: string; next?: string }[]) => ({
  name,
  type,
  properties,
  transitions,
});
const match = (next: string, value: string) => ({
  event: "match",
  next,
  conditions: [{ friendly_name: value, arguments: ["{{widgets.ask.inbound.Body}}"], type: "matches_any_of", value }],
});

/** A support menu as Studio exports it: 8 widgets on the path a customer takes to an agent. */
const SUPPORT = {
  description: "Bench support menu",
  initial_state: "Trigger",
  flags: { allow_concurrent_calls: true },
  states: [
    widget("Trigger", "trigger", {}, [{ event: "incomingMessage", next: "note" }, { event: "incomingRequest" }]),
    widget("note", "set-variables", { variables: [{ key: "first", value: "{{trigger.message.Body | downcase}}" }] }, [
      { event: "next", next: "hello" },
    ]),
    widget("hello", "send-message", { body: "Hi {{contact.channel.address}}, thanks for writing." }, [
      { event: "sent", next: "ask" },
      { event: "failed" },
    ]),
    widget("ask", "send-and-wait-for-reply", { body: "Reply 1 for billing or 2 for support.", timeout: "600" }, [
      { event: "incomingMessage", next: "menu" },
      { event: "timeout" },
      { event: "deliveryFailure" },
    ]),
    {
      name: "menu",
      type: "split-based-on",
      properties: { input: "{{widgets.ask.inbound.Body}}" },
      transitions: [{ event: "noMatch", next: "ask" }, match("billing", "1,billing"), match("support", "2,support")],
    },
    widget("billing", "set-variables", { variables: [{ key: "queue", value: "billing" }] }, [{ event: "next", next: "agent" }]),
    widget("support", "set-variables", { variables: [{ key: "queue", value: "support" }] }, [{ event: "next", next: "agent" }]),
    widget(
      "agent",
      "send-to-flex",
      {
        workflow: "WW00000000000000000000000000000001",
        channel: "TC00000000000000000000000000000001",
        attributes: '{"queue":"{{flow.variables.queue}}"}',
      },
      [{ event: "callComplete" }, { event: "failedToEnqueue" }],
    ),
  ],
};

const fields = (Body: string) => ({
  Body,
  From: "+15550001111",
  To: "+15559990000",
  ChannelSid: "XC1",
  ConversationSid: "CH1",
  MessageSid: `IM${Body}`,
});
const NOW = Date.UTC(2026, 11, 7, 10, 0);
const host = { now: NOW, calendars: {} };

/** One conversation's inputs, the awaited effects' results answered as the FlowDO would. */
function* conversation(definition: FlowDefinition, index: number): Generator<FlowInput, void, ExecutionState> {
  let state: ExecutionState = yield {
    kind: "start",
    trigger: { kind: "incomingMessage", message: { fields: fields("Hello") } },
    contact: { channel: { address: "+1555000" } },
  };
  const answer = function* (s: ExecutionState): Generator<FlowInput, ExecutionState, ExecutionState> {
    let current = s;
    while (current.status === "active" && current.waiting?.kind === "result" && current.waiting.effect_id)
      current = yield { kind: "result", effect_id: current.waiting.effect_id, result: { ok: true, value: { sid: "x" } } };
    return current;
  };
  yield* answer(state);
  state = yield { kind: "message", message: { fields: fields(index % 3 === 0 ? "maybe" : "1") } };
  state = yield* answer(state);
  if (state.status === "active") state = yield { kind: "message", message: { fields: fields("2") } };
  yield* answer(state);
  void definition;
}

export interface FlowsFigures {
  readonly conversations: number;
  readonly steps: number;
  readonly inputs: number;
  readonly engineMs: number;
  readonly storeMs: number;
}

/** Runs `count` conversations through the engine, then the same states' JSON round trips alone. */
export function runFlowsBench(count = 20_000): FlowsFigures {
  const checked = validateDefinition(SUPPORT);
  if (!checked.ok) throw new Error(`the bench flow does not validate: ${JSON.stringify(checked.errors)}`);
  const definition = checked.definition;
  const states: ExecutionState[] = [];
  let steps = 0;
  const run = (record: boolean) => {
    for (let i = 0; i < count; i++) {
      let state = newExecution(`FN${String(i).padStart(32, "0")}`, "FW00000000000000000000000000000001");
      const inputs = conversation(definition, i);
      let next = inputs.next(state);
      while (!next.done) {
        const result = advance(definition, state, next.value, host);
        state = result.state;
        if (record) {
          steps += result.steps.length;
          states.push(state);
        }
        next = inputs.next(state);
      }
      if (record && state.status !== "ended") throw new Error(`conversation ${i} did not reach an agent: ${JSON.stringify(state)}`);
    }
  };
  run(false); // warm-up
  const started = performance.now();
  run(true);
  const engineMs = performance.now() - started;
  const storeStarted = performance.now();
  let bytes = 0;
  for (const state of states) bytes += (JSON.parse(JSON.stringify(state)) as ExecutionState).steps;
  const storeMs = performance.now() - storeStarted;
  if (bytes < 0) throw new Error("unreachable");
  return { conversations: count, steps, inputs: states.length, engineMs, storeMs };
}
