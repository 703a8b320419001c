/**
 * The voice's speech providers (services/media/tts.ts, stt.ts): the local text-to-speech speaks audibly,
 * at 48 kHz, for about as long as the words take, in more than one language, and renders a prompt once;
 * the OpenAI-compatible clients speak the real wire format to doubles that check what the real API checks
 * — the Bearer key, the JSON or multipart fields, a real WAV — and say why when refused.
 */
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rms, SAMPLE_RATE } from "../../../services/media/audio";
import { openaiStt, sttFromEnv, SttError } from "../../../services/media/stt";
import { cachedTts, localTts, openaiTts, ttsFromEnv, type TextToSpeech } from "../../../services/media/tts";
import { encodeWav, readWav } from "../../../services/media/wav";
import { listenLocally } from "../../support/listen";

const KEY = "sk-test-key";
let origin = "";
let close = () => {};
const seen: { path: string; auth: string; type: string; json?: unknown; fields?: Record<string, string>; file?: Uint8Array }[] = [];

const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
};

beforeAll(async () => {
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await read(req);
      const auth = req.headers.authorization ?? "";
      const type = req.headers["content-type"] ?? "";
      if (auth !== `Bearer ${KEY}`) return res.writeHead(401).end(JSON.stringify({ error: { message: "Incorrect API key" } }));
      if (req.url === "/v1/audio/speech") {
        const json = JSON.parse(raw.toString()) as { input?: string; response_format?: string };
        seen.push({ path: req.url, auth, type, json });
        if (!json.input || json.response_format !== "wav") return res.writeHead(400).end("{}");
        const tone = Int16Array.from({ length: 24_000 }, (_, i) => Math.round(6000 * Math.sin(i / 4)));
        return res.writeHead(200, { "content-type": "audio/wav" }).end(Buffer.from(encodeWav(tone, 24_000)));
      }
      if (req.url === "/v1/audio/transcriptions") {
        // Parse the multipart body as the real API does.
        const form = await new Request("http://x", { method: "POST", headers: { "content-type": type }, body: raw }).formData();
        const fields: Record<string, string> = {};
        let file: Uint8Array | undefined;
        for (const [name, value] of form) {
          if (typeof value === "string") fields[name] = value;
          else {
            fields[`${name}:filename`] = value.name;
            file = new Uint8Array(await value.arrayBuffer());
          }
        }
        seen.push({ path: req.url, auth, type, fields, ...(file ? { file } : {}) });
        if (!file || !fields.model) return res.writeHead(400).end("{}");
        return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ text: " Sales, please. " }));
      }
      res.writeHead(404).end();
    })();
  });
  origin = await listenLocally(server);
  close = () => server.close();
});
afterAll(() => close());

