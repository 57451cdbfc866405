import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AudienceIndex,
  isReserveCurrency,
  RESERVE_CURRENCIES,
  reservePerEventMicros,
  SERVING_PLACEMENTS,
  type AudienceRule,
  type BillableEvent,
  type PlacementGroup,
  type ServingPlacement,
} from '@loupe/auction';
import { targetingAudience, type PacingDeliveryType, type TargetingSpec } from '@loupe/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { toAudienceRule } from '../audience/audience-rule';
import { newExplainSlot, type ExplainSlot } from './explain';

/** One deliverable ad (ACTIVE, review APPROVED) with what the response shows of its pin. */
export interface IndexedAd {
  adId: string;
  pinId: string;
  title: string | null;
  description: string | null;
  imageUrl: string;
  /** The ad's destination URL, else the pin's link. */
  link: string | null;
  /**
   * This ad's fixed part of a serve answer, as JSON.stringify writes it: the members
   * `"ad_id":…,"ad_group_id":…,"campaign_id":…,"ad_account_id":…,"pin":{…},"billable_event":…`
   * (no braces). Made once per index load, so an answer is mostly concatenation
   * (ServeService.serveJson; serve-answer.spec.ts compares it with JSON.stringify).
   */
  answerMembers: string;
  /** UTF-8 bytes of `answerMembers` beyond its length in characters (0 when it is ASCII). */
  answerMembersExtraBytes: number;
}

/** An ad group's bid and floor on one placement: in its own currency and in the auction's USD-equivalent micros. */
export interface PlacementBid {
  /** The bid per billable event (the floor for automatic bidding), in the account's currency. */
  localBidMicros: number;
  localReserveMicros: number;
  bidUsdMicros: number;
  reserveUsdMicros: number;
}

/**
 * An ad group the serve path may consider: everything eligibility, pricing and the
 * budget scripts need, normalised once when the index is (re)built so a request does
 * no parsing and no I/O beyond its Redis reservations.
 */
export interface IndexedAdGroup {
  adAccountId: string;
  campaignId: string;
  adGroupId: string;
  currency: string;
  /** `currency` as a JSON string (for the serve answer's text). */
  currencyJson: string;
  /** Static units of the currency per USD, in millionths (see libs/auction reserve.ts). */
  perUsdMillionths: number;
  timezone: string;
  placementGroup: PlacementGroup;
  billableEvent: BillableEvent;
  /** Max bid per billable event (CPM ÷ 1000 for IMPRESSION), integer micros; null = automatic bidding. */
  bidPerEventMicros: number | null;
  /** The bid as stored (Pinterest's units: CPM or CPC), for diagnostics. */
  bidMicros: number | null;
  budgetMicros: number | null;
  budgetType: 'DAILY' | 'LIFETIME' | 'CBO_ADGROUP';
  pacing: PacingDeliveryType;
  /** The later of the campaign's and the ad group's start, unix seconds (null: no bound). */
  startSeconds: number | null;
  /** The earlier of the two ends. */
  endSeconds: number | null;
  campaignDailyCapMicros: number | null;
  campaignLifetimeCapMicros: number | null;
  lifetimeFrequencyCap: number | null;
  dailyFrequencyCap: number | null;
  /** Either frequency cap is set. */
  frequencyCapped: boolean;
  rule: AudienceRule;
  /** Floors per billable event for each placement, in the account's currency. */
  reserveMicros: Readonly<Record<ServingPlacement, number>>;
  /** Bids and floors per placement, converted once per load instead of per request. */
  placementBids: Readonly<Record<ServingPlacement, PlacementBid>>;
  ads: readonly IndexedAd[];
  /** The serve path's handle on this ad group's explain counts (see `ExplainSlot`). */
  explainSlot: ExplainSlot;
}

/** A placement's deliverable ad groups and the inverted index of their audiences. */
export interface PlacementIndex {
  groups: readonly IndexedAdGroup[];
  /** `bids[i]` is `groups[i]`'s bid and floor here: an array read (a keyed read of `placementBids` by placement was ~10% of a request). */
  bids: readonly PlacementBid[];
  /** Bit i of `audiences.match(request)` = `groups[i]` targets the request's user. */
  audiences: AudienceIndex;
}

