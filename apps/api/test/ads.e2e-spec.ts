import { adBulkResponseSchema, adPageSchema, adSchema, type Ad, type BulkItem } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { createAdGroup as createAdGroupVia, createCampaign, objectsOf, signUpMember } from './support/campaigns';
import { expectPinterest, expectPinterestPage } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

type Json = Record<string, unknown>;

/**
 * Bulk answers are validated item by item: Pinterest's `AdArrayResponseElement` declares
 * `exceptions` as one `Exception` object, while its other bulk responses (and its live
 * API) use an array of them — Loupe answers every bulk route with the array form, and
 * no `data` for an item that failed.
 */
function expectPinterestAdBulk(body: unknown): BulkItem<Ad>[] {
  const parsed = adBulkResponseSchema.parse(body);
  for (const item of parsed.items) {
    if (item.data !== undefined) expectPinterest('AdResponse', item.data);
    for (const exception of item.exceptions) expectPinterest('Exception', exception);
    expect(item.data === undefined).toBe(item.exceptions.length > 0);
  }
  return parsed.items;
}

describe('ads: /v5/ad_accounts/{ad_account_id}/ads (real Postgres)', () => {
  const api = useTestApp();

  /** A campaign and an ad group made through their own routes (ACTIVE, as the support helpers create them). */
  async function createAdGroup(user: TestUser, campaignId?: string): Promise<{ campaignId: string; adGroupId: string }> {
    const campaign = campaignId ?? (await createCampaign(api.app, user)).id;
    const adGroup = await createAdGroupVia(api.app, user, campaign);
    return { campaignId: campaign, adGroupId: adGroup.id };
  }

  async function archive(user: TestUser, kind: 'campaigns' | 'ad_groups', id: string): Promise<void> {
    const res = await objectsOf(api.app, user, kind).update([{ id, status: 'ARCHIVED' }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items[0].exceptions, JSON.stringify(res.body)).toEqual([]);
  }

  async function createPin(user: TestUser, pin: Json = {}): Promise<string> {
    const res = await api.http()
      .post('/v5/pins')
      .set('Authorization', user.auth)
      .send({
        title: 'Linen sofa',
        description: 'A sofa for slow Sundays',
        link: 'https://shop.example.com/sofa',
        media_source: { source_type: 'image_url', url: 'https://cdn.example.com/sofa.jpg' },
        ...pin,
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { id: string }).id;
  }

  async function postAds(user: TestUser, items: unknown[], account = user.adAccountId): Promise<BulkItem<Ad>[]> {
    const res = await api.http().post(`/v5/ad_accounts/${account}/ads`).set('Authorization', user.auth).send(items);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return expectPinterestAdBulk(res.body);
  }

  async function patchAds(user: TestUser, items: unknown[]): Promise<BulkItem<Ad>[]> {
    const res = await api.http().patch(`/v5/ad_accounts/${user.adAccountId}/ads`).set('Authorization', user.auth).send(items);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return expectPinterestAdBulk(res.body);
  }

  async function createAd(user: TestUser, item: Json): Promise<Ad> {
    const [result] = await postAds(user, [item]);
    expect(result!.exceptions).toEqual([]);
    return result!.data!;
  }

  async function listAds(user: TestUser, query: Record<string, string | number> = {}): Promise<{ items: Ad[]; bookmark: string | null }> {
    const res = await api.http().get(`/v5/ad_accounts/${user.adAccountId}/ads`).query(query).set('Authorization', user.auth);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectPinterestPage('AdResponse', res.body);
    return adPageSchema.parse(res.body);
  }

  async function countAds(adAccountId: string): Promise<number> {
    const [{ count }] = await api.db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM ads WHERE ad_account_id = $1`, [adAccountId]);
    return count;
  }

  /** A user with an active campaign, ad group and a clean pin. */
  async function world(): Promise<{ user: TestUser; campaignId: string; adGroupId: string; pinId: string }> {
    const user = await signUp(api.app);
    const { campaignId, adGroupId } = await createAdGroup(user);
    return { user, campaignId, adGroupId, pinId: await createPin(user) };
  }

  describe('POST (bulk create)', () => {
    it('creates an approved ad with campaign_id derived from its ad group, in Pinterest\'s AdResponse shape', async () => {
      const { user, campaignId, adGroupId, pinId } = await world();
      const ad = await createAd(user, {
        ad_group_id: adGroupId,
        pin_id: pinId,
        creative_type: 'REGULAR',
        name: 'Sofa ad',
        destination_url: 'https://shop.example.com/sofa?utm=loupe',
        click_tracking_url: 'https://track.example.com/click',
        view_tracking_url: 'https://track.example.com/view',
        tracking_urls: { impression: ['https://a.example.com/i'], click: ['https://a.example.com/c'] },
        customizable_cta_type: 'SHOP_NOW',
        ios_deep_link: 'shop://sofa',
      });
      expect(ad).toMatchObject({
        ad_account_id: user.adAccountId,
        campaign_id: campaignId,
        ad_group_id: adGroupId,
        pin_id: pinId,
        type: 'pinpromotion',
        name: 'Sofa ad',
        creative_type: 'REGULAR',
        status: 'ACTIVE',
        destination_url: 'https://shop.example.com/sofa?utm=loupe',
        tracking_urls: { impression: ['https://a.example.com/i'], click: ['https://a.example.com/c'] },
        customizable_cta_type: 'SHOP_NOW',
        ios_deep_link: 'shop://sofa',
        review_status: 'APPROVED',
        rejected_reasons: [],
        summary_status: 'APPROVED',
      });
      expect(Math.abs(ad.created_time - Date.now() / 1000)).toBeLessThan(60);
      expect(ad.updated_time).toBe(ad.created_time);

      const got = await api.http().get(`/v5/ad_accounts/${user.adAccountId}/ads/${ad.id}`).set('Authorization', user.auth).expect(200);
      expectPinterest('AdResponse', got.body);
      expect(adSchema.parse(got.body)).toEqual(ad);
    });

    it('accepts Pinterest\'s "AG" prefix on ad_group_id', async () => {
      const { user, adGroupId, pinId } = await world();
      const ad = await createAd(user, { ad_group_id: `AG${adGroupId}`, pin_id: pinId, creative_type: 'REGULAR' });
      expect(ad.ad_group_id).toBe(adGroupId);
    });

    it('fails only the bad items of a batch: foreign ad group, archived ad group, foreign pin, unsupported creative type', async () => {
      const { user, adGroupId, pinId } = await world();
      const other = await world();
      const archivedGroup = await createAdGroup(user);
      await archive(user, 'ad_groups', archivedGroup.adGroupId);
      const before = await countAds(user.adAccountId);

      const results = await postAds(user, [
        { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', name: 'good' },
        { ad_group_id: other.adGroupId, pin_id: pinId, creative_type: 'REGULAR' },
        { ad_group_id: archivedGroup.adGroupId, pin_id: pinId, creative_type: 'REGULAR' },
        { ad_group_id: adGroupId, pin_id: other.pinId, creative_type: 'REGULAR' },
        { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'VIDEO' },
        { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', name: 'also good' },
      ]);
      expect(results.map((r) => r.data?.name ?? null)).toEqual(['good', null, null, null, null, 'also good']);
      expect(results[1]!.exceptions).toEqual([{ code: 4, message: `Ad group ${other.adGroupId} not found.` }]);
      expect(results[2]!.exceptions).toEqual([{ code: 1, message: expect.stringMatching(/ad_group_id: ad group \d+ is ARCHIVED/) }]);
      expect(results[3]!.exceptions).toEqual([{ code: 4, message: expect.stringContaining('Pin not found.') }]);
      expect(results[4]!.exceptions).toEqual([{ code: 1, message: expect.stringContaining('creative_type') }]);
      expect(results[4]!.exceptions[0]!.message).toContain('REGULAR');
      expect(await countAds(user.adAccountId)).toBe(before + 2);
      expect(await countAds(other.user.adAccountId)).toBe(0);
    });

    it('refuses ads in an ad group whose campaign is archived', async () => {
      const { user, campaignId, adGroupId, pinId } = await world();
      await archive(user, 'campaigns', campaignId);
      const [result] = await postAds(user, [{ ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' }]);
      expect(result!.exceptions).toEqual([{ code: 1, message: expect.stringContaining('ARCHIVED') }]);
    });

    it('validates each item on its own with a 400-style exception naming the field', async () => {
      const { user, adGroupId, pinId } = await world();
      const base = { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' };
      const cases: [Json, string][] = [
        [{ ...base, name: 'x'.repeat(256) }, 'name'],
        [{ ...base, destination_url: 'javascript:alert(1)' }, 'destination_url'],
        [{ ...base, click_tracking_url: 'not a url' }, 'click_tracking_url'],
        [{ ...base, tracking_urls: { impression: ['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4'] } }, 'tracking_urls.impression'],
        [{ ...base, tracking_urls: { pixel: ['https://a.example/1'] } }, 'pixel'],
        [{ ...base, status: 'ARCHIVED' }, 'status'],
        [{ ...base, status: 'DELETED_DRAFT' }, 'status'],
        [{ ...base, customizable_cta_type: 'CLICK_ME' }, 'customizable_cta_type'],
        [{ ...base, quiz_pin_data: { questions: [] } }, 'quiz_pin_data'],
        [{ ...base, budget: 5 }, 'budget'],
        [{ ad_group_id: adGroupId, creative_type: 'REGULAR' }, 'pin_id'],
        [{ pin_id: pinId, creative_type: 'REGULAR' }, 'ad_group_id'],
        [{ ad_group_id: adGroupId, pin_id: pinId }, 'creative_type'],
      ];
      const results = await postAds(user, cases.map(([item]) => item));
      results.forEach((result, i) => {
        expect(result.exceptions, JSON.stringify(cases[i]![0])).toEqual([{ code: 1, message: expect.stringContaining(cases[i]![1]) }]);
      });
      expect(await countAds(user.adAccountId)).toBe(0);
    });

    it('rejects an empty batch and one of more than 30 items with 400', async () => {
      const { user, adGroupId, pinId } = await world();
      const empty = await api.http().post(`/v5/ad_accounts/${user.adAccountId}/ads`).set('Authorization', user.auth).send([]);
      expect(empty.status).toBe(400);
      expectPinterest('Pinterest.Lib.Error', empty.body);
      const item = { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' };
      const tooMany = await api.http().post(`/v5/ad_accounts/${user.adAccountId}/ads`).set('Authorization', user.auth).send(Array.from({ length: 31 }, () => item));
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toContain('30');
      const notArray = await api.http().post(`/v5/ad_accounts/${user.adAccountId}/ads`).set('Authorization', user.auth).send(item);
      expect(notArray.status).toBe(400);
      expect(await countAds(user.adAccountId)).toBe(0);
    });

    it('audits each created ad in the ad account\'s audit log', async () => {
      const { user, adGroupId, pinId } = await world();
      const ad = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', name: 'audited' });
      const rows = await api.db.query<{ action: string; actor_user_id: string; new_values: Json }[]>(
        `SELECT action, actor_user_id, new_values FROM audit_log WHERE ad_account_id = $1 AND object_type = 'AD' AND object_id = $2`,
        [user.adAccountId, ad.id],
      );
      expect(rows).toEqual([
        {
          action: 'CREATE',
          actor_user_id: user.userId,
          new_values: expect.objectContaining({ name: 'audited', pin_id: pinId, ad_group_id: adGroupId, review_status: 'APPROVED' }),
        },
      ]);
    });
  });

  describe('review status', () => {
    it('rejects by policy with Pinterest reasons and readable labels: http image, prohibited term, no destination, no title', async () => {
      const { user, adGroupId } = await world();
      const httpImage = await createPin(user, { media_source: { source_type: 'image_url', url: 'http://cdn.example.com/a.jpg' } });
      const vape = await createPin(user, { title: 'Best vape pens' });
      const bare = await createPin(user, { title: null, link: null });
      const results = await postAds(user, [
        { ad_group_id: adGroupId, pin_id: httpImage, creative_type: 'REGULAR' },
        { ad_group_id: adGroupId, pin_id: vape, creative_type: 'REGULAR' },
        { ad_group_id: adGroupId, pin_id: bare, creative_type: 'REGULAR' },
      ]);
      const ads = results.map((r) => r.data!);
      expect(ads.map((a) => [a.review_status, a.summary_status, a.rejected_reasons])).toEqual([
        ['REJECTED', 'REJECTED', ['IMAGE']],
        ['REJECTED', 'REJECTED', ['PROHIBITED_PRODUCT']],
        ['REJECTED', 'REJECTED', ['LANDING_PAGE', 'NO_DESCRIPTION']],
      ]);
      expect(ads[1]!.rejection_labels).toEqual([expect.stringContaining('"vape"')]);
    });

    it('re-reviews when the destination changes: a rejected ad becomes approved once it has a landing page', async () => {
      const { user, adGroupId } = await world();
      const noLink = await createPin(user, { link: null });
      const ad = await createAd(user, { ad_group_id: adGroupId, pin_id: noLink, creative_type: 'REGULAR' });
      expect(ad).toMatchObject({ review_status: 'REJECTED', rejected_reasons: ['LANDING_PAGE'] });
      const [fixed] = await patchAds(user, [{ id: ad.id, destination_url: 'https://shop.example.com/landing' }]);
      expect(fixed!.data).toMatchObject({ review_status: 'APPROVED', rejected_reasons: [], rejection_labels: [], summary_status: 'APPROVED' });
    });

    it('keeps a DRAFT PENDING (not submitted) and reviews it when it leaves DRAFT', async () => {
      const { user, adGroupId, pinId } = await world();
      const draft = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', status: 'DRAFT' });
      expect(draft).toMatchObject({ status: 'DRAFT', review_status: 'PENDING', summary_status: 'DRAFT' });
      const [live] = await patchAds(user, [{ id: draft.id, status: 'PAUSED' }]);
      expect(live!.data).toMatchObject({ status: 'PAUSED', review_status: 'APPROVED', summary_status: 'PAUSED' });
    });
  });

  describe('PATCH (bulk update)', () => {
    it('updates named fields only, clears with null, and audits old and new values', async () => {
      const { user, adGroupId, pinId } = await world();
      const ad = await createAd(user, {
        ad_group_id: adGroupId,
        pin_id: pinId,
        creative_type: 'REGULAR',
        name: 'before',
        click_tracking_url: 'https://track.example.com/c',
      });
      const [updated] = await patchAds(user, [{ id: ad.id, name: 'after', click_tracking_url: null, status: 'PAUSED' }]);
      expect(updated!.data).toMatchObject({ name: 'after', click_tracking_url: null, status: 'PAUSED', summary_status: 'PAUSED', pin_id: pinId, review_status: 'APPROVED' });
      expect(updated!.data!.updated_time).toBeGreaterThanOrEqual(ad.updated_time);
      const rows = await api.db.query<{ old_values: Json; new_values: Json }[]>(
        `SELECT old_values, new_values FROM audit_log WHERE ad_account_id = $1 AND object_type = 'AD' AND object_id = $2 AND action = 'UPDATE'`,
        [user.adAccountId, ad.id],
      );
      expect(rows).toEqual([
        {
          old_values: { name: 'before', click_tracking_url: 'https://track.example.com/c', status: 'ACTIVE' },
          new_values: { name: 'after', click_tracking_url: null, status: 'PAUSED' },
        },
      ]);
    });

    it('keeps archived ads read-only', async () => {
      const { user, adGroupId, pinId } = await world();
      const ad = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', name: 'old' });
      const [archived] = await patchAds(user, [{ id: ad.id, status: 'ARCHIVED' }]);
      expect(archived!.data).toMatchObject({ status: 'ARCHIVED', summary_status: 'ARCHIVED' });
      const results = await patchAds(user, [
        { id: ad.id, name: 'renamed' },
        { id: ad.id, status: 'ACTIVE' },
      ]);
      for (const result of results) expect(result.exceptions).toEqual([{ code: 1, message: `Ad ${ad.id} is archived; archived ads cannot be changed.` }]);
      const got = await api.http().get(`/v5/ad_accounts/${user.adAccountId}/ads/${ad.id}`).set('Authorization', user.auth).expect(200);
      expectPinterest('AdResponse', got.body);
      expect(got.body).toMatchObject({ name: 'old', status: 'ARCHIVED' });
    });

    it('lets ads of an archived ad group only be archived', async () => {
      const { user, adGroupId, pinId } = await world();
      const ad = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' });
      await archive(user, 'ad_groups', adGroupId);
      const [rename, archiveAd] = await patchAds(user, [
        { id: ad.id, name: 'renamed' },
        { id: ad.id, status: 'ARCHIVED' },
      ]);
      expect(rename!.exceptions).toEqual([{ code: 1, message: expect.stringMatching(/ad_group_id: ad group \d+ is ARCHIVED; .*its ads can only be archived/) }]);
      expect(archiveAd!.data).toMatchObject({ status: 'ARCHIVED' });
    });

    it('enforces the lifecycle: no moving ad groups, pin_id only on drafts, no return to DRAFT', async () => {
      const { user, campaignId, adGroupId, pinId } = await world();
      const { adGroupId: otherGroup } = await createAdGroup(user, campaignId);
      const otherPin = await createPin(user, { title: 'Oak table' });
      const live = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' });
      const draft = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', status: 'DRAFT' });
      const results = await patchAds(user, [
        { id: live.id, ad_group_id: otherGroup },
        { id: live.id, pin_id: otherPin },
        { id: live.id, status: 'DRAFT' },
        { id: draft.id, pin_id: otherPin },
        { id: live.id, ad_group_id: adGroupId, name: 'same group is fine' },
      ]);
      expect(results[0]!.exceptions).toEqual([{ code: 1, message: expect.stringContaining('ad_group_id') }]);
      expect(results[1]!.exceptions).toEqual([{ code: 1, message: expect.stringContaining('pin_id: can change only while the ad is a DRAFT') }]);
      expect(results[2]!.exceptions).toEqual([{ code: 1, message: expect.stringMatching(/status: .*left DRAFT.*cannot return to it/) }]);
      expect(results[3]!.data).toMatchObject({ id: draft.id, pin_id: otherPin, status: 'DRAFT', review_status: 'PENDING' });
      expect(results[4]!.data).toMatchObject({ name: 'same group is fine', ad_group_id: adGroupId });
    });

    it('answers ids of another ad account, and unknown ids, as per-item "not found"', async () => {
      const { user } = await world();
      const other = await world();
      const foreign = await createAd(other.user, { ad_group_id: other.adGroupId, pin_id: other.pinId, creative_type: 'REGULAR', name: 'theirs' });
      const results = await patchAds(user, [
        { id: foreign.id, name: 'hijacked' },
        { id: '999999999999999999', name: 'ghost' },
      ]);
      expect(results.map((r) => r.exceptions)).toEqual([
        [{ code: 4, message: `Ad ${foreign.id} not found.` }],
        [{ code: 4, message: 'Ad 999999999999999999 not found.' }],
      ]);
      const [{ name }] = await api.db.query<{ name: string }[]>(`SELECT name FROM ads WHERE id = $1`, [foreign.id]);
      expect(name).toBe('theirs');
    });

    it('refuses a pin of another business when a draft changes pin', async () => {
      const { user, adGroupId, pinId } = await world();
      const other = await world();
      const draft = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', status: 'DRAFT' });
      const [result] = await patchAds(user, [{ id: draft.id, pin_id: other.pinId, status: 'ACTIVE' }]);
      expect(result!.exceptions).toEqual([{ code: 4, message: expect.stringContaining('Pin not found.') }]);
    });
  });

  describe('GET (list and get)', () => {
    it('paginates across pages by bookmark, in both orders', async () => {
      const { user, adGroupId, pinId } = await world();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', name: `ad ${i}` })).id);

      const seen: string[] = [];
      let bookmark: string | null = null;
      let pages = 0;
      do {
        const page = await listAds(user, { page_size: 2, ...(bookmark ? { bookmark } : {}) });
        seen.push(...page.items.map((a) => a.id));
        bookmark = page.bookmark;
        pages++;
      } while (bookmark);
      expect(pages).toBe(3);
      expect(seen).toEqual(ids);

      const descending = await listAds(user, { page_size: 3, order: 'DESCENDING' });
      expect(descending.items.map((a) => a.id)).toEqual([...ids].reverse().slice(0, 3));
      const rest = await listAds(user, { page_size: 3, order: 'DESCENDING', bookmark: descending.bookmark! });
      expect(rest.items.map((a) => a.id)).toEqual([...ids].reverse().slice(3));
      expect(rest.bookmark).toBeNull();
    });

    it('filters by ad_group_ids, campaign_ids, ad_ids and entity_statuses (default ACTIVE and PAUSED)', async () => {
      const { user, campaignId, adGroupId, pinId } = await world();
      const second = await createAdGroup(user);
      const a = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' });
      const b = await createAd(user, { ad_group_id: second.adGroupId, pin_id: pinId, creative_type: 'REGULAR', status: 'PAUSED' });
      const draft = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', status: 'DRAFT' });
      const archived = await createAd(user, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' });
      await patchAds(user, [{ id: archived.id, status: 'ARCHIVED' }]);
      const ids = async (query: Record<string, string>) => (await listAds(user, query)).items.map((ad) => ad.id);

      expect(await ids({})).toEqual([a.id, b.id]);
      expect(await ids({ ad_group_ids: adGroupId })).toEqual([a.id]);
      expect(await ids({ campaign_ids: second.campaignId })).toEqual([b.id]);
      expect(await ids({ campaign_ids: `${campaignId},${second.campaignId}` })).toEqual([a.id, b.id]);
      expect(await ids({ ad_ids: b.id })).toEqual([b.id]);
      expect(await ids({ entity_statuses: 'DRAFT,ARCHIVED' })).toEqual([draft.id, archived.id]);
      expect(await ids({ entity_statuses: 'ACTIVE,PAUSED,DRAFT,ARCHIVED', ad_group_ids: adGroupId })).toEqual([a.id, draft.id, archived.id]);
      expect(await ids({ entity_statuses: 'DELETED_DRAFT' })).toEqual([]);
    });

    it('rejects bad filters with 400 naming the parameter', async () => {
      const { user } = await world();
      for (const [query, field] of [
        [{ entity_statuses: 'LIVE' }, 'entity_statuses'],
        [{ ad_group_ids: 'abc' }, 'ad_group_ids'],
        [{ order: 'RANDOM' }, 'order'],
        [{ page_size: '251' }, 'page_size'],
      ] as const) {
        const res = await api.http().get(`/v5/ad_accounts/${user.adAccountId}/ads`).query(query).set('Authorization', user.auth);
        expect(res.status).toBe(400);
        expectPinterest('Pinterest.Lib.Error', res.body);
        expect(res.body.message).toContain(field);
      }
    });

    it('answers an ad of another ad account with 404 not found', async () => {
      const { user } = await world();
      const other = await world();
      const foreign = await createAd(other.user, { ad_group_id: other.adGroupId, pin_id: other.pinId, creative_type: 'REGULAR' });
      const res = await api.http().get(`/v5/ad_accounts/${user.adAccountId}/ads/${foreign.id}`).set('Authorization', user.auth);
      expect(res.status).toBe(404);
      expectPinterest('Pinterest.Lib.Error', res.body);
      expect(res.body).toEqual({ code: 4, message: `Ad ${foreign.id} not found.` });
      expect((await listAds(user, { ad_ids: foreign.id })).items).toEqual([]);
    });
  });

  describe('roles and tenancy', () => {
    it('lets ANALYST read but not write, FINANCE_MANAGER neither, and hides the account from strangers', async () => {
      const { user: owner, adGroupId, pinId } = await world();
      const ad = await createAd(owner, { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' });
      const analyst = await signUpMember(api.app, owner, 'ANALYST');
      const finance = await signUpMember(api.app, owner, 'FINANCE_MANAGER');
      const manager = await signUpMember(api.app, owner, 'CAMPAIGN_MANAGER');
      const stranger = await signUp(api.app);
      const base = `/v5/ad_accounts/${owner.adAccountId}/ads`;
      const item = { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR' };

      const read = await api.http().get(base).set('Authorization', analyst.auth).expect(200);
      expectPinterestPage('AdResponse', read.body);
      await api.http().get(`${base}/${ad.id}`).set('Authorization', analyst.auth).expect(200);
      for (const res of [
        await api.http().post(base).set('Authorization', analyst.auth).send([item]),
        await api.http().patch(base).set('Authorization', analyst.auth).send([{ id: ad.id, name: 'x' }]),
        await api.http().get(base).set('Authorization', finance.auth),
        await api.http().get(`${base}/${ad.id}`).set('Authorization', finance.auth),
      ]) {
        expect(res.status).toBe(403);
        expectPinterest('Pinterest.Lib.Error', res.body);
        expect(res.body.code).toBe(3);
      }
      for (const res of [
        await api.http().get(base).set('Authorization', stranger.auth),
        await api.http().get(`${base}/${ad.id}`).set('Authorization', stranger.auth),
        await api.http().post(base).set('Authorization', stranger.auth).send([item]),
        await api.http().patch(base).set('Authorization', stranger.auth).send([{ id: ad.id, name: 'x' }]),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ code: 4, message: 'Ad account not found.' });
      }
      const [made] = await postAds(manager, [item], owner.adAccountId);
      expect(made!.data).toMatchObject({ ad_account_id: owner.adAccountId });
    });

    it('accepts pins of the account\'s business made by an agency member with ad_account_id', async () => {
      const { user: owner, adGroupId } = await world();
      const agency = await signUpMember(api.app, owner, 'CAMPAIGN_MANAGER');
      const ownPin = await createPin(agency);
      const res = await api.http()
        .post('/v5/pins')
        .query({ ad_account_id: owner.adAccountId })
        .set('Authorization', agency.auth)
        .send({ title: 'For the client', link: 'https://client.example.com', media_source: { source_type: 'image_url', url: 'https://cdn.example.com/x.jpg' } })
        .expect(201);
      const [clientPin, agencyPin] = await postAds(
        agency,
        [
          { ad_group_id: adGroupId, pin_id: res.body.id, creative_type: 'REGULAR' },
          { ad_group_id: adGroupId, pin_id: ownPin, creative_type: 'REGULAR' },
        ],
        owner.adAccountId,
      );
      expect(clientPin!.data).toMatchObject({ pin_id: res.body.id, review_status: 'APPROVED' });
      expect(agencyPin!.exceptions).toEqual([{ code: 4, message: expect.stringContaining('Pin not found.') }]);
    });
  });
});
