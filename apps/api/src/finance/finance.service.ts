import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DEFAULT_CLICK_WINDOW_DAYS, DEFAULT_VIEW_WINDOW_DAYS } from '@loupe/analytics';
import type {
  AccountFinanceSpend,
  AdAccountRole,
  BillingInvoice,
  BillingInvoiceDetail,
  CrossAccountFinanceSpend,
  FinanceFigures,
  FinanceGranularity,
  FinancePeriod,
  FinancePeriodFigures,
  InvoiceLine,
} from '@loupe/contracts';
import { integerToNumber, totalConversionValueMicros } from '@loupe/metrics';
import { NotFoundException, PermissionDeniedException } from '@loupe/server-core';
import type { DataSource, EntityManager } from 'typeorm';
import { startOfLocalDay } from '../analytics/local-time';
import { MeasureStore } from '../analytics/measure-store';
import { roleAllows } from '../auth/permissions';
import { PeriodNotEndedException } from './finance.exception';
import {
  addMonths,
  currentMonth,
  ledgerHours,
  monthEndDate,
  monthEnded,
  monthIndex,
  monthsBetween,
  monthStartDate,
  quarterOfMonth,
  quarterStartMonth,
} from './finance-periods';

export interface FinanceAccount {
  id: string;
  name: string;
  currency: string;
  timezone: string;
}

/** One ad group's figures of one month (or one restatement). */
interface Line {
  campaignId: string;
  adGroupId: string;
  campaignName: string | null;
  spend: bigint;
  impressions: bigint;
  clicks: bigint;
  conversionValue: bigint;
}

interface ClosedPeriod {
  period: string;
  adAccountName: string;
  timezone: string;
  currency: string;
  closedAt: Date;
  closedBy: string;
  note: string | null;
}

interface MonthFigures {
  spend: bigint;
  impressions: bigint;
  clicks: bigint;
  rSpend: bigint;
  rImpressions: bigint;
  rClicks: bigint;
}

const ZERO: MonthFigures = { spend: 0n, impressions: 0n, clicks: 0n, rSpend: 0n, rImpressions: 0n, rClicks: 0n };
/** Namespace of the per-account advisory lock that serialises closing and restatement detection. */
const FINANCE_LOCK = 7_345_001;

type Query = Pick<EntityManager, 'query'>;

/**
 * Finance figures (docs/finance.md). Open months are read from the Postgres spend
 * ledger (and, for the informational conversion value, ClickHouse through
 * MeasureStore); closed months only from their snapshot. Before any read, the live
 * figures of every closed month are compared with what was closed (plus the
 * restatements already booked for it), and a difference is booked as dated
 * restatement rows into the first open month after it — so a closed month never
 * changes, and nothing that was billed is lost.
 */
