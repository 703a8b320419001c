/**
 * A clock whose time moves only when the test says (the media service's `Clock`: now, setTimeout,
 * clearTimeout): timers due by the new time run in due order, so a gather's or a voice's deadlines are
 * tested without sleeping.
 * @example const { clock, advance } = handClock(); new Gather(settings, clock); advance(5_000);
 */
import type { Clock } from "../../services/media/gather";

export function handClock() {
  let now = 0;
  let next = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (run, ms) => {
      timers.set(++next, { at: now + ms, run });
      return next;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) if (timer.at <= now && timers.delete(id)) timer.run();
  };
  return { clock, advance, pending: () => timers.size };
}
