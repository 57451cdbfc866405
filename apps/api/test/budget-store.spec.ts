import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CommandBatch, createRedis, loadConfig, pingRedis, testEnv } from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BudgetLeases, LEASE_IDLE_MS, VIEW_TTL_MS } from '../src/serving/budget-leases';
import { BudgetStore, type SpendLimits, type SpendScope, type WinnerCommit } from '../src/serving/budget-store';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const config = loadConfig(testEnv());
const NO_LIMITS: SpendLimits = { adGroupDaily: -1, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 };

describe('BudgetStore (real Redis)', () => {
  let redis: Redis;
  let store: BudgetStore;
  const prefix = `loupe-test-${randomUUID()}`;
  const scope = (): SpendScope => ({ campaignId: randomUUID(), adGroupId: '1', day: '2026-11-22' });

  beforeAll(async () => {
    redis = createRedis(config, 'budget-test');
    await pingRedis(redis, 5_000);
    store = new BudgetStore(redis, prefix);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('reserves impression charges until the daily budget would be passed, then refuses naming the limit', async () => {
    const s = scope();
    const limits = { ...NO_LIMITS, adGroupDaily: 10_000 };
    expect(await store.reserveImpression(s, limits, 6_000)).toEqual({ ok: true });
    expect(await store.reserveImpression(s, limits, 5_000)).toEqual({ ok: false, limit: 'adGroupDaily' });
    expect(await store.reserveImpression(s, limits, 4_000)).toEqual({ ok: true });
    expect((await store.spent(s)).adGroupDay).toBe(10_000);
  });

  it('applies campaign caps over all of its ad groups', async () => {
    const a = scope();
    const b = { ...a, adGroupId: '2' };
    const limits = { ...NO_LIMITS, campaignDaily: 15_000 };
    expect(await store.reserveImpression(a, limits, 10_000)).toEqual({ ok: true });
    expect(await store.reserveImpression(b, limits, 10_000)).toEqual({ ok: false, limit: 'campaignDaily' });
    expect(await store.reserveImpression(b, limits, 5_000)).toEqual({ ok: true });
  });

  it('keeps days apart: a new local day starts from zero but lifetime keeps counting', async () => {
    const today = scope();
    const tomorrow = { ...today, day: '2026-11-23' };
    const limits = { ...NO_LIMITS, adGroupDaily: 10_000, adGroupLifetime: 15_000 };
    await store.reserveImpression(today, limits, 10_000);
    expect(await store.reserveImpression(tomorrow, limits, 6_000)).toEqual({ ok: false, limit: 'adGroupLifetime' });
    expect(await store.reserveImpression(tomorrow, limits, 5_000)).toEqual({ ok: true });
  });

  it('refunds a reserved charge that will not be billed, never below zero', async () => {
    const s = scope();
    const limits = { ...NO_LIMITS, adGroupDaily: 10_000 };
    await store.reserveImpression(s, limits, 7_000);
    await store.refund(s, 3_000);
    expect(await store.spent(s)).toEqual({ adGroupDay: 4_000, adGroupLifetime: 4_000, campaignDay: 4_000, campaignLifetime: 4_000 });
    await store.refund(s, 9_000);
    expect((await store.spent(s)).adGroupDay).toBe(0);
    expect(await store.reserveImpression(s, limits, 10_000)).toEqual({ ok: true });
  });

  it('refunds a charge given an id at most once, however often (or concurrently) it is asked', async () => {
    const s = scope();
    await store.reserveImpression(s, { ...NO_LIMITS, adGroupDaily: 100_000 }, 9_000);
    const once = { id: `imp:${s.adGroupId}:0`, ttlSeconds: 60 };
    await Promise.all([store.refund(s, 4_000, once), store.refund(s, 4_000, once), store.refund(s, 4_000, once)]);
    expect(await store.spent(s)).toEqual({ adGroupDay: 5_000, adGroupLifetime: 5_000, campaignDay: 5_000, campaignLifetime: 5_000 });
    await store.refund(s, 4_000, once);
    expect((await store.spent(s)).adGroupDay).toBe(5_000);
    // Another charge's id is its own.
    await store.refund(s, 4_000, { ...once, id: `imp:${s.adGroupId}:1` });
    expect((await store.spent(s)).adGroupDay).toBe(1_000);
  });

  it('serves a CPC ad only while one maximum-bid click still fits', async () => {
    const s = scope();
    const limits = { ...NO_LIMITS, adGroupDaily: 1_000_000 };
    expect(await store.hasRoomForClick(s, limits, 400_000)).toEqual({ ok: true });
    await store.chargeClick(s, limits, 700_000, 400_000);
    expect(await store.hasRoomForClick(s, limits, 400_000)).toEqual({ ok: false, limit: 'adGroupDaily' });
  });

  it('enforces frequency caps exactly: lifetime and daily', async () => {
    const s = scope();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.admitFrequency(s, 'user-1', { lifetime: 5, daily: null })));
    expect(results.filter(Boolean)).toHaveLength(5);
    const daily = await Promise.all(Array.from({ length: 10 }, () => store.admitFrequency(s, 'user-2', { lifetime: null, daily: 3 })));
    expect(daily.filter(Boolean)).toHaveLength(3);
    expect(await store.admitFrequency({ ...s, day: '2026-11-23' }, 'user-2', { lifetime: null, daily: 3 })).toBe(true);
  });

  describe('commitWinners (all of a request\'s winners in one script)', () => {
    const winner = (s: SpendScope, over: Partial<WinnerCommit> = {}): WinnerCommit => ({
      scope: s,
      limits: NO_LIMITS,
      billableEvent: 'IMPRESSION',
      micros: 1_000,
      userKey: 'user-1',
      lifetimeFrequencyCap: null,
      dailyFrequencyCap: null,
      ...over,
    });

    it('admits winners in order, so a later winner of the same campaign sees an earlier one\'s charge', async () => {
      const a = scope();
      const b = { ...a, adGroupId: '2' };
      const capped = { ...NO_LIMITS, campaignDaily: 15_000 };
      expect(await store.commitWinners([winner(a, { limits: capped, micros: 10_000 }), winner(b, { limits: capped, micros: 6_000 }), winner(b, { limits: capped, micros: 5_000 })])).toEqual([
        'OK',
        'BUDGET',
        'OK',
      ]);
      expect((await store.spent(a)).campaignDay).toBe(15_000);
      expect((await store.spent(b)).adGroupDay).toBe(5_000);
    });

    it('charges nothing for a winner refused by its frequency cap, and counts no impression for one refused by budget', async () => {
      const s = scope();
      const caps = { dailyFrequencyCap: 1 };
      expect(await store.commitWinners([winner(s, caps)])).toEqual(['OK']);
      expect(await store.commitWinners([winner(s, caps)])).toEqual(['FREQUENCY_CAP']);
      expect((await store.spent(s)).adGroupDay).toBe(1_000);
      // Refused by budget: user-2's count is untouched, so it is admitted once the budget allows.
      const tight = { ...NO_LIMITS, adGroupDaily: 1_500 };
      expect(await store.commitWinners([winner(s, { ...caps, limits: tight, userKey: 'user-2' })])).toEqual(['BUDGET']);
      expect(await store.commitWinners([winner(s, { ...caps, limits: tight, userKey: 'user-2', micros: 500 })])).toEqual(['OK']);
      expect((await store.spent(s)).adGroupDay).toBe(1_500);
    });

    it('CLICKTHROUGH winners need room for one max bid and are charged nothing at serve time', async () => {
      const s = scope();
      const limits = { ...NO_LIMITS, adGroupDaily: 100_000 };
      expect(await store.commitWinners([winner(s, { billableEvent: 'CLICKTHROUGH', limits, micros: 100_000 })])).toEqual(['OK']);
      expect(await store.commitWinners([winner(s, { billableEvent: 'CLICKTHROUGH', limits, micros: 100_001 })])).toEqual(['BUDGET']);
      expect((await store.spent(s)).adGroupDay).toBe(0);
    });

    it('holds frequency caps exactly under concurrent requests', async () => {
      const s = scope();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.commitWinners([winner(s, { lifetimeFrequencyCap: 4 })])));
      expect(results.filter(([r]) => r === 'OK')).toHaveLength(4);
      expect((await store.spent(s)).adGroupDay).toBe(4_000);
    });

    it('gives every request its own outcome when the scripts of one turn share a pipeline (CommandBatch), in the order they were made', async () => {
      const batched = new BudgetStore(redis, prefix, new CommandBatch(redis));
      const s = scope();
      const limits = { ...NO_LIMITS, adGroupDaily: 5_500 };
      const sent = vi.spyOn(redis, 'pipeline');
      // 8 requests in one turn, 1,000 micros each: the first 5 fit, then the budget is reached.
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => batched.commitWinners([winner(s, { limits, userKey: `user-${i}`, lifetimeFrequencyCap: 1 })])));
      expect(sent).toHaveBeenCalledTimes(1);
      sent.mockRestore();
      expect(outcomes.map(([o]) => o)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'BUDGET', 'BUDGET', 'BUDGET']);
      expect((await store.spent(s)).adGroupDay).toBe(5_000);
      // The same user again: its lifetime cap was counted once, by its own admitted request.
      expect(await batched.commitWinners([winner(s, { userKey: 'user-0', lifetimeFrequencyCap: 1 })])).toEqual(['FREQUENCY_CAP']);
    });
  });

  describe('budget leases (admitWinners and BudgetLeases)', () => {
    const winner = (s: SpendScope, over: Partial<WinnerCommit> = {}): WinnerCommit => ({
      scope: s,
      limits: NO_LIMITS,
      billableEvent: 'IMPRESSION',
      micros: 1_000,
      userKey: 'user-1',
      lifetimeFrequencyCap: null,
      dailyFrequencyCap: null,
      ...over,
    });

    it('grants a lease with an admitted charge: the wish, at most a quarter of the room left, in whole prices, on every counter', async () => {
      const s = scope();
      const limits = { ...NO_LIMITS, adGroupDaily: 1_000_000, campaignDaily: 500_000 };
      // Room 500,000 (the campaign's): after the 3,000 charge, a quarter of 497,000 is 124,250, i.e. 41 prices.
      expect(await store.admitWinners([winner(s, { limits, micros: 3_000, leaseMicros: 900_000 })])).toEqual([{ outcome: 'OK', leaseMicros: 123_000, roomMicros: 374_000 }]);
      expect(await store.spent(s)).toEqual({ adGroupDay: 126_000, adGroupLifetime: 126_000, campaignDay: 126_000, campaignLifetime: 126_000 });
      // A smaller wish is granted whole, rounded down to whole prices; without limits the wish is granted and no room is answered.
      expect((await store.admitWinners([winner(s, { limits, micros: 3_000, leaseMicros: 10_000 })]))[0]).toMatchObject({ leaseMicros: 9_000 });
      expect(await store.admitWinners([winner(scope(), { micros: 3_000, leaseMicros: 10_000_000 })])).toEqual([{ outcome: 'OK', leaseMicros: 9_999_000, roomMicros: null }]);
    });

    it('tops up a lease with nothing charged: the wish, at most a quarter of the room, in whole units, on every counter; none without room', async () => {
      const s = scope();
      const limits = { ...NO_LIMITS, adGroupDaily: 100_000 };
      const topUp = (leaseMicros: number) => winner(s, { limits, micros: 0, leaseMicros, leaseUnitMicros: 4_000 });
      // Room 100,000: a quarter is 25,000, i.e. 6 units of 4,000.
      expect(await store.admitWinners([topUp(1_000_000)])).toEqual([{ outcome: 'OK', leaseMicros: 24_000, roomMicros: 76_000 }]);
      expect(await store.spent(s)).toEqual({ adGroupDay: 24_000, adGroupLifetime: 24_000, campaignDay: 24_000, campaignLifetime: 24_000 });
      // A quarter of 76,000 is 19,000: 4 units.
      expect((await store.admitWinners([topUp(1_000_000)]))[0]).toMatchObject({ outcome: 'OK', leaseMicros: 16_000 });
      // Less than a unit to share: nothing granted, nothing charged.
      await store.admitWinners([winner(s, { limits, micros: 57_000 })]);
      expect(await store.admitWinners([topUp(1_000_000)])).toEqual([{ outcome: 'OK', leaseMicros: 0, roomMicros: 3_000 }]);
      expect((await store.spent(s)).adGroupDay).toBe(97_000);
    });

    it('grants no lease to a refused winner, a CLICKTHROUGH winner or when less than a price would be left to share', async () => {
      const s = scope();
      const limits = { ...NO_LIMITS, adGroupDaily: 10_000 };
      expect(await store.admitWinners([winner(s, { limits, micros: 3_000, leaseMicros: 100_000 })])).toEqual([{ outcome: 'OK', leaseMicros: 0, roomMicros: 7_000 }]);
      expect(await store.admitWinners([winner(s, { limits, micros: 8_000, leaseMicros: 100_000 })])).toEqual([{ outcome: 'BUDGET', leaseMicros: 0, roomMicros: 7_000 }]);
      expect(await store.admitWinners([winner(s, { limits, billableEvent: 'CLICKTHROUGH', micros: 5_000, leaseMicros: 100_000 })])).toEqual([{ outcome: 'OK', leaseMicros: 0, roomMicros: 7_000 }]);
      expect((await store.spent(s)).adGroupDay).toBe(3_000);
    });

    it('takes back the remainder of an earlier lease before checking the winner it came with', async () => {
      const leases = new BudgetLeases(store);
      const s = scope();
      const limits = { ...NO_LIMITS, adGroupDaily: 20_000 };
      leases.admitted(s, limits, (await store.admitWinners([winner(s, { limits, micros: 4_000, leaseMicros: 4_000 })]))[0]!, 0);
      expect(leases.held(s.adGroupId)).toBe(4_000);
      expect(leases.charge(s, limits, 3_000, 1)).toBe(true);
      // 1,000 left here, 12,000 in Redis: a 12,500 price fits only with the remainder given back in the same script.
      expect(leases.charge(s, limits, 12_500, 2)).toBe(false);
      const [admission] = await store.admitWinners([winner(s, { limits, micros: 12_500, returnMicros: leases.release(s.adGroupId) })]);
      expect(admission).toEqual({ outcome: 'OK', leaseMicros: 0, roomMicros: 500 });
      expect(leases.held(s.adGroupId)).toBe(0);
      expect((await store.spent(s)).adGroupDay).toBe(4_000 + 3_000 + 12_500);
    });

    it('charges prices to the lease in memory, only under the day and limits it was granted for, and gives back what is left', async () => {
      const leases = new BudgetLeases(store);
      const s = scope();
      const limits = { ...NO_LIMITS, adGroupDaily: 1_000_000 };
      expect(leases.charge(s, limits, 1_000, 0)).toBe(false);
      const [admission] = await store.admitWinners([winner(s, { limits, micros: 1_000, leaseMicros: 10_000 })]);
      leases.admitted(s, limits, admission!, 0);
      expect(leases.held(s.adGroupId)).toBe(10_000);
      for (let i = 0; i < 4; i++) expect(leases.charge(s, limits, 2_500, 10)).toBe(true);
      expect(leases.charge(s, limits, 1, 10)).toBe(false);
      expect((await store.spent(s)).adGroupDay).toBe(11_000);
      // A new lease on top; then an edited budget (other limits) or another day sends the next winner to Redis and the lease back.
      leases.admitted(s, limits, (await store.admitWinners([winner(s, { limits, micros: 1_000, leaseMicros: 5_000 })]))[0]!, 20);
      expect(leases.held(s.adGroupId)).toBe(5_000);
      expect(leases.charge(s, { ...limits, adGroupDaily: 900_000 }, 1_000, 30)).toBe(false);
      expect(leases.held(s.adGroupId)).toBe(0);
      await leases.giveBack(30);
      expect((await store.spent(s)).adGroupDay).toBe(12_000);
      leases.admitted(s, limits, (await store.admitWinners([winner(s, { limits, micros: 1_000, leaseMicros: 5_000 })]))[0]!, 40);
      expect(leases.charge({ ...s, day: '2026-11-23' }, limits, 1_000, 50)).toBe(false);
      await leases.giveBack(50);
      expect((await store.spent(s)).adGroupDay).toBe(13_000);
    });

    it('gives back a lease once it is idle (or at shutdown), and tries a failed give-back again', async () => {
      const leases = new BudgetLeases(store);
      const s = scope();
      leases.admitted(s, NO_LIMITS, (await store.admitWinners([winner(s, { micros: 1_000, leaseMicros: 4_000 })]))[0]!, 0);
      await leases.giveBack(LEASE_IDLE_MS - 1);
      expect(leases.held(s.adGroupId)).toBe(4_000);
      const refund = vi.spyOn(store, 'refund').mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
      await expect(leases.giveBack(LEASE_IDLE_MS)).rejects.toThrow('ECONNREFUSED');
      refund.mockRestore();
      expect((await store.spent(s)).adGroupDay).toBe(5_000);
      await leases.giveBack(LEASE_IDLE_MS + 1);
      expect((await store.spent(s)).adGroupDay).toBe(1_000);
      const t = scope();
      leases.admitted(t, NO_LIMITS, (await store.admitWinners([winner(t, { micros: 1_000, leaseMicros: 4_000 })]))[0]!, 0);
      await leases.giveBack(1, true);
      expect((await store.spent(t)).adGroupDay).toBe(1_000);
    });

    it('gives a lease back once even when the answer of a give-back that ran was lost and it is tried again', async () => {
      const leases = new BudgetLeases(store);
      const s = scope();
      leases.admitted(s, NO_LIMITS, (await store.admitWinners([winner(s, { micros: 1_000, leaseMicros: 4_000 })]))[0]!, 0);
      const refund = store.refund.bind(store);
      const lost = vi.spyOn(store, 'refund').mockImplementationOnce(async (...args) => {
        await refund(...args);
        throw new Error('connection lost');
      });
      await expect(leases.giveBack(0, true)).rejects.toThrow('connection lost');
      lost.mockRestore();
      expect((await store.spent(s)).adGroupDay).toBe(1_000);
      await leases.giveBack(1);
      expect((await store.spent(s)).adGroupDay).toBe(1_000);
    });

    it('answers a CPC winner\'s room for one more click from the last answer for a second, under the same day and limits', async () => {
      const leases = new BudgetLeases(store);
      const s = scope();
      const limits = { ...NO_LIMITS, adGroupDaily: 500_000 };
      const click = (micros: number) => winner(s, { billableEvent: 'CLICKTHROUGH', limits, micros });
      expect(leases.hasRoomForClick(s, limits, 400_000, 0)).toBe(false);
      leases.admitted(s, limits, (await store.admitWinners([click(400_000)]))[0]!, 0);
      expect(leases.hasRoomForClick(s, limits, 400_000, VIEW_TTL_MS - 1)).toBe(true);
      expect(leases.hasRoomForClick(s, limits, 500_001, 1)).toBe(false);
      expect(leases.hasRoomForClick(s, limits, 400_000, VIEW_TTL_MS)).toBe(false);
      expect(leases.hasRoomForClick(s, { ...limits, adGroupDaily: 450_000 }, 400_000, 1)).toBe(false);
      expect(leases.hasRoomForClick({ ...s, day: '2026-11-23' }, limits, 400_000, 1)).toBe(false);
    });
  });

  it.each([
    ['impression', 0],
    ['click', 1],
  ] as const)('under concurrent %s charges from 4 processes, spend stays within budget + one max bid', async (mode, boundInMaxBids) => {
    const s = scope();
    const budget = 5_000_000;
    const maxBidMicros = 60_000;
    const payload = {
      redisUrl: config.redis.url,
      prefix,
      scope: s,
      limits: { ...NO_LIMITS, adGroupDaily: budget },
      mode,
      attempts: 400,
      priceMicros: 20_000,
      maxBidMicros,
    };
    const children = Array.from({ length: 4 }, () =>
      run(process.execPath, ['-r', '@swc-node/register', 'apps/api/test/support/hammer-budget.ts', JSON.stringify(payload)], {
        cwd: ROOT,
        env: { ...process.env, SWC_NODE_PROJECT: 'apps/api/tsconfig.json' },
        timeout: 60_000,
      }),
    );
    const outputs = (await Promise.all(children)).map((c) => JSON.parse(c.stdout) as { granted: number; grantedMicros: number; local: number });
    const grantedMicros = outputs.reduce((sum, o) => sum + o.grantedMicros, 0);
    const spent = (await store.spent(s)).adGroupDay;
    expect(spent).toBe(grantedMicros); // every granted charge counted once, nothing else
    expect(spent).toBeLessThanOrEqual(budget + boundInMaxBids * maxBidMicros);
    // 1,600 attempts of ~$0.02 want ~$37: the budget must actually have been exhausted.
    expect(spent).toBeGreaterThan(budget - 30_000);
  });

  it('under IMPRESSION winners from 4 processes admitted through budget leases, the budget is never passed and every micro given back is found', async () => {
    const s = scope();
    const budget = 5_000_000;
    // Prices of 20,000–26,000 micros: leases granted in whole prices leave remainders that fit no later price.
    const payload = { redisUrl: config.redis.url, prefix, scope: s, limits: { ...NO_LIMITS, adGroupDaily: budget }, mode: 'lease', attempts: 400, priceMicros: 20_000, maxBidMicros: 26_000 };
    const children = Array.from({ length: 4 }, () =>
      run(process.execPath, ['-r', '@swc-node/register', 'apps/api/test/support/hammer-budget.ts', JSON.stringify(payload)], {
        cwd: ROOT,
        env: { ...process.env, SWC_NODE_PROJECT: 'apps/api/tsconfig.json' },
        timeout: 60_000,
      }),
    );
    const outputs = (await Promise.all(children)).map((c) => JSON.parse(c.stdout) as { granted: number; grantedMicros: number; local: number });
    const grantedMicros = outputs.reduce((sum, o) => sum + o.grantedMicros, 0);
    // Most charges never went to Redis…
    expect(outputs.reduce((sum, o) => sum + o.local, 0)).toBeGreaterThan(grantedMicros / 26_000 / 2);
    // …yet with every lease given back the counters hold exactly what was charged, never more than the budget,
    const spent = await store.spent(s);
    expect(spent.adGroupDay).toBe(grantedMicros);
    expect(spent.campaignDay).toBe(grantedMicros);
    expect(grantedMicros).toBeLessThanOrEqual(budget);
    // and the budget was spent but for what no process could use (under one price per process).
    expect(grantedMicros).toBeGreaterThan(budget - 5 * 26_000);
  });
});

describe('accountDay', () => {
  it("cuts days at the ad account's midnight, not UTC's", async () => {
    const { accountDay } = await import('../src/serving/budget-store');
    const utcMidnightish = Date.UTC(2026, 10, 23, 3, 30); // 03:30 UTC on 23 Nov
    expect(accountDay('UTC', utcMidnightish)).toBe('2026-11-23');
    expect(accountDay('America/New_York', utcMidnightish)).toBe('2026-11-22');
    expect(accountDay('Asia/Tokyo', Date.UTC(2026, 10, 22, 15, 0))).toBe('2026-11-23');
  });
});