@Injectable()
export class FinanceService {
  constructor(
    private readonly store: MeasureStore,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async account(id: string): Promise<FinanceAccount> {
    const [row] = await this.dataSource.query<FinanceAccount[]>(
      `SELECT id::text AS id, name, trim(currency) AS currency, timezone FROM ad_accounts WHERE id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException(`Ad account ${id} not found.`);
    return row;
  }

  /* ------------------------------------------------------------ spend */

  async spend(account: FinanceAccount, granularity: FinanceGranularity, start: string, end: string): Promise<{ report: AccountFinanceSpend; generatedAt: Date | null }> {
    await this.detectRestatements(account);
    const first = granularity === 'QUARTER' ? quarterStartMonth(start) : start;
    const last = granularity === 'QUARTER' ? addMonths(quarterStartMonth(end), 2) : end;
    const months = monthsBetween(first, last);
    const byMonth = await this.monthFigures(account, first, last);
    const closed = await this.closedPeriods(this.dataSource, account.id);
    const groups = new Map<string, string[]>();
    for (const m of months) {
      const label = granularity === 'QUARTER' ? quarterOfMonth(m) : m;
      groups.set(label, [...(groups.get(label) ?? []), m]);
    }
    const periods: FinancePeriodFigures[] = [...groups].map(([label, list]) => ({
      period: label,
      start_date: monthStartDate(list[0]!),
      end_date: monthEndDate(list[list.length - 1]!),
      status: list.every((m) => closed.has(m)) ? 'CLOSED' : 'OPEN',
      ...figuresJson(sum(list.map((m) => byMonth.get(m) ?? ZERO))),
    }));
    const allClosed = months.every((m) => closed.has(m));
    // A file of closed months only is dated by its last closing, so it is the same bytes on every download.
    const generatedAt = allClosed ? new Date(Math.max(...months.map((m) => closed.get(m)!.closedAt.getTime()))) : null;
    return {
      report: {
        ad_account_id: account.id,
        currency: account.currency,
        timezone: account.timezone,
        granularity,
        periods,
        totals: figuresJson(sum(months.map((m) => byMonth.get(m) ?? ZERO))),
      },
      generatedAt,
    };
  }

  /** Several accounts the user may read finance on; totals kept apart per currency. */
  async spendForUser(userId: string, adAccountIds: readonly string[], granularity: FinanceGranularity, start: string, end: string): Promise<CrossAccountFinanceSpend> {
    const ids = [...new Set(adAccountIds)];
    const rows = await this.dataSource.query<(FinanceAccount & { role: AdAccountRole })[]>(
      `SELECT a.id::text AS id, a.name, trim(a.currency) AS currency, a.timezone, m.role
         FROM ad_accounts a JOIN ad_account_members m ON m.ad_account_id = a.id AND m.user_id = $1
        WHERE a.id = ANY($2::bigint[]) ORDER BY a.id`,
      [userId, ids],
    );
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new NotFoundException(`Ad account ${missing.join(', ')} not found.`);
    const denied = rows.filter((r) => !roleAllows(r.role, 'finance:read'));
    if (denied.length > 0) {
      throw new PermissionDeniedException(`Your role on ad account ${denied.map((r) => `${r.id} (${r.role})`).join(', ')} does not allow reading finance.`);
    }
    const accounts: AccountFinanceSpend[] = [];
    for (const row of rows) accounts.push((await this.spend(row, granularity, start, end)).report);
    const perCurrency = new Map<string, AccountFinanceSpend[]>();
    for (const a of accounts) perCurrency.set(a.currency, [...(perCurrency.get(a.currency) ?? []), a]);
    const totals = [...perCurrency.entries()]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([currency, list]) => ({
        currency,
        ad_account_ids: list.map((a) => a.ad_account_id),
        periods: list[0]!.periods.map((p, i) => ({ period: p.period, ...addFigures(list.map((a) => a.periods[i]!)) })),
        totals: addFigures(list.map((a) => a.totals)),
      }));
    return { accounts, totals_by_currency: totals };
  }

  /* ------------------------------------------------------------ periods */

  async periods(account: FinanceAccount, start: string | undefined, end: string | undefined, now = new Date()): Promise<FinancePeriod[]> {
    const last = end ?? currentMonth(account.timezone, now);
    const first = start ?? addMonths(last, -11);
    const closed = await this.closedPeriods(this.dataSource, account.id);
    return monthsBetween(first, last)
      .reverse()
      .map((m) => this.periodJson(account, m, closed.get(m) ?? null, now));
  }

  /** Closes a month: idempotent; refused until the month has ended in the account's timezone. */
  async close(account: FinanceAccount, period: string, userId: string, note: string | undefined, now = new Date()): Promise<FinancePeriod> {
    if (!monthEnded(period, account.timezone, now)) {
      throw new PeriodNotEndedException(period, account.timezone, startOfLocalDay(monthStartDate(addMonths(period, 1)), account.timezone));
    }
    const closed = await this.dataSource.transaction(async (tx) => {
      await lock(tx, account.id);
      const existing = (await this.closedPeriods(tx, account.id)).get(period);
      if (existing) return existing;
      // Corrections of earlier closed months found now belong to this month if it is the first open one.
      await this.detectUnderLock(tx, account, now);
      const lines = await this.liveLines(tx, account, period);
      await tx.query(
        `INSERT INTO finance_periods (ad_account_id, period, ad_account_name, timezone, currency, closed_at, closed_by, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [account.id, period, account.name, account.timezone, account.currency, now, userId, note ?? null],
      );
      if (lines.length > 0) {
        await tx.query(
          `INSERT INTO finance_period_lines
             (ad_account_id, period, campaign_id, ad_group_id, campaign_name, spend_micros, billed_impressions, billed_clicks, conversion_value_micros)
           SELECT $1, $2, r.campaign_id, r.ad_group_id, r.campaign_name, r.spend, r.impressions, r.clicks, r.conversion_value
             FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
               AS r(campaign_id, ad_group_id, campaign_name, spend, impressions, clicks, conversion_value)`,
          [account.id, period, ...lineColumns(lines)],
        );
      }
      return (await this.closedPeriods(tx, account.id)).get(period)!;
    });
    return this.periodJson(account, period, closed, now);
  }

