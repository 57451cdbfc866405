import { beforeAll, describe, expect, it } from 'vitest';
import { CONVERSION_RATES, decideImpression, ENGAGEMENT_RATES, impressionRandom, matchScore, propensities, type SimAd } from './engagement';
import { SimulatedPopulation, simulatedUser, type SimUser } from './population';
import { streamRandom } from './random';
import { interestId } from './vocabulary';

const HOME = interestId('home_decor');
const DESIGN = interestId('design');

function person(overrides: Partial<SimUser> = {}): SimUser {
  const base = simulatedUser(1, 0);
  const interestKeys = overrides.interestKeys ?? ['home_decor'];
  return { ...base, ageBucket: '25-34', gender: 'female', country: 'US', location: 'US-NY', ...overrides, interestKeys, interests: interestKeys.map(interestId) };
}

const ad = (targeting: SimAd['targeting']): SimAd => ({ category: 'home_decor', targeting, conversionType: 'checkout', valueScale: 1, currency: 'USD' });
const precise = ad({ LOCATION: ['US'], INTEREST: [HOME, DESIGN], AGE_BUCKET: ['25-34', '35-44'] });
const broad = ad({ LOCATION: ['US'] });
const mismatched = ad({ LOCATION: ['US'], INTEREST: [interestId('vehicles')] });

describe('match score', () => {
  it('adds the documented weights for creative, aligned interest, demographic and search intent', () => {
    expect(matchScore(person(), precise, { placement: 'BROWSE' })).toBeCloseTo(0.85, 12);
    expect(matchScore(person({ interestKeys: ['design'] }), precise, { placement: 'BROWSE' })).toBeCloseTo(0.35, 12);
    expect(matchScore(person(), broad, { placement: 'BROWSE' })).toBeCloseTo(0.5, 12);
    expect(matchScore(person({ interestKeys: ['art'] }), broad, { placement: 'BROWSE' })).toBe(0);
    expect(matchScore(person(), precise, { placement: 'SEARCH', search: { interest: 'home_decor', query: 'bedroom decor' } })).toBeCloseTo(1, 12);
    // Targeting an unrelated interest earns nothing beyond the creative's own relevance.
    expect(matchScore(person({ interestKeys: ['home_decor', 'vehicles'] }), mismatched, { placement: 'BROWSE' })).toBeCloseTo(0.5, 12);
  });

  it('is 0 for a person the targeting does not reach', () => {
    expect(matchScore(person({ ageBucket: '65+' }), precise, { placement: 'BROWSE' })).toBe(0);
    expect(matchScore(person({ country: 'FR', location: 'FR' }), precise, { placement: 'BROWSE' })).toBe(0);
  });
});

describe('propensities', () => {
  it('rise linearly from the m = 0 rates to the m = 1 rates', () => {
    expect(propensities(0, 'checkout')).toMatchObject({ click: ENGAGEMENT_RATES.CLICK.low, conversionGivenClick: CONVERSION_RATES.checkout.low });
    expect(propensities(1, 'lead')).toMatchObject({ click: ENGAGEMENT_RATES.CLICK.high, save: ENGAGEMENT_RATES.SAVE.high, conversionGivenClick: CONVERSION_RATES.lead.high });
    expect(propensities(0.5, 'signup').closeup).toBeCloseTo((ENGAGEMENT_RATES.CLOSEUP.low + ENGAGEMENT_RATES.CLOSEUP.high) / 2, 12);
    expect(() => propensities(1.2, 'signup')).toThrow(RangeError);
  });
});

describe('outcomes by match quality (fixed seed)', () => {
  const population = new SimulatedPopulation({ seed: 77, size: 10_000 });

  function run(target: SimAd, impressions: number) {
    const random = streamRandom(77, 'outcomes', JSON.stringify(target.targeting));
    const totals = { impressions: 0, closeups: 0, saves: 0, clicks: 0, conversions: 0, valueMicros: 0, scoreSum: 0 };
    const byTier = [0, 1, 2].map(() => ({ impressions: 0, clicks: 0 }));
    while (totals.impressions < impressions) {
      const user = population.pickVisitor(random, 'BROWSE')!;
      const outcome = decideImpression(random, user, target, { placement: 'BROWSE' });
      if (outcome.matchScore === 0 && target !== broad) continue; // not reached: never served
      totals.impressions++;
      totals.scoreSum += outcome.matchScore;
      if (outcome.closeup) totals.closeups++;
      if (outcome.save) totals.saves++;
      if (outcome.click) totals.clicks++;
      if (outcome.conversion) {
        totals.conversions++;
        totals.valueMicros += outcome.conversion.valueMicros;
      }
      const tier = byTier[outcome.matchScore < 0.2 ? 0 : outcome.matchScore < 0.6 ? 1 : 2]!;
      tier.impressions++;
      if (outcome.click) tier.clicks++;
    }
    return { ...totals, byTier };
  }

  const BID = 1_000_000; // the same CPC bid for both: ROAS = value / (clicks × bid)
  let good: ReturnType<typeof run>;
  let wide: ReturnType<typeof run>;
  beforeAll(() => {
    good = run(precise, 250_000);
    wide = run(broad, 250_000);
  });

  it('click-through rate rises with the match score', () => {
    const ctr = (t: { impressions: number; clicks: number }) => t.clicks / t.impressions;
    const tiers = [...good.byTier, ...wide.byTier].reduce(
      (acc, t, i) => {
        acc[i % 3]!.impressions += t.impressions;
        acc[i % 3]!.clicks += t.clicks;
        return acc;
      },
      [0, 1, 2].map(() => ({ impressions: 0, clicks: 0 })),
    );
    expect(ctr(tiers[0]!)).toBeLessThan(ctr(tiers[1]!));
    expect(ctr(tiers[1]!)).toBeLessThan(ctr(tiers[2]!));
    // The precise ad group's CTR is what its mean score predicts, within sampling error.
    const m = good.scoreSum / good.impressions;
    const expected = ENGAGEMENT_RATES.CLICK.low + (ENGAGEMENT_RATES.CLICK.high - ENGAGEMENT_RATES.CLICK.low) * m;
    expect(Math.abs(ctr(good) - expected) / expected).toBeLessThan(0.08);
  });

  it('precise targeting earns more close-ups, saves and clicks per impression and a better ROAS than broad targeting', () => {
    expect(good.clicks / good.impressions).toBeGreaterThan(2 * (wide.clicks / wide.impressions));
    expect(good.closeups / good.impressions).toBeGreaterThan(1.5 * (wide.closeups / wide.impressions));
    expect(good.saves / good.impressions).toBeGreaterThan(1.5 * (wide.saves / wide.impressions));
    const roas = (t: typeof good) => t.valueMicros / (t.clicks * BID);
    expect(roas(good)).toBeGreaterThan(1.4 * roas(wide));
  });
});

describe('impression decisions are reproducible', () => {
  const user = person();
  it('the same seed, auction and slot decide the same way; other seeds decide otherwise', () => {
    const decide = (seed: number, auction: string, slot: number) => decideImpression(impressionRandom(seed, auction, slot), user, precise, { placement: 'BROWSE' });
    const keys = Array.from({ length: 3_000 }, (_, i) => `auction-${i}`);
    const first = keys.map((k) => decide(5, k, 0));
    expect(keys.map((k) => decide(5, k, 0))).toEqual(first);
    const other = keys.map((k) => decide(6, k, 0));
    expect(other).not.toEqual(first);
    expect(first.filter((o) => o.click).length).toBeGreaterThan(0);
    expect(keys.map((k) => decide(5, k, 1))).not.toEqual(first);
  });
});
