import { GEO_CODES, INTERESTS } from '@loupe/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { adGroupBody, auditOf, createAdGroup, createCampaign, expectPinterestBulk, objectsOf, type BulkResult } from './support/campaigns';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

describe('ad group targeting_spec (real Postgres)', () => {
  const api = useTestApp();
  let owner: TestUser;
  let campaignId: string;
  const adGroups = () => objectsOf(api.app, owner, 'ad_groups');

  beforeAll(async () => {
    owner = await signUp(api.app);
    campaignId = (await createCampaign(api.app, owner)).id;
  });

  it('accepts every supported key and returns the spec canonical: nulls and empty lists dropped, duplicates removed', async () => {
    // Keys sent in canonical form already, and so returned as sent.
    const canonical = {
      GENDER: ['female', 'unknown'],
      LOCATION: ['US', 'CA'],
      GEO: ['DE-BY', 'GB-SCT'],
      LOCATION_EXCLUDE: ['US-TX', 'MX'],
      LOCALE: ['en', 'fr'],
      APPTYPE: ['iphone', 'android_mobile', 'web'],
      INTEREST: [INTERESTS[0]!.id, INTERESTS[1]!.id],
      INTEREST_EXCLUDE: [INTERESTS[2]!.id],
      TARGETING_STRATEGY: ['CHOOSE_YOUR_OWN'],
    };
    const adGroup = await createAdGroup(api.app, owner, campaignId, {
      targeting_spec: {
        ...canonical,
        AGE_BUCKET: ['18-24', '25-34', '18-24', '65+'],
        KEYWORD: [
          { value: ' Red Shoes ', match_type: 'BROAD' },
          { value: 'red shoes', match_type: 'BROAD' },
          { value: 'red shoes', match_type: 'EXACT' },
          { value: 'free', match_type: 'PHRASE_NEGATIVE' },
          { value: 'cheap shoes', match_type: 'EXACT_NEGATIVE', bid: null },
          { value: 'running shoes', match_type: 'PHRASE' },
        ],
        MINIMUM_AGE: undefined,
        SHOPPING_RETARGETING: undefined,
        APPTYPE_EXTRA: undefined,
      },
    });
    const expected = {
      ...canonical,
      AGE_BUCKET: ['18-24', '25-34', '65+'],
      KEYWORD: [
        { value: 'Red Shoes', match_type: 'BROAD' },
        { value: 'red shoes', match_type: 'EXACT' },
        { value: 'free', match_type: 'PHRASE_NEGATIVE' },
        { value: 'cheap shoes', match_type: 'EXACT_NEGATIVE' },
        { value: 'running shoes', match_type: 'PHRASE' },
      ],
    };
    expect(adGroup.targeting_spec).toEqual(expected);
    const got = await adGroups().get(adGroup.id).expect(200);
    expectPinterest('AdGroupResponse', got.body);
    expectPinterest('TargetingSpec', got.body.targeting_spec);
    expect(got.body.targeting_spec).toEqual(expected);

    const emptied = await createAdGroup(api.app, owner, campaignId, { targeting_spec: { GENDER: null, LOCALE: [], AGE_BUCKET: null } });
    expect(emptied.targeting_spec).toEqual({});
  });

  it.each([
    [{ HOBBY: ['golf'] }, 'targeting_spec: unknown targeting key "HOBBY"; supported keys are AGE_BUCKET'],
    [{ gender: ['female'] }, 'unknown targeting key "gender"'],
    [{ AGE_BUCKET: ['16-17'] }, 'targeting_spec.AGE_BUCKET.0: "16-17" is not a supported age bucket; use one of 18-24'],
    [{ GENDER: ['female', 'robot'] }, 'targeting_spec.GENDER.1: "robot" is not a supported gender'],
    [{ LOCATION: ['XX'] }, 'targeting_spec.LOCATION.0: "XX" is not a supported location'],
    [{ LOCATION: ['807'] }, 'DMA (metro) codes are not supported'],
    [{ LOCATION: ['US-CA'] }, 'regions go in GEO'],
    [{ GEO: ['US-ZZ'] }, 'targeting_spec.GEO.0: "US-ZZ" is not a supported GEO region; use a region code of US'],
    [{ GEO: ['US-94107'] }, 'postal codes are not supported'],
    [{ GEO: ['FR-IDF'] }, 'regions are available for US, CA, GB, AU, DE'],
    [{ LOCATION_EXCLUDE: ['Mars'] }, 'targeting_spec.LOCATION_EXCLUDE.0: "Mars" is not a supported location'],
    [{ LOCATION: ['US'], LOCATION_EXCLUDE: ['US'] }, 'targeting_spec.LOCATION_EXCLUDE: "US" is both targeted and excluded'],
    [{ LOCALE: ['en-US'] }, 'targeting_spec.LOCALE.0: "en-US" is not a supported locale; use an ISO 639-1 language code'],
    [{ APPTYPE: ['blackberry'] }, 'targeting_spec.APPTYPE.0: "blackberry" is not a supported app type'],
    [{ INTEREST: ['12345'] }, 'targeting_spec.INTEREST.0: "12345" is not a known interest id'],
    [{ INTEREST: [INTERESTS[0]!.id], INTEREST_EXCLUDE: [INTERESTS[0]!.id] }, 'is both targeted and excluded'],
    [{ KEYWORD: [{ value: 'shoes', match_type: 'FUZZY' }] }, 'targeting_spec.KEYWORD.0.match_type: "FUZZY" is not a supported keyword match type; use one of BROAD'],
    [{ KEYWORD: [{ value: '', match_type: 'BROAD' }] }, 'targeting_spec.KEYWORD.0.value: must not be empty'],
    [{ KEYWORD: [{ value: 'x'.repeat(121), match_type: 'BROAD' }] }, 'targeting_spec.KEYWORD.0.value: must be at most 120 characters'],
    [{ KEYWORD: ['shoes'] }, 'targeting_spec.KEYWORD.0'],
    [{ KEYWORD: [{ value: 'shoes', match_type: 'BROAD', boost: 2 }] }, 'boost'],
    [{ AUDIENCE_INCLUDE: ['2542620905473'] }, 'targeting_spec.AUDIENCE_INCLUDE: customer lists are not supported by Loupe'],
    [{ AUDIENCE_EXCLUDE: ['2542620905475'] }, 'targeting_spec.AUDIENCE_EXCLUDE: customer lists are not supported by Loupe'],
    [{ SHOPPING_RETARGETING: [{ lookback_window: 30 }] }, 'targeting_spec.SHOPPING_RETARGETING: dynamic retargeting is not supported'],
    [{ MINIMUM_AGE: '18', MAXIMUM_AGE: '65+' }, 'targeting_spec.MINIMUM_AGE: is not supported by Loupe; target age ranges with AGE_BUCKET'],
    [{ TARGETING_STRATEGY: ['FIND_NEW_CUSTOMERS'] }, 'targeting_spec.TARGETING_STRATEGY.0: "FIND_NEW_CUSTOMERS" is not a supported targeting strategy'],
    [{ GENDER: 'female' }, 'targeting_spec.GENDER: must be an array'],
    [['GENDER'], 'targeting_spec: must be an object of targeting keys'],
  ])('rejects targeting %j naming the offending key or value', async (targeting, message) => {
    const res = await adGroups()
      .create([adGroupBody(campaignId, { targeting_spec: targeting }), adGroupBody(campaignId)])
      .expect(200);
    expectPinterestBulk('AdGroupArrayResponseElement', res.body);
    const [bad, good] = (res.body as BulkResult).items;
    expect(bad).toEqual({ exceptions: [{ code: 1, message: expect.stringContaining(message) }] });
    expect(good!.data).toBeDefined();
  });

  it('accepts every GEO region and every interest of the exported taxonomy', async () => {
    const adGroup = await createAdGroup(api.app, owner, campaignId, { targeting_spec: { GEO: [...GEO_CODES], INTEREST: INTERESTS.map((i) => i.id) } });
    expect(adGroup.targeting_spec).toEqual({ GEO: GEO_CODES, INTEREST: INTERESTS.map((i) => i.id) });
  });

  it('replaces the whole spec on update, audits it, and keeps it when the update omits it', async () => {
    const adGroup = await createAdGroup(api.app, owner, campaignId, { targeting_spec: { GENDER: ['male'], LOCATION: ['US'] } });
    const replaced = await adGroups()
      .update([{ id: adGroup.id, targeting_spec: { KEYWORD: [{ value: 'garden chairs', match_type: 'PHRASE' }] } }])
      .expect(200);
    expect((replaced.body as BulkResult).items[0]!.data).toMatchObject({ targeting_spec: { KEYWORD: [{ value: 'garden chairs', match_type: 'PHRASE' }] } });
    const untouched = await adGroups().update([{ id: adGroup.id, name: 'Gardeners' }]).expect(200);
    expect((untouched.body as BulkResult).items[0]!.data).toMatchObject({ name: 'Gardeners', targeting_spec: { KEYWORD: [{ value: 'garden chairs', match_type: 'PHRASE' }] } });
    const entries = await auditOf(api.app, owner, adGroup.id);
    expect(entries[1]).toMatchObject({
      action: 'UPDATE',
      old_values: { targeting_spec: { GENDER: ['male'], LOCATION: ['US'] } },
      new_values: { targeting_spec: { KEYWORD: [{ value: 'garden chairs', match_type: 'PHRASE' }] } },
    });
  });

  it('rejects an invalid spec in an update and leaves the stored spec unchanged', async () => {
    const adGroup = await createAdGroup(api.app, owner, campaignId, { targeting_spec: { GENDER: ['female'] } });
    const res = await adGroups()
      .update([{ id: adGroup.id, targeting_spec: { GENDER: ['female'], INTEREST: ['nope'] } }])
      .expect(200);
    expect((res.body as BulkResult).items[0]!.exceptions[0]!.message).toContain('targeting_spec.INTEREST.0: "nope" is not a known interest id');
    expect((await adGroups().get(adGroup.id).expect(200)).body.targeting_spec).toEqual({ GENDER: ['female'] });
  });
});
