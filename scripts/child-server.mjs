/**
 * A server the scripts and the tests run as a child process (LiveKit's, the media service): how it is
 * stopped (SIGTERM, SIGKILL after 10 s) and how its start is awaited (its HTTP address answering, or the
 * child gone, or a minute passed) — one way for each.
 */

/**
 * The stop of a child: SIGTERM, then SIGKILL after 10 s; resolves once it has exited. Idempotent.
 * @param {import("node:child_process").ChildProcess} child
 * @returns {() => Promise<void>}
 */
export function stopperOf(child) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
}

/**
 * Resolves once `url` answers 2xx; stops the child and rejects with `failure()` when it exits first or
 * 60 s pass.
 * @param {{ url: string, child: import("node:child_process").ChildProcess, stop: () => Promise<void>, failure: () => Error }} options
 */
export async function untilAnswering({ url, child, stop, failure }) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw failure();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
