import { loadConfig, testEnv } from '@loupe/server-core';
import type { ServeBody } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { BudgetLeases, LEASE_MAX_BIDS, VIEW_REFRESH_AFTER_MS, VIEW_TTL_MS } from './budget-leases';
import type { WinnerAdmission, WinnerCommit } from './budget-store';
import { indexedAd, indexedAdGroup } from '../../test/support/indexed-ad-group';
import { ExplainCounters } from './explain';
import { ServeService, type ServeAnswerJson } from './serve.service';

/*
 * ServeService with its budget store replaced by one whose scripts the test answers by
 * hand, to order two requests' Redis round trips exactly (the real store is exercised by
 * serving.e2e-spec.ts and serving-processes.e2e-spec.ts).
 */

const LIMITS = { adGroupDaily: 10_000_000, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 };

function world(billableEvent: 'IMPRESSION' | 'CLICKTHROUGH' = 'IMPRESSION') {
  const group = indexedAdGroup('21', billableEvent, [indexedAd('11', '12')]);
  const bid = { bidUsdMicros: 5_000, reserveUsdMicros: 100, localBidMicros: 5_000, localReserveMicros: 100 };
  const index = { indexedForPlacement: () => ({ groups: [group], bids: [bid], audiences: { match: () => Uint32Array.of(1) } }) };
  const pacing = { throttle: () => 1, limits: () => LIMITS };
  /** Each script the service sends, answered by the test. */
  const scripts: { commits: readonly WinnerCommit[]; answer: (admissions: WinnerAdmission[]) => void; fail: (err: Error) => void }[] = [];
  const budgets = {
    admitWinners: (commits: readonly WinnerCommit[]) => new Promise<WinnerAdmission[]>((answer, fail) => scripts.push({ commits, answer, fail })),
    refund: async () => undefined,
  };
  const leases = new BudgetLeases(budgets as never);
  const service = new ServeService(index as never, budgets as never, pacing as never, { ctr: () => 0.01 } as never, new ExplainCounters(null as never), () => 0.5, loadConfig(testEnv()), leases);
  return { service, scripts, leases };
}

const body: ServeBody = { placement: 'BROWSE', slots: 1, user: { id: 'u1', interests: [] } };
const adsOf = (answer: ServeAnswerJson): { ad_group_id: string }[] => (JSON.parse(answer.json) as { ads: { ad_group_id: string }[] }).ads;

