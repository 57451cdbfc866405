import {
  type Fraction,
  compareFractions,
  MICROS_PER_UNIT,
  MICROS_SCALE,
  RATIO_SCALE,
  fraction,
  fractionToDecimal,
  fractionToNumber,
  integerToNumber,
  microsToDecimal,
} from './exact';
import { type BaseMeasures, type MeasureName, totalConversionValueMicros, totalConversions, totalEngagements } from './measures';
import { conversionRate, cpaMicros, cpcMicros, cpmMicros, ctr, engagementRate, frequency, roas, roi } from './metrics';

/**
 * How a metric's value is represented and rendered:
 * - `count`: an integer (bigint);
 * - `money_micros`: integer micros of the account currency (bigint);
 * - `money_units`: an amount in currency units, kept as an exact fraction (Pinterest's *_IN_DOLLAR columns);
 * - `ratio`: an exact fraction (CTR, ROAS, ...).
 */
export type MetricKind = 'count' | 'money_micros' | 'money_units' | 'ratio';
export type MetricValue = bigint | Fraction | null;

export interface MetricDefinition {
  readonly kind: MetricKind;
  /** The base measures it reads (what a query must select). */
  readonly measures: readonly MeasureName[];
  /** The formula, for docs and tooltips. */
  readonly formula: string;
  readonly compute: (m: BaseMeasures) => MetricValue;
}

/** The value as a JSON number (Pinterest's analytics responses); null stays null. */
export function metricToJson(definition: MetricDefinition, value: MetricValue): number | null {
  if (value === null) return null;
  if (typeof value === 'bigint') return integerToNumber(value);
  return fractionToNumber(value, definition.kind === 'money_units' ? MICROS_SCALE : RATIO_SCALE);
}

/**
 * The value as an exact decimal string in natural units (for CSV and anything that
 * must not go through a float): counts as integers, money in currency units with six
 * places ("12.340000", exact for micros), ratios with RATIO_SCALE places.
 */
export function metricToDecimal(definition: MetricDefinition, value: MetricValue): string | null {
  if (value === null) return null;
  if (typeof value === 'bigint') return definition.kind === 'money_micros' ? microsToDecimal(value) : value.toString();
  return fractionToDecimal(value, definition.kind === 'money_units' ? MICROS_SCALE : RATIO_SCALE);
}

const units = (micros: bigint, per: bigint = 1n): Fraction | null => fraction(micros, per * MICROS_PER_UNIT);

/** Loupe's own metric names (the report builder, saved reports, the dashboard). */
export const LOUPE_METRICS = {
  spend: { kind: 'money_micros', measures: ['spendMicros'], formula: 'sum(spend)', compute: (m) => m.spendMicros },
  impressions: { kind: 'count', measures: ['impressions'], formula: 'sum(impressions)', compute: (m) => m.impressions },
  clicks: { kind: 'count', measures: ['clicks'], formula: 'sum(pin clicks)', compute: (m) => m.clicks },
  outbound_clicks: { kind: 'count', measures: ['outboundClicks'], formula: 'sum(outbound clicks)', compute: (m) => m.outboundClicks },
  saves: { kind: 'count', measures: ['saves'], formula: 'sum(saves)', compute: (m) => m.saves },
  closeups: { kind: 'count', measures: ['closeups'], formula: 'sum(close-ups)', compute: (m) => m.closeups },
  shares: { kind: 'count', measures: ['shares'], formula: 'sum(shares)', compute: (m) => m.shares },
  engagements: {
    kind: 'count',
    measures: ['clicks', 'outboundClicks', 'saves', 'closeups', 'shares'],
    formula: 'clicks + outbound clicks + saves + close-ups + shares',
    compute: totalEngagements,
  },
  conversions: { kind: 'count', measures: ['conversions'], formula: 'sum(attributed conversions, all types)', compute: (m) => totalConversions(m) },
  conversion_value: {
    kind: 'money_micros',
    measures: ['conversionValueMicros'],
    formula: 'sum(attributed conversion value, all types)',
    compute: (m) => totalConversionValueMicros(m),
  },
  unique_users: { kind: 'count', measures: ['uniqueUsers'], formula: 'distinct users reached (not additive)', compute: (m) => m.uniqueUsers },
  frequency: { kind: 'ratio', measures: ['impressions', 'uniqueUsers'], formula: 'impressions / unique users', compute: frequency },
  ctr: { kind: 'ratio', measures: ['clicks', 'impressions'], formula: 'clicks / impressions', compute: ctr },
  cpc: { kind: 'money_micros', measures: ['spendMicros', 'clicks'], formula: 'spend / clicks', compute: cpcMicros },
  cpm: { kind: 'money_micros', measures: ['spendMicros', 'impressions'], formula: 'spend / impressions × 1000', compute: cpmMicros },
  cpa: { kind: 'money_micros', measures: ['spendMicros', 'conversions'], formula: 'spend / conversions', compute: (m) => cpaMicros(m) },
  roas: { kind: 'ratio', measures: ['conversionValueMicros', 'spendMicros'], formula: 'conversion value / spend', compute: (m) => roas(m) },
  roi: {
    kind: 'ratio',
    measures: ['conversionValueMicros', 'spendMicros'],
    formula: '(conversion value − spend) / spend',
    compute: (m) => roi(m),
  },
  engagement_rate: {
    kind: 'ratio',
    measures: ['clicks', 'outboundClicks', 'saves', 'closeups', 'shares', 'impressions'],
    formula: 'engagements / impressions',
    compute: engagementRate,
  },
  conversion_rate: { kind: 'ratio', measures: ['conversions', 'clicks'], formula: 'conversions / clicks', compute: (m) => conversionRate(m) },
} as const satisfies Record<string, MetricDefinition>;

