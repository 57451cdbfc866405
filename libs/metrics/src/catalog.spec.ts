// The test (not the library) reads Pinterest's published spec from disk; the library stays pure.
// eslint-disable-next-line no-restricted-imports
import { readFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LOUPE_METRICS,
  LOUPE_METRIC_NAMES,
  type MetricDefinition,
  PINTEREST_COLUMNS,
  PINTEREST_COLUMN_NAMES,
  compareMetricValues,
  isLoupeMetric,
  isPinterestColumn,
  measuresFor,
  metricToDecimal,
  metricToJson,
  pinterestRow,
} from './catalog';
import { aggregate, measures } from './measures';

const spec = JSON.parse(readFileSync(resolve(__dirname, '../../contracts/pinterest-api-v5/openapi.json'), 'utf8')) as {
  components: { schemas: Record<string, { enum?: string[] }> };
};
const pinterestColumns = new Set(spec.components.schemas.ReportingColumnAsync!.enum);

const REQUIRED_COLUMNS = [
  'SPEND_IN_MICRO_DOLLAR',
  'SPEND_IN_DOLLAR',
  'PAID_IMPRESSION',
  'IMPRESSION_1',
  'CLICKTHROUGH_1',
  'OUTBOUND_CLICK_1',
  'REPIN_1',
  'CTR',
  'ECPC_IN_MICRO_DOLLAR',
  'CPM_IN_MICRO_DOLLAR',
  'TOTAL_ENGAGEMENT',
  'ENGAGEMENT_RATE',
  'TOTAL_CONVERSIONS',
  'TOTAL_CHECKOUT',
  'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'CHECKOUT_ROAS',
  'TOTAL_IMPRESSION_USER',
];

const REQUIRED_METRICS = [
  'spend',
  'impressions',
  'clicks',
  'ctr',
  'cpc',
  'cpm',
  'cpa',
  'roas',
  'roi',
  'engagement_rate',
  'conversion_rate',
  'conversions',
  'conversion_value',
];

// Spend 12.50 over 1000 impressions, 25 clicks, 4 conversions (3 checkouts worth 90.00).
const slice = measures({
  impressions: 1000,
  clicks: 25,
  outboundClicks: 10,
  saves: 5,
  closeups: 8,
  shares: 2,
  spendMicros: 12_500_000,
  conversions: { checkout: 3, signup: 1 },
  conversionValueMicros: { checkout: 90_000_000, signup: 4_000_000 },
  uniqueUsers: 400,
});

