import { describe, expect, it } from "vitest";
import { SAMPLE_RATE, rms } from "../../../services/media/audio";
import { MAX_WAV_BYTES, WavError, fetchWav, readWav } from "../../../services/media/wav";
import { isPublicAddress, type Lookup } from "../../../services/media/public-address";

interface Shape {
  rate?: number;
  channels?: number;
  bits?: number;
  format?: number;
  seconds?: number;
  extraChunk?: boolean;
}

/** A WAV of a 440 Hz tone in the given shape (a LIST chunk before the data when `extraChunk`). */
function wav({ rate = 44_100, channels = 1, bits = 16, format = 1, seconds = 0.5, extraChunk = false }: Shape = {}): Uint8Array {
  const frames = Math.round(rate * seconds);
  const data = Buffer.alloc(frames * channels * (bits / 8));
  if (bits === 16)
    for (let i = 0; i < frames; i++)
      for (let c = 0; c < channels; c++)
        data.writeInt16LE(Math.round(10_000 * Math.sin((2 * Math.PI * 440 * i) / rate)), (i * channels + c) * 2);
  const fmt = Buffer.alloc(24);
  fmt.write("fmt ", 0);
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(format, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 16);
  fmt.writeUInt16LE((channels * bits) / 8, 20);
  fmt.writeUInt16LE(bits, 22);
  const list = extraChunk ? Buffer.concat([Buffer.from("LIST"), Buffer.from([3, 0, 0, 0]), Buffer.from("abc\0")]) : Buffer.alloc(0);
  const head = Buffer.alloc(8);
  head.write("data", 0);
  head.writeUInt32LE(data.length, 4);
  const riff = Buffer.alloc(12);
  riff.write("RIFF", 0);
  riff.writeUInt32LE(4 + fmt.length + list.length + head.length + data.length, 4);
  riff.write("WAVE", 8);
  return new Uint8Array(Buffer.concat([riff, fmt, list, head, data]));
}

