import { ANALYTICS_LIMITS } from '@loupe/contracts';
import { nextQuarter, previousQuarter, quarterOf, quarterRange, type Quarter } from '@loupe/metrics';
import { daysBetween, todayIn } from '../../lib/format';

/*
 * The overview's date ranges: local dates (YYYY-MM-DD) in the ad account's timezone,
 * both ends inclusive, as the analytics API takes them. The synchronous API answers only
 * the last 90 days (counted from today in UTC) and at most 90 days a request, so every
 * range is clamped to that window here, and the screen says when it was.
 */

export const RANGE_PRESETS = ['last_7_days', 'last_30_days', 'this_quarter', 'last_quarter', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const PRESET_LABELS: Record<RangePreset, string> = {
  last_7_days: 'Last 7 days',
  last_30_days: 'Last 30 days',
  this_quarter: 'This quarter',
  last_quarter: 'Last quarter',
  custom: 'Custom',
};

export interface DateRange {
  start: string;
  end: string;
}

export interface ResolvedRange extends DateRange {
  /** Why the asked-for range was cut, in words for the screen; null when it was not. */
  clampedBecause: string | null;
  days: number;
  /** The equal-length period just before, or null when it reaches past the API's window. */
  previous: DateRange | null;
}

export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The earliest start date the API accepts today: 90 days before today in UTC (its clock). */
export function earliestStart(now: Date): string {
  return addDays(now.toISOString().slice(0, 10), -ANALYTICS_LIMITS.maxDaysBack);
}

/** The range a preset stands for, before clamping. */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, timeZone: string, now: Date): DateRange {
  const today = todayIn(timeZone, now);
  switch (preset) {
    case 'last_7_days':
      return { start: addDays(today, -6), end: today };
    case 'last_30_days':
      return { start: addDays(today, -29), end: today };
    case 'this_quarter':
      return { start: quarterRange(quarterOf(today)).start, end: today };
    case 'last_quarter': {
      const q: Quarter = previousQuarter(quarterOf(today));
      return { start: quarterRange(q).start, end: addDays(quarterRange(nextQuarter(q)).start, -1) };
    }
  }
}

/**
 * Clamps `asked` to what the API can answer (no later than today in the account's
 * timezone, no earlier than its 90-day window, at most 90 days long) and finds the
 * previous period of equal length to compare with.
 */
export function resolveRange(asked: DateRange, timeZone: string, now: Date): ResolvedRange {
  const today = todayIn(timeZone, now);
  const earliest = earliestStart(now);
  const reasons: string[] = [];
  let { start, end } = asked;
  if (end < start) [start, end] = [end, start];
  if (end > today) {
    end = today;
    reasons.push(`ends today (${today}): later days have no data yet`);
  }
  if (start < earliest) {
    start = earliest;
    reasons.push(`starts ${earliest}: the analytics API keeps the last ${ANALYTICS_LIMITS.maxDaysBack} days (older periods need an async report)`);
  }
  if (daysBetween(start, end) + 1 > ANALYTICS_LIMITS.maxRangeDays) {
    start = addDays(end, -(ANALYTICS_LIMITS.maxRangeDays - 1));
    reasons.push(`covers the last ${ANALYTICS_LIMITS.maxRangeDays} days of it, the most one request may`);
  }
  if (start > end) start = end;
  const days = daysBetween(start, end) + 1;
  const previousStart = addDays(start, -days);
  const previous = previousStart < earliest ? null : { start: previousStart, end: addDays(start, -1) };
  return { start, end, days, previous, clampedBecause: reasons.length > 0 ? `The range ${reasons.join('; ')}.` : null };
}
