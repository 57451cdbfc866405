/**
 * Local calendar days of an ad account ↔ UTC instants, and which timezones the local-day
 * rollups (migration 0005, `rollup_<level>_local_daily`) can serve.
 *
 * The hourly rollups are keyed by UTC hour, so a local day can be built from them only
 * when it starts and ends on a whole UTC hour: every timezone whose offset is a whole
 * number of hours (New York, Berlin, Tokyo, and their DST shifts). Zones with half- or
 * quarter-hour offsets (Kolkata, Kathmandu, Adelaide, Newfoundland, Lord Howe's 30-minute
 * DST) are read from the UTC daily and hourly tables as before. UTC-like zones are served
 * by the UTC daily tables (0003/0004), whose days are already theirs.
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

/** The local calendar date (YYYY-MM-DD) of a unix second in `timezone`. */
export function localDateOf(unixSeconds: number, timezone: string): string {
  const ms = unixSeconds * 1000;
  return new Date(ms + timezoneOffsetMs(timezone, ms)).toISOString().slice(0, 10);
}

/** Does a local day start at this unix second (in `timezone`)? */
export function isLocalMidnight(unixSeconds: number, timezone: string): boolean {
  return startOfLocalDay(localDateOf(unixSeconds, timezone), timezone).getTime() === unixSeconds * 1000;
}

/** Timezones whose days start at UTC midnight: the UTC daily tables already hold their days. */
export const UTC_ZONES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu']);

const LOCAL_DAY_ZONES = new Map<string, boolean>();
/** The span checked for whole-hour offsets: every fortnight from 1990 to 2060. */
const CHECK_FROM_MS = Date.UTC(1990, 0, 1);
const CHECK_TO_MS = Date.UTC(2060, 0, 1);
const STEP_MS = 14 * 86_400_000;

/**
 * Are this timezone's days kept in the local-day rollups? True for a valid IANA zone
 * that is not UTC-like and whose offset is a whole number of hours at a sample every
 * fortnight from 1990 to 2060 (an offset lasts months, so a 30-minute DST shift such as
 * Lord Howe's is caught). The answer is cached per zone.
 */
export function hasLocalDayRollups(timezone: string): boolean {
  const known = LOCAL_DAY_ZONES.get(timezone);
  if (known !== undefined) return known;
  let eligible = !UTC_ZONES.has(timezone);
  if (eligible) {
    try {
      for (let at = CHECK_FROM_MS; eligible && at < CHECK_TO_MS; at += STEP_MS) {
        if (timezoneOffsetMs(timezone, at) % 3_600_000 !== 0) eligible = false;
      }
    } catch {
      eligible = false; // not a timezone Intl knows
    }
  }
  LOCAL_DAY_ZONES.set(timezone, eligible);
  return eligible;
}
