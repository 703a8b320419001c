/**
 * Waiting for something the server does after answering (a DO's alarm, delivery in the background, a
 * socket frame) without a fixed sleep: poll until it is there, or fail naming what never came.
 */

/**
 * Polls `find` every `everyMs` until it answers something other than undefined.
 * @example const sent = await eventually(() => double.sent[0], "the reply at the Twilio double");
 */
export async function eventually<T>(
  find: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 25_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
