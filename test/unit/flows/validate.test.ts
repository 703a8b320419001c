/**
 * validateDefinition: real Studio exports pass as exported; each kind of mistake is refused with a
 * message naming the widget, its type and the path of the property at fault; warnings do not refuse.
 */
import { describe, expect, it } from "vitest";
import { validateDefinition } from "../../../durable-objects/flow/engine/engine";
import { fixture, flowJson } from "./support";

const sendMessage = { name: "hello", type: "send-message", properties: { body: "Hi" }, transitions: [{ event: "sent" }] };

describe("validateDefinition: real exports", () => {
  it.each(["support-menu", "order-lookup", "after-hours"])("accepts %s as exported, with no warnings", (name) => {
    const checked = validateDefinition(fixture(name));
    expect(checked).toMatchObject({ ok: true, warnings: [] });
  });

  it("takes the definition as a JSON string too (Studio's Definition parameter), and names bad JSON", () => {
    expect(validateDefinition(JSON.stringify(fixture("after-hours")))).toMatchObject({ ok: true, warnings: [] });
    expect(validateDefinition("{ states: ")).toEqual({
      ok: false,
      errors: [{ property_path: "", message: expect.stringMatching(/^A flow definition must be JSON: /) }],
    });
  });

  it("keeps editor-only keys and fills in absent properties and transitions", () => {
    const checked = validateDefinition({
      initial_state: "Trigger",
      states: [
        { name: "Trigger", type: "trigger", transitions: [{ event: "incomingMessage", next: "bye" }] },
        { name: "bye", type: "send-message", properties: { body: "Bye", offset: { x: 1, y: 2 } } },
      ],
    });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.definition.states[0]!.properties).toEqual({});
    expect(checked.definition.states[1]!.transitions).toEqual([]);
    expect(checked.definition.states[1]!.properties.offset).toEqual({ x: 1, y: 2 });
  });
});

