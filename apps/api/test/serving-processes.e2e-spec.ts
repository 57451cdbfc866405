import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, testEnv } from '@loupe/server-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountDay, BudgetStore } from '../src/serving/budget-store';
import { verifyEvent } from '../src/tracking/signed-event';
import { nowSeconds, objectsOf } from './support/campaigns';
import {
  createIsolatedDatabase,
  createServingWorld,
  eventually,
  SERVICE_KEY,
  startApiProcess,
  type ApiProcess,
  type IsolatedDatabase,
  type ServedAdBody,
} from './support/serving';
import { createTestApp, signUp, type TestUser } from './support/test-app';

const config = loadConfig(testEnv());

/**
 * Several real API processes on one database and one Redis: the in-process test app
 * plus two spawned `node apps/api/src/main.ts` processes on random loopback ports. Each
 * test's ad groups target a country of their own, so tests never compete.
 */
describe('ad serving across API processes', () => {
  let db: IsolatedDatabase;
  let app: NestFastifyApplication;
  let others: ApiProcess[] = [];
  let user: TestUser;
  let urls: string[] = [];

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    const started = await Promise.all([
      createTestApp({ DATABASE_URL: db.url }),
      startApiProcess({ DATABASE_URL: db.url }),
      startApiProcess({ DATABASE_URL: db.url }),
    ]);
    app = started[0];
    others = [started[1], started[2]];
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.getHttpServer().address() as { port: number };
    urls = [`http://127.0.0.1:${address.port}`, ...others.map((o) => o.url)];
    user = await signUp(app);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(others.map((o) => o.stop()));
    await app?.close();
    await db?.drop();
  });

  async function serveAt(url: string, body: Record<string, unknown>): Promise<ServedAdBody[]> {
    const res = await fetch(`${url}/internal/serve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_KEY}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`serve answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { ads: ServedAdBody[] }).ads;
  }
  const request = (location: string, userId = `user-${randomUUID()}`) => ({ placement: 'BROWSE', slots: 1, user: { id: userId, location } });

  /** Waits (setup only, generously) until every process serves `adGroupId` — the creation's notification arrived. */
  async function untilEveryProcessServes(adGroupId: string, location: string, probes: ServedAdBody[]): Promise<void> {
    for (const url of urls) {
      const ok = await eventually(async () => {
        const ads = await serveAt(url, request(location));
        probes.push(...ads);
        return ads.some((a) => a.ad_group_id === adGroupId);
      }, 10_000);
      expect(ok, `${url} never served ad group ${adGroupId}`).toBe(true);
    }
  }

  /**
   * Hammers every process concurrently (`concurrency` requests in flight per process)
   * until `quietRounds` answers in a row came back without `adGroupId` or `maxRequests` were sent.
   * `onServed` runs on each answer before that worker's next request (a user clicking).
   */
  async function hammer(
    body: () => Record<string, unknown>,
    options: { adGroupId: string; concurrency: number; maxRequests: number; quietRounds: number; onServed?: (ads: ServedAdBody[]) => Promise<void> },
  ): Promise<{ served: ServedAdBody[]; sent: number }> {
    const served: ServedAdBody[] = [];
    let sent = 0;
    let emptyInARow = 0;
    const worker = async (url: string) => {
      while (sent < options.maxRequests && emptyInARow < options.quietRounds) {
        sent++;
        const ads = await serveAt(url, body());
        served.push(...ads);
        emptyInARow = ads.some((a) => a.ad_group_id === options.adGroupId) ? 0 : emptyInARow + 1;
        if (options.onServed) await options.onServed(ads);
      }
    };
    await Promise.all(urls.flatMap((url) => Array.from({ length: options.concurrency }, () => worker(url))));
    return { served, sent };
  }

  it('reflects a bid change and a pause made through the management API in every process within one second', async () => {
    const top = await createServingWorld(app, user, { billable_event: 'IMPRESSION', bid_in_micro_currency: 10_000_000, budget_in_micro_currency: 500_000_000, targeting_spec: { LOCATION: ['FR'] } });
    const runnerUp = await createServingWorld(app, user, { billable_event: 'IMPRESSION', bid_in_micro_currency: 4_000_000, budget_in_micro_currency: 500_000_000, targeting_spec: { LOCATION: ['FR'] } });
    const probes: ServedAdBody[] = [];
    await untilEveryProcessServes(top.adGroupId, 'FR', probes);
    for (const url of urls) {
      expect(await eventually(async () => (await serveAt(url, request('FR')))[0]?.price_micro_currency === 4_010, 10_000)).toBe(true);
    }

    // A bid change of the runner-up moves the winner's second price on the other processes.
    await objectsOf(app, user, 'ad_groups').update([{ id: runnerUp.adGroupId, bid_in_micro_currency: 6_000_000 }]).expect(200);
    for (const url of urls.slice(1)) {
      expect(await eventually(async () => (await serveAt(url, request('FR')))[0]?.price_micro_currency === 6_010, 1_000)).toBe(true);
    }

    // Pausing the winner hands the slot to the runner-up everywhere.
    await objectsOf(app, user, 'ad_groups').update([{ id: top.adGroupId, status: 'PAUSED' }]).expect(200);
    for (const url of urls.slice(1)) {
      expect(await eventually(async () => (await serveAt(url, request('FR')))[0]?.ad_group_id === runnerUp.adGroupId, 1_000)).toBe(true);
    }
    await objectsOf(app, user, 'ad_groups').update([{ id: runnerUp.adGroupId, status: 'PAUSED' }]).expect(200);
  });

  it('never reserves more than the daily budget of a CPM ad group hammered by three processes at once', { timeout: 90_000 }, async () => {
    // Budget 2.50, a CPM bid of 2.50 with a 2.49 CPM competitor: 1,000 impressions at 2,500 micros.
    const budget = 2_500_000;
    const w = await createServingWorld(app, user, { billable_event: 'IMPRESSION', bid_in_micro_currency: 2_500_000, budget_in_micro_currency: budget, targeting_spec: { LOCATION: ['GB'] } });
    const rival = await createServingWorld(app, user, { billable_event: 'IMPRESSION', bid_in_micro_currency: 2_490_000, budget_in_micro_currency: 500_000_000, targeting_spec: { LOCATION: ['GB'] } });
    const probes: ServedAdBody[] = [];
    await untilEveryProcessServes(w.adGroupId, 'GB', probes);
    const run = await hammer(() => request('GB'), { adGroupId: w.adGroupId, concurrency: 8, maxRequests: 3_000, quietRounds: 60 });
    const served = [...probes, ...run.served];
    const ours = served.filter((a) => a.ad_group_id === w.adGroupId);
    const reserved = ours.reduce((sum, a) => sum + a.price_micro_currency, 0);
    const scope = { campaignId: w.campaignId, adGroupId: w.adGroupId, day: accountDay('UTC', Date.now()) };
    expect(reserved).toBeLessThanOrEqual(budget);
    // Whatever the processes still hold of their budget leases goes back once idle: then the counter is what was served.
    expect(await eventually(async () => (await app.get(BudgetStore).spent(scope)).adGroupDay === reserved, 10_000)).toBe(true);
    // It did spend its day (less than one more impression is left), then the rival took over.
    expect(budget - reserved).toBeLessThan(2_500);
    expect(run.sent).toBeLessThan(3_000);
    expect(run.served.slice(-50).every((a) => a.ad_group_id === rival.adGroupId)).toBe(true);
    await objectsOf(app, user, 'ad_groups').update([{ id: w.adGroupId, status: 'PAUSED' }, { id: rival.adGroupId, status: 'PAUSED' }]).expect(200);
  });

  it('serves a CPM ad group with ample budget from budget leases in three processes, and gives back every unspent micro once idle', { timeout: 90_000 }, async () => {
    const w = await createServingWorld(app, user, { billable_event: 'IMPRESSION', bid_in_micro_currency: 2_500_000, budget_in_micro_currency: 500_000_000, targeting_spec: { LOCATION: ['NL'] } });
    const rival = await createServingWorld(app, user, { billable_event: 'IMPRESSION', bid_in_micro_currency: 2_000_000, budget_in_micro_currency: 500_000_000, targeting_spec: { LOCATION: ['NL'] } });
    const probes: ServedAdBody[] = [];
    await untilEveryProcessServes(w.adGroupId, 'NL', probes);
    const run = await hammer(() => request('NL'), { adGroupId: w.adGroupId, concurrency: 8, maxRequests: 900, quietRounds: 1_000 });
    const ours = [...probes, ...run.served].filter((a) => a.ad_group_id === w.adGroupId);
    const served = ours.reduce((sum, a) => sum + a.price_micro_currency, 0);
    expect(ours.length).toBeGreaterThanOrEqual(900);
    const scope = { campaignId: w.campaignId, adGroupId: w.adGroupId, day: accountDay('UTC', Date.now()) };
    // While the processes hold leases the counter is above what was served (most impressions never went to Redis)…
    expect((await app.get(BudgetStore).spent(scope)).adGroupDay).toBeGreaterThan(served);
    // …and once they are idle every unspent micro is back: the counter is exactly what was served.
    expect(await eventually(async () => (await app.get(BudgetStore).spent(scope)).adGroupDay === served, 10_000)).toBe(true);
    await objectsOf(app, user, 'ad_groups').update([{ id: w.adGroupId, status: 'PAUSED' }, { id: rival.adGroupId, status: 'PAUSED' }]).expect(200);
  });

  it('keeps a CPC ad group within its budget plus one maximum bid when every ad served by three processes is clicked', { timeout: 60_000 }, async () => {
    const budget = 1_000_000;
    const bid = 400_000;
    const w = await createServingWorld(app, user, { bid_in_micro_currency: bid, budget_in_micro_currency: budget, targeting_spec: { LOCATION: ['AU'] } });
    const probes: ServedAdBody[] = [];
    await untilEveryProcessServes(w.adGroupId, 'AU', probes);
    const store = app.get(BudgetStore);
    const scope = { campaignId: w.campaignId, adGroupId: w.adGroupId, day: accountDay('UTC', Date.now()) };
    const limits = { adGroupDaily: budget, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 };
    // Clicks arrive while serving goes on: every served ad is clicked, charged at its signed price.
    let charged = 0;
    const click = async (ad: ServedAdBody) => {
      const verified = verifyEvent(ad.click_url.split('/').pop()!, config.tracking.secret, nowSeconds(), config.tracking.ttlSeconds);
      if (!verified.ok) throw new Error(`bad click URL: ${verified.reason}`);
      const outcome = await store.chargeClick(scope, limits, verified.event.priceMicros, bid);
      if (outcome.ok) charged += verified.event.priceMicros;
    };
    await Promise.all(probes.filter((a) => a.ad_group_id === w.adGroupId).map(click));
    const run = await hammer(() => request('AU'), {
      adGroupId: w.adGroupId,
      concurrency: 8,
      maxRequests: 3_000,
      quietRounds: 60,
      onServed: async (ads) => {
        for (const ad of ads) await click(ad);
      },
    });
    // Serving stopped by itself once less than one maximum bid was left…
    expect(run.sent).toBeLessThan(3_000);
    // …and the clicks of ads already out were charged only up to budget + one maximum bid.
    expect(charged).toBeGreaterThan(budget - bid);
    expect(charged).toBeLessThanOrEqual(budget + bid);
    expect((await store.spent(scope)).adGroupDay).toBe(charged);
    await objectsOf(app, user, 'ad_groups').update([{ id: w.adGroupId, status: 'PAUSED' }]).expect(200);
  });

  it('holds frequency caps exactly: no user sees the ad group more often than its daily cap, whichever process serves', async () => {
    const cap = 3;
    const w = await createServingWorld(app, user, { billable_event: 'IMPRESSION', bid_in_micro_currency: 5_000_000, budget_in_micro_currency: 500_000_000, daily_frequency_cap: cap, targeting_spec: { LOCATION: ['DE'] } });
    const probes: ServedAdBody[] = [];
    await untilEveryProcessServes(w.adGroupId, 'DE', probes);
    const users = Array.from({ length: 6 }, () => `user-${randomUUID()}`);
    let next = 0;
    const { served } = await hammer(() => request('DE', users[next++ % users.length]), { adGroupId: w.adGroupId, concurrency: 6, maxRequests: 6 * 15, quietRounds: 1_000 });
    const perUser = new Map<string, number>();
    for (const ad of served) {
      const event = verifyEvent(ad.impression_url.split('/').pop()!, config.tracking.secret, nowSeconds(), config.tracking.ttlSeconds);
      if (!event.ok) throw new Error('bad impression URL');
      perUser.set(event.event.userKey, (perUser.get(event.event.userKey) ?? 0) + 1);
    }
    expect([...perUser.keys()].sort()).toEqual([...users].sort());
    for (const u of users) expect(perUser.get(u)).toBe(cap);
    await objectsOf(app, user, 'ad_groups').update([{ id: w.adGroupId, status: 'PAUSED' }]).expect(200);
  });
});