describe('Pinterest column catalog', () => {
  it("names only columns of Pinterest's ReportingColumnAsync enum", () => {
    const unknown = PINTEREST_COLUMN_NAMES.filter((column) => !pinterestColumns.has(column));
    expect(unknown).toEqual([]);
  });

  it('answers every column the analytics endpoints must support', () => {
    expect(REQUIRED_COLUMNS.filter((column) => !isPinterestColumn(column))).toEqual([]);
    expect(isPinterestColumn('toString')).toBe(false);
  });

  it('computes each column from base measures (hand-computed)', () => {
    expect(pinterestRow(PINTEREST_COLUMN_NAMES, slice)).toEqual({
      SPEND_IN_MICRO_DOLLAR: 12_500_000,
      SPEND_IN_DOLLAR: 12.5,
      PAID_IMPRESSION: 1000,
      IMPRESSION_1: 1000,
      TOTAL_IMPRESSION: 1000,
      CLICKTHROUGH_1: 25,
      TOTAL_CLICKTHROUGH: 25,
      OUTBOUND_CLICK_1: 10,
      REPIN_1: 5,
      CTR: 0.025,
      OUTBOUND_CTR_1: 0.01,
      REPIN_RATE: 0.005,
      ECPC_IN_MICRO_DOLLAR: 500_000,
      ECPC_IN_DOLLAR: 0.5,
      CPM_IN_MICRO_DOLLAR: 12_500_000,
      CPM_IN_DOLLAR: 12.5,
      TOTAL_ENGAGEMENT: 50,
      ENGAGEMENT_1: 50,
      ENGAGEMENT_RATE: 0.05,
      TOTAL_CONVERSIONS: 4,
      TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: 94_000_000,
      TOTAL_CHECKOUT: 3,
      TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR: 90_000_000,
      CHECKOUT_ROAS: 7.2,
      PAGE_VISIT_ROAS: 0,
      CUSTOM_ROAS: 0,
      TOTAL_IMPRESSION_USER: 400,
      TOTAL_IMPRESSION_FREQUENCY: 2.5,
    });
  });

  it('answers null for every ratio and per-unit cost of an empty slice, 0 for its counts, null for unknown unique users', () => {
    const row = pinterestRow(PINTEREST_COLUMN_NAMES, measures());
    for (const column of PINTEREST_COLUMN_NAMES) {
      const definition: MetricDefinition = PINTEREST_COLUMNS[column];
      const undefinedHere = definition.kind === 'ratio' || column.startsWith('ECPC') || column.startsWith('CPM') || column === 'TOTAL_IMPRESSION_USER';
      expect({ column, value: row[column] }).toEqual({ column, value: undefinedHere ? null : 0 });
    }
  });

  it('rounds the *_IN_DOLLAR cost columns to the same micro as their *_IN_MICRO_DOLLAR twins', () => {
    const odd = measures({ spendMicros: 1_000_001, clicks: 2, impressions: 3 });
    const row = pinterestRow(['ECPC_IN_MICRO_DOLLAR', 'ECPC_IN_DOLLAR', 'CPM_IN_MICRO_DOLLAR', 'CPM_IN_DOLLAR'], odd);
    expect(row).toEqual({ ECPC_IN_MICRO_DOLLAR: 500_001, ECPC_IN_DOLLAR: 0.500001, CPM_IN_MICRO_DOLLAR: 333_333_667, CPM_IN_DOLLAR: 333.333667 });
  });

  it('lists the base measures a set of columns needs, once each', () => {
    expect(measuresFor([PINTEREST_COLUMNS.CTR, PINTEREST_COLUMNS.ECPC_IN_MICRO_DOLLAR]).sort()).toEqual(['clicks', 'impressions', 'spendMicros']);
    expect(measuresFor([PINTEREST_COLUMNS.CHECKOUT_ROAS]).sort()).toEqual(['conversionValueMicros', 'spendMicros']);
  });

  it('declares every measure its computation reads: a slice with all other measures zeroed gives the same value', () => {
    const all = measures({
      impressions: 977,
      clicks: 31,
      outboundClicks: 11,
      saves: 7,
      closeups: 5,
      shares: 3,
      spendMicros: 12_345_678,
      conversions: { checkout: 4, page_visit: 9, custom: 2 },
      conversionValueMicros: { checkout: 55_000_000, page_visit: 1_000_000, custom: 3_000_000 },
      uniqueUsers: 321,
    });
    const definitions: [string, MetricDefinition][] = [...Object.entries(PINTEREST_COLUMNS), ...Object.entries(LOUPE_METRICS)];
    for (const [name, definition] of definitions) {
      const only = measures({
        ...Object.fromEntries(definition.measures.map((measure) => [measure, all[measure]])),
      } as Parameters<typeof measures>[0]);
      expect({ name, value: metricToDecimal(definition, definition.compute(only)) }).toEqual({
        name,
        value: metricToDecimal(definition, definition.compute(all)),
      });
    }
  });
});

