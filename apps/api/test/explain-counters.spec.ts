import { randomUUID } from 'node:crypto';
import { lossReasonOf, Outcome } from '@loupe/auction';
import { createRedis, loadConfig, pingRedis, testEnv } from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bidBucket, DayCounts, EXPLAIN_TTL_SECONDS, ExplainCounters, explainKey, newExplainSlot } from '../src/serving/explain';

describe('explain counts (real Redis): counted in memory, flushed by one script per ad group day', () => {
  let redis: Redis;
  const prefix = `loupe-test-explain-${randomUUID()}`;
  const DAY = '2026-12-06';
  beforeAll(async () => {
    redis = createRedis(loadConfig(testEnv()), 'explain-test');
    await pingRedis(redis, 5_000);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const read = async (p: string, adGroupId: string) => new ExplainCounters(redis, p).read(adGroupId, [DAY]).then(([counts]) => counts);

  it('counts a loser by its auction outcome code exactly as by its reason', async () => {
    const byCode = new ExplainCounters(redis, `${prefix}-code`);
    const byReason = new ExplainCounters(redis, `${prefix}-reason`);
    const slotA = newExplainSlot();
    const slotB = newExplainSlot();
    const losses = [Outcome.TARGETING, Outcome.BUDGET, Outcome.PACING, Outcome.FREQUENCY_CAP, Outcome.BELOW_FLOOR, Outcome.OUTRANKED, Outcome.OUTRANKED];
    losses.forEach((code, i) => {
      const minBid = code === Outcome.BELOW_FLOOR || code === Outcome.OUTRANKED ? 1_000 + i * 7_000 : null;
      byCode.lostOutcome('7', DAY, code, minBid, slotA);
      byReason.lost('7', DAY, lossReasonOf(code), minBid, 1, slotB);
    });
    byCode.lostOutcome('7', DAY, Outcome.TARGETING, null, slotA, 10);
    byReason.lost('7', DAY, 'TARGETING', null, 10, slotB);
    await Promise.all([byCode.flush(), byReason.flush()]);
    const written = await read(`${prefix}-code`, '7');
    expect(written).toEqual(await read(`${prefix}-reason`, '7'));
    expect(Object.keys(written!).filter((field) => field.startsWith('lost:'))).toHaveLength(6);
    expect(written).toMatchObject({ entered: 17, 'lost:TARGETING': 11, 'lost:OUTRANKED': 2, 'lost:BELOW_FLOOR': 1 });
  });

  it('adds every field of an ad group day, packed into one argument, to what earlier flushes wrote, and sets the TTL', async () => {
    const explain = new ExplainCounters(redis, prefix);
    const slot = newExplainSlot();
    for (let i = 0; i < 40; i++) explain.lostOutcome('9', DAY, Outcome.OUTRANKED, 10_000 + i * 900, slot);
    explain.won('9', DAY, slot);
    explain.won('9', DAY, slot);
    explain.lost('9', DAY, 'TARGETING', null, 10, slot);
    const expected = new DayCounts();
    expected.entered = 52;
    expected.won = 2;
    expected.lost[0] = 10;
    expected.lost[5] = 40;
    for (let i = 0; i < 40; i++) expected.addMinBid(bidBucket(10_000 + i * 900), 1);
    // One argument, `field=n,…`: every field of the day, zeros left out.
    expect(expected.packed().split(',').length).toBe(expected.fields().length);
    expect(expected.packed()).toMatch(/^entered=52,won=2,lost:TARGETING=10,lost:OUTRANKED=40,mb:\d+=\d+/);
    await explain.flush();
    const once = await read(prefix, '9');
    expect(once).toEqual(Object.fromEntries(expected.fields()));
    const ttl = await redis.ttl(explainKey(prefix, '9', DAY));
    expect(ttl).toBeGreaterThan(EXPLAIN_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(EXPLAIN_TTL_SECONDS);
    // A second flush adds to the hash; with nothing counted since, a flush writes nothing.
    explain.won('9', DAY, slot);
    await explain.flush();
    await explain.flush();
    expect(await read(prefix, '9')).toEqual({ ...once, entered: once!.entered! + 1, won: 3 });
  });

  it('marks the losses counted from a sample of auctions (not TARGETING\'s fixed sample) in a `sampled` field', async () => {
    const p = `${prefix}-sampled`;
    const explain = new ExplainCounters(redis, p);
    const slot = newExplainSlot();
    explain.lostOutcome('9', DAY, Outcome.TARGETING, null, slot, 10);
    explain.lostOutcome('9', DAY, Outcome.OUTRANKED, 2_000_000, slot, 1);
    await explain.flush();
    expect(await read(p, '9')).not.toHaveProperty('sampled');
    explain.lostOutcome('9', DAY, Outcome.OUTRANKED, 2_000_000, slot, 4);
    explain.lostOutcome('9', DAY, Outcome.PACING, null, slot, 4);
    await explain.flush();
    const counts = await read(p, '9');
    expect(counts).toMatchObject({ entered: 19, 'lost:TARGETING': 10, 'lost:OUTRANKED': 5, 'lost:PACING': 4, sampled: 8 });
    // The minimum bid's histogram weighs a sampled loss as it is counted.
    expect(counts![`mb:${bidBucket(2_000_000)}`]).toBe(5);
  });

  it('flushes every ad group day once, in slices, and keeps the counts of a failed script for the next flush', async () => {
    const p = `${prefix}-slices`;
    const explain = new ExplainCounters(redis, p);
    // A string where the hash should be: HINCRBY fails, and the script with it (nothing of that day is added).
    await redis.set(explainKey(p, '13', DAY), 'not a hash');
    for (let g = 0; g < 120; g++) {
      explain.won(String(g), DAY, newExplainSlot());
      explain.lost(String(g), DAY, 'OUTRANKED', 5_000, 1, newExplainSlot());
    }
    await expect(explain.flush()).rejects.toThrow(/WRONGTYPE/);
    const written = await Promise.all(Array.from({ length: 120 }, (_, g) => (g === 13 ? null : read(p, String(g)))));
    expect(written.filter((c) => c?.won === 1 && c.entered === 2 && c['lost:OUTRANKED'] === 1)).toHaveLength(119);
    await redis.del(explainKey(p, '13', DAY));
    await explain.flush();
    expect(await read(p, '13')).toMatchObject({ entered: 2, won: 1, 'lost:OUTRANKED': 1 });
    // The others were not written twice.
    expect(await read(p, '12')).toMatchObject({ entered: 2, won: 1 });
  });

  it('spreads a periodic flush\'s writes over the time it is given, and still writes every ad group day', async () => {
    const p = `${prefix}-spread`;
    const explain = new ExplainCounters(redis, p);
    // 60 ad group days: pipelines of 25, 25 and 10, spaced 1 s apart over 2 s.
    for (let g = 0; g < 60; g++) explain.won(String(g), DAY, newExplainSlot());
    const written = async () => (await redis.keys(`${p}:explain:*`)).length;
    const flushed = explain.flush(2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await written()).toBe(25);
    await flushed;
    expect(await written()).toBe(60);
    expect(await read(p, '59')).toEqual({ entered: 1, won: 1 });
  });
});