interface AdGroupQueryRow {
  id: string;
  ad_account_id: string;
  campaign_id: string;
  budget_in_micro_currency: string | null;
  bid_in_micro_currency: string | null;
  budget_type: IndexedAdGroup['budgetType'];
  start_time: Date | null;
  end_time: Date | null;
  targeting_spec: TargetingSpec;
  lifetime_frequency_cap: number | null;
  daily_frequency_cap: number | null;
  placement_group: PlacementGroup;
  pacing_delivery_type: PacingDeliveryType;
  billable_event: BillableEvent;
  campaign_start: Date | null;
  campaign_end: Date | null;
  daily_spend_cap: string | null;
  lifetime_spend_cap: string | null;
  currency: string;
  timezone: string;
}

interface AdQueryRow {
  id: string;
  ad_group_id: string;
  pin_id: string;
  destination_url: string | null;
  title: string | null;
  description: string | null;
  image_url: string;
  link: string | null;
}

/**
 * Bids of ad accounts in different currencies compete in one auction, so the engine runs
 * in USD-equivalent micros (libs/auction's static reserve factors: stable, integer) and
 * prices are converted back (ServeService), rounded up, and kept between the floor and the bid.
 */
export const toUsd = (micros: number, perUsdMillionths: number): number => Math.round((micros * 1_000_000) / perUsdMillionths);

const seconds = (d: Date | null): number | null => (d === null ? null : Math.floor(d.getTime() / 1000));
const micros = (v: string | null): number | null => (v === null ? null : Number(v));
const later = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
const earlier = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

/**
 * The in-memory index of deliverable ad groups (docs/serving.md). Statuses and review
 * are filtered when it is built; schedules are checked per request (they pass by time,
 * not by a write). It is rebuilt per ad account on change notifications and in full by
 * the periodic resync; the serve path only reads `forPlacement`.
 *
 * Reloads race (a notification's reload and a full resync): each load takes a sequence
 * number before it queries, and an account's entry is replaced only by a load that
 * started after the one that produced it, so an older snapshot never wins.
 */
/** The deliverable ad groups with what serving needs of their campaign and account (a load appends its account filter). */
const GROUPS_SQL = `SELECT g.id, g.ad_account_id, g.campaign_id, g.budget_in_micro_currency, g.bid_in_micro_currency, g.budget_type,
       g.start_time, g.end_time, g.targeting_spec, g.lifetime_frequency_cap, g.daily_frequency_cap,
       g.placement_group, g.pacing_delivery_type, g.billable_event,
       c.start_time AS campaign_start, c.end_time AS campaign_end, c.daily_spend_cap, c.lifetime_spend_cap,
       a.currency, a.timezone
  FROM ad_groups g
  JOIN campaigns c ON c.id = g.campaign_id
  JOIN ad_accounts a ON a.id = g.ad_account_id
 WHERE g.status = 'ACTIVE' AND c.status = 'ACTIVE'`;

/** Their approved ACTIVE ads with the pins they show (the same filter appended). */
const ADS_SQL = `SELECT ad.id, ad.ad_group_id, ad.pin_id, ad.destination_url, p.title, p.description, p.image_url, p.link
  FROM ads ad
  JOIN pins p ON p.id = ad.pin_id
  JOIN ad_groups g ON g.id = ad.ad_group_id
  JOIN campaigns c ON c.id = g.campaign_id
 WHERE ad.status = 'ACTIVE' AND ad.review_status = 'APPROVED' AND g.status = 'ACTIVE' AND c.status = 'ACTIVE'`;

@Injectable()
export class ServingIndex {
  private readonly accounts = new Map<string, { seq: number; groups: IndexedAdGroup[] }>();
  private seq = 0;
  /** The fingerprint of the rows the last full load read, and that load's sequence number (`resync`). */
  private loaded: { fingerprint: string; seq: number } | null = null;
  /** The sequence number of the latest load other than `resync`'s (an account's, or `reloadAll`). */
  private otherLoadSeq = 0;
  private placements: Record<ServingPlacement, PlacementIndex> | null = null;
  private all: IndexedAdGroup[] = [];

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Deliverable ad groups whose placement setting covers `placement` (ALL covers each). */
  forPlacement(placement: ServingPlacement): readonly IndexedAdGroup[] {
    return this.derived()[placement].groups;
  }

  /** The same ad groups with the inverted index of their audiences (bit i = `groups[i]`). */
  indexedForPlacement(placement: ServingPlacement): PlacementIndex {
    return this.derived()[placement];
  }

  /** Every indexed ad group (the pacing loop and quality refresh walk them). */
  allGroups(): readonly IndexedAdGroup[] {
    this.derived();
    return this.all;
  }

