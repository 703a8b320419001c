/**
 * The voice widgets, run only in an execution a call started (`incomingCall`): `say-play` and
 * `gather-input-on-call` (the caller hears a prompt; a gather listens for keys and speech), `record-voicemail`,
 * and the two that hand the call on — `enqueue-call` (a TaskRouter task through its `workflow_sid`) and
 * `connect-call-to` with noun `client` (a task for one Switchboard worker) — both the `create-task` effect
 * send-to-flex makes, so the call waits for an agent as any call does. Each renders its Liquid, asks for one
 * awaited effect and takes Studio's transition from the result (types.ts's JSDoc on each effect). The media
 * service carries the voice effects out; the engine only says what to say and listen for.
 */
import { SELF_SERVICE_ATTRIBUTE } from "../../../contract/self-service";
import { CALL_KINDS, type CallKind } from "../../../contract/calls";
import { render } from "./liquid";
import { addEffect, resetWidget, said, scope, type Outcome, type Run } from "./run-state";
import { selfService } from "./self-service";
import { MAX_VOICEMAIL_SECONDS, type EffectResult, type VoiceGather, type VoicePrompt, type VoiceRecord, type WidgetState } from "./types";
import { isRecord } from "../../../contract/is-record";

type Json = Record<string, unknown>;

/** Studio's defaults (its widget docs and TwiML's <Say>, <Gather>, <Record>). */
export const VOICE_DEFAULTS = {
  language: "en-US",
  loop: 1,
  /** Studio's `loop` 0 ("until interrupted") and anything above: this many times at most. */
  maxLoop: 100,
  finishOnKey: "#",
  gatherTimeout: 5,
  speechTimeout: "auto",
  recordMaxLength: 3600,
  recordTimeout: 5,
} as const;

/** The call the execution answers (Studio's `trigger.call`), or null when a message or a request started it. */
export function callOf(run: Run): Json | null {
  const trigger = run.state.context.trigger;
  return isRecord(trigger) && isRecord(trigger.call) ? trigger.call : null;
}

/**
 * The task channel of the call's hand-off: the call's kind (`trigger.call.Kind`, Switchboard's addition:
 * "voice" or "video"), "voice" when it says none.
 * @example
 * callKind(run); // "voice"
 */
export function callKind(run: Run): CallKind {
  const kind = callOf(run)?.Kind;
  return (CALL_KINDS as readonly unknown[]).includes(kind) ? (kind as CallKind) : "voice";
}

/**
 * Why a voice widget cannot run here (the execution is not a call, or its caller hung up), or null when it can.
 * @example
 * voiceRefusal(run, widget); // { kind: "end", reason: 'Widget "menu" of type gather-input-on-call needs a call, …' }
 */
export function voiceRefusal(run: Run, widget: WidgetState): Outcome | null {
  const name = `Widget "${widget.name}" of type ${widget.type}`;
  if (!callOf(run)) return { kind: "end", reason: `${name} needs a call, and this execution was not started by one` };
  if (run.state.hung_up) return { kind: "end", reason: `${name} cannot run: the caller hung up` };
  return null;
}

/** A rendered property, or the failure named after it. */
function text(run: Run, properties: Json, name: string): { ok: true; text: string } | { ok: false; error: string } {
  const rendered = render(properties[name], scope(run));
  return rendered.ok ? { ok: true, text: rendered.text.trim() } : { ok: false, error: `${name}: ${rendered.error}` };
}

/** A whole number of a rendered property; `fallback` when absent or not one. */
function whole(run: Run, value: unknown, fallback: number): number {
  const rendered = render(value, scope(run));
  return rendered.ok && /^\s*\d+\s*$/.test(rendered.text) ? Number(rendered.text) : fallback;
}

/** Studio writes booleans as `true` or as `"true"` (its editor's older exports). */
function flag(value: unknown, fallback: boolean): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return fallback;
}

const isHttpUrl = (url: string) => /^https?:\/\/[^\s/]+/i.test(url);

