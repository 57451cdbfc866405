/** Ratios, counts and dates as people read them. Dates are shown in the ad account's timezone. */

const percent = new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * A ratio (clicks / impressions, say) as a percentage from its two sums — never an
 * average of ratios — and an em dash when the denominator is 0 (DESIGN.md §6).
 */
export function formatRatio(numerator: number, denominator: number): string {
  if (denominator === 0) return '—';
  return percent.format(numerator / denominator);
}

/** ROAS-style multiples: 3.5 → "3.50×"; em dash when undefined. */
export function formatMultiple(numerator: number, denominator: number): string {
  if (denominator === 0) return '—';
  return `${(numerator / denominator).toFixed(2)}×`;
}

export function formatCount(value: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** "1.2M"-style counts for audience sizes. */
export function formatCompact(value: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** Unix seconds as a date in `timeZone` ("Mar 1, 2026"); null → "—". */
export function formatDate(unixSeconds: number | null | undefined, timeZone: string, locale?: string): string {
  if (unixSeconds === null || unixSeconds === undefined) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(new Date(unixSeconds * 1000));
}

/** Unix seconds as date and time in `timeZone`, naming the zone ("Mar 1, 2026, 9:00 AM EST"). */
export function formatDateTime(unixSeconds: number | null | undefined, timeZone: string, locale?: string): string {
  if (unixSeconds === null || unixSeconds === undefined) return '—';
  // dateStyle cannot be combined with timeZoneName, so the parts are spelled out.
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(unixSeconds * 1000));
}

/** Today's calendar date in `timeZone` as YYYY-MM-DD. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return isoDateIn(now, timeZone);
}

function isoDateIn(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The offset of `timeZone` from UTC at `date`, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (date.getTime() - date.getMilliseconds());
}

/**
 * Unix seconds of midnight starting `isoDate` (YYYY-MM-DD) in `timeZone` — where the
 * account's day begins, which is where budgets and reports cut days.
 */
export function startOfDayIn(isoDate: string, timeZone: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle days on which the offset changes (DST starts at or after midnight).
  let utc = guess - zoneOffsetMs(new Date(guess), timeZone);
  utc = guess - zoneOffsetMs(new Date(utc), timeZone);
  return Math.floor(utc / 1000);
}

/** Whole days from `fromIso` to `toIso` (calendar dates), 0 when the same day. */
export function daysBetween(fromIso: string, toIso: string): number {
  const toUtc = (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((toUtc(toIso) - toUtc(fromIso)) / 86_400_000);
}

/** Unix seconds as a YYYY-MM-DD date in `timeZone`. */
export function isoDateFromUnix(unixSeconds: number, timeZone: string): string {
  return isoDateIn(new Date(unixSeconds * 1000), timeZone);
}
