import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AdEvent, AdEventType, EngagementType } from '@loupe/contracts';
import {
  CommandBatch,
  InvalidParametersException,
  LOUPE_CONFIG,
  NotFoundException,
  REDIS,
  ServiceUnavailableException,
  type LoupeConfig,
} from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { EventPublisher } from '../events/event-publisher';
import { BudgetStore, accountDay } from '../serving/budget-store';
import { AdLookup } from './ad-lookup';
import { BurstDetector, clickTimingIvt, userAgentIvt, type IvtReason } from './ivt';
import { verifyEvent, type SignedEvent } from './signed-event';
import { TrackingRecords } from './tracking-records';

/** One request to a tracking URL. */
export interface TrackingHit {
  token: string;
  userAgent: string | undefined;
  ip: string;
  nowMs: number;
}

/** A duplicate click is recorded (flagged DUPLICATE_CLICK) at most this many times per impression; later ones are dropped. */
export const MAX_RECORDED_DUPLICATE_CLICKS = 10;

/**
 * What Redis remembers of an accepted event, per (auction, slot[, engagement]): when it
 * happened, its IVT reason, its price ('?' while a click's charge is being decided) and
 * whether its publish was acknowledged. A replay of the URL finds it: after the ack it
 * is a duplicate; before (the first request got a 503, or is still in flight) the same
 * event is published again under the same event id, which the pipeline deduplicates.
 */
interface Recorded {
  timeMs: number;
  reason: IvtReason | null;
  price: number | null;
  acked: boolean;
}
const encode = (r: Recorded) => `${r.timeMs}|${r.reason ?? ''}|${r.price ?? '?'}|${r.acked ? 'a' : ''}`;
function decode(value: string): Recorded {
  const [time, reason, price, acked] = value.split('|');
  return { timeMs: Number(time), reason: (reason || null) as IvtReason | null, price: price === '?' ? null : Number(price), acked: acked === 'a' };
}

/**
 * The tracking endpoints' rules (docs/tracking.md): verify the signed token, flag
 * invalid traffic, let each (auction, slot) count once, charge CPC clicks within budget,
 * and answer only after the event is durable in Redis (EventPublisher).
 */
