/**
 * The voice widgets through `advance`, one widget at a time on an incoming call: what the caller is asked to
 * hear and say (the say-play, gather and record effects with Studio's defaults), which transition each
 * result takes and what lands in `widgets.<name>`, and the two hand-offs (enqueue-call, connect-call-to) as
 * tasks. Bad paths as carefully: templates that fail, a media service that fails, a caller who hangs up.
 */
import { describe, expect, it } from "vitest";
import { SELF_SERVICE_ATTRIBUTE } from "../../../contract/self-service";
import type { Advance, EffectResult } from "../../../durable-objects/flow/engine/types";
import { CALL, definitionOf, effectOf, execution, flowJson, startCall } from "./support";

type Properties = Record<string, unknown>;
const ok = (value: Record<string, unknown> = {}): EffectResult => ({ ok: true, value });
const failure = (reason: string): EffectResult => ({ ok: false, reason });
const path = (result: Advance) => result.steps.map((step) => `${step.name}:${step.event}`);

/** A call flow: the widget under test, each of its transitions to a say-play named after the event. */
function widgetFlow(type: string, properties: Properties, events: readonly string[]) {
  return definitionOf(
    flowJson(
      [
        { name: "w", type, properties, transitions: events.map((event) => ({ event, next: `after_${event}` })) },
        ...events.map((event) => ({
          name: `after_${event}`,
          type: "say-play",
          properties: { say: `after ${event}` },
          transitions: [{ event: "audioComplete" }],
        })),
      ],
      "incomingCall",
    ),
  );
}

/** Starts a call into `w`; the Advance of the start and the execution. */
function enterWidget(type: string, properties: Properties, events: readonly string[], call: Properties = {}) {
  const run = execution(widgetFlow(type, properties, events));
  return { run, started: run.send(startCall(call)) };
}

describe("say-play", () => {
  const EVENTS = ["audioComplete"];
  it.each([
    // Studio's defaults: language en-US, loop 1; Liquid renders against the call.
    [{ say: "Hello {{trigger.call.From}}" }, { say: `Hello ${CALL.From}`, language: "en-US", loop: 1 }],
    [
      { say: "Bonjour", voice: "Polly.Celine", language: "fr-FR", loop: 3 },
      { say: "Bonjour", voice: "Polly.Celine", language: "fr-FR", loop: 3 },
    ],
    // loop 0 is Studio's "until interrupted": 100 times at most; above 100 is capped too.
    [
      { play: "https://media.example.com/a.wav", loop: 0 },
      { play: "https://media.example.com/a.wav", language: "en-US", loop: 100 },
    ],
    [
      { say: "x", loop: "250" },
      { say: "x", language: "en-US", loop: 100 },
    ],
    // Both given: `say` wins (validation warns).
    [
      { say: "words", play: "https://media.example.com/a.wav" },
      { say: "words", language: "en-US", loop: 1 },
    ],
  ])("%j asks the caller to hear %j", (properties, prompt) => {
    const { started } = enterWidget("say-play", properties, EVENTS);
    expect(effectOf(started, "say-play")).toMatchObject({ awaited: true, prompt });
    expect(effectOf(started, "say-play").prompt).toEqual(prompt);
    expect(started.state).toMatchObject({ status: "active", current: "w", waiting: { kind: "result" } });
  });

  it("played: audioComplete, and the words join the transcript", () => {
    const { run } = enterWidget("say-play", { say: "Welcome" }, EVENTS);
    const done = run.answer(ok());
    expect(path(done)).toEqual(["w:audioComplete"]);
    expect(done.state.transcript.map((line) => line.body)).toEqual(["Welcome", "after audioComplete"]);
  });

  it("not played (the media service failed): still audioComplete, with the reason as widgets.w.error", () => {
    const { run } = enterWidget("say-play", { say: "Welcome" }, EVENTS);
    const done = run.answer(failure("media service unreachable"));
    expect(path(done)).toEqual(["w:audioComplete"]);
    expect(done.state.context.widgets).toMatchObject({ w: { error: "media service unreachable" } });
  });

  it.each([
    [{ say: "{{ x | nope }}" }, "say: Liquid: undefined filter: nope"],
    [{ play: "{{trigger.call.To}}" }, `play "${CALL.To}" is not an http(s) URL`],
    [{ say: "{{flow.variables.missing}}" }, "nothing to say or play"],
  ])("%j fails before any effect: audioComplete with %j", (properties, error) => {
    const { started } = enterWidget("say-play", properties, EVENTS);
    expect(started.effects.map((effect) => effect.kind)).toEqual(["say-play"]); // the next widget's, not w's
    expect(path(started)).toEqual(["Trigger:incomingCall", "w:audioComplete"]);
    expect(String((started.state.context.widgets as Properties & { w: { error: string } }).w.error)).toContain(error);
  });
});