  private periodJson(account: FinanceAccount, period: string, closed: ClosedPeriod | null, now: Date): FinancePeriod {
    return {
      ad_account_id: account.id,
      period,
      start_date: monthStartDate(period),
      end_date: monthEndDate(period),
      currency: closed?.currency ?? account.currency,
      timezone: closed?.timezone ?? account.timezone,
      status: closed ? 'CLOSED' : 'OPEN',
      closed_at: closed ? closed.closedAt.toISOString() : null,
      closed_by: closed?.closedBy ?? null,
      note: closed?.note ?? null,
      ended: monthEnded(period, account.timezone, now),
    };
  }

  /* ------------------------------------------------------------ invoices */

  /** Months with billed activity, restatements or a closing, plus the current month; newest first. */
  async invoices(account: FinanceAccount, start: string | undefined, end: string | undefined, now = new Date()): Promise<BillingInvoice[]> {
    await this.detectRestatements(account);
    const current = currentMonth(account.timezone, now);
    const last = end ?? current;
    const first = start ?? addMonths(last, -11);
    const byMonth = await this.monthFigures(account, first, last);
    const closed = await this.closedPeriods(this.dataSource, account.id);
    return monthsBetween(first, last)
      .filter((m) => monthIndex(m) <= monthIndex(current))
      .filter((m) => m === current || closed.has(m) || hasActivity(byMonth.get(m)))
      .reverse()
      .map((m) => this.invoiceJson(account, m, byMonth.get(m) ?? ZERO, closed.get(m) ?? null));
  }