describe("the local text-to-speech", () => {
  it("speaks audibly at 48 kHz, about as long as the words take, in American and British English", async () => {
    const tts = localTts();
    const menu = "Press one for sales, two for support, or stay on the line for an agent.";
    const short = await tts.speak("Hello.", "en-US");
    const long = await tts.speak(menu, "en-US");
    const british = await tts.speak(menu, "en-GB");
    for (const samples of [short, long, british]) expect(rms(samples)).toBeGreaterThan(0.02);
    expect(short.length / SAMPLE_RATE).toBeGreaterThan(0.2);
    expect(short.length / SAMPLE_RATE).toBeLessThan(2);
    for (const samples of [long, british]) {
      expect(samples.length / SAMPLE_RATE).toBeGreaterThan(3);
      expect(samples.length / SAMPLE_RATE).toBeLessThan(10);
    }
    // en-GB is another voice, not the American one again.
    expect(british).not.toEqual(long);
  }, 60_000);

  it("falls back to the base language, then to American English, rather than failing the call", async () => {
    const tts = localTts();
    const american = await tts.speak("Press one for sales.", "en-US");
    expect(await tts.speak("Press one for sales.", "en")).toEqual(american);
    expect(await tts.speak("Press one for sales.", "en-AU")).toEqual(american);
    expect(await tts.speak("Press one for sales.", "xx-YY")).toEqual(american);
    // Another language is read with English pronunciation (Flite speaks only English) — heard, not silence.
    const french = await tts.speak("Appuyez sur un pour les ventes.", "fr-FR");
    expect(rms(french)).toBeGreaterThan(0.02);
    expect(french.length / SAMPLE_RATE).toBeGreaterThan(1);
  }, 60_000);

  it("renders prompts asked for at once, each its own", async () => {
    const tts = localTts();
    const [hello, menu] = await Promise.all([tts.speak("Hello.", "en-US"), tts.speak("Press one for sales, two for support.", "en-US")]);
    expect(menu.length).toBeGreaterThan(hello.length * 2);
    expect(await tts.speak("Hello.", "en-US")).toEqual(hello);
  }, 60_000);

  it("holds a program open while it speaks and not after (the media service stops when asked)", async () => {
    const tts = new URL("../../../services/media/tts.ts", import.meta.url).href;
    const script = `const { localTts } = await import(${JSON.stringify(tts)}); const s = await localTts().speak("Hello.", "en-US"); console.log(s.length > 0 ? "spoke" : "silent");`;
    const { code, out, err } = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script],
        { timeout: 45_000 },
        (_error, out, err) => resolve({ code: child.exitCode, out, err }),
      );
    });
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: "spoke" });
    expect(err).not.toContain("ExperimentalWarning"); // Node's WASI notice is not news for the service's log
  }, 60_000);

  it("renders a prompt once however often it is said (per language and voice)", async () => {
    const calls: string[] = [];
    const inner: TextToSpeech = {
      speak: async (text, language) => {
        calls.push(`${language} ${text}`);
        return new Int16Array(10);
      },
    };
    const tts = cachedTts(inner, 2);
    await tts.speak("Hi", "en-US");
    await tts.speak("Hi", "en-US");
    await tts.speak("Hi", "fr-FR");
    await tts.speak("Bye", "en-US");
    await tts.speak("Hi", "en-US"); // the least recently used of three, so no longer kept: rendered again
    expect(calls).toEqual(["en-US Hi", "fr-FR Hi", "en-US Bye", "en-US Hi"]);
  });

  it("is chosen from the environment, and a wrong choice is refused naming the setting", () => {
    expect(() => ttsFromEnv({})).not.toThrow();
    expect(() => ttsFromEnv({ MEDIA_TTS: "polly" })).toThrow(/MEDIA_TTS is "polly"/);
    expect(() => ttsFromEnv({ MEDIA_TTS: "openai", MEDIA_TTS_URL: "https://tts.example/v1/audio/speech" })).toThrow(/MEDIA_TTS_API_KEY/);
    expect(() => ttsFromEnv({ MEDIA_TTS: "openai", MEDIA_TTS_URL: "tts.example", MEDIA_TTS_API_KEY: "k" })).toThrow(
      "MEDIA_TTS_URL is not an http(s) URL",
    );
  });
});

describe("the OpenAI-compatible text-to-speech", () => {
  it("posts {model, input, voice, response_format: wav} with the Bearer key and plays the WAV at 48 kHz", async () => {
    seen.length = 0;
    const tts = openaiTts({ url: `${origin}/v1/audio/speech`, apiKey: KEY, model: "tts-1" });
    const samples = await tts.speak("Hello there", "en-US", "Polly.Joanna");
    expect(seen[0]).toMatchObject({ auth: `Bearer ${KEY}`, type: "application/json" });
    expect(seen[0]!.json).toEqual({ model: "tts-1", input: "Hello there", voice: "alloy", response_format: "wav" });
    expect(samples.length).toBe(48_000); // 1 s at 24 kHz → 48 kHz
    await expect(openaiTts({ url: `${origin}/v1/audio/speech`, apiKey: "wrong", model: "tts-1" }).speak("Hi", "en-US")).rejects.toThrow(
      "text-to-speech answered 401",
    );
  });
});

describe("the OpenAI-compatible speech-to-text", () => {
  it("posts multipart file=audio.wav (a real 16 kHz WAV), model, language, prompt with the Bearer key; answers the text", async () => {
    seen.length = 0;
    const stt = openaiStt({ url: `${origin}/v1/audio/transcriptions`, apiKey: KEY, model: "whisper-1" });
    const speech = Int16Array.from({ length: 8000 }, (_, i) => Math.round(3000 * Math.sin(i / 3)));
    expect(await stt.transcribe(speech, "en-US", "sales, support")).toEqual({ text: "Sales, please.", confidence: 1 });
    const request = seen[0]!;
    expect(request.auth).toBe(`Bearer ${KEY}`);
    expect(request.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.fields).toMatchObject({ "file:filename": "audio.wav", model: "whisper-1", language: "en", prompt: "sales, support" });
    expect(readWav(request.file!).length).toBe(24_000); // 0.5 s, read back as 48 kHz
    await expect(
      openaiStt({ url: `${origin}/v1/audio/transcriptions`, apiKey: "nope", model: "m" }).transcribe(speech, "en", ""),
    ).rejects.toThrow(SttError);
  });

  it("is off without MEDIA_STT_URL", () => {
    expect(sttFromEnv({})).toBeNull();
    expect(() => sttFromEnv({ MEDIA_STT_URL: "whisper.local" })).toThrow("MEDIA_STT_URL is not an http(s) URL");
    expect(sttFromEnv({ MEDIA_STT_URL: `${origin}/v1/audio/transcriptions`, MEDIA_STT_API_KEY: KEY })).not.toBeNull();
  });
});
