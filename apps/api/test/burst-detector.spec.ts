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

  describe('recordAndClaim: the burst count and the replay claim in one command', () => {
    const claim = (key: string, over: Partial<{ uaReason: 'KNOWN_BOT' | 'NO_USER_AGENT' | null; timeMs: number; priceMicros: number }> = {}) => ({
      key: `${prefix}:rec:${key}`,
      uaReason: null,
      timeMs: 1_764_244_800_123,
      priceMicros: 2_500,
      ttlSeconds: 60,
      ...over,
    });

    it('claims a key for the first request only, writing its record, and hands later ones the first record unchanged', async () => {
      const detector = new BurstDetector(redis, BURST_LIMITS, prefix);
      const at = Date.UTC(2026, 10, 27, 14, 0, 0);
      const first = await detector.recordAndClaim('198.51.100.4', at, claim('a'));
      expect(first).toEqual({ reason: null, previous: null });
      // TrackingService's encoding: time|reason|price|acked.
      expect(await redis.get(`${prefix}:rec:a`)).toBe('1764244800123||2500|');
      const ttl = await redis.ttl(`${prefix}:rec:a`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
      // A replay (another IP, a bot even) gets the first record and does not overwrite it.
      const replay = await detector.recordAndClaim('198.51.100.5', at + 5, claim('a', { uaReason: 'KNOWN_BOT', timeMs: 1_764_244_900_000 }));
      expect(replay).toEqual({ reason: 'KNOWN_BOT', previous: '1764244800123||2500|' });
      expect(await redis.get(`${prefix}:rec:a`)).toBe('1764244800123||2500|');
    });

    it('records the user agent reason before BURST, and prices any flagged event 0', async () => {
      const detector = new BurstDetector(redis, { perSecond: 2, perMinute: 100 }, prefix);
      const at = Date.UTC(2026, 10, 27, 15, 0, 0);
      const ip = '198.51.100.6';
      expect((await detector.recordAndClaim(ip, at, claim('b1', { uaReason: 'NO_USER_AGENT' }))).reason).toBe('NO_USER_AGENT');
      expect(await redis.get(`${prefix}:rec:b1`)).toBe('1764244800123|NO_USER_AGENT|0|');
      expect((await detector.recordAndClaim(ip, at, claim('b2'))).reason).toBeNull();
      // Third event of the second (limit 2): BURST, unless the user agent already flags it.
      expect((await detector.recordAndClaim(ip, at, claim('b3'))).reason).toBe('BURST');
      expect(await redis.get(`${prefix}:rec:b3`)).toBe('1764244800123|BURST|0|');
      expect((await detector.recordAndClaim(ip, at, claim('b4', { uaReason: 'KNOWN_BOT' }))).reason).toBe('KNOWN_BOT');
      // The counts are shared with record(): one window per IP, whichever way it is counted.
      expect(await detector.record(ip, at)).toBe('BURST');
      expect(await detector.record(ip, at + 1_000)).toBeNull();
    });
  });
});
