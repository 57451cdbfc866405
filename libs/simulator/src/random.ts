/**
 * Randomness for the simulator. Every draw comes from the auction's seeded mulberry32
 * (`seededRandom`) — never Math.random — and every independent stream (one user, one
 * advertiser, one impression's decisions) gets its own generator derived from the run
 * seed and a key. So a user or an event decision does not depend on how many draws
 * happened before it: generating user 5,000 alone gives the same user as generating
 * all of them, and a live run and a backfill decide the same impression the same way.
 */
import { seededRandom } from '@loupe/auction';

export type Random = () => number;

/** 32-bit finaliser of MurmurHash3: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a seed and keys (numbers or strings), stable across platforms. */
export function hash32(seed: number, ...keys: readonly (string | number)[]): number {
  let h = fmix32((seed | 0) ^ 0x9e3779b9);
  for (const key of keys) {
    if (typeof key === 'number') {
      h = fmix32(h ^ fmix32((key | 0) + 0x7f4a7c15) ^ Math.imul(Math.floor(key / 4294967296) | 0, 0x27d4eb2d));
    } else {
      // FNV-1a over UTF-16 code units, then mixed into the running hash.
      let f = 0x811c9dc5;
      for (let i = 0; i < key.length; i++) f = Math.imul(f ^ key.charCodeAt(i), 0x01000193);
      h = fmix32(h ^ fmix32(f >>> 0) ^ key.length);
    }
  }
  return h;
}

/** An independent generator for the stream named by `keys` under `seed`. */
export function streamRandom(seed: number, ...keys: readonly (string | number)[]): Random {
  return seededRandom(hash32(seed, ...keys));
}

export function bernoulli(random: Random, p: number): boolean {
  return random() < p;
}

/** An integer in [min, max], both included. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pickOne<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pickOne needs at least one item');
  return items[Math.floor(random() * items.length)]!;
}

/** A key drawn with probability proportional to its weight. */
export function pickWeighted<K extends string>(random: Random, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0)) throw new RangeError('pickWeighted needs a positive total weight');
  let r = random() * total;
  for (const [key, w] of entries) {
    r -= w;
    if (r < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

/** An index drawn with probability proportional to `weights[i]`. */
export function pickIndex(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('pickIndex needs a positive total weight');
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** A standard normal draw (Box–Muller; uses two uniforms). */
export function standardNormal(random: Random): number {
  const u = 1 - random(); // (0, 1]: log(0) is never taken
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A log-normal draw given its median and the σ of its logarithm. */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * standardNormal(random));
}

/** Error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7): log-normal CDFs in docs and tests. */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return sign * y;
}

/** P(X ≤ x) for a log-normal X with the given median and σ. */
export function logNormalCdf(x: number, median: number, sigma: number): number {
  if (x <= 0) return 0;
  return 0.5 * (1 + erf(Math.log(x / median) / (sigma * Math.SQRT2)));
}

/** A shuffled copy (Fisher–Yates): the same generator state gives the same order on every engine. */
export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