describe("gather-input-on-call", () => {
  const EVENTS = ["keypress", "speech", "timeout"];
  it.each([
    [
      // No properties at all (Studio requires none): its defaults, listening for keys and speech, no prompt.
      {},
      null,
      {
        input: ["dtmf", "speech"],
        finish_on_key: "#",
        number_of_digits: null,
        timeout_s: 5,
        speech_timeout: "auto",
        language: "en-US",
        hints: "",
        stop_gather: true,
        profanity_filter: true,
      },
    ],
    [
      // As older Studio exports write them: strings for booleans and numbers, finish key off.
      {
        say: "Enter your account number",
        voice: "Polly.Amy-Neural",
        language: "en-GB",
        loop: 2,
        finish_on_key: "",
        number_of_digits: "8",
        timeout: "10",
        speech_timeout: "3",
        gather_language: "en-GB",
        hints: "billing, support",
        stop_gather: "false",
        profanity_filter: "false",
        speech_model: "numbers_and_commands",
      },
      { say: "Enter your account number", voice: "Polly.Amy-Neural", language: "en-GB", loop: 2 },
      {
        input: ["dtmf", "speech"],
        finish_on_key: "",
        number_of_digits: 8,
        timeout_s: 10,
        speech_timeout: 3,
        language: "en-GB",
        hints: "billing, support",
        stop_gather: false,
        profanity_filter: false,
      },
    ],
  ])("%j: prompt %j, listening %j", (properties, prompt, gather) => {
    const { started } = enterWidget("gather-input-on-call", properties, EVENTS);
    expect(effectOf(started, "gather")).toEqual({ id: expect.any(String), kind: "gather", awaited: true, prompt, gather });
  });

  it.each([
    [ok({ Digits: "1" }), "keypress", { Digits: "1" }, "(keypad) 1"],
    [
      ok({ SpeechResult: "billing please", Confidence: 0.91 }),
      "speech",
      { SpeechResult: "billing please", Confidence: 0.91 },
      "billing please",
    ],
    [ok({}), "timeout", {}, undefined],
    [ok({ Digits: "", SpeechResult: "  " }), "timeout", { Digits: "" }, undefined],
    [failure("no media service"), "timeout", { error: "no media service" }, undefined],
  ])("%j takes %s with widgets.w = %j", (result, event, context, heard) => {
    const { run } = enterWidget("gather-input-on-call", { say: "Press 1" }, EVENTS);
    const done = run.answer(result);
    expect(path(done)[0]).toBe(`w:${event}`);
    expect((done.state.context.widgets as Record<string, unknown>).w).toMatchObject(context);
    const customer = done.state.transcript.filter((line) => line.from === "customer").map((line) => line.body);
    expect(customer).toEqual(heard ? [heard] : []);
  });

  it("the key a flow reads: a split on widgets.w.Digits", () => {
    const definition = definitionOf(
      flowJson(
        [
          {
            name: "w",
            type: "gather-input-on-call",
            properties: { number_of_digits: 1 },
            transitions: [{ event: "keypress", next: "split" }],
          },
          {
            name: "split",
            type: "split-based-on",
            properties: { input: "{{widgets.w.Digits}}" },
            transitions: [
              { event: "noMatch" },
              { event: "match", next: "two", conditions: [{ arguments: ["{{widgets.w.Digits}}"], type: "equal_to", value: "2" }] },
            ],
          },
          { name: "two", type: "say-play", properties: { say: "You pressed two" }, transitions: [] },
        ],
        "incomingCall",
      ),
    );
    const run = execution(definition);
    run.send(startCall());
    expect(effectOf(run.answer(ok({ Digits: "2" })), "say-play").prompt.say).toBe("You pressed two");
  });
});

