/**
 * A team's own hold music: a WAV file (PCM, 16-bit, mono or stereo, 8–96 kHz) read into the service's
 * 48 kHz mono samples, with every way a file can be wrong named — so a workspace admin who set the wrong
 * URL reads why in the start request's answer. {@link fetchWav} gets it over HTTP(S), from public addresses
 * only (./public-address.ts), within a size limit
 * (the answer is never read past it) and a timeout; {@link readWav} checks and converts the bytes.
 *
 * Pure but for the injected `fetch`: test/unit/media/wav.test.ts feeds it made-up files.
 */
import { SAMPLE_RATE } from "./audio";
import { refusedHost, type Lookup } from "./public-address";

/** 10 MB: a minute of CD-quality stereo, about 110 s of 48 kHz mono — hold music loops. */
export const MAX_WAV_BYTES = 10 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
/** Redirects followed, each to a host checked again. */
const MAX_REDIRECTS = 3;

export interface FetchWavOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  /** Fetch from loopback and private addresses too (local development and tests only). */
  readonly allowPrivate?: boolean;
  /** DNS, injected in tests. */
  readonly lookup?: Lookup;
}
/** 10 ms faded in and out, so the loop's wrap never clicks whatever the file's ends are. */
const FADE_SAMPLES = SAMPLE_RATE / 100;

/** A WAV that cannot be played, with why in words for the person who chose it. */
export class WavError extends Error {
  override readonly name = "WavError";
}

const text = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

/**
 * A WAV file's samples as 48 kHz mono 16-bit (channels averaged, resampled linearly, the ends faded).
 * @throws WavError naming what is wrong: not a WAV, not PCM, not 16-bit, no audio, too long, too short …
 * @example const loop = readWav(new Uint8Array(await response.arrayBuffer()));
 */
export function readWav(bytes: Uint8Array): Int16Array {
  if (bytes.length > MAX_WAV_BYTES) throw new WavError(`the file is ${bytes.length} bytes; at most ${MAX_WAV_BYTES} are played`);
  if (bytes.length < 12 || text(bytes, 0) !== "RIFF" || text(bytes, 8) !== "WAVE")
    throw new WavError("not a WAV file (it does not start with RIFF…WAVE)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { tag: number; channels: number; rate: number; bits: number } | null = null;
  let data: Uint8Array | null = null;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = text(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + size));
    if (id === "fmt ") {
      if (body.length < 16) throw new WavError("its format chunk is cut short");
      const fmt = new DataView(body.buffer, body.byteOffset, body.byteLength);
      format = {
        tag: fmt.getUint16(0, true),
        channels: fmt.getUint16(2, true),
        rate: fmt.getUint32(4, true),
        bits: fmt.getUint16(14, true),
      };
    } else if (id === "data") {
      data = body;
      break;
    }
    at += 8 + size + (size % 2); // chunks are padded to an even length
  }
  if (!format) throw new WavError("it has no format chunk");
  if (format.tag !== 1) throw new WavError(`its audio is not PCM (format ${format.tag}); save it as 16-bit PCM`);
  if (format.bits !== 16) throw new WavError(`its samples are ${format.bits}-bit; save it as 16-bit PCM`);
  if (format.channels !== 1 && format.channels !== 2) throw new WavError(`it has ${format.channels} channels; mono or stereo are played`);
  if (format.rate < 8_000 || format.rate > 96_000) throw new WavError(`its sample rate is ${format.rate} Hz; 8000 to 96000 Hz are played`);
  if (!data) throw new WavError("it has no data chunk (no audio)");
  const frames = Math.floor(data.length / (2 * format.channels));
  if (frames < format.rate / 10) throw new WavError("it is shorter than a tenth of a second");
  const pcm = new DataView(data.buffer, data.byteOffset, frames * 2 * format.channels);
  const mono = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < format.channels; c++) sum += pcm.getInt16((i * format.channels + c) * 2, true);
    mono[i] = sum / format.channels;
  }
  return fadeEnds(resampleTo48k(mono, format.rate));
}

/**
 * Linear interpolation to {@link SAMPLE_RATE}: plenty for music and speech heard through a call's codec.
 * @example resampleTo48k(Float64Array.from(samples22k), 22_050)
 */
export function resampleTo48k(samples: Float64Array, rate: number): Int16Array {
  if (rate === SAMPLE_RATE) return Int16Array.from(samples, Math.round);
  const length = Math.floor((samples.length * SAMPLE_RATE) / rate);
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    const at = (i * rate) / SAMPLE_RATE;
    const k = Math.floor(at);
    const next = samples[Math.min(k + 1, samples.length - 1)]!;
    out[i] = Math.round(samples[k]! + (next - samples[k]!) * (at - k));
  }
  return out;
}

function fadeEnds(samples: Int16Array): Int16Array {
  const fade = Math.min(FADE_SAMPLES, Math.floor(samples.length / 2));
  for (let i = 0; i < fade; i++) {
    const gain = i / fade;
    samples[i] = Math.round(samples[i]! * gain);
    samples[samples.length - 1 - i] = Math.round(samples[samples.length - 1 - i]! * gain);
  }
  return samples;
}

/**
 * Fetches a WAV over HTTP(S) and reads it: at most {@link MAX_WAV_BYTES} (a longer answer is cut off
 * and refused, never read to its end), within 10 s.
 * @throws WavError naming what went wrong: the URL, the status, the size, the time, or the file itself
 */
export async function fetchWav(
  url: string,
  { fetch: get = fetch, timeoutMs = FETCH_TIMEOUT_MS, allowPrivate = false, lookup }: FetchWavOptions = {},
): Promise<Int16Array> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WavError(`audioUrl ${JSON.stringify(url.slice(0, 200))} is not a URL`);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new WavError(`audioUrl must be http(s), not ${parsed.protocol}`);
    const refused = allowPrivate ? null : await refusedHost(parsed, lookup);
    if (refused) throw new WavError(`${parsed.origin} is not fetched: ${refused}`);
    try {
      response = await get(parsed, { signal, redirect: "manual" });
    } catch (error) {
      throw new WavError(`could not fetch ${parsed.origin}${parsed.pathname}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const location = response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
    if (location === null) break;
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) throw new WavError(`fetching ${url.slice(0, 200)} redirected more than ${MAX_REDIRECTS} times`);
    parsed = new URL(location, parsed);
  }
  response = response!;
  if (!response.ok) throw new WavError(`fetching ${parsed.origin}${parsed.pathname} answered ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_WAV_BYTES) {
    await response.body?.cancel();
    throw new WavError(`the file is ${declared} bytes; at most ${MAX_WAV_BYTES} are played`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    total += next.value.length;
    if (total > MAX_WAV_BYTES) {
      await reader?.cancel();
      throw new WavError(`the file is more than ${MAX_WAV_BYTES} bytes; at most that many are played`);
    }
    chunks.push(next.value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return readWav(bytes);
}

/**
 * 16-bit PCM mono samples as a WAV file (what a voicemail is uploaded as and speech-to-text is sent).
 * @example const file = encodeWav(samples16k, 16_000); // 44-byte header + 2 bytes a sample
 */
export function encodeWav(samples: Int16Array, rate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const put = (at: number, word: string) => [...word].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  put(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  put(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, "data");
  view.setUint32(40, samples.length * 2, true);
  samples.forEach((s, i) => view.setInt16(44 + i * 2, s, true));
  return bytes;
}
