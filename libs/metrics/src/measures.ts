import { type IntegerInput, toBigInt } from './exact';

/**
 * Pinterest's conversion event types, lower-cased as Loupe stores them in
 * `events.conversion_type`. Other strings are kept as they come (a custom name is
 * still a conversion); these are the ones Pinterest reports by name.
 */
export const CONVERSION_TYPES = [
  'page_visit',
  'signup',
  'checkout',
  'custom',
  'add_to_cart',
  'lead',
  'search',
  'watch_video',
  'view_category',
  'app_install',
  'unknown',
] as const;
export type ConversionType = (typeof CONVERSION_TYPES)[number];

/** Counts and money that add up across any slice: the sum over two slices is the value of their union. */
export const ADDITIVE_MEASURES = ['impressions', 'clicks', 'outboundClicks', 'saves', 'closeups', 'shares', 'spendMicros'] as const;
export type AdditiveMeasure = (typeof ADDITIVE_MEASURES)[number];

/** Every base measure a metric may need (for query builders: which rollup columns to read). */
export type MeasureName = AdditiveMeasure | 'conversions' | 'conversionValueMicros' | 'uniqueUsers';

/**
 * The base measures of one slice (an ad, a day, a targeting bucket, or any union of
 * them). Every metric is computed from these and from nothing else, which is what
 * keeps the analytics endpoint, the report builder, the async report and the CSV in
 * agreement.
 */
export interface BaseMeasures {
  /** Paid impressions (every Loupe impression is a promoted pin shown). */
  readonly impressions: bigint;
  /** Pin clicks (CLICK events). */
  readonly clicks: bigint;
  /** Clicks through to the advertiser's site (OUTBOUND_CLICK engagements). */
  readonly outboundClicks: bigint;
  /** Saves (Pinterest's repins). */
  readonly saves: bigint;
  readonly closeups: bigint;
  readonly shares: bigint;
  /** Spend, integer micros of the ad account's currency. */
  readonly spendMicros: bigint;
  /** Attributed conversions by conversion type. */
  readonly conversions: Readonly<Record<string, bigint>>;
  /** Attributed conversion value by conversion type, integer micros of the ad account's currency. */
  readonly conversionValueMicros: Readonly<Record<string, bigint>>;
  /**
   * Distinct users reached. Not additive (a user seen on two days is one user), so it
   * is null whenever it is not known for exactly this slice.
   */
  readonly uniqueUsers: bigint | null;
}

/** Loose input for `measures()`: numbers, bigints or digit strings; missing fields are 0. */
export type MeasuresInput = {
  readonly [K in AdditiveMeasure]?: IntegerInput;
} & {
  readonly conversions?: Readonly<Record<string, IntegerInput>>;
  readonly conversionValueMicros?: Readonly<Record<string, IntegerInput>>;
  readonly uniqueUsers?: IntegerInput | null;
};

/** Normalises a row (e.g. straight from ClickHouse, where Int64 arrives as a string) into base measures. */
export function measures(input: MeasuresInput = {}): BaseMeasures {
  const additive = {} as Record<AdditiveMeasure, bigint>;
  for (const name of ADDITIVE_MEASURES) {
    const value = input[name];
    additive[name] = value === undefined ? 0n : toBigInt(value, name);
  }
  return {
    ...additive,
    conversions: byType(input.conversions, 'conversions'),
    conversionValueMicros: byType(input.conversionValueMicros, 'conversionValueMicros'),
    uniqueUsers: input.uniqueUsers === undefined || input.uniqueUsers === null ? null : toBigInt(input.uniqueUsers, 'uniqueUsers'),
  };
}

export interface AggregateOptions {
  /**
   * The distinct users of the union, when the store counted them for the union
   * itself (e.g. uniqExact over the whole slice). Without it the union's unique users
   * are unknown (null) as soon as more than one row is combined.
   */
  readonly uniqueUsers?: IntegerInput | null;
}

/**
 * The base measures of the union of the given slices: additive measures summed,
 * conversions summed per type. Derive ratios from the result (never average the
 * rows' ratios): this is how totals rows are computed.
 */
export function aggregate(rows: Iterable<BaseMeasures>, options: AggregateOptions = {}): BaseMeasures {
  const sums = {} as Record<AdditiveMeasure, bigint>;
  for (const name of ADDITIVE_MEASURES) sums[name] = 0n;
  const conversions = typeRecord();
  const values = typeRecord();
  let count = 0;
  let onlyUniqueUsers: bigint | null = null;
  for (const row of rows) {
    count += 1;
    for (const name of ADDITIVE_MEASURES) sums[name] += row[name];
    addInto(conversions, row.conversions);
    addInto(values, row.conversionValueMicros);
    onlyUniqueUsers = row.uniqueUsers;
  }
  let uniqueUsers: bigint | null;
  if (options.uniqueUsers !== undefined) {
    uniqueUsers = options.uniqueUsers === null ? null : toBigInt(options.uniqueUsers, 'uniqueUsers');
  } else if (count === 0) {
    uniqueUsers = 0n;
  } else {
    // Summing would count a user once per row they appear in; only a single row is exact.
    uniqueUsers = count === 1 ? onlyUniqueUsers : null;
  }
  return { ...sums, conversions, conversionValueMicros: values, uniqueUsers };
}

/** All attributed conversions, or those of one type. */
export function totalConversions(m: BaseMeasures, type?: string): bigint {
  return type === undefined ? sumValues(m.conversions) : valueOfType(m.conversions, type);
}

/** All attributed conversion value in micros, or that of one type. */
export function totalConversionValueMicros(m: BaseMeasures, type?: string): bigint {
  return type === undefined ? sumValues(m.conversionValueMicros) : valueOfType(m.conversionValueMicros, type);
}

/**
 * Engagements: pin clicks, outbound clicks, saves, close-ups and shares — every
 * interaction with the promoted pin (DESIGN.md §6; Pinterest counts outbound clicks
 * as engagements too).
 */
export function totalEngagements(m: BaseMeasures): bigint {
  return m.clicks + m.outboundClicks + m.saves + m.closeups + m.shares;
}

function valueOfType(record: Readonly<Record<string, bigint>>, type: string): bigint {
  const key = normaliseType(type);
  return Object.hasOwn(record, key) ? record[key]! : 0n;
}

function normaliseType(type: string): string {
  return type.toLowerCase();
}

function byType(input: Readonly<Record<string, IntegerInput>> | undefined, what: string): Record<string, bigint> {
  const out = typeRecord();
  if (!input) return out;
  for (const [type, value] of Object.entries(input)) {
    const key = normaliseType(type);
    out[key] = (out[key] ?? 0n) + toBigInt(value, `${what}.${type}`);
  }
  return out;
}

/** Conversion types come from advertisers; a null-prototype record makes `__proto__` just another key. */
function typeRecord(): Record<string, bigint> {
  return Object.create(null) as Record<string, bigint>;
}

function addInto(target: Record<string, bigint>, source: Readonly<Record<string, bigint>>): void {
  for (const [type, value] of Object.entries(source)) target[type] = (target[type] ?? 0n) + value;
}

function sumValues(record: Readonly<Record<string, bigint>>): bigint {
  let total = 0n;
  for (const value of Object.values(record)) total += value;
  return total;
}
