import { beforeAll, describe, expect, it } from 'vitest';
import { auditOf, createCampaign, DAY, expectPinterestBulk, nowSeconds, objectsOf, pageIds, signUpMember, type BulkResult } from './support/campaigns';
import { expectPinterest, expectPinterestPage } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

type Campaign = Record<string, unknown> & { id: string; status: string };

describe('campaigns: /v5/ad_accounts/{ad_account_id}/campaigns (real Postgres)', () => {
  const api = useTestApp();
  let owner: TestUser;
  let stranger: TestUser;
  const campaigns = (user: TestUser) => objectsOf(api.app, user, 'campaigns');

  beforeAll(async () => {
    owner = await signUp(api.app);
    stranger = await signUp(api.app);
  });

  describe('create', () => {
    it('creates every item of a bulk, with Pinterest defaults, and each is readable by id', async () => {
      const start = nowSeconds() + DAY;
      // The fields of the paused campaign that come back as they were sent.
      const echoed = {
        status: 'PAUSED',
        daily_spend_cap: 20_000_000,
        lifetime_spend_cap: 500_000_000,
        start_time: start,
        end_time: start + 30 * DAY,
        order_line_id: '123456',
        tracking_urls: { impression: ['https://tracker.example/i'], click: ['https://tracker.example/c'] },
        is_automated_campaign: true,
      };
      const res = await campaigns(owner)
        .create([
          { name: 'Awareness', objective_type: 'AWARENESS' },
          {
            ...echoed,
            ad_account_id: owner.adAccountId,
            name: '  Paused sale  ',
            objective_type: 'CONSIDERATION',
            is_flexible_daily_budgets: null,
            is_performance_plus: false,
            is_campaign_budget_optimization: false,
            bid_options: null,
          },
          { name: 'Draft', objective_type: 'WEB_CONVERSION', status: 'DRAFT' },
        ])
        .expect(200);
      expectPinterestBulk('CampaignCreateResponseItem', res.body);
      expectPinterest('CampaignCreateResponse', res.body);
      const [awareness, paused, draft] = (res.body as BulkResult<Campaign>).items.map((i) => i.data!);
      expect((res.body as BulkResult).items.every((i) => i.exceptions.length === 0)).toBe(true);
      expect(awareness).toMatchObject({
        ad_account_id: owner.adAccountId,
        name: 'Awareness',
        status: 'ACTIVE',
        objective_type: 'AWARENESS',
        summary_status: 'RUNNING',
        type: 'campaign',
        daily_spend_cap: null,
        end_time: null,
      });
      expect(Math.abs((awareness!.start_time as number) - nowSeconds())).toBeLessThan(60);
      expect(paused).toMatchObject({ ...echoed, name: 'Paused sale', summary_status: 'PAUSED', is_flexible_daily_budgets: false });
      expect(draft).toMatchObject({ status: 'DRAFT', summary_status: 'DRAFT' });

      for (const created of [awareness!, paused!, draft!]) {
        const got = await campaigns(owner).get(created.id).expect(200);
        expectPinterest('CampaignResponse', got.body);
        expect(got.body).toEqual(created);
      }
    });

    it('reports a campaign that starts later as NOT_STARTED', async () => {
      const campaign = await createCampaign(api.app, owner, { start_time: nowSeconds() + DAY });
      expect(campaign.summary_status).toBe('NOT_STARTED');
    });

    it('fails each item that breaks a rule on its own, naming the field, and creates the others', async () => {
      const now = nowSeconds();
      const good = { name: 'Good', objective_type: 'CONSIDERATION' };
      const count = async () => (await campaigns(owner).list({ entity_statuses: 'ACTIVE,PAUSED,DRAFT,ARCHIVED', page_size: 250 }).expect(200)).body.items.length as number;
      const before = await count();
      const res = await campaigns(owner)
        .create([
          good,
          { ...good, daily_spend_cap: 60_000_000, lifetime_spend_cap: 50_000_000 },
          { ...good, start_time: now + 2 * DAY, end_time: now + DAY },
          { ...good, end_time: now - DAY, start_time: now - 2 * DAY },
          { ...good, daily_spend_cap: 0 },
          { ...good, lifetime_spend_cap: -5 },
          { ...good, daily_spend_cap: 10_000_001_000_000 },
          { ...good, daily_spend_cap: 1.5 },
          { ...good, name: 'x'.repeat(256) },
          { ...good, name: '   ' },
          { name: 'No objective' },
          { ...good, objective_type: 'SALES' },
          { ...good, status: 'ARCHIVED' },
          { ...good, status: 'DELETED_DRAFT' },
          { ...good, is_campaign_budget_optimization: true },
          { ...good, bid_options: { placement_multipliers: {} } },
          { ...good, ad_account_id: stranger.adAccountId },
          { ...good, tracking_urls: { click: ['javascript:alert(1)'] } },
          { ...good, surprise: 1 },
          'not an object',
          good,
        ])
        .expect(200);
      expectPinterestBulk('CampaignCreateResponseItem', res.body);
      const items = (res.body as BulkResult).items;
      expect(items).toHaveLength(21);
      const messages = items.map((i) => i.exceptions[0]?.message ?? null);
      expect(items[0]!.data).toBeDefined();
      expect(items[20]!.data).toBeDefined();
      const expected: [number, string[]][] = [
        [1, ['daily_spend_cap', 'lifetime_spend_cap']],
        [2, ['end_time', 'after start_time']],
        [3, ['end_time', 'future']],
        [4, ['daily_spend_cap', 'greater than 0']],
        [5, ['lifetime_spend_cap']],
        [6, ['daily_spend_cap', 'at most 10,000,000 units']],
        [7, ['daily_spend_cap', 'integer']],
        [8, ['name', '255']],
        [9, ['name', 'empty']],
        [10, ['objective_type']],
        [11, ['objective_type', 'AWARENESS']],
        [12, ['status', 'created ACTIVE, PAUSED or DRAFT']],
        [13, ['status', 'DELETED_DRAFT']],
        [14, ['is_campaign_budget_optimization', 'not supported']],
        [15, ['bid_options', 'not supported']],
        [16, ['ad_account_id', stranger.adAccountId]],
        [17, ['tracking_urls.click.0', 'http']],
        [18, ['surprise']],
        [19, ['expected object']],
      ];
      for (const [index, fragments] of expected) {
        expect(items[index]!.data, `item ${index}`).toBeUndefined();
        expect(items[index]!.exceptions[0]!.code, `item ${index}`).toBe(1);
        for (const fragment of fragments) expect(messages[index], `item ${index}`).toContain(fragment);
      }
      const listed = await campaigns(owner).list({ campaign_ids: [items[0]!.data, items[20]!.data].map((c) => (c as Campaign).id).join(',') }).expect(200);
      expect(listed.body.items).toHaveLength(2);
      expect(await count()).toBe(before + 2);
    });

    it('rejects a body that is not an array of 1 to 30 items as a whole (400)', async () => {
      for (const body of [{ name: 'x', objective_type: 'AWARENESS' }, [], Array.from({ length: 31 }, () => ({ name: 'x', objective_type: 'AWARENESS' }))]) {
        const res = await campaigns(owner).create(body);
        expect(res.status).toBe(400);
        expectPinterest('Error', res.body);
        expect(res.body.code).toBe(1);
      }
    });

    it('records each creation in the audit log with its values', async () => {
      const campaign = await createCampaign(api.app, owner, { name: 'Audited', daily_spend_cap: 7_000_000 });
      const [entry] = await auditOf(api.app, owner, campaign.id);
      expect(entry).toMatchObject({
        action: 'CREATE',
        object_type: 'CAMPAIGN',
        old_values: null,
        new_values: { name: 'Audited', status: 'ACTIVE', objective_type: 'CONSIDERATION', daily_spend_cap: 7_000_000, start_time: campaign.start_time },
      });
    });
  });

  describe('update', () => {
    it('changes the fields sent, leaves the others, and audits old and new values', async () => {
      const campaign = await createCampaign(api.app, owner, { name: 'Before', daily_spend_cap: 5_000_000, order_line_id: '42' });
      const end = nowSeconds() + 10 * DAY;
      const res = await campaigns(owner)
        .update([{ id: campaign.id, ad_account_id: owner.adAccountId, name: 'After', status: 'PAUSED', end_time: end, daily_spend_cap: null }])
        .expect(200);
      expectPinterestBulk('CampaignCreateResponseItem', res.body);
      expectPinterest('CampaignUpdateResponse', res.body);
      const updated = (res.body as BulkResult<Campaign>).items[0]!.data!;
      expect(updated).toMatchObject({ id: campaign.id, name: 'After', status: 'PAUSED', end_time: end, daily_spend_cap: null, order_line_id: '42' });
      expect((await campaigns(owner).get(campaign.id).expect(200)).body).toEqual(updated);

      const [entry] = await auditOf(api.app, owner, campaign.id);
      expect(entry).toMatchObject({
        action: 'UPDATE',
        object_type: 'CAMPAIGN',
        old_values: { name: 'Before', status: 'ACTIVE', end_time: null, daily_spend_cap: 5_000_000 },
        new_values: { name: 'After', status: 'PAUSED', end_time: end, daily_spend_cap: null },
      });
    });

    it('writes nothing and audits nothing when an update changes nothing', async () => {
      const campaign = await createCampaign(api.app, owner, { name: 'Same', tracking_urls: { click: ['https://a.example/c'], impression: ['https://a.example/i'] } });
      const res = await campaigns(owner)
        .update([{ id: campaign.id, name: 'Same', tracking_urls: { impression: ['https://a.example/i'], click: ['https://a.example/c'] } }])
        .expect(200);
      expect((res.body as BulkResult<Campaign>).items[0]!.data).toEqual(campaign);
      expect((await auditOf(api.app, owner, campaign.id)).map((e) => e.action)).toEqual(['CREATE']);
    });

    it('accepts the "C" prefix on ids and {} to remove tracking URLs, as Pinterest', async () => {
      const campaign = await createCampaign(api.app, owner, { tracking_urls: { click: ['https://a.example/c'] } });
      const res = await campaigns(owner).update([{ id: `C${campaign.id}`, tracking_urls: {} }]).expect(200);
      expect((res.body as BulkResult<Campaign>).items[0]!.data).toMatchObject({ id: campaign.id, tracking_urls: null });
    });

    it('fails each item that breaks a rule on its own and applies the others', async () => {
      const active = await createCampaign(api.app, owner, { lifetime_spend_cap: 100_000_000 });
      const draft = await createCampaign(api.app, owner, { status: 'DRAFT' });
      const capped = await createCampaign(api.app, owner, { daily_spend_cap: 10_000_000 });
      const theirs = await createCampaign(api.app, stranger);
      const res = await campaigns(owner)
        .update([
          { id: active.id, daily_spend_cap: 200_000_000 },
          { id: active.id, objective_type: 'AWARENESS' },
          { id: active.id, status: 'DRAFT' },
          { id: active.id, end_time: (active.start_time as number) - DAY },
          { id: theirs.id, name: 'Hijacked' },
          { id: '999999999999999', name: 'Ghost' },
          { id: draft.id, objective_type: 'AWARENESS', status: 'ACTIVE' },
          { id: capped.id, lifetime_spend_cap: 5_000_000 },
          { name: 'No id' },
          { id: active.id, ad_account_id: stranger.adAccountId, name: 'Elsewhere' },
          { id: active.id, name: 'Renamed' },
        ])
        .expect(200);
      expectPinterestBulk('CampaignCreateResponseItem', res.body);
      const items = (res.body as BulkResult<Campaign>).items;
      const failure = (index: number) => items[index]!.exceptions[0] ?? { code: 0, message: '' };
      expect(failure(0)).toMatchObject({ code: 1, message: expect.stringContaining('daily_spend_cap: must not exceed lifetime_spend_cap') });
      expect(failure(1)).toMatchObject({ code: 1, message: expect.stringContaining('objective_type: can only change while the campaign is a DRAFT') });
      expect(failure(2)).toMatchObject({ code: 1, message: expect.stringContaining(`status: campaign ${active.id} has left DRAFT and cannot return to it`) });
      expect(failure(3)).toMatchObject({ code: 1, message: expect.stringContaining('end_time: must be after start_time') });
      expect(failure(4)).toEqual({ code: 4, message: `Campaign ${theirs.id} not found.` });
      expect(failure(5)).toMatchObject({ code: 4 });
      expect(items[6]!.data).toMatchObject({ id: draft.id, objective_type: 'AWARENESS', status: 'ACTIVE' });
      expect(failure(7)).toMatchObject({ code: 1, message: expect.stringContaining('daily_spend_cap') });
      expect(failure(8)).toMatchObject({ code: 1, message: expect.stringContaining('id') });
      expect(failure(9)).toMatchObject({ code: 1, message: expect.stringContaining('ad_account_id') });
      expect(items[10]!.data).toMatchObject({ id: active.id, name: 'Renamed', daily_spend_cap: null, objective_type: 'CONSIDERATION', status: 'ACTIVE' });
      expect((await campaigns(stranger).get(theirs.id).expect(200)).body.name).toBe('Spring sale');
    });

    it('makes an archived campaign read-only: every later change fails with "archived"', async () => {
      const campaign = await createCampaign(api.app, owner);
      const archived = await campaigns(owner).update([{ id: campaign.id, status: 'ARCHIVED' }]).expect(200);
      expect((archived.body as BulkResult<Campaign>).items[0]!.data).toMatchObject({ status: 'ARCHIVED', summary_status: 'ARCHIVED' });
      for (const change of [{ status: 'ACTIVE' }, { name: 'Revived' }, { status: 'ARCHIVED' }]) {
        const res = await campaigns(owner).update([{ id: campaign.id, ...change }]).expect(200);
        expect((res.body as BulkResult).items[0]!.exceptions).toEqual([
          { code: 1, message: `Campaign ${campaign.id} is archived; archived campaigns cannot be changed.` },
        ]);
      }
      expect((await campaigns(owner).get(campaign.id).expect(200)).body).toMatchObject({ status: 'ARCHIVED', name: 'Spring sale' });
    });
  });

  describe('list and get', () => {
    let account: TestUser;
    let ids: string[];
    beforeAll(async () => {
      account = await signUp(api.app);
      const res = await campaigns(account)
        .create([
          { name: 'c0', objective_type: 'AWARENESS' },
          { name: 'c1', objective_type: 'AWARENESS', status: 'PAUSED' },
          { name: 'c2', objective_type: 'AWARENESS' },
          { name: 'c3', objective_type: 'AWARENESS', status: 'DRAFT' },
          { name: 'c4', objective_type: 'AWARENESS' },
          { name: 'c5', objective_type: 'AWARENESS' },
        ])
        .expect(200);
      ids = (res.body as BulkResult<Campaign>).items.map((i) => i.data!.id);
      await campaigns(account).update([{ id: ids[5], status: 'ARCHIVED' }]).expect(200);
    });

    const walk = (query: Record<string, string | number>) => pageIds(campaigns(account), 'CampaignResponse', query);

    it('pages through ACTIVE and PAUSED campaigns (Pinterest default) in ascending order', async () => {
      const pages = await walk({ page_size: 2 });
      expect(pages).toEqual([[ids[0], ids[1]], [ids[2], ids[4]]]);
    });

    it('pages in descending order', async () => {
      const pages = await walk({ page_size: 3, order: 'DESCENDING' });
      expect(pages).toEqual([[ids[4], ids[2], ids[1]], [ids[0]]]);
    });

    it('filters by entity_statuses and campaign_ids (comma-separated or repeated)', async () => {
      const archived = await campaigns(account).list({ entity_statuses: 'ARCHIVED' }).expect(200);
      expect(archived.body.items.map((c: Campaign) => c.id)).toEqual([ids[5]]);
      const drafts = await campaigns(account).list({ entity_statuses: 'DRAFT,DELETED_DRAFT' }).expect(200);
      expect(drafts.body.items.map((c: Campaign) => c.id)).toEqual([ids[3]]);
      const all = await campaigns(account).list({ entity_statuses: 'ACTIVE,PAUSED,ARCHIVED,DRAFT' }).expect(200);
      expect(all.body.items).toHaveLength(6);
      const some = await api.http()
        .get(`${campaigns(account).url}?campaign_ids=${ids[0]}&campaign_ids=${ids[3]}&campaign_ids=${ids[4]}`)
        .set('Authorization', account.auth)
        .expect(200);
      expectPinterestPage('CampaignResponse', some.body);
      expect(some.body.items.map((c: Campaign) => c.id)).toEqual([ids[0], ids[4]]);
    });

    it('rejects bad list parameters with 400 naming the parameter', async () => {
      for (const [query, field] of [
        [{ entity_statuses: 'RUNNING' }, 'entity_statuses'],
        [{ order: 'SIDEWAYS' }, 'order'],
        [{ page_size: 251 }, 'page_size'],
        [{ campaign_ids: 'abc' }, 'campaign_ids'],
        [{ bookmark: 'garbage' }, 'bookmark'],
      ] as const) {
        const res = await campaigns(account).list(query);
        expect(res.status, JSON.stringify(query)).toBe(400);
        expectPinterest('Error', res.body);
        expect(res.body.code).toBe(1);
        expect(res.body.message).toContain(field);
      }
    });

    it("never lists or returns another account's campaigns", async () => {
      const theirs = await createCampaign(api.app, stranger);
      const filtered = await campaigns(account).list({ campaign_ids: theirs.id }).expect(200);
      expect(filtered.body.items).toEqual([]);
      const got = await campaigns(account).get(theirs.id);
      expect(got.status).toBe(404);
      expectPinterest('Error', got.body);
      expect(got.body).toEqual({ code: 4, message: `Campaign ${theirs.id} not found.` });
      const foreignPath = await api.http()
        .get(`/v5/ad_accounts/${stranger.adAccountId}/campaigns/${theirs.id}`)
        .set('Authorization', account.auth);
      expect(foreignPath.status).toBe(404);
      const foreignList = await api.http().get(`/v5/ad_accounts/${stranger.adAccountId}/campaigns`).set('Authorization', account.auth);
      expect(foreignList.status).toBe(404);
      const foreignCreate = await api.http()
        .post(`/v5/ad_accounts/${stranger.adAccountId}/campaigns`)
        .set('Authorization', account.auth)
        .send([{ name: 'Intruder', objective_type: 'AWARENESS' }]);
      expect(foreignCreate.status).toBe(404);
    });
  });

  describe('roles', () => {
    it('lets ANALYST list and get but not create or update (403); CAMPAIGN_MANAGER may write; FINANCE_MANAGER may not read', async () => {
      const analyst = await signUpMember(api.app, owner, 'ANALYST');
      const manager = await signUpMember(api.app, owner, 'CAMPAIGN_MANAGER');
      const finance = await signUpMember(api.app, owner, 'FINANCE_MANAGER');
      const campaign = await createCampaign(api.app, owner);
      const as = (user: TestUser) => ({ ...objectsOf(api.app, { ...user, adAccountId: owner.adAccountId }, 'campaigns') });

      const listed = await as(analyst).list({ campaign_ids: campaign.id }).expect(200);
      expectPinterestPage('CampaignResponse', listed.body);
      expectPinterest('CampaignResponse', (await as(analyst).get(campaign.id).expect(200)).body);
      for (const res of [await as(analyst).create([{ name: 'No', objective_type: 'AWARENESS' }]), await as(analyst).update([{ id: campaign.id, name: 'No' }])]) {
        expect(res.status).toBe(403);
        expectPinterest('Error', res.body);
        expect(res.body.code).toBe(3);
      }
      expect((await as(finance).list()).status).toBe(403);
      expect((await as(finance).get(campaign.id)).status).toBe(403);

      const created = await as(manager).create([{ name: 'By manager', objective_type: 'AWARENESS' }]).expect(200);
      expect((created.body as BulkResult).items[0]!.data).toMatchObject({ name: 'By manager' });
      const updated = await as(manager).update([{ id: campaign.id, name: 'Managed' }]).expect(200);
      expect((updated.body as BulkResult).items[0]!.data).toMatchObject({ name: 'Managed' });
      expect((await as(analyst).get(campaign.id).expect(200)).body.name).toBe('Managed');
    });

    it('answers 401 without a token', async () => {
      const res = await api.http().get(campaigns(owner).url);
      expect(res.status).toBe(401);
      expectPinterest('Error', res.body);
    });
  });
});
