/**
 * The voice-activity detector's WebAssembly package ships no types: it default-exports an Emscripten
 * module factory, whose calls vad.ts narrows. (eSpeak NG's is loaded by espeak-worker.mjs, plain JS.)
 */
declare module "@echogarden/fvad-wasm" {
  const load: (options?: Record<string, unknown>) => Promise<unknown>;
  export default load;
}
