import { attributeHour, laterConversionHours, type AttributeHourResult } from './attribution';
import { type ClickHouseExecutor } from './clickhouse.executor';
import { rollupDayStatements, rollupHourStages, utcDaysOf } from './rollup-sql';

export interface RecomputeHourOptions {
  database: string;
  adAccountId: string;
  /** Start of the UTC hour, unix seconds. */
  hour: number;
  /** Written to every row; take it (e.g. Date.now()) before anything is read, so a later run wins. */
  version: number;
}

export interface RecomputeHourResult {
  attribution: AttributeHourResult;
  /** Later hours whose conversions were attributed again because a touch of this hour arrived after them. */
  reattributedHours: number[];
  /** Every hour whose rollups were rewritten: the hour itself, then the others in ascending order. */
  hours: number[];
  /** The UTC days (unix seconds) whose daily rollups were rebuilt: those of `hours`, ascending. */
  days: number[];
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
 * hours fall in are rebuilt from the hourly tables. Idempotent and safe to run
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
  await Promise.all(
    days.flatMap((day) => rollupDayStatements({ database: options.database, adAccountId: options.adAccountId, day })).map((statement) => executor.command(statement)),
  );
  return { attribution, reattributedHours, hours, days };
}