/** The prompt of a say-play or a gather: `say` (text) or `play` (a URL), or null when the widget has neither. */
function prompt(run: Run, properties: Json): { ok: true; prompt: VoicePrompt | null } | { ok: false; error: string } {
  const say = text(run, properties, "say");
  if (!say.ok) return say;
  const play = text(run, properties, "play");
  if (!play.ok) return play;
  const voice = text(run, properties, "voice");
  if (!voice.ok) return voice;
  const language = text(run, properties, "language");
  if (!language.ok) return language;
  const times = whole(run, properties.loop, VOICE_DEFAULTS.loop);
  const common = {
    ...(voice.text ? { voice: voice.text } : {}),
    language: language.text || VOICE_DEFAULTS.language,
    loop: times === 0 ? VOICE_DEFAULTS.maxLoop : Math.min(times, VOICE_DEFAULTS.maxLoop),
  };
  if (say.text) return { ok: true, prompt: { say: say.text, ...common } };
  if (!play.text) return { ok: true, prompt: null };
  if (!isHttpUrl(play.text)) return { ok: false, error: `play "${play.text}" is not an http(s) URL` };
  return { ok: true, prompt: { play: play.text, ...common } };
}

/** Fails a voice widget before any effect: its context says why. */
function failed(run: Run, widget: WidgetState, event: string, error: string, context: Json = {}): Outcome {
  resetWidget(run, widget.name, { ...context, error });
  return { kind: "leave", event };
}

/** say-play: the caller hears the text or the audio, `loop` times. */
export function enterSayPlay(run: Run, widget: WidgetState): Outcome {
  const rendered = prompt(run, widget.properties as Json);
  if (!rendered.ok) return failed(run, widget, "audioComplete", rendered.error);
  if (!rendered.prompt) return failed(run, widget, "audioComplete", "nothing to say or play");
  resetWidget(run, widget.name);
  if (rendered.prompt.say) said(run, rendered.prompt.say);
  const id = addEffect(run, { kind: "say-play", awaited: true, prompt: rendered.prompt });
  return { kind: "wait", waiting: { kind: "result", effect_id: id } };
}

/** Played or not, say-play leaves by `audioComplete`; a failure's reason is the widget's `error`. */
export function resumeSayPlay(run: Run, widget: WidgetState, result: EffectResult): Outcome {
  resetWidget(run, widget.name, { ...(result.value ?? {}), ...(result.ok ? {} : { error: result.reason }) });
  return { kind: "leave", event: "audioComplete" };
}

/**
 * What a gather listens for. Studio's widget has no input choice (real exports carry no `input`): it
 * offers both `keypress` and `speech`, so both are listened for — speech only when the media service has
 * a speech-to-text provider, else the caller's keys alone.
 */
function listening(run: Run, properties: Json): VoiceGather {
  const digits = whole(run, properties.number_of_digits, 0);
  const speechTimeout = render(properties.speech_timeout, scope(run));
  const seconds = speechTimeout.ok && /^\s*\d+\s*$/.test(speechTimeout.text) ? Number(speechTimeout.text) : null;
  const language = render(properties.gather_language, scope(run));
  const hints = render(properties.hints, scope(run));
  return {
    input: ["dtmf", "speech"],
    finish_on_key: typeof properties.finish_on_key === "string" ? properties.finish_on_key.trim() : VOICE_DEFAULTS.finishOnKey,
    number_of_digits: digits > 0 ? digits : null,
    timeout_s: whole(run, properties.timeout, VOICE_DEFAULTS.gatherTimeout),
    speech_timeout: seconds !== null && seconds > 0 ? seconds : VOICE_DEFAULTS.speechTimeout,
    language: (language.ok && language.text.trim()) || VOICE_DEFAULTS.language,
    hints: hints.ok ? hints.text.trim() : "",
    stop_gather: flag(properties.stop_gather, true),
    profanity_filter: flag(properties.profanity_filter, true),
  };
}