  async invoice(account: FinanceAccount, invoiceId: string, now = new Date()): Promise<{ invoice: BillingInvoiceDetail; closed: ClosedPeriod | null }> {
    const month = invoiceMonth(account.id, invoiceId);
    if (!month || monthIndex(month) > monthIndex(currentMonth(account.timezone, now))) throw new NotFoundException(`Billing invoice ${invoiceId} not found.`);
    await this.detectRestatements(account);
    const closed = (await this.closedPeriods(this.dataSource, account.id)).get(month) ?? null;
    const activity = closed ? await this.snapshotLines(this.dataSource, account.id, month) : await this.liveLines(this.dataSource, account, month);
    const lines: InvoiceLine[] = [];
    for (const c of byCampaign(activity)) {
      lines.push({
        line_type: 'SPEND',
        campaign_id: c.campaignId,
        campaign_name: c.campaignName,
        restated_period: null,
        detected_at: null,
        ...lineFigures(c),
      });
    }
    const restatements = await this.dataSource.query<(Record<keyof Line, string> & { restated_period: string; detected_at: Date })[]>(
      `SELECT restated_period, detected_at, campaign_id::text AS "campaignId", max(campaign_name) AS "campaignName",
              sum(spend_micros)::text AS spend, sum(billed_impressions)::text AS impressions, sum(billed_clicks)::text AS clicks,
              sum(conversion_value_micros)::text AS "conversionValue"
         FROM finance_restatements WHERE ad_account_id = $1 AND booked_period = $2
        GROUP BY restated_period, detected_at, campaign_id ORDER BY restated_period, detected_at, campaign_id`,
      [account.id, month],
    );
    for (const r of restatements) {
      lines.push({
        line_type: 'RESTATEMENT',
        campaign_id: r.campaignId,
        campaign_name: r.campaignName,
        restated_period: r.restated_period,
        detected_at: r.detected_at.toISOString(),
        ...lineFigures(toLine(r)),
      });
    }
    const spendLines = lines.filter((l) => l.line_type === 'SPEND');
    const restatementLines = lines.filter((l) => l.line_type === 'RESTATEMENT');
    const total = (list: InvoiceLine[], pick: (l: InvoiceLine) => number): bigint => list.reduce((s, l) => s + BigInt(pick(l)), 0n);
    const figures: MonthFigures = {
      spend: total(spendLines, (l) => l.spend_in_micro_currency),
      impressions: total(spendLines, (l) => l.billed_impressions),
      clicks: total(spendLines, (l) => l.billed_clicks),
      rSpend: total(restatementLines, (l) => l.spend_in_micro_currency),
      rImpressions: total(restatementLines, (l) => l.billed_impressions),
      rClicks: total(restatementLines, (l) => l.billed_clicks),
    };
    const head = this.invoiceJson(account, month, figures, closed);
    return { invoice: { ...head, lines }, closed };
  }

  private invoiceJson(account: FinanceAccount, month: string, f: MonthFigures, closed: ClosedPeriod | null): BillingInvoice {
    return {
      id: invoiceIdOf(account.id, month),
      invoice_number: `LOUPE-${account.id}-${month.replace('-', '')}`,
      ad_account_id: account.id,
      ad_account_name: closed?.adAccountName ?? account.name,
      document_type: 'INVOICE',
      billing_period: month,
      billing_period_start_date: monthStartDate(month),
      billing_period_end_date: monthEndDate(month),
      currency: closed?.currency ?? account.currency,
      timezone: closed?.timezone ?? account.timezone,
      status: closed ? 'ISSUED' : 'OPEN',
      issued_at: closed ? closed.closedAt.toISOString() : null,
      amount_billed_micro_currency: integerToNumber(f.spend + f.rSpend),
      spend_in_micro_currency: integerToNumber(f.spend),
      restatement_micro_currency: integerToNumber(f.rSpend),
      billed_impressions: integerToNumber(f.impressions),
      billed_clicks: integerToNumber(f.clicks),
    };
  }

  /* ------------------------------------------------------------ restatements */

  /** Books any difference between a closed month's live figures and what was billed for it. */
  async detectRestatements(account: FinanceAccount, now = new Date()): Promise<void> {
    const closed = await this.closedPeriods(this.dataSource, account.id);
    if (closed.size === 0) return;
    await this.dataSource.transaction(async (tx) => {
      await lock(tx, account.id);
      await this.detectUnderLock(tx, account, now);
    });
  }