  /** Reloads every ad account (boot, and after a reconnect of the change subscriber, when notifications may have been lost). */
  async reloadAll(): Promise<void> {
    const seq = ++this.seq;
    this.apply(seq, await this.load(this.dataSource.manager, null));
    this.otherLoadSeq = Math.max(this.otherLoadSeq, seq);
  }

  /**
   * The periodic safety net for lost change notifications: a full reload, skipped when it
   * would change nothing. In one REPEATABLE READ snapshot it asks Postgres for an md5 of
   * exactly the rows a full load reads (an md5 of each row's text, in id order); when that equals the fingerprint of the last full
   * load and no account has been reloaded since, the index already holds those rows and
   * nothing else is read. Otherwise the rows are loaded from the same snapshot.
   *
   * A full rebuild in every API process at once every 30 s cost each of them several
   * milliseconds of event loop (rows parsed, ad groups and audience indexes rebuilt), a
   * stall every serve request in flight waited through (docs/serving.md "Measuring the
   * p99"); the fingerprint is one row. An account reload since the last full load makes
   * the next resync a full one, whatever the fingerprint (so does a `reloadAll`): a change
   * the index took from a notification and a revert whose notification was lost would
   * leave the rows as they were, and the index not. Returns whether it reloaded.
   */
  async resync(): Promise<boolean> {
    const seq = ++this.seq;
    const reloaded = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [{ fingerprint }] = await manager.query<{ fingerprint: string }[]>(
        `SELECT md5(coalesce((SELECT string_agg(md5(q::text), '' ORDER BY q.id) FROM (${GROUPS_SQL}) q), '') || '#' ||
                    coalesce((SELECT string_agg(md5(q::text), '' ORDER BY q.id) FROM (${ADS_SQL}) q), '')) AS fingerprint`,
      );
      const loaded = this.loaded;
      if (loaded !== null && loaded.fingerprint === fingerprint && this.otherLoadSeq < loaded.seq) return null;
      return { fingerprint, groups: await this.load(manager, null) };
    });
    if (reloaded === null) return false;
    this.apply(seq, reloaded.groups);
    this.loaded = { fingerprint: reloaded.fingerprint, seq };
    return true;
  }

  /** A full load's ad groups replace every account's (those of accounts it did not find are dropped). */
  private apply(seq: number, groups: IndexedAdGroup[]): void {
    const byAccount = new Map<string, IndexedAdGroup[]>();
    for (const g of groups) {
      const list = byAccount.get(g.adAccountId) ?? [];
      list.push(g);
      byAccount.set(g.adAccountId, list);
    }
    for (const [id, entry] of this.accounts) {
      if (entry.seq < seq && !byAccount.has(id)) this.accounts.delete(id);
    }
    for (const [id, list] of byAccount) this.put(id, seq, list);
    this.placements = null;
  }

  /** Reloads one ad account after a change notification. */
  async reloadAccount(adAccountId: string): Promise<void> {
    if (!/^\d{1,18}$/.test(adAccountId)) return;
    const seq = ++this.seq;
    const groups = await this.load(this.dataSource.manager, adAccountId);
    this.put(adAccountId, seq, groups);
    this.otherLoadSeq = Math.max(this.otherLoadSeq, seq);
    this.placements = null;
  }

  private put(adAccountId: string, seq: number, groups: IndexedAdGroup[]): void {
    const current = this.accounts.get(adAccountId);
    if (current && current.seq > seq) return;
    if (groups.length === 0) this.accounts.delete(adAccountId);
    else this.accounts.set(adAccountId, { seq, groups });
  }

  private derived(): Record<ServingPlacement, PlacementIndex> {
    if (this.placements) return this.placements;
    const all = [...this.accounts.values()].flatMap((e) => e.groups);
    const placements = Object.fromEntries(
      SERVING_PLACEMENTS.map((p) => {
        const groups = all.filter((g) => g.placementGroup === 'ALL' || g.placementGroup === p);
        return [p, { groups, bids: groups.map((g) => g.placementBids[p]), audiences: new AudienceIndex(groups.map((g) => g.rule)) }];
      }),
    ) as unknown as Record<ServingPlacement, PlacementIndex>;
    this.all = all;
    this.placements = placements;
    return placements;
  }

  private async load(db: EntityManager, adAccountId: string | null): Promise<IndexedAdGroup[]> {
    const scope = adAccountId === null ? '' : ' AND g.ad_account_id = $1';
    const params = adAccountId === null ? [] : [adAccountId];
    const groupRows = await db.query<AdGroupQueryRow[]>(GROUPS_SQL + scope, params);
    if (groupRows.length === 0) return [];
    const adRows = await db.query<AdQueryRow[]>(`${ADS_SQL}${scope} ORDER BY ad.id`, params);
    const adsByGroup = new Map<string, IndexedAd[]>();
    for (const row of adRows) {
      const list = adsByGroup.get(row.ad_group_id) ?? [];
      list.push({ adId: row.id, pinId: row.pin_id, title: row.title, description: row.description, imageUrl: row.image_url, link: row.destination_url ?? row.link, answerMembers: '', answerMembersExtraBytes: 0 });
      adsByGroup.set(row.ad_group_id, list);
    }
    const groups: IndexedAdGroup[] = [];
    for (const row of groupRows) {
      const ads = adsByGroup.get(row.id);
      const currency = row.currency.trim();
      // Without an approved ad there is nothing to show; without a known currency no floor.
      if (!ads || !isReserveCurrency(currency)) continue;
      const bid = micros(row.bid_in_micro_currency);
      const perUsdMillionths = RESERVE_CURRENCIES[currency].perUsdMillionths;
      const reserveMicros = Object.fromEntries(
        SERVING_PLACEMENTS.map((p) => [p, reservePerEventMicros({ placement: p, billableEvent: row.billable_event, currency })]),
      ) as Record<ServingPlacement, number>;
      const bidPerEventMicros = bid === null ? null : row.billable_event === 'IMPRESSION' ? Math.floor(bid / 1000) : bid;
      const placementBids = Object.fromEntries(
        SERVING_PLACEMENTS.map((p) => {
          // Automatic bidding (no bid stored) bids the floor: it wins only unopposed inventory.
          const localBidMicros = bidPerEventMicros ?? reserveMicros[p];
          const localReserveMicros = reserveMicros[p];
          const placementBid: PlacementBid = { localBidMicros, localReserveMicros, bidUsdMicros: toUsd(localBidMicros, perUsdMillionths), reserveUsdMicros: toUsd(localReserveMicros, perUsdMillionths) };
          return [p, placementBid];
        }),
      ) as Record<ServingPlacement, PlacementBid>;
      for (const ad of ads) {
        ad.answerMembers = answerMembers(ad, row.id, row.campaign_id, row.ad_account_id, row.billable_event);
        ad.answerMembersExtraBytes = Buffer.byteLength(ad.answerMembers) - ad.answerMembers.length;
      }
      groups.push({
        adAccountId: row.ad_account_id,
        campaignId: row.campaign_id,
        adGroupId: row.id,
        currency,
        currencyJson: JSON.stringify(currency),
        perUsdMillionths,
        timezone: row.timezone,
        placementGroup: row.placement_group,
        billableEvent: row.billable_event,
        bidMicros: bid,
        bidPerEventMicros,
        budgetMicros: micros(row.budget_in_micro_currency),
        budgetType: row.budget_type,
        pacing: row.pacing_delivery_type,
        startSeconds: later(seconds(row.start_time), seconds(row.campaign_start)),
        endSeconds: earlier(seconds(row.end_time), seconds(row.campaign_end)),
        campaignDailyCapMicros: micros(row.daily_spend_cap),
        campaignLifetimeCapMicros: micros(row.lifetime_spend_cap),
        lifetimeFrequencyCap: row.lifetime_frequency_cap,
        dailyFrequencyCap: row.daily_frequency_cap,
        frequencyCapped: row.lifetime_frequency_cap !== null || row.daily_frequency_cap !== null,
        rule: toAudienceRule(targetingAudience(row.targeting_spec ?? {})),
        reserveMicros,
        placementBids,
        ads,
        explainSlot: newExplainSlot(),
      });
    }
    return groups;
  }
}

/** The fixed members of an ad's serve answer (`IndexedAd.answerMembers`), in the contract's order. */
export function answerMembers(ad: IndexedAd, adGroupId: string, campaignId: string, adAccountId: string, billableEvent: BillableEvent): string {
  const fixed = {
    ad_id: ad.adId,
    ad_group_id: adGroupId,
    campaign_id: campaignId,
    ad_account_id: adAccountId,
    pin: { id: ad.pinId, title: ad.title, description: ad.description, image_url: ad.imageUrl, link: ad.link },
    billable_event: billableEvent,
  };
  return JSON.stringify(fixed).slice(1, -1);
}
