/**
 * The voice-activity detector's WebAssembly package ships no types: it default-exports an Emscripten
 * module factory, whose calls vad.ts narrows.
 */
declare module "@echogarden/fvad-wasm" {
  const load: (options?: Record<string, unknown>) => Promise<unknown>;
  export default load;
}
