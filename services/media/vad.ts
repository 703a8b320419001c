/**
 * Whether a caller is speaking: WebRTC's voice-activity detector (libfvad, `@echogarden/fvad-wasm`) over
 * 10 ms frames of the caller's 16 kHz audio, plus a floor of loudness so a codec's comfort noise is quiet.
 * {@link Utterances} turns the per-frame verdicts into "speech started" and "utterance ended" after a
 * given silence, counting frames (10 ms each) rather than reading a clock.
 */
import load from "@echogarden/fvad-wasm";

/** 10 ms at 16 kHz. */
export const VAD_FRAME = 160;
/** Below this RMS (of 32 767) a frame is silence whatever the detector says. */
const QUIET_RMS = 200;

type Fvad = {
  _fvad_new(): number;
  _fvad_set_mode(inst: number, mode: number): number;
  _fvad_set_sample_rate(inst: number, rate: number): number;
  _fvad_process(inst: number, ptr: number, length: number): number;
  _malloc(bytes: number): number;
  HEAP16: Int16Array;
};
let module: Promise<Fvad> | null = null;

/**
 * Whether a frame has sound at all (RMS above a codec's comfort noise): a voicemail's silence is measured
 * so — any sound keeps it going, as a phone's recorder does — where a gather's speech needs the detector.
 * @example heard(frame) // false for silence
 */
export function heard(frame: Int16Array): boolean {
  let sum = 0;
  for (const s of frame) sum += s * s;
  return frame.length > 0 && Math.sqrt(sum / frame.length) >= QUIET_RMS;
}

/** One detector (it keeps state between frames): `voiced(frame)` for each 10 ms frame of 16 kHz samples. */
export async function voiceDetector(): Promise<{ voiced(frame: Int16Array): boolean }> {
  module ??= (load as unknown as () => Promise<Fvad>)();
  const m = await module;
  const inst = m._fvad_new();
  m._fvad_set_mode(inst, 2);
  m._fvad_set_sample_rate(inst, 16_000);
  const ptr = m._malloc(VAD_FRAME * 2);
  return {
    voiced(frame) {
      if (!heard(frame)) return false;
      m.HEAP16.set(frame.subarray(0, VAD_FRAME), ptr / 2);
      return m._fvad_process(inst, ptr, VAD_FRAME) === 1;
    },
  };
}

/**
 * Speech segments from per-frame verdicts: speech starts after {@link START_FRAMES} voiced frames in a row
 * and ends after `silenceFrames` unvoiced ones.
 * @example const u = new Utterances(100); u.push(frame, voiced) // "start" | "end" | null
 */
export class Utterances {
  static readonly START_FRAMES = 3;
  private run = 0;
  private quiet = 0;
  private speaking = false;
  private heard: Int16Array[] = [];

  constructor(private readonly silenceFrames: number) {}

  push(frame: Int16Array, voiced: boolean): "start" | "end" | null {
    if (!this.speaking) {
      this.run = voiced ? this.run + 1 : 0;
      this.heard.push(frame);
      if (this.heard.length > Utterances.START_FRAMES + 20) this.heard.shift(); // keep 200 ms before the start
      if (this.run < Utterances.START_FRAMES) return null;
      this.speaking = true;
      this.quiet = 0;
      return "start";
    }
    this.heard.push(frame);
    this.quiet = voiced ? 0 : this.quiet + 1;
    if (this.quiet < this.silenceFrames) return null;
    this.speaking = false;
    this.run = 0;
    return "end";
  }

  /** The utterance just ended (with a little before its start), and forgets it. */
  take(): Int16Array {
    const all = new Int16Array(this.heard.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of this.heard) {
      all.set(f, at);
      at += f.length;
    }
    this.heard = [];
    return all;
  }
}
