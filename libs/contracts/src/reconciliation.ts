import { z } from 'zod';

/**
 * The payload of one `reconciliation` queue job: compare the Postgres spend ledger
 * with the ClickHouse rollups per ad account and UTC day. The repeatable job sends
 * `{}` (every account, the default lookback); operators and tests may narrow it.
 */
export const reconciliationJobSchema = z.object({
  /** Only this ad account; every account when absent. */
  ad_account_id: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  /** Whole UTC days back from `until` to compare (the current day included). */
  lookback_days: z.number().int().min(1).max(400).default(3),
  /**
   * End of the compared range, unix seconds, floored to the hour. Defaults to the
   * start of the current hour: the hour still being written is left out so an
   * in-flight recompute is not reported as a difference.
   */
  until: z.number().int().min(0).optional(),
});
export type ReconciliationJob = z.input<typeof reconciliationJobSchema>;
