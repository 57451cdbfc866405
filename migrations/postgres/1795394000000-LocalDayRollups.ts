import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ad_accounts.local_rollups_timezone`: the timezone whose local-day rollups in
 * ClickHouse (0005_local_day_rollups.sql) are complete for the account's whole history.
 * Readers (MeasureStore) use those tables only when it equals the account's timezone.
 * NULL until the worker's `local-days` job has rebuilt them (every account after this
 * migration, and an account whose timezone changed: PATCH sets it back to NULL in the
 * same transaction). A new account has no history, so it starts complete.
 */
export class LocalDayRollups1795394000000 implements MigrationInterface {
  name = 'LocalDayRollups1795394000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ad_accounts ADD COLUMN local_rollups_timezone text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ad_accounts DROP COLUMN local_rollups_timezone`);
  }
}
