/**
 * The three call flows under fixtures/ (Studio exports, as Studio writes them), run end to end as a caller
 * would go through them: the IVR menu (keys and speech, a retry, three hand-offs), the after-hours voicemail
 * (open → queue; closed → greeting, beep, message, the CRM told; a caller who hangs up mid-message) and the
 * connect-to-my-agent flow (a worker by SID, and the queue when that fails or the caller waits).
 */
import { describe, expect, it } from "vitest";
import { SELF_SERVICE_ATTRIBUTE } from "../../../contract/self-service";
import type { Advance, EffectResult } from "../../../durable-objects/flow/engine/types";
import { CALL, NOW, definitionOf, effectOf, execution, fixture, host, startCall } from "./support";

const ok = (value: Record<string, unknown> = {}): EffectResult => ({ ok: true, value });
const kinds = (result: Advance) => result.effects.map((effect) => effect.kind);
const path = (results: readonly Advance[]) => results.flatMap((result) => result.steps.map((step) => `${step.name}:${step.event}`));
const WW = "WW2cc9ef4cbd96328adf7e90e4e1fef1c0";

describe("call-ivr-menu.json", () => {
  const definition = definitionOf(fixture("call-ivr-menu"));

  it("asks with Studio's settings as exported", () => {
    const run = execution(definition);
    const gather = effectOf(run.send(startCall()), "gather");
    expect(gather.prompt).toMatchObject({ voice: "Polly.Joanna", language: "en-US", loop: 1 });
    expect(gather.prompt?.say).toMatch(/^Thanks for calling Acme\. Press 1 or say billing/);
    expect(gather.gather).toEqual({
      input: ["dtmf", "speech"],
      finish_on_key: "#",
      number_of_digits: 1,
      timeout_s: 5,
      speech_timeout: "auto",
      language: "en-US",
      hints: "billing, support, agent, operator",
      stop_gather: true,
      profanity_filter: true,
    });
  });

  it.each([
    // Keys, then words: each menu choice reaches its hand-off.
    [{ Digits: "1" }, "billing"],
    [{ SpeechResult: "I have a billing question", Confidence: 0.87 }, "billing"],
  ])("%j is queued for %s, the task carrying what was asked and answered", (heard, queue) => {
    const run = execution(definition);
    run.send(startCall());
    const queued = run.answer(ok(heard));
    const task = effectOf(queued, "create-task");
    expect(task).toMatchObject({ workflow_sid: WW, channel: "voice", priority: 10, timeout: 3600 });
    const attributes = JSON.parse(task.attributes);
    expect(attributes).toMatchObject({ type: "inbound", name: CALL.From, queue });
    expect(attributes[SELF_SERVICE_ATTRIBUTE].transcript.map((line: { from: string }) => line.from)).toEqual(["bot", "customer"]);
    const done = run.answer(ok({ task_sid: "WT1" }));
    expect(done.state).toMatchObject({ status: "ended", ended_reason: "handed-off" });
    expect(kinds(done)).toEqual([]); // the call waits for its agent: no hang-up
  });

  it("2 hears 'connecting you' before the support queue; 0 goes through Send to Flex on the voice channel", () => {
    const support = execution(definition);
    support.send(startCall());
    expect(effectOf(support.answer(ok({ Digits: "2" })), "say-play").prompt.say).toMatch(/^Connecting you to technical support/);
    expect(JSON.parse(effectOf(support.answer(ok()), "create-task").attributes)).toMatchObject({ queue: "technical" });

    const operator = execution(definition);
    operator.send(startCall());
    const flex = effectOf(operator.answer(ok({ Digits: "0" })), "create-task");
    expect(flex).toMatchObject({ workflow_sid: WW, channel: "voice" });
    expect(JSON.parse(flex.attributes)).toMatchObject({ queue: "general" });
  });

  it("a wrong key, then silence: an apology, the menu again, 'are you still there?', the menu again", () => {
    const run = execution(definition);
    const results = [run.send(startCall())];
    results.push(run.answer(ok({ Digits: "7" }))); // → invalid
    results.push(run.answer(ok())); // apology played → menu
    results.push(run.answer(ok({}))); // nothing → no_input
    results.push(run.answer(ok())); // played → menu
    expect(path(results)).toEqual([
      "Trigger:incomingCall",
      "main_menu:keypress",
      "split_key:noMatch",
      "invalid:audioComplete",
      "main_menu:timeout",
      "no_input:audioComplete",
    ]);
    expect(kinds(results[4]!)).toEqual(["gather"]);
  });

  it("a queue that refuses the call: the apology, then Studio hangs up", () => {
    const run = execution(definition);
    run.send(startCall());
    run.answer(ok({ Digits: "1" }));
    const sorry = run.answer({ ok: false, reason: `workflow ${WW} not found` });
    expect(effectOf(sorry, "say-play").prompt.say).toMatch(/^Sorry, we can't take your call/);
    const done = run.answer(ok());
    expect(done.state).toMatchObject({ status: "ended", ended_reason: "completed" });
    expect(kinds(done)).toEqual(["hang-up"]);
  });
});

describe("call-after-hours-voicemail.json", () => {
  const definition = definitionOf(fixture("call-after-hours-voicemail"));
  const recording = { RecordingSid: "ME01", RecordingUrl: "https://sb.example.com/media/ME01", RecordingDuration: 9 };

  it("while support is open: straight into the queue", () => {
    const run = execution(definition, host(NOW, { support: { open: true } }));
    expect(JSON.parse(effectOf(run.send(startCall()), "create-task").attributes)).toMatchObject({ after_hours: false });
  });

  it("closed: the greeting, a voicemail of at most 120 s with a transcript, the CRM told, thanks, hang up", () => {
    const run = execution(definition, host(NOW, { support: { open: false } }));
    expect(effectOf(run.send(startCall()), "say-play").prompt).toEqual({
      play: "https://media.example.com/audio/closed-greeting.wav",
      language: "en-US",
      loop: 1,
    });
    expect(effectOf(run.answer(ok()), "record").record).toEqual({
      max_length_s: 120,
      timeout_s: 5,
      finish_on_key: "#",
      play_beep: true,
      trim: true,
      transcribe: true,
    });
    const saved = effectOf(run.answer(ok({ ...recording, TranscriptionText: "please call me back" })), "http-request");
    expect(saved.url).toBe("https://crm.example.com/voicemails");
    expect(new URLSearchParams(saved.body ?? "").get("recording")).toBe(recording.RecordingUrl);
    expect(new URLSearchParams(saved.body ?? "").get("text")).toBe("please call me back");
    expect(effectOf(run.answer(ok({ status_code: 201, body: "" })), "say-play").prompt.say).toBe("Thanks, we got your message. Goodbye.");
    const done = run.answer(ok());
    expect(done.state.ended_reason).toBe("completed");
    expect(kinds(done)).toEqual(["hang-up"]);
  });

  it("closed, and the caller hangs up mid-message: the recording still reaches the CRM; nothing hangs up again", () => {
    const run = execution(definition, host(NOW, { support: { open: false } }));
    run.send(startCall());
    run.answer(ok());
    expect(run.send({ kind: "hangup" }).state).toMatchObject({ status: "active", current: "record_voicemail" });
    const saved = run.answer(ok({ ...recording, hangup: true }));
    expect(path([saved])).toEqual(["record_voicemail:hangup"]);
    expect(new URLSearchParams(effectOf(saved, "http-request").body ?? "").get("recording")).toBe(recording.RecordingUrl);
    const done = run.answer(ok({ status_code: 201, body: "" }));
    expect(done.state).toMatchObject({ status: "ended", ended_reason: "completed", hung_up: true });
    expect(kinds(done)).toEqual([]);
  });

  it("closed, and nothing said: 'we didn't hear a message'", () => {
    const run = execution(definition, host(NOW, { support: { open: false } }));
    run.send(startCall());
    run.answer(ok());
    expect(effectOf(run.answer(ok({ ...recording, RecordingDuration: 0 })), "say-play").prompt.say).toBe(
      "We didn't hear a message. Goodbye.",
    );
  });
});

describe("call-connect-agent.json", () => {
  const definition = definitionOf(fixture("call-connect-agent"));
  const MANAGER = "WK" + "4f".repeat(16);

  it("1: the account manager's task (a worker transfer); once it exists the flow is done", () => {
    const run = execution(definition);
    run.send(startCall());
    run.answer(ok()); // the welcome played
    const task = effectOf(run.answer(ok({ Digits: "1" })), "create-task");
    expect(task).toMatchObject({ workflow_sid: "", channel: "voice" });
    expect(JSON.parse(task.attributes)).toMatchObject({ transferTargetType: "worker", known_worker_sid: MANAGER });
    expect(run.answer(ok({ task_sid: "WT1" })).state.ended_reason).toBe("handed-off");
  });

  it("the manager's task cannot be made: the general queue, as a failed dial would", () => {
    const run = execution(definition);
    run.send(startCall());
    run.answer(ok());
    run.answer(ok({ Digits: "1" }));
    const queued = run.answer({ ok: false, reason: `worker ${MANAGER} not found` });
    expect(queued.state.context.widgets).toMatchObject({ connect_manager: { DialCallStatus: "failed" } });
    expect(effectOf(queued, "create-task")).toMatchObject({ workflow_sid: WW, priority: 0 });
  });

  it("waiting on the line (no key): the general queue", () => {
    const run = execution(definition);
    run.send(startCall());
    run.answer(ok());
    const queued = run.answer(ok({}));
    expect(path([queued])).toEqual(["choice:timeout"]);
    expect(effectOf(queued, "create-task").workflow_sid).toBe(WW);
  });
});
