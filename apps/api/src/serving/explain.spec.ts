import { lossReasonOf, Outcome } from '@loupe/auction';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ExplainCounters, newExplainSlot } from './explain';

/** What a flush would write, from a fake pipeline. */
async function flushed(explain: ExplainCounters, writes: [string, string, number][]): Promise<[string, string, number][]> {
  await explain.flush();
  return writes.sort();
}

/** ExplainCounters over a fake Redis whose flush scripts record what they add; `fail` makes a script fail for that key. */
function counters(fail: (key: string) => boolean = () => false): { explain: ExplainCounters; writes: [string, string, number][] } {
  const writes: [string, string, number][] = [];
  const pipeline = () => {
    const results: [Error | null, unknown][] = [];
    return {
      eval: (_script: string, _keys: number, key: string, _ttl: number, ...pairs: (string | number)[]) => {
        if (fail(key)) return results.push([new Error(`script failed for ${key}`), null]);
        for (let i = 0; i < pairs.length; i += 2) writes.push([key, String(pairs[i]), Number(pairs[i + 1])]);
        return results.push([null, 0]);
      },
      exec: async () => results,
    };
  };
  return { explain: new ExplainCounters({ pipeline } as unknown as Redis), writes };
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

  it('flushes every ad group day once, in slices, and keeps the counts of a failed script for the next flush', async () => {
    let failing = true;
    const { explain, writes } = counters((key) => failing && key.includes('{ag13}'));
    for (let g = 0; g < 120; g++) explain.won(String(g), '2026-12-06', newExplainSlot());
    await expect(explain.flush()).rejects.toThrow('script failed');
    expect(writes.filter(([, field]) => field === 'won')).toHaveLength(119);
    failing = false;
    writes.length = 0;
    await explain.flush();
    expect(writes.filter(([, field]) => field === 'won')).toEqual([['loupe:explain:{ag13}:2026-12-06', 'won', 1]]);
  });
});
