/**
 * Local calendar dates of an ad account ↔ UTC instants. Reports take dates as the
 * account sees them (YYYY-MM-DD in its timezone); the rollups are keyed by UTC hour.
 */

// The offset arithmetic lives with the local-day rollups, which cut days the same way.
export { addDays, startOfLocalDay, timezoneOffsetMs } from '@loupe/analytics';

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The rollups are hourly: a range edge inside an hour (half-hour timezones) widens to the whole hour. */
export function floorToHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
}