/** gather-input-on-call: the prompt, if any, while listening. */
export function enterGather(run: Run, widget: WidgetState): Outcome {
  const properties = widget.properties as Json;
  const rendered = prompt(run, properties);
  if (!rendered.ok) return failed(run, widget, "timeout", rendered.error);
  resetWidget(run, widget.name);
  if (rendered.prompt?.say) said(run, rendered.prompt.say);
  const id = addEffect(run, { kind: "gather", awaited: true, prompt: rendered.prompt, gather: listening(run, properties) });
  return { kind: "wait", waiting: { kind: "result", effect_id: id } };
}

/** Keys → `keypress` (`Digits`), words → `speech` (`SpeechResult`, `Confidence`), nothing or a failure → `timeout`. */
export function resumeGather(run: Run, widget: WidgetState, result: EffectResult): Outcome {
  const value: Json = { ...(result.value ?? {}) };
  resetWidget(run, widget.name, { ...value, ...(result.ok ? {} : { error: result.reason }) });
  const heard = (body: string) => run.state.transcript.push({ from: "customer", body, at: run.host.now });
  if (result.ok && typeof value.Digits === "string" && value.Digits !== "") {
    heard(`(keypad) ${value.Digits}`);
    return { kind: "leave", event: "keypress" };
  }
  if (result.ok && typeof value.SpeechResult === "string" && value.SpeechResult.trim() !== "") {
    heard(value.SpeechResult);
    return { kind: "leave", event: "speech" };
  }
  return { kind: "leave", event: "timeout" };
}

/** What record-voicemail records, Studio's properties with its defaults; the length capped at MAX_VOICEMAIL_SECONDS. */
function recording(run: Run, properties: Json): VoiceRecord {
  const maxLength = whole(run, properties.max_length, VOICE_DEFAULTS.recordMaxLength);
  return {
    max_length_s: Math.min(maxLength > 0 ? maxLength : VOICE_DEFAULTS.recordMaxLength, MAX_VOICEMAIL_SECONDS),
    timeout_s: whole(run, properties.timeout, VOICE_DEFAULTS.recordTimeout),
    finish_on_key: typeof properties.finish_on_key === "string" ? properties.finish_on_key.trim() : VOICE_DEFAULTS.finishOnKey,
    play_beep: flag(properties.play_beep, true),
    trim: properties.trim !== "do-not-trim",
    transcribe: flag(properties.transcribe, false),
  };
}

/** record-voicemail: a beep, then the caller's voice. */
export function enterRecord(run: Run, widget: WidgetState): Outcome {
  resetWidget(run, widget.name);
  const id = addEffect(run, { kind: "record", awaited: true, record: recording(run, widget.properties as Json) });
  return { kind: "wait", waiting: { kind: "result", effect_id: id } };
}

/**
 * The recording: nothing said (duration 0, even if the caller then hung up: no empty voicemail) → `noAudio`;
 * the caller hung up while recording → `hangup` (the call is gone from then on); else `recordingComplete`.
 * A failure → `noAudio` with the reason as `error`.
 */
export function resumeRecord(run: Run, widget: WidgetState, result: EffectResult): Outcome {
  const { hangup, ...value }: Json = { ...(result.value ?? {}) };
  if (hangup === true) run.state.hung_up = true;
  resetWidget(run, widget.name, { ...value, ...(result.ok ? {} : { error: result.reason }) });
  const seconds = Number(value.RecordingDuration);
  if (!result.ok || !(seconds > 0)) return { kind: "leave", event: "noAudio" };
  const words = typeof value.TranscriptionText === "string" && value.TranscriptionText !== "" ? `: ${value.TranscriptionText}` : "";
  run.state.transcript.push({ from: "customer", body: `(voicemail, ${seconds} s)${words}`, at: run.host.now });
  return { kind: "leave", event: hangup === true ? "hangup" : "recordingComplete" };
}