  /**
   * Four reads whatever the number of closed months (ledger, rollups, snapshots and
   * earlier restatements, each over the span of the closed months, grouped by month
   * and ad group), then one insert per month that changed.
   */
  private async detectUnderLock(tx: Query, account: FinanceAccount, now: Date): Promise<void> {
    const closed = await this.closedPeriods(tx, account.id);
    const months = [...closed.keys()].sort();
    if (months.length === 0) return;
    const truth = await this.liveLinesByMonth(tx, account, months[0]!, months[months.length - 1]!);
    const known = new Map<string, Map<string, Line>>();
    const add = (month: string, line: Line): void => {
      const lines = known.get(month) ?? new Map<string, Line>();
      const prev = lines.get(line.adGroupId);
      lines.set(line.adGroupId, prev ? addLine(prev, line) : line);
      known.set(month, lines);
    };
    const lineColumnsSql = `campaign_id::text AS "campaignId", ad_group_id::text AS "adGroupId"`;
    const billed = await tx.query<(Record<keyof Line, string> & { month: string })[]>(
      `SELECT period AS month, ${lineColumnsSql}, campaign_name AS "campaignName", spend_micros::text AS spend,
              billed_impressions::text AS impressions, billed_clicks::text AS clicks, conversion_value_micros::text AS "conversionValue"
         FROM finance_period_lines WHERE ad_account_id = $1`,
      [account.id],
    );
    const restated = await tx.query<(Record<keyof Line, string> & { month: string })[]>(
      `SELECT restated_period AS month, ${lineColumnsSql}, max(campaign_name) AS "campaignName", sum(spend_micros)::text AS spend,
              sum(billed_impressions)::text AS impressions, sum(billed_clicks)::text AS clicks, sum(conversion_value_micros)::text AS "conversionValue"
         FROM finance_restatements WHERE ad_account_id = $1 GROUP BY restated_period, campaign_id, ad_group_id`,
      [account.id],
    );
    for (const row of [...billed, ...restated]) add(row.month, toLine(row));
    for (const period of months) {
      const diffs = difference(truth.get(period) ?? new Map<string, Line>(), known.get(period) ?? new Map<string, Line>());
      if (diffs.length === 0) continue;
      let booked = addMonths(period, 1);
      while (closed.has(booked)) booked = addMonths(booked, 1);
      await tx.query(
        `INSERT INTO finance_restatements
           (ad_account_id, restated_period, booked_period, detected_at, campaign_id, ad_group_id, campaign_name,
            spend_micros, billed_impressions, billed_clicks, conversion_value_micros)
         SELECT $1, $2, $3, $4, r.campaign_id, r.ad_group_id, r.campaign_name, r.spend, r.impressions, r.clicks, r.conversion_value
           FROM unnest($5::bigint[], $6::bigint[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])
             AS r(campaign_id, ad_group_id, campaign_name, spend, impressions, clicks, conversion_value)`,
        [account.id, period, booked, now, ...lineColumns(diffs)],
      );
    }
  }

  /* ------------------------------------------------------------ reads */

  private async closedPeriods(q: Query, adAccountId: string): Promise<Map<string, ClosedPeriod>> {
    const rows = await q.query<{ period: string; ad_account_name: string; timezone: string; currency: string; closed_at: Date; closed_by: string; note: string | null }[]>(
      `SELECT period, ad_account_name, timezone, trim(currency) AS currency, closed_at, closed_by::text AS closed_by, note
         FROM finance_periods WHERE ad_account_id = $1`,
      [adAccountId],
    );
    return new Map(
      rows.map((r) => [
        r.period,
        { period: r.period, adAccountName: r.ad_account_name, timezone: r.timezone, currency: r.currency, closedAt: r.closed_at, closedBy: r.closed_by, note: r.note },
      ]),
    );
  }