describe("record-voicemail", () => {
  const EVENTS = ["recordingComplete", "noAudio", "hangup"];
  it.each([
    // Studio's defaults, its 3600 s maximum capped at 600.
    [{}, { max_length_s: 600, timeout_s: 5, finish_on_key: "#", play_beep: true, trim: true, transcribe: false }],
    [
      { max_length: 120, timeout: "3", finish_on_key: "*#", play_beep: "false", trim: "do-not-trim", transcribe: true },
      { max_length_s: 120, timeout_s: 3, finish_on_key: "*#", play_beep: false, trim: false, transcribe: true },
    ],
    [{ max_length: "3600" }, { max_length_s: 600, timeout_s: 5, finish_on_key: "#", play_beep: true, trim: true, transcribe: false }],
  ])("%j records %j", (properties, record) => {
    const { started } = enterWidget("record-voicemail", properties, EVENTS);
    expect(effectOf(started, "record").record).toEqual(record);
  });

  const recording = { RecordingSid: "ME01", RecordingUrl: "https://sb.example.com/media/ME01", RecordingDuration: 12 };
  it.each([
    [ok(recording), "recordingComplete", recording],
    [
      ok({ ...recording, TranscriptionText: "call me back", TranscriptionStatus: "completed" }),
      "recordingComplete",
      { TranscriptionText: "call me back" },
    ],
    [ok({ ...recording, RecordingDuration: 0 }), "noAudio", { RecordingDuration: 0 }],
    // Hung up having said nothing: noAudio, so no flow files an empty voicemail.
    [ok({ ...recording, RecordingDuration: 0, hangup: true }), "noAudio", { RecordingDuration: 0 }],
    [ok({ ...recording, hangup: true }), "hangup", recording],
    [failure("recording upload failed"), "noAudio", { error: "recording upload failed" }],
  ])("%j takes %s with widgets.w ⊇ %j", (result, event, context) => {
    const { run } = enterWidget("record-voicemail", {}, EVENTS);
    const done = run.answer(result);
    expect(path(done)[0]).toBe(`w:${event}`);
    const widget = (done.state.context.widgets as Record<string, Record<string, unknown>>).w!;
    expect(widget).toMatchObject(context);
    expect(widget).not.toHaveProperty("hangup");
  });

  it("the caller hangs up while recording: the execution waits for the recording, takes hangup, and the call is gone after", () => {
    const { run } = enterWidget("record-voicemail", {}, EVENTS);
    const hungUp = run.send({ kind: "hangup" });
    expect(hungUp).toMatchObject({ steps: [], effects: [], state: { status: "active", current: "w", hung_up: true } });
    const done = run.answer(ok({ ...recording, hangup: true }));
    // after_hangup is a say-play: the call is gone, so it ends the execution, and nothing hangs up again.
    expect(path(done)).toEqual(["w:hangup"]);
    expect(done.effects).toEqual([]);
    expect(done.state).toMatchObject({
      status: "ended",
      ended_reason: 'Widget "after_hangup" of type say-play cannot run: the caller hung up',
    });
  });
});

