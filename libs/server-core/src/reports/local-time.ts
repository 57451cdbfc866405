/**
 * Local calendar dates of an ad account ↔ UTC instants. Reports take dates as the
 * account sees them (YYYY-MM-DD in its timezone); the rollups are keyed by UTC hour.
 */

const OFFSET_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The timezone's offset from UTC at `atMs`, in milliseconds (positive east of Greenwich). */
export function timezoneOffsetMs(timezone: string, atMs: number): number {
  let format = OFFSET_FORMATS.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    OFFSET_FORMATS.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(atMs).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(atMs / 1000) * 1000;
}

/** The UTC instant at which `localDate` (YYYY-MM-DD) begins in `timezone`. */
export function startOfLocalDay(localDate: string, timezone: string): Date {
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(y, m - 1, d);
  // Two passes settle days on which the offset changes (DST transitions).
  let instant = wallMidnight - timezoneOffsetMs(timezone, wallMidnight);
  instant = wallMidnight - timezoneOffsetMs(timezone, instant);
  return new Date(instant);
}

/** `localDate` plus `days` calendar days (YYYY-MM-DD). */
export function addDays(localDate: string, days: number): string {
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The rollups are hourly: a range edge inside an hour (half-hour timezones) widens to the whole hour. */
export function floorToHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
}