  /** Per month of [first, last]: activity (snapshot if closed, ledger if open) and restatements booked into it. */
  private async monthFigures(account: FinanceAccount, first: string, last: string): Promise<Map<string, MonthFigures>> {
    const { from, to } = ledgerHours(first, last, account.timezone);
    type Sums = { month: string; spend: string; impressions: string; clicks: string }[];
    const live = await this.dataSource.query<Sums>(
      `SELECT to_char(hour AT TIME ZONE $2, 'YYYY-MM') AS month, sum(spend_micros)::text AS spend,
              sum(billed_impressions)::text AS impressions, sum(billed_clicks)::text AS clicks
         FROM spend_ledger WHERE ad_account_id = $1 AND hour >= $3 AND hour < $4
        GROUP BY 1`,
      [account.id, account.timezone, from, to],
    );
    const frozen = await this.dataSource.query<Sums>(
      `SELECT p.period AS month, coalesce(sum(l.spend_micros), 0)::text AS spend,
              coalesce(sum(l.billed_impressions), 0)::text AS impressions, coalesce(sum(l.billed_clicks), 0)::text AS clicks
         FROM finance_periods p LEFT JOIN finance_period_lines l ON l.ad_account_id = p.ad_account_id AND l.period = p.period
        WHERE p.ad_account_id = $1 AND p.period BETWEEN $2 AND $3 GROUP BY p.period`,
      [account.id, first, last],
    );
    const restated = await this.dataSource.query<Sums>(
      `SELECT booked_period AS month, sum(spend_micros)::text AS spend, sum(billed_impressions)::text AS impressions, sum(billed_clicks)::text AS clicks
         FROM finance_restatements WHERE ad_account_id = $1 AND booked_period BETWEEN $2 AND $3 GROUP BY booked_period`,
      [account.id, first, last],
    );
    const out = new Map<string, MonthFigures>();
    const frozenMonths = new Set(frozen.map((r) => r.month));
    for (const r of [...live.filter((x) => !frozenMonths.has(x.month)), ...frozen]) {
      out.set(r.month, { ...(out.get(r.month) ?? ZERO), spend: BigInt(r.spend), impressions: BigInt(r.impressions), clicks: BigInt(r.clicks) });
    }
    for (const r of restated) {
      out.set(r.month, { ...(out.get(r.month) ?? ZERO), rSpend: BigInt(r.spend), rImpressions: BigInt(r.impressions), rClicks: BigInt(r.clicks) });
    }
    return out;
  }

  /** A month's current truth per ad group: billed figures from the ledger, conversion value from the rollups. */
  private async liveLines(q: Query, account: FinanceAccount, month: string): Promise<Line[]> {
    return [...((await this.liveLinesByMonth(q, account, month, month)).get(month)?.values() ?? [])].sort(byIds);
  }

  /** The current truth of months first..last per month and ad group (each ledger hour in the local month it starts in). */
  private async liveLinesByMonth(q: Query, account: FinanceAccount, first: string, last: string): Promise<Map<string, Map<string, Line>>> {
    const { from, to } = ledgerHours(first, last, account.timezone);
    const ledger = await q.query<(Record<keyof Line, string> & { month: string })[]>(
      `SELECT to_char(hour AT TIME ZONE $4, 'YYYY-MM') AS month, campaign_id::text AS "campaignId", ad_group_id::text AS "adGroupId",
              NULL AS "campaignName", sum(spend_micros)::text AS spend, sum(billed_impressions)::text AS impressions,
              sum(billed_clicks)::text AS clicks, '0' AS "conversionValue"
         FROM spend_ledger WHERE ad_account_id = $1 AND hour >= $2 AND hour < $3 GROUP BY 1, campaign_id, ad_group_id`,
      [account.id, from, to, account.timezone],
    );
    const out = new Map<string, Map<string, Line>>();
    const monthLines = (month: string): Map<string, Line> => {
      const lines = out.get(month) ?? new Map<string, Line>();
      out.set(month, lines);
      return lines;
    };
    for (const row of ledger) monthLines(row.month).set(row.adGroupId, toLine(row));
    const measured = await this.store.read({
      level: 'ad_group',
      adAccountIds: [account.id],
      from,
      to,
      // toStartOfMonth of the hour in the account's timezone: the same rule as the ledger's month above.
      granularity: 'MONTH',
      timezone: account.timezone,
      clickWindowDays: DEFAULT_CLICK_WINDOW_DAYS,
      viewWindowDays: DEFAULT_VIEW_WINDOW_DAYS,
      reportTime: 'TIME_OF_AD_ACTION',
      // Only the attributed conversion value is read from the rollups: spend comes from the ledger.
      measures: ['conversionValueMicros'],
    });
    for (const row of measured) {
      const value = totalConversionValueMicros(row.measures);
      if (value === 0n || !row.period) continue;
      const lines = monthLines(row.period.slice(0, 7));
      const adGroupId = row.ids.ad_group_id!;
      const line = lines.get(adGroupId) ?? { campaignId: row.ids.campaign_id!, adGroupId, campaignName: null, spend: 0n, impressions: 0n, clicks: 0n, conversionValue: 0n };
      lines.set(adGroupId, { ...line, conversionValue: value });
    }
    const campaignIds = [...new Set([...out.values()].flatMap((lines) => [...lines.values()].map((l) => l.campaignId)))];
    const names = new Map(
      (await q.query<{ id: string; name: string }[]>(`SELECT id::text AS id, name FROM campaigns WHERE id = ANY($1::bigint[]) AND ad_account_id = $2`, [campaignIds, account.id])).map(
        (r) => [r.id, r.name],
      ),
    );
    for (const lines of out.values()) for (const [id, l] of lines) lines.set(id, { ...l, campaignName: names.get(l.campaignId) ?? null });
    return out;
  }

