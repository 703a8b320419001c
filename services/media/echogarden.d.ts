/**
 * The two WebAssembly packages the flow voice uses ship no types: each default-exports an Emscripten
 * module factory. tts.ts and vad.ts narrow what they call.
 */
declare module "@echogarden/espeak-ng-emscripten" {
  const load: (options?: Record<string, unknown>) => Promise<unknown>;
  export default load;
}
declare module "@echogarden/fvad-wasm" {
  const load: (options?: Record<string, unknown>) => Promise<unknown>;
  export default load;
}
