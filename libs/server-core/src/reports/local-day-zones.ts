import { Injectable } from '@nestjs/common';
import { hasLocalDayRollups } from '@loupe/analytics';
import { DataSource } from 'typeorm';
import { DatabaseConnector } from '../infra/database.module';

/** Which ad accounts' local-day rollups (ClickHouse 0005) are complete in a timezone. */
export interface LocalDayZones {
  /** True when every account has them complete in `timezone` (ad_accounts.local_rollups_timezone = timezone). */
  completeIn(adAccountIds: readonly string[], timezone: string): Promise<boolean>;
}

/**
 * LocalDayZones from Postgres: one indexed lookup by primary key per read that could use
 * the local days (MeasureStore asks only when the slice is whole local days of a zone
 * that keeps them), so a timezone change is seen by the next read on every process.
 */
@Injectable()
export class PostgresLocalDayZones implements LocalDayZones {
  constructor(
    private readonly dataSource: DataSource,
    private readonly db: DatabaseConnector,
  ) {}

  async completeIn(adAccountIds: readonly string[], timezone: string): Promise<boolean> {
    if (adAccountIds.length === 0 || !hasLocalDayRollups(timezone)) return false;
    await this.db.ensureConnected();
    const [row] = await this.dataSource.query<{ complete: number | string }[]>(
      `SELECT count(*) AS complete FROM ad_accounts WHERE id = ANY($1::bigint[]) AND local_rollups_timezone = $2`,
      [adAccountIds, timezone],
    );
    return Number(row?.complete ?? 0) === new Set(adAccountIds).size;
  }
}