  private async snapshotLines(q: Query, adAccountId: string, month: string): Promise<Line[]> {
    const rows = await q.query<Record<keyof Line, string>[]>(
      `SELECT campaign_id::text AS "campaignId", ad_group_id::text AS "adGroupId", campaign_name AS "campaignName",
              spend_micros::text AS spend, billed_impressions::text AS impressions, billed_clicks::text AS clicks,
              conversion_value_micros::text AS "conversionValue"
         FROM finance_period_lines WHERE ad_account_id = $1 AND period = $2`,
      [adAccountId, month],
    );
    return rows.map(toLine).sort(byIds);
  }
}

async function lock(tx: Query, adAccountId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [FINANCE_LOCK, adAccountId]);
}

/** Invoice ids are numeric, as Pinterest's: the ad account id followed by YYYYMM. */
export function invoiceIdOf(adAccountId: string, month: string): string {
  return `${adAccountId}${month.replace('-', '')}`;
}

function invoiceMonth(adAccountId: string, invoiceId: string): string | null {
  if (!invoiceId.startsWith(adAccountId) || invoiceId.length !== adAccountId.length + 6) return null;
  const tail = invoiceId.slice(adAccountId.length);
  const month = `${tail.slice(0, 4)}-${tail.slice(4)}`;
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : null;
}

function toLine(r: Record<keyof Line, string | null>): Line {
  return {
    campaignId: r.campaignId!,
    adGroupId: r.adGroupId ?? '0',
    campaignName: r.campaignName,
    spend: BigInt(r.spend ?? 0),
    impressions: BigInt(r.impressions ?? 0),
    clicks: BigInt(r.clicks ?? 0),
    conversionValue: BigInt(r.conversionValue ?? 0),
  };
}

/** Per ad group: truth minus what is known (closed + restated); only the groups that differ. */
function difference(truth: ReadonlyMap<string, Line>, known: ReadonlyMap<string, Line>): Line[] {
  const out: Line[] = [];
  for (const id of new Set([...truth.keys(), ...known.keys()])) {
    const t = truth.get(id);
    const k = known.get(id);
    const d: Line = {
      campaignId: (t ?? k)!.campaignId,
      adGroupId: id,
      campaignName: t?.campaignName ?? k?.campaignName ?? null,
      spend: (t?.spend ?? 0n) - (k?.spend ?? 0n),
      impressions: (t?.impressions ?? 0n) - (k?.impressions ?? 0n),
      clicks: (t?.clicks ?? 0n) - (k?.clicks ?? 0n),
      conversionValue: (t?.conversionValue ?? 0n) - (k?.conversionValue ?? 0n),
    };
    if (d.spend !== 0n || d.impressions !== 0n || d.clicks !== 0n || d.conversionValue !== 0n) out.push(d);
  }
  return out.sort(byIds);
}

