import { addDays, startOfLocalDay } from '../analytics/local-time';

/*
 * Months and quarters of an ad account ("2026-07", "2026-Q3"), cut in its timezone,
 * and the UTC hours of the spend ledger that belong to them.
 */

/** Months since year 0: makes month arithmetic plain integer arithmetic. */
export function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

export function monthOfIndex(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function addMonths(month: string, months: number): string {
  return monthOfIndex(monthIndex(month) + months);
}

/** Every month from `start` to `end`, inclusive. */
export function monthsBetween(start: string, end: string): string[] {
  const out: string[] = [];
  for (let i = monthIndex(start); i <= monthIndex(end); i++) out.push(monthOfIndex(i));
  return out;
}

export function monthStartDate(month: string): string {
  return `${month}-01`;
}

export function monthEndDate(month: string): string {
  return addDays(monthStartDate(addMonths(month, 1)), -1);
}

/** "2026-Q3" for "2026-07". */
export function quarterOfMonth(month: string): string {
  return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The first month of a month's quarter. */
export function quarterStartMonth(month: string): string {
  const m = Number(month.slice(5, 7));
  return `${month.slice(0, 4)}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}`;
}

/** The month `now` falls in, in `timezone`. */
export function currentMonth(timezone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(now).slice(0, 7);
}

/** Whether the month has ended in `timezone` at `now` (only then may it be closed). */
export function monthEnded(month: string, timezone: string, now: Date): boolean {
  return now.getTime() >= startOfLocalDay(monthStartDate(addMonths(month, 1)), timezone).getTime();
}

/**
 * The ledger hours [from, to) of the months `start`..`end`: every UTC hour whose
 * local start falls in them. The ledger is hourly, so in a timezone with a half-hour
 * or 45-minute offset the hour that straddles local midnight on the 1st belongs
 * wholly to the month in which it starts (docs/finance.md).
 */
export function ledgerHours(start: string, end: string, timezone: string): { from: Date; to: Date } {
  return {
    from: ceilToHour(startOfLocalDay(monthStartDate(start), timezone)),
    to: ceilToHour(startOfLocalDay(monthStartDate(addMonths(end, 1)), timezone)),
  };
}

function ceilToHour(date: Date): Date {
  return new Date(Math.ceil(date.getTime() / 3_600_000) * 3_600_000);
}
