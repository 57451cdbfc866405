import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import type { SpendLimits } from '../serving/budget-store';

/** Where a click on an ad lands: the ad's destination_url, else its pin's link (null: nowhere). */
export interface ClickTarget {
  destination: string | null;
}

/** What a click charge or an IVT refund needs to know about the ad group, its campaign and account. */
export interface ChargeContext {
  limits: SpendLimits;
  /** The ad group's bid, the "one maximum bid" of the overspend bound (0 when it has none). */
  maxBidMicros: number;
  /** The ad account's timezone: days are cut at its midnight (accountDay). */
  timezone: string;
}

/** Long enough to keep Postgres off the hot path, short enough that a budget change applies within it. */
export const AD_LOOKUP_TTL_MS = 10_000;

/**
 * The click path may read Postgres (the serve path may not): destination links and the
 * current budget limits, each cached in-process for AD_LOOKUP_TTL_MS. A stale limit
 * for a few seconds is bounded: the charge itself is atomic in Redis.
 */
@Injectable()
export class AdLookup {
  private readonly targets = new LRUCache<string, ClickTarget>({ max: 50_000, ttl: AD_LOOKUP_TTL_MS });
  private readonly charges = new LRUCache<string, ChargeContext>({ max: 50_000, ttl: AD_LOOKUP_TTL_MS });

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async clickTarget(adId: string): Promise<ClickTarget> {
    const cached = this.targets.get(adId);
    if (cached) return cached;
    const [row] = await this.dataSource.query<{ destination: string | null }[]>(
      `SELECT COALESCE(NULLIF(a.destination_url, ''), NULLIF(p.link, '')) AS destination
         FROM ads a JOIN pins p ON p.id = a.pin_id WHERE a.id = $1`,
      [adId],
    );
    const target = { destination: row?.destination ?? null };
    this.targets.set(adId, target);
    return target;
  }

  /** null when the ad group no longer exists. */
  async chargeContext(adGroupId: string): Promise<ChargeContext | null> {
    const cached = this.charges.get(adGroupId);
    if (cached) return cached;
    const [row] = await this.dataSource.query<
      {
        budget_type: 'DAILY' | 'LIFETIME';
        budget: string | null;
        bid: string | null;
        daily_cap: string | null;
        lifetime_cap: string | null;
        timezone: string;
      }[]
    >(
      `SELECT g.budget_type, g.budget_in_micro_currency AS budget, g.bid_in_micro_currency AS bid,
              c.daily_spend_cap AS daily_cap, c.lifetime_spend_cap AS lifetime_cap, acc.timezone
         FROM ad_groups g JOIN campaigns c ON c.id = g.campaign_id JOIN ad_accounts acc ON acc.id = g.ad_account_id
        WHERE g.id = $1`,
      [adGroupId],
    );
    if (!row) return null;
    const micros = (v: string | null) => (v === null ? -1 : Number(v));
    const budget = micros(row.budget);
    const context: ChargeContext = {
      limits: {
        adGroupDaily: row.budget_type === 'DAILY' ? budget : -1,
        // A LIFETIME budget is paced over the flight by serving; the hard cap is the whole budget.
        adGroupLifetime: row.budget_type === 'LIFETIME' ? budget : -1,
        campaignDaily: micros(row.daily_cap),
        campaignLifetime: micros(row.lifetime_cap),
      },
      maxBidMicros: row.bid === null ? 0 : Number(row.bid),
      timezone: row.timezone,
    };
    this.charges.set(adGroupId, context);
    return context;
  }
}
