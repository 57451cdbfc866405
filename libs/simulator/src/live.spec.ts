import { describe, expect, it } from 'vitest';
import { demoMarketplace } from './advertisers';
import { decideImpression } from './engagement';
import {
  categoryOfLink,
  compressDelay,
  decideLiveImpression,
  catalogAdGroupKey,
  demoAdGroups,
  liveImpressionRandom,
  liveRequest,
  liveServeUser,
  MIN_CLICK_DELAY_MS,
  simAdOfServed,
} from './live';
import { SimulatedPopulation } from './population';

const population = new SimulatedPopulation({ seed: 7, size: 2_000 });
const at = Date.UTC(2026, 10, 29, 2); // Sunday 21:00 in New York
const demoGroups = demoAdGroups(2026);
const demoAd = simAdOfServed([...demoGroups.values()][0], undefined, 'USD')!;

describe('live mode plan', () => {
  it('draws the same request sequence for the same seed, whatever the order, and another for another seed', () => {
    const forward = Array.from({ length: 50 }, (_, i) => liveServeUser(liveRequest(7, population, i, at)!));
    const backward = Array.from({ length: 50 }, (_, i) => 49 - i).map((i) => liveServeUser(liveRequest(7, population, i, at)!)).reverse();
    expect(backward).toEqual(forward);
    const other = Array.from({ length: 50 }, (_, i) => liveServeUser(liveRequest(8, population, i, at)!));
    expect(other).not.toEqual(forward);
    expect(forward.every((u) => /^[0-9a-f]{64}$/.test(u.id))).toBe(true);
  });

  it('sends the query only on SEARCH', () => {
    for (let i = 0; i < 200; i++) {
      const request = liveRequest(7, population, i, at)!;
      expect(liveServeUser(request).query !== undefined).toBe(request.placement === 'SEARCH');
    }
  });

  it('decides like decideImpression with boost 1, and clicks at least a second after the impression', () => {
    const ad = demoAd;
    for (let i = 0; i < 500; i++) {
      const request = liveRequest(7, population, i, at)!;
      const context = { placement: request.placement, search: request.search };
      const live = decideLiveImpression(liveImpressionRandom(7, i, 0), request.user, ad, context);
      const model = decideImpression(liveImpressionRandom(7, i, 0), request.user, ad, context);
      expect({ matchScore: live.matchScore, closeup: live.closeup, save: live.save, click: live.click, conversion: live.conversion }).toEqual(model);
      expect(live.clickAfterMs).toBeGreaterThanOrEqual(MIN_CLICK_DELAY_MS);
    }
  });

  it('a boost multiplies the click rate (capped at 1)', () => {
    const ad = demoAd;
    let plain = 0;
    let boosted = 0;
    for (let i = 0; i < 4_000; i++) {
      const request = liveRequest(7, population, i, at)!;
      const context = { placement: request.placement, search: request.search };
      if (decideLiveImpression(liveImpressionRandom(7, i, 0), request.user, ad, context).click) plain++;
      if (decideLiveImpression(liveImpressionRandom(7, i, 0), request.user, ad, context, 50).click) boosted++;
    }
    expect(boosted).toBeGreaterThan(10 * Math.max(1, plain));
    expect(() => decideLiveImpression(liveImpressionRandom(7, 0, 0), population.users[0]!, ad, { placement: 'BROWSE' }, 0.5)).toThrow(RangeError);
  });

  it('compresses delays by the scale, at least one second and at most the cap', () => {
    expect(compressDelay(2 * 86_400_000, 1 / 60, 300_000)).toBe(300_000);
    expect(compressDelay(600_000, 1 / 60, 300_000)).toBe(10_000);
    expect(compressDelay(60_000, 1 / 600, 300_000)).toBe(1_000);
  });

  it('knows every demo ad group by its names and each creative by its link, and reads the category of other links', () => {
    const demo = demoMarketplace(2026);
    let groups = 0;
    for (const account of [demo.smb, demo.agency].flatMap((a) => a.accounts))
      for (const campaign of account.campaigns)
        for (const adGroup of campaign.adGroups) {
          groups++;
          const entry = demoGroups.get(catalogAdGroupKey(account.name, campaign.name, adGroup.name));
          expect(entry?.adGroup).toEqual(adGroup);
          for (const ad of adGroup.ads)
            expect(simAdOfServed(entry, ad.pin.link, account.currency)).toEqual({
              category: ad.category,
              targeting: adGroup.targeting_spec,
              conversionType: adGroup.conversionType,
              valueScale: adGroup.valueScale,
              currency: account.currency,
            });
        }
    expect(demoGroups.size).toBe(groups);
    expect(categoryOfLink('https://x.example/p?utm_source=pinterest&utm_content=home_decor')).toBe('home_decor');
    expect(categoryOfLink('https://x.example/p?utm_content=nonsense')).toBeUndefined();
    expect(simAdOfServed(undefined, 'https://x.example/p?utm_content=travel', 'EUR')).toMatchObject({ category: 'travel', targeting: {}, currency: 'EUR' });
    expect(simAdOfServed(undefined, 'https://x.example/p', 'USD')).toBeUndefined();
  });
});
