import { Outcome, type LossReason } from '@loupe/auction';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Why an ad group did or did not win, counted per ad group and account-local day
 * (issue 4 item 8, docs/serving.md "Explain").
 *
 * The serve path only adds to in-memory counters; a timer flushes them to one Redis hash
 * per ad group and day every 5 seconds (one script per hash, see `flush`), so an auction
 * costs no extra round trip. Fields: `entered`, `won`, `lost:<REASON>` and `mb:<bucket>` — a
 * histogram of the minimum bid to win (in the ad group's bid units) of the auctions it
 * lost to a competitor or to the floor, on a 5%-step logarithmic scale, from which the
 * diagnostics read a median and a 75th percentile.
 *
 * TARGETING is sampled: nearly every ad group fails targeting in nearly every auction,
 * so counting them all would be the most expensive thing the serve path does. One auction
 * in TARGETING_SAMPLE_RATE (chosen with the injected PRNG) counts its targeting losses,
 * each worth TARGETING_SAMPLE_RATE; such an ad group's `entered` is scaled the same way.
 *
 * Under load the other losses are sampled too (`lossWeight`): a process counts every
 * auction's losers while it serves up to FULL_LOSS_COUNTS_PER_SECOND auctions a second;
 * beyond that one auction in w (w = the last second's rate over that figure, rounded up)
 * counts its losers, each worth w, and the others count only their wins and refusals —
 * which lets those auctions look only at the ad groups that can win (docs/serving.md
 * "Explain"). Days with counts from such samples carry a `sampled` field.
 */
export const TARGETING_SAMPLE_RATE = 10;

/** Auctions a second, per process, whose losers are all counted before loss counting is sampled. */
export const FULL_LOSS_COUNTS_PER_SECOND = 200;

/** Counters outlive their day for a month of diagnostics. */
export const EXPLAIN_TTL_SECONDS = 35 * 24 * 3600;
/** Ad group days written per pipeline by a flush (each pipeline waits for the one before). */
const FLUSH_KEYS_PER_WRITE = 25;
/**
 * KEYS[1] an ad group's day; ARGV[1] its TTL, ARGV[2] the counts to add, packed as
 * `field=n,field=n` (`DayCounts.packed`): one argument instead of two per field, so a
 * flush costs the client a few arguments per ad group rather than dozens.
 */
const ADD_COUNTS = `
for field, n in string.gmatch(ARGV[2], '([^,=]+)=(%d+)') do
  redis.call('HINCRBY', KEYS[1], field, n)
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 0
`;
const ADD_COUNTS_COMMAND = 'loupeExplainAdd';
type AddCountsCommand = (key: string, ttlSeconds: number, packed: string) => unknown;

const BUCKET_BASE = 1.05;
const LOG_BASE = Math.log(BUCKET_BASE);

/** The histogram bucket of a bid: the smallest b with 1.05^b ≥ micros. */
export function bidBucket(micros: number): number {
  // An auction's losers billed per impression share one minimum bid: the last answer is reused.
  if (micros === lastBucketOf) return lastBucket;
  lastBucketOf = micros;
  lastBucket = Math.max(0, Math.ceil(Math.log(Math.max(1, micros)) / LOG_BASE - 1e-9));
  return lastBucket;
}
let lastBucketOf = Number.NaN;
let lastBucket = 0;

/** A bucket's upper bound, integer micros: a bid this high would have cleared the bar. */
export function bucketBid(bucket: number): number {
  return Math.ceil(BUCKET_BASE ** bucket);
}

export function explainKey(prefix: string, adGroupId: string, day: string): string {
  return `${prefix}:explain:{ag${adGroupId}}:${day}`;
}

const REASON_INDEX: Readonly<Record<LossReason, number>> = { TARGETING: 0, BUDGET: 1, PACING: 2, FREQUENCY_CAP: 3, BELOW_FLOOR: 4, OUTRANKED: 5 };
const REASONS = Object.keys(REASON_INDEX) as LossReason[];
// Each reason's index above is its auction `Outcome` code - 1 (checked here, once).
for (const reason of REASONS) if (REASON_INDEX[reason] !== Outcome[reason] - 1) throw new Error(`explain: ${reason} out of step with Outcome`);
const TARGETING: number = Outcome.TARGETING;
const BELOW_FLOOR: number = Outcome.BELOW_FLOOR;
const OUTRANKED: number = Outcome.OUTRANKED;

/** One ad group's counts for one day since the last flush: plain fields, so the serve path only adds numbers. */
export class DayCounts {
  entered = 0;
  won = 0;
  readonly lost = [0, 0, 0, 0, 0, 0];
  /** Of the losses above, those counted from a weighted sample of auctions (TARGETING's fixed sample aside). */
  sampled = 0;
  /** Histogram of minimum bids to win: index = bucket (a few hundred at most), value = count. */
  minBids: number[] | null = null;

  addMinBid(bucket: number, n: number): void {
    const histogram = (this.minBids ??= []);
    while (histogram.length <= bucket) histogram.push(0);
    histogram[bucket]! += n;
  }

  /** The fields to add (`entered`, `won`, `lost:<REASON>`, `mb:<bucket>`), each with its count; zeros left out. */
  fields(): [string, number][] {
    const out: [string, number][] = [];
    if (this.entered) out.push(['entered', this.entered]);
    if (this.won) out.push(['won', this.won]);
    if (this.sampled) out.push(['sampled', this.sampled]);
    REASONS.forEach((reason, i) => {
      if (this.lost[i]) out.push([`lost:${reason}`, this.lost[i]!]);
    });
    this.minBids?.forEach((n, bucket) => {
      if (n) out.push([`mb:${bucket}`, n]);
    });
    return out;
  }

  /** `fields()` as the flush script's one argument: `field=n,field=n` (no field holds `,` or `=`). */
  packed(): string {
    let out = '';
    for (const [field, n] of this.fields()) out += out === '' ? `${field}=${n}` : `,${field}=${n}`;
    return out;
  }
}

/**
 * Where the serve path keeps an ad group's counts at hand (one per indexed ad group): the
 * counts of `day` in the flush generation `generation`, found without two map lookups per
 * candidate. Stale after a flush or at a new day, and then looked up again.
 */
export interface ExplainSlot {
  generation: number;
  day: string;
  counts: DayCounts | null;
}

export const newExplainSlot = (): ExplainSlot => ({ generation: -1, day: '', counts: null });

export interface ExplainOptions {
  /** FULL_LOSS_COUNTS_PER_SECOND unless given (tests). */
  fullLossCountsPerSecond?: number;
  /** Milliseconds, for the rate of auctions (tests); `Date.now` unless given. */
  clock?: () => number;
}

export class ExplainCounters {
  /** ad group id → day → counts. */
  private pending = new Map<string, Map<string, DayCounts>>();
  /** Bumped when `pending` is swapped for a flush: slots of an older generation are stale. */
  private generation = 0;
  private readonly fullPerSecond: number;
  private readonly clock: () => number;
  /** The auctions of the current window (about a second) and when it began; its loss weight, from the window before. */
  private windowAuctions = 0;
  private windowStartMs = Number.NEGATIVE_INFINITY;
  private weight = 1;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'loupe',
    options: ExplainOptions = {},
  ) {
    this.fullPerSecond = options.fullLossCountsPerSecond ?? FULL_LOSS_COUNTS_PER_SECOND;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Whether this auction counts its losers, and what each is worth: 0 (only its wins and
   * refusals are counted) or a weight w ≥ 1. While this process runs up to
   * `fullLossCountsPerSecond` auctions a second, every auction counts them, each worth 1
   * (no random number is drawn). Beyond, w is the last window's rate over that figure,
   * rounded up, and one auction in w — chosen with `random` — counts them, each worth w:
   * the expected counts stay those of counting all (an unbiased estimate), at the cost of
   * about `fullLossCountsPerSecond` fully counted auctions a second.
   */
  lossWeight(random: () => number): number {
    const now = this.clock();
    const elapsed = now - this.windowStartMs;
    if (elapsed >= 1000 || elapsed < 0) {
      const rate = Number.isFinite(elapsed) && elapsed > 0 ? (this.windowAuctions * 1000) / elapsed : 0;
      this.weight = Math.max(1, Math.ceil(rate / this.fullPerSecond));
      this.windowStartMs = now;
      this.windowAuctions = 0;
    }
    this.windowAuctions++;
    const w = this.weight;
    return w === 1 || random() * w < 1 ? w : 0;
  }

  private counts(adGroupId: string, day: string, slot?: ExplainSlot): DayCounts {
    if (slot && slot.counts !== null && slot.generation === this.generation && slot.day === day) return slot.counts;
    let days = this.pending.get(adGroupId);
    if (!days) {
      days = new Map();
      this.pending.set(adGroupId, days);
    }
    let counts = days.get(day);
    if (!counts) {
      counts = new DayCounts();
      days.set(day, counts);
    }
    if (slot) {
      slot.generation = this.generation;
      slot.day = day;
      slot.counts = counts;
    }
    return counts;
  }

  won(adGroupId: string, day: string, slot?: ExplainSlot): void {
    const c = this.counts(adGroupId, day, slot);
    c.entered++;
    c.won++;
  }

  /**
   * `weight` > 1 for sampled losses (`lossWeight`, TARGETING_SAMPLE_RATE); `minBidToWin` in
   * the ad group's bid units, counted in the histogram with the same weight.
   */
  lost(adGroupId: string, day: string, reason: LossReason, minBidToWin: number | null, weight = 1, slot?: ExplainSlot): void {
    this.lostOutcome(adGroupId, day, REASON_INDEX[reason] + 1, minBidToWin, slot, weight);
  }

  /**
   * `lost` for a loser of the auction by its `Outcome` code (the serve path's loser count):
   * the same counts, read from arrays instead of by the reason's name (a keyed read per loser).
   */
  lostOutcome(adGroupId: string, day: string, outcome: number, minBidToWin: number | null, slot: ExplainSlot | undefined, weight = 1): void {
    const c = this.counts(adGroupId, day, slot);
    c.entered += weight;
    c.lost[outcome - 1] += weight;
    if (weight > 1 && outcome !== TARGETING) c.sampled += weight;
    if (minBidToWin !== null && (outcome === BELOW_FLOOR || outcome === OUTRANKED)) c.addMinBid(bidBucket(minBidToWin), weight);
  }

  /**
   * Writes what was counted since the last flush: one script per ad group and day (all its
   * fields, packed into one argument, and the TTL, atomically), in pipelines of
   * `FLUSH_KEYS_PER_WRITE` keys sent one after the other. With `spreadOverMs` the
   * pipelines are spaced evenly over that long: the periodic flush spreads its client-side
   * CPU (5–15 ms for the bench's 300 ad groups, most of it ioredis writing commands) over
   * a second instead of one burst that every serve request in flight would queue behind
   * (docs/serving.md "Measuring the p99"); the shutdown flush and tests do not wait.
   * Counts whose script failed are kept for the next flush (a script either adds all of
   * an ad group's day or nothing, so none is counted twice); the first error is thrown
   * once every slice has been tried.
   */
  async flush(spreadOverMs = 0): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.generation++;
    const entries: [string, string, DayCounts][] = [];
    for (const [adGroupId, days] of batch) for (const [day, counts] of days) entries.push([adGroupId, day, counts]);
    let error: unknown = null;
    // EVALSHA once the script is known to the connection (ioredis sends EVAL the first time).
    if (!(ADD_COUNTS_COMMAND in this.redis)) this.redis.defineCommand(ADD_COUNTS_COMMAND, { numberOfKeys: 1, lua: ADD_COUNTS });
    const slices = Math.ceil(entries.length / FLUSH_KEYS_PER_WRITE);
    const gapMs = slices > 1 ? spreadOverMs / (slices - 1) : 0;
    for (let from = 0; from < entries.length; from += FLUSH_KEYS_PER_WRITE) {
      if (from > 0 && gapMs >= 1) await sleep(gapMs);
      const slice = entries.slice(from, from + FLUSH_KEYS_PER_WRITE);
      const pipeline = this.redis.pipeline() as ChainableCommander & Record<typeof ADD_COUNTS_COMMAND, AddCountsCommand>;
      for (const [adGroupId, day, counts] of slice) pipeline[ADD_COUNTS_COMMAND](explainKey(this.prefix, adGroupId, day), EXPLAIN_TTL_SECONDS, counts.packed());
      let results: [Error | null, unknown][] | null = null;
      try {
        results = await pipeline.exec();
      } catch (err) {
        error ??= err;
      }
      slice.forEach(([adGroupId, day, counts], i) => {
        const failure = results?.[i]?.[0] ?? (results ? null : error);
        if (!failure) return;
        error ??= failure;
        this.keep(adGroupId, day, counts);
      });
    }
    if (error) throw error;
  }

  /** Adds counts that could not be written to those of the next flush. */
  private keep(adGroupId: string, day: string, counts: DayCounts): void {
    const c = this.counts(adGroupId, day);
    c.entered += counts.entered;
    c.won += counts.won;
    c.sampled += counts.sampled;
    counts.lost.forEach((n, i) => (c.lost[i]! += n));
    counts.minBids?.forEach((n, bucket) => {
      if (n) c.addMinBid(bucket, n);
    });
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