function addLine(a: Line, b: Line): Line {
  return {
    ...a,
    campaignName: a.campaignName ?? b.campaignName,
    spend: a.spend + b.spend,
    impressions: a.impressions + b.impressions,
    clicks: a.clicks + b.clicks,
    conversionValue: a.conversionValue + b.conversionValue,
  };
}

function byIds(a: Line, b: Line): number {
  const x = BigInt(a.campaignId) - BigInt(b.campaignId) || BigInt(a.adGroupId) - BigInt(b.adGroupId);
  return x < 0n ? -1 : x > 0n ? 1 : 0;
}

function byCampaign(lines: readonly Line[]): Line[] {
  const out = new Map<string, Line>();
  for (const l of lines) {
    const prev = out.get(l.campaignId);
    out.set(l.campaignId, prev ? addLine(prev, l) : { ...l, adGroupId: '0' });
  }
  return [...out.values()].sort(byIds);
}

function lineFigures(l: Line): Pick<InvoiceLine, 'billed_impressions' | 'billed_clicks' | 'spend_in_micro_currency' | 'conversion_value_in_micro_currency'> {
  return {
    billed_impressions: integerToNumber(l.impressions),
    billed_clicks: integerToNumber(l.clicks),
    spend_in_micro_currency: integerToNumber(l.spend),
    conversion_value_in_micro_currency: integerToNumber(l.conversionValue),
  };
}

function lineColumns(lines: readonly Line[]): [string[], string[], (string | null)[], string[], string[], string[], string[]] {
  return [
    lines.map((l) => l.campaignId),
    lines.map((l) => l.adGroupId),
    lines.map((l) => l.campaignName),
    lines.map((l) => l.spend.toString()),
    lines.map((l) => l.impressions.toString()),
    lines.map((l) => l.clicks.toString()),
    lines.map((l) => l.conversionValue.toString()),
  ];
}

function hasActivity(f: MonthFigures | undefined): boolean {
  return !!f && (f.spend !== 0n || f.impressions !== 0n || f.clicks !== 0n || f.rSpend !== 0n || f.rImpressions !== 0n || f.rClicks !== 0n);
}

function sum(list: readonly MonthFigures[]): MonthFigures {
  return list.reduce(
    (a, b) => ({
      spend: a.spend + b.spend,
      impressions: a.impressions + b.impressions,
      clicks: a.clicks + b.clicks,
      rSpend: a.rSpend + b.rSpend,
      rImpressions: a.rImpressions + b.rImpressions,
      rClicks: a.rClicks + b.rClicks,
    }),
    ZERO,
  );
}

function figuresJson(f: MonthFigures): FinanceFigures {
  return {
    billed_impressions: integerToNumber(f.impressions),
    billed_clicks: integerToNumber(f.clicks),
    spend_in_micro_currency: integerToNumber(f.spend),
    restatement_billed_impressions: integerToNumber(f.rImpressions),
    restatement_billed_clicks: integerToNumber(f.rClicks),
    restatement_spend_in_micro_currency: integerToNumber(f.rSpend),
    total_spend_in_micro_currency: integerToNumber(f.spend + f.rSpend),
  };
}

function addFigures(list: readonly FinanceFigures[]): FinanceFigures {
  const keys = Object.keys(figuresJson(ZERO)) as (keyof FinanceFigures)[];
  return Object.fromEntries(keys.map((k) => [k, integerToNumber(list.reduce((s, f) => s + BigInt(f[k]), 0n))])) as unknown as FinanceFigures;
}

