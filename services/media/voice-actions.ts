/**
 * What the flow's voice does for each command (platform/media-voice.ts `VoiceAction`), over a room it
 * only knows through {@link VoiceIo} (voice.ts is the LiveKit one; tests pass their own): say-play renders
 * the prompt (text-to-speech or a fetched WAV) and plays it `loop` times; gather plays the prompt while
 * listening (gather.ts) for keys and, with a speech-to-text, speech; record beeps, records the caller's
 * 16 kHz audio until silence, a finish key, the maximum length or a hang-up, and uploads it.
 *
 * Each resolves with the engine's EffectResult, or null when the command was aborted (replaced, stopped,
 * the caller gone before an answer): an aborted command sends no reply.
 */
import type { VoiceAction, VoiceReply, VoiceReplyTo } from "../../platform/media-voice";
import { SAMPLE_RATE } from "./audio";
import { Gather, type Clock } from "./gather";
import { uploadRecording, type ReplyOptions } from "./replies";
import { SPEECH_RATE, type SpeechToText } from "./stt";
import type { TextToSpeech } from "./tts";
import { heard, Utterances, voiceDetector } from "./vad";
import { encodeWav } from "./wav";

type Result = VoiceReply["result"];
type Prompt = Extract<VoiceAction, { kind: "say-play" }>["prompt"];

/** What the caller does while the voice listens; only the listener of the running command is told. */
export interface VoiceListener {
  key?(digit: string): void;
  /** 10 ms of the caller's microphone, 16 kHz mono. */
  audio?(frame: Int16Array): void;
  hangup?(): void;
}

export interface VoiceIo {
  /** Plays 48 kHz samples; resolves when they are out or `stop()` turned true (checked every 10 ms). */
  play(samples: Int16Array, stop: () => boolean): Promise<void>;
  /** Makes `listener` the one told; answers a function that removes it. */
  listen(listener: VoiceListener): () => void;
}

