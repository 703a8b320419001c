/**
 * The voice's commands (services/media/voice-actions.ts) over a room double and a hand-moved clock: a
 * speech gather hears the caller's utterance through the voice-activity detector and answers what the
 * speech-to-text understood; without a speech-to-text it hears nothing, says so once, and times out; a
 * say-play whose WAV cannot be had fails naming why; a voicemail is transcribed when asked.
 */
import { describe, expect, it } from "vitest";
import type { VoiceAction } from "../../../platform/media-voice";
import type { Clock } from "../../../services/media/gather";
import type { SpeechToText } from "../../../services/media/stt";
import { runVoiceAction, type VoiceIo, type VoiceListener, type VoiceTools } from "../../../services/media/voice-actions";
import { WavError } from "../../../services/media/wav";
import { eventually } from "../../support/eventually";
import { handClock } from "../../support/hand-clock";

function roomDouble() {
  const played: number[] = [];
  let listener: VoiceListener | null = null;
  const io: VoiceIo = {
    play: async (samples) => void played.push(samples.length),
    listen: (l) => {
      listener = l;
      return () => (listener = null);
    },
  };
  return { io, played, listener: () => eventually(() => listener ?? undefined, "the command to listen") };
}

const to = {
  url: "http://127.0.0.1:1/webhooks/media/voice",
  accountSid: `AC${"1".repeat(32)}`,
  workspaceSid: `WS${"2".repeat(32)}`,
  executionSid: `FN${"3".repeat(32)}`,
  effectId: "e",
};
const toolsWith = (clock: Clock, stt: SpeechToText | null, logged: string[] = []): VoiceTools => ({
  tts: { speak: async () => new Int16Array(4800) },
  stt,
  clock,
  logOnce: (line) => void logged.push(line),
  fetchWav: async () => {
    throw new WavError("fetching https://cdn.example/menu.wav answered 404");
  },
  reply: {
    secret: "s".repeat(20),
    fetch: async () => Response.json({ RecordingSid: `ME${"e".repeat(32)}`, RecordingUrl: "https://sb.example/ME" }, { status: 201 }),
  },
});
const speechGather = (over: Partial<Extract<VoiceAction, { kind: "gather" }>["gather"]> = {}): VoiceAction => ({
  kind: "gather",
  prompt: { say: "What can we help you with?", language: "en-US", loop: 1 },
  gather: {
    input: ["speech"],
    finish_on_key: "#",
    number_of_digits: null,
    timeout_s: 5,
    speech_timeout: "auto",
    language: "fr-FR",
    hints: "ventes, support",
    stop_gather: true,
    profanity_filter: true,
    ...over,
  },
});
/** 10 ms at 16 kHz: a voice-like buzz (a 200 Hz tone with harmonics), or silence. */
const voiced = (n: number) =>
  Int16Array.from({ length: 160 }, (_, i) => {
    const t = (n * 160 + i) / 16_000;
    return Math.round(
      4000 * (Math.sin(2 * Math.PI * 200 * t) + 0.5 * Math.sin(2 * Math.PI * 400 * t) + 0.3 * Math.sin(2 * Math.PI * 600 * t)),
    );
  });
const quiet = () => new Int16Array(160);

describe("a speech gather", () => {
  it("sends the caller's utterance, once it ends in silence, to the speech-to-text and answers its words", async () => {
    const heard: { seconds: number; language: string | null; hints: string }[] = [];
    const stt: SpeechToText = {
      transcribe: async (samples, language, hints) => {
        heard.push({ seconds: samples.length / 16_000, language, hints });
        return { text: "ventes", confidence: 0.9 };
      },
    };
    const { clock } = handClock();
    const room = roomDouble();
    const running = runVoiceAction(speechGather(), to, room.io, toolsWith(clock, stt), new AbortController().signal);
    const listener = await room.listener();
    for (let n = 0; n < 80; n++) listener.audio!(voiced(n));
    expect(heard).toEqual([]);
    for (let n = 0; n < 120; n++) listener.audio!(quiet());
    expect(await running).toEqual({ ok: true, value: { SpeechResult: "ventes", Confidence: 0.9 } });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ language: "fr-FR", hints: "ventes, support" });
    expect(heard[0]!.seconds).toBeGreaterThan(0.5);
    expect(room.played).toEqual([4800]);
  });

  it("without a speech-to-text hears nothing, says so once, and times out with no answer", async () => {
    const { clock, advance } = handClock();
    const logged: string[] = [];
    const room = roomDouble();
    const tools = toolsWith(clock, null, logged);
    const running = runVoiceAction(speechGather(), to, room.io, tools, new AbortController().signal);
    const listener = await room.listener();
    expect(listener.audio).toBeUndefined();
    advance(5000);
    expect(await running).toEqual({ ok: true, value: {} });
    expect(logged).toEqual([expect.stringContaining("no speech-to-text is configured (MEDIA_STT_URL)")]);
  });
});

describe("say-play and record", () => {
  it("a say-play whose WAV cannot be had fails naming why; an aborted one answers nothing", async () => {
    const { clock } = handClock();
    const play: VoiceAction = { kind: "say-play", prompt: { play: "https://cdn.example/menu.wav", language: "en-US", loop: 2 } };
    expect(await runVoiceAction(play, to, roomDouble().io, toolsWith(clock, null), new AbortController().signal)).toEqual({
      ok: false,
      reason: "play: fetching https://cdn.example/menu.wav answered 404",
    });
    const stopped = new AbortController();
    stopped.abort();
    const say: VoiceAction = { kind: "say-play", prompt: { say: "Hi", language: "en-US", loop: 3 } };
    expect(await runVoiceAction(say, to, roomDouble().io, toolsWith(clock, null), stopped.signal)).toBeNull();
  });

  it("a say-play plays its prompt loop times", async () => {
    const { clock } = handClock();
    const room = roomDouble();
    const say: VoiceAction = { kind: "say-play", prompt: { say: "Hi", language: "en-US", loop: 3 } };
    expect(await runVoiceAction(say, to, room.io, toolsWith(clock, null), new AbortController().signal)).toEqual({ ok: true, value: {} });
    expect(room.played).toEqual([4800, 4800, 4800]);
  });

  it("a voicemail ends after timeout_s of silence, beeps first, and is transcribed when asked", async () => {
    const { clock, advance } = handClock();
    const room = roomDouble();
    const stt: SpeechToText = { transcribe: async (_s, language) => ({ text: `call me back (${language ?? "detected"})`, confidence: 1 }) };
    const record: VoiceAction = {
      kind: "record",
      record: { max_length_s: 120, timeout_s: 3, finish_on_key: "#", play_beep: true, trim: true, transcribe: true },
    };
    const running = runVoiceAction(record, to, room.io, toolsWith(clock, stt), new AbortController().signal);
    const listener = await room.listener();
    for (let n = 0; n < 250; n++) listener.audio!(voiced(n));
    advance(2999);
    for (let n = 0; n < 50; n++) listener.audio!(quiet());
    advance(1);
    expect(await running).toEqual({
      ok: true,
      value: {
        RecordingSid: `ME${"e".repeat(32)}`,
        RecordingUrl: "https://sb.example/ME",
        RecordingDuration: 3, // 2.5 s of voice and 0.2 s of trimmed silence, rounded
        TranscriptionText: "call me back (detected)",
        TranscriptionStatus: "completed",
      },
    });
    expect(room.played).toEqual([19_200]); // the 0.4 s beep
  });
});
