import { randomUUID } from 'node:crypto';
import { type AdEvent, BLANK_AD_EVENT } from '@loupe/contracts';
import { ServiceUnavailableException, loadConfig, testEnv, type LoupeConfig } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher } from '../src/events/event-publisher';
import { RedisDurabilityCheck, redisDurabilityWarnings } from '../src/events/redis-durability';
import { eventsQueue, freePort, queuedEvents, removeQueuedJobs, startRedis } from './support/tracking';

/**
 * Durable acknowledgment (issue 5 §1): EventPublisher against real Redis servers —
 * the shared test Redis, a throwaway one it can pause, and a port nothing listens on.
 */

function event(batch: string, n: number): AdEvent {
  return {
    ...BLANK_AD_EVENT,
    event_id: `i:${batch}:${n}`,
    event_time_ms: Date.now(),
    ad_account_id: '1',
    campaign_id: '1',
    ad_group_id: '1',
    ad_id: '1',
    pin_id: '1',
    auction_id: batch,
    slot: n,
    placement: 'BROWSE',
    user_id: 'u',
    price_micros: 1_000,
  };
}

/** Settles to 'pending' when `promise` has not settled yet. */
const stateOf = (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => 'resolved', () => 'rejected'), new Promise((r) => setImmediate(() => r('pending')))]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EventPublisher: group commit on the shared test Redis', () => {
  const config = loadConfig(testEnv());
  let queue: Queue;
  const publishers: EventPublisher[] = [];
  const ours = new Set<string>();
  const batchId = (name: string) => {
    const id = `${name}-${randomUUID()}`;
    ours.add(id);
    return id;
  };
  const publisher = (options: ConstructorParameters<typeof EventPublisher>[1]) => {
    const p = new EventPublisher(config, options);
    publishers.push(p);
    return p;
  };
  beforeAll(() => {
    queue = eventsQueue(config);
  });
  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.onApplicationShutdown()));
    await removeQueuedJobs(queue, (e) => ours.has(e.auction_id));
    await queue.close();
  });

  it('events published concurrently within the window share one job', async () => {
    const batch = batchId('gc');
    const p = publisher({ windowMs: 50 });
    await Promise.all([0, 1, 2, 3, 4].map((n) => p.publish([event(batch, n)])));
    const stored = await queuedEvents(queue, (e) => e.auction_id === batch);
    expect(stored.map((e) => e.slot).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(stored.map((e) => e.jobId)).size).toBe(1);
  });

  it('events that arrive while a job is being stored gather into the next job, sent as soon as the first is stored (not after the window)', async () => {
    const batch = batchId('behind');
    const p = publisher({ windowMs: 20_000 });
    const first = p.publish([event(batch, 0)]);
    // Later turns, while the first job is on its way to Redis.
    await new Promise((r) => setImmediate(r));
    const behind = [1, 2, 3].map((n) => p.publish([event(batch, n)]));
    const started = Date.now();
    await Promise.all([first, ...behind]);
    expect(Date.now() - started).toBeLessThan(10_000);
    const stored = await queuedEvents(queue, (e) => e.auction_id === batch);
    const sizes = [...stored.reduce((m, e) => m.set(e.jobId, (m.get(e.jobId) ?? 0) + 1), new Map<string, number>()).values()];
    expect(sizes.sort()).toEqual([1, 3]);
  });

  it('a batch is cut at maxEvents: seven single events with maxEvents 3 make jobs of 3, 3 and 1', async () => {
    const batch = batchId('max');
    const p = publisher({ windowMs: 200, maxEvents: 3 });
    await Promise.all([0, 1, 2, 3, 4, 5, 6].map((n) => p.publish([event(batch, n)])));
    const stored = await queuedEvents(queue, (e) => e.auction_id === batch);
    const sizes = [...stored.reduce((m, e) => m.set(e.jobId, (m.get(e.jobId) ?? 0) + 1), new Map<string, number>()).values()];
    expect(sizes.sort()).toEqual([1, 3, 3]);
  });

  it('when publish resolves, the job is already in Redis', async () => {
    const batch = batchId('ack');
    await publisher({ windowMs: 5 }).publish([event(batch, 0), event(batch, 1)]);
    expect(await queuedEvents(queue, (e) => e.auction_id === batch)).toHaveLength(2);
  });
});

