import {
  APP_TYPES,
  ASYNC_REPORT_LIMITS,
  GENDERS,
  REPORT_LIMITS,
  reportDefinitionSchema,
  type AsyncReportCreate,
  type ReportDefinition,
  type ReportDimension,
  type ReportFilters,
} from '@loupe/contracts';
import { LOUPE_METRIC_NAMES, type LoupeMetric, type PinterestColumn } from '@loupe/metrics';
import { daysBetween, todayIn } from '../../lib/format';
import { addDays, presetRange, type DateRange } from '../overview/dateRange';

/*
 * The report builder's form state and what it becomes: the body of
 * POST /v5/reports/query (checked with the contract's own schema, so the form refuses
 * what the API would), and — for the CSV export — one Pinterest async report per ad
 * account, since an async report belongs to one account.
 */

export const REPORT_PRESETS = ['last_7_days', 'last_30_days', 'this_quarter', 'last_quarter', 'last_12_months', 'custom'] as const;
export type ReportPreset = (typeof REPORT_PRESETS)[number];
export const REPORT_PRESET_LABELS: Record<ReportPreset, string> = {
  last_7_days: 'Last 7 days',
  last_30_days: 'Last 30 days',
  this_quarter: 'This quarter',
  last_quarter: 'Last quarter',
  last_12_months: 'Last 12 months',
  custom: 'Custom',
};

/** How rows are cut in time: none is the whole range in one row (Pinterest's TOTAL). */
export const GRANULARITIES = ['none', 'date', 'week', 'month', 'quarter'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const GRANULARITY_LABELS: Record<Granularity, string> = { none: 'Whole range', date: 'Day', week: 'Week', month: 'Month', quarter: 'Quarter' };

/** The non-time dimensions offered, in the order the form lists them. */
export const BREAKDOWNS = ['ad_account', 'campaign', 'ad_group', 'ad', 'placement', 'device', 'gender', 'age_bucket', 'location', 'interest'] as const satisfies readonly ReportDimension[];
export type Breakdown = (typeof BREAKDOWNS)[number];
export const DIMENSION_LABELS: Record<ReportDimension, string> = {
  ad_account: 'Ad account',
  campaign: 'Campaign',
  ad_group: 'Ad group',
  ad: 'Ad',
  date: 'Day',
  week: 'Week',
  month: 'Month',
  quarter: 'Quarter',
  placement: 'Placement',
  device: 'Device',
  gender: 'Gender',
  age_bucket: 'Age',
  location: 'Location',
  interest: 'Interest',
};

export const METRIC_LABELS: Record<LoupeMetric, string> = {
  spend: 'Spend',
  impressions: 'Impressions',
  clicks: 'Pin clicks',
  outbound_clicks: 'Outbound clicks',
  saves: 'Saves',
  closeups: 'Close-ups',
  shares: 'Shares',
  engagements: 'Engagements',
  conversions: 'Conversions',
  conversion_value: 'Conversion value',
  unique_users: 'Reach',
  frequency: 'Frequency',
  ctr: 'CTR',
  cpc: 'CPC',
  cpm: 'CPM',
  cpa: 'CPA',
  roas: 'ROAS',
  roi: 'ROI',
  engagement_rate: 'Engagement rate',
  conversion_rate: 'Conversion rate',
};
export const METRIC_OPTIONS: readonly LoupeMetric[] = LOUPE_METRIC_NAMES;

export const FILTER_GENDERS = GENDERS;
export const FILTER_DEVICES = APP_TYPES;

export interface BuilderState {
  accountIds: string[];
  preset: ReportPreset;
  custom: DateRange;
  granularity: Granularity;
  breakdowns: Breakdown[];
  metrics: LoupeMetric[];
  /** Campaign ids as typed: separated by commas or spaces. */
  campaignIds: string;
  genders: string[];
  devices: string[];
  /** Country codes as typed. */
  locations: string;
  sort: ReportDefinition['sort'] | null;
}

export function initialBuilderState(homeAccountId: string, timeZone: string, now: Date): BuilderState {
  return {
    accountIds: [homeAccountId],
    preset: 'last_30_days',
    custom: presetRange('last_30_days', timeZone, now),
    granularity: 'date',
    breakdowns: [],
    metrics: ['spend', 'impressions', 'clicks', 'ctr', 'conversions', 'roas'],
    campaignIds: '',
    genders: [],
    devices: [],
    locations: '',
    sort: null,
  };
}

/** The dates a preset stands for in `timeZone` (the home account's); custom is taken as typed. */
export function rangeOf(state: Pick<BuilderState, 'preset' | 'custom'>, timeZone: string, now: Date): DateRange {
  if (state.preset === 'custom') return state.custom;
  if (state.preset === 'last_12_months') {
    const today = todayIn(timeZone, now);
    return { start: addDays(today, -364), end: today };
  }
  return presetRange(state.preset, timeZone, now);
}

const words = (text: string) => text.split(/[\s,]+/).filter((w) => w.length > 0);

/** Where the schema's complaints are shown in the form. */
const FIELD_OF_PATH: Record<string, string> = {
  ad_account_ids: 'accounts',
  start_date: 'dates',
  end_date: 'dates',
  dimensions: 'breakdowns',
  metrics: 'metrics',
  'filters.campaign_ids': 'campaignIds',
  'filters.location': 'locations',
};

export type BuildResult = { ok: true; definition: ReportDefinition } | { ok: false; errors: Record<string, string> };

/** The form as the API's report definition, or the problems to show beside each field. */
export function toDefinition(state: BuilderState, timeZone: string, now: Date): BuildResult {
  const errors: Record<string, string> = {};
  const range = rangeOf(state, timeZone, now);
  if (state.accountIds.length === 0) errors.accounts = 'Choose at least one ad account.';
  if (state.metrics.length === 0) errors.metrics = 'Choose at least one metric.';
  if (range.end < range.start) errors.dates = 'The end date is before the start date.';
  else if (daysBetween(range.start, range.end) + 1 > REPORT_LIMITS.maxRangeDays) errors.dates = `At most ${REPORT_LIMITS.maxRangeDays} days per report.`;
  const campaignIds = words(state.campaignIds);
  if (campaignIds.some((id) => !/^\d{1,19}$/.test(id))) errors.campaignIds = 'Campaign ids are numbers, separated by commas.';
  const locations = words(state.locations).map((c) => c.toUpperCase());
  if (locations.some((c) => !/^[A-Z]{2}$/.test(c))) errors.locations = 'Countries are two-letter codes such as US, DE.';
  const filters: ReportFilters = {};
  if (campaignIds.length > 0) filters.campaign_ids = campaignIds;
  if (state.genders.length > 0) filters.gender = state.genders;
  if (state.devices.length > 0) filters.device = state.devices;
  if (locations.length > 0) filters.location = locations;
  const dimensions: ReportDimension[] = [...state.breakdowns, ...(state.granularity === 'none' ? [] : [state.granularity])];
  const candidate = {
    ad_account_ids: state.accountIds,
    start_date: range.start,
    end_date: range.end,
    dimensions,
    metrics: state.metrics,
    filters,
    ...(state.sort ? { sort: state.sort } : {}),
  };
  const parsed = reportDefinitionSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, sub] = issue.path;
      const field = FIELD_OF_PATH[top === 'filters' ? `filters.${String(sub)}` : String(top)] ?? 'form';
      errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, definition: parsed.data };
}

