/**
 * The one seeded generator (mulberry32) of the benchmarks and the randomised tests: the same seed draws the
 * same numbers on every run and machine, so a synthetic population, a simulation's figures or a failing
 * test's sample can be reproduced.
 * @example const random = seededRandom(13); random(); // a number in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
