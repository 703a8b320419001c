/**
 * Validation of the voice widgets: real exports pass as Studio writes them (booleans as "true", numbers as
 * strings, `speech_model`, empty `play`, callbacks); what Switchboard cannot do is an error naming the widget,
 * its type and the property; what it does differently is a warning that still accepts the flow.
 */
import { describe, expect, it } from "vitest";
import { validateDefinition } from "../../../durable-objects/flow/engine/engine";
import { fixture, flowJson } from "./support";

type Properties = Record<string, unknown>;
const widget = (type: string, properties: Properties) => flowJson([{ name: "w", type, properties }], "incomingCall");

describe("voice widgets as Studio exports them", () => {
  it.each(["call-ivr-menu", "call-after-hours-voicemail", "call-connect-agent"])("%s validates without a warning", (name) => {
    expect(validateDefinition(fixture(name))).toMatchObject({ ok: true, warnings: [] });
  });

  it.each([
    // Property sets seen in exported flows, as they are.
    [
      "gather-input-on-call",
      {
        finish_on_key: "#",
        gather_language: "en",
        language: "en-US",
        loop: 1,
        say: "Hello. Press 1 for English, 2 for French or 3 to leave a voicemail.",
        speech_model: "default",
        speech_timeout: "5",
        stop_gather: true,
        timeout: 5,
        offset: { x: -114, y: 429 },
      },
    ],
    ["gather-input-on-call", { speech_timeout: "auto", stop_gather: true, number_of_digits: 1, timeout: 5, offset: { x: 180, y: 450 } }],
    [
      "gather-input-on-call",
      {
        voice: "Polly.Joanna",
        speech_timeout: "auto",
        loop: 1,
        hints: "leasing, residents",
        play: "",
        say: "Press 1",
        stop_gather: false,
        gather_language: "en-US",
        profanity_filter: "true",
        timeout: 5,
      },
    ],
    [
      "gather-input-on-call",
      { say: "{{flow.data.message | default: 'Press 1'}}", voice: "Polly.Matthew", number_of_digits: 1, timeout: 10, loop: 2 },
    ],
    ["say-play", { loop: 1, say: "Welcome to our organization." }],
    ["say-play", { voice: "Polly.Joanna", say: "Our rates…" }],
    ["say-play", { play: "https://example.com/hold.mp3", loop: 1 }],
    [
      "record-voicemail",
      { transcribe: true, trim: "trim-silence", play_beep: "true", timeout: 5, max_length: 300, finish_on_key: "1234567890*#" },
    ],
    ["connect-call-to", { caller_id: "{{contact.channel.address}}", noun: "client", to: "{{flow.variables.agent}}", timeout: 30 }],
    [
      "enqueue-call",
      {
        workflow_sid: "WW" + "1".repeat(32),
        task_attributes: '{"type": "inbound", "name": "{{trigger.call.From}}"}',
        priority: "0",
        timeout: "3600",
      },
    ],
    [
      "enqueue-call",
      {
        workflow_sid: "{{flow.variables.workflow}}",
        task_attributes: "{{flow.variables.attributes}}",
        priority: "{{flow.variables.priority}}",
      },
    ],
  ])("%s %j validates", (type, properties) => {
    expect(validateDefinition(widget(type, properties))).toMatchObject({ ok: true, warnings: [] });
  });
});

