import { lossReasonOf, Outcome } from '@loupe/auction';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ExplainCounters, newExplainSlot } from './explain';

/** What a flush would write, from a fake pipeline. */
async function flushed(explain: ExplainCounters, writes: [string, string, number][]): Promise<[string, string, number][]> {
  await explain.flush();
  return writes.sort();
}

function counters(): { explain: ExplainCounters; writes: [string, string, number][] } {
  const writes: [string, string, number][] = [];
  const pipeline = { hincrby: (key: string, field: string, n: number) => writes.push([key, field, n]), expire: () => undefined, exec: async () => [] };
  return { explain: new ExplainCounters({ pipeline: () => pipeline } as unknown as Redis), writes };
}

describe('explain counts', () => {
  it('counts a loser by its auction outcome code exactly as by its reason', async () => {
    const byCode = counters();
    const byReason = counters();
    const slotA = newExplainSlot();
    const slotB = newExplainSlot();
    const losses = [Outcome.TARGETING, Outcome.BUDGET, Outcome.PACING, Outcome.FREQUENCY_CAP, Outcome.BELOW_FLOOR, Outcome.OUTRANKED, Outcome.OUTRANKED];
    losses.forEach((code, i) => {
      const minBid = code === Outcome.BELOW_FLOOR || code === Outcome.OUTRANKED ? 1_000 + i * 7_000 : null;
      byCode.explain.lostOutcome('7', '2026-12-06', code, minBid, slotA);
      byReason.explain.lost('7', '2026-12-06', lossReasonOf(code), minBid, 1, slotB);
    });
    byCode.explain.lostOutcome('7', '2026-12-06', Outcome.TARGETING, null, slotA, 10);
    byReason.explain.lost('7', '2026-12-06', 'TARGETING', null, 10, slotB);
    const written = await flushed(byCode.explain, byCode.writes);
    expect(written).toEqual(await flushed(byReason.explain, byReason.writes));
    expect(written.filter(([, field]) => field.startsWith('lost:'))).toHaveLength(6);
  });
});