const refusal = (bytes: Uint8Array) => {
  try {
    readWav(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(WavError);
    return (error as Error).message;
  }
  throw new Error("readWav accepted it");
};

describe("readWav", () => {
  it("reads 16-bit PCM mono and stereo at any common rate as 48 kHz mono of the same length in time", () => {
    for (const shape of [{ rate: 48_000 }, { rate: 44_100 }, { rate: 8_000, channels: 2 }, { rate: 22_050, extraChunk: true }]) {
      const samples = readWav(wav({ ...shape, seconds: 0.5 }));
      expect(Math.abs(samples.length - SAMPLE_RATE / 2)).toBeLessThanOrEqual(1);
      expect(rms(samples)).toBeGreaterThan(0.15);
    }
  });

  it("fades its ends, so looping it never clicks", () => {
    const samples = readWav(wav({ seconds: 0.5 }));
    expect(samples[0]).toBe(0);
    expect(Math.abs(samples[samples.length - 1]!)).toBeLessThan(50);
  });

  it("refuses every other file naming what is wrong", () => {
    expect(refusal(new TextEncoder().encode("ID3 an mp3"))).toMatch(/not a WAV file/);
    expect(refusal(wav({ format: 3, bits: 32 }))).toMatch(/not PCM \(format 3\)/);
    expect(refusal(wav({ bits: 8 }))).toMatch(/8-bit; save it as 16-bit PCM/);
    expect(refusal(wav({ channels: 6 }))).toMatch(/6 channels/);
    expect(refusal(wav({ rate: 4_000 }))).toMatch(/4000 Hz/);
    expect(refusal(wav({ seconds: 0.01 }))).toMatch(/shorter than a tenth of a second/);
    const noData = wav();
    noData.set(new TextEncoder().encode("junk"), 36);
    expect(refusal(noData)).toMatch(/no data chunk/);
    expect(refusal(new Uint8Array(MAX_WAV_BYTES + 1))).toMatch(/at most 10485760/);
  });
});

describe("fetchWav", () => {
  const serve = (body: ConstructorParameters<typeof Response>[0], init: ResponseInit = {}) =>
    (async () => new Response(body, init)) as typeof fetch;
  // team.example resolves to a public address here (no DNS in tests); inside.example to a private one.
  const lookup: Lookup = async (host) => [{ address: host === "inside.example" ? "10.1.2.3" : "93.184.216.34" }];

  it("fetches and reads a WAV", async () => {
    const samples = await fetchWav("https://team.example/hold.wav", { fetch: serve(wav()), lookup });
    expect(rms(samples)).toBeGreaterThan(0.15);
  });

  it("refuses a bad URL, a failed answer, an unreachable host and an answer over the limit, reading no further", async () => {
    await expect(fetchWav("not a url")).rejects.toThrow(/is not a URL/);
    await expect(fetchWav("file:///etc/passwd")).rejects.toThrow(/must be http\(s\), not file:/);
    await expect(fetchWav("https://team.example/x.wav", { fetch: serve("no", { status: 404 }), lookup })).rejects.toThrow(/answered 404/);
    const unreachable = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    await expect(fetchWav("https://team.example/x.wav", { fetch: unreachable, lookup })).rejects.toThrow(
      /could not fetch https:\/\/team.example\/x.wav: fetch failed/,
    );
    await expect(
      fetchWav("https://team.example/x.wav", { fetch: serve("x", { headers: { "content-length": String(MAX_WAV_BYTES + 1) } }), lookup }),
    ).rejects.toThrow(/at most/);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    await expect(fetchWav("https://team.example/x.wav", { fetch: serve(endless), lookup })).rejects.toThrow(/more than 10485760 bytes/);
    expect(pulled).toBeLessThanOrEqual(13);
  });

  it.each([
    ["a private address", "http://10.0.0.5/hold.wav", /10\.0\.0\.5 is not a public address/],
    ["the cloud's metadata address", "http://169.254.169.254/latest/meta-data", /169\.254\.169\.254 is not a public address/],
    ["loopback", "http://127.0.0.1:8787/hold.wav", /127\.0\.0\.1 is not a public address/],
    ["IPv6 loopback", "http://[::1]/hold.wav", /::1 is not a public address/],
    ["a mapped IPv4 loopback", "http://[::ffff:127.0.0.1]/hold.wav", /is not a public address/],
    ["a name that resolves inside", "https://inside.example/hold.wav", /inside\.example resolves to 10\.1\.2\.3/],
  ])("refuses %s before any request (the media service runs inside the deployment's network)", async (_name, url, why) => {
    let requested = 0;
    const counting = (async () => {
      requested++;
      return new Response(wav());
    }) as typeof fetch;
    await expect(fetchWav(url, { fetch: counting, lookup })).rejects.toThrow(why);
    expect(requested).toBe(0);
  });

  it("checks every redirect's host again, and follows a public one", async () => {
    const hops: string[] = [];
    const redirecting = (to: string) =>
      (async (input: URL | string | Request) => {
        hops.push(String(input));
        return String(input).includes("/final") ? new Response(wav()) : new Response(null, { status: 302, headers: { location: to } });
      }) as typeof fetch;
    await expect(fetchWav("https://team.example/hold.wav", { fetch: redirecting("http://inside.example/x"), lookup })).rejects.toThrow(
      /inside\.example resolves to 10\.1\.2\.3/,
    );
    expect(hops).toEqual(["https://team.example/hold.wav"]);
    hops.length = 0;
    expect(rms(await fetchWav("https://team.example/hold.wav", { fetch: redirecting("/final.wav"), lookup }))).toBeGreaterThan(0.15);
    expect(hops).toEqual(["https://team.example/hold.wav", "https://team.example/final.wav"]);
  });

  it("fetches from loopback when told to (local development and tests: MEDIA_ALLOW_PRIVATE_AUDIO)", async () => {
    const samples = await fetchWav("http://127.0.0.1:8787/hold.wav", { fetch: serve(wav()), lookup, allowPrivate: true });
    expect(rms(samples)).toBeGreaterThan(0.15);
  });
});

describe("isPublicAddress", () => {
  it.each([
    ["93.184.216.34", true],
    ["2606:2800:220:1:248:1893:25c8:1946", true],
    ["10.0.0.1", false],
    ["172.31.255.255", false],
    ["172.32.0.1", true],
    ["192.168.1.1", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["fd00::1", false],
    ["fe80::1", false],
    ["::ffff:10.0.0.1", false],
    ["not an address", false],
  ])("%s → %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
