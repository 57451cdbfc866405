import { type AnalyticsRow } from '@loupe/contracts';
import { type Fraction, cpaMicros, ctr, fraction, growth, measures, roas, roi, type BaseMeasures } from '@loupe/metrics';
import { type OVERVIEW_COLUMNS } from './api/overview';

/*
 * The overview's KPIs. The API answers sums (spend, impressions, …) and every ratio
 * here is computed from those sums with @loupe/metrics — the API's own definitions —
 * never by averaging daily ratios. Amounts stay integer micros (bigint) to the screen.
 */

export type OverviewColumn = (typeof OVERVIEW_COLUMNS)[number];
export type Totals = Record<OverviewColumn, bigint>;

/** An analytics value as an exact integer; null (undefined metric) and absence count as 0 in a sum. */
function integer(value: unknown): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return 0n;
}

/** Sums the rows of an analytics answer (TOTAL answers one row per account; none when nothing happened). */
export function sumRows(rows: readonly AnalyticsRow[], columns: readonly OverviewColumn[]): Totals {
  const totals = {} as Totals;
  for (const column of columns) totals[column] = rows.reduce((sum, row) => sum + integer(row[column]), 0n);
  return totals;
}

function toMeasures(t: Totals): BaseMeasures {
  return measures({
    impressions: t.IMPRESSION_1,
    clicks: t.CLICKTHROUGH_1,
    outboundClicks: t.OUTBOUND_CLICK_1,
    saves: t.REPIN_1,
    spendMicros: t.SPEND_IN_MICRO_DOLLAR,
    conversions: { all: t.TOTAL_CONVERSIONS },
    conversionValueMicros: { all: t.TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR },
  });
}

export type KpiKind = 'money' | 'count' | 'percent' | 'multiple';
export type KpiValue = bigint | Fraction | null;

export interface Kpi {
  id: string;
  label: string;
  kind: KpiKind;
  /** Whether a rise is good news (CPA rising is not). */
  higherIsBetter: boolean;
  current: KpiValue;
  previous: KpiValue;
  /** (current − previous) / |previous|; null without a comparison or from 0. */
  change: Fraction | null;
  hint: string;
}

interface KpiDefinition {
  id: string;
  label: string;
  kind: KpiKind;
  higherIsBetter: boolean;
  hint: string;
  value: (t: Totals) => KpiValue;
}

const KPI_DEFINITIONS: KpiDefinition[] = [
  { id: 'spend', label: 'Spend', kind: 'money', higherIsBetter: true, hint: 'What the ads cost', value: (t) => t.SPEND_IN_MICRO_DOLLAR },
  { id: 'impressions', label: 'Impressions', kind: 'count', higherIsBetter: true, hint: 'Times a promoted pin was shown', value: (t) => t.IMPRESSION_1 },
  { id: 'clicks', label: 'Clicks', kind: 'count', higherIsBetter: true, hint: 'Pin clicks', value: (t) => t.CLICKTHROUGH_1 },
  { id: 'ctr', label: 'CTR', kind: 'percent', higherIsBetter: true, hint: 'Clicks ÷ impressions', value: (t) => ctr(toMeasures(t)) },
  { id: 'conversions', label: 'Conversions', kind: 'count', higherIsBetter: true, hint: 'Attributed, all types', value: (t) => t.TOTAL_CONVERSIONS },
  { id: 'cpa', label: 'CPA', kind: 'money', higherIsBetter: false, hint: 'Spend ÷ conversions', value: (t) => cpaMicros(toMeasures(t)) },
  { id: 'roas', label: 'ROAS', kind: 'multiple', higherIsBetter: true, hint: 'Conversion value ÷ spend', value: (t) => roas(toMeasures(t)) },
  { id: 'roi', label: 'ROI', kind: 'percent', higherIsBetter: true, hint: '(Conversion value − spend) ÷ spend', value: (t) => roi(toMeasures(t)) },
  {
    id: 'engagement_rate',
    label: 'Engagement rate',
    kind: 'percent',
    higherIsBetter: true,
    hint: 'Engagements (clicks, outbound clicks, saves, close-ups, shares) ÷ impressions',
    // TOTAL_ENGAGEMENT already sums every engagement kind (close-ups and shares have no column of their own).
    value: (t) => fraction(t.TOTAL_ENGAGEMENT, t.IMPRESSION_1),
  },
];

/** The nine KPI cards: each value from the period's sums, and its change against the previous period's. */
export function computeKpis(current: Totals, previous: Totals | null): Kpi[] {
  return KPI_DEFINITIONS.map((d) => {
    const now = d.value(current);
    const before = previous ? d.value(previous) : null;
    return { id: d.id, label: d.label, kind: d.kind, higherIsBetter: d.higherIsBetter, hint: d.hint, current: now, previous: before, change: growth(now, before) };
  });
}

/** Whether the period saw any delivery at all (what decides the empty state). */
export function hasDelivery(t: Totals): boolean {
  return t.IMPRESSION_1 > 0n || t.SPEND_IN_MICRO_DOLLAR > 0n || t.TOTAL_CONVERSIONS > 0n;
}
