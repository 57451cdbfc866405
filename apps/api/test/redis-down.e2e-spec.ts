import { createHash } from 'node:crypto';
import { ErrorCode } from '@loupe/contracts';
import { LOUPE_CONFIG, type LoupeConfig } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signEvent } from '../src/tracking/signed-event';
import { createAdGroup, createCampaign } from './support/campaigns';
import { samplePin } from './support/route-fixtures';
import { createTestApp, signUp, type TestUser } from './support/test-app';
import { BROWSER_UA, freshLoopbackIp, hit, signedEvent, startRedis } from './support/tracking';

/**
 * Never 2xx for an event that could not be stored (issue 5 §7): an API whose Redis (a
 * throwaway server of this test, never the shared one) goes down answers 503
 * `{code, message}` on every tracking endpoint and on the conversions API.
 */
describe('when Redis is down, tracking and conversions answer 503 and acknowledge nothing', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let app: NestFastifyApplication;
  let owner: TestUser;
  let token = '';

  beforeAll(async () => {
    redis = await startRedis();
    app = await createTestApp({ REDIS_URL: redis.url });
    await app.listen({ port: 0, host: '127.0.0.1' });
    owner = await signUp(app);
    const campaign = (await createCampaign(app, owner)).id;
    const adGroup = (await createAdGroup(app, owner, campaign)).id;
    const pin = (await request(app.getHttpServer()).post(`/v5/pins?ad_account_id=${owner.adAccountId}`).set('Authorization', owner.auth).send(samplePin()).expect(201)).body as { id: string };
    const ads = await request(app.getHttpServer())
      .post(`/v5/ad_accounts/${owner.adAccountId}/ads`)
      .set('Authorization', owner.auth)
      .send([{ ad_group_id: adGroup, pin_id: pin.id, creative_type: 'REGULAR', status: 'ACTIVE', destination_url: 'https://shop.example.com/' }])
      .expect(200);
    const adId = (ads.body as { items: { data: { id: string } }[] }).items[0]!.data.id;
    const secret = app.get<LoupeConfig>(LOUPE_CONFIG).tracking.secret;
    token = signEvent(signedEvent({ adAccountId: owner.adAccountId, campaignId: campaign, adGroupId: adGroup, adId, pinId: pin.id, billableEvent: 'CLICKTHROUGH' }), secret);
    await redis.stop();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it.each([
    ['impression', 'GET', 'i', undefined],
    ['click', 'GET', 'c', undefined],
    ['engagement', 'POST', 'e', { type: 'SAVE' }],
  ] as const)('the %s endpoint answers 503 {code, message}', async (_name, method, kind, body) => {
    const res = await hit(app, method, `/t/${kind}/${token}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp(), body });
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ code: ErrorCode.ServiceUnavailable, message: expect.stringContaining('retry') });
  });

  it('the conversions API answers 503 {code, message}', async () => {
    const res = await request(app.getHttpServer())
      .post(`/v5/ad_accounts/${owner.adAccountId}/events`)
      .set('Authorization', owner.auth)
      .send({
        data: [
          {
            event_name: 'checkout',
            action_source: 'web',
            event_time: Math.floor(Date.now() / 1000) - 60,
            event_id: 'order-1',
            user_data: { em: [createHash('sha256').update('a@example.com').digest('hex')] },
          },
        ],
      });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: ErrorCode.ServiceUnavailable, message: expect.stringContaining('retry') });
  });
});