describe('Loupe metric catalog', () => {
  it('has every metric the report builder offers', () => {
    expect(REQUIRED_METRICS.filter((name) => !isLoupeMetric(name))).toEqual([]);
    expect(LOUPE_METRIC_NAMES).toEqual(expect.arrayContaining(REQUIRED_METRICS));
    expect(isLoupeMetric('__proto__')).toBe(false);
  });

  it('agrees with the Pinterest column of the same meaning', () => {
    const pairs: [keyof typeof LOUPE_METRICS, keyof typeof PINTEREST_COLUMNS][] = [
      ['spend', 'SPEND_IN_MICRO_DOLLAR'],
      ['impressions', 'PAID_IMPRESSION'],
      ['clicks', 'CLICKTHROUGH_1'],
      ['ctr', 'CTR'],
      ['cpc', 'ECPC_IN_MICRO_DOLLAR'],
      ['cpm', 'CPM_IN_MICRO_DOLLAR'],
      ['engagements', 'TOTAL_ENGAGEMENT'],
      ['engagement_rate', 'ENGAGEMENT_RATE'],
      ['conversions', 'TOTAL_CONVERSIONS'],
      ['conversion_value', 'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR'],
      ['unique_users', 'TOTAL_IMPRESSION_USER'],
      ['frequency', 'TOTAL_IMPRESSION_FREQUENCY'],
    ];
    for (const [metric, column] of pairs) {
      const a: MetricDefinition = LOUPE_METRICS[metric];
      const b: MetricDefinition = PINTEREST_COLUMNS[column];
      expect({ metric, value: metricToJson(a, a.compute(slice)) }).toEqual({ metric, value: metricToJson(b, b.compute(slice)) });
    }
  });

  it('renders exact decimals for CSV: counts as integers, money in units with six places, ratios with ten', () => {
    const decimal = (name: keyof typeof LOUPE_METRICS) => {
      const definition: MetricDefinition = LOUPE_METRICS[name];
      return metricToDecimal(definition, definition.compute(slice));
    };
    expect(decimal('impressions')).toBe('1000');
    expect(decimal('spend')).toBe('12.500000');
    expect(decimal('cpa')).toBe('3.125000'); // 12.50 / 4
    expect(decimal('conversion_value')).toBe('94.000000');
    expect(decimal('roas')).toBe('7.5200000000'); // 94 / 12.5
    expect(decimal('roi')).toBe('6.5200000000'); // (94 − 12.5) / 12.5
    expect(decimal('conversion_rate')).toBe('0.1600000000');
    const empty: MetricDefinition = LOUPE_METRICS.cpa;
    expect(metricToDecimal(empty, empty.compute(measures()))).toBeNull();
  });

  it('serialises money beyond 2^53 micros exactly as a decimal string', () => {
    const huge = aggregate([measures({ spendMicros: 2n ** 62n }), measures({ spendMicros: 2n ** 62n + 1n })]);
    const spend: MetricDefinition = LOUPE_METRICS.spend;
    expect(metricToDecimal(spend, spend.compute(huge))).toBe('9223372036854.775809');
  });
});

describe('docs/metrics.md', () => {
  it('documents every Pinterest column and Loupe metric of the catalogs', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/metrics.md'), 'utf8');
    const missing = [...PINTEREST_COLUMN_NAMES, ...LOUPE_METRIC_NAMES].filter((name) => !doc.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
});

describe('compareMetricValues', () => {
  it('sorts exactly in either direction and keeps undefined metrics last', () => {
    const values = [{ num: 1n, den: 3n }, null, { num: 2n ** 60n, den: 2n ** 60n + 1n }, { num: 1n, den: 2n }, null, { num: 2n ** 60n + 1n, den: 2n ** 60n + 2n }];
    const asc = [...values].sort((a, b) => compareMetricValues(a, b));
    expect(asc.map((v) => (v === null ? null : `${v.num}/${v.den}`))).toEqual([
      '1/3',
      '1/2',
      `${2n ** 60n}/${2n ** 60n + 1n}`,
      `${2n ** 60n + 1n}/${2n ** 60n + 2n}`,
      null,
      null,
    ]);
    const desc = [...values].sort((a, b) => compareMetricValues(a, b, 'desc'));
    expect(desc.slice(0, 2).map((v) => (v === null ? null : `${v.num}/${v.den}`))).toEqual([`${2n ** 60n + 1n}/${2n ** 60n + 2n}`, `${2n ** 60n}/${2n ** 60n + 1n}`]);
    expect(desc.slice(4)).toEqual([null, null]);
    expect([3n, null, -1n, 2n ** 70n].sort((a, b) => compareMetricValues(a, b, 'desc'))).toEqual([2n ** 70n, 3n, -1n, null]);
  });
});
