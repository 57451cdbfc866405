import { type FinanceGranularity } from '@loupe/contracts';
import { formatMicros } from '@loupe/metrics';
import { formatDateTime, todayIn } from '../../lib/format';
import { type SpendRange } from './api';

/*
 * Finance periods as people read them. Months and quarters are cut in the ad account's
 * timezone by the API; here they are only named ("July 2026", "Q3 2026") and dated.
 * Money is integer micros formatted exactly by @loupe/metrics in the account currency.
 */

/** The current month (YYYY-MM) in `timeZone`. */
export function currentMonthIn(timeZone: string, now: Date = new Date()): string {
  return todayIn(timeZone, now).slice(0, 7);
}

/** The year of `month` (YYYY-MM) as a spend range: January to December, or to the current month for this year. */
export function yearRange(year: number, granularity: FinanceGranularity, currentMonth: string): SpendRange {
  const thisYear = Number(currentMonth.slice(0, 4));
  const end = year === thisYear ? currentMonth : `${year}-12`;
  return { granularity, start: `${year}-01`, end };
}

/** The years the screen offers: this year and the two before (the API answers 36 months a request). */
export function offeredYears(currentMonth: string): number[] {
  const year = Number(currentMonth.slice(0, 4));
  return [year, year - 1, year - 2];
}

const MONTH_NAME = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2026-07" → "July 2026", "2026-Q3" → "Q3 2026"; anything else as it is. */
export function periodLabel(period: string): string {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) return MONTH_NAME.format(new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1)));
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return `Q${quarter[2]} ${quarter[1]}`;
  return period;
}

const LOCAL_DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** A local date (YYYY-MM-DD, already in the account's timezone) as "Jul 1, 2026". */
export function localDateLabel(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return LOCAL_DATE.format(new Date(Date.UTC(y, m - 1, d)));
}

/** An ISO instant (closing, detection, issue) in the account's timezone, naming the zone. */
export function instantLabel(iso: string | null, timeZone: string): string {
  return iso === null ? '—' : formatDateTime(Math.floor(Date.parse(iso) / 1000), timeZone, 'en-US');
}

/** Integer micros in the account currency, exact (no float), "−" for negative restatements as Intl writes it. */
export function money(micros: number, currency: string): string {
  return formatMicros(micros, currency);
}

export function count(value: number): string {
  return new Intl.NumberFormat('en-US').format(value);
}