describe("voice widgets refused, naming the widget, its type and the property", () => {
  it.each([
    [
      "say-play",
      { digits: "1234#" },
      "/digits",
      /Widget "w" of type say-play plays digits \(keypad tones into the call\), which Switchboard cannot send/,
    ],
    ["say-play", { loop: 1 }, "/say", /of type say-play has nothing to `say` or `play`/],
    ["say-play", { play: "hold.wav" }, "/play", /has play "hold\.wav"; it must be an http\(s\) URL/],
    ["say-play", { say: "Hi", loop: "twice" }, "/loop", /has loop "twice"; it must be a whole number/],
    ["say-play", { say: 42 }, "/say", /has `say` that is not a string/],
    ["gather-input-on-call", { finish_on_key: "##" }, "/finish_on_key", /must be one of 0-9, \* and #/],
    ["gather-input-on-call", { number_of_digits: -1 }, "/number_of_digits", /it must be a whole number/],
    ["gather-input-on-call", { speech_timeout: "soon" }, "/speech_timeout", /it must be "auto" or a whole number/],
    ["gather-input-on-call", { stop_gather: "yes" }, "/stop_gather", /must be true or false/],
    ["gather-input-on-call", { profanity_filter: 1 }, "/profanity_filter", /must be true or false/],
    ["record-voicemail", { max_length: "an hour" }, "/max_length", /it must be a whole number/],
    ["record-voicemail", { trim: "yes" }, "/trim", /use "trim-silence" or "do-not-trim"/],
    ["record-voicemail", { finish_on_key: "a" }, "/finish_on_key", /keys among 0-9/],
    ["record-voicemail", { transcribe: "maybe" }, "/transcribe", /must be true or false/],
    ["connect-call-to", { to: "ann" }, "/noun", /is missing its required property `noun`/],
    ["connect-call-to", { noun: "client" }, "/to", /is missing its required property `to` \(the worker's WK… SID or friendly name\)/],
    ["connect-call-to", { noun: "teleport", to: "x" }, "/noun", /has unknown noun "teleport"/],
    [
      "enqueue-call",
      { queue_name: "support" },
      "/workflow_sid",
      /enqueues into the named queue "support" \(Programmable Voice queues\), which Switchboard does not have/,
    ],
    ["enqueue-call", {}, "/workflow_sid", /is missing its required property `workflow_sid`/],
    ["enqueue-call", { workflow_sid: "WW1", task_attributes: "{type: inbound}" }, "/task_attributes", /are not a JSON object/],
    ["enqueue-call", { workflow_sid: "WW1", priority: "high" }, "/priority", /it must be a whole number/],
  ])("%s %j: %s", (type, properties, path, message) => {
    const checked = validateDefinition(widget(type, properties));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors).toHaveLength(1);
    expect(checked.errors[0]!.property_path).toBe(`/states/1/properties${path}`);
    expect(checked.errors[0]!.message).toMatch(message);
  });

  it.each(["number", "number-multi", "sip", "conference", "sim"])(
    "connect-call-to with noun %s dials out: refused naming the noun",
    (noun) => {
      const checked = validateDefinition(widget("connect-call-to", { noun, to: "+15551234567", caller_id: "{{contact.channel.address}}" }));
      expect(checked).toMatchObject({
        ok: false,
        errors: [
          {
            property_path: "/states/1/properties/noun",
            message: expect.stringContaining(`Widget "w" of type connect-call-to connects to a ${noun}, which dials out`),
          },
        ],
      });
    },
  );
});

describe("voice widgets accepted with a warning", () => {
  it.each([
    ["record-voicemail", { max_length: 3600 }, "/max_length", /records at most 600 seconds here \(max_length 3600 is capped\)/],
    ["record-voicemail", { transcription_callback_url: "https://x.test/t" }, "/transcription_callback_url", /Switchboard does not call/],
    ["record-voicemail", { recording_status_callback_url: "https://x.test/r" }, "/recording_status_callback_url", /RecordingUrl/],
    ["say-play", { say: "Hi", play: "https://x.test/a.wav" }, "/play", /has both `say` and `play`; the caller hears `say`/],
    ["say-play", { say: "Hi", loop: 0 }, "/loop", /plays 100 times at most/],
    ["connect-call-to", { noun: "client", to: "ann", record: "true" }, "/record", /does not record the connected call/],
    ["enqueue-call", { workflow_sid: "WW1", wait_url: "https://x.test/hold" }, "/wait_url", /hears Switchboard's hold music/],
    ["gather-input-on-call", { say: "Hi {% if %}" }, "/say", /Liquid/],
  ])("%s %j warns at %s", (type, properties, path, message) => {
    const checked = validateDefinition(widget(type, properties));
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.warnings).toEqual([{ property_path: `/states/1/properties${path}`, message: expect.stringMatching(message) }]);
    expect(checked.warnings[0]!.message).toMatch(new RegExp(`^Widget "w" of type ${type}[ :]`));
  });

  it("a transition event the voice widget never takes is a warning", () => {
    const json = flowJson(
      [{ name: "w", type: "say-play", properties: { say: "Hi" }, transitions: [{ event: "keypress" }] }],
      "incomingCall",
    );
    expect(validateDefinition(json)).toMatchObject({
      ok: true,
      warnings: [
        {
          property_path: "/states/1/transitions/0/event",
          message: 'Widget "w" of type say-play never takes the transition event "keypress"',
        },
      ],
    });
  });
});
