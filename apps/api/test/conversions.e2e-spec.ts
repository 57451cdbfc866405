import { createHash, randomUUID } from 'node:crypto';
import { ErrorCode, errorBodySchema, type AdEvent } from '@loupe/contracts';
import { LOUPE_CONFIG, type LoupeConfig } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpMember } from './support/campaigns';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';
import { eventsQueue, queuedEvents, removeQueuedJobs } from './support/tracking';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const DAY = 24 * 3600;

/** A valid Pinterest conversion event with a unique event_id. */
function conversion(fields: Record<string, unknown> = {}): Record<string, unknown> & { event_id: string } {
  return {
    event_name: 'checkout',
    action_source: 'web',
    event_time: nowSeconds() - 60,
    event_id: `order-${randomUUID()}`,
    user_data: { em: [sha256('shopper@example.com')], click_id: 'c:auction-1:0' },
    custom_data: { currency: 'USD', value: '12.34', order_id: 'A-1', content_ids: ['sku-1', 'sku-2'], num_items: 2 },
    ...fields,
  } as Record<string, unknown> & { event_id: string };
}

describe('conversions API: POST /v5/ad_accounts/{id}/events', () => {
  const api = useTestApp();
  let owner: TestUser;
  let queue: Queue;
  const url = () => `/v5/ad_accounts/${owner.adAccountId}/events`;
  const send = (body: unknown, user: TestUser = owner, query = '') => api.http().post(`${url()}${query}`).set('Authorization', user.auth).send(body as object);
  const queued = (eventIds: string[]) => queuedEvents(queue, (e) => eventIds.includes(e.event_id));

  beforeAll(async () => {
    owner = await signUp(api.app, { currency: 'EUR' });
    queue = eventsQueue(api.app.get<LoupeConfig>(LOUPE_CONFIG));
  });
  afterAll(async () => {
    await removeQueuedJobs(queue, (e) => e.ad_account_id === owner.adAccountId);
    await queue.close();
  });

  it("answers Pinterest's ConversionApiResponse and queues one CONVERSION per event with the deterministic id v:<account>:<event_id>", async () => {
    const a = conversion();
    const b = conversion({ event_name: 'view_content', custom_data: { value: '0.5' }, user_data: { external_id: [sha256('user-42').toUpperCase()], hashed_maids: [sha256('maid')] } });
    const res = await send({ data: [a, b] }).expect(200);
    expectPinterest('ConversionApiResponse', res.body);
    expect(res.body).toEqual({
      num_events_received: 2,
      num_events_processed: 2,
      events: [
        { status: 'processed', error_message: null, warning_message: null },
        { status: 'processed', error_message: null, warning_message: null },
      ],
    });
    const ids = [`v:${owner.adAccountId}:${a.event_id}`, `v:${owner.adAccountId}:${b.event_id}`];
    const events = await queued(ids);
    expect(events.sort((x, y) => ids.indexOf(x.event_id) - ids.indexOf(y.event_id))).toMatchObject([
      {
        event_id: ids[0],
        event_type: 'CONVERSION',
        ad_account_id: owner.adAccountId,
        event_time_ms: (a.event_time as number) * 1000,
        user_id: sha256('shopper@example.com'),
        click_id: 'c:auction-1:0',
        value_micros: 12_340_000,
        currency: 'USD',
        conversion_type: 'checkout',
        price_micros: 0,
        ivt: false,
      },
      // view_content counts as a page visit; no em: the external_id (lowercased) is the user key; currency defaults to the account's.
      { event_id: ids[1], user_id: sha256('user-42'), click_id: '', value_micros: 500_000, currency: 'EUR', conversion_type: 'page_visit' },
    ] satisfies Partial<AdEvent>[]);
    // Both events of one request share one group-committed job.
    expect(new Set(events.map((e) => e.jobId)).size).toBe(1);
  });

  it('a resend of the same event_id produces the same event id, so the pipeline counts it once', async () => {
    const event = conversion();
    await send({ data: [event] }).expect(200);
    await send({ data: [event] }).expect(200);
    const copies = await queued([`v:${owner.adAccountId}:${event.event_id}`]);
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((c) => JSON.stringify({ ...c, jobId: '' }))).size).toBe(1);
  });

  it('warns about a repeated event_id within one request and about an event that cannot be attributed', async () => {
    const event = conversion();
    const anonymous = conversion({ user_data: { client_ip_address: '203.0.113.9', client_user_agent: 'Mozilla/5.0' } });
    const res = await send({ data: [event, event, anonymous] }).expect(200);
    expectPinterest('ConversionApiResponse', res.body);
    expect(res.body.events[0].warning_message).toBeNull();
    expect(res.body.events[1].warning_message).toContain('counted once');
    expect(res.body.events[2].warning_message).toContain('cannot be attributed');
  });

  it.each([
    ['a plain-text email', { user_data: { em: ['shopper@example.com'] } }, 'user_data.em.0: looks like a plain-text email'],
    ['a hash that is not SHA-256', { user_data: { em: ['abc123'] } }, 'user_data.em.0: must be a SHA-256 hash'],
    ['a plain phone number', { user_data: { em: [sha256('a@b.c')], ph: ['+14155550100'] } }, 'user_data.ph.0: must be a SHA-256 hash'],
    ['no user identifier', { user_data: { client_ip_address: '203.0.113.9' } }, 'user_data: needs at least one of em, hashed_maids, or client_ip_address'],
    ['an event older than 7 days', { event_time: nowSeconds() - 7 * DAY - 60 }, 'event_time: must be within the last 7 days'],
    ['an event in the future', { event_time: nowSeconds() + 3600 }, 'event_time: must not be in the future'],
    ['event_time in milliseconds', { event_time: Date.now() }, 'event_time: must not be in the future'],
    ['a currency that is not ISO 4217', { custom_data: { currency: 'XYZ', value: '1' } }, 'custom_data.currency: must be an ISO 4217 currency code'],
    ['a value as a number', { custom_data: { currency: 'USD', value: 12.34 } }, 'custom_data.value'],
    ['a value with more than 6 decimals', { custom_data: { currency: 'USD', value: '1.1234567' } }, 'custom_data.value: must be a non-negative decimal amount'],
    ['a negative value', { custom_data: { currency: 'USD', value: '-5' } }, 'custom_data.value: must be a non-negative decimal amount'],
    ['an unknown event name', { event_name: 'purchase' }, 'event_name: must be one of'],
    ['an unknown action source', { action_source: 'email' }, 'action_source: must be one of'],
    ['a missing event_id', { event_id: undefined }, 'event_id'],
    ['an unknown field', { surprise: 1 }, 'Unrecognized key'],
  ])('fails %s alone, with a message, while the other events are processed', async (_name, change, message) => {
    const good = conversion();
    const bad = { ...conversion(), ...change };
    const res = await send({ data: [good, bad] }).expect(200);
    expectPinterest('ConversionApiResponse', res.body);
    expect(res.body.num_events_received).toBe(2);
    expect(res.body.num_events_processed).toBe(1);
    expect(res.body.events[0]).toEqual({ status: 'processed', error_message: null, warning_message: null });
    expect(res.body.events[1].status).toBe('failed');
    expect(res.body.events[1].error_message).toContain(message);
    expect(await queued([`v:${owner.adAccountId}:${good.event_id}`])).toHaveLength(1);
    if (typeof bad.event_id === 'string') expect(await queued([`v:${owner.adAccountId}:${bad.event_id}`])).toEqual([]);
  });

  it.each([
    ['"12.34"', '12.34', 12_340_000],
    ['"0.1"', '0.1', 100_000],
    ['"19.99"', '19.99', 19_990_000],
    ['"1000000"', '1000000', 1_000_000_000_000],
    ['"123456789.123456"', '123456789.123456', 123_456_789_123_456],
  ])('parses value %s to exact integer micros', async (_name, value, micros) => {
    const event = conversion({ custom_data: { currency: 'JPY', value } });
    await send({ data: [event] }).expect(200);
    expect(await queued([`v:${owner.adAccountId}:${event.event_id}`])).toMatchObject([{ value_micros: micros, currency: 'JPY' }]);
  });

  it('maps every Pinterest event name to a conversion type', async () => {
    const names = { checkout: 'checkout', add_to_cart: 'add_to_cart', lead: 'lead', signup: 'signup', page_visit: 'page_visit', view_category: 'view_category', search: 'search', watch_video: 'watch_video', custom: 'custom', subscribe: 'signup', view_content: 'page_visit', app_install: 'app_install', initiate_checkout: 'custom', add_to_wishlist: 'custom' };
    const events = Object.keys(names).map((event_name) => conversion({ event_name }));
    await send({ data: events }).expect(200);
    const queuedByName = await queued(events.map((e) => `v:${owner.adAccountId}:${e.event_id}`));
    for (const [i, [, type]] of Object.entries(names).entries()) {
      expect(queuedByName.find((q) => q.event_id === `v:${owner.adAccountId}:${events[i]!.event_id}`)?.conversion_type).toBe(type);
    }
  });

  it('?test=true validates and answers as usual but stores nothing', async () => {
    const good = conversion();
    const bad = conversion({ user_data: { em: ['plain@example.com'] } });
    const res = await send({ data: [good, bad] }, owner, '?test=true').expect(200);
    expectPinterest('ConversionApiResponse', res.body);
    expect(res.body).toMatchObject({ num_events_received: 2, num_events_processed: 1, events: [{ status: 'processed' }, { status: 'failed' }] });
    expect(await queued([`v:${owner.adAccountId}:${good.event_id}`])).toEqual([]);
    await send({ data: [good] }, owner, '?test=false').expect(200);
    expect(await queued([`v:${owner.adAccountId}:${good.event_id}`])).toHaveLength(1);
  });

  it('answers 400 {code, message} naming each problem when no event is valid, and for a bad envelope', async () => {
    const res = await send({ data: [conversion({ event_time: 5 }), conversion({ user_data: { em: ['x@y.z'] } })] }).expect(400);
    expect(errorBodySchema.parse(res.body).code).toBe(ErrorCode.InvalidParameters);
    expect(res.body.message).toContain('data.0: event_time');
    expect(res.body.message).toContain('data.1: user_data.em.0');
    for (const body of [{}, { data: [] }, { data: Array.from({ length: 1001 }, () => conversion()) }, { data: 'x' }, [conversion()], { data: [conversion()], extra: 1 }]) {
      const r = await send(body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(errorBodySchema.safeParse(r.body).success).toBe(true);
    }
    expect((await send({ data: [conversion()] }, owner, '?test=maybe')).status).toBe(400);
  });

  it('accepts 1,000 events in one request', async () => {
    const events = Array.from({ length: 1000 }, () => conversion());
    const res = await send({ data: events }).expect(200);
    expect(res.body).toMatchObject({ num_events_received: 1000, num_events_processed: 1000 });
  });

  it('lets ADMIN and CAMPAIGN_MANAGER send conversions; ANALYST and FINANCE_MANAGER get 403, strangers 404, no token 401', async () => {
    const manager = await signUpMember(api.app, owner, 'CAMPAIGN_MANAGER');
    await send({ data: [conversion()] }, manager).expect(200);
    for (const role of ['ANALYST', 'FINANCE_MANAGER']) {
      const member = await signUpMember(api.app, owner, role);
      const res = await send({ data: [conversion()] }, member);
      expect(res.status, role).toBe(403);
    }
    const stranger = await signUp(api.app);
    expect((await send({ data: [conversion()] }, stranger)).status).toBe(404);
    expect((await api.http().post(url()).send({ data: [conversion()] })).status).toBe(401);
  });
});