export type LoupeMetric = keyof typeof LOUPE_METRICS;
export const LOUPE_METRIC_NAMES = Object.keys(LOUPE_METRICS) as LoupeMetric[];

/**
 * Pinterest's reporting columns (the `ReportingColumnAsync` enum of Pinterest's v5
 * spec) that Loupe answers, each mapped onto base measures. Loupe has no organic
 * distribution, so Pinterest's paid (`_1`) and total columns coincide: every
 * impression, click and save Loupe records is paid. Pinterest names money columns
 * "DOLLAR" whatever the currency; they are in the ad account's currency.
 */
export const PINTEREST_COLUMNS = {
  SPEND_IN_MICRO_DOLLAR: { kind: 'money_micros', measures: ['spendMicros'], formula: 'spend (micros)', compute: (m) => m.spendMicros },
  SPEND_IN_DOLLAR: { kind: 'money_units', measures: ['spendMicros'], formula: 'spend (currency units)', compute: (m) => units(m.spendMicros) },
  PAID_IMPRESSION: { kind: 'count', measures: ['impressions'], formula: 'paid impressions', compute: (m) => m.impressions },
  IMPRESSION_1: { kind: 'count', measures: ['impressions'], formula: 'paid impressions', compute: (m) => m.impressions },
  TOTAL_IMPRESSION: { kind: 'count', measures: ['impressions'], formula: 'paid + earned impressions (Loupe: paid only)', compute: (m) => m.impressions },
  CLICKTHROUGH_1: { kind: 'count', measures: ['clicks'], formula: 'paid pin clicks', compute: (m) => m.clicks },
  TOTAL_CLICKTHROUGH: { kind: 'count', measures: ['clicks'], formula: 'paid + earned pin clicks (Loupe: paid only)', compute: (m) => m.clicks },
  OUTBOUND_CLICK_1: { kind: 'count', measures: ['outboundClicks'], formula: 'paid outbound clicks', compute: (m) => m.outboundClicks },
  REPIN_1: { kind: 'count', measures: ['saves'], formula: 'paid saves', compute: (m) => m.saves },
  CTR: { kind: 'ratio', measures: ['clicks', 'impressions'], formula: 'CLICKTHROUGH_1 / IMPRESSION_1', compute: ctr },
  OUTBOUND_CTR_1: {
    kind: 'ratio',
    measures: ['outboundClicks', 'impressions'],
    formula: 'OUTBOUND_CLICK_1 / IMPRESSION_1',
    compute: (m) => fraction(m.outboundClicks, m.impressions),
  },
  REPIN_RATE: { kind: 'ratio', measures: ['saves', 'impressions'], formula: 'REPIN_1 / IMPRESSION_1', compute: (m) => fraction(m.saves, m.impressions) },
  ECPC_IN_MICRO_DOLLAR: { kind: 'money_micros', measures: ['spendMicros', 'clicks'], formula: 'spend / CLICKTHROUGH_1', compute: cpcMicros },
  ECPC_IN_DOLLAR: {
    kind: 'money_units',
    measures: ['spendMicros', 'clicks'],
    formula: 'spend / CLICKTHROUGH_1 (currency units)',
    compute: (m) => units(m.spendMicros, m.clicks),
  },
  CPM_IN_MICRO_DOLLAR: { kind: 'money_micros', measures: ['spendMicros', 'impressions'], formula: 'spend / IMPRESSION_1 × 1000', compute: cpmMicros },
  CPM_IN_DOLLAR: {
    kind: 'money_units',
    measures: ['spendMicros', 'impressions'],
    formula: 'spend / IMPRESSION_1 × 1000 (currency units)',
    compute: (m) => units(m.spendMicros * 1000n, m.impressions),
  },
  TOTAL_ENGAGEMENT: {
    kind: 'count',
    measures: ['clicks', 'outboundClicks', 'saves', 'closeups', 'shares'],
    formula: 'pin clicks + outbound clicks + saves + close-ups + shares',
    compute: totalEngagements,
  },
  ENGAGEMENT_1: {
    kind: 'count',
    measures: ['clicks', 'outboundClicks', 'saves', 'closeups', 'shares'],
    formula: 'paid engagements (= TOTAL_ENGAGEMENT)',
    compute: totalEngagements,
  },
  ENGAGEMENT_RATE: {
    kind: 'ratio',
    measures: ['clicks', 'outboundClicks', 'saves', 'closeups', 'shares', 'impressions'],
    formula: 'TOTAL_ENGAGEMENT / TOTAL_IMPRESSION',
    compute: engagementRate,
  },
  TOTAL_CONVERSIONS: { kind: 'count', measures: ['conversions'], formula: 'attributed conversions, all types', compute: (m) => totalConversions(m) },
  TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: {
    kind: 'money_micros',
    measures: ['conversionValueMicros'],
    formula: 'attributed conversion value, all types',
    compute: (m) => totalConversionValueMicros(m),
  },
  TOTAL_CHECKOUT: { kind: 'count', measures: ['conversions'], formula: 'attributed checkout conversions', compute: (m) => totalConversions(m, 'checkout') },
  TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR: {
    kind: 'money_micros',
    measures: ['conversionValueMicros'],
    formula: 'attributed checkout value',
    compute: (m) => totalConversionValueMicros(m, 'checkout'),
  },
  CHECKOUT_ROAS: {
    kind: 'ratio',
    measures: ['conversionValueMicros', 'spendMicros'],
    formula: 'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR / SPEND_IN_MICRO_DOLLAR',
    compute: (m) => roas(m, 'checkout'),
  },
  PAGE_VISIT_ROAS: {
    kind: 'ratio',
    measures: ['conversionValueMicros', 'spendMicros'],
    formula: 'page visit conversion value / spend',
    compute: (m) => roas(m, 'page_visit'),
  },
  CUSTOM_ROAS: {
    kind: 'ratio',
    measures: ['conversionValueMicros', 'spendMicros'],
    formula: 'custom conversion value / spend',
    compute: (m) => roas(m, 'custom'),
  },
  TOTAL_IMPRESSION_USER: { kind: 'count', measures: ['uniqueUsers'], formula: 'distinct users reached (not additive)', compute: (m) => m.uniqueUsers },
  TOTAL_IMPRESSION_FREQUENCY: {
    kind: 'ratio',
    measures: ['impressions', 'uniqueUsers'],
    formula: 'TOTAL_IMPRESSION / TOTAL_IMPRESSION_USER',
    compute: frequency,
  },
} as const satisfies Record<string, MetricDefinition>;