/** Each case: a definition with one mistake → the one error's path and words its message must hold. */
const refused: [string, unknown, string, RegExp][] = [
  ["not an object", [], "", /JSON object/],
  ["no states", { initial_state: "Trigger", states: [] }, "/states", /non-empty/],
  ["unknown initial_state", { ...flowJson([sendMessage]), initial_state: "Start" }, "/initial_state", /"Start" names no widget/],
  [
    "initial_state not the trigger",
    { ...flowJson([sendMessage]), initial_state: "hello" },
    "/initial_state",
    /send-message; it must be the trigger/,
  ],
  ["duplicate names", flowJson([sendMessage, { ...sendMessage }]), "/states/2/name", /"hello" is used twice \(also \/states\/1\)/],
  [
    "transition to a missing widget",
    flowJson([{ ...sendMessage, transitions: [{ event: "sent", next: "nowhere" }] }]),
    "/states/1/transitions/0/next",
    /Widget "hello" of type send-message: transition "sent" goes to "nowhere", which is no widget/,
  ],
  [
    "transition back to the trigger",
    flowJson([{ ...sendMessage, transitions: [{ event: "sent", next: "Trigger" }] }]),
    "/states/1/transitions/0/next",
    /cannot re-enter its trigger/,
  ],
  [
    "send-message without body",
    flowJson([{ name: "hello", type: "send-message", properties: { to: "x" } }]),
    "/states/1/properties/body",
    /"hello" of type send-message is missing its required property `body`/,
  ],
  [
    "split without input",
    flowJson([{ name: "menu", type: "split-based-on", properties: {} }]),
    "/states/1/properties/input",
    /missing its required property `input`/,
  ],
  [
    "HTTP request without url",
    flowJson([{ name: "lookup", type: "make-http-request", properties: { method: "GET" } }]),
    "/states/1/properties/url",
    /"lookup" of type make-http-request is missing its required property `url`/,
  ],
  [
    "HTTP request with a bad method",
    flowJson([{ name: "lookup", type: "make-http-request", properties: { method: "FETCH", url: "https://x.test" } }]),
    "/states/1/properties/method",
    /method "FETCH"; Studio's HTTP widget sends GET or POST/,
  ],
  [
    "HTTP request with a bad content type",
    flowJson([
      { name: "lookup", type: "make-http-request", properties: { method: "POST", url: "https://x.test", content_type: "text/xml" } },
    ]),
    "/states/1/properties/content_type",
    /content type "text\/xml"/,
  ],
  [
    "HTTP parameter without a key",
    flowJson([
      { name: "lookup", type: "make-http-request", properties: { method: "GET", url: "https://x.test", parameters: [{ value: "1" }] } },
    ]),
    "/states/1/properties/parameters/0/key",
    /parameter 0 without a `key`/,
  ],
  [
    "run-function without url",
    flowJson([{ name: "fn", type: "run-function", properties: { url: "" } }]),
    "/states/1/properties/url",
    /"fn" of type run-function is missing its required property `url`/,
  ],
  [
    "send-to-flex without workflow",
    flowJson([{ name: "agent", type: "send-to-flex", properties: { channel: "TC1" } }]),
    "/states/1/properties/workflow",
    /missing its required property `workflow`/,
  ],
  [
    "send-and-wait with a bad timeout",
    flowJson([{ name: "ask", type: "send-and-wait-for-reply", properties: { body: "?", timeout: "an hour" } }]),
    "/states/1/properties/timeout",
    /timeout "an hour"; it must be a whole number/,
  ],
  [
    "set-variables without a key",
    flowJson([{ name: "vars", type: "set-variables", properties: { variables: [{ value: "x" }] } }]),
    "/states/1/properties/variables/0/key",
    /variable 0 without a `key`/,
  ],
  [
    "split with an unknown operator",
    flowJson([
      {
        name: "menu",
        type: "split-based-on",
        properties: { input: "x" },
        transitions: [{ event: "match", next: "menu", conditions: [{ arguments: ["x"], type: "sounds_like", value: "y" }] }],
      },
    ]),
    "/states/1/transitions/0/conditions/0/type",
    /unknown operator "sounds_like"/,
  ],
  [
    "split with a regex that does not compile",
    flowJson([
      {
        name: "menu",
        type: "split-based-on",
        properties: { input: "x" },
        transitions: [{ event: "match", conditions: [{ arguments: ["x"], type: "regex", value: "(" }] }],
      },
    ]),
    "/states/1/transitions/0/conditions/0/value",
    /regex "\(" does not compile/,
  ],
  [
    "split match without conditions",
    flowJson([{ name: "menu", type: "split-based-on", properties: { input: "x" }, transitions: [{ event: "match" }] }]),
    "/states/1/transitions/0/conditions",
    /needs its conditions/,
  ],
  [
    "recording a whole call",
    flowJson([{ name: "rec", type: "record-call", properties: { record_call: true } }]),
    "/states/1/type",
    /Widget "rec" of type record-call is not supported yet: Switchboard does not record whole calls/,
  ],
  [
    "dialling out",
    flowJson([{ name: "dial", type: "make-outgoing-call-v2", properties: { to: "+15551234567" } }]),
    "/states/1/type",
    /of type make-outgoing-call-v2 is not supported: dialling out needs a telephone network \(SIP\)/,
  ],
  ["a media stream", flowJson([{ name: "stream", type: "fork-stream" }]), "/states/1/type", /streaming a call's audio/],
  ["a virtual agent", flowJson([{ name: "cx", type: "connect-virtual-agent" }]), "/states/1/type", /Dialogflow virtual agents/],
  [
    "TwiML redirect",
    flowJson([{ name: "twiml", type: "add-twiml-redirect", properties: { url: "https://x.test" } }]),
    "/states/1/type",
    /Switchboard's calls are not driven by TwiML/,
  ],
  ["payments", flowJson([{ name: "pay", type: "capture-payments" }]), "/states/1/type", /until payments exist/],
  [
    "unknown type",
    flowJson([{ name: "odd", type: "teleport" }]),
    "/states/1/type",
    /Widget "odd" of type teleport: unknown widget type "teleport"/,
  ],
  ["widget without a type", flowJson([{ name: "odd" } as never]), "/states/1/type", /"odd" needs a `type`/],
];

describe("validateDefinition: refusals", () => {
  it.each(refused)("%s", (_, json, path, message) => {
    const checked = validateDefinition(json);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors).toHaveLength(1);
    expect(checked.errors[0]!.property_path).toBe(path);
    expect(checked.errors[0]!.message).toMatch(message);
  });

  it("lists every mistake at once, each at its own path", () => {
    const checked = validateDefinition(
      flowJson([
        { name: "greet", type: "say-play" },
        { name: "lookup", type: "make-http-request", properties: { method: "GET" }, transitions: [{ event: "success", next: "gone" }] },
      ]),
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.map((error) => error.property_path)).toEqual([
      "/states/1/properties/say",
      "/states/2/properties/url",
      "/states/2/transitions/0/next",
    ]);
  });
});

describe("validateDefinition: warnings", () => {
  it("warns of unreachable widgets, events a type never takes and templates that do not parse — and still accepts", () => {
    const json = flowJson([
      { ...sendMessage, properties: { body: "Hi {% if %}" }, transitions: [{ event: "sent" }, { event: "delivered" }] },
      { name: "orphan", type: "set-variables", properties: { variables: [] } },
    ]);
    const checked = validateDefinition(json);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.warnings.map((warning) => [warning.property_path, warning.message])).toEqual([
      ["/states/1/properties/body", expect.stringMatching(/^Widget "hello" of type send-message: Liquid: /)],
      ["/states/1/transitions/1/event", 'Widget "hello" of type send-message never takes the transition event "delivered"'],
      ["/states/2", 'Widget "orphan" of type set-variables is never reached'],
    ]);
  });
});
