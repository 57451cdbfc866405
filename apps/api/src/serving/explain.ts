import type { LossReason } from '@loupe/auction';
import type { Redis } from 'ioredis';

/**
 * Why an ad group did or did not win, counted per ad group and account-local day
 * (issue 4 item 8, docs/serving.md "Explain").
 *
 * The serve path only adds to in-memory counters; a timer flushes them to one Redis hash
 * per ad group and day every second with pipelined HINCRBYs, so an auction costs no
 * extra round trip. Fields: `entered`, `won`, `lost:<REASON>` and `mb:<bucket>` — a
 * histogram of the minimum bid to win (in the ad group's bid units) of the auctions it
 * lost to a competitor or to the floor, on a 5%-step logarithmic scale, from which the
 * diagnostics read a median and a 75th percentile.
 *
 * TARGETING is sampled: nearly every ad group fails targeting in nearly every auction,
 * so counting them all would be the most expensive thing the serve path does. One auction
 * in TARGETING_SAMPLE_RATE (chosen with the injected PRNG) counts its targeting losses,
 * each worth TARGETING_SAMPLE_RATE; such an ad group's `entered` is scaled the same way.
 */
export const TARGETING_SAMPLE_RATE = 10;

/** Counters outlive their day for a month of diagnostics. */
export const EXPLAIN_TTL_SECONDS = 35 * 24 * 3600;

const BUCKET_BASE = 1.05;
const LOG_BASE = Math.log(BUCKET_BASE);

/** The histogram bucket of a bid: the smallest b with 1.05^b ≥ micros. */
export function bidBucket(micros: number): number {
  return Math.max(0, Math.ceil(Math.log(Math.max(1, micros)) / LOG_BASE - 1e-9));
}

/** A bucket's upper bound, integer micros: a bid this high would have cleared the bar. */
export function bucketBid(bucket: number): number {
  return Math.ceil(BUCKET_BASE ** bucket);
}

export function explainKey(prefix: string, adGroupId: string, day: string): string {
  return `${prefix}:explain:{ag${adGroupId}}:${day}`;
}

export class ExplainCounters {
  private pending = new Map<string, Map<string, number>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'loupe',
  ) {}

  private add(adGroupId: string, day: string, field: string, n: number): void {
    const key = explainKey(this.prefix, adGroupId, day);
    let fields = this.pending.get(key);
    if (!fields) {
      fields = new Map();
      this.pending.set(key, fields);
    }
    fields.set(field, (fields.get(field) ?? 0) + n);
  }

  won(adGroupId: string, day: string): void {
    this.add(adGroupId, day, 'entered', 1);
    this.add(adGroupId, day, 'won', 1);
  }

  /** `weight` > 1 for sampled TARGETING losses; `minBidToWin` in the ad group's bid units. */
  lost(adGroupId: string, day: string, reason: LossReason, minBidToWin: number | null, weight = 1): void {
    this.add(adGroupId, day, 'entered', weight);
    this.add(adGroupId, day, `lost:${reason}`, weight);
    if (minBidToWin !== null && (reason === 'OUTRANKED' || reason === 'BELOW_FLOOR')) this.add(adGroupId, day, `mb:${bidBucket(minBidToWin)}`, 1);
  }

  /** Writes what was counted since the last flush; counts are kept for the next one if Redis fails. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    for (const [key, fields] of batch) {
      for (const [field, n] of fields) pipeline.hincrby(key, field, n);
      pipeline.expire(key, EXPLAIN_TTL_SECONDS);
    }
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    } catch (err) {
      for (const [key, fields] of batch) {
        const current = this.pending.get(key) ?? new Map<string, number>();
        for (const [field, n] of fields) current.set(field, (current.get(field) ?? 0) + n);
        this.pending.set(key, current);
      }
      throw err;
    }
  }

  /** The raw counters of one ad group for each day (empty for days without auctions). */
  async read(adGroupId: string, days: readonly string[]): Promise<Record<string, number>[]> {
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hgetall(explainKey(this.prefix, adGroupId, day));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw err;
      return Object.fromEntries(Object.entries((value ?? {}) as Record<string, string>).map(([k, v]) => [k, Number(v)]));
    });
  }
}
