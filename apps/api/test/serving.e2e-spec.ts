import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Outcome } from '@loupe/auction';
import { verifyEvent } from '../src/tracking/signed-event';
import { BudgetLeases } from '../src/serving/budget-leases';
import { accountDay, BudgetStore } from '../src/serving/budget-store';
import { ExplainCounters } from '../src/serving/explain';
import { PacingService } from '../src/serving/pacing.service';
import { ServingIndex } from '../src/serving/serving-index';
import { DAY, nowSeconds, objectsOf } from './support/campaigns';
import { createIsolatedDatabase, createServingWorld, eventually, SERVICE_KEY, serveBody, type IsolatedDatabase, type ServedAdBody, type ServingWorld } from './support/serving';
import { createTestApp, signUp, type TestUser } from './support/test-app';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig, testEnv } from '@loupe/server-core';

const config = loadConfig(testEnv());

/**
 * POST /internal/serve and delivery diagnostics on one API process, on a database of
 * their own (support/serving.ts) so the only competitors are the ad groups each test
 * creates; each test pauses its ad groups when it ends.
 */
describe('ad serving (one API process)', () => {
  let db: IsolatedDatabase;
  let app: NestFastifyApplication;
  let user: TestUser;
  const created: string[] = [];

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    app = await createTestApp({ DATABASE_URL: db.url });
    user = await signUp(app);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  afterEach(async () => {
    if (created.length > 0) {
      await objectsOf(app, user, 'ad_groups').update(created.splice(0).map((id) => ({ id, status: 'PAUSED' }))).expect(200);
    }
    await sync();
  });

  const http = () => request(app.getHttpServer());
  /** The index follows writes through pub/sub; tests reload it directly so they never wait. */
  const sync = () => app.get(ServingIndex).reloadAll();
  const serve = (body: Record<string, unknown>) => http().post('/internal/serve').set('Authorization', `Bearer ${SERVICE_KEY}`).send(body);
  async function world(adGroup: Record<string, unknown> = {}, campaign: Record<string, unknown> = {}): Promise<ServingWorld> {
    const w = await createServingWorld(app, user, adGroup, campaign);
    created.push(w.adGroupId);
    return w;
  }
  async function serveMany(n: number, body: () => Record<string, unknown>): Promise<ServedAdBody[]> {
    const ads: ServedAdBody[] = [];
    for (let i = 0; i < n; i++) {
      const res = await serve(body()).expect(200);
      ads.push(...(res.body.ads as ServedAdBody[]));
    }
    return ads;
  }
  async function diagnostics(adGroupId: string) {
    await app.get(ExplainCounters).flush();
    const today = accountDay('UTC', Date.now());
    const res = await http()
      .get(`/v5/ad_accounts/${user.adAccountId}/ad_groups/${adGroupId}/delivery_diagnostics`)
      .query({ start_date: today, end_date: today })
      .set('Authorization', user.auth)
      .expect(200);
    return res.body as {
      days: { auctions_entered: number; auctions_won: number; lost_by_reason: Record<string, number>; min_bid_to_win_micro_currency: { median: number | null; p75: number | null }; loss_counts_sampled: boolean }[];
      current_bid_in_micro_currency: number;
      suggestion: string;
    };
  }

  describe('service-key authentication', () => {
    it('answers 401 {code: 2} without a key, with a wrong key and with a user access token', async () => {
      for (const auth of [undefined, 'Bearer not-the-service-key', user.auth]) {
        const req = http().post('/internal/serve');
        const res = await (auth ? req.set('Authorization', auth) : req).send(serveBody());
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ code: 2 });
        expect(typeof res.body.message).toBe('string');
      }
      const wrongHeader = await http().post('/internal/serve').set('X-Loupe-Service-Key', `${SERVICE_KEY}x`).send(serveBody());
      expect(wrongHeader.status).toBe(401);
    });

    it('accepts the service key as a bearer token or in X-Loupe-Service-Key', async () => {
      await http().post('/internal/serve').set('Authorization', `Bearer ${SERVICE_KEY}`).send(serveBody()).expect(200);
      await http().post('/internal/serve').set('X-Loupe-Service-Key', SERVICE_KEY).send(serveBody()).expect(200);
    });
  });

  it('answers 400 {code: 1} naming the field to bad requests, never a 500', async () => {
    const bad = [
      {},
      { placement: 'ALL', slots: 1, user: { id: 'u' } },
      { placement: 'BROWSE', slots: 0, user: { id: 'u' } },
      { placement: 'BROWSE', slots: 11, user: { id: 'u' } },
      { placement: 'BROWSE', slots: 1, user: {} },
      { placement: 'BROWSE', slots: 1, user: { id: 'u', interests: 'x' } },
      { placement: 'BROWSE', slots: 1, user: { id: 'u' }, price: 1 },
      { placement: 'BROWSE', slots: 1.5, user: { id: 'u' } },
    ];
    for (const body of bad) {
      const res = await serve(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe(1);
    }
    const notJson = await http().post('/internal/serve').set('Authorization', `Bearer ${SERVICE_KEY}`).set('Content-Type', 'application/json').send('{oops');
    expect(notJson.status).toBe(400);
  });

  it('answers the route with the API\'s body handling: 415 for other media types, 413 over the body limit, 400 for an empty JSON body, the correlation id, a query string still served', async () => {
    const auth = `Bearer ${SERVICE_KEY}`;
    const text = await http().post('/internal/serve').set('Authorization', auth).set('Content-Type', 'text/plain').send('placement=BROWSE');
    expect(text.status).toBe(415);
    expect(text.body.code).toBe(11);
    const huge = await http()
      .post('/internal/serve')
      .set('Authorization', auth)
      .send({ placement: 'BROWSE', slots: 1, user: { id: 'u', keywords: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe(10);
    const empty = await http().post('/internal/serve').set('Authorization', auth).set('Content-Type', 'application/json').send('');
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe(1);
    const traced = await http().post('/internal/serve?from=test').set('Authorization', auth).set('X-Request-Id', 'trace-serve-1').send(serveBody()).expect(200);
    expect(traced.headers['x-request-id']).toBe('trace-serve-1');
    expect(traced.headers['content-type']).toMatch(/^application\/json/);
  });

  it('returns the winner at the second price plus 0.01 per thousand impressions, with its pin and tracking URLs signed over what it returned', async () => {
    const high = await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 10_000_000, budget_in_micro_currency: 100_000_000 });
    const low = await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 6_000_000, budget_in_micro_currency: 100_000_000 });
    await sync();
    const body = serveBody({ age_bucket: '25-34', gender: 'female', location: 'US-CA', device: 'iphone', locale: 'en-US' });
    const res = await serve(body).expect(200);
    expect(res.body.ads).toHaveLength(1);
    const [ad] = res.body.ads as ServedAdBody[];
    // CPM 6.00 runner-up: 6,000 micros per impression, + 0.01 per mille = 10 micros.
    expect(ad).toMatchObject({ slot: 0, ad_id: high.adId, ad_group_id: high.adGroupId, campaign_id: high.campaignId, billable_event: 'IMPRESSION', price_micro_currency: 6_010, currency: 'USD' });
    expect(ad!.pin).toEqual({ id: high.pinId, title: 'Linen sofa', description: 'A sofa for slow Sundays', image_url: 'https://cdn.example.com/sofa.jpg', link: 'https://shop.example.com/sofa' });

    for (const [url, kind] of [[ad!.impression_url, 'i'], [ad!.click_url, 'c'], [ad!.engagement_url, 'e']] as const) {
      expect(url.startsWith(`${config.api.publicUrl}/t/${kind}/`)).toBe(true);
      const verified = verifyEvent(url.split('/').pop()!, config.tracking.secret, nowSeconds(), config.tracking.ttlSeconds);
      expect(verified.ok).toBe(true);
      if (!verified.ok) continue;
      expect(verified.event).toMatchObject({
        auctionId: res.body.auction_id,
        slot: 0,
        adId: high.adId,
        adGroupId: high.adGroupId,
        campaignId: high.campaignId,
        adAccountId: user.adAccountId,
        pinId: high.pinId,
        priceMicros: 6_010,
        billableEvent: 'IMPRESSION',
        userKey: (body.user as { id: string }).id,
        placement: 'BROWSE',
        ageBucket: '25-34',
        gender: 'female',
        location: 'US-CA',
        device: 'iphone',
        locale: 'en-US',
      });
    }
    // The charge was reserved before the answer, with a lease of the budget for this process's next impressions…
    const scope = { campaignId: high.campaignId, adGroupId: high.adGroupId, day: accountDay('UTC', Date.now()) };
    const leases = app.get(BudgetLeases);
    expect(leases.held(high.adGroupId)).toBeGreaterThan(0);
    expect((await app.get(BudgetStore).spent(scope)).adGroupDay).toBe(6_010 + leases.held(high.adGroupId));
    // …whose unspent part goes back: what stays reserved is the price served.
    await leases.giveBack(Date.now(), true);
    expect(leases.held(high.adGroupId)).toBe(0);
    expect((await app.get(BudgetStore).spent(scope)).adGroupDay).toBe(6_010);
    // A tampered price breaks the signature.
    const token = ad!.click_url.split('/').pop()!;
    expect(token.startsWith('v2.')).toBe(true);
    // The packed token (signed-event.ts): the price is bytes 7–12 of the payload, big-endian.
    const bytes = Buffer.from(token.slice(3), 'base64url');
    expect(bytes.readUIntBE(7, 6)).toBe(6_010);
    bytes.writeUIntBE(1, 7, 6);
    expect(verifyEvent(`v2.${bytes.toString('base64url')}`, config.tracking.secret, nowSeconds(), config.tracking.ttlSeconds)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });

    const loser = await diagnostics(low.adGroupId);
    // One auction, at a rate far under FULL_LOSS_COUNTS_PER_SECOND: counted exactly.
    expect(loser.days[0]).toMatchObject({ auctions_entered: 1, auctions_won: 0, lost_by_reason: { OUTRANKED: 1 }, loss_counts_sampled: false });
    // It needed a CPM of about 10.01 (the winner's eCPM + the increment), within the 5% histogram step.
    const median = loser.days[0]!.min_bid_to_win_micro_currency.median!;
    expect(median).toBeGreaterThanOrEqual(10_010_000);
    expect(median).toBeLessThanOrEqual(10_010_000 * 1.05);
    expect(loser.suggestion).toContain('outbid');
    // A loss counted from a sample of auctions (weight 4, as a busy process counts them) marks the day as estimated.
    app.get(ExplainCounters).lostOutcome(low.adGroupId, accountDay('UTC', Date.now()), Outcome.OUTRANKED, null, undefined, 4);
    expect((await diagnostics(low.adGroupId)).days[0]).toMatchObject({ auctions_entered: 5, lost_by_reason: { OUTRANKED: 5 }, loss_counts_sampled: true });
  });

  it('prices CPC winners by predicted CTR: equal CTRs pay the runner-up bid + 0.01 per click, and fills several slots in rank order', async () => {
    const first = await world({ bid_in_micro_currency: 1_000_000 });
    const second = await world({ bid_in_micro_currency: 500_000 });
    const third = await world({ bid_in_micro_currency: 300_000 });
    await sync();
    const res = await serve(serveBody({}, 'BROWSE', 2)).expect(200);
    const ads = res.body.ads as ServedAdBody[];
    expect(ads.map((a) => [a.slot, a.ad_group_id, a.price_micro_currency])).toEqual([
      [0, first.adGroupId, 510_000],
      [1, second.adGroupId, 310_000],
    ]);
    const lost = await diagnostics(third.adGroupId);
    expect(lost.days[0]!.lost_by_reason.OUTRANKED).toBe(1);
    // CPC charges wait for the click: nothing is reserved at serve time.
    const spent = await app.get(BudgetStore).spent({ campaignId: first.campaignId, adGroupId: first.adGroupId, day: accountDay('UTC', Date.now()) });
    expect(spent.adGroupDay).toBe(0);
  });

  it('a lone bidder pays the placement floor', async () => {
    await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 9_000_000, budget_in_micro_currency: 100_000_000 });
    await sync();
    const search = await serve(serveBody({}, 'SEARCH')).expect(200);
    expect(search.body.ads[0].price_micro_currency).toBe(3_000); // CPM 3.00 on SEARCH
    const browse = await serve(serveBody({}, 'BROWSE')).expect(200);
    expect(browse.body.ads[0].price_micro_currency).toBe(2_000); // CPM 2.00 on BROWSE
  });

  it('loses TARGETING when the user is outside the audience (sampled and scaled), and wins inside it', async () => {
    const w = await world({ targeting_spec: { LOCATION: ['FR'], INTEREST_EXCLUDE: ['978331461629'] } });
    await sync();
    const outside = await serveMany(100, () => serveBody({ location: 'US' }));
    expect(outside).toEqual([]);
    const inside = await serveMany(1, () => serveBody({ location: 'FR' }));
    expect(inside.map((a) => a.ad_group_id)).toEqual([w.adGroupId]);
    const d = await diagnostics(w.adGroupId);
    expect(d.days[0]!.auctions_won).toBe(1);
    // 1 in 10 auctions counts targeting, ×10: a multiple of 10, and not zero after 100 auctions.
    expect(d.days[0]!.lost_by_reason.TARGETING % 10).toBe(0);
    expect(d.days[0]!.lost_by_reason.TARGETING).toBeGreaterThan(0);
  });

  it('matches SEARCH keywords by match type, with negatives', async () => {
    const w = await world({ targeting_spec: { KEYWORD: [{ value: 'linen sofa', match_type: 'PHRASE' }, { value: 'cheap', match_type: 'PHRASE_NEGATIVE' }] } });
    await sync();
    const served = async (query: string) => (await serve(serveBody({ keywords: query }, 'SEARCH')).expect(200)).body.ads.length as number;
    expect(await served('grey linen sofa')).toBe(1);
    expect(await served('cheap linen sofa')).toBe(0);
    expect(await served('sofa linen')).toBe(0);
    expect(w.adGroupId).toBeDefined();
  });

  it('never serves paused ad groups, rejected ads or ad groups outside their schedule; they enter no auction', async () => {
    const paused = await world({ status: 'PAUSED' });
    const future = await world({ start_time: nowSeconds() + DAY, end_time: nowSeconds() + 2 * DAY });
    const rejected = await world();
    // An ad whose pin image is not https fails review: the group's only other ad is paused.
    const pin = await http()
      .post('/v5/pins')
      .set('Authorization', user.auth)
      .send({ title: 'Sofa', link: 'https://shop.example.com', media_source: { source_type: 'image_url', url: 'http://cdn.example.com/sofa.jpg' } })
      .expect(201);
    const bad = await http()
      .post(`/v5/ad_accounts/${user.adAccountId}/ads`)
      .set('Authorization', user.auth)
      .send([{ ad_group_id: rejected.adGroupId, pin_id: pin.body.id, creative_type: 'REGULAR' }])
      .expect(200);
    expect(bad.body.items[0].data.review_status).toBe('REJECTED');
    await http().patch(`/v5/ad_accounts/${user.adAccountId}/ads`).set('Authorization', user.auth).send([{ id: rejected.adId, status: 'PAUSED' }]).expect(200);
    await sync();
    expect(await serveMany(5, () => serveBody())).toEqual([]);
    for (const w of [paused, future, rejected]) {
      const d = await diagnostics(w.adGroupId);
      expect(d.days[0]!.auctions_entered).toBe(0);
      expect(d.suggestion).toContain('entered no auctions');
    }
  });

  it('counts the losers of each request in flight from its own auction, not from another request served meanwhile', async () => {
    // US users see all three ad groups, FR users only the last two: concurrent requests run
    // different auctions and all wait on Redis at once before counting their losers.
    const us = await world({ bid_in_micro_currency: 1_000_000, targeting_spec: { LOCATION: ['US'] } });
    const mid = await world({ bid_in_micro_currency: 500_000 });
    const low = await world({ bid_in_micro_currency: 300_000 });
    await sync();
    const bodies = Array.from({ length: 20 }, (_, i) => serveBody({ location: i % 2 === 0 ? 'US' : 'FR' }));
    const answers = await Promise.all(bodies.map((b) => serve(b).expect(200)));
    expect(answers.map((a) => (a.body.ads as ServedAdBody[]).map((ad) => ad.ad_group_id))).toEqual(bodies.map((_, i) => [i % 2 === 0 ? us.adGroupId : mid.adGroupId]));
    expect((await diagnostics(us.adGroupId)).days[0]).toMatchObject({ auctions_won: 10, lost_by_reason: { OUTRANKED: 0 } });
    const midDay = (await diagnostics(mid.adGroupId)).days[0]!;
    expect(midDay).toMatchObject({ auctions_won: 10, lost_by_reason: { OUTRANKED: 10 } });
    // Outranked only by `us`: it needed 1.00 + 0.01 per click (within the 5% histogram step).
    expect(midDay.min_bid_to_win_micro_currency.median).toBeGreaterThanOrEqual(1_010_000);
    expect(midDay.min_bid_to_win_micro_currency.median).toBeLessThanOrEqual(1_010_000 * 1.05);
    expect((await diagnostics(low.adGroupId)).days[0]).toMatchObject({ auctions_won: 0, auctions_entered: 20, lost_by_reason: { OUTRANKED: 20 } });
  });

  it('loses BELOW_FLOOR where the placement floor is above the bid, and says which bid would clear it', async () => {
    // OTHER's CPM floor is 1.50, BROWSE's 2.00: a 1.50 bid is valid for ALL yet too low on BROWSE.
    const w = await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 1_500_000, budget_in_micro_currency: 100_000_000 });
    await sync();
    expect(await serveMany(1, () => serveBody({}, 'BROWSE'))).toEqual([]);
    expect(await serveMany(1, () => serveBody({}, 'OTHER'))).toHaveLength(1);
    const d = await diagnostics(w.adGroupId);
    expect(d.days[0]).toMatchObject({ auctions_entered: 2, auctions_won: 1, lost_by_reason: { BELOW_FLOOR: 1 } });
    expect(d.days[0]!.min_bid_to_win_micro_currency.median).toBeGreaterThanOrEqual(2_000_000);
  });

  it('enforces the daily frequency cap per user: the capped user loses FREQUENCY_CAP, another user still wins', async () => {
    const w = await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 5_000_000, budget_in_micro_currency: 100_000_000, daily_frequency_cap: 2 });
    await sync();
    const userId = `user-${randomUUID()}`;
    const shown = await serveMany(5, () => serveBody({ id: userId }));
    expect(shown).toHaveLength(2);
    expect(await serveMany(1, () => serveBody())).toHaveLength(1);
    const d = await diagnostics(w.adGroupId);
    expect(d.days[0]).toMatchObject({ auctions_won: 3, lost_by_reason: { FREQUENCY_CAP: 3 } });
    // The refused impressions were refunded: only the three shown are reserved.
    const spent = await app.get(BudgetStore).spent({ campaignId: w.campaignId, adGroupId: w.adGroupId, day: accountDay('UTC', Date.now()) });
    expect(spent.adGroupDay).toBe(3 * 2_000);
  });

  it('loses BUDGET once the day is spent, and a runner-up takes the slot instead of leaving it empty', async () => {
    const rich = await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 9_000_000, budget_in_micro_currency: 10_000_000 });
    const backup = await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 3_000_000, budget_in_micro_currency: 100_000_000 });
    await sync();
    const scope = { campaignId: rich.campaignId, adGroupId: rich.adGroupId, day: accountDay('UTC', Date.now()) };
    const limits = { adGroupDaily: 10_000_000, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 };
    // Spend all but less than one impression's price (3,010 micros at the second price).
    expect((await app.get(BudgetStore).reserveImpression(scope, limits, 10_000_000 - 1_000)).ok).toBe(true);
    const ads = await serveMany(3, () => serveBody());
    expect(ads.map((a) => a.ad_group_id)).toEqual([backup.adGroupId, backup.adGroupId, backup.adGroupId]);
    expect((await app.get(BudgetStore).spent(scope)).adGroupDay).toBe(10_000_000 - 1_000);
    const d = await diagnostics(rich.adGroupId);
    expect(d.days[0]!.lost_by_reason.BUDGET).toBe(3);
    expect(d.days[0]!.auctions_won).toBe(0);
    expect(d.suggestion).toContain('budget ran out');
  });

  it('applies the campaign daily spend cap across its ad groups', async () => {
    const w = await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 9_000_000, budget_in_micro_currency: 100_000_000 }, { daily_spend_cap: 5_000_000 });
    await sync();
    const scope = { campaignId: w.campaignId, adGroupId: 'another-ad-group', day: accountDay('UTC', Date.now()) };
    await app.get(BudgetStore).reserveImpression(scope, { adGroupDaily: -1, adGroupLifetime: -1, campaignDaily: 5_000_000, campaignLifetime: -1 }, 5_000_000);
    expect(await serveMany(1, () => serveBody())).toEqual([]);
    expect((await diagnostics(w.adGroupId)).days[0]!.lost_by_reason.BUDGET).toBe(1);
  });

  it('spreads a LIFETIME budget: today may spend what is left divided by the local days to end_time', async () => {
    // 10 units over (about) 5 days: 2 units today, i.e. 200 impressions at the CPM floor of 10.
    const end = nowSeconds() + 4 * DAY + 3600;
    const w = await world({ billable_event: 'IMPRESSION', budget_type: 'LIFETIME', budget_in_micro_currency: 10_000_000, bid_in_micro_currency: 10_000_000, end_time: end });
    await sync();
    const limits = app.get(PacingService).limits(app.get(ServingIndex).allGroups().find((g) => g.adGroupId === w.adGroupId)!, accountDay('UTC', Date.now()), Date.now());
    const days = Math.round((Date.parse(accountDay('UTC', end * 1000)) - Date.parse(accountDay('UTC', Date.now()))) / 86_400_000) + 1;
    expect(limits).toEqual({ adGroupDaily: Math.ceil(10_000_000 / days), adGroupLifetime: 10_000_000, campaignDaily: -1, campaignLifetime: -1 });
  });

  it('STANDARD pacing throttles from the start of the day and the loop moves each throttle from spend', async () => {
    const spender = await world({ pacing_delivery_type: 'STANDARD', billable_event: 'IMPRESSION', bid_in_micro_currency: 5_000_000, budget_in_micro_currency: 100_000_000 });
    const idle = await world({ pacing_delivery_type: 'STANDARD', billable_event: 'IMPRESSION', bid_in_micro_currency: 5_000_000, budget_in_micro_currency: 100_000_000 });
    await sync();
    const pacing = app.get(PacingService);
    const group = (id: string) => app.get(ServingIndex).allGroups().find((g) => g.adGroupId === id)!;
    const day = accountDay('UTC', Date.now());
    // A fresh day starts at the initial throttle (0.1): most auctions are sat out with PACING.
    const served = await serveMany(30, () => serveBody());
    expect(served.length).toBeLessThan(30);
    expect((await diagnostics(spender.adGroupId)).days[0]!.lost_by_reason.PACING).toBeGreaterThan(0);

    const t0 = Date.now();
    await pacing.update(t0);
    expect(pacing.throttle(group(spender.adGroupId), day)).toBeCloseTo(0.1);
    // In the next minute the spender spends 40% of its day at throttle 0.1: far ahead of a flat curve.
    await app.get(BudgetStore).reserveImpression({ campaignId: spender.campaignId, adGroupId: spender.adGroupId, day }, { adGroupDaily: 100_000_000, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 }, 40_000_000);
    await pacing.update(t0 + 60_000);
    expect(pacing.throttle(group(spender.adGroupId), day)).toBeLessThan(0.01);
    // The idle one won nothing: it opens up.
    expect(pacing.throttle(group(idle.adGroupId), day)).toBeGreaterThan(0.1);
  });

  it('follows management writes by itself (pub/sub after commit): a new account timezone and a paused ad reach the index', async () => {
    const other = await signUp(app);
    const w = await createServingWorld(app, other);
    const indexed = () => app.get(ServingIndex).allGroups().find((g) => g.adGroupId === w.adGroupId);
    expect(await eventually(async () => indexed()?.timezone === 'UTC', 5_000)).toBe(true);
    await http().patch(`/v5/ad_accounts/${other.adAccountId}`).set('Authorization', other.auth).send({ timezone: 'America/New_York' }).expect(200);
    expect(await eventually(async () => indexed()?.timezone === 'America/New_York', 5_000)).toBe(true);
    await http().patch(`/v5/ad_accounts/${other.adAccountId}/ads`).set('Authorization', other.auth).send([{ id: w.adId, status: 'PAUSED' }]).expect(200);
    expect(await eventually(async () => indexed() === undefined, 5_000)).toBe(true);
  });

  it('the periodic resync rebuilds only when the rows the index is built from changed, and always after an account reload', async () => {
    const index = app.get(ServingIndex);
    const w = await world({ bid_in_micro_currency: 2_000_000 });
    const bid = () => index.allGroups().find((g) => g.adGroupId === w.adGroupId)?.bidMicros;
    // Writes made straight in Postgres publish no notification: a lost message, as far as the index can tell.
    const setBid = (micros: number) => app.get(DataSource).query('UPDATE ad_groups SET bid_in_micro_currency = $1 WHERE id = $2', [micros, w.adGroupId]);
    // Settled (notifications of earlier writes may still be arriving): a resync with nothing changed reloads nothing.
    expect(await eventually(async () => !(await index.resync()), 5_000)).toBe(true);
    expect(bid()).toBe(2_000_000);
    await setBid(3_000_000);
    expect(await index.resync()).toBe(true);
    expect(bid()).toBe(3_000_000);
    expect(await eventually(async () => !(await index.resync()), 5_000)).toBe(true);
    // A change the index took from a notification, then a revert whose notification was lost:
    // the rows are as at the last full load again, but the index is not; the resync reloads.
    await setBid(4_000_000);
    await index.reloadAccount(user.adAccountId);
    expect(bid()).toBe(4_000_000);
    await setBid(3_000_000);
    expect(await index.resync()).toBe(true);
    expect(bid()).toBe(3_000_000);
  });

  it('delivery diagnostics refuse bad date ranges (400) and ad groups of other accounts (404)', async () => {
    const w = await world();
    const url = `/v5/ad_accounts/${user.adAccountId}/ad_groups/${w.adGroupId}/delivery_diagnostics`;
    for (const query of [{ start_date: '2026-11-20', end_date: '2026-11-19' }, { start_date: '2026-01-01', end_date: '2026-03-01' }, { start_date: '2026-02-30', end_date: '2026-03-01' }, { start_date: '2026-11-20' }]) {
      const res = await http().get(url).query(query).set('Authorization', user.auth);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.code).toBe(1);
    }
    const stranger = await signUp(app);
    const foreign = await http()
      .get(`/v5/ad_accounts/${stranger.adAccountId}/ad_groups/${w.adGroupId}/delivery_diagnostics`)
      .query({ start_date: '2026-11-20', end_date: '2026-11-21' })
      .set('Authorization', stranger.auth);
    expect(foreign.status).toBe(404);
    const ok = await http().get(url).query({ start_date: '2026-11-20', end_date: '2026-11-22' }).set('Authorization', user.auth).expect(200);
    expect(ok.body.days.map((d: { date: string }) => d.date)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(ok.body).toMatchObject({ ad_group_id: w.adGroupId, billable_event: 'CLICKTHROUGH', current_bid_in_micro_currency: 1_000_000, currency: 'USD', targeting_sample_rate: 10 });
  });

  it('answers 503 {code: 503} when Redis is unreachable, never serving an ad it could not reserve', async () => {
    await world({ billable_event: 'IMPRESSION', bid_in_micro_currency: 5_000_000, budget_in_micro_currency: 100_000_000 });
    const deadRedis = await createTestApp({ DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:1/0' });
    try {
      await deadRedis.get(ServingIndex).reloadAll();
      const res = await request(deadRedis.getHttpServer()).post('/internal/serve').set('Authorization', `Bearer ${SERVICE_KEY}`).send(serveBody());
      expect(res.status).toBe(503);
      expect(res.body.code).toBe(503);
      expect(res.body.message).toContain('budget store');
    } finally {
      await deadRedis.close();
    }
  });
});