/** A create-task for the call, with the rendered attributes plus `self_service`. */
function handOff(run: Run, widget: WidgetState, workflowSid: string, attributes: Json, numbers: Json = {}): Outcome {
  resetWidget(run, widget.name);
  const id = addEffect(run, {
    kind: "create-task",
    awaited: true,
    workflow_sid: workflowSid,
    channel: callKind(run),
    attributes: JSON.stringify({ ...attributes, [SELF_SERVICE_ATTRIBUTE]: selfService(run) }),
    ...numbers,
  });
  return { kind: "wait", waiting: { kind: "result", effect_id: id } };
}

const WORKER_SID = /^WK[0-9a-f]{32}$/;

/**
 * connect-call-to, noun `client`: a task for one worker (`to`: a WK… SID or a friendly name), routed by the
 * workspace's default workflow as an agent's transfer to a worker is. Other nouns dial out: validation refuses them.
 */
export function enterConnect(run: Run, widget: WidgetState): Outcome {
  const properties = widget.properties as Json;
  const dialFailed = { DialCallStatus: "failed" };
  if (properties.noun !== "client")
    return failed(run, widget, "callCompleted", `noun "${String(properties.noun)}" dials out, which Switchboard cannot`, dialFailed);
  const to = text(run, properties, "to");
  if (!to.ok) return failed(run, widget, "callCompleted", to.error, dialFailed);
  if (!to.text) return failed(run, widget, "callCompleted", "to names no worker", dialFailed);
  const worker = WORKER_SID.test(to.text)
    ? { transferTargetSid: to.text, known_worker_sid: to.text }
    : { known_worker_friendly_name: to.text };
  return handOff(run, widget, "", { transferTargetType: "worker", ...worker });
}

/** The worker's task exists: handed off. Otherwise, as Studio's failed dial, `callCompleted` with DialCallStatus "failed". */
export function resumeConnect(run: Run, widget: WidgetState, result: EffectResult): Outcome {
  if (result.ok) {
    resetWidget(run, widget.name, { ...result.value });
    return { kind: "hand-off", event: "callCompleted" };
  }
  return failed(run, widget, "callCompleted", result.reason, { ...(result.value ?? {}), DialCallStatus: "failed" });
}

/** enqueue-call (TaskRouter): a task through `workflow_sid` with the rendered `task_attributes`, `priority`, `timeout`. */
export function enterEnqueue(run: Run, widget: WidgetState): Outcome {
  const properties = widget.properties as Json;
  const workflow = text(run, properties, "workflow_sid");
  if (!workflow.ok) return failed(run, widget, "failedToEnqueue", workflow.error);
  if (!workflow.text)
    return failed(run, widget, "failedToEnqueue", "no workflow_sid: Switchboard enqueues calls through a TaskRouter workflow");
  const attributes = text(run, properties, "task_attributes");
  if (!attributes.ok) return failed(run, widget, "failedToEnqueue", attributes.error);
  let parsed: unknown = {};
  if (attributes.text !== "") {
    try {
      parsed = JSON.parse(attributes.text);
    } catch {
      return failed(run, widget, "failedToEnqueue", `task_attributes are not JSON: ${attributes.text.slice(0, 200)}`);
    }
  }
  if (!isRecord(parsed)) return failed(run, widget, "failedToEnqueue", "task_attributes must be a JSON object");
  const numbers: Json = {};
  for (const name of ["priority", "timeout"] as const) {
    const value = whole(run, properties[name], -1);
    if (value >= 0) numbers[name] = value;
  }
  return handOff(run, widget, workflow.text, parsed, numbers);
}

/** The task exists: the call waits for an agent, the execution ends handed off. A refusal takes `failedToEnqueue`. */
export function resumeEnqueue(run: Run, widget: WidgetState, result: EffectResult): Outcome {
  resetWidget(run, widget.name, { ...(result.value ?? {}), ...(result.ok ? {} : { error: result.reason }) });
  return result.ok ? { kind: "hand-off", event: "callComplete" } : { kind: "leave", event: "failedToEnqueue" };
}