describe("enqueue-call", () => {
  const EVENTS = ["callComplete", "failedToEnqueue", "callFailure"];
  const WW = "WW" + "1".repeat(32);
  const properties = {
    workflow_sid: WW,
    task_attributes: '{"type": "inbound", "name": "{{trigger.call.From}}"}',
    priority: "5",
    timeout: 600,
  };

  it("makes the call's task through the workflow, with the rendered attributes and self_service", () => {
    const { started } = enterWidget("enqueue-call", properties, EVENTS);
    const task = effectOf(started, "create-task");
    expect(task).toMatchObject({ workflow_sid: WW, channel: "voice", priority: 5, timeout: 600 });
    expect(JSON.parse(task.attributes)).toMatchObject({ type: "inbound", name: CALL.From, [SELF_SERVICE_ATTRIBUTE]: { transcript: [] } });
  });

  it("a video call's task is on the video channel", () => {
    const { started } = enterWidget("enqueue-call", properties, EVENTS, { Kind: "video" });
    expect(effectOf(started, "create-task").channel).toBe("video");
  });

  it("the task exists: handed off (callComplete), and the call is not hung up", () => {
    const { run } = enterWidget("enqueue-call", properties, EVENTS);
    const done = run.answer(ok({ task_sid: "WT1" }));
    expect(path(done)).toEqual(["w:callComplete"]);
    expect(done.effects).toEqual([]);
    expect(done.state).toMatchObject({ status: "ended", ended_reason: "handed-off", context: { widgets: { w: { task_sid: "WT1" } } } });
  });

  it("refused: failedToEnqueue with the reason", () => {
    const { run } = enterWidget("enqueue-call", properties, EVENTS);
    const done = run.answer(failure("workflow WW… not found"));
    expect(path(done)[0]).toBe("w:failedToEnqueue");
    expect(done.state.context.widgets).toMatchObject({ w: { error: "workflow WW… not found" } });
  });

  it.each([
    [{ ...properties, task_attributes: "{{trigger.call.From}}" }, `task_attributes are not JSON: ${CALL.From}`],
    [{ ...properties, task_attributes: '["{{trigger.call.From}}"]' }, "task_attributes must be a JSON object"],
    [{ ...properties, workflow_sid: "{{flow.variables.none}}" }, "no workflow_sid"],
  ])("%j fails before any task: failedToEnqueue (%s)", (bad, error) => {
    const { started } = enterWidget("enqueue-call", bad, EVENTS);
    expect(started.effects.some((effect) => effect.kind === "create-task")).toBe(false);
    expect(path(started)).toContain("w:failedToEnqueue");
    expect(String((started.state.context.widgets as Record<string, Properties>).w!.error)).toContain(error);
  });
});

describe("connect-call-to (client: a Switchboard worker)", () => {
  const EVENTS = ["callCompleted", "hangup"];
  const ANN = "WK" + "a".repeat(32);
  it.each([
    [ANN, { transferTargetType: "worker", transferTargetSid: ANN, known_worker_sid: ANN }],
    ["Ann Lee", { transferTargetType: "worker", known_worker_friendly_name: "Ann Lee" }],
  ])("to %j: a task for that worker through the workspace's default workflow", (to, attributes) => {
    const { started } = enterWidget(
      "connect-call-to",
      { noun: "client", to, caller_id: "{{contact.channel.address}}", timeout: 20 },
      EVENTS,
    );
    const task = effectOf(started, "create-task");
    expect(task).toMatchObject({ workflow_sid: "", channel: "voice" });
    expect(JSON.parse(task.attributes)).toMatchObject(attributes);
  });

  it("the worker's task exists: handed off (callCompleted), no hang-up", () => {
    const { run } = enterWidget("connect-call-to", { noun: "client", to: ANN }, EVENTS);
    const done = run.answer(ok({ task_sid: "WT1" }));
    expect(path(done)).toEqual(["w:callCompleted"]);
    expect(done.effects).toEqual([]);
    expect(done.state.ended_reason).toBe("handed-off");
  });

  it("no task (as Studio's failed dial): callCompleted with DialCallStatus failed, and the flow goes on", () => {
    const { run } = enterWidget("connect-call-to", { noun: "client", to: ANN }, EVENTS);
    const done = run.answer(failure("no worker WKaaa…"));
    expect(path(done)).toEqual(["w:callCompleted"]);
    expect(done.state.context.widgets).toMatchObject({ w: { DialCallStatus: "failed", error: "no worker WKaaa…" } });
    expect(effectOf(done, "say-play").prompt.say).toBe("after callCompleted");
  });

  it.each([
    [{ noun: "client", to: "{{flow.variables.none}}" }, "to names no worker"],
    [{ noun: "number", to: "+15551234567" }, 'noun "number" dials out'],
  ])("%j fails at once: callCompleted (%s)", (properties, error) => {
    // The second only reaches the engine unvalidated (validation refuses it): the engine still never throws.
    const definition = widgetFlow("connect-call-to", { noun: "client", to: ANN }, EVENTS);
    const states = definition.states.map((state) => (state.name === "w" ? { ...state, properties } : state));
    const run = execution({ ...definition, states });
    const started = run.send(startCall());
    expect(path(started)).toContain("w:callCompleted");
    expect(String((started.state.context.widgets as Record<string, Properties>).w!.error)).toContain(error);
  });
});

