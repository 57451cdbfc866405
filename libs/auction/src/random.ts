/**
 * A small, fast seeded PRNG (mulberry32) returning floats in [0, 1). The engine never
 * calls Math.random: callers inject randomness (tie rotation, pacing throttles,
 * simulations), and a seed makes every run reproducible.
 */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
