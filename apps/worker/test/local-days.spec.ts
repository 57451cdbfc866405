import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  createClickHouseHttpExecutor,
  insertEvents,
  lit,
  recomputeRollupHour,
  runClickHouseMigrations,
  sql,
  startOfLocalDay,
  tableRef,
  type ClickHouseExecutor,
  type RawEvent,
} from '@loupe/analytics';
import { MeasureStore, PostgresLocalDayZones, QUEUES, bullConnection, loadConfig, testEnv, type LoupeConfig } from '@loupe/server-core';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDaysScheduler, SYNC_LOCAL_DAYS_JOB } from '../src/rollups/local-days.scheduler';
import { RollupService } from '../src/rollups/rollup.service';
import { WorkerModule } from '../src/worker.module';

/**
 * Local-day rollups in the worker on the real services: the rollup jobs build the local
 * days of the account's timezone (read from Postgres), the local-days rebuild fills an
 * account's history and marks it complete, a timezone change is rebuilt in the new zone,
 * and MeasureStore reads the same figures whichever tables it takes.
 */

const MIGRATIONS_DIR = resolve(__dirname, '../../../migrations/clickhouse');
const NEW_YORK = 'America/New_York';
const BERLIN = 'Europe/Berlin';

describe('local-day rollups in the worker (real Postgres, ClickHouse 18.16, Redis)', { timeout: 120_000 }, () => {
  let config: LoupeConfig;
  let app: INestApplicationContext;
  let clickhouse: ClickHouseExecutor;
  let dataSource: DataSource;
  const created: string[] = [];

  beforeAll(async () => {
    config = loadConfig(
      testEnv({ QUEUE_PREFIX: `{loupe-test-localdays-${process.pid}}`, CLICKHOUSE_DATABASE: `loupe_test_localdays_${randomBytes(5).toString('hex')}` }),
    );
    clickhouse = createClickHouseHttpExecutor({ url: config.clickhouse.url });
    await runClickHouseMigrations(clickhouse, { database: config.clickhouse.database, dir: MIGRATIONS_DIR });
    // testEnv turns the periodic local-days job off: it would rebuild every account of the shared test Postgres into this database.
    expect(config.rollups?.localDaysSyncSeconds).toBe(0);
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    await app.init();
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    if (created.length > 0 && dataSource?.isInitialized) {
      await dataSource.query(
        `WITH a AS (DELETE FROM ad_accounts WHERE id = ANY($1::bigint[]) RETURNING business_id, owner_user_id),
              u AS (DELETE FROM users WHERE id IN (SELECT owner_user_id FROM a) RETURNING business_id)
         DELETE FROM businesses WHERE id IN (SELECT business_id FROM u)`,
        [created],
      );
    }
    await app?.close();
    await clickhouse?.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(config.clickhouse.database)}`);
    await clickhouse?.close();
  });

  /** An ad account as the LocalDayRollups migration leaves existing ones: its timezone, local days not known complete. */
  async function postgresAccount(timezone: string): Promise<string> {
    const tag = randomBytes(6).toString('hex');
    const [row] = (await dataSource.query(
      `WITH b AS (INSERT INTO businesses (name) VALUES ($1) RETURNING id),
            u AS (INSERT INTO users (email, username, password_hash, business_id) SELECT $2, $1, 'x', id FROM b RETURNING id, business_id)
       INSERT INTO ad_accounts (business_id, owner_user_id, name, country, currency, timezone) SELECT business_id, id, $1, 'US', 'USD', $3 FROM u
       RETURNING id::text AS id`,
      [`localdays-${tag}`, `localdays-${tag}@example.test`, timezone],
    )) as { id: string }[];
    created.push(row!.id);
    return row!.id;
  }

  /** Three impressions and a click over two New York days (5 and 6 October 2026, UTC−4). */
  function events(account: string): RawEvent[] {
    const ad = { ad_account_id: account, campaign_id: '41', ad_group_id: '411', ad_id: '4111' };
    return [
      { ...ad, event_id: `i:${account}-1:0`, event_type: 'IMPRESSION', at: '2026-10-05T13:10:00Z', user_id: 'a', price_micros: 1_000 },
      { ...ad, event_id: `i:${account}-2:0`, event_type: 'IMPRESSION', at: '2026-10-06T02:30:00Z', user_id: 'b', price_micros: 2_000 }, // 22:30 on the 5th in New York, 04:30 on the 6th in Berlin
      { ...ad, event_id: `i:${account}-3:0`, event_type: 'IMPRESSION', at: '2026-10-06T15:00:00Z', user_id: 'a', price_micros: 3_000 },
      { ...ad, event_id: `c:${account}-1:0`, event_type: 'CLICK', at: '2026-10-06T15:01:00Z', user_id: 'a', price_micros: 400_000 },
    ];
  }
  const hoursOf = (list: readonly RawEvent[]): number[] => [...new Set(list.map((e) => Math.floor(Date.parse(e.at) / 3_600_000) * 3600))].sort((a, b) => a - b);

  async function localDays(account: string, timezone: string): Promise<string[]> {
    const rows = await clickhouse.query<{ d: string; i: string; s: string }>(sql`
      SELECT toString(day) AS d, impressions AS i, spend_micros AS s FROM ${tableRef(config.clickhouse.database, 'rollup_ad_account_local_daily')} FINAL
      WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND timezone = ${lit.string(timezone)} ORDER BY d`);
    return rows.map((r) => `${r.d} ${r.i} ${r.s}`);
  }

  async function marker(account: string): Promise<string | null> {
    const [row] = await dataSource.query<{ local_rollups_timezone: string | null }[]>(`SELECT local_rollups_timezone FROM ad_accounts WHERE id = $1`, [account]);
    return row!.local_rollups_timezone;
  }

  /** The account's two local days by DAY through MeasureStore with the Postgres zones, as the API reads them. */
  let statements: string[] = [];
  async function report(account: string, timezone: string): Promise<string[]> {
    // The executor passes every statement through and keeps its text, to see which tables the read took.
    const executor: ClickHouseExecutor = Object.assign(Object.create(clickhouse) as ClickHouseExecutor, {
      query: (statement: Parameters<ClickHouseExecutor['query']>[0]) => {
        statements.push(statement.text);
        return clickhouse.query(statement);
      },
    });
    statements = [];
    const store = new MeasureStore(executor, config, app.get(PostgresLocalDayZones));
    const rows = await store.read({
      level: 'ad_account', adAccountIds: [account], granularity: 'DAY', timezone, clickWindowDays: 30, viewWindowDays: 1, reportTime: 'TIME_OF_AD_ACTION',
      from: startOfLocalDay('2026-10-05', timezone), to: startOfLocalDay('2026-10-07', timezone), measures: ['impressions', 'spendMicros'],
    });
    return rows.map((r) => `${r.period} ${r.measures.impressions} ${r.measures.spendMicros}`);
  }

  it('rebuilds the history of an account not known complete, marks it, and rebuilds again in a new timezone', async () => {
    const account = await postgresAccount(NEW_YORK);
    const list = events(account);
    await insertEvents(clickhouse, config.clickhouse.database, list);
    // History rolled up before the local-day tables existed: hourly and UTC days only.
    for (const hour of hoursOf(list)) await recomputeRollupHour(clickhouse, { database: config.clickhouse.database, adAccountId: account, hour, version: 1, timezone: null });
    const zones = app.get(PostgresLocalDayZones);
    expect(await localDays(account, NEW_YORK)).toEqual([]);
    expect(await zones.completeIn([account], NEW_YORK)).toBe(false);
    // Not complete: MeasureStore reads the UTC daily and hourly tables, and gets the New York days right.
    const expectedNewYork = ['2026-10-05 2 3000', '2026-10-06 1 403000'];
    expect(await report(account, NEW_YORK)).toEqual(expectedNewYork);
    // The local read is asked beside Postgres and dropped; the answer is the other read's.
    expect(statements).toHaveLength(2);
    expect(statements[1]).not.toContain('_local_daily');

    const service = app.get(RollupService);
    expect(await service.accountsWithoutLocalDays(10_000)).toContain(account);
    expect(await service.rebuildLocalDays(account)).toMatchObject({ adAccountId: account, timezone: NEW_YORK, firstDate: '2026-10-05', days: 2, marked: true });
    expect(await localDays(account, NEW_YORK)).toEqual(['2026-10-05 2 3000', '2026-10-06 1 403000']);
    expect(await marker(account)).toBe(NEW_YORK);
    expect(await zones.completeIn([account], NEW_YORK)).toBe(true);
    expect(await service.accountsWithoutLocalDays(10_000)).not.toContain(account);
    // Complete: the same figures from the local days alone.
    expect(await report(account, NEW_YORK)).toEqual(expectedNewYork);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('rollup_ad_account_local_daily');
    expect(statements[0]).not.toContain('_hourly');

    // The timezone changes as PATCH changes it (the marker cleared in the same statement).
    await dataSource.query(
      `UPDATE ad_accounts SET timezone = $2, local_rollups_timezone = CASE WHEN timezone = $2 THEN local_rollups_timezone ELSE NULL END, updated_at = now() WHERE id = $1`,
      [account, BERLIN],
    );
    expect(await zones.completeIn([account], BERLIN)).toBe(false);
    const expectedBerlin = ['2026-10-05 1 1000', '2026-10-06 2 405000'];
    expect(await report(account, BERLIN)).toEqual(expectedBerlin);
    expect(statements).toHaveLength(2);
    expect(statements[1]).not.toContain('_local_daily');
    expect(await service.rebuildLocalDays(account)).toMatchObject({ timezone: BERLIN, firstDate: '2026-10-05', days: 2, marked: true });
    expect(await localDays(account, BERLIN)).toEqual(['2026-10-05 1 1000', '2026-10-06 2 405000']);
    expect(await report(account, BERLIN)).toEqual(expectedBerlin);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('rollup_ad_account_local_daily');
  });

  it('does not mark an account that changed after the rebuild read it', async () => {
    const account = await postgresAccount(NEW_YORK);
    const service = app.get(RollupService);
    const read = async (): Promise<string> =>
      ((await dataSource.query<{ u: string }[]>(`SELECT updated_at::text AS u FROM ad_accounts WHERE id = $1`, [account]))[0]!).u;
    const seen = await read();
    // PATCH lands while the rebuild runs: a new timezone (marker cleared), then back again.
    await dataSource.query(`UPDATE ad_accounts SET timezone = $2, local_rollups_timezone = NULL, updated_at = now() WHERE id = $1`, [account, BERLIN]);
    expect(await service.markLocalDays(account, NEW_YORK, seen)).toBe(false);
    await dataSource.query(`UPDATE ad_accounts SET timezone = $2, updated_at = now() WHERE id = $1`, [account, NEW_YORK]);
    expect(await service.markLocalDays(account, NEW_YORK, seen)).toBe(false);
    expect(await marker(account)).toBeNull();
    expect(await service.markLocalDays(account, NEW_YORK, await read())).toBe(true);
    expect(await marker(account)).toBe(NEW_YORK);
  });

  it('builds the local days in the rollup jobs themselves, from the timezone Postgres holds', async () => {
    const account = await postgresAccount(NEW_YORK);
    const list = events(account);
    await insertEvents(clickhouse, config.clickhouse.database, list);
    const service = app.get(RollupService);
    const dates = new Set<string>();
    for (const hour of hoursOf(list)) for (const date of (await service.recomputeHour(account, hour)).localDates) dates.add(date);
    expect([...dates].sort()).toEqual(['2026-10-05', '2026-10-06']);
    expect(await localDays(account, NEW_YORK)).toEqual(['2026-10-05 2 3000', '2026-10-06 1 403000']);
    // A UTC account keeps no local days.
    const utc = await postgresAccount('UTC');
    await insertEvents(clickhouse, config.clickhouse.database, events(utc));
    expect((await service.recomputeHour(utc, hoursOf(events(utc))[0]!)).localDates).toEqual([]);
  });

  it('schedules the local-days job every LOCAL_DAYS_SYNC_SECONDS, and not at all at 0', async () => {
    // A queue no worker consumes, so the job never runs against the shared test Postgres.
    const queue = new Queue(QUEUES.rollups, { connection: bullConnection(config), prefix: `{loupe-test-localdays-schedule-${process.pid}}` });
    try {
      await new LocalDaysScheduler(queue, { ...config, rollups: { rangeAfterHours: null, localDaysSyncSeconds: 5 } }).onApplicationBootstrap();
      expect(await queue.getJobScheduler(SYNC_LOCAL_DAYS_JOB)).toMatchObject({ every: 5000 });
      await new LocalDaysScheduler(queue, { ...config, rollups: { rangeAfterHours: null, localDaysSyncSeconds: 0 } }).onApplicationBootstrap();
      expect(await queue.getJobScheduler(SYNC_LOCAL_DAYS_JOB)).toBeUndefined();
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
