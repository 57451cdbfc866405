import { lit, sql, SqlLiteralError, type SqlFragment } from './sql-literal';

/** Report granularities (Pinterest's, plus QUARTER for the report builder). */
export const GRANULARITIES = ['TOTAL', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/**
 * The period a UTC DateTime expression falls in, cut in `timezone`: HOUR gives
 * the local 'YYYY-MM-DD hh:00:00' text, DAY/WEEK/MONTH/QUARTER the local Date
 * of the period's first day (weeks start on Monday), TOTAL no period (null).
 * Only functions with the same meaning on 18.16 and current ClickHouse are used
 * (toMonday, not toStartOfWeek). Hourly rollups are cut in UTC hours, so a
 * timezone whose offset is not a whole number of hours cuts days one partial
 * hour off; use the raw events for those.
 */
export function periodSql(time: SqlFragment, granularity: Granularity, timezone: string): SqlFragment | null {
  const tz = lit.string(timezone);
  switch (granularity) {
    case 'TOTAL':
      return null;
    case 'HOUR':
      return sql`toString(toStartOfHour(${time}), ${tz})`;
    case 'DAY':
      return sql`toDate(${time}, ${tz})`;
    case 'WEEK':
      return sql`toMonday(${time}, ${tz})`;
    case 'MONTH':
      return sql`toStartOfMonth(${time}, ${tz})`;
    case 'QUARTER':
      return sql`toStartOfQuarter(${time}, ${tz})`;
    default:
      throw new SqlLiteralError(`unknown granularity ${String(granularity)}`);
  }
}