/** A saved definition back into the form (dates become a custom range: a saved report keeps its dates). */
export function fromDefinition(definition: ReportDefinition): BuilderState {
  const time = definition.dimensions.find((d): d is Exclude<Granularity, 'none'> => (GRANULARITIES as readonly string[]).includes(d));
  return {
    accountIds: definition.ad_account_ids,
    preset: 'custom',
    custom: { start: definition.start_date, end: definition.end_date },
    granularity: time ?? 'none',
    breakdowns: definition.dimensions.filter((d): d is Breakdown => (BREAKDOWNS as readonly string[]).includes(d)),
    metrics: definition.metrics,
    campaignIds: (definition.filters.campaign_ids ?? []).join(', '),
    genders: definition.filters.gender ?? [],
    devices: definition.filters.device ?? [],
    locations: (definition.filters.location ?? []).join(', '),
    sort: definition.sort ?? null,
  };
}

/* ---------------------------------------------------------------- CSV export through Pinterest's async reports */

/** The Pinterest column of the same meaning as a Loupe metric (the pairs libs/metrics tests agree). */
export const EXPORT_COLUMNS: Partial<Record<LoupeMetric, PinterestColumn>> = {
  spend: 'SPEND_IN_MICRO_DOLLAR',
  impressions: 'IMPRESSION_1',
  clicks: 'CLICKTHROUGH_1',
  outbound_clicks: 'OUTBOUND_CLICK_1',
  saves: 'REPIN_1',
  engagements: 'TOTAL_ENGAGEMENT',
  conversions: 'TOTAL_CONVERSIONS',
  conversion_value: 'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
  unique_users: 'TOTAL_IMPRESSION_USER',
  frequency: 'TOTAL_IMPRESSION_FREQUENCY',
  ctr: 'CTR',
  cpc: 'ECPC_IN_MICRO_DOLLAR',
  cpm: 'CPM_IN_MICRO_DOLLAR',
  engagement_rate: 'ENGAGEMENT_RATE',
};

