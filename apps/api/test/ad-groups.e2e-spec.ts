import { reservePrice } from '@loupe/auction';
import { beforeAll, describe, expect, it } from 'vitest';
import { adGroupBody, auditOf, createAdGroup, createCampaign, DAY, expectPinterestBulk, nowSeconds, objectsOf, pageIds, signUpMember, type BulkResult } from './support/campaigns';
import { expectPinterest, expectPinterestPage } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

type AdGroup = Record<string, unknown> & { id: string; status: string };

describe('ad groups: /v5/ad_accounts/{ad_account_id}/ad_groups (real Postgres)', () => {
  const api = useTestApp();
  let owner: TestUser;
  let stranger: TestUser;
  const adGroups = (user: TestUser) => objectsOf(api.app, user, 'ad_groups');
  const failures = (body: unknown) => (body as BulkResult).items.map((i) => i.exceptions[0] ?? null);

  beforeAll(async () => {
    owner = await signUp(api.app);
    stranger = await signUp(api.app);
  });

  describe('create', () => {
    it('creates ad groups with every Pinterest field, defaults as Pinterest, and each is readable by id', async () => {
      const campaign = await createCampaign(api.app, owner, { objective_type: 'AWARENESS', end_time: nowSeconds() + 60 * DAY });
      const start = nowSeconds() + DAY;
      // The fields of the full ad group that come back as they were sent.
      const echoed = {
        name: 'Everything',
        status: 'PAUSED',
        billable_event: 'IMPRESSION',
        budget_type: 'LIFETIME',
        budget_in_micro_currency: 1_000_000_000,
        bid_in_micro_currency: 4_000_000,
        bid_strategy_type: 'TARGET_AVG',
        start_time: start,
        end_time: start + 20 * DAY,
        targeting_spec: { GENDER: ['female'], LOCATION: ['US'], INTEREST: ['903183652505'], AGE_BUCKET: ['25-34', '35-44'] },
        lifetime_frequency_cap: 10,
        daily_frequency_cap: 2,
        tracking_urls: { impression: ['https://tracker.example/i'] },
        auto_targeting_enabled: true,
        placement_group: 'BROWSE',
        pacing_delivery_type: 'ACCELERATED',
        optimization_goal_metadata: { frequency_goal_metadata: { frequency: 3, timerange: 'SEVEN_DAY' } },
      };
      const res = await adGroups(owner)
        .create([
          { ...echoed, campaign_id: `C${campaign.id}`, is_creative_optimization: null, promotion_id: null, targeting_template_ids: null },
          { name: 'Minimal', campaign_id: campaign.id, billable_event: 'IMPRESSION', budget_in_micro_currency: 20_000_000, bid_in_micro_currency: 3_000_000 },
        ])
        .expect(200);
      expectPinterestBulk('AdGroupArrayResponseElement', res.body);
      expectPinterest('AdGroupArrayResponse', res.body);
      const [full, minimal] = (res.body as BulkResult<AdGroup>).items.map((i) => i.data!);
      expect(full).toMatchObject({
        ...echoed,
        ad_account_id: owner.adAccountId,
        campaign_id: campaign.id,
        summary_status: 'PAUSED',
        type: 'adgroup',
        is_creative_optimization: false,
      });
      expect(minimal).toMatchObject({
        status: 'ACTIVE',
        summary_status: 'RUNNING',
        budget_type: 'DAILY',
        placement_group: 'ALL',
        pacing_delivery_type: 'STANDARD',
        bid_strategy_type: 'MAX_BID',
        targeting_spec: {},
        auto_targeting_enabled: false,
        start_time: null,
        end_time: null,
        tracking_urls: null,
      });
      expect(minimal).not.toHaveProperty('lifetime_frequency_cap');
      for (const created of [full!, minimal!]) {
        const got = await adGroups(owner).get(created.id).expect(200);
        expectPinterest('AdGroupResponse', got.body);
        expect(got.body).toEqual(created);
      }
      const [entry] = await auditOf(api.app, owner, full!.id);
      expect(entry).toMatchObject({
        action: 'CREATE',
        object_type: 'AD_GROUP',
        new_values: { name: 'Everything', campaign_id: campaign.id, budget_in_micro_currency: 1_000_000_000, targeting_spec: full!.targeting_spec },
      });
    });

    it('stores AUTOMATIC_BID when no bid and no strategy are sent where Pinterest does not require a bid', async () => {
      const campaign = await createCampaign(api.app, owner, { objective_type: 'WEB_CONVERSION' });
      const adGroup = await createAdGroup(api.app, owner, campaign.id, { bid_in_micro_currency: undefined, billable_event: 'IMPRESSION' });
      expect(adGroup).toMatchObject({ bid_in_micro_currency: null, bid_strategy_type: 'AUTOMATIC_BID' });
    });

    it('fails each item that breaks a business rule on its own, naming the field, and creates the others', async () => {
      const now = nowSeconds();
      const campaign = await createCampaign(api.app, owner, { start_time: now + DAY, end_time: now + 30 * DAY });
      const awareness = await createCampaign(api.app, owner, { objective_type: 'AWARENESS' });
      const archived = await createCampaign(api.app, owner);
      await objectsOf(api.app, owner, 'campaigns').update([{ id: archived.id, status: 'ARCHIVED' }]).expect(200);
      const theirs = await createCampaign(api.app, stranger);
      const ok = adGroupBody(campaign.id);
      const floor = reservePrice({ placement: 'SEARCH', billableEvent: 'CLICKTHROUGH', currency: 'USD' });
      const cases: [Record<string, unknown>, string][] = [
        [{ ...ok, budget_type: 'LIFETIME', budget_in_micro_currency: 500_000_000 }, 'end_time: is required when budget_type is LIFETIME'],
        [{ ...ok, start_time: now + 5 * DAY, end_time: now + 4 * DAY }, 'end_time: must be after start_time'],
        [{ ...ok, start_time: now + 2 * DAY, end_time: now - DAY }, 'end_time: must be'],
        [{ ...ok, start_time: now }, "start_time: must not be before the campaign's start_time"],
        [{ ...ok, start_time: now + 30 * DAY }, "start_time: must be before the campaign's end_time"],
        [{ ...ok, end_time: now + 31 * DAY }, "end_time: must not be after the campaign's end_time"],
        [{ ...ok, bid_in_micro_currency: null, bid_strategy_type: 'MAX_BID' }, 'bid_in_micro_currency: is required when bid_strategy_type is MAX_BID'],
        [{ ...ok, bid_in_micro_currency: null, bid_strategy_type: 'TARGET_AVG' }, 'bid_in_micro_currency: is required when bid_strategy_type is TARGET_AVG'],
        [{ ...ok, bid_in_micro_currency: null }, 'bid_in_micro_currency: is required for CONSIDERATION campaigns billed on CLICKTHROUGH'],
        [{ ...ok, bid_strategy_type: 'AUTOMATIC_BID' }, 'bid_in_micro_currency: must be null when bid_strategy_type is AUTOMATIC_BID'],
        [{ ...ok, bid_in_micro_currency: 60_000_000 }, "bid_in_micro_currency: must not exceed the ad group's daily budget"],
        [{ ...ok, bid_in_micro_currency: floor - 10_000, placement_group: 'SEARCH' }, `bid_in_micro_currency: must be at least the bid floor of ${floor} micros USD`],
        [{ ...ok, bid_in_micro_currency: 10_001_000_000 }, 'bid_in_micro_currency: must be at most 10,000 units'],
        [{ ...ok, bid_in_micro_currency: 0 }, 'bid_in_micro_currency: must be greater than 0'],
        [{ ...ok, budget_in_micro_currency: -1 }, 'budget_in_micro_currency: must not be negative'],
        [{ ...ok, budget_in_micro_currency: 10_000_001_000_000 }, 'budget_in_micro_currency: must be at most 10,000,000 units'],
        [{ ...ok, budget_in_micro_currency: null }, 'budget_in_micro_currency: is required'],
        [{ ...ok, budget_in_micro_currency: 12.5 }, 'budget_in_micro_currency: must be an integer'],
        [{ ...ok, billable_event: 'IMPRESSION', bid_in_micro_currency: 3_000_000 }, 'billable_event: CONSIDERATION campaigns are billed on CLICKTHROUGH'],
        [{ ...ok, campaign_id: awareness.id }, 'billable_event: AWARENESS campaigns are billed on IMPRESSION'],
        [{ ...ok, billable_event: 'VIDEO_V_50_MRC' }, 'billable_event: VIDEO_V_50_MRC is not supported'],
        [{ ...ok, budget_type: 'CBO_ADGROUP' }, 'budget_type: CBO_ADGROUP is not supported'],
        [{ ...ok, lifetime_frequency_cap: 5, end_time: now + 10 * DAY }, 'lifetime_frequency_cap: is only available for ad groups billed on IMPRESSION'],
        [{ ...adGroupBody(awareness.id, { billable_event: 'IMPRESSION', bid_in_micro_currency: 3_000_000 }), lifetime_frequency_cap: 5 }, 'lifetime_frequency_cap: requires end_time'],
        [
          { ...adGroupBody(awareness.id, { billable_event: 'IMPRESSION', bid_in_micro_currency: 3_000_000 }), lifetime_frequency_cap: 5, daily_frequency_cap: 6, end_time: now + DAY },
          'daily_frequency_cap: must not exceed lifetime_frequency_cap',
        ],
        [{ ...ok, campaign_id: archived.id }, `campaign_id: campaign ${archived.id} is archived; ad groups cannot be created in an archived campaign`],
        [{ ...ok, status: 'ARCHIVED' }, 'status: an object is created ACTIVE, PAUSED or DRAFT'],
        [{ ...ok, name: '' }, 'name: must not be empty'],
        [{ ...ok, pacing_delivery_type: 'FAST' }, 'pacing_delivery_type'],
        [{ ...ok, placement_group: 'EVERYWHERE' }, 'placement_group'],
        [{ ...ok, promotion_id: '123' }, 'promotion_id: is not supported'],
        [{ ...ok, bid_multiplier: 2 }, 'bid_multiplier: is not supported'],
        [{ ...ok, ad_account_id: owner.adAccountId }, 'ad_account_id'],
        [{ name: 'No campaign', billable_event: 'CLICKTHROUGH', budget_in_micro_currency: 1_000_000 }, 'campaign_id'],
      ];
      // Bulks hold at most 30 items: the cases go in two, each with one good item first.
      for (const chunk of [cases.slice(0, 20), cases.slice(20)]) {
        const res = await adGroups(owner)
          .create([ok, ...chunk.map(([body]) => body)])
          .expect(200);
        expectPinterestBulk('AdGroupArrayResponseElement', res.body);
        const items = (res.body as BulkResult<AdGroup>).items;
        expect(items[0]!.data).toMatchObject({ campaign_id: campaign.id });
        chunk.forEach(([, message], i) => {
          expect(items[i + 1]!.data, message).toBeUndefined();
          expect(items[i + 1]!.exceptions, message).toEqual([{ code: 1, message: expect.stringContaining(message) }]);
        });
      }

      // Another account's campaign, or one that does not exist, is "not found" for that item only.
      const missing = await adGroups(owner).create([adGroupBody(theirs.id), adGroupBody('999999999999999'), ok]).expect(200);
      expectPinterestBulk('AdGroupArrayResponseElement', missing.body);
      expect(failures(missing.body)).toEqual([
        { code: 4, message: `Campaign ${theirs.id} not found.` },
        { code: 4, message: 'Campaign 999999999999999 not found.' },
        null,
      ]);
      const listed = await adGroups(owner).list({ campaign_ids: theirs.id }).expect(200);
      expect(listed.body.items).toEqual([]);
    });

    it('prices the bid floor in the account currency', async () => {
      const yen = await signUp(api.app, { currency: 'JPY', country: 'JP' });
      const campaign = await createCampaign(api.app, yen);
      const floor = reservePrice({ placement: 'ALL', billableEvent: 'CLICKTHROUGH', currency: 'JPY' });
      const res = await adGroups(yen)
        .create([adGroupBody(campaign.id, { bid_in_micro_currency: floor - 1_000_000 }), adGroupBody(campaign.id, { bid_in_micro_currency: floor })])
        .expect(200);
      expect(failures(res.body)).toEqual([{ code: 1, message: expect.stringContaining(`at least the bid floor of ${floor} micros JPY`) }, null]);
    });
  });

  describe('update', () => {
    it('changes the fields sent, replaces targeting as a whole, and audits old and new values', async () => {
      const campaign = await createCampaign(api.app, owner);
      const adGroup = await createAdGroup(api.app, owner, campaign.id, { targeting_spec: { GENDER: ['male'], LOCALE: ['en'] } });
      const res = await adGroups(owner)
        .update([{ id: adGroup.id, bid_in_micro_currency: 2_000_000, status: 'PAUSED', targeting_spec: { APPTYPE: ['iphone'] }, daily_frequency_cap: 3 }])
        .expect(200);
      expectPinterestBulk('AdGroupArrayResponseElement', res.body);
      expectPinterest('AdGroupArrayResponse', res.body);
      const updated = (res.body as BulkResult<AdGroup>).items[0]!.data!;
      expect(updated).toMatchObject({ bid_in_micro_currency: 2_000_000, status: 'PAUSED', targeting_spec: { APPTYPE: ['iphone'] }, daily_frequency_cap: 3, name: 'Shoppers' });
      expect((await adGroups(owner).get(adGroup.id).expect(200)).body).toEqual(updated);
      const [entry] = await auditOf(api.app, owner, adGroup.id);
      expect(entry).toMatchObject({
        action: 'UPDATE',
        object_type: 'AD_GROUP',
        old_values: { bid_in_micro_currency: 1_000_000, status: 'ACTIVE', targeting_spec: { GENDER: ['male'], LOCALE: ['en'] }, daily_frequency_cap: null },
        new_values: { bid_in_micro_currency: 2_000_000, status: 'PAUSED', targeting_spec: { APPTYPE: ['iphone'] }, daily_frequency_cap: 3 },
      });
      expect(Object.keys(entry!.new_values as object).sort()).toEqual(['bid_in_micro_currency', 'daily_frequency_cap', 'status', 'targeting_spec']);
    });

    it('fails each item that breaks a rule on its own and applies the others', async () => {
      const campaign = await createCampaign(api.app, owner, { end_time: nowSeconds() + 30 * DAY });
      const other = await createCampaign(api.app, owner);
      const active = await createAdGroup(api.app, owner, campaign.id);
      const draft = await createAdGroup(api.app, owner, campaign.id, { status: 'DRAFT' });
      const theirs = await createAdGroup(api.app, stranger, (await createCampaign(api.app, stranger)).id);
      const res = await adGroups(owner)
        .update([
          { id: active.id, billable_event: 'IMPRESSION' },
          { id: active.id, budget_type: 'LIFETIME', end_time: nowSeconds() + DAY },
          { id: active.id, campaign_id: other.id },
          { id: active.id, status: 'DRAFT' },
          { id: active.id, end_time: nowSeconds() + 40 * DAY },
          { id: active.id, budget_in_micro_currency: 500_000 },
          { id: active.id, bid_strategy_type: 'AUTOMATIC_BID' },
          { id: active.id, targeting_spec: { GENDER: ['robot'] } },
          { id: theirs.id, name: 'Hijacked' },
          { id: draft.id, budget_type: 'LIFETIME', end_time: nowSeconds() + 10 * DAY, status: 'ACTIVE' },
          { id: active.id, name: 'Renamed', bid_strategy_type: 'AUTOMATIC_BID', bid_in_micro_currency: null },
        ])
        .expect(200);
      expectPinterestBulk('AdGroupArrayResponseElement', res.body);
      const f = failures(res.body);
      expect(f[0]).toMatchObject({ code: 1, message: expect.stringContaining('billable_event: can only change while the ad group is a DRAFT') });
      expect(f[1]).toMatchObject({ code: 1, message: expect.stringContaining('budget_type: can only change while the ad group is a DRAFT') });
      expect(f[2]).toMatchObject({ code: 1, message: expect.stringContaining('campaign_id: an ad group cannot move to another campaign') });
      expect(f[3]).toMatchObject({ code: 1, message: expect.stringContaining(`status: ad group ${active.id} has left DRAFT and cannot return to it`) });
      expect(f[4]).toMatchObject({ code: 1, message: expect.stringContaining("end_time: must not be after the campaign's end_time") });
      expect(f[5]).toMatchObject({ code: 1, message: expect.stringContaining("bid_in_micro_currency: must not exceed the ad group's daily budget") });
      expect(f[6]).toMatchObject({ code: 1, message: expect.stringContaining('bid_in_micro_currency: must be null when bid_strategy_type is AUTOMATIC_BID') });
      expect(f[7]).toMatchObject({ code: 1, message: expect.stringContaining('targeting_spec.GENDER.0: "robot" is not a supported gender') });
      expect(f[8]).toEqual({ code: 4, message: `Ad group ${theirs.id} not found.` });
      const items = (res.body as BulkResult<AdGroup>).items;
      expect(items[9]!.data).toMatchObject({ id: draft.id, budget_type: 'LIFETIME', status: 'ACTIVE' });
      expect(items[10]!.data).toMatchObject({ id: active.id, name: 'Renamed', bid_strategy_type: 'AUTOMATIC_BID', bid_in_micro_currency: null, billable_event: 'CLICKTHROUGH' });
      expect((await adGroups(stranger).get(theirs.id).expect(200)).body.name).toBe('Shoppers');
    });

    it('makes archived ad groups, and the ad groups of an archived campaign, read-only', async () => {
      const campaign = await createCampaign(api.app, owner);
      const archivedGroup = await createAdGroup(api.app, owner, campaign.id);
      const liveGroup = await createAdGroup(api.app, owner, campaign.id);
      await adGroups(owner).update([{ id: archivedGroup.id, status: 'ARCHIVED' }]).expect(200);
      const res = await adGroups(owner).update([{ id: archivedGroup.id, status: 'ACTIVE' }, { id: archivedGroup.id, name: 'Renamed' }]).expect(200);
      expect(failures(res.body)).toEqual([
        { code: 1, message: `Ad group ${archivedGroup.id} is archived; archived ad groups cannot be changed.` },
        { code: 1, message: `Ad group ${archivedGroup.id} is archived; archived ad groups cannot be changed.` },
      ]);

      await objectsOf(api.app, owner, 'campaigns').update([{ id: campaign.id, status: 'ARCHIVED' }]).expect(200);
      const underArchived = await adGroups(owner).update([{ id: liveGroup.id, name: 'Renamed' }]).expect(200);
      expect(failures(underArchived.body)).toEqual([
        { code: 1, message: expect.stringContaining(`campaign_id: campaign ${campaign.id} is archived; the ad groups of an archived campaign cannot be changed`) },
      ]);
      expect((await adGroups(owner).get(liveGroup.id).expect(200)).body.name).toBe('Shoppers');
    });
  });

  describe('list and get', () => {
    let account: TestUser;
    let first: string;
    let second: string;
    let ids: string[];
    beforeAll(async () => {
      account = await signUp(api.app);
      first = (await createCampaign(api.app, account)).id;
      second = (await createCampaign(api.app, account)).id;
      const res = await adGroups(account)
        .create([
          adGroupBody(first, { name: 'g0', targeting_spec: { INTEREST: ['903183652505', '955314079800'] } }),
          adGroupBody(second, { name: 'g1' }),
          adGroupBody(first, { name: 'g2', status: 'PAUSED' }),
          adGroupBody(second, { name: 'g3', status: 'DRAFT' }),
          adGroupBody(first, { name: 'g4' }),
        ])
        .expect(200);
      ids = (res.body as BulkResult<AdGroup>).items.map((i) => i.data!.id);
    });

    const walk = (query: Record<string, string | number>) => pageIds(adGroups(account), 'AdGroupResponse', query);

    it('pages through ACTIVE and PAUSED ad groups in ascending and descending order', async () => {
      expect(await walk({ page_size: 3 })).toEqual([[ids[0], ids[1], ids[2]], [ids[4]]]);
      expect(await walk({ page_size: 2, order: 'DESCENDING' })).toEqual([[ids[4], ids[2]], [ids[1], ids[0]]]);
    });

    it('filters by campaign_ids, ad_group_ids and entity_statuses together', async () => {
      expect((await walk({ campaign_ids: first })).flat()).toEqual([ids[0], ids[2], ids[4]]);
      expect((await walk({ campaign_ids: second, entity_statuses: 'DRAFT' })).flat()).toEqual([ids[3]]);
      expect((await walk({ ad_group_ids: `${ids[1]},${ids[2]},${ids[3]}` })).flat()).toEqual([ids[1], ids[2]]);
      expect((await walk({ ad_group_ids: ids[0]!, campaign_ids: second })).flat()).toEqual([]);
    });

    it('returns interest names instead of ids with translate_interests_to_names=true', async () => {
      const named = await adGroups(account).list({ ad_group_ids: ids[0]!, translate_interests_to_names: 'true' }).expect(200);
      expectPinterestPage('AdGroupResponse', named.body);
      expect(named.body.items[0].targeting_spec.INTEREST).toEqual(['Home decor', 'Travel']);
      const plain = await adGroups(account).list({ ad_group_ids: ids[0]! }).expect(200);
      expect(plain.body.items[0].targeting_spec.INTEREST).toEqual(['903183652505', '955314079800']);
    });

    it("never lists or returns another account's ad groups", async () => {
      const theirs = await createAdGroup(api.app, stranger, (await createCampaign(api.app, stranger)).id);
      expect((await adGroups(account).list({ ad_group_ids: theirs.id }).expect(200)).body.items).toEqual([]);
      const got = await adGroups(account).get(theirs.id);
      expect(got.status).toBe(404);
      expectPinterest('Error', got.body);
      expect(got.body).toEqual({ code: 4, message: `Ad group ${theirs.id} not found.` });
      const foreign = await api.http().get(`/v5/ad_accounts/${stranger.adAccountId}/ad_groups/${theirs.id}`).set('Authorization', account.auth);
      expect(foreign.status).toBe(404);
      const foreignPatch = await api.http()
        .patch(`/v5/ad_accounts/${stranger.adAccountId}/ad_groups`)
        .set('Authorization', account.auth)
        .send([{ id: theirs.id, name: 'Hijacked' }]);
      expect(foreignPatch.status).toBe(404);
      expectPinterest('Error', foreignPatch.body);
    });
  });

  describe('roles', () => {
    it('lets ANALYST list and get but not create or update (403)', async () => {
      const analyst = await signUpMember(api.app, owner, 'ANALYST');
      const campaign = await createCampaign(api.app, owner);
      const adGroup = await createAdGroup(api.app, owner, campaign.id);
      const as = objectsOf(api.app, { ...analyst, adAccountId: owner.adAccountId }, 'ad_groups');
      expectPinterestPage('AdGroupResponse', (await as.list({ ad_group_ids: adGroup.id }).expect(200)).body);
      expectPinterest('AdGroupResponse', (await as.get(adGroup.id).expect(200)).body);
      for (const res of [await as.create([adGroupBody(campaign.id)]), await as.update([{ id: adGroup.id, name: 'No' }])]) {
        expect(res.status).toBe(403);
        expectPinterest('Error', res.body);
        expect(res.body.code).toBe(3);
      }
    });
  });
});
