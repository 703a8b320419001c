/**
 * An OpenAI-compatible speech-to-text double (`POST /v1/audio/transcriptions`) on a free port of
 * 127.0.0.1, for the compat suite's media service (`MEDIA_STT_URL`): it checks what the real API checks —
 * the Bearer key, a multipart body with `file` and `model`, and (as the real one would fail to decode
 * otherwise) a real WAV — answers `{text}`, and tells tests what it heard at `GET /heard`
 * (the tests run in another process than the compat global setup that starts it).
 */
import { createServer } from "node:http";
import { listenLocally } from "../listen";

/** What the double answers for every utterance. */
export const HEARD_TEXT = "sales please";

export interface SpeechToTextDouble {
  /** The transcription endpoint (MEDIA_STT_URL) and its key. */
  readonly url: string;
  readonly apiKey: string;
  close(): Promise<void>;
}

export interface Heard {
  readonly model: string;
  readonly language: string | null;
  readonly prompt: string | null;
  /** The WAV's sample rate and length in seconds. */
  readonly rate: number;
  readonly seconds: number;
}

/**
 * Starts the double.
 * @example const stt = await startSpeechToTextDouble(); // voiceEnv: { MEDIA_STT_URL: stt.url, MEDIA_STT_API_KEY: stt.apiKey }
 */
export async function startSpeechToTextDouble(): Promise<SpeechToTextDouble> {
  const apiKey = `sk-double-${crypto.randomUUID()}`;
  const heard: Heard[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const fail = (status: number, message: string) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message } }));
      if (req.method === "GET" && req.url === "/heard") return res.writeHead(200).end(JSON.stringify(heard));
      if (req.method !== "POST" || req.url !== "/v1/audio/transcriptions") return fail(404, "no such route");
      if (req.headers.authorization !== `Bearer ${apiKey}`) return fail(401, "Incorrect API key provided");
      const type = req.headers["content-type"] ?? "";
      if (!type.startsWith("multipart/form-data")) return fail(400, "expected multipart/form-data");
      const form = await new Request("http://double", { method: "POST", headers: { "content-type": type }, body: Buffer.concat(chunks) })
        .formData()
        .catch(() => null);
      const file = form?.get("file");
      const model = form?.get("model");
      if (!form || typeof file === "string" || !file || typeof model !== "string" || model === "")
        return fail(400, "file and model are required");
      const wav = Buffer.from(await file.arrayBuffer());
      if (wav.length < 44 || wav.toString("latin1", 0, 4) !== "RIFF" || wav.toString("latin1", 8, 12) !== "WAVE")
        return fail(400, "Invalid file format.");
      const rate = wav.readUInt32LE(24);
      const language = form.get("language");
      const prompt = form.get("prompt");
      heard.push({
        model,
        language: typeof language === "string" ? language : null,
        prompt: typeof prompt === "string" ? prompt : null,
        rate,
        seconds: (wav.length - 44) / 2 / rate,
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ text: HEARD_TEXT }));
    })();
  });
  const origin = await listenLocally(server);
  return { url: `${origin}/v1/audio/transcriptions`, apiKey, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
