import { matchesAudience, type AudienceRule, type RequestContext } from './targeting-match';

/**
 * Which of many audience rules one request matches, answered with bitsets (bit i =
 * `rules[i]`) instead of testing every rule: an inverted index per targeting dimension.
 *
 * For each dimension the index keeps the rules that do not target it (`any`) and, per
 * value, the rules that list it; a request's mask for the dimension is `any` OR the
 * masks of its values, and the dimensions are ANDed, exclusions removed — the same
 * semantics as `matchesAudience`, which stays the definition (a property test compares
 * the two). Keywords are the exception: on SEARCH, rules with keywords are checked one
 * by one with `matchesAudience`, as their match types need the query's word order.
 *
 * A request costs a few map lookups and (rules / 32) word operations per dimension, so a
 * serving index of hundreds of ad groups hands the auction only those whose audience
 * the user is in. Pure, immutable once built.
 */
export class AudienceIndex {
  /** Words of 32 rules in every mask. */
  readonly words: number;
  private readonly ageBuckets: Dimension;
  private readonly genders: Dimension;
  private readonly locales: Dimension;
  private readonly appTypes: Dimension;
  private readonly locations: Dimension;
  private readonly interests: Dimension;
  private readonly excludedLocations: Map<string, Uint32Array>;
  private readonly excludedInterests: Map<string, Uint32Array>;
  /** Rules with keywords: decided by `matchesAudience` on SEARCH. */
  private readonly withKeywords: Uint32Array;
  private readonly anyKeywords: boolean;

  constructor(private readonly rules: readonly AudienceRule[]) {
    this.words = Math.max(1, Math.ceil(rules.length / 32));
    const dim = (values: (r: AudienceRule) => ReadonlySet<string> | undefined) => dimension(rules, this.words, values);
    this.ageBuckets = dim((r) => r.ageBuckets);
    this.genders = dim((r) => r.genders);
    this.locales = dim((r) => r.locales);
    this.appTypes = dim((r) => r.appTypes);
    this.locations = dim((r) => r.locations);
    this.interests = dim((r) => r.interests);
    this.excludedLocations = dimension(rules, this.words, (r) => r.excludedLocations).byValue;
    this.excludedInterests = dimension(rules, this.words, (r) => r.excludedInterests).byValue;
    this.withKeywords = new Uint32Array(this.words);
    rules.forEach((r, i) => {
      if (r.keywords && r.keywords.length > 0) this.withKeywords[i >>> 5]! |= 1 << (i & 31);
    });
    this.anyKeywords = this.withKeywords.some((w) => w !== 0);
  }

  get size(): number {
    return this.rules.length;
  }

  /**
   * The rules `request` matches: bit i of the answer is `matchesAudience(rules[i], request)`.
   * `out` (at least `words` long) is filled and returned when given.
   */
  match(request: RequestContext, out: Uint32Array = new Uint32Array(this.words)): Uint32Array {
    const words = this.words;
    const location = request.location;
    const dash = location === undefined ? -1 : location.indexOf('-');
    const country = dash > 0 ? location!.slice(0, dash) : undefined;
    const { interests } = request;
    const ages = single(this.ageBuckets, request.ageBucket);
    const genders = single(this.genders, request.gender);
    const locales = single(this.locales, request.locale);
    const appTypes = single(this.appTypes, request.appType);
    const locationHit = location === undefined ? undefined : this.locations.byValue.get(location);
    const countryHit = country === undefined ? undefined : this.locations.byValue.get(country);
    const excludedHere = location === undefined ? undefined : this.excludedLocations.get(location);
    const excludedCountry = country === undefined ? undefined : this.excludedLocations.get(country);
    const interestHits: Uint32Array[] = [];
    const interestExclusions: Uint32Array[] = [];
    for (let i = 0; i < interests.length; i++) {
      const hit = this.interests.byValue.get(interests[i]!);
      if (hit) interestHits.push(hit);
      const excluded = this.excludedInterests.get(interests[i]!);
      if (excluded) interestExclusions.push(excluded);
    }
    for (let w = 0; w < words; w++) {
      let interestMask = this.interests.any[w]!;
      for (let i = 0; i < interestHits.length; i++) interestMask |= interestHits[i]![w]!;
      let excluded = (excludedHere ? excludedHere[w]! : 0) | (excludedCountry ? excludedCountry[w]! : 0);
      for (let i = 0; i < interestExclusions.length; i++) excluded |= interestExclusions[i]![w]!;
      const locationMask = this.locations.any[w]! | (locationHit ? locationHit[w]! : 0) | (countryHit ? countryHit[w]! : 0);
      out[w] = merged(ages, w) & merged(genders, w) & merged(locales, w) & merged(appTypes, w) & locationMask & interestMask & ~excluded;
    }
    if (request.placement === 'SEARCH' && this.anyKeywords) {
      for (let w = 0; w < words; w++) {
        let pending = out[w]! & this.withKeywords[w]!;
        while (pending !== 0) {
          const bit = pending & -pending;
          pending ^= bit;
          const i = w * 32 + (31 - Math.clz32(bit));
          if (!matchesAudience(this.rules[i]!, request)) out[w]! &= ~bit;
        }
      }
    }
    return out;
  }
}

interface Dimension {
  /** Rules that do not target the dimension. */
  any: Uint32Array;
  /** Per value, the rules that list it. */
  byValue: Map<string, Uint32Array>;
}

function dimension(rules: readonly AudienceRule[], words: number, values: (r: AudienceRule) => ReadonlySet<string> | undefined): Dimension {
  const any = new Uint32Array(words);
  const byValue = new Map<string, Uint32Array>();
  rules.forEach((rule, i) => {
    const set = values(rule);
    const bit = 1 << (i & 31);
    if (!set || set.size === 0) {
      any[i >>> 5]! |= bit;
      return;
    }
    for (const value of set) {
      let mask = byValue.get(value);
      if (!mask) {
        mask = new Uint32Array(words);
        byValue.set(value, mask);
      }
      mask[i >>> 5]! |= bit;
    }
  });
  return { any, byValue };
}

/** A single-valued dimension's two masks for a request: rules without it, rules listing its value (if any). */
function single(dim: Dimension, value: string | undefined): [Uint32Array, Uint32Array | undefined] {
  return [dim.any, value === undefined ? undefined : dim.byValue.get(value)];
}

function merged(masks: [Uint32Array, Uint32Array | undefined], w: number): number {
  return masks[0][w]! | (masks[1] ? masks[1][w]! : 0);
}

/** Calls `visit(i)` for every set bit of `mask`, in increasing order. */
export function forEachBit(mask: Uint32Array, visit: (i: number) => void): void {
  for (let w = 0; w < mask.length; w++) {
    let bits = mask[w]!;
    while (bits !== 0) {
      const bit = bits & -bits;
      bits ^= bit;
      visit(w * 32 + (31 - Math.clz32(bit)));
    }
  }
}
