import { attributeHour, laterConversionHours, type AttributeHourResult } from './attribution';
import { type ClickHouseExecutor } from './clickhouse.executor';
import { addDays, hasLocalDayRollups } from './local-days';
import { localDatesOf, rollupDayStatements, rollupHourStages, rollupLocalDayStatements, utcDaysOf } from './rollup-sql';
import { type SqlFragment } from './sql-literal';

/**
 * The ad account's timezone, for its local-day rollups (0005): the zone itself, or a
 * function that reads it, called once the hourly rows are written. A writer that reads
 * the zone after its hourly rows are in can never build a day in a zone it missed: had
 * the zone changed before the read, the read sees the new zone; if after, the rebuild
 * the change triggers reads these hourly rows (docs/reports.md, "Local days"). null,
 * or a zone without local days (hasLocalDayRollups), builds none.
 */
export type AccountTimezone = string | null | (() => Promise<string | null>);

/**
 * The local-day statements for some hours of an account: one per date and level (`each`),
 * or one per level for the dates' whole span (`span`: `dates` is then every date of it).
 */
export async function localDayStatementsFor(
  target: { database: string; adAccountId: string; timezone: AccountTimezone },
  hours: readonly number[],
  mode: 'each' | 'span',
): Promise<{ timezone: string | null; dates: string[]; statements: SqlFragment[] }> {
  const timezone = typeof target.timezone === 'function' ? await target.timezone() : (target.timezone ?? null);
  if (timezone === null || hours.length === 0 || !hasLocalDayRollups(timezone)) return { timezone, dates: [], statements: [] };
  const dates = localDatesOf(hours, timezone);
  const base = { database: target.database, adAccountId: target.adAccountId, timezone };
  if (mode === 'each') return { timezone, dates, statements: dates.flatMap((firstDate) => rollupLocalDayStatements({ ...base, firstDate })) };
  const days = Math.round((Date.parse(dates[dates.length - 1]!) - Date.parse(dates[0]!)) / 86_400_000) + 1;
  const span = Array.from({ length: days }, (_, i) => addDays(dates[0]!, i));
  return { timezone, dates: span, statements: rollupLocalDayStatements({ ...base, firstDate: dates[0]!, days }) };
}

export interface RecomputeHourOptions {
  database: string;
  adAccountId: string;
  /** Start of the UTC hour, unix seconds. */
  hour: number;
  /** Written to every row; take it (e.g. Date.now()) before anything is read, so a later run wins. */
  version: number;
  /**
   * The account's timezone, whose local days are rebuilt too (AccountTimezone). Required:
   * a writer that leaves them out while readers trust them (ad_accounts.local_rollups_timezone)
   * would make reports stale; pass null only for accounts no reader knows.
   */
  timezone: AccountTimezone;
}

export interface RecomputeHourResult {
  attribution: AttributeHourResult;
  /** Later hours whose conversions were attributed again because a touch of this hour arrived after them. */
  reattributedHours: number[];
  /** Every hour whose rollups were rewritten: the hour itself, then the others in ascending order. */
  hours: number[];
  /** The UTC days (unix seconds) whose daily rollups were rebuilt: those of `hours`, ascending. */
  days: number[];
  /** The local dates (YYYY-MM-DD) rebuilt in the account's timezone, ascending; none without one. */
  localDates: string[];
}

/**
 * Recomputes one (ad account, UTC hour): attributes the hour's conversions,
 * then rewrites the rollups of the hour and of every hour its conversions are
 * (or were) attributed to under the default windows — conversions are counted
 * at the time of the ad action, so a conversion now changes an earlier hour.
 * When a touch of this hour arrived after conversions it now wins (a late or
 * retried batch), those later conversion hours are attributed again too.
 * The other hours are rolled up here, not re-attributed from their own
 * touches, so nothing cascades. Last, the daily rollups of every UTC day those
 * hours fall in are rebuilt from the hourly tables, and the local days of the
 * account's timezone when it has them. Idempotent and safe to run
 * concurrently: the highest version wins (for a day, the build that read the
 * newest hours).
 */
export async function recomputeRollupHour(executor: ClickHouseExecutor, options: RecomputeHourOptions): Promise<RecomputeHourResult> {
  const attribution = await attributeHour(executor, options);
  const others = new Set(attribution.touchHours);
  const reattributedHours = await laterConversionHours(executor, options);
  for (const hour of reattributedHours) {
    others.add(hour);
    for (const touchHour of (await attributeHour(executor, { ...options, hour })).touchHours) others.add(touchHour);
  }
  others.delete(options.hour);
  const hours = [options.hour, ...[...others].sort((a, b) => a - b)];
  for (const hour of hours) {
    // The statements of a stage are independent: running them at once keeps a job (and the freshness of its hour) short.
    for (const stage of rollupHourStages({ ...options, hour })) await Promise.all(stage.map((statement) => executor.command(statement)));
  }
  const days = utcDaysOf(hours);
  const local = await localDayStatementsFor(options, hours, 'each');
  await Promise.all(
    [...days.flatMap((day) => rollupDayStatements({ database: options.database, adAccountId: options.adAccountId, day })), ...local.statements].map((statement) =>
      executor.command(statement),
    ),
  );
  return { attribution, reattributedHours, hours, days, localDates: local.dates };
}