@Injectable()
export class TrackingService {
  private readonly logger = new Logger(TrackingService.name);
  private readonly budgets: BudgetStore;
  private readonly bursts: BurstDetector;
  /** Impressions' and engagements' burst counts and claims, and every acknowledged mark: one script call per turn. */
  private readonly records: TrackingRecords;
  /** The per-request commands of concurrent requests (clicks' burst counts and claims, TrackingRecords' calls), one pipeline per event-loop turn. */
  private readonly batch: CommandBatch;
  private readonly keyTtlSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
    private readonly publisher: EventPublisher,
    private readonly lookup: AdLookup,
    batch: CommandBatch,
  ) {
    this.batch = batch;
    this.budgets = new BudgetStore(redis, undefined, batch);
    this.bursts = new BurstDetector(redis, undefined, undefined, this.batch);
    // Outlives every token: a URL can be replayed only while it is valid (plus the 60 s skew verifyEvent allows).
    this.keyTtlSeconds = config.tracking.ttlSeconds + 120;
    this.records = new TrackingRecords(redis, batch, this.keyTtlSeconds);
  }

  /** The signed event of a token, or 400 (forged, malformed, expired: never charged, never enqueued). */
  verify(token: string, nowMs: number): SignedEvent {
    const result = verifyEvent(token, this.config.tracking.secret, Math.floor(nowMs / 1000), this.config.tracking.ttlSeconds);
    if (result.ok) return result.event;
    switch (result.reason) {
      case 'EXPIRED':
        throw new InvalidParametersException('This tracking URL has expired.');
      case 'NOT_YET_VALID':
        throw new InvalidParametersException('This tracking URL is not valid yet.');
      default:
        throw new InvalidParametersException('Invalid tracking URL.');
    }
  }

  /** GET /t/i: one impression per (auction, slot). An IVT impression of a CPM ad is billed 0 and its reservation refunded. */
  async impression(hit: TrackingHit): Promise<void> {
    const signed = this.verify(hit.token, hit.nowMs);
    const billable = signed.billableEvent === 'IMPRESSION';
    const eventId = `i:${signed.auctionId}:${signed.slot}`;
    const key = this.key('imp', signed);
    const { recorded, previous } = await this.checkAndClaim(hit, key, billable ? signed.priceMicros : 0);
    if (previous) {
      // A replay of an invalid impression whose first request failed before its ack (a 503) may
      // have failed at the refund: refund again (at most once per impression) before publishing.
      if (billable && previous.reason && !previous.acked && signed.priceMicros > 0) await this.refundImpression(signed, key);
      return this.replay(key, previous, (stored) => this.event(signed, 'IMPRESSION', eventId, stored));
    }
    // The serve path reserved this impression's price; invalid traffic is never billed, so give it back.
    if (billable && recorded.reason && signed.priceMicros > 0) await this.refundImpression(signed, key);
    await this.publishOnce(key, recorded, this.event(signed, 'IMPRESSION', eventId, recorded));
  }

  /**
   * GET /t/c: the redirect target (destination + `epik`). A click is charged at most
   * once per impression; replays still redirect and are recorded as DUPLICATE_CLICK.
   */
  async click(hit: TrackingHit): Promise<string> {
    const { signed, location, eventId } = await this.clickTarget(hit.token, hit.nowMs);

    const [edge, impressionAt] = await Promise.all([this.edgeIvt(hit), this.redisCall(() => this.redis.get(this.key('imp', signed)))]);
    const reason = edge ?? clickTimingIvt(impressionAt === null ? null : decode(impressionAt).timeMs, hit.nowMs);
    const key = this.key('clk', signed);
    const recorded: Recorded = { timeMs: hit.nowMs, reason, price: null, acked: false };
    const previous = await this.claim(key, recorded);
    if (!previous) {
      try {
        recorded.price = reason || signed.billableEvent !== 'CLICKTHROUGH' ? 0 : await this.chargeClick(signed, hit.nowMs);
        await this.redisCall(() => this.redis.set(key, encode(recorded), 'KEEPTTL'));
      } catch (err) {
        // Undecided: let a retry of this click start over (best effort, Redis may be the problem).
        this.redis.del(key).catch(() => undefined);
        throw err;
      }
      await this.publishOnce(key, recorded, this.event(signed, 'CLICK', eventId, recorded));
      return location;
    }
    if (!previous.acked) {
      // The first request got no ack (503) or is still deciding its charge: publish the same event again, never charge again.
      if (previous.price !== null) await this.publishOnce(key, previous, this.event(signed, 'CLICK', eventId, previous));
      return location;
    }
    const n = await this.redisCall(async () => {
      const dupKey = `${key}:dup`;
      const [[, count]] = (await this.redis.multi().incr(dupKey).expire(dupKey, this.keyTtlSeconds).exec()) as [[Error | null, number]];
      return count;
    });
    if (n <= MAX_RECORDED_DUPLICATE_CLICKS) {
      const duplicate: Recorded = { timeMs: hit.nowMs, reason: 'DUPLICATE_CLICK', price: 0, acked: false };
      await this.publisher.publish([this.event(signed, 'CLICK', `${eventId}:dup${n}`, duplicate)]);
    }
    return location;
  }

  /**
   * Where a click URL leads, without recording anything: for HEAD requests (link
   * checkers, prefetchers), which must never count or charge a click.
   */
  async clickTarget(token: string, nowMs: number): Promise<{ signed: SignedEvent; location: string; eventId: string }> {
    const signed = this.verify(token, nowMs);
    const { destination } = await this.lookup.clickTarget(signed.adId);
    if (!destination) throw new NotFoundException('This ad has no destination link.');
    const eventId = `c:${signed.auctionId}:${signed.slot}`;
    return { signed, location: withEpik(destination, eventId), eventId };
  }

  /** POST /t/e: one engagement per (auction, slot, type); never billed. */
  async engagement(hit: TrackingHit, type: EngagementType): Promise<void> {
    const signed = this.verify(hit.token, hit.nowMs);
    const key = `${this.key('eng', signed)}:${type}`;
    const eventId = `e:${signed.auctionId}:${signed.slot}:${type}`;
    const { recorded, previous } = await this.checkAndClaim(hit, key, 0);
    if (previous) return this.replay(key, previous, (stored) => this.event(signed, 'ENGAGEMENT', eventId, stored, type));
    await this.publishOnce(key, recorded, this.event(signed, 'ENGAGEMENT', eventId, recorded, type));
  }

  /**
   * Edge IVT and the replay claim of an impression or engagement, in the turn's one
   * script call (TrackingRecords): the request's record (its IVT reason, user agent
   * first, then BURST; priced `priceMicros` only when valid) and, for a replay, the first
   * request's record instead. Every request counts toward its IP's burst windows.
   */
  private async checkAndClaim(hit: TrackingHit, key: string, priceMicros: number): Promise<{ recorded: Recorded; previous: Recorded | null }> {
    const uaReason = userAgentIvt(hit.userAgent);
    const { reason, previous } = await this.redisCall(() => this.records.claim({ ip: hit.ip, key, uaReason, timeMs: hit.nowMs, priceMicros }));
    const recorded: Recorded = { timeMs: hit.nowMs, reason, price: reason ? 0 : priceMicros, acked: false };
    return { recorded, previous: previous === null ? null : decode(previous) };
  }

  /** GIVT by user agent first; every request also counts toward its IP's burst windows. */
  private async edgeIvt(hit: TrackingHit): Promise<IvtReason | null> {
    const byAgent = userAgentIvt(hit.userAgent);
    const burst = await this.redisCall(() => this.bursts.record(hit.ip, hit.nowMs));
    return byAgent ?? burst;
  }

  private key(kind: 'imp' | 'clk' | 'eng', signed: SignedEvent): string {
    return `loupe:trk:${kind}:${signed.auctionId}:${signed.slot}`;
  }

  /**
   * Claims a key for the first request (SET NX, one command with GET: Redis ≥ 7.0); the
   * record lives as long as any token could. Answers null for the first request, else
   * what the first one recorded.
   */
  private async claim(key: string, recorded: Recorded): Promise<Recorded | null> {
    const value = encode(recorded);
    const previous = await this.redisCall(() => this.batch.call<string | null>((p) => p.set(key, value, 'EX', this.keyTtlSeconds, 'NX', 'GET')));
    return previous === null ? null : decode(previous);
  }

  /** A replay: publish the first request's event again only if it was never acknowledged. */
  private async replay(key: string, previous: Recorded, build: (stored: Recorded) => AdEvent): Promise<void> {
    if (!previous.acked && previous.price !== null) await this.publishOnce(key, previous, build(previous));
  }

  /** Durable ack, then remember it so later replays publish nothing (best effort: a lost mark only costs a deduplicated re-publish). */
  private async publishOnce(key: string, recorded: Recorded, event: AdEvent): Promise<void> {
    await this.publisher.publish([event]);
    const value = encode({ ...recorded, acked: true });
    this.records.markAcked(key, value).catch((err: unknown) => {
      this.logger.debug(`could not mark ${key} acknowledged: ${String(err)}`);
    });
  }

  private async chargeClick(signed: SignedEvent, nowMs: number): Promise<number> {
    const context = await this.lookup.chargeContext(signed.adGroupId);
    if (!context || signed.priceMicros === 0) return 0;
    const scope = { campaignId: signed.campaignId, adGroupId: signed.adGroupId, day: accountDay(context.timezone, nowMs) };
    const maxBid = Math.max(context.maxBidMicros, signed.priceMicros);
    const outcome = await this.redisCall(() => this.budgets.chargeClick(scope, context.limits, signed.priceMicros, maxBid));
    // Refused: the click is still recorded, unbilled, so spend stays within budget + one max bid.
    return outcome.ok ? signed.priceMicros : 0;
  }

  /** Gives back an invalid impression's serve-time reservation, once per impression (`key`) however often it is retried. */
  private async refundImpression(signed: SignedEvent, key: string): Promise<void> {
    const context = await this.lookup.chargeContext(signed.adGroupId);
    if (!context) return;
    // Reserved at serve time, so counted in the account day of the auction.
    const scope = { campaignId: signed.campaignId, adGroupId: signed.adGroupId, day: accountDay(context.timezone, signed.issuedAt * 1000) };
    await this.redisCall(() => this.budgets.refund(scope, signed.priceMicros, { id: key, ttlSeconds: this.keyTtlSeconds }));
  }

  /** Redis unreachable: 503, nothing acknowledged. */
  private async redisCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      this.logger.warn(`tracking: Redis unavailable: ${err instanceof Error ? err.message : String(err)}`);
      throw new ServiceUnavailableException('The event could not be recorded right now; retry the same request.');
    }
  }

  private event(signed: SignedEvent, type: AdEventType, eventId: string, recorded: Recorded, engagement: EngagementType | '' = ''): AdEvent {
    return {
      event_id: eventId,
      event_type: type,
      engagement_type: engagement,
      event_time_ms: recorded.timeMs,
      ad_account_id: signed.adAccountId,
      campaign_id: signed.campaignId,
      ad_group_id: signed.adGroupId,
      ad_id: signed.adId,
      pin_id: signed.pinId,
      auction_id: signed.auctionId,
      slot: signed.slot,
      placement: signed.placement,
      user_id: signed.userKey,
      click_id: '',
      price_micros: recorded.reason ? 0 : (recorded.price ?? 0),
      value_micros: 0,
      currency: '',
      conversion_type: '',
      ivt: recorded.reason !== null,
      ivt_reason: recorded.reason ?? '',
      age_bucket: signed.ageBucket,
      gender: signed.gender,
      location: signed.location,
      device: signed.device,
      locale: signed.locale,
      interest: signed.interest,
    };
  }
}

/** Appends `epik=<click event id>` as Pinterest does, so the advertiser's conversions can send it back as click_id. */
export function withEpik(destination: string, clickId: string): string {
  try {
    const url = new URL(destination);
    url.searchParams.set('epik', clickId);
    return url.toString();
  } catch {
    const [base, fragment] = destination.split('#', 2);
    const joined = `${base}${base!.includes('?') ? '&' : '?'}epik=${encodeURIComponent(clickId)}`;
    return fragment === undefined ? joined : `${joined}#${fragment}`;
  }
}
