/**
 * A seeded pseudo-random generator: the same seed gives the same sequence on every run and platform, so synthetic
 * series (tests, fixtures, benchmarks) need no stored data.
 *
 * @example
 * const next = mulberry32(42);
 * next(); // a number in [0, 1), always the same for seed 42
 *
 * Complexity: O(1) per draw, 32 bits of state. Method: Tommy Ettinger's Mulberry32 (public domain, 2017); not for
 * cryptography.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
