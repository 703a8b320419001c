import { describe, expect, it } from "vitest";
import { SAMPLE_RATE, chime, holdMusic, rms } from "../../../services/media/audio";

/** The largest step between neighbouring samples, the wrap from the last to the first included when `looped`. */
function largestStep(samples: Int16Array, looped: boolean): { inside: number; wrap: number } {
  let inside = 0;
  for (let i = 1; i < samples.length; i++) inside = Math.max(inside, Math.abs(samples[i]! - samples[i - 1]!));
  return { inside, wrap: looped ? Math.abs(samples[0]! - samples[samples.length - 1]!) : 0 };
}

describe("the built-in hold music", () => {
  const loop = holdMusic();

  it("is an 8-second loop at 48 kHz, clearly audible but well under full scale", () => {
    expect(loop.length).toBe(8 * SAMPLE_RATE);
    expect(rms(loop)).toBeGreaterThan(0.05);
    expect(loop.reduce((peak, s) => Math.max(peak, Math.abs(s)), 0)).toBeLessThanOrEqual(Math.round(0.25 * 32_767) + 1);
    // Never silent for long: every 100 ms of it has sound in it (no gap between chords).
    for (let at = 0; at < loop.length; at += SAMPLE_RATE / 10) expect(rms(loop.subarray(at, at + SAMPLE_RATE / 10))).toBeGreaterThan(0.02);
  });

  it("wraps without a click: the step from its last sample to its first is no larger than the music's own", () => {
    const { inside, wrap } = largestStep(loop, true);
    expect(wrap).toBeLessThanOrEqual(inside);
    // A click is a jump far above what a 400 Hz tone at this level can do in one sample (~2π·f/rate of its peak).
    expect(inside).toBeLessThan(0.25 * 32_767 * ((2 * Math.PI * 400) / SAMPLE_RATE) * 1.5);
  });
});

describe("the announcement chime", () => {
  it("sounds, and starts and ends at silence (no click before or after it)", () => {
    const prompt = chime();
    expect(prompt.length).toBeGreaterThan(SAMPLE_RATE);
    expect(prompt.length).toBeLessThan(3 * SAMPLE_RATE);
    expect(rms(prompt)).toBeGreaterThan(0.03);
    expect(Math.abs(prompt[0]!)).toBeLessThan(100);
    expect(Math.abs(prompt[prompt.length - 1]!)).toBeLessThan(100);
  });
});
