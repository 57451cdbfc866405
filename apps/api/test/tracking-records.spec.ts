import { randomUUID } from 'node:crypto';
import { CommandBatch, createRedis, loadConfig, pingRedis, testEnv } from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BURST_LIMITS, BurstDetector } from '../src/tracking/ivt';
import { TrackingRecords, type ClaimRequest } from '../src/tracking/tracking-records';

describe('TrackingRecords (real Redis): burst counts, claims and acknowledged marks of one turn in one script call', () => {
  let redis: Redis;
  const prefix = `loupe-test-records-${randomUUID()}`;
  const burstPrefix = `${prefix}:burst`;
  beforeAll(async () => {
    redis = createRedis(loadConfig(testEnv()), 'tracking-records-test');
    await pingRedis(redis, 5_000);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const records = (limits = BURST_LIMITS, batch = new CommandBatch(redis)) => new TrackingRecords(redis, batch, 60, limits, burstPrefix);
  const claim = (key: string, over: Partial<ClaimRequest> = {}): ClaimRequest => ({
    ip: '198.51.100.4',
    key: `${prefix}:rec:${key}`,
    uaReason: null,
    timeMs: 1_764_244_800_123,
    priceMicros: 2_500,
    ...over,
  });

  it('claims a key for the first request only, writing its record, and hands later ones the first record unchanged', async () => {
    const r = records();
    expect(await r.claim(claim('a'))).toEqual({ reason: null, previous: null });
    // TrackingService's encoding: time|reason|price|acked.
    expect(await redis.get(`${prefix}:rec:a`)).toBe('1764244800123||2500|');
    const ttl = await redis.ttl(`${prefix}:rec:a`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    // A replay (another IP, a bot even) gets the first record and does not overwrite it.
    const replay = await r.claim(claim('a', { ip: '198.51.100.5', uaReason: 'KNOWN_BOT', timeMs: 1_764_244_900_000 }));
    expect(replay).toEqual({ reason: 'KNOWN_BOT', previous: '1764244800123||2500|' });
    expect(await redis.get(`${prefix}:rec:a`)).toBe('1764244800123||2500|');
  });

  it('records the user agent reason before BURST, prices any flagged event 0, and counts the same windows as BurstDetector', async () => {
    const r = records({ perSecond: 2, perMinute: 100 });
    const at = Date.UTC(2026, 10, 27, 15, 0, 0);
    const ip = '198.51.100.6';
    expect((await r.claim(claim('b1', { ip, timeMs: at, uaReason: 'NO_USER_AGENT' }))).reason).toBe('NO_USER_AGENT');
    expect(await redis.get(`${prefix}:rec:b1`)).toBe(`${at}|NO_USER_AGENT|0|`);
    expect((await r.claim(claim('b2', { ip, timeMs: at }))).reason).toBeNull();
    // Third event of the second (limit 2): BURST, unless the user agent already flags it.
    expect((await r.claim(claim('b3', { ip, timeMs: at }))).reason).toBe('BURST');
    expect(await redis.get(`${prefix}:rec:b3`)).toBe(`${at}|BURST|0|`);
    expect((await r.claim(claim('b4', { ip, timeMs: at, uaReason: 'KNOWN_BOT' }))).reason).toBe('KNOWN_BOT');
    const detector = new BurstDetector(redis, { perSecond: 2, perMinute: 100 }, burstPrefix);
    expect(await detector.record(ip, at)).toBe('BURST');
    expect(await detector.record(ip, at + 1_000)).toBeNull();
  });

  it('sends the claims and marks of one turn as one command in one pipeline, each claim getting its own answer in order', async () => {
    const batch = new CommandBatch(redis);
    const r = records({ perSecond: 3, perMinute: 100 }, batch);
    const pipelines = vi.spyOn(redis, 'pipeline');
    const at = Date.UTC(2026, 10, 27, 16, 0, 0);
    await redis.set(`${prefix}:rec:c0`, `${at}||2500|`, 'EX', 60);
    const ip = '198.51.100.7';
    const outcomes = await Promise.all([
      r.claim(claim('c0', { ip, timeMs: at })),
      r.markAcked(`${prefix}:rec:c0`, `${at}||2500|a`),
      ...[1, 2, 3, 4].map((n) => r.claim(claim(`c${n}`, { ip, timeMs: at }))),
      r.claim(claim('c1', { ip: '198.51.100.8', timeMs: at })),
    ]);
    expect(pipelines).toHaveBeenCalledTimes(1);
    pipelines.mockRestore();
    expect(outcomes).toEqual([
      // Its claim ran before the mark, in the order they were queued.
      { reason: null, previous: `${at}||2500|` },
      undefined,
      { reason: null, previous: null },
      { reason: null, previous: null },
      // One IP's events of one call count one after another: the fourth of the second is over the limit of 3.
      { reason: 'BURST', previous: null },
      { reason: 'BURST', previous: null },
      { reason: null, previous: `${at}||2500|` },
    ]);
    expect(await redis.get(`${prefix}:rec:c0`)).toBe(`${at}||2500|a`);
    expect(await redis.get(`${prefix}:rec:c4`)).toBe(`${at}|BURST|0|`);
  });

  it('an acknowledged mark keeps the record TTL and never brings back a record that expired', async () => {
    const r = records();
    await redis.set(`${prefix}:rec:d`, '1||0|', 'EX', 50);
    await r.markAcked(`${prefix}:rec:d`, '1||0|a');
    expect(await redis.get(`${prefix}:rec:d`)).toBe('1||0|a');
    expect(await redis.ttl(`${prefix}:rec:d`)).toBeGreaterThan(0);
    await r.markAcked(`${prefix}:rec:gone`, '1||0|a');
    expect(await redis.exists(`${prefix}:rec:gone`)).toBe(0);
  });

  it('rejects every claim of the call when Redis fails it', async () => {
    const batch = new CommandBatch(redis);
    const r = records(BURST_LIMITS, batch);
    const failing = vi.spyOn(batch, 'call').mockRejectedValueOnce(new Error('connection lost'));
    const results = await Promise.allSettled([r.claim(claim('e1')), r.claim(claim('e2'))]);
    failing.mockRestore();
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect(await redis.exists(`${prefix}:rec:e1`)).toBe(0);
  });
});
