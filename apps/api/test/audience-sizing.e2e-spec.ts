import { INTERESTS } from '@loupe/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

interface Sizing {
  audience_size_lower_bound: number;
  audience_size_upper_bound: number;
}

const interest = (key: string) => INTERESTS.find((i) => i.key === key)!.id;

describe('POST /v5/ad_accounts/{ad_account_id}/ad_groups/audience_sizing', () => {
  const api = useTestApp();
  let owner: TestUser;
  const post = (body: unknown, user: TestUser = owner, account = owner.adAccountId) =>
    api.http().post(`/v5/ad_accounts/${account}/ad_groups/audience_sizing`).set('Authorization', user.auth).send(body as object);
  const size = async (body: unknown): Promise<Sizing> => {
    const res = await post(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectPinterest('AdGroupAudienceSizingResponse', res.body);
    return res.body as Sizing;
  };
  const mid = (s: Sizing) => (s.audience_size_lower_bound + s.audience_size_upper_bound) / 2;

  beforeAll(async () => {
    owner = await signUp(api.app);
  });

  it("answers Pinterest's range, rounded to two significant digits, around the documented synthetic estimate", async () => {
    const us = await size({ targeting_spec: { LOCATION: ['US'] }, placement_group: 'BROWSE' });
    // 95M US users × 97% seen on BROWSE = 92.15M; ±15% → 78.3M … 106M, rounded outward.
    expect(us).toEqual({ audience_size_lower_bound: 78_000_000, audience_size_upper_bound: 110_000_000 });
    const women = await size({ targeting_spec: { LOCATION: ['US'], GENDER: ['female'], AGE_BUCKET: ['25-34'] }, placement_group: 'BROWSE' });
    // × 0.6 × 0.26 = 14.37M; ±15% → 12.2M … 16.5M
    expect(women).toEqual({ audience_size_lower_bound: 12_000_000, audience_size_upper_bound: 17_000_000 });
    for (const s of [us, women]) expect(s.audience_size_lower_bound).toBeLessThan(s.audience_size_upper_bound);
  });

  it('narrows with each dimension, grows with each value, and shrinks with exclusions', async () => {
    const base = await size({ targeting_spec: { LOCATION: ['US', 'CA'] } });
    const female = await size({ targeting_spec: { LOCATION: ['US', 'CA'], GENDER: ['female'] } });
    const bothGenders = await size({ targeting_spec: { LOCATION: ['US', 'CA'], GENDER: ['female', 'male'] } });
    const decor = await size({ targeting_spec: { LOCATION: ['US', 'CA'], INTEREST: [interest('home_decor')] } });
    const decorOrGarden = await size({ targeting_spec: { LOCATION: ['US', 'CA'], INTEREST: [interest('home_decor'), interest('gardening')] } });
    const noCalifornia = await size({ targeting_spec: { LOCATION: ['US', 'CA'], LOCATION_EXCLUDE: ['US-CA'] } });
    const noWeddings = await size({ targeting_spec: { LOCATION: ['US', 'CA'], INTEREST_EXCLUDE: [interest('wedding')] } });
    expect(mid(female)).toBeLessThan(mid(base));
    expect(mid(bothGenders)).toBeGreaterThan(mid(female));
    expect(mid(decor)).toBeLessThan(mid(base));
    expect(mid(decorOrGarden)).toBeGreaterThan(mid(decor));
    expect(mid(noCalifornia)).toBeLessThan(mid(base));
    expect(mid(noWeddings)).toBeLessThan(mid(base));
  });

  it('sizes a GEO region as its share of the country', async () => {
    const us = await size({ targeting_spec: { LOCATION: ['US'] } });
    const california = await size({ targeting_spec: { GEO: ['US-CA'] } });
    expect(mid(california) / mid(us)).toBeGreaterThan(0.08);
    expect(mid(california) / mid(us)).toBeLessThan(0.16);
  });

  it('lets keywords narrow the SEARCH placement only, from either keywords or targeting_spec.KEYWORD', async () => {
    const searchAll = await size({ targeting_spec: { LOCATION: ['US'] }, placement_group: 'SEARCH' });
    const searchRugs = await size({ targeting_spec: { LOCATION: ['US'] }, placement_group: 'SEARCH', keywords: [{ value: 'boho rugs', match_type: 'BROAD' }] });
    const searchRugsInSpec = await size({ targeting_spec: { LOCATION: ['US'], KEYWORD: [{ value: 'boho rugs', match_type: 'BROAD' }] }, placement_group: 'SEARCH' });
    const browseRugs = await size({ targeting_spec: { LOCATION: ['US'] }, placement_group: 'BROWSE', keywords: [{ value: 'boho rugs', match_type: 'BROAD' }] });
    const browseAll = await size({ targeting_spec: { LOCATION: ['US'] }, placement_group: 'BROWSE' });
    expect(mid(searchRugs)).toBeLessThan(mid(searchAll) / 10);
    expect(searchRugsInSpec).toEqual(searchRugs);
    expect(browseRugs).toEqual(browseAll);
    const withNegative = await size({
      targeting_spec: { LOCATION: ['US'] },
      placement_group: 'SEARCH',
      keywords: [
        { value: 'rugs', match_type: 'BROAD' },
        { value: 'cheap', match_type: 'PHRASE_NEGATIVE' },
      ],
    });
    const withoutNegative = await size({ targeting_spec: { LOCATION: ['US'] }, placement_group: 'SEARCH', keywords: [{ value: 'rugs', match_type: 'BROAD' }] });
    expect(mid(withNegative)).toBeLessThanOrEqual(mid(withoutNegative));
  });

  it('reports a tiny audience as 0–1,000 and sizes everyone worldwide when nothing is targeted', async () => {
    const tiny = await size({
      targeting_spec: { GEO: ['US-WY'], GENDER: ['unknown'], AGE_BUCKET: ['65+'], APPTYPE: ['android_tablet'], LOCALE: ['ko'], INTEREST: [interest('finance')] },
      placement_group: 'SEARCH',
      keywords: [{ value: 'vintage korean tea sets', match_type: 'EXACT' }],
    });
    expect(tiny).toEqual({ audience_size_lower_bound: 0, audience_size_upper_bound: 1000 });
    const world = await size({});
    const us = await size({ targeting_spec: { LOCATION: ['US'] } });
    expect(mid(world)).toBeGreaterThan(mid(us) * 3);
  });

  it('accepts the Pinterest-only fields and is deterministic', async () => {
    const body = { targeting_spec: { LOCATION: ['DE'], LOCALE: ['de'] }, auto_targeting_enabled: false, creative_types: ['REGULAR'], product_group_ids: [] };
    expect(await size(body)).toEqual(await size(body));
  });

  it.each([
    [{ targeting_spec: { LOCATION: ['US'], AUDIENCE_INCLUDE: ['2542620905473'] } }, 'AUDIENCE_INCLUDE'],
    [{ targeting_spec: { LOCATION: ['US'], COLOR: ['red'] } }, 'COLOR'],
    [{ targeting_spec: { LOCATION: ['XX'] } }, '"XX"'],
    [{ targeting_spec: { LOCATION: ['807'] } }, 'DMA'],
    [{ targeting_spec: { GENDER: ['robot'] } }, '"robot"'],
    [{ targeting_spec: { INTEREST: ['123'] } }, '"123"'],
    [{ targeting_spec: { MINIMUM_AGE: '18', MAXIMUM_AGE: '65+' } }, 'MINIMUM_AGE'],
    [{ targeting_spec: { LOCATION: ['US'], LOCATION_EXCLUDE: ['US'] } }, 'LOCATION_EXCLUDE'],
    [{ keywords: [{ value: 'rugs', match_type: 'FUZZY' }] }, 'keywords.0.match_type'],
    [{ placement_group: 'FEED' }, 'placement_group'],
    [{ product_group_ids: ['1'] }, 'product_group_ids'],
    [{ targeting_spec: { LOCATION: ['US'] }, budget: 1 }, 'budget'],
  ])('rejects %j with 400 naming %s', async (body, name) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(1);
    expect(res.body.message).toContain(name);
  });

  it('lets ANALYST size audiences but not FINANCE_MANAGER; another account is not found', async () => {
    const analyst = await signUp(api.app);
    const finance = await signUp(api.app);
    const stranger = await signUp(api.app);
    for (const [user, role] of [
      [analyst, 'ANALYST'],
      [finance, 'FINANCE_MANAGER'],
    ] as const) {
      await api.http().post(`/v5/ad_accounts/${owner.adAccountId}/members`).set('Authorization', owner.auth).send({ email: user.email, role }).expect(201);
    }
    const body = { targeting_spec: { LOCATION: ['US'] } };
    const ok = await post(body, analyst).expect(200);
    expectPinterest('AdGroupAudienceSizingResponse', ok.body);
    const denied = await post(body, finance);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(3);
    const foreign = await post(body, stranger);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe(4);
  });
});
