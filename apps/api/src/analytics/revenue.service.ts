import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DEFAULT_CLICK_WINDOW_DAYS, DEFAULT_VIEW_WINDOW_DAYS } from '@loupe/analytics';
import type { AccountRevenue, AdAccountRole, CrossAccountRevenue, RevenueQuarter } from '@loupe/contracts';
import {
  aggregate,
  fractionToNumber,
  growth,
  integerToNumber,
  nextQuarter,
  previousQuarter,
  quarterLabel,
  quarterOf,
  quarterRange,
  roas,
  roi,
  totalConversionValueMicros,
  type BaseMeasures,
  type Fraction,
  type Quarter,
} from '@loupe/metrics';
import { NotFoundException, PermissionDeniedException } from '@loupe/server-core';
import { DataSource } from 'typeorm';
import { roleAllows } from '../auth/permissions';
import { addDays, floorToHour, startOfLocalDay } from './local-time';
import { MeasureStore } from './measure-store';

interface AccountInfo {
  id: string;
  currency: string;
  timezone: string;
}

/**
 * Quarter-over-quarter revenue (issue 6 §4): per quarter cut in the ad account's
 * timezone, spend (the platform's revenue), attributed conversion value (the
 * advertiser's revenue), ROAS and ROI, each with growth against the previous quarter
 * and the same quarter a year earlier. Conversions use Pinterest's default windows at
 * the time of the ad action — the rollups' figures, so these agree with analytics.
 */
@Injectable()
export class RevenueService {
  constructor(
    private readonly store: MeasureStore,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async forAccount(account: AccountInfo, quarters: number, now = new Date()): Promise<AccountRevenue> {
    const byQuarter = await this.quarterMeasures(account, quarters, now);
    return { ...header(account), quarters: series(this.wanted(account, quarters, now), byQuarter) };
  }

  /** Several accounts the user may read; totals kept apart per currency. */
  async forUser(userId: string, adAccountIds: readonly string[], quarters: number, now = new Date()): Promise<CrossAccountRevenue> {
    const ids = [...new Set(adAccountIds)];
    const rows = await this.dataSource.query<{ id: string; currency: string; timezone: string; role: AdAccountRole }[]>(
      `SELECT a.id::text AS id, trim(a.currency) AS currency, a.timezone, m.role
         FROM ad_accounts a JOIN ad_account_members m ON m.ad_account_id = a.id AND m.user_id = $1
        WHERE a.id = ANY($2::bigint[]) ORDER BY a.id`,
      [userId, ids],
    );
    const found = new Map(rows.map((r) => [r.id, r]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new NotFoundException(`Ad account ${missing.join(', ')} not found.`);
    const denied = rows.filter((r) => !roleAllows(r.role, 'analytics:read'));
    if (denied.length > 0) {
      throw new PermissionDeniedException(`Your role on ad account ${denied.map((r) => `${r.id} (${r.role})`).join(', ')} does not allow reading analytics.`);
    }
    const accounts: AccountRevenue[] = [];
    const perCurrency = new Map<string, { ids: string[]; measures: Map<string, BaseMeasures[]>; wanted: Quarter[] }>();
    for (const account of rows) {
      const wanted = this.wanted(account, quarters, now);
      const byQuarter = await this.quarterMeasures(account, quarters, now);
      accounts.push({ ...header(account), quarters: series(wanted, byQuarter) });
      const bucket = perCurrency.get(account.currency) ?? { ids: [], measures: new Map<string, BaseMeasures[]>(), wanted };
      bucket.ids.push(account.id);
      for (const [label, m] of byQuarter) bucket.measures.set(label, [...(bucket.measures.get(label) ?? []), m]);
      perCurrency.set(account.currency, bucket);
    }
    const totals = [...perCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, bucket]) => {
        const summed = new Map([...bucket.measures].map(([label, list]) => [label, aggregate(list)]));
        return { currency, ad_account_ids: bucket.ids, quarters: series(bucket.wanted, summed) };
      });
    return { accounts, totals_by_currency: totals };
  }

  /** The last `count` quarters up to the account's current quarter, oldest first. */
  private wanted(account: AccountInfo, count: number, now: Date): Quarter[] {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: account.timezone }).format(now);
    const list: Quarter[] = [quarterOf(today)];
    while (list.length < count) list.unshift(previousQuarter(list[0]!));
    return list;
  }

  /** Measures per quarter label, from a year before the first wanted quarter (for YoY) to the current one. */
  private async quarterMeasures(account: AccountInfo, count: number, now: Date): Promise<Map<string, BaseMeasures>> {
    const wanted = this.wanted(account, count + 4, now);
    const from = floorToHour(startOfLocalDay(quarterRange(wanted[0]!).start, account.timezone));
    const to = floorToHour(startOfLocalDay(quarterRange(nextQuarter(wanted[wanted.length - 1]!)).start, account.timezone));
    const rows = await this.store.read({
      level: 'ad_account',
      adAccountIds: [account.id],
      from,
      to,
      granularity: 'QUARTER',
      timezone: account.timezone,
      clickWindowDays: DEFAULT_CLICK_WINDOW_DAYS,
      viewWindowDays: DEFAULT_VIEW_WINDOW_DAYS,
      reportTime: 'TIME_OF_AD_ACTION',
      // Revenue is spend and attributed conversion value (ROAS, ROI and growth come from these two).
      measures: ['spendMicros', 'conversionValueMicros'],
    });
    return new Map(rows.map((r) => [quarterLabel(quarterOf(r.period!)), r.measures]));
  }
}

function header(account: AccountInfo): Omit<AccountRevenue, 'quarters'> {
  return {
    ad_account_id: account.id,
    currency: account.currency,
    timezone: account.timezone,
    attribution: { click_window_days: DEFAULT_CLICK_WINDOW_DAYS, view_window_days: DEFAULT_VIEW_WINDOW_DAYS, conversion_report_time: 'TIME_OF_AD_ACTION' },
  };
}

const ratio = (value: Fraction | null): number | null => (value === null ? null : fractionToNumber(value));

function series(wanted: readonly Quarter[], byQuarter: ReadonlyMap<string, BaseMeasures>): RevenueQuarter[] {
  const of = (q: Quarter): BaseMeasures => byQuarter.get(quarterLabel(q)) ?? aggregate([]);
  return wanted.map((q) => {
    const m = of(q);
    const prev = of(previousQuarter(q));
    const lastYear = of({ year: q.year - 1, quarter: q.quarter });
    const range = quarterRange(q);
    const pair = <T>(pick: (x: BaseMeasures) => T, g: (a: T, b: T) => Fraction | null) => ({ qoq: ratio(g(pick(m), pick(prev))), yoy: ratio(g(pick(m), pick(lastYear))) });
    return {
      quarter: quarterLabel(q),
      start_date: range.start,
      end_date: addDays(range.endExclusive, -1),
      spend_in_micro_currency: integerToNumber(m.spendMicros),
      conversion_value_in_micro_currency: integerToNumber(totalConversionValueMicros(m)),
      roas: ratio(roas(m)),
      roi: ratio(roi(m)),
      growth: {
        spend: pair((x) => x.spendMicros, growth),
        conversion_value: pair((x) => totalConversionValueMicros(x), growth),
        roas: pair((x) => roas(x), growth),
        roi: pair((x) => roi(x), growth),
      },
    };
  });
}
