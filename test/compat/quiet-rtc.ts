/**
 * The compat and browser tests join rooms with LiveKit's Node SDK (@livekit/rtc-node), whose logger
 * picks its level once, when the module loads: debug unless NODE_ENV is "production" — and under vitest it
 * is "test", so every connect wrote a line of JSON between the results. Loaded first in each test file's
 * worker, this loads the SDK while NODE_ENV says production (info level: warnings and errors still show),
 * then puts NODE_ENV back for everything else.
 */
const nodeEnv = process.env.NODE_ENV;
process.env.NODE_ENV = "production";
try {
  await import("@livekit/rtc-node");
} catch {
  // No native binary on this machine: the call tests skip, saying why; nothing to quieten.
} finally {
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
}
