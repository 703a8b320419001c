/**
 * Property tests: whatever the customer writes or keys or says, however the bot reads it, whatever the world
 * answers and whenever a caller hangs up, advance never throws, its state stays JSON (what the FlowDO stores),
 * and the same state and input always give the same result (effect ids included: the runtime's idempotency
 * keys rely on it). On a call, an execution hangs up exactly once when it ends without handing the call on or
 * the caller hanging up, and never otherwise.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advance, newExecution } from "../../../durable-objects/flow/engine/engine";
import type { ExecutionState, FlowDefinition, FlowInput } from "../../../durable-objects/flow/engine/types";
import { EXECUTION_SID, FLOW_SID, NOW, definitionOf, fixture } from "./support";

// Values as they reach the engine: parsed from JSON text (a webhook, an RPC of stored JSON), so never a −0.
const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const classification = fc.record({
  intent: fc.string(),
  confidence: fc.double({ noNaN: true, noDefaultInfinity: true }), // JSON numbers are finite
  entities: fc.array(fc.record({ entity: fc.string(), text: fc.string(), value: json })),
  sentiment: fc.double({ min: -1, max: 1, noNaN: true }),
  language: fc.string(),
});
const flowMessage = fc.record(
  { fields: fc.dictionary(fc.string(), json).map((fields) => fields as Record<string, unknown>), classification },
  { requiredKeys: ["fields"] },
);
const messageWithBody = fc
  .tuple(flowMessage, fc.oneof(fc.string(), fc.constantFrom("1", "agent", "{{ trigger }}", "{% raw %}", "2")))
  .map(([m, Body]) => ({ ...m, fields: { ...m.fields, Body } }));

/** Any input, with effect and wait ids sometimes right (minted by the engine) and sometimes not. */
const input = (state: ExecutionState): fc.Arbitrary<FlowInput> =>
  fc.oneof(
    fc.record({ kind: fc.constant("message" as const), message: fc.oneof(flowMessage, messageWithBody) }),
    fc.record({ kind: fc.constant("timeout" as const), wait_id: fc.constantFrom(state.waiting?.wait_id ?? "none", "stale") }),
    fc.record({
      kind: fc.constant("result" as const),
      effect_id: fc.constantFrom(state.waiting?.effect_id ?? "none", "stray"),
      result: fc.oneof(
        fc.record({ ok: fc.constant(true as const), value: fc.dictionary(fc.string(), json) }),
        fc.record({ ok: fc.constant(false as const), reason: fc.string() }),
        fc.record({
          ok: fc.constant(true as const),
          value: fc.record({
            status_code: fc.integer({ min: 100, max: 599 }),
            content_type: fc.constantFrom("application/json", "text/plain"),
            body: fc.oneof(
              fc.string(),
              json.map((v) => JSON.stringify(v)),
            ),
          }),
        }),
        // What the media service answers: keys, words, a recording (maybe cut short by a hang-up).
        fc.record({
          ok: fc.constant(true as const),
          value: fc.oneof(
            fc.record({ Digits: fc.constantFrom("1", "2", "0", "7", "", "123#") }),
            fc.record({
              SpeechResult: fc.constantFrom("billing", "support please", "agent", "", "pizza"),
              Confidence: fc.double({ min: 0, max: 1, noNaN: true }),
            }),
            fc.record(
              {
                RecordingSid: fc.constant("ME1"),
                RecordingUrl: fc.constant("https://x.test/ME1"),
                RecordingDuration: fc.nat(700),
                hangup: fc.boolean(),
              },
              { requiredKeys: ["RecordingSid", "RecordingUrl", "RecordingDuration"] },
            ),
          ),
        }),
      ),
    }),
    fc.record({ kind: fc.constant("end" as const), reason: fc.string() }),
    fc.constant({ kind: "hangup" as const }),
  );

const MESSAGE: FlowInput = {
  kind: "start",
  trigger: { kind: "incomingMessage", message: { fields: { Body: "hi" } } },
  contact: { channel: { address: "+1" } },
};
const CALL: FlowInput = { kind: "start", trigger: { kind: "incomingCall", call: { CallSid: "CA1", From: "+1", To: "+2" } }, contact: {} };

function check(definition: FlowDefinition, seed: fc.Arbitrary<FlowInput[]>, start: FlowInput = MESSAGE) {
  fc.assert(
    fc.property(seed, fc.array(fc.nat(), { maxLength: 6 }), (starts, picks) => {
      let state = newExecution(EXECUTION_SID, FLOW_SID);
      let hangUps = 0;
      for (const next of [start, ...starts, ...picks.map(() => null)]) {
        const chosen = next ?? fc.sample(input(state), { numRuns: 1, seed: picks.length + state.effects })[0]!;
        const result = advance(definition, state, chosen, { now: NOW, calendars: { support: { open: picks.length % 2 === 0 } } });
        expect(JSON.parse(JSON.stringify(result))).toEqual(result);
        expect(advance(definition, state, chosen, { now: NOW, calendars: { support: { open: picks.length % 2 === 0 } } })).toEqual(result);
        hangUps += result.effects.filter((effect) => effect.kind === "hang-up").length;
        state = result.state;
      }
      const owesHangUp = start === CALL && state.status === "ended" && state.ended_reason !== "handed-off" && !state.hung_up;
      expect(hangUps).toBe(owesHangUp ? 1 : 0);
    }),
    { numRuns: 150 },
  );
}

describe("advance, on arbitrary inputs", () => {
  it.each(["call-ivr-menu", "call-after-hours-voicemail", "call-connect-agent"])(
    "never throws, stays JSON and hangs up once at most on %s",
    (name) => {
      const definition = definitionOf(fixture(name));
      check(
        definition,
        fc.array(
          fc.constant(null).chain(() => input(newExecution(EXECUTION_SID, FLOW_SID))),
          { maxLength: 6 },
        ),
        CALL,
      );
    },
  );

  it.each(["support-menu", "order-lookup", "after-hours"])("never throws and stays JSON on %s", (name) => {
    const definition = definitionOf(fixture(name));
    check(
      definition,
      fc.array(
        fc.constant(null).chain(() => input(newExecution(EXECUTION_SID, FLOW_SID))),
        { maxLength: 6 },
      ),
    );
  });
});
