import { estimateAudience } from '@loupe/auction';
import {
  AGE_BUCKETS,
  APP_TYPES,
  adCreateItemSchema,
  adGroupCreateItemSchema,
  campaignCreateItemSchema,
  COUNTRIES,
  GENDERS,
  GEO_CODES,
  INTERESTS,
  LOCALES,
  PERSON_AGE_BUCKETS,
  pinCreateBodySchema,
  targetingSpecSchema,
} from '@loupe/contracts';
import * as sim from '@loupe/simulator';
import { describe, expect, it } from 'vitest';
import { OBJECTIVE_BILLABLE_EVENTS } from '../src/ad-groups/ad-group.rules';
import { reviewAd } from '../src/ads/ad-review';
import {
  INTEREST_SHARE_BY_KEY,
  localeShares,
  MAIN_LANGUAGE,
  REGION_RESIDENTS_THOUSANDS,
  SYNTHETIC_AGE_BRACKETS,
  SYNTHETIC_APP_TYPES,
  SYNTHETIC_GENDERS,
  SYNTHETIC_MAU,
  SYNTHETIC_PLACEMENT_REACH,
  SYNTHETIC_POPULATION,
} from '../src/audience/synthetic-population';
import { DEMO_AD_ACCOUNT } from '../src/cli/seed';

/*
 * @loupe/simulator is pure, so it cannot import the zod contracts or the API's audience
 * sizing; it carries copies. This test proves the copies equal to the originals and the
 * catalog acceptable to the API's own schemas, rules and ad review.
 */
describe('the simulator agrees with the targeting contract and audience sizing', () => {
  it('uses the targeting vocabulary of the contract', () => {
    expect(sim.SIM_INTERESTS).toEqual(INTERESTS);
    expect(sim.SIM_AGE_BRACKETS).toEqual(PERSON_AGE_BUCKETS);
    expect(sim.TARGETABLE_AGE_BUCKETS).toEqual(AGE_BUCKETS);
    expect(sim.SIM_GENDERS).toEqual(GENDERS);
    expect(sim.SIM_APP_TYPES).toEqual(APP_TYPES);
    expect(sim.SIM_LOCALES).toEqual(LOCALES);
  });

  it('draws people from the synthetic population audience sizing documents', () => {
    expect(sim.MAU_BY_COUNTRY).toEqual(SYNTHETIC_MAU);
    expect(sim.REGION_RESIDENTS_THOUSANDS).toEqual(REGION_RESIDENTS_THOUSANDS);
    expect(sim.AGE_SHARES).toEqual(SYNTHETIC_AGE_BRACKETS);
    expect(sim.GENDER_SHARES).toEqual(SYNTHETIC_GENDERS);
    expect(sim.APP_TYPE_SHARES).toEqual(SYNTHETIC_APP_TYPES);
    expect(sim.MAIN_LANGUAGE).toEqual(MAIN_LANGUAGE);
    expect(sim.INTEREST_SHARES).toEqual(INTEREST_SHARE_BY_KEY);
    expect(sim.PLACEMENT_REACH).toEqual(SYNTHETIC_PLACEMENT_REACH);
    for (const country of [undefined, ...Object.keys(SYNTHETIC_MAU), 'KE']) expect(sim.localeShares(country)).toEqual(localeShares(country));
    for (const country of Object.keys(SYNTHETIC_MAU)) expect(sim.COUNTRY_UTC_OFFSET_HOURS[country], country).toEqual(expect.any(Number));
  });

  it('simulated people carry only targetable values, and targeting reaches the share audience sizing estimates', () => {
    const population = new sim.SimulatedPopulation({ seed: 31, size: 20_000 });
    for (const u of population.users) {
      expect(COUNTRIES).toContain(u.country);
      if (u.location !== u.country) expect(GEO_CODES).toContain(u.location);
    }
    const listedUsers = Object.values(SYNTHETIC_MAU).reduce((a, b) => a + b, 0);
    const specs: sim.SimTargetingSpec[] = [
      { INTEREST: [sim.interestId('home_decor'), sim.interestId('design')], AGE_BUCKET: ['25-34', '35-44', '45-49'] },
      { LOCATION: ['US'], GENDER: ['female'] },
      { GEO: ['US-CA', 'US-TX'], APPTYPE: ['iphone', 'ipad'] },
      { LOCATION: ['DE', 'FR'], LOCALE: ['de'] },
    ];
    for (const spec of specs) {
      const rule = sim.audienceRuleOf(spec);
      const simulated = population.users.filter((u) => u.placements.BROWSE && sim.targets(spec, u, 'BROWSE')).length / population.users.length;
      const sized = estimateAudience(SYNTHETIC_POPULATION, rule, 'BROWSE').estimate / listedUsers;
      expect(Math.abs(simulated / sized - 1), JSON.stringify(spec)).toBeLessThan(0.12);
    }
  });
});

describe('the advertiser catalog is acceptable to the API', () => {
  const demo = sim.demoMarketplace(sim.hash32(1, 'any seed'));
  const advertisers = [demo.smb, demo.agency, ...sim.generateCatalog({ seed: 5, smbs: 20, enterprises: 6 })];

  it('the demo SMB account is the demo login\'s account', () => {
    expect(sim.DEMO_SMB_ACCOUNT).toEqual(DEMO_AD_ACCOUNT);
  });

  it('campaigns, ad groups, targeting and pins parse with the contracts; ads pass the automatic review', () => {
    for (const account of advertisers.flatMap((a) => a.accounts)) {
      for (const campaign of account.campaigns) {
        expect(campaignCreateItemSchema.safeParse({ name: campaign.name, objective_type: campaign.objective_type, start_time: 1_700_000_000 }).success).toBe(true);
        for (const group of campaign.adGroups) {
          const { targetingQuality: _q, conversionType: _c, valueScale: _v, ads, ...body } = group;
          const parsed = adGroupCreateItemSchema.safeParse({ ...body, campaign_id: '1' });
          expect(parsed.error?.message, group.name).toBeUndefined();
          // The canonical spec is the catalog's own: nothing is dropped or rewritten.
          expect(targetingSpecSchema.parse(group.targeting_spec)).toEqual(group.targeting_spec);
          expect(OBJECTIVE_BILLABLE_EVENTS[campaign.objective_type]).toContain(group.billable_event);
          for (const ad of ads) {
            expect(adCreateItemSchema.safeParse({ ad_group_id: '1', pin_id: '2', creative_type: 'REGULAR', name: ad.name }).success).toBe(true);
            const { image_url, ...text } = ad.pin;
            const pin = pinCreateBodySchema.parse({ ...text, media_source: { source_type: 'image_url', url: image_url } });
            expect(reviewAd({ destinationUrl: null, pin: { title: pin.title, description: pin.description, alt_text: pin.alt_text, link: pin.link ?? null, image_url } })).toEqual({
              review_status: 'APPROVED',
              rejected_reasons: [],
              rejection_labels: [],
            });
          }
        }
      }
    }
  });
});