describe("a call's execution", () => {
  const twoSays = definitionOf(
    flowJson(
      [
        { name: "hello", type: "say-play", properties: { say: "Hello" }, transitions: [{ event: "audioComplete", next: "bye" }] },
        { name: "bye", type: "say-play", properties: { say: "Bye" }, transitions: [{ event: "audioComplete" }] },
      ],
      "incomingCall",
    ),
  );

  it("runs out of widgets: completed, and one hang-up (Studio hangs up)", () => {
    const run = execution(twoSays);
    run.send(startCall());
    run.answer(ok());
    const done = run.answer(ok());
    expect(done.state).toMatchObject({ status: "ended", ended_reason: "completed" });
    expect(done.effects).toEqual([{ id: expect.any(String), kind: "hang-up", awaited: false }]);
  });

  it("ended from outside (Status=ended): one hang-up", () => {
    const run = execution(twoSays);
    run.send(startCall());
    const done = run.send({ kind: "end", reason: "ended by the Executions API" });
    expect(done.effects.map((effect) => effect.kind)).toEqual(["hang-up"]);
  });

  it("the caller hangs up while hearing a prompt: ended hangup, no hang-up of its own; the late result is ignored", () => {
    const run = execution(twoSays);
    const started = run.send(startCall());
    const hungUp = run.send({ kind: "hangup" });
    expect(hungUp.state).toMatchObject({ status: "ended", ended_reason: "hangup", hung_up: true });
    expect(hungUp.effects).toEqual([]);
    const late = run.send({ kind: "result", effect_id: effectOf(started, "say-play").id, result: ok() });
    expect(late.ignored).toBe("ended");
  });

  it("send-to-flex on a call: the task is the call's (channel voice), whatever TaskChannel SID the export names", () => {
    const definition = definitionOf(
      flowJson(
        [
          {
            name: "flex",
            type: "send-to-flex",
            properties: { workflow: "WW" + "2".repeat(32), channel: "TC" + "3".repeat(32), attributes: "{}" },
          },
        ],
        "incomingCall",
      ),
    );
    const run = execution(definition);
    expect(effectOf(run.send(startCall()), "create-task").channel).toBe("voice");
    expect(run.answer(ok()).effects).toEqual([]);
  });

  it.each(["say-play", "gather-input-on-call", "record-voicemail", "connect-call-to", "enqueue-call"])(
    "%s in an execution a message started ends it, naming the widget, and hangs nothing up",
    (type) => {
      const properties = { say: "Hi", noun: "client", to: "Ann", workflow_sid: "WW" + "1".repeat(32) };
      const definition = definitionOf(flowJson([{ name: "voice", type, properties }]));
      const run = execution(definition);
      const started = run.send({
        kind: "start",
        trigger: { kind: "incomingMessage", message: { fields: { Body: "hi" } } },
        contact: {},
      });
      expect(started.effects).toEqual([]);
      expect(started.state).toMatchObject({
        status: "ended",
        ended_reason: `Widget "voice" of type ${type} needs a call, and this execution was not started by one`,
      });
    },
  );

  it("a hangup on a messaging execution ends it without a hang-up effect", () => {
    const definition = definitionOf(
      flowJson([{ name: "ask", type: "send-and-wait-for-reply", properties: { body: "Hi?", timeout: "0" } }]),
    );
    const run = execution(definition);
    run.send({ kind: "start", trigger: { kind: "incomingMessage", message: { fields: { Body: "hi" } } }, contact: {} });
    const done = run.send({ kind: "hangup" });
    expect(done).toMatchObject({ effects: [], state: { status: "ended", ended_reason: "hangup" } });
  });
});
