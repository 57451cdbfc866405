import { attributeHour, type AttributeHourResult } from './attribution';
import { type ClickHouseExecutor } from './clickhouse.executor';
import { rollupHourStatements } from './rollup-sql';

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
  /** Every hour whose rollups were rewritten: the hour itself, then its conversions' ad-action hours. */
  hours: number[];
}

/**
 * Recomputes one (ad account, UTC hour): attributes the hour's conversions,
 * then rewrites the rollups of the hour and of every hour its conversions are
 * (or were) attributed to under the default windows — conversions are counted
 * at the time of the ad action, so a conversion now changes an earlier hour.
 * Those other hours are rolled up here, not re-attributed, so nothing cascades.
 * Idempotent and safe to run concurrently: the highest version wins.
 */
export async function recomputeRollupHour(executor: ClickHouseExecutor, options: RecomputeHourOptions): Promise<RecomputeHourResult> {
  const attribution = await attributeHour(executor, options);
  const hours = [options.hour, ...attribution.touchHours.filter((h) => h !== options.hour)];
  for (const hour of hours) {
    for (const statement of rollupHourStatements({ ...options, hour })) await executor.command(statement);
  }
  return { attribution, hours };
}
