/**
 * A repeatable sequence of numbers in [0, 1) from a seed (mulberry32): generated test cases, and the bench's audit
 * log, are the same on every run and machine, and a failure names the seed that makes it. JavaScript, with its types
 * beside it, so that scripts/bench-audit.mjs runs it as it is.
 * @param {number} seed
 * @returns {() => number}
 */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