describe('serving with budget leases in one process', () => {
  it('keeps serving from a lease granted to one request when a concurrent request of the same process was refused', async () => {
    const { service, scripts, leases } = world();
    // Two requests at once, before this process holds any lease: both go to Redis.
    const first = service.serveJson(body);
    const second = service.serveJson(body);
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]!.commits[0]!.leaseMicros).toBeGreaterThan(0);
    // The first is admitted with a lease of what was left; so the second finds nothing left.
    scripts[0]!.answer([{ outcome: 'OK', leaseMicros: 50_000, roomMicros: 0 }]);
    scripts[1]!.answer([{ outcome: 'BUDGET', leaseMicros: 0, roomMicros: 0 }]);
    expect(adsOf(await first)).toHaveLength(1);
    expect(adsOf(await second)).toEqual([]);
    expect(leases.held('21')).toBe(50_000);

    // The lease is this process's to spend: the next requests are served from it, in memory.
    for (let i = 0; i < 3; i++) {
      const next = service.serveJson(body);
      expect(next).not.toBeInstanceOf(Promise);
      expect(adsOf(next as ServeAnswerJson).map((a) => a.ad_group_id)).toEqual(['21']);
    }
    expect(scripts).toHaveLength(2);
    expect(leases.held('21')).toBeLessThan(50_000);
  });

  it('sits an ad group out after a refusal when it holds no lease for it', async () => {
    const { service, scripts } = world();
    const first = service.serveJson(body);
    scripts[0]!.answer([{ outcome: 'BUDGET', leaseMicros: 0, roomMicros: 0 }]);
    expect(adsOf(await first)).toEqual([]);
    // Refused: no winner for the next requests, without asking Redis again (EXHAUSTED_RECHECK_MS).
    const next = service.serveJson(body);
    expect(next).not.toBeInstanceOf(Promise);
    expect(adsOf(next as ServeAnswerJson)).toEqual([]);
    expect(scripts).toHaveLength(1);
  });

  it('re-reads a CPC ad group\'s room in the background while its view still answers, once at a time, so its winners never wait', async () => {
    const { service, scripts } = world('CLICKTHROUGH');
    const t0 = 1_800_000_000_000;
    // No view yet: the first winner asks Redis (a check only: nothing charged, no lease).
    const first = service.serveJson(body, t0);
    expect(first).toBeInstanceOf(Promise);
    expect(scripts[0]!.commits[0]).toMatchObject({ billableEvent: 'CLICKTHROUGH', leaseMicros: 0 });
    scripts[0]!.answer([{ outcome: 'OK', leaseMicros: 0, roomMicros: 1_000_000 }]);
    expect(adsOf(await first)).toHaveLength(1);
    // A young view answers alone.
    expect(service.serveJson(body, t0 + VIEW_REFRESH_AFTER_MS - 1)).not.toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(1);
    // An older one still answers at once, and sends one re-read; a second winner meanwhile sends none.
    const served = service.serveJson(body, t0 + VIEW_REFRESH_AFTER_MS);
    expect(served).not.toBeInstanceOf(Promise);
    expect(adsOf(served as ServeAnswerJson)).toHaveLength(1);
    expect(service.serveJson(body, t0 + VIEW_REFRESH_AFTER_MS + 10)).not.toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(2);
    expect(scripts[1]!.commits).toHaveLength(1);
    expect(scripts[1]!.commits[0]).toMatchObject({ billableEvent: 'CLICKTHROUGH', micros: 5_000, lifetimeFrequencyCap: null, dailyFrequencyCap: null });
    expect(scripts[1]!.commits[0]!.leaseMicros ?? 0).toBe(0);
    scripts[1]!.answer([{ outcome: 'OK', leaseMicros: 0, roomMicros: 900_000 }]);
    await new Promise((resolve) => setImmediate(resolve));
    // The re-read's view dates from when it was sent: past the first view's expiry, winners are still admitted in memory.
    const later = service.serveJson(body, t0 + VIEW_TTL_MS + 100);
    expect(later).not.toBeInstanceOf(Promise);
    expect(adsOf(later as ServeAnswerJson)).toHaveLength(1);
  });

  it('lets a later winner retry a failed re-read, and stops serving from a re-read that finds no room', async () => {
    const { service, scripts } = world('CLICKTHROUGH');
    const t0 = 1_800_000_000_000;
    const first = service.serveJson(body, t0);
    scripts[0]!.answer([{ outcome: 'OK', leaseMicros: 0, roomMicros: 1_000_000 }]);
    await first;
    expect(service.serveJson(body, t0 + VIEW_REFRESH_AFTER_MS)).not.toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(2);
    // Redis failed the re-read: the view still answers, and the next winner sends another.
    scripts[1]!.fail(new Error('Redis is down'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.serveJson(body, t0 + VIEW_REFRESH_AFTER_MS + 20)).not.toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(3);
    // This one finds no room for another maximum bid: the view says so, and the next winner goes to Redis.
    scripts[2]!.answer([{ outcome: 'BUDGET', leaseMicros: 0, roomMicros: 1_000 }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.serveJson(body, t0 + VIEW_REFRESH_AFTER_MS + 30)).toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(4);
  });

  it('tops up an IMPRESSION lease in the background once less than half of its grant is left, one top-up at a time', async () => {
    const { service, scripts, leases } = world();
    const first = service.serveJson(body);
    scripts[0]!.answer([{ outcome: 'OK', leaseMicros: 10_000, roomMicros: null }]);
    await first;
    // A lone bidder pays the floor, 100 micros: 50 winners take half of the 10,000 granted.
    for (let i = 0; i < 50; i++) expect(service.serveJson(body)).not.toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(1);
    expect(leases.held('21')).toBe(5_000);
    // The next takes it under half: served at once, and one top-up goes out (nothing charged, 100 maximum bids wished for).
    expect(service.serveJson(body)).not.toBeInstanceOf(Promise);
    expect(service.serveJson(body)).not.toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(2);
    expect(scripts[1]!.commits).toEqual([expect.objectContaining({ billableEvent: 'IMPRESSION', micros: 0, leaseMicros: LEASE_MAX_BIDS * 5_000, leaseUnitMicros: 5_000, lifetimeFrequencyCap: null })]);
    scripts[1]!.answer([{ outcome: 'OK', leaseMicros: 20_000, roomMicros: null }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(leases.held('21')).toBe(4_800 + 20_000);
    // A top-up granted nothing (no room left to share) asks for no more: the lease runs out, then Redis decides.
    for (let i = 0; i < 150; i++) expect(service.serveJson(body)).not.toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(3);
    scripts[2]!.answer([{ outcome: 'OK', leaseMicros: 0, roomMicros: 0 }]);
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 98; i++) expect(service.serveJson(body)).not.toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(3);
    expect(leases.held('21')).toBe(0);
    expect(service.serveJson(body)).toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(4);
    expect(scripts[3]!.commits[0]).toMatchObject({ micros: 100 });
  });
});