export interface VoiceTools {
  readonly tts: TextToSpeech;
  readonly stt: SpeechToText | null;
  readonly fetchWav: (url: string) => Promise<Int16Array>;
  readonly clock: Clock;
  readonly reply: ReplyOptions;
  /** Says something in the log once per process (e.g. "no speech-to-text"). */
  readonly logOnce: (line: string) => void;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The prompt's audio: its text spoken, or its WAV. */
function render(prompt: Prompt, tools: VoiceTools): Promise<Int16Array> {
  if (prompt.play) return tools.fetchWav(prompt.play);
  return tools.tts.speak(prompt.say ?? "", prompt.language, prompt.voice);
}

/**
 * Carries out one command; null when aborted.
 * @example const result = await runVoiceAction(command.action, command.reply, io, tools, controller.signal);
 */
export async function runVoiceAction(
  action: VoiceAction,
  to: VoiceReplyTo,
  io: VoiceIo,
  tools: VoiceTools,
  signal: AbortSignal,
): Promise<Result | null> {
  switch (action.kind) {
    case "say-play":
      return sayPlay(action.prompt, io, tools, signal);
    case "gather":
      return gather(action, io, tools, signal);
    case "record":
      return record(action.record, to, io, tools, signal);
  }
}

async function sayPlay(prompt: Prompt, io: VoiceIo, tools: VoiceTools, signal: AbortSignal): Promise<Result | null> {
  let audio: Int16Array;
  try {
    audio = await render(prompt, tools);
  } catch (error) {
    return signal.aborted ? null : { ok: false, reason: `${prompt.play ? "play" : "say"}: ${reasonOf(error)}` };
  }
  for (let n = 0; n < prompt.loop && !signal.aborted; n++) await io.play(audio, () => signal.aborted);
  return signal.aborted ? null : { ok: true, value: {} };
}

const aborted = (signal: AbortSignal) =>
  new Promise<null>((resolve) => (signal.aborted ? resolve(null) : signal.addEventListener("abort", () => resolve(null), { once: true })));

async function gather(
  action: Extract<VoiceAction, { kind: "gather" }>,
  io: VoiceIo,
  tools: VoiceTools,
  signal: AbortSignal,
): Promise<Result | null> {
  const settings = action.gather;
  const listening = new Gather(settings, tools.clock);
  const speech = settings.input.includes("speech") ? await speechListener(settings, listening, tools) : null;
  const stop = io.listen({ key: (digit) => listening.key(digit), ...(speech ? { audio: speech } : {}) });
  signal.addEventListener("abort", () => listening.cancel(), { once: true });
  try {
    if (action.prompt) {
      const audio = await render(action.prompt, tools).catch((error: unknown) => {
        console.error(`media voice: gather's prompt: ${reasonOf(error)}`);
        return null;
      });
      const interrupted = () => signal.aborted || listening.interruptsPrompt || listening.settled;
      for (let n = 0; audio && n < action.prompt.loop && !interrupted(); n++) await io.play(audio, interrupted);
    }
    listening.promptEnded();
    const value = await Promise.race([listening.answer, aborted(signal)]);
    return signal.aborted || value === null ? null : { ok: true, value };
  } finally {
    stop();
  }
}

/** The caller's audio → utterances → speech-to-text → the gather; null (hears nothing) without a speech-to-text. */
async function speechListener(
  settings: Extract<VoiceAction, { kind: "gather" }>["gather"],
  listening: Gather,
  tools: VoiceTools,
): Promise<((frame: Int16Array) => void) | null> {
  const stt = tools.stt;
  if (!stt) {
    tools.logOnce("media voice: no speech-to-text is configured (MEDIA_STT_URL): speech gathers hear nothing and time out");
    return null;
  }
  const detector = await voiceDetector();
  const silence = settings.speech_timeout === "auto" ? 100 : Math.round(settings.speech_timeout * 100);
  const utterances = new Utterances(silence);
  return (frame) => {
    if (listening.settled) return;
    const heard = utterances.push(frame, detector.voiced(frame));
    if (heard === "start") listening.speechStarted();
    if (heard === "end")
      stt.transcribe(utterances.take(), settings.language, settings.hints).then(
        ({ text, confidence }) => listening.speech(text, confidence),
        (error: unknown) => {
          console.error(`media voice: ${reasonOf(error)}`);
          listening.speech("", 0);
        },
      );
  };
}

/** The beep before a voicemail: 0.4 s of 1 kHz with 10 ms ramps, a quarter of full scale. */
export function beep(): Int16Array {
  const length = Math.round(0.4 * SAMPLE_RATE);
  const ramp = SAMPLE_RATE / 100;
  return Int16Array.from({ length }, (_, i) =>
    Math.round(8000 * Math.min(1, i / ramp, (length - i) / ramp) * Math.sin((2 * Math.PI * 1000 * i) / SAMPLE_RATE)),
  );
}

/** Frames kept either side of the voice when trimming (0.2 s). */
const TRIM_PAD = 20;

async function record(
  settings: Extract<VoiceAction, { kind: "record" }>["record"],
  to: VoiceReplyTo,
  io: VoiceIo,
  tools: VoiceTools,
  signal: AbortSignal,
): Promise<Result | null> {
  if (settings.play_beep) await io.play(beep(), () => signal.aborted);
  if (signal.aborted) return null;
  const frames: Int16Array[] = [];
  const voiced: boolean[] = [];
  let digits = "";
  let hangup = false;
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const { clock } = tools;
  let silence = clock.setTimeout(end, settings.timeout_s * 1000);
  // The length is counted in the caller's frames (below); this is the backstop when their audio stops flowing.
  const longest = clock.setTimeout(end, (settings.max_length_s + settings.timeout_s) * 1000);
  const stop = io.listen({
    key: (digit) => {
      if (!settings.finish_on_key.includes(digit)) return;
      digits = digit;
      end();
    },
    audio: (frame) => {
      if (frames.length >= settings.max_length_s * 100) return end();
      frames.push(frame);
      const loud = heard(frame);
      voiced.push(loud);
      if (!loud) return;
      clock.clearTimeout(silence);
      silence = clock.setTimeout(end, settings.timeout_s * 1000);
    },
    hangup: () => {
      hangup = true;
      end();
    },
  });
  signal.addEventListener("abort", end, { once: true });
  await ended;
  stop();
  clock.clearTimeout(silence);
  clock.clearTimeout(longest);
  if (signal.aborted && !hangup) return null;

  const first = voiced.indexOf(true);
  const extra = { ...(digits ? { Digits: digits } : {}), ...(hangup ? { hangup: true } : {}) };
  if (first === -1) return { ok: true, value: { RecordingSid: "", RecordingUrl: "", RecordingDuration: 0, ...extra } };
  const last = voiced.lastIndexOf(true);
  const kept = settings.trim ? frames.slice(Math.max(0, first - TRIM_PAD), last + 1 + TRIM_PAD) : frames;
  const samples = new Int16Array(kept.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of kept) {
    samples.set(f, at);
    at += f.length;
  }
  const stored = await uploadRecording(tools.reply, to, encodeWav(samples, SPEECH_RATE));
  if (!stored) return { ok: false, reason: "the recording could not be stored (the Worker did not take it)" };
  const value: Record<string, unknown> = {
    ...stored,
    RecordingDuration: Math.max(1, Math.round(samples.length / SPEECH_RATE)),
    ...extra,
  };
  if (settings.transcribe) {
    const transcript = tools.stt ? await tools.stt.transcribe(samples, "en-US", "").catch(() => null) : null;
    value.TranscriptionText = transcript?.text ?? "";
    value.TranscriptionStatus = transcript ? "completed" : "failed";
  }
  return { ok: true, value };
}
