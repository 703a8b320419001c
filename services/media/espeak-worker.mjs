/**
 * eSpeak NG (WebAssembly) in a worker thread, for tts.ts's local text-to-speech: its synthesis is
 * synchronous, and a long prompt rendered on the main thread would stall every room's audio (hold music,
 * other voices) for as long as it takes. Plain JavaScript so it runs the same under tsx and vitest.
 *
 * Message in: `{ id, text, language }` (BCP-47). Message out: `{ id, samples, rate }` (Int16Array, its
 * buffer transferred) or `{ id, error }`.
 */
import { parentPort } from "node:worker_threads";
import load from "@echogarden/espeak-ng-emscripten";

const module = await load();
const espeak = new module.eSpeakNGWorker();
/** eSpeak's languages: lower-case tags ("en-us", "fr", "pt-br"). */
const languages = new Set(espeak.list_voices().flatMap((voice) => voice.languages.map((l) => l.name)));

parentPort?.on("message", ({ id, text, language }) => {
  try {
    // The exact language, else its base language, else English.
    const tag = String(language).toLowerCase();
    const chosen = [tag, tag.split("-")[0], "en-us"].find((name) => languages.has(name));
    espeak.set_voice("", chosen, 0, 0, 0);
    const chunks = [];
    espeak.synthesize(String(text), (samples) => {
      chunks.push(Int16Array.from(samples));
      return 0; // go on
    });
    const samples = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      samples.set(chunk, at);
      at += chunk.length;
    }
    parentPort.postMessage({ id, samples, rate: espeak.get_samplerate() }, [samples.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
