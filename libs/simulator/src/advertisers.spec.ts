import { reservePrice, microsPerMinorUnit } from '@loupe/auction';
import { describe, expect, it } from 'vitest';
import {
  agencyAdvertiser,
  DEMO_AGENCY_MARKETS,
  demoMarketplace,
  enterpriseAdvertiser,
  generateCatalog,
  smbAdvertiser,
  VERTICALS,
  type CatalogAdvertiser,
} from './advertisers';
import { interestId } from './vocabulary';

const OBJECTIVE_BILLABLE_EVENTS = {
  AWARENESS: ['IMPRESSION'],
  CONSIDERATION: ['CLICKTHROUGH'],
  WEB_CONVERSION: ['IMPRESSION', 'CLICKTHROUGH'],
  CATALOG_SALES: ['CLICKTHROUGH', 'IMPRESSION'],
} as const;

function adGroupsOf(advertisers: readonly CatalogAdvertiser[]) {
  return advertisers.flatMap((a) => a.accounts.flatMap((account) => account.campaigns.flatMap((campaign) => campaign.adGroups.map((adGroup) => ({ account, campaign, adGroup })))));
}

const catalog = generateCatalog({ seed: 11, smbs: 30, enterprises: 8 });
const demo = demoMarketplace(11);
const everything = [...catalog, demo.smb, demo.agency];

describe('advertiser catalog', () => {
  it('SMBs have one account and one campaign with small budgets; enterprises several accounts and campaigns', () => {
    const smbs = catalog.filter((a) => a.kind === 'SMB');
    expect(smbs).toHaveLength(30);
    for (const smb of smbs) {
      expect(smb.accounts).toHaveLength(1);
      expect(smb.accounts[0]!.campaigns).toHaveLength(1);
      for (const { adGroup } of adGroupsOf([smb])) expect(adGroup.budget_in_micro_currency).toBeLessThanOrEqual(60_000_000);
    }
    for (const enterprise of catalog.filter((a) => a.kind === 'ENTERPRISE')) {
      expect(enterprise.accounts.length).toBeGreaterThanOrEqual(2);
      for (const account of enterprise.accounts) expect(account.campaigns.length).toBeGreaterThanOrEqual(2);
      expect(new Set(enterprise.accounts.map((a) => a.name)).size).toBe(enterprise.accounts.length);
    }
  });

  it('budgets are whole units in integer micros, bids whole minor units above the floor and within the budget', () => {
    for (const { account, adGroup } of adGroupsOf(everything)) {
      expect(Number.isSafeInteger(adGroup.budget_in_micro_currency)).toBe(true);
      expect(adGroup.budget_in_micro_currency % 1_000_000).toBe(0);
      expect(adGroup.bid_in_micro_currency % microsPerMinorUnit(account.currency)).toBe(0);
      const floor = reservePrice({ placement: adGroup.placement_group, billableEvent: adGroup.billable_event, currency: account.currency });
      expect(adGroup.bid_in_micro_currency).toBeGreaterThan(floor);
      expect(adGroup.bid_in_micro_currency).toBeLessThanOrEqual(adGroup.budget_in_micro_currency);
    }
  });

  it('bills each objective on an event the API allows for it', () => {
    for (const { campaign, adGroup } of adGroupsOf(everything)) {
      expect(OBJECTIVE_BILLABLE_EVENTS[campaign.objective_type]).toContain(adGroup.billable_event);
    }
  });

  it('targets by quality: precise includes the creative\'s interest, broad only a country, mismatched an unrelated interest', () => {
    const groups = adGroupsOf(everything);
    for (const { account, adGroup } of groups) {
      const vertical = VERTICALS[account.vertical];
      const category = interestId(vertical.category);
      expect(adGroup.targeting_spec.LOCATION).toEqual([account.country]);
      expect(adGroup.ads.every((ad) => ad.category === vertical.category)).toBe(true);
      if (adGroup.targetingQuality === 'precise') expect(adGroup.targeting_spec.INTEREST).toContain(category);
      if (adGroup.targetingQuality === 'broad') expect(adGroup.targeting_spec.INTEREST).toBeUndefined();
      if (adGroup.targetingQuality === 'mismatched') {
        expect(adGroup.targeting_spec.INTEREST).toHaveLength(1);
        expect(adGroup.targeting_spec.INTEREST).not.toContain(category);
        expect(vertical.related.map((key) => interestId(key))).not.toContain(adGroup.targeting_spec.INTEREST![0]);
      }
      if (adGroup.placement_group === 'SEARCH') expect(adGroup.targeting_spec.KEYWORD?.length).toBeGreaterThan(0);
    }
    expect(new Set(groups.map((g) => g.adGroup.targetingQuality))).toEqual(new Set(['precise', 'broad', 'mismatched']));
  });

  it('names are unique where the seeder looks them up, and creatives are https pins with a title and link', () => {
    for (const advertiser of everything) {
      for (const account of advertiser.accounts) {
        expect(new Set(account.campaigns.map((c) => c.name)).size).toBe(account.campaigns.length);
        for (const campaign of account.campaigns) {
          expect(new Set(campaign.adGroups.map((g) => g.name)).size).toBe(campaign.adGroups.length);
          for (const adGroup of campaign.adGroups) {
            expect(new Set(adGroup.ads.map((a) => a.name)).size).toBe(adGroup.ads.length);
            for (const { pin } of adGroup.ads) {
              expect(pin.title.length).toBeGreaterThan(0);
              expect(pin.title.length).toBeLessThanOrEqual(100);
              expect(pin.image_url).toMatch(/^https:\/\//);
              expect(pin.link).toMatch(/^https:\/\/[a-z0-9-]+\.example\//);
            }
          }
        }
      }
    }
  });

  it('the demo has an SMB comparing a precise and a broad ad group, and an agency with four currencies and time zones', () => {
    expect(demo.smb.accounts).toHaveLength(1);
    expect(demo.smb.accounts[0]!.campaigns[0]!.adGroups.map((g) => g.targetingQuality)).toEqual(['precise', 'broad']);
    expect(demo.agency.accounts.map((a) => [a.currency, a.timezone])).toEqual(DEMO_AGENCY_MARKETS.map((m) => [m.currency, m.timezone]));
    expect(new Set(demo.agency.accounts.map((a) => a.vertical)).size).toBe(4);
  });
});

describe('catalog reproducibility', () => {
  it('the same seed gives the same catalog; another seed another one', () => {
    expect(generateCatalog({ seed: 11, smbs: 30, enterprises: 8 })).toEqual(catalog);
    expect(demoMarketplace(11)).toEqual(demo);
    expect(generateCatalog({ seed: 12, smbs: 30, enterprises: 8 })).not.toEqual(catalog);
    expect(demoMarketplace(12)).not.toEqual(demo);
    expect(smbAdvertiser(11, 3)).toEqual(catalog[3]);
    expect(enterpriseAdvertiser(11, 2)).toEqual(catalog[32]);
    expect(agencyAdvertiser(11, 'Northwind Digital Agency', DEMO_AGENCY_MARKETS)).toEqual(demo.agency);
  });

  it('image URLs follow the configured base', () => {
    const custom = demoMarketplace(11, { imageBaseUrl: 'https://cdn.shop.test/img/' });
    expect(adGroupsOf([custom.smb])[0]!.adGroup.ads[0]!.pin.image_url).toMatch(/^https:\/\/cdn\.shop\.test\/img\/home_decor\/[a-z0-9-]+\.jpg$/);
  });
});
