import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pinPageSchema, pinSchema, type AdAccountRole, type Pin } from '@loupe/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdGroup, createCampaign } from './support/campaigns';
import { expectPinterest } from './support/pinterest-schema';
import { createTestApp, signUp, type TestUser } from './support/test-app';

/**
 * Pinterest's `Pin` component does not compile with the shared validator: its
 * `creative_type` is `{allOf: [...], nullable: true}` without a `type`, which ajv refuses.
 * This validates against the same vendored spec with such nodes rewritten to the
 * equivalent `anyOf: [schema, {type: 'null'}]` — nothing else is relaxed.
 */
function openApiNullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiNullableToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, openApiNullableToJsonSchema(v)]));
  if (entries.nullable === true && entries.type === undefined) {
    const { nullable: _nullable, ...rest } = entries;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return entries;
}
const pinterestSpec = JSON.parse(readFileSync(resolve(__dirname, '../../../libs/contracts/pinterest-api-v5/openapi.json'), 'utf8')) as { components: unknown };
const pinAjv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(pinAjv);
pinAjv.addSchema({ $id: 'pinterest', components: openApiNullableToJsonSchema(pinterestSpec.components) }, 'pinterest');
const validatePin = pinAjv.compile({ $ref: 'pinterest#/components/schemas/Pin' });

function expectPinterestPin(body: unknown): void {
  if (!validatePin(body)) throw new Error(`Response is not a valid Pinterest Pin: ${pinAjv.errorsText(validatePin.errors)}\n${JSON.stringify(body)}`);
}
function expectPinterestPinPage(body: unknown): void {
  expectPinterest('Paginated', body);
  for (const item of (body as { items: unknown[] }).items) expectPinterestPin(item);
}

