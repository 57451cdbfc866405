import { describe, expect, it } from 'vitest';
import { OVERVIEW_COLUMNS } from './api/overview';
import { presetRange, resolveRange } from './dateRange';
import { changeTone, formatChange, formatKpiValue } from './format';
import { computeKpis, sumRows, type Totals } from './kpis';

const totals = (overrides: Partial<Record<(typeof OVERVIEW_COLUMNS)[number], number>>): Totals =>
  sumRows([{ ...Object.fromEntries(OVERVIEW_COLUMNS.map((c) => [c, 0])), ...overrides }], OVERVIEW_COLUMNS);

const byId = (kpis: ReturnType<typeof computeKpis>) => Object.fromEntries(kpis.map((k) => [k.id, k]));

describe('overview KPIs', () => {
  it('computes CTR from summed clicks and impressions, not the average of the rows’ CTRs', () => {
    // Row CTRs 10% and 1% average 5.5%; the period's CTR is 19 / 1,000 = 1.90%.
    const sums = sumRows(
      [
        { IMPRESSION_1: 100, CLICKTHROUGH_1: 10 },
        { IMPRESSION_1: 900, CLICKTHROUGH_1: 9 },
      ],
      OVERVIEW_COLUMNS,
    );
    const ctr = byId(computeKpis(sums, null)).ctr!;
    expect(formatKpiValue(ctr.kind, ctr.current, 'USD')).toBe('1.90%');
  });

  it('gives each KPI its change against the previous period, and says whether that is good news', () => {
    const current = totals({ SPEND_IN_MICRO_DOLLAR: 100_000_000, IMPRESSION_1: 10_000, CLICKTHROUGH_1: 200, TOTAL_CONVERSIONS: 8, TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: 350_000_000, TOTAL_ENGAGEMENT: 400 });
    const previous = totals({ SPEND_IN_MICRO_DOLLAR: 80_000_000, IMPRESSION_1: 8_000, CLICKTHROUGH_1: 100, TOTAL_CONVERSIONS: 8, TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: 200_000_000, TOTAL_ENGAGEMENT: 300 });
    const k = byId(computeKpis(current, previous));

    expect(formatKpiValue('money', k.spend!.current, 'USD')).toBe('$100.00');
    expect(formatChange(k.spend!.change)).toBe('+25.0%');
    expect(formatChange(k.ctr!.change)).toBe('+60.0%'); // 2.00% against 1.25%
    expect(formatKpiValue('multiple', k.roas!.current, 'USD')).toBe('3.50×');
    expect(formatChange(k.roas!.change)).toBe('+40.0%'); // 3.50× against 2.50×
    expect(formatKpiValue('percent', k.roi!.current, 'USD')).toBe('250.00%');
    expect(formatChange(k.roi!.change)).toBe('+66.7%'); // 250% against 150%
    expect(formatKpiValue('percent', k.engagement_rate!.current, 'USD')).toBe('4.00%');
    // CPA rose from $10.00 to $12.50: up, and bad news.
    expect(formatKpiValue('money', k.cpa!.current, 'USD')).toBe('$12.50');
    expect(formatChange(k.cpa!.change)).toBe('+25.0%');
    expect(changeTone(k.cpa!)).toBe('bad');
    expect(changeTone(k.spend!)).toBe('good');
    expect(formatChange(k.conversions!.change)).toBe('0.0%');
  });

  it('shows an undefined ratio as "—" and no change from a previous value of 0', () => {
    const k = byId(computeKpis(totals({ IMPRESSION_1: 50 }), totals({})));
    expect(formatKpiValue('money', k.cpa!.current, 'USD')).toBe('—');
    expect(k.impressions!.change).toBeNull();
    expect(formatChange(k.impressions!.change)).toBe('—');
  });

  it('formats money in the account currency’s own minor unit', () => {
    const k = byId(computeKpis(totals({ SPEND_IN_MICRO_DOLLAR: 1_234_500_000 }), null));
    expect(formatKpiValue('money', k.spend!.current, 'JPY')).toBe('¥1,235');
    expect(formatKpiValue('money', k.spend!.current, 'EUR')).toBe('€1,234.50');
  });
});

describe('overview date ranges', () => {
  const now = new Date('2026-11-27T15:00:00Z');

  it('compares the last 30 days with the 30 days before, in the account timezone', () => {
    const range = resolveRange(presetRange('last_30_days', 'America/New_York', now), 'America/New_York', now);
    expect(range).toMatchObject({ start: '2026-10-29', end: '2026-11-27', days: 30, clampedBecause: null, previous: { start: '2026-09-29', end: '2026-10-28' } });
  });

  it('clamps last quarter to the 90 days the API keeps, says so, and offers no comparison beyond them', () => {
    const asked = presetRange('last_quarter', 'America/New_York', now);
    expect(asked).toEqual({ start: '2026-07-01', end: '2026-09-30' });
    const range = resolveRange(asked, 'America/New_York', now);
    expect(range).toMatchObject({ start: '2026-08-29', end: '2026-09-30', previous: null });
    expect(range.clampedBecause).toMatch(/starts 2026-08-29: the analytics API keeps the last 90 days/);
  });

  it('cuts a custom range that runs past today to today', () => {
    const range = resolveRange({ start: '2026-11-20', end: '2026-12-31' }, 'Asia/Tokyo', now);
    expect(range).toMatchObject({ start: '2026-11-20', end: '2026-11-28', days: 9 });
    expect(range.clampedBecause).toMatch(/ends today \(2026-11-28\)/);
  });
});
