import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { AdEvent } from '@loupe/contracts';
import { loadConfig, testEnv } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMarketplace } from '@loupe/simulator';
import { DEMO_SEED, seedDemoMarketplace, type DemoSeedResult } from '../src/cli/demo-seed';
import { clientAddressOf, epikOf, parseLiveArgs, runLiveSimulation, type LiveOptions, type LiveReport } from '../src/cli/simulate';
import { createIsolatedDatabase, eventually, SERVICE_KEY, type IsolatedDatabase } from './support/serving';
import { createTestApp } from './support/test-app';
import { eventsQueue, queuedEvents, removeQueuedJobs } from './support/tracking';

/*
 * Live mode end to end: the real API (on a database of its own, so the demo marketplace
 * is the only advertiser) listening on a random loopback port, the demo marketplace
 * seeded through it, then the simulator driving serve, tracking and conversions over
 * HTTP. What it claims to have done is checked against the BullMQ `events` queue the
 * API acknowledged into (no worker runs here, so the jobs stay there).
 */
describe('live simulation against the running API', () => {
  let db: IsolatedDatabase;
  let app: NestFastifyApplication;
  let queue: Queue;
  let baseUrl = '';
  let seeded: DemoSeedResult;
  let first: LiveReport;
  let twins: [LiveReport, LiveReport];
  let firstEvents: AdEvent[] = [];
  let firstStartedAt = 0;
  // A Sunday evening in New York: the curves are pinned so two runs draw the same requests.
  const modelTime = () => Date.UTC(2026, 10, 30, 1);
  const emailDomain = `live-${randomUUID().slice(0, 8)}.test.loupe.dev`;
  const userIds = new Set<string>();
  // The boosted run's events: its people, from its start on (the twin runs drained before it began).
  const ours = (e: AdEvent) => e.event_time_ms >= firstStartedAt && userIds.has(e.user_id);

  const options = (overrides: Partial<LiveOptions> = {}): LiveOptions => ({
    baseUrl,
    serviceKey: SERVICE_KEY,
    rate: 10,
    durationSeconds: 5,
    seed: 4242,
    populationSize: 2_000,
    logins: seeded.logins.filter((l) => l.role !== 'FINANCE').map((l) => ({ email: l.email, password: l.password })),
    // Rare events made common so a few seconds show clicks and conversions; delays compressed to ≤ 1.5 s.
    boost: 200,
    conversionDelayScale: 1 / 3_600,
    maxConversionDelayMs: 1_500,
    summaryEverySeconds: 0,
    modelTime,
    log: () => undefined,
    trace: true,
    ...overrides,
  });

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    app = await createTestApp({ DATABASE_URL: db.url });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    queue = eventsQueue(loadConfig(testEnv()));
    seeded = await seedDemoMarketplace({ baseUrl, emailDomain });
    // The serving index reloads changed accounts within milliseconds; wait until the demo serves.
    const serving = await eventually(async () => {
      const res = await fetch(`${baseUrl}/internal/serve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SERVICE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ placement: 'BROWSE', slots: 3, user: { id: 'f'.repeat(64), location: 'US' } }),
      });
      return res.status === 200 && ((await res.json()) as { ads: unknown[] }).ads.length > 0;
    }, 10_000);
    if (!serving) throw new Error('the demo marketplace never served');
    // Two plain runs of one seed first, while every budget is intact (the boosted run spends).
    twins = [await runLiveSimulation(options({ boost: 1, durationSeconds: 4 })), await runLiveSimulation(options({ boost: 1, durationSeconds: 4 }))];
    for (const run of twins) for (const entry of run.trace) userIds.add(entry.body.user.id);
    // On a whole second: queued events carry their time in whole seconds (the rows of lean jobs).
    firstStartedAt = Math.ceil(Date.now() / 1000) * 1000;
    await new Promise((r) => setTimeout(r, firstStartedAt - Date.now() + 1));
    first = await runLiveSimulation(options());
    for (const entry of first.trace) userIds.add(entry.body.user.id);
    firstEvents = await queuedEvents(queue, ours);
  }, 240_000);

  afterAll(async () => {
    await removeQueuedJobs(queue, (e) => userIds.has(e.user_id) || e.user_id === 'f'.repeat(64));
    await queue?.close();
    await app?.close();
    await db?.drop();
  });

  it('serves, fires impression beacons, clicks, engages and converts — every call accepted', () => {
    const c = first.counts;
    expect(c.requests).toBeGreaterThan(10);
    expect(c.adsServed).toBeGreaterThan(0);
    expect(c.impressions).toBe(c.adsServed);
    expect(c.clicks).toBeGreaterThan(0);
    expect(c.engagements).toBeGreaterThan(0);
    expect(c.conversionsSent).toBeGreaterThan(0);
    expect(c.conversionsSkipped).toBe(0);
    expect(c.dropped).toBe(0);
    expect(c.errors).toEqual({});
    const demo = demoMarketplace(DEMO_SEED);
    expect(first.catalogAdGroups).toBe([demo.smb, demo.agency].flatMap((a) => a.accounts.flatMap((acc) => acc.campaigns.flatMap((camp) => camp.adGroups))).length);
  });

  it('what it counted is what the API acknowledged into the events queue, and none of it is flagged as invalid traffic', () => {
    const byType = (type: AdEvent['event_type']) => firstEvents.filter((e) => e.event_type === type);
    expect(byType('IMPRESSION')).toHaveLength(first.counts.impressions);
    expect(byType('CLICK')).toHaveLength(first.counts.clicks);
    expect(byType('ENGAGEMENT')).toHaveLength(first.counts.engagements);
    expect(byType('CONVERSION')).toHaveLength(first.counts.conversionsSent);
    expect(firstEvents.filter((e) => e.ivt)).toEqual([]);
    // Click conversions carry the click's epik; every conversion names the person by their hashed key.
    const clickIds = new Set(byType('CLICK').map((e) => e.event_id));
    const withClick = byType('CONVERSION').filter((e) => e.click_id);
    expect(withClick.length).toBeGreaterThan(0);
    for (const conversion of withClick) expect(clickIds.has(conversion.click_id!)).toBe(true);
    for (const conversion of byType('CONVERSION')) expect(conversion.value_micros).toBeGreaterThan(0);
  });

  it('spreads people over loopback addresses and keeps each person on one', () => {
    expect(clientAddressOf(3, 1_000)).toBe(clientAddressOf(1_003, 1_000));
    expect(clientAddressOf(3, 1_000)).not.toBe(clientAddressOf(4, 1_000));
    expect(clientAddressOf(999, 1_000)).toBe('127.88.3.250');
    expect(epikOf('https://shop.example/x?utm_content=a&epik=c%3Aa1%3A0')).toBe('c:a1:0');
  });

  it('with the same seed sends the same serve requests and reacts to the same ads identically; another seed asks otherwise', async () => {
    const [one, second] = twins;
    // By request index: a request dropped for concurrency would leave a gap, not shift the rest.
    const byIndex = new Map(one.trace.map((e) => [e.index, e]));
    const pairs = second.trace.flatMap((e) => (byIndex.has(e.index) ? [[byIndex.get(e.index)!, e] as const] : []));
    expect(pairs.length).toBeGreaterThan(10);
    expect(pairs.map(([, b]) => b.body)).toEqual(pairs.map(([a]) => a.body));
    let compared = 0;
    for (const [a, b] of pairs) {
      for (const ad of b.ads) {
        const same = a.ads.find((x) => x.slot === ad.slot && x.adGroupId === ad.adGroupId);
        if (!same || !same.plan || !ad.plan) continue;
        expect(ad.plan).toEqual(same.plan);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);

    const other = await runLiveSimulation(options({ durationSeconds: 1, seed: 4243, boost: 1 }));
    for (const entry of other.trace) userIds.add(entry.body.user.id);
    expect(other.trace.map((e) => e.body)).not.toEqual(first.trace.slice(0, other.trace.length).map((e) => e.body));
  });

  it('a forever run stops when aborted, printing progress and a final summary', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    setTimeout(() => controller.abort(), 2_500);
    const run = await runLiveSimulation(options({ durationSeconds: 0, boost: 1, summaryEverySeconds: 1, signal: controller.signal, log: (l) => lines.push(l), trace: false }));
    for (const line of lines) expect(line).not.toMatch(/undefined|NaN/);
    expect(run.counts.requests).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('simulate progress'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^simulate done \d+s: requests \d+ \(dropped 0\), ads served \d+, impressions \d+, clicks \d+, engagements \d+, conversions sent \d+ \(skipped 0\), errors: none$/);
  });

  it('refuses a target that is not loopback and reads its options from the command line', async () => {
    await expect(runLiveSimulation({ ...options(), baseUrl: 'http://example.com' })).rejects.toThrow(/loopback/);
    const parsed = parseLiveArgs(['--base-url', 'http://127.0.0.1:9', '--rate=2', '--duration', '0', '--seed', '9', '--login', 'a@b.dev:pw:x'], 'k'.repeat(20));
    expect(parsed).toMatchObject({ baseUrl: 'http://127.0.0.1:9', rate: 2, durationSeconds: 0, seed: 9, serviceKey: 'k'.repeat(20), logins: [{ email: 'a@b.dev', password: 'pw:x' }] });
    expect(parsed.countries).toBeUndefined();
    const market = parseLiveArgs(['--country', 'de, at', '--model-time', '2026-12-05T19:00:00Z'], 'k'.repeat(20));
    expect(market.countries).toEqual(['DE', 'AT']);
    expect(market.modelTime?.()).toBe(Date.parse('2026-12-05T19:00:00Z'));
    expect(() => parseLiveArgs(['--model-time', 'tonight'], 'k'.repeat(20))).toThrow(/--model-time must be an ISO instant/);
  });
});
