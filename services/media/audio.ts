/**
 * The media service's sounds, made in code so nothing copyrighted ships: the built-in hold music (a
 * gentle loop of four soft chords) and the announcement's chime. Everything is 48 kHz mono 16-bit PCM,
 * LiveKit's native rate, cut into 10 ms frames by the player (player.ts).
 *
 * The loop has no click where it wraps: each chord swells and fades under a Hann window half-overlapping
 * its neighbours (the windows sum to a constant, so the pad is steady), and the last chord's tail is
 * added back at the start, at the sample time it would have had — so the sample after the last one is
 * exactly the continuation of the sound, not a jump.
 *
 * Pure: numbers in, samples out; test/unit/media/audio.test.ts listens with arithmetic.
 */

/** LiveKit's native rate: what the service publishes, and what a team's WAV is resampled to. */
export const SAMPLE_RATE = 48_000;
/** 10 ms: the frame the player hands LiveKit at a time. */
export const FRAME_SAMPLES = SAMPLE_RATE / 100;

const FULL_SCALE = 32_767;

/** C – A minor – F – G, each a soft triad over its root an octave down (Hz). */
const CHORDS: readonly (readonly number[])[] = [
  [130.81, 261.63, 329.63, 392.0],
  [110.0, 220.0, 261.63, 329.63],
  [87.31, 174.61, 220.0, 261.63],
  [98.0, 196.0, 246.94, 293.66],
];
const CHORD_SECONDS = 2;

/**
 * The built-in hold music: {@link CHORDS} at two seconds each, 8 s that loop seamlessly, peaking near a
 * quarter of full scale (quiet enough to sit under speech, loud enough to say "you are still connected").
 * @example const loop = holdMusic(); // Int16Array of 384 000 samples
 */
export function holdMusic(): Int16Array {
  const step = CHORD_SECONDS * SAMPLE_RATE;
  const length = CHORDS.length * step;
  const mix = new Float64Array(length);
  CHORDS.forEach((notes, i) => {
    // A chord sounds for two steps (its window rises over the first, falls over the second).
    for (let n = 0; n < 2 * step; n++) {
      const t = (i * step + n) / SAMPLE_RATE;
      const window = Math.sin((Math.PI * n) / (2 * step)) ** 2;
      let sound = 0;
      notes.forEach((f, k) => {
        // The root a little softer; a slow shimmer on each voice keeps the pad from sounding static.
        const gain = k === 0 ? 0.7 : 1;
        const shimmer = 1 + 0.15 * Math.sin(2 * Math.PI * (0.25 + 0.1 * k) * t);
        sound += gain * shimmer * Math.sin(2 * Math.PI * f * t);
      });
      mix[(i * step + n) % length]! += window * sound;
    }
  });
  return toPcm(mix, 0.25);
}

/**
 * The announcement: a three-note chime (E5, C5, G5 — a rising "ding, ding, dong"), each a bell-like tone
 * with its second and third partials, decaying over a second; about 2 s with its tail. Switchboard ships
 * no speech: a chime tells a waiting customer "we know you're here" in every language.
 * @example player.announce(chime());
 */
export function chime(): Int16Array {
  const notes = [659.25, 523.25, 783.99];
  const gap = 0.45;
  const decay = 1.1;
  const length = Math.round((gap * (notes.length - 1) + decay) * SAMPLE_RATE);
  const mix = new Float64Array(length);
  notes.forEach((f, i) => {
    const start = Math.round(i * gap * SAMPLE_RATE);
    for (let n = 0; start + n < length; n++) {
      const t = n / SAMPLE_RATE;
      // 5 ms attack: a tone that starts at full level clicks.
      const envelope = Math.min(1, t / 0.005) * Math.exp(-t * 4) * Math.min(1, (length - start - n) / (0.01 * SAMPLE_RATE));
      const tone = Math.sin(2 * Math.PI * f * t) + 0.4 * Math.sin(4 * Math.PI * f * t) + 0.15 * Math.sin(6 * Math.PI * f * t);
      mix[start + n]! += envelope * tone;
    }
  });
  return toPcm(mix, 0.3);
}

/** Scales a mix so its loudest sample is `peak` of full scale, as 16-bit PCM. */
function toPcm(mix: Float64Array, peak: number): Int16Array {
  let loudest = 0;
  for (const s of mix) loudest = Math.max(loudest, Math.abs(s));
  const scale = loudest === 0 ? 0 : (peak * FULL_SCALE) / loudest;
  return Int16Array.from(mix, (s) => Math.round(s * scale));
}

/** The root mean square of samples, as a fraction of full scale (0 silent, ~0.7 a full-scale sine). */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length) / FULL_SCALE;
}