describe('pins: POST /v5/pins, GET /v5/pins, GET /v5/pins/{pin_id} (real Postgres)', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    db = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
  });

  const imagePin = (extra: Record<string, unknown> = {}) => ({
    title: 'Linen sofa',
    description: 'A sofa for slow Sundays',
    link: 'https://shop.example.com/sofa',
    alt_text: 'A beige linen sofa',
    media_source: { source_type: 'image_url', url: 'https://cdn.example.com/sofa.jpg' },
    ...extra,
  });

  async function createPin(user: TestUser, body: Record<string, unknown> = imagePin(), query: Record<string, string> = {}): Promise<Pin> {
    const res = await http().post('/v5/pins').query(query).set('Authorization', user.auth).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expectPinterestPin(res.body);
    return pinSchema.parse(res.body);
  }

  async function grant(owner: TestUser, member: TestUser, role: AdAccountRole): Promise<void> {
    await http().post(`/v5/ad_accounts/${owner.adAccountId}/members`).set('Authorization', owner.auth).send({ email: member.email, role }).expect(201);
  }

  async function expectBadRequest(user: TestUser, body: unknown, mentions: string[]): Promise<void> {
    const res = await http().post('/v5/pins').set('Authorization', user.auth).send(body as object);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expectPinterest('Pinterest.Lib.Error', res.body);
    expect(res.body.code).toBe(1);
    for (const text of mentions) expect(res.body.message).toContain(text);
  }

  describe('POST /v5/pins', () => {
    it('creates an image pin in the business\'s "Promoted pins" board, created on first use and reused after', async () => {
      const user = await signUp(app);
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

      const boards = await db.query<{ name: string }[]>(
        `SELECT b.name FROM boards b JOIN users u ON u.business_id = b.business_id WHERE u.id = $1`,
        [user.userId],
      );
      expect(boards).toEqual([{ name: 'Promoted pins' }]);
    });

    it('accepts an explicit board_id of the caller\'s business', async () => {
      const user = await signUp(app);
      const first = await createPin(user);
      const second = await createPin(user, imagePin({ board_id: first.board_id }));
      expect(second.board_id).toBe(first.board_id);
    });

    it('answers a board of another business with 404 "Board not found." and stores nothing', async () => {
      const alice = await signUp(app);
      const bob = await signUp(app);
      const alicePin = await createPin(alice);
      const res = await http().post('/v5/pins').set('Authorization', bob.auth).send(imagePin({ board_id: alicePin.board_id, title: 'Intruder' }));
      expect(res.status).toBe(404);
      expectPinterest('Pinterest.Lib.Error', res.body);
      expect(res.body).toEqual({ code: 4, message: expect.stringContaining('Board not found.') });
      const [{ count }] = await db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM pins WHERE title = 'Intruder' AND created_by = $1`, [bob.userId]);
      expect(count).toBe(0);
    });

    it('rejects media URLs and links that are not absolute http(s) URLs with 400 naming the field', async () => {
      const user = await signUp(app);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'image_url', url: 'not a url' } }), ['media_source.url', 'http']);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'image_url', url: 'javascript:alert(1)' } }), ['media_source.url']);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'image_url', url: 'ftp://cdn.example.com/a.jpg' } }), ['media_source.url']);
      await expectBadRequest(user, imagePin({ link: 'shop.example.com/sofa' }), ['link']);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'image_url' } }), ['media_source.url']);
      await expectBadRequest(user, { title: 'No media' }, ['media_source']);
    });

    it('refuses media source types other than image_url with a message saying what to send', async () => {
      const user = await signUp(app);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'video_id', media_id: '123', cover_image_url: 'https://x.example/c.jpg' } }), [
        'media_source.source_type',
        'image_url',
      ]);
      await expectBadRequest(user, imagePin({ media_source: { source_type: 'hologram', url: 'https://x.example/a.jpg' } }), ['media_source.source_type']);
    });

    it('rejects too-long text, unknown fields and unsupported spec fields with 400 naming the field', async () => {
      const user = await signUp(app);
      await expectBadRequest(user, imagePin({ title: 'x'.repeat(101) }), ['title', '100']);
      await expectBadRequest(user, imagePin({ description: 'x'.repeat(801) }), ['description', '800']);
      await expectBadRequest(user, imagePin({ alt_text: 'x'.repeat(501) }), ['alt_text', '500']);
      await expectBadRequest(user, imagePin({ owner_id: '1' }), ['owner_id']);
      await expectBadRequest(user, imagePin({ parent_pin_id: '12345' }), ['parent_pin_id', 'not supported']);
      await expectBadRequest(user, imagePin({ dominant_color: 'red' }), ['dominant_color']);
      await expectBadRequest(user, imagePin({ board_id: 'board-1' }), ['board_id']);
    });

    it('with ad_account_id creates the pin for that account\'s business, audited on that account; roles without campaigns:write get 403, strangers 404', async () => {
      const owner = await signUp(app);
      const manager = await signUp(app);
      const analyst = await signUp(app);
      const stranger = await signUp(app);
      await grant(owner, manager, 'CAMPAIGN_MANAGER');
      await grant(owner, analyst, 'ANALYST');

      const pin = await createPin(manager, imagePin({ title: 'Agency pin' }), { ad_account_id: owner.adAccountId });
      expect(pin.is_owner).toBe(false);
      const ownerView = await http().get(`/v5/pins/${pin.id}`).set('Authorization', owner.auth).expect(200);
      expectPinterestPin(ownerView.body);
      expect(ownerView.body).toMatchObject({ id: pin.id, is_owner: true });

      const audit = await db.query<{ action: string; actor_user_id: string; new_values: Record<string, unknown> }[]>(
        `SELECT action, actor_user_id, new_values FROM audit_log WHERE object_type = 'PIN' AND object_id = $1 AND ad_account_id = $2`,
        [pin.id, owner.adAccountId],
      );
      expect(audit).toEqual([
        { action: 'CREATE', actor_user_id: manager.userId, new_values: expect.objectContaining({ title: 'Agency pin', image_url: 'https://cdn.example.com/sofa.jpg' }) },
      ]);

      const denied = await http().post('/v5/pins').query({ ad_account_id: owner.adAccountId }).set('Authorization', analyst.auth).send(imagePin());
      expect(denied.status).toBe(403);
      expectPinterest('Pinterest.Lib.Error', denied.body);
      expect(denied.body.code).toBe(3);
      const hidden = await http().post('/v5/pins').query({ ad_account_id: owner.adAccountId }).set('Authorization', stranger.auth).send(imagePin());
      expect(hidden.status).toBe(404);
      expect(hidden.body).toEqual({ code: 4, message: 'Ad account not found.' });
    });

    it('records every pin creation in the audit log, in the same transaction', async () => {
      const user = await signUp(app);
      const pin = await createPin(user);
      const rows = await db.query<{ action: string; actor_user_id: string }[]>(
        `SELECT action, actor_user_id FROM audit_log WHERE object_type = 'PIN' AND object_id = $1`,
        [pin.id],
      );
      expect(rows).toEqual([{ action: 'CREATE', actor_user_id: user.userId }]);
    });

    it('requires a bearer token', async () => {
      const res = await http().post('/v5/pins').send(imagePin());
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(2);
    });
  });

  describe('GET /v5/pins/{pin_id}', () => {
    it('returns the pin to users of its business', async () => {
      const user = await signUp(app);
      const pin = await createPin(user);
      const res = await http().get(`/v5/pins/${pin.id}`).query({ pin_metrics: 'true' }).set('Authorization', user.auth).expect(200);
      expectPinterestPin(res.body);
      expect(res.body).toEqual(pin);
    });

    it('answers another business\'s user with 404 "Pin not found." (existence not revealed)', async () => {
      const alice = await signUp(app);
      const bob = await signUp(app);
      const pin = await createPin(alice);
      const res = await http().get(`/v5/pins/${pin.id}`).set('Authorization', bob.auth);
      expect(res.status).toBe(404);
      expectPinterest('Pinterest.Lib.Error', res.body);
      expect(res.body).toEqual({ code: 4, message: 'Pin not found.' });
      const missing = await http().get('/v5/pins/999999999999999999').set('Authorization', bob.auth);
      expect(missing.body).toEqual({ code: 4, message: 'Pin not found.' });
    });

    it('shows the pin to a member of an ad account of its business (any role), with is_owner false', async () => {
      const owner = await signUp(app);
      const analyst = await signUp(app);
      await grant(owner, analyst, 'FINANCE_MANAGER');
      const pin = await createPin(owner);
      const res = await http().get(`/v5/pins/${pin.id}`).set('Authorization', analyst.auth).expect(200);
      expectPinterestPin(res.body);
      expect(res.body).toMatchObject({ id: pin.id, is_owner: false });
    });

    it('with ad_account_id shows only pins of that account\'s business, and needs a role on the account', async () => {
      const alice = await signUp(app);
      const bob = await signUp(app);
      const pin = await createPin(alice);
      const viaOwn = await http().get(`/v5/pins/${pin.id}`).query({ ad_account_id: alice.adAccountId }).set('Authorization', alice.auth).expect(200);
      expectPinterestPin(viaOwn.body);
      const viaForeign = await http().get(`/v5/pins/${pin.id}`).query({ ad_account_id: alice.adAccountId }).set('Authorization', bob.auth);
      expect(viaForeign.body).toEqual({ code: 4, message: 'Ad account not found.' });
      const viaOther = await http().get(`/v5/pins/${pin.id}`).query({ ad_account_id: bob.adAccountId }).set('Authorization', bob.auth);
      expect(viaOther.body).toEqual({ code: 4, message: 'Pin not found.' });
    });

    it('reports has_been_promoted once an ad promotes the pin', async () => {
      const user = await signUp(app);
      const pin = await createPin(user);
      const campaign = await createCampaign(app, user);
      const adGroup = await createAdGroup(app, user, campaign.id);
      const ads = await http()
        .post(`/v5/ad_accounts/${user.adAccountId}/ads`)
        .set('Authorization', user.auth)
        .send([{ ad_group_id: adGroup.id, pin_id: pin.id, creative_type: 'REGULAR' }])
        .expect(200);
      expect(ads.body.items[0].exceptions).toEqual([]);
      expectPinterest('AdResponse', ads.body.items[0].data);
      const res = await http().get(`/v5/pins/${pin.id}`).set('Authorization', user.auth).expect(200);
      expectPinterestPin(res.body);
      expect(res.body).toMatchObject({ id: pin.id, has_been_promoted: true });
    });

    it('rejects a non-numeric pin id with 400', async () => {
      const user = await signUp(app);
      const res = await http().get('/v5/pins/abc').set('Authorization', user.auth);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('pin_id');
    });
  });

  describe('GET /v5/pins', () => {
    it('lists the business\'s pins newest first, across pages by bookmark, without other businesses\' pins', async () => {
      const user = await signUp(app);
      const other = await signUp(app);
      await createPin(other);
      const created: Pin[] = [];
      for (const title of ['one', 'two', 'three']) created.push(await createPin(user, imagePin({ title })));

      const first = await http().get('/v5/pins').query({ page_size: 2 }).set('Authorization', user.auth).expect(200);
      expectPinterestPinPage(first.body);
      const page1 = pinPageSchema.parse(first.body);
      expect(page1.items).toHaveLength(2);
      expect(page1.bookmark).toEqual(expect.any(String));
      const second = await http().get('/v5/pins').query({ page_size: 2, bookmark: page1.bookmark }).set('Authorization', user.auth).expect(200);
      expectPinterestPinPage(second.body);
      const page2 = pinPageSchema.parse(second.body);
      expect(page2.bookmark).toBeNull();
      expect([...page1.items, ...page2.items].map((p) => p.title)).toEqual(['three', 'two', 'one']);
    });

    it('with ad_account_id lists that account\'s business pins for a member', async () => {
      const owner = await signUp(app);
      const member = await signUp(app);
      await grant(owner, member, 'ANALYST');
      const pin = await createPin(owner);
      const res = await http().get('/v5/pins').query({ ad_account_id: owner.adAccountId }).set('Authorization', member.auth).expect(200);
      expectPinterestPinPage(res.body);
      expect(res.body.items.map((p: Pin) => p.id)).toEqual([pin.id]);
      const own = await http().get('/v5/pins').set('Authorization', member.auth).expect(200);
      expectPinterestPinPage(own.body);
      expect(own.body.items).toEqual([]);
    });

    it('rejects a forged bookmark with 400', async () => {
      const user = await signUp(app);
      const res = await http().get('/v5/pins').query({ bookmark: 'garbage' }).set('Authorization', user.auth);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('bookmark');
    });
  });
});
