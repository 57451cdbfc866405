import { accountDay } from './budget-store';

const CLOCKS = new Map<string, Intl.DateTimeFormat>();

/** Minutes since the ad account's local midnight at `atMs` (0..1439). */
export function localMinuteOfDay(timezone: string, atMs: number): number {
  let clock = CLOCKS.get(timezone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    CLOCKS.set(timezone, clock);
  }
  let hour = 0;
  let minute = 0;
  for (const part of clock.formatToParts(atMs)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

/**
 * Local days from today to the day of `endSeconds` (an exclusive end instant), both
 * included, at least 1: how many days a LIFETIME budget's remainder is spread over.
 */
export function remainingLocalDays(timezone: string, atMs: number, endSeconds: number): number {
  const today = accountDay(timezone, atMs);
  const last = accountDay(timezone, Math.max(atMs, endSeconds * 1000 - 1));
  return Math.max(1, Math.round((Date.parse(last) - Date.parse(today)) / 86_400_000) + 1);
}

/**
 * The account-local day of many ad groups in one request. Intl formatting is not free,
 * and every UTC offset is a whole number of minutes, so a timezone's day is computed once
 * per minute (process-wide) and reused until the minute ends.
 */
export class DayCache {
  private static readonly shared = new Map<string, { day: string; untilMs: number }>();
  /** The last answer: a request's ad groups mostly share a few timezones. */
  private lastTimezone: string | null = null;
  private lastDay = '';
  constructor(private readonly atMs: number) {}

  of(timezone: string): string {
    if (timezone === this.lastTimezone) return this.lastDay;
    const day = this.lookup(timezone);
    this.lastTimezone = timezone;
    this.lastDay = day;
    return day;
  }

  private lookup(timezone: string): string {
    const cached = DayCache.shared.get(timezone);
    if (cached && this.atMs < cached.untilMs && this.atMs >= cached.untilMs - 60_000) return cached.day;
    const day = accountDay(timezone, this.atMs);
    DayCache.shared.set(timezone, { day, untilMs: Math.floor(this.atMs / 60_000) * 60_000 + 60_000 });
    return day;
  }
}
