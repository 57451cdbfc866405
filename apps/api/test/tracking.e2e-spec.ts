import { ErrorCode, errorBodySchema, type AdEvent } from '@loupe/contracts';
import { LOUPE_CONFIG, REDIS, ServiceUnavailableException, type LoupeConfig } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventPublisher } from '../src/events/event-publisher';
import { BudgetStore, accountDay, type SpendScope } from '../src/serving/budget-store';
import { TRANSPARENT_GIF } from '../src/tracking/tracking.controller';
import { BURST_LIMITS, BurstDetector, MIN_HUMAN_CLICK_DELAY_MS } from '../src/tracking/ivt';
import { MAX_RECORDED_DUPLICATE_CLICKS } from '../src/tracking/tracking.service';
import { signEvent, type SignedEvent } from '../src/tracking/signed-event';
import { createAdGroup, createCampaign } from './support/campaigns';
import { samplePin } from './support/route-fixtures';
import { signUp, useTestApp, type TestUser } from './support/test-app';
import { BROWSER_UA, eventsQueue, freshLoopbackIp, hit, queuedEvents, removeQueuedJobs, signedEvent } from './support/tracking';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tracking endpoints: signed impression, click and engagement URLs', () => {
  const api = useTestApp();
  let config: LoupeConfig;
  let redis: Redis;
  let queue: Queue;
  let budgets: BudgetStore;
  let owner: TestUser;
  /** A CPC ad group (budget 50 units/day, bid 1 unit) with an ad whose destination is set, and one relying on its pin's link. */
  const ids = { campaign: '', cpmCampaign: '', cpcGroup: '', cpmGroup: '', adWithUrl: '', adWithPinLink: '', pin: '' };

  const token = (fields: Partial<SignedEvent> = {}) => {
    const event = signedEvent({
      adAccountId: owner.adAccountId,
      campaignId: fields.adGroupId === ids.cpmGroup ? ids.cpmCampaign : ids.campaign,
      adGroupId: ids.cpcGroup,
      adId: ids.adWithUrl,
      pinId: ids.pin,
      billableEvent: 'CLICKTHROUGH',
      priceMicros: 400_000,
      ...fields,
    });
    return { event, token: signEvent(event, config.tracking.secret) };
  };
  const eventsOf = (auctionId: string) => queuedEvents(queue, (e) => e.auction_id === auctionId);
  const scopeOf = (event: SignedEvent, atMs = Date.now()): SpendScope => ({ campaignId: event.campaignId, adGroupId: event.adGroupId, day: accountDay('UTC', atMs) });

  beforeAll(async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    config = api.app.get<LoupeConfig>(LOUPE_CONFIG);
    redis = api.app.get<Redis>(REDIS);
    queue = eventsQueue(config);
    budgets = new BudgetStore(redis);
    owner = await signUp(api.app);
    ids.campaign = (await createCampaign(api.app, owner)).id;
    ids.cpcGroup = (await createAdGroup(api.app, owner, ids.campaign)).id;
    ids.cpmCampaign = (await createCampaign(api.app, owner, { objective_type: 'AWARENESS' })).id;
    ids.cpmGroup = (await createAdGroup(api.app, owner, ids.cpmCampaign, { billable_event: 'IMPRESSION', bid_in_micro_currency: 5_000_000 })).id;
    const pin = await request(api.app.getHttpServer()).post(`/v5/pins?ad_account_id=${owner.adAccountId}`).set('Authorization', owner.auth).send(samplePin()).expect(201);
    ids.pin = (pin.body as { id: string }).id;
    const ads = await request(api.app.getHttpServer())
      .post(`/v5/ad_accounts/${owner.adAccountId}/ads`)
      .set('Authorization', owner.auth)
      .send([
        { ad_group_id: ids.cpcGroup, pin_id: ids.pin, creative_type: 'REGULAR', status: 'ACTIVE', destination_url: 'https://shop.example.com/lamp?utm_source=pinterest#top' },
        { ad_group_id: ids.cpcGroup, pin_id: ids.pin, creative_type: 'REGULAR', status: 'ACTIVE' },
      ])
      .expect(200);
    [ids.adWithUrl, ids.adWithPinLink] = (ads.body as { items: { data: { id: string } }[] }).items.map((i) => i.data.id) as [string, string];
  }, 60_000);
  afterAll(async () => {
    await removeQueuedJobs(queue, (e) => e.ad_account_id === owner.adAccountId);
    await queue.close();
  });

  describe('impressions', () => {
    it('answers a 1×1 transparent GIF that is never cached, and queues one IMPRESSION priced from the token with its context', async () => {
      const { event, token: t } = token({ billableEvent: 'IMPRESSION', adGroupId: ids.cpmGroup, priceMicros: 7_250, slot: 2 });
      const res = await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp() });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/gif');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.equals(TRANSPARENT_GIF)).toBe(true);
      const [queued, ...more] = await eventsOf(event.auctionId);
      expect(more).toEqual([]);
      expect(queued).toMatchObject({
        event_id: `i:${event.auctionId}:2`,
        event_type: 'IMPRESSION',
        price_micros: 7_250,
        ivt: false,
        ivt_reason: '',
        ad_account_id: owner.adAccountId,
        campaign_id: ids.cpmCampaign,
        ad_group_id: ids.cpmGroup,
        ad_id: ids.adWithUrl,
        pin_id: ids.pin,
        slot: 2,
        user_id: event.userKey,
        placement: 'BROWSE',
        age_bucket: '25-34',
        gender: 'female',
        location: 'US',
        device: 'ANDROID_MOBILE',
        locale: 'en-US',
        interest: 'home decor',
      } satisfies Partial<AdEvent>);
    });

    it('counts one impression per (auction, slot): replays answer the GIF and queue nothing more', async () => {
      const { event, token: t } = token({ billableEvent: 'IMPRESSION' });
      const ip = freshLoopbackIp();
      for (let i = 0; i < 3; i++) expect((await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: BROWSER_UA, ip })).status).toBe(200);
      expect(await eventsOf(event.auctionId)).toHaveLength(1);
      const other = signEvent({ ...event, slot: 1 }, config.tracking.secret);
      await hit(api.app, 'GET', `/t/i/${other}`, { userAgent: BROWSER_UA, ip });
      expect((await eventsOf(event.auctionId)).map((e) => e.event_id).sort()).toEqual([`i:${event.auctionId}:0`, `i:${event.auctionId}:1`]);
    });

    it('an IMPRESSION-billed ad flagged as a bot is kept with its reason, priced 0, and its serve-time reservation refunded', async () => {
      const { event, token: t } = token({ billableEvent: 'IMPRESSION', adGroupId: ids.cpmGroup, priceMicros: 9_000 });
      const scope = scopeOf(event, event.issuedAt * 1000);
      const before = (await budgets.spent(scope)).adGroupDay;
      // What serving did when it returned the ad.
      await budgets.reserveImpression(scope, { adGroupDaily: -1, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 }, 9_000);
      expect((await budgets.spent(scope)).adGroupDay).toBe(before + 9_000);
      const res = await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', ip: freshLoopbackIp() });
      expect(res.status).toBe(200);
      expect(await eventsOf(event.auctionId)).toMatchObject([{ ivt: true, ivt_reason: 'KNOWN_BOT', price_micros: 0 }]);
      expect((await budgets.spent(scope)).adGroupDay).toBe(before);
      // A replay does not refund twice.
      await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: 'Googlebot/2.1', ip: freshLoopbackIp() });
      expect((await budgets.spent(scope)).adGroupDay).toBe(before);
    });

    it('refunds an invalid impression whose first request failed at the refund when it is retried, and only once', async () => {
      const { event, token: t } = token({ billableEvent: 'IMPRESSION', adGroupId: ids.cpmGroup, priceMicros: 6_000 });
      const scope = scopeOf(event, event.issuedAt * 1000);
      const before = (await budgets.spent(scope)).adGroupDay;
      await budgets.reserveImpression(scope, { adGroupDaily: -1, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 }, 6_000);
      const bot = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)';
      // The first request's refund never reaches Redis (its claim did): 503, nothing queued, nothing refunded.
      const refund = vi.spyOn(BudgetStore.prototype, 'refund').mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
      try {
        expect((await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: bot, ip: freshLoopbackIp() })).status).toBe(503);
      } finally {
        refund.mockRestore();
      }
      expect(await eventsOf(event.auctionId)).toEqual([]);
      expect((await budgets.spent(scope)).adGroupDay).toBe(before + 6_000);
      // The client retries the same URL: refunded now, the event queued once.
      expect((await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: bot, ip: freshLoopbackIp() })).status).toBe(200);
      expect((await budgets.spent(scope)).adGroupDay).toBe(before);
      expect(await eventsOf(event.auctionId)).toMatchObject([{ ivt: true, ivt_reason: 'KNOWN_BOT', price_micros: 0 }]);
      // Concurrent and later replays never refund again.
      await Promise.all([0, 1, 2].map(() => hit(api.app, 'GET', `/t/i/${t}`, { userAgent: bot, ip: freshLoopbackIp() })));
      expect((await budgets.spent(scope)).adGroupDay).toBe(before);
      expect(await eventsOf(event.auctionId)).toHaveLength(1);
    });

    it('flags a request without a user agent as NO_USER_AGENT', async () => {
      const { event, token: t } = token({ billableEvent: 'IMPRESSION', adGroupId: ids.cpmGroup });
      expect((await hit(api.app, 'GET', `/t/i/${t}`, { ip: freshLoopbackIp() })).status).toBe(200);
      expect(await eventsOf(event.auctionId)).toMatchObject([{ ivt: true, ivt_reason: 'NO_USER_AGENT', price_micros: 0 }]);
    });

    it(`flags bursts from one IP (more than ${BURST_LIMITS.perMinute} events a minute) as BURST, and leaves other IPs alone`, async () => {
      const ip = freshLoopbackIp();
      const detector = new BurstDetector(redis);
      const now = Date.now();
      // Fill this minute's and the next minute's window so the request lands in a full one whenever it arrives.
      await Promise.all(Array.from({ length: BURST_LIMITS.perMinute }, (_, i) => [detector.record(ip, now + (i % 60)), detector.record(ip, now + 60_000)]).flat());
      const burst = token({ billableEvent: 'IMPRESSION', adGroupId: ids.cpmGroup });
      await hit(api.app, 'GET', `/t/i/${burst.token}`, { userAgent: BROWSER_UA, ip });
      expect(await eventsOf(burst.event.auctionId)).toMatchObject([{ ivt: true, ivt_reason: 'BURST', price_micros: 0 }]);
      const calm = token({ billableEvent: 'IMPRESSION', adGroupId: ids.cpmGroup });
      await hit(api.app, 'GET', `/t/i/${calm.token}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp() });
      expect(await eventsOf(calm.event.auctionId)).toMatchObject([{ ivt: false, ivt_reason: '' }]);
    });
  });

  describe('tokens', () => {
    it.each([
      ['a price signed with another key', (_t: string, e: SignedEvent) => signEvent({ ...e, priceMicros: 1 }, 'not-the-secret-at-all!')],
      ['a tampered body', (t: string) => { const [v, b, m] = t.split('.'); return `${v}.${b!.slice(0, -2)}AA.${m}`; }],
      ['a truncated token', (t: string) => t.slice(0, 20)],
      ['garbage', () => 'hello'],
    ])('refuses %s with 400 {code, message} on every endpoint, charging and queueing nothing', async (_name, mangle) => {
      const { event, token: t } = token();
      const bad = encodeURIComponent(mangle(t, event));
      const scope = scopeOf(event);
      const before = await budgets.spent(scope);
      const ip = freshLoopbackIp();
      for (const [method, path, body] of [['GET', `/t/i/${bad}`], ['GET', `/t/c/${bad}`], ['POST', `/t/e/${bad}`, { type: 'SAVE' }]] as const) {
        const res = await hit(api.app, method, path, { userAgent: BROWSER_UA, ip, body });
        expect(res.status, path).toBe(400);
        expect(errorBodySchema.parse(res.json())).toMatchObject({ code: ErrorCode.InvalidParameters, message: 'Invalid tracking URL.' });
      }
      expect(await eventsOf(event.auctionId)).toEqual([]);
      expect(await budgets.spent(scope)).toEqual(before);
    });

    it('refuses an expired URL with 400 "expired", charging and queueing nothing', async () => {
      const { event, token: t } = token({ issuedAt: Math.floor(Date.now() / 1000) - config.tracking.ttlSeconds - 5 });
      const ip = freshLoopbackIp();
      for (const [method, path, body] of [['GET', `/t/i/${t}`], ['GET', `/t/c/${t}`], ['POST', `/t/e/${t}`, { type: 'SAVE' }]] as const) {
        const res = await hit(api.app, method, path, { userAgent: BROWSER_UA, ip, body });
        expect(res.status, path).toBe(400);
        expect(res.json()).toEqual({ code: ErrorCode.InvalidParameters, message: 'This tracking URL has expired.' });
      }
      expect(await eventsOf(event.auctionId)).toEqual([]);
    });
  });

  describe('clicks', () => {
    /** Impression first, then a click after a human's delay. */
    async function humanClick(fields: Partial<SignedEvent> = {}, ip = freshLoopbackIp()) {
      const t = token(fields);
      await hit(api.app, 'GET', `/t/i/${t.token}`, { userAgent: BROWSER_UA, ip });
      await sleep(MIN_HUMAN_CLICK_DELAY_MS + 50);
      const res = await hit(api.app, 'GET', `/t/c/${t.token}`, { userAgent: BROWSER_UA, ip });
      return { ...t, res, ip };
    }

    it("redirects (302) to the ad's destination with epik=<click event id>, charges the CPC price once and queues a billed CLICK", async () => {
      const { event, res } = await humanClick({ priceMicros: 450_000 });
      expect(res.status).toBe(302);
      expect(res.headers['cache-control']).toBe('no-store');
      const location = new URL(res.headers.location!);
      expect(`${location.origin}${location.pathname}`).toBe('https://shop.example.com/lamp');
      expect(location.searchParams.get('utm_source')).toBe('pinterest');
      expect(location.searchParams.get('epik')).toBe(`c:${event.auctionId}:0`);
      expect(location.hash).toBe('#top');
      const clicks = (await eventsOf(event.auctionId)).filter((e) => e.event_type === 'CLICK');
      expect(clicks).toMatchObject([{ event_id: `c:${event.auctionId}:0`, price_micros: 450_000, ivt: false, ad_group_id: ids.cpcGroup }]);
    });

    it('charges the budget once: a replayed click still redirects but is recorded as DUPLICATE_CLICK, unbilled, and spend does not move', async () => {
      const { event, token: t, res, ip } = await humanClick({ priceMicros: 300_000 });
      const scope = scopeOf(event);
      const spent = (await budgets.spent(scope)).adGroupDay;
      const replay = await hit(api.app, 'GET', `/t/c/${t}`, { userAgent: BROWSER_UA, ip });
      expect(replay.status).toBe(302);
      expect(replay.headers.location).toBe(res.headers.location);
      expect((await budgets.spent(scope)).adGroupDay).toBe(spent);
      const clicks = (await eventsOf(event.auctionId)).filter((e) => e.event_type === 'CLICK').sort((a, b) => a.event_id.localeCompare(b.event_id));
      expect(clicks).toMatchObject([
        { event_id: `c:${event.auctionId}:0`, price_micros: 300_000, ivt: false },
        { event_id: `c:${event.auctionId}:0:dup1`, price_micros: 0, ivt: true, ivt_reason: 'DUPLICATE_CLICK' },
      ]);
    });

    it(`records at most ${MAX_RECORDED_DUPLICATE_CLICKS} duplicates of one click, then only redirects`, async () => {
      const { event, token: t, ip } = await humanClick();
      for (let i = 0; i < MAX_RECORDED_DUPLICATE_CLICKS + 3; i++) expect((await hit(api.app, 'GET', `/t/c/${t}`, { userAgent: BROWSER_UA, ip })).status).toBe(302);
      const clicks = (await eventsOf(event.auctionId)).filter((e) => e.event_type === 'CLICK');
      expect(clicks.filter((c) => c.ivt_reason === 'DUPLICATE_CLICK')).toHaveLength(MAX_RECORDED_DUPLICATE_CLICKS);
      expect(clicks.filter((c) => c.price_micros > 0)).toHaveLength(1);
    });

    it('flags a click without an impression (CLICK_WITHOUT_IMPRESSION) and one faster than a human (CLICK_TOO_FAST): redirected, never charged', async () => {
      const lonely = token({ priceMicros: 500_000 });
      const scope = scopeOf(lonely.event);
      const before = (await budgets.spent(scope)).adGroupDay;
      const res = await hit(api.app, 'GET', `/t/c/${lonely.token}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp() });
      expect(res.status).toBe(302);
      expect(await eventsOf(lonely.event.auctionId)).toMatchObject([{ event_type: 'CLICK', ivt: true, ivt_reason: 'CLICK_WITHOUT_IMPRESSION', price_micros: 0 }]);

      const fast = token({ priceMicros: 500_000 });
      const ip = freshLoopbackIp();
      await hit(api.app, 'GET', `/t/i/${fast.token}`, { userAgent: BROWSER_UA, ip });
      expect((await hit(api.app, 'GET', `/t/c/${fast.token}`, { userAgent: BROWSER_UA, ip })).status).toBe(302);
      const clicks = (await eventsOf(fast.event.auctionId)).filter((e) => e.event_type === 'CLICK');
      expect(clicks).toMatchObject([{ ivt: true, ivt_reason: 'CLICK_TOO_FAST', price_micros: 0 }]);
      expect((await budgets.spent(scope)).adGroupDay).toBe(before);
    });

    it('flags a bot click (KNOWN_BOT) and never charges it', async () => {
      const t = token({ priceMicros: 500_000 });
      const before = (await budgets.spent(scopeOf(t.event))).adGroupDay;
      const res = await hit(api.app, 'GET', `/t/c/${t.token}`, { userAgent: 'python-requests/2.32.3', ip: freshLoopbackIp() });
      expect(res.status).toBe(302);
      expect(await eventsOf(t.event.auctionId)).toMatchObject([{ event_type: 'CLICK', ivt: true, ivt_reason: 'KNOWN_BOT', price_micros: 0 }]);
      expect((await budgets.spent(scopeOf(t.event))).adGroupDay).toBe(before);
    });

    it('falls back to the pin link when the ad has no destination_url', async () => {
      const { event, res } = await humanClick({ adId: ids.adWithPinLink });
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(`https://example.com/lamp?epik=${encodeURIComponent(`c:${event.auctionId}:0`)}`);
    });

    it('a click on an IMPRESSION-billed ad is recorded but not charged', async () => {
      const { event, res } = await humanClick({ billableEvent: 'IMPRESSION', adGroupId: ids.cpmGroup, priceMicros: 5_000 });
      expect(res.status).toBe(302);
      const clicks = (await eventsOf(event.auctionId)).filter((e) => e.event_type === 'CLICK');
      expect(clicks).toMatchObject([{ ivt: false, price_micros: 0 }]);
    });

    it('once the budget (plus one max bid) is spent, a click is still recorded and redirected, billed 0 and not flagged', async () => {
      const campaign = (await createCampaign(api.app, owner)).id;
      const group = (await createAdGroup(api.app, owner, campaign, { budget_in_micro_currency: 2_000_000, bid_in_micro_currency: 1_000_000 })).id;
      const fields = { campaignId: campaign, adGroupId: group, priceMicros: 1_000_000 };
      const billed: number[] = [];
      for (let i = 0; i < 4; i++) {
        const { event, res } = await humanClick(fields);
        expect(res.status).toBe(302);
        const [click] = (await eventsOf(event.auctionId)).filter((e) => e.event_type === 'CLICK');
        expect(click).toMatchObject({ ivt: false, ivt_reason: '' });
        billed.push(click!.price_micros);
      }
      // Budget 2 units + one max bid (1 unit): three clicks charged, the fourth recorded unbilled.
      expect(billed).toEqual([1_000_000, 1_000_000, 1_000_000, 0]);
      expect((await budgets.spent({ campaignId: campaign, adGroupId: group, day: accountDay('UTC', Date.now()) })).adGroupDay).toBe(3_000_000);
    });
  });

  describe('HEAD requests and retries', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('HEAD (link checkers, prefetchers) answers like GET but records and charges nothing', async () => {
      const t = token({ priceMicros: 500_000 });
      const before = (await budgets.spent(scopeOf(t.event))).adGroupDay;
      const ip = freshLoopbackIp();
      expect((await hit(api.app, 'HEAD', `/t/i/${t.token}`, { userAgent: BROWSER_UA, ip })).status).toBe(200);
      const click = await hit(api.app, 'HEAD', `/t/c/${t.token}`, { userAgent: BROWSER_UA, ip });
      expect(click.status).toBe(302);
      expect(new URL(click.headers.location!).searchParams.get('epik')).toBe(`c:${t.event.auctionId}:0`);
      expect(await eventsOf(t.event.auctionId)).toEqual([]);
      expect((await budgets.spent(scopeOf(t.event))).adGroupDay).toBe(before);
      expect((await hit(api.app, 'HEAD', `/t/i/garbage`, { userAgent: BROWSER_UA, ip })).status).toBe(400);
    });

    it('a retry after a 503 records the impression the first request could not store, once', async () => {
      // Failure injection: the first publish fails as it does when Redis does not store the job in time.
      vi.spyOn(api.app.get(EventPublisher), 'publish').mockRejectedValueOnce(new ServiceUnavailableException('The event could not be stored right now; retry.'));
      const { event, token: t } = token({ billableEvent: 'IMPRESSION', adGroupId: ids.cpmGroup });
      const ip = freshLoopbackIp();
      expect((await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: BROWSER_UA, ip })).status).toBe(503);
      expect(await eventsOf(event.auctionId)).toEqual([]);
      expect((await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: BROWSER_UA, ip })).status).toBe(200);
      expect((await hit(api.app, 'GET', `/t/i/${t}`, { userAgent: BROWSER_UA, ip })).status).toBe(200);
      expect(await eventsOf(event.auctionId)).toMatchObject([{ event_id: `i:${event.auctionId}:0`, ivt: false }]);
    });

    it('a retry after a 503 on a click records the charged click without charging it again', async () => {
      const t = token({ priceMicros: 250_000 });
      const ip = freshLoopbackIp();
      await hit(api.app, 'GET', `/t/i/${t.token}`, { userAgent: BROWSER_UA, ip });
      await sleep(MIN_HUMAN_CLICK_DELAY_MS + 50);
      const before = (await budgets.spent(scopeOf(t.event))).adGroupDay;
      vi.spyOn(api.app.get(EventPublisher), 'publish').mockRejectedValueOnce(new ServiceUnavailableException('The event could not be stored right now; retry.'));
      expect((await hit(api.app, 'GET', `/t/c/${t.token}`, { userAgent: BROWSER_UA, ip })).status).toBe(503);
      expect((await hit(api.app, 'GET', `/t/c/${t.token}`, { userAgent: BROWSER_UA, ip })).status).toBe(302);
      expect((await budgets.spent(scopeOf(t.event))).adGroupDay).toBe(before + 250_000);
      const clicks = (await eventsOf(t.event.auctionId)).filter((e) => e.event_type === 'CLICK');
      expect(clicks).toMatchObject([{ event_id: `c:${t.event.auctionId}:0`, price_micros: 250_000, ivt: false }]);
    });
  });

  describe('engagements', () => {
    it('answers 204 and queues one unbilled ENGAGEMENT per (auction, slot, type)', async () => {
      const { event, token: t } = token();
      const ip = freshLoopbackIp();
      for (const type of ['SAVE', 'SAVE', 'CLOSEUP', 'OUTBOUND_CLICK', 'SHARE', 'SHARE']) {
        const res = await hit(api.app, 'POST', `/t/e/${t}`, { userAgent: BROWSER_UA, ip, body: { type } });
        expect(res.status).toBe(204);
        expect(res.body.length).toBe(0);
      }
      const engagements = await eventsOf(event.auctionId);
      expect(engagements.map((e) => e.event_id).sort()).toEqual(['CLOSEUP', 'OUTBOUND_CLICK', 'SAVE', 'SHARE'].map((type) => `e:${event.auctionId}:0:${type}`));
      for (const e of engagements) expect(e).toMatchObject({ event_type: 'ENGAGEMENT', engagement_type: e.event_id.split(':').pop(), price_micros: 0, ivt: false });
    });

    it('refuses an unknown engagement type with 400 {code, message}', async () => {
      const { event, token: t } = token();
      const res = await hit(api.app, 'POST', `/t/e/${t}`, { userAgent: BROWSER_UA, ip: freshLoopbackIp(), body: { type: 'LIKE' } });
      expect(res.status).toBe(400);
      expect(errorBodySchema.safeParse(res.json()).success).toBe(true);
      expect(await eventsOf(event.auctionId)).toEqual([]);
    });

    it('flags engagements from bots as KNOWN_BOT', async () => {
      const { event, token: t } = token();
      await hit(api.app, 'POST', `/t/e/${t}`, { userAgent: 'curl/8.5.0', ip: freshLoopbackIp(), body: { type: 'SAVE' } });
      expect(await eventsOf(event.auctionId)).toMatchObject([{ ivt: true, ivt_reason: 'KNOWN_BOT' }]);
    });
  });
});