describe('EventPublisher: acknowledgment waits for Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let config: LoupeConfig;
  let queue: Queue;
  const publishers: EventPublisher[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    config = loadConfig(testEnv({ REDIS_URL: redis.url }));
    queue = eventsQueue(config);
    await queue.waitUntilReady();
  });
  afterAll(async () => {
    await redis.client.call('CLIENT', 'UNPAUSE');
    await Promise.all(publishers.map((p) => p.onApplicationShutdown()));
    await queue.close();
    await redis.stop();
  });

  it('does not resolve while Redis cannot store the job, and resolves once it has', async () => {
    const p = new EventPublisher(config, { windowMs: 1, timeoutMs: 30_000 });
    publishers.push(p);
    await p.publish([event(`warmup-${randomUUID()}`, 0)]);
    const batch = `paused-${randomUUID()}`;
    await redis.client.call('CLIENT', 'PAUSE', '30000', 'WRITE');
    const published = p.publish([event(batch, 0)]);
    await sleep(300);
    expect(await stateOf(published)).toBe('pending');
    await redis.client.call('CLIENT', 'UNPAUSE');
    await published;
    expect(await queuedEvents(queue, (e) => e.auction_id === batch)).toHaveLength(1);
  });

  it('rejects with ServiceUnavailableException (503) when Redis does not store the job within timeoutMs', async () => {
    const p = new EventPublisher(config, { windowMs: 1, timeoutMs: 200 });
    publishers.push(p);
    await p.publish([event(`warmup-${randomUUID()}`, 0)]);
    await redis.client.call('CLIENT', 'PAUSE', '30000', 'WRITE');
    try {
      await expect(p.publish([event(`late-${randomUUID()}`, 0)])).rejects.toBeInstanceOf(ServiceUnavailableException);
    } finally {
      await redis.client.call('CLIENT', 'UNPAUSE');
    }
  });

  it('rejects every waiter of a batch with ServiceUnavailableException when Redis is unreachable', async () => {
    const dead = loadConfig(testEnv({ REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` }));
    const p = new EventPublisher(dead, { windowMs: 20 });
    publishers.push(p);
    const results = await Promise.allSettled([p.publish([event('dead', 0)]), p.publish([event('dead', 1)])]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ServiceUnavailableException);
    }
  });

  it('warns at boot about a Redis without the append-only file or with an evicting memory policy, and not about a production one', async () => {
    await redis.client.config('SET', 'appendonly', 'no');
    await redis.client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const warnings = await new RedisDurabilityCheck(redis.client).check();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('appendonly no');
    expect(warnings[1]).toContain('maxmemory-policy allkeys-lru');
    await redis.client.config('SET', 'appendonly', 'yes');
    await redis.client.config('SET', 'maxmemory-policy', 'noeviction');
    expect(await new RedisDurabilityCheck(redis.client).check()).toEqual([]);
  });

  it('judges the settings it reads', () => {
    expect(redisDurabilityWarnings({ appendonly: 'yes', maxmemoryPolicy: 'noeviction' })).toEqual([]);
    expect(redisDurabilityWarnings({ appendonly: 'no', maxmemoryPolicy: 'noeviction' })).toHaveLength(1);
    expect(redisDurabilityWarnings({ appendonly: 'yes', maxmemoryPolicy: 'volatile-lru' })).toHaveLength(1);
    // CONFIG refused (managed Redis): nothing known, nothing claimed.
    expect(redisDurabilityWarnings({})).toEqual([]);
  });
});
