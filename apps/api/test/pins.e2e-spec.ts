import { pinPageSchema, pinSchema, type AdAccountRole, type Pin } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { createAdGroup, createCampaign } from './support/campaigns';
import { expectPinterest, expectPinterestPage } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

describe('pins: POST /v5/pins, GET /v5/pins, GET /v5/pins/{pin_id} (real Postgres)', () => {
  const api = useTestApp();

  const imagePin = (extra: Record<string, unknown> = {}) => ({
    title: 'Linen sofa',
    description: 'A sofa for slow Sundays',
    link: 'https://shop.example.com/sofa',
    alt_text: 'A beige linen sofa',
    media_source: { source_type: 'image_url', url: 'https://cdn.example.com/sofa.jpg' },
    ...extra,
  });

  async function createPin(user: TestUser, body: Record<string, unknown> = imagePin(), query: Record<string, string> = {}): Promise<Pin> {
    const res = await api.http().post('/v5/pins').query(query).set('Authorization', user.auth).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expectPinterest('Pin', res.body);
    return pinSchema.parse(res.body);
  }

  async function grant(owner: TestUser, member: TestUser, role: AdAccountRole): Promise<void> {
    await api.http().post(`/v5/ad_accounts/${owner.adAccountId}/members`).set('Authorization', owner.auth).send({ email: member.email, role }).expect(201);
  }

  async function expectBadRequest(user: TestUser, body: unknown, mentions: string[]): Promise<void> {
    const res = await api.http().post('/v5/pins').set('Authorization', user.auth).send(body as object);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expectPinterest('Pinterest.Lib.Error', res.body);
    expect(res.body.code).toBe(1);
    for (const text of mentions) expect(res.body.message).toContain(text);
  }

  describe('POST /v5/pins', () => {
    it('creates an image pin in the business\'s "Promoted pins" board, created on first use and reused after', async () => {
      const user = await signUp(api.app);
      const first = await createPin(user);
      expect(first).toMatchObject({
        title: 'Linen sofa',
        description: 'A sofa for slow Sundays',
        link: 'https://shop.example.com/sofa',
        alt_text: 'A beige linen sofa',
        is_owner: true,
        has_been_promoted: false,
        creative_type: 'REGULAR',
        media: { media_type: 'image', images: { '600x': { url: 'https://cdn.example.com/sofa.jpg', width: null, height: null } } },
      });
      expect(first.id).toMatch(/^\d+$/);
      expect(new Date(first.created_at).toISOString()).toBe(first.created_at);
      const second = await createPin(user, imagePin({ title: 'Oak table' }));
      expect(second.board_id).toBe(first.board_id);

      const boards = await api.db.query<{ name: string }[]>(
        `SELECT b.name FROM boards b JOIN users u ON u.business_id = b.business_id WHERE u.id = $1`,
        [user.userId],
      );
      expect(boards).toEqual([{ name: 'Promoted pins' }]);
    });

    it('accepts an explicit board_id of the caller\'s business', async () => {
      const user = await signUp(api.app);
      const first = await createPin(user);
      const second = await createPin(user, imagePin({ board_id: first.board_id }));
      expect(second.board_id).toBe(first.board_id);
    });

    it('answers a board of another business with 404 "Board not found." and stores nothing', async () => {
      const alice = await signUp(api.app);
      const bob = await signUp(api.app);
      const alicePin = await createPin(alice);
      const res = await api.http().post('/v5/pins').set('Authorization', bob.auth).send(imagePin({ board_id: alicePin.board_id, title: 'Intruder' }));
      expect(res.status).toBe(404);
      expectPinterest('Pinterest.Lib.Error', res.body);
      expect(res.body).toEqual({ code: 4, message: expect.stringContaining('Board not found.') });
      const [{ count }] = await api.db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM pins WHERE title = 'Intruder' AND created_by = $1`, [bob.userId]);
      expect(count).toBe(0);
    });

    it('rejects media URLs and links that are not absolute http(s) URLs with 400 naming the field', async () => {
      const user = await signUp(api.app);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'image_url', url: 'not a url' } }), ['media_source.url', 'http']);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'image_url', url: 'javascript:alert(1)' } }), ['media_source.url']);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'image_url', url: 'ftp://cdn.example.com/a.jpg' } }), ['media_source.url']);
      await expectBadRequest(user, imagePin({ link: 'shop.example.com/sofa' }), ['link']);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'image_url' } }), ['media_source.url']);
      await expectBadRequest(user, { title: 'No media' }, ['media_source']);
    });

    it('refuses media source types other than image_url with a message saying what to send', async () => {
      const user = await signUp(api.app);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'video_id', media_id: '123', cover_image_url: 'https://x.example/c.jpg' } }), [
        'media_source.source_type',
        'image_url',
      ]);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'hologram', url: 'https://x.example/a.jpg' } }), ['media_source.source_type']);
    });

    it('rejects too-long text, unknown fields and unsupported spec fields with 400 naming the field', async () => {
      const user = await signUp(api.app);
      await expectBadRequest(user, imagePin({ title: 'x'.repeat(101) }), ['title', '100']);
      await expectBadRequest(user, imagePin({ description: 'x'.repeat(801) }), ['description', '800']);
      await expectBadRequest(user, imagePin({ alt_text: 'x'.repeat(501) }), ['alt_text', '500']);
      await expectBadRequest(user, imagePin({ owner_id: '1' }), ['owner_id']);
      await expectBadRequest(user, imagePin({ parent_pin_id: '12345' }), ['parent_pin_id', 'not supported']);
      await expectBadRequest(user, imagePin({ dominant_color: 'red' }), ['dominant_color']);
      await expectBadRequest(user, imagePin({ board_id: 'board-1' }), ['board_id']);
    });

    it('with ad_account_id creates the pin for that account\'s business, audited on that account; roles without campaigns:write get 403, strangers 404', async () => {
      const owner = await signUp(api.app);
      const manager = await signUp(api.app);
      const analyst = await signUp(api.app);
      const stranger = await signUp(api.app);
      await grant(owner, manager, 'CAMPAIGN_MANAGER');
      await grant(owner, analyst, 'ANALYST');

      const pin = await createPin(manager, imagePin({ title: 'Agency pin' }), { ad_account_id: owner.adAccountId });
      expect(pin.is_owner).toBe(false);
      const ownerView = await api.http().get(`/v5/pins/${pin.id}`).set('Authorization', owner.auth).expect(200);
      expectPinterest('Pin', ownerView.body);
      expect(ownerView.body).toMatchObject({ id: pin.id, is_owner: true });

      const audit = await api.db.query<{ action: string; actor_user_id: string; new_values: Record<string, unknown> }[]>(
        `SELECT action, actor_user_id, new_values FROM audit_log WHERE object_type = 'PIN' AND object_id = $1 AND ad_account_id = $2`,
        [pin.id, owner.adAccountId],
      );
      expect(audit).toEqual([
        { action: 'CREATE', actor_user_id: manager.userId, new_values: expect.objectContaining({ title: 'Agency pin', image_url: 'https://cdn.example.com/sofa.jpg' }) },
      ]);

      const denied = await api.http().post('/v5/pins').query({ ad_account_id: owner.adAccountId }).set('Authorization', analyst.auth).send(imagePin());
      expect(denied.status).toBe(403);
      expectPinterest('Pinterest.Lib.Error', denied.body);
      expect(denied.body.code).toBe(3);
      const hidden = await api.http().post('/v5/pins').query({ ad_account_id: owner.adAccountId }).set('Authorization', stranger.auth).send(imagePin());
      expect(hidden.status).toBe(404);
      expect(hidden.body).toEqual({ code: 4, message: 'Ad account not found.' });
    });

    it('records every pin creation in the audit log, in the same transaction', async () => {
      const user = await signUp(api.app);
      const pin = await createPin(user);
      const rows = await api.db.query<{ action: string; actor_user_id: string }[]>(
        `SELECT action, actor_user_id FROM audit_log WHERE object_type = 'PIN' AND object_id = $1`,
        [pin.id],
      );
      expect(rows).toEqual([{ action: 'CREATE', actor_user_id: user.userId }]);
    });

    it('requires a bearer token', async () => {
      const res = await api.http().post('/v5/pins').send(imagePin());
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(2);
    });
  });

  describe('GET /v5/pins/{pin_id}', () => {
    it('returns the pin to users of its business', async () => {
      const user = await signUp(api.app);
      const pin = await createPin(user);
      const res = await api.http().get(`/v5/pins/${pin.id}`).query({ pin_metrics: 'true' }).set('Authorization', user.auth).expect(200);
      expectPinterest('Pin', res.body);
      expect(res.body).toEqual(pin);
    });

    it('answers another business\'s user with 404 "Pin not found." (existence not revealed)', async () => {
      const alice = await signUp(api.app);
      const bob = await signUp(api.app);
      const pin = await createPin(alice);
      const res = await api.http().get(`/v5/pins/${pin.id}`).set('Authorization', bob.auth);
      expect(res.status).toBe(404);
      expectPinterest('Pinterest.Lib.Error', res.body);
      expect(res.body).toEqual({ code: 4, message: 'Pin not found.' });
      const missing = await api.http().get('/v5/pins/999999999999999999').set('Authorization', bob.auth);
      expect(missing.body).toEqual({ code: 4, message: 'Pin not found.' });
    });

    it('shows the pin to a member of an ad account of its business (any role), with is_owner false', async () => {
      const owner = await signUp(api.app);
      const analyst = await signUp(api.app);
      await grant(owner, analyst, 'FINANCE_MANAGER');
      const pin = await createPin(owner);
      const res = await api.http().get(`/v5/pins/${pin.id}`).set('Authorization', analyst.auth).expect(200);
      expectPinterest('Pin', res.body);
      expect(res.body).toMatchObject({ id: pin.id, is_owner: false });
    });

    it('with ad_account_id shows only pins of that account\'s business, and needs a role on the account', async () => {
      const alice = await signUp(api.app);
      const bob = await signUp(api.app);
      const pin = await createPin(alice);
      const viaOwn = await api.http().get(`/v5/pins/${pin.id}`).query({ ad_account_id: alice.adAccountId }).set('Authorization', alice.auth).expect(200);
      expectPinterest('Pin', viaOwn.body);
      const viaForeign = await api.http().get(`/v5/pins/${pin.id}`).query({ ad_account_id: alice.adAccountId }).set('Authorization', bob.auth);
      expect(viaForeign.body).toEqual({ code: 4, message: 'Ad account not found.' });
      const viaOther = await api.http().get(`/v5/pins/${pin.id}`).query({ ad_account_id: bob.adAccountId }).set('Authorization', bob.auth);
      expect(viaOther.body).toEqual({ code: 4, message: 'Pin not found.' });
    });

    it('reports has_been_promoted once an ad promotes the pin', async () => {
      const user = await signUp(api.app);
      const pin = await createPin(user);
      const campaign = await createCampaign(api.app, user);
      const adGroup = await createAdGroup(api.app, user, campaign.id);
      const ads = await api.http()
        .post(`/v5/ad_accounts/${user.adAccountId}/ads`)
        .set('Authorization', user.auth)
        .send([{ ad_group_id: adGroup.id, pin_id: pin.id, creative_type: 'REGULAR' }])
        .expect(200);
      expect(ads.body.items[0].exceptions).toEqual([]);
      expectPinterest('AdResponse', ads.body.items[0].data);
      const res = await api.http().get(`/v5/pins/${pin.id}`).set('Authorization', user.auth).expect(200);
      expectPinterest('Pin', res.body);
      expect(res.body).toMatchObject({ id: pin.id, has_been_promoted: true });
    });

    it('rejects a non-numeric pin id with 400', async () => {
      const user = await signUp(api.app);
      const res = await api.http().get('/v5/pins/abc').set('Authorization', user.auth);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('pin_id');
    });
  });

  describe('GET /v5/pins', () => {
    it('lists the business\'s pins newest first, across pages by bookmark, without other businesses\' pins', async () => {
      const user = await signUp(api.app);
      const other = await signUp(api.app);
      await createPin(other);
      const created: Pin[] = [];
      for (const title of ['one', 'two', 'three']) created.push(await createPin(user, imagePin({ title })));

      const first = await api.http().get('/v5/pins').query({ page_size: 2 }).set('Authorization', user.auth).expect(200);
      expectPinterestPage('Pin', first.body);
      const page1 = pinPageSchema.parse(first.body);
      expect(page1.items).toHaveLength(2);
      expect(page1.bookmark).toEqual(expect.any(String));
      const second = await api.http().get('/v5/pins').query({ page_size: 2, bookmark: page1.bookmark }).set('Authorization', user.auth).expect(200);
      expectPinterestPage('Pin', second.body);
      const page2 = pinPageSchema.parse(second.body);
      expect(page2.bookmark).toBeNull();
      expect([...page1.items, ...page2.items].map((p) => p.title)).toEqual(['three', 'two', 'one']);
    });

    it('with ad_account_id lists that account\'s business pins for a member', async () => {
      const owner = await signUp(api.app);
      const member = await signUp(api.app);
      await grant(owner, member, 'ANALYST');
      const pin = await createPin(owner);
      const res = await api.http().get('/v5/pins').query({ ad_account_id: owner.adAccountId }).set('Authorization', member.auth).expect(200);
      expectPinterestPage('Pin', res.body);
      expect(res.body.items.map((p: Pin) => p.id)).toEqual([pin.id]);
      const own = await api.http().get('/v5/pins').set('Authorization', member.auth).expect(200);
      expectPinterestPage('Pin', own.body);
      expect(own.body.items).toEqual([]);
    });

    it('rejects a forged bookmark with 400', async () => {
      const user = await signUp(api.app);
      const res = await api.http().get('/v5/pins').query({ bookmark: 'garbage' }).set('Authorization', user.auth);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('bookmark');
    });
  });
});
