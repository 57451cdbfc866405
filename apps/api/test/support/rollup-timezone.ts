import type { AccountTimezone } from '@loupe/analytics';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';

/**
 * The `timezone` to give recomputeRollupHour for an account the API created: read from
 * Postgres as the worker reads it, so the account's local-day rollups are rebuilt with
 * its hours (the API reads them: its local_rollups_timezone is set at creation).
 */
export function rollupTimezone(app: NestFastifyApplication, adAccountId: string): AccountTimezone {
  return async () => {
    const rows = await app.get(DataSource).query<{ timezone: string }[]>(`SELECT timezone FROM ad_accounts WHERE id = $1::bigint`, [adAccountId]);
    return rows[0]?.timezone ?? null;
  };
}
