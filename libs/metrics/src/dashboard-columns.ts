import type { PinterestColumn } from './catalog';

/*
 * The Pinterest columns each dashboard screen asks the analytics API for: one list per
 * screen, read by the web app when it asks and by bench/report when it times the same
 * questions (the rollup read fetches only these columns' measures, so the list is the
 * read's cost).
 */

/** Overview KPI cards and engagement funnel (ratios are computed in the page from these sums). */
export const OVERVIEW_COLUMNS = [
  'SPEND_IN_MICRO_DOLLAR',
  'IMPRESSION_1',
  'CLICKTHROUGH_1',
  'OUTBOUND_CLICK_1',
  'REPIN_1',
  'TOTAL_ENGAGEMENT',
  'TOTAL_CONVERSIONS',
  'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
] as const satisfies readonly PinterestColumn[];

/** Overview trend chart: spend against attributed conversion value, per day. */
export const TREND_COLUMNS = ['SPEND_IN_MICRO_DOLLAR', 'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR'] as const satisfies readonly PinterestColumn[];

/** The metrics of each row of the campaigns, ad groups and ads grids. */
export const ROW_METRIC_COLUMNS = [
  'SPEND_IN_MICRO_DOLLAR',
  'IMPRESSION_1',
  'CLICKTHROUGH_1',
  'TOTAL_CONVERSIONS',
  'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
] as const satisfies readonly PinterestColumn[];
