import { randomUUID } from 'node:crypto';
import { createRedis, loadConfig, pingRedis, testEnv } from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURST_LIMITS, BurstDetector } from '../src/tracking/ivt';

describe('BurstDetector (real Redis): fixed windows per client IP', () => {
  let redis: Redis;
  const prefix = `loupe-test-burst-${randomUUID()}`;
  beforeAll(async () => {
    redis = createRedis(loadConfig(testEnv()), 'burst-test');
    await pingRedis(redis, 5_000);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it(`lets ${BURST_LIMITS.perSecond} events of one IP through in one second and flags the next as BURST`, async () => {
    const detector = new BurstDetector(redis, BURST_LIMITS, prefix);
    const at = Date.UTC(2026, 10, 27, 12, 0, 0);
    const verdicts = [];
    for (let i = 0; i <= BURST_LIMITS.perSecond; i++) verdicts.push(await detector.record('198.51.100.1', at + i));
    expect(verdicts.slice(0, -1).every((v) => v === null)).toBe(true);
    expect(verdicts.at(-1)).toBe('BURST');
    // Another IP, and the same IP in the next second, start from zero.
    expect(await detector.record('198.51.100.2', at)).toBeNull();
    expect(await detector.record('198.51.100.1', at + 1_000)).toBeNull();
  });

  it('flags the event after the per-minute limit even when no single second is over its own', async () => {
    const detector = new BurstDetector(redis, { perSecond: 5, perMinute: 12 }, prefix);
    const at = Date.UTC(2026, 10, 27, 13, 0, 0);
    const verdicts = [];
    // 13 events spread over 13 seconds of the same minute: one per second.
    for (let i = 0; i < 13; i++) verdicts.push(await detector.record('198.51.100.3', at + i * 1_000));
    expect(verdicts.filter((v) => v === 'BURST')).toHaveLength(1);
    expect(verdicts.at(-1)).toBe('BURST');
    // The next minute starts over.
    expect(await detector.record('198.51.100.3', at + 60_000)).toBeNull();
  });
});