const LEVEL_OF: Record<'ad_account' | 'campaign' | 'ad_group' | 'ad', AsyncReportCreate['level']> = {
  ad_account: 'ADVERTISER',
  campaign: 'CAMPAIGN',
  ad_group: 'AD_GROUP',
  ad: 'PIN_PROMOTION',
};
const LEVEL_DEPTH: AsyncReportCreate['level'][] = ['ADVERTISER', 'CAMPAIGN', 'AD_GROUP', 'PIN_PROMOTION'];
const GRANULARITY_OF: Partial<Record<ReportDimension, AsyncReportCreate['granularity']>> = { date: 'DAY', week: 'WEEK', month: 'MONTH' };

export type ExportPlan =
  | { ok: true; requests: { adAccountId: string; body: AsyncReportCreate }[]; omittedMetrics: LoupeMetric[] }
  | { ok: false; reason: string };

/**
 * The async reports (one per ad account, CSV) that export this report: the deepest entity
 * dimension (or id filter) is the level, the time dimension the granularity. What Pinterest's
 * async report cannot express is refused with the reason, so the screen can say what to change.
 */
export function exportPlan(definition: ReportDefinition, now: Date): ExportPlan {
  const segments = definition.dimensions.filter((d) => !(d in LEVEL_OF) && !(d in GRANULARITY_OF));
  if (definition.dimensions.includes('quarter')) return { ok: false, reason: 'CSV export has no quarter granularity (Pinterest’s reports go by day, week or month). Choose Month to export.' };
  if (segments.length > 0) return { ok: false, reason: `CSV export cuts by ad account, campaign, ad group, ad and time only; remove ${segments.map((s) => DIMENSION_LABELS[s]).join(', ')} to export.` };
  const { gender, device, location, placement, age_bucket, interest } = definition.filters;
  if (gender ?? device ?? location ?? placement ?? age_bucket ?? interest) return { ok: false, reason: 'CSV export takes campaign filters only; clear the gender, device and country filters to export.' };
  const columns = definition.metrics.map((m) => EXPORT_COLUMNS[m]).filter((c): c is PinterestColumn => c !== undefined);
  const omittedMetrics = definition.metrics.filter((m) => EXPORT_COLUMNS[m] === undefined);
  if (columns.length === 0) return { ok: false, reason: `None of the chosen metrics is a Pinterest report column (${omittedMetrics.map((m) => METRIC_LABELS[m]).join(', ')}).` };
  const span = daysBetween(definition.start_date, definition.end_date) + 1;
  if (span > ASYNC_REPORT_LIMITS.maxRangeDays) return { ok: false, reason: `CSV export covers at most ${ASYNC_REPORT_LIMITS.maxRangeDays} days per report; this range has ${span}.` };
  const earliest = addDays(now.toISOString().slice(0, 10), -ASYNC_REPORT_LIMITS.maxDaysBack);
  if (definition.start_date < earliest) return { ok: false, reason: `CSV export reaches back to ${earliest} at most.` };

  let depth = 0;
  for (const d of definition.dimensions) if (d in LEVEL_OF) depth = Math.max(depth, LEVEL_DEPTH.indexOf(LEVEL_OF[d as keyof typeof LEVEL_OF]));
  if (definition.filters.campaign_ids) depth = Math.max(depth, 1);
  if (definition.filters.ad_group_ids) depth = Math.max(depth, 2);
  if (definition.filters.ad_ids) depth = Math.max(depth, 3);
  const time = definition.dimensions.map((d) => GRANULARITY_OF[d]).find((g) => g !== undefined);
  const body: AsyncReportCreate = {
    start_date: definition.start_date,
    end_date: definition.end_date,
    granularity: time ?? 'TOTAL',
    columns,
    level: LEVEL_DEPTH[depth]!,
    report_format: 'CSV',
    click_window_days: definition.click_window_days,
    engagement_window_days: 30,
    view_window_days: definition.view_window_days,
    conversion_report_time: definition.conversion_report_time,
    ...(definition.filters.campaign_ids ? { campaign_ids: definition.filters.campaign_ids } : {}),
    ...(definition.filters.ad_group_ids ? { ad_group_ids: definition.filters.ad_group_ids } : {}),
    ...(definition.filters.ad_ids ? { ad_ids: definition.filters.ad_ids } : {}),
  };
  return { ok: true, omittedMetrics, requests: definition.ad_account_ids.map((adAccountId) => ({ adAccountId, body })) };
}