export type PinterestColumn = keyof typeof PINTEREST_COLUMNS;
export const PINTEREST_COLUMN_NAMES = Object.keys(PINTEREST_COLUMNS) as PinterestColumn[];

export function isPinterestColumn(name: string): name is PinterestColumn {
  return Object.hasOwn(PINTEREST_COLUMNS, name);
}

export function isLoupeMetric(name: string): name is LoupeMetric {
  return Object.hasOwn(LOUPE_METRICS, name);
}

/** The base measures a set of metrics or columns needs, deduplicated (what a query builder selects). */
export function measuresFor(definitions: Iterable<MetricDefinition>): MeasureName[] {
  const needed = new Set<MeasureName>();
  for (const definition of definitions) for (const measure of definition.measures) needed.add(measure);
  return [...needed];
}

/** One row of Pinterest analytics values (JSON numbers) for the requested columns. */
export function pinterestRow(columns: readonly PinterestColumn[], m: BaseMeasures): Record<string, number | null> {
  const row: Record<string, number | null> = {};
  for (const column of columns) {
    const definition: MetricDefinition = PINTEREST_COLUMNS[column];
    row[column] = metricToJson(definition, definition.compute(m));
  }
  return row;
}

/**
 * Orders metric values for sorting report rows: exact (fractions compared by cross
 * multiplication, bigints as bigints), with null — an undefined metric — after every
 * value, whatever the direction the caller sorts in.
 */
export function compareMetricValues(a: MetricValue, b: MetricValue, direction: 'asc' | 'desc' = 'asc'): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const sign = direction === 'asc' ? 1 : -1;
  const left: Fraction = typeof a === 'bigint' ? { num: a, den: 1n } : a;
  const right: Fraction = typeof b === 'bigint' ? { num: b, den: 1n } : b;
  return sign * compareFractions(left, right);
}
