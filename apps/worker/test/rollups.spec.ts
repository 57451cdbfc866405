import { randomBytes, randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  createClickHouseHttpExecutor,
  lit,
  missingDailyRollupDaysSql,
  rollupAccountHourSql,
  rollupAdHourSql,
  rollupParentHourSql,
  rollupSql,
  runClickHouseMigrations,
  sql,
  tableRef,
  type ClickHouseExecutor,
} from '@loupe/analytics';
import { QUEUES, bullConnection, loadConfig, testEnv, type LoupeConfig } from '@loupe/server-core';
import { Job, Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconciliationService } from '../src/reconciliation/reconciliation.service';
import { RECONCILIATION_EVERY_MS, RECONCILIATION_SCHEDULER_ID } from '../src/reconciliation/reconciliation.scheduler';
import { RollupScheduler } from '../src/rollups/rollup-scheduler.service';
import type { RollupHourResult } from '../src/rollups/rollup.service';
import type { MissingDaysResult } from '../src/rollups/rollups.processor';
import { FIND_MISSING_DAYS_JOB, RANGE_HOURS, scheduleRollups } from '../src/rollups/schedule';
import { WorkerModule } from '../src/worker.module';
import { insertEvents, type RawEvent } from '@loupe/analytics';

/**
 * The rollups queue end to end on the real services: jobs added the way the
 * ingest worker adds them, processed by the worker, read back from ClickHouse
 * (18.16) and the Postgres spend ledger. Needs the Postgres migrations applied
 * (scripts/setup.sh); ClickHouse gets a database of its own.
 */

const MIGRATIONS_DIR = resolve(__dirname, '../../../migrations/clickhouse');
const newAccount = (): string => String(700_000_000_000 + randomInt(1, 99_999_999_999));

describe('rollups queue (real Redis, ClickHouse 18.16 and Postgres)', { timeout: 90_000 }, () => {
  let config: LoupeConfig;
  let app: INestApplicationContext;
  let clickhouse: ClickHouseExecutor;
  let dataSource: DataSource;
  let rollups: Queue;
  let rollupEvents: QueueEvents;
  let reconciliation: Queue;
  const accounts: string[] = [];
  const createdAccounts: string[] = [];
  const account = (): string => {
    const id = newAccount();
    accounts.push(id);
    return id;
  };

  beforeAll(async () => {
    config = loadConfig(
      testEnv({ QUEUE_PREFIX: `{loupe-test-rollups-${process.pid}}`, CLICKHOUSE_DATABASE: `loupe_test_rollups_${randomBytes(5).toString('hex')}` }),
    );
    clickhouse = createClickHouseHttpExecutor({ url: config.clickhouse.url });
    await runClickHouseMigrations(clickhouse, { database: config.clickhouse.database, dir: MIGRATIONS_DIR });
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    await app.init();
    dataSource = app.get(DataSource);
    const opts = { connection: bullConnection(config), prefix: config.redis.queuePrefix };
    rollups = new Queue(QUEUES.rollups, opts);
    reconciliation = new Queue(QUEUES.reconciliation, opts);
    rollupEvents = new QueueEvents(QUEUES.rollups, opts);
    await rollupEvents.waitUntilReady();
  });

  afterAll(async () => {
    if (accounts.length > 0 && dataSource?.isInitialized) {
      await dataSource.query('DELETE FROM spend_ledger WHERE ad_account_id = ANY($1::bigint[])', [accounts]);
      await dataSource.query('DELETE FROM reconciliation_runs WHERE ad_account_id = ANY($1::bigint[])', [accounts]);
      await dataSource.query(
        `WITH a AS (DELETE FROM ad_accounts WHERE id = ANY($1::bigint[]) RETURNING business_id, owner_user_id),
              u AS (DELETE FROM users WHERE id IN (SELECT owner_user_id FROM a) RETURNING business_id)
         DELETE FROM businesses WHERE id IN (SELECT business_id FROM u)`,
        [createdAccounts],
      );
    }
    await Promise.all([rollups?.obliterate({ force: true }), reconciliation?.obliterate({ force: true })]);
    await Promise.all([rollups?.close(), reconciliation?.close(), rollupEvents?.close()]);
    await app?.close();
    await clickhouse?.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(config.clickhouse.database)}`);
    await clickhouse?.close();
  });

  /**
   * Adds the jobs as the ingest worker does (RollupScheduler) and waits for each to
   * finish within `deadlineMs` (the freshness test holds it to 10 s; the others allow
   * for a loaded machine).
   */
  async function rollUp(events: readonly RawEvent[], deadlineMs = 30_000, heavy = false): Promise<RollupHourResult[]> {
    const ids = await app.get(RollupScheduler).schedule(
      events.map((e) => ({ ad_account_id: e.ad_account_id, event_time_ms: Date.parse(e.at) })),
      { heavy },
    );
    return Promise.all(
      ids.map(async (id) => {
        const job = await Job.fromId(rollups, id);
        if (job === undefined) throw new Error(`job ${id} not found`);
        return (await job.waitUntilFinished(rollupEvents, deadlineMs)) as RollupHourResult;
      }),
    );
  }

  async function adGroupRollup(adAccountId: string, from: number, to: number): Promise<Record<string, unknown>[]> {
    return clickhouse.query(
      rollupSql({
        database: config.clickhouse.database,
        level: 'ad_group',
        adAccountIds: [adAccountId],
        from: new Date(from * 1000),
        to: new Date(to * 1000),
        granularity: 'HOUR',
        timezone: 'UTC',
      }),
    );
  }

  async function ledger(adAccountId: string): Promise<Record<string, string>[]> {
    return dataSource.query(
      `SELECT campaign_id::text, ad_group_id::text, extract(epoch FROM hour)::bigint::text AS hour, spend_micros::text,
              billed_impressions::text, billed_clicks::text, currency
       FROM spend_ledger WHERE ad_account_id = $1 ORDER BY hour, ad_group_id`,
      [adAccountId],
    );
  }

  it('makes an event’s hour visible in the rollups once its job completes, within 10 s of adding it', async () => {
    const id = account();
    const at = new Date(Date.now() - 60_000).toISOString();
    const hour = Math.floor(Date.parse(at) / 3_600_000) * 3600;
    const events: RawEvent[] = [
      { event_id: `i:${id}-f:0`, event_type: 'IMPRESSION', at, ad_account_id: id, campaign_id: '1', ad_group_id: '2', ad_id: '3', user_id: 'u', price_micros: 1234 },
      { event_id: `c:${id}-f:0`, event_type: 'CLICK', at, ad_account_id: id, campaign_id: '1', ad_group_id: '2', ad_id: '3', user_id: 'u', price_micros: 500_000 },
    ];
    await insertEvents(clickhouse, config.clickhouse.database, events);
    const [result] = await rollUp(events, 10_000);
    expect(result?.hours).toEqual([hour]);
    expect(await adGroupRollup(id, hour, hour + 3600)).toMatchObject([
      { ad_group_id: '2', impressions: '1', clicks: '1', spend_micros: '501234', billed_impressions: '1', billed_clicks: '1', users: '1' },
    ]);
    // The whole UTC day is read from the daily rollups: the same job rebuilt the day.
    const day = Math.floor(hour / 86_400) * 86_400;
    expect(result?.days).toEqual([day]);
    const [total] = await clickhouse.query(
      rollupSql({ database: config.clickhouse.database, level: 'ad_account', adAccountIds: [id], from: new Date(day * 1000), to: new Date((day + 86_400) * 1000), granularity: 'TOTAL', timezone: 'UTC', daily: true }),
    );
    expect(total).toMatchObject({ impressions: '1', clicks: '1', spend_micros: '501234', users: '1' });
    const [daily] = await clickhouse.query<{ n: string }>(
      sql`SELECT count() AS n FROM ${tableRef(config.clickhouse.database, 'rollup_ad_account_daily')} FINAL WHERE ad_account_id = ${lit.int(id, 'UInt64')} AND impressions = 1`,
    );
    expect(daily?.n).toBe('1');
  });

  it('keeps an event’s hour fresh within 10 s of adding it while ingest is heavy (5-second coalescing)', async () => {
    const id = account();
    const at = new Date(Date.now() - 60_000).toISOString();
    const hour = Math.floor(Date.parse(at) / 3_600_000) * 3600;
    const events: RawEvent[] = [
      { event_id: `i:${id}-h:0`, event_type: 'IMPRESSION', at, ad_account_id: id, campaign_id: '1', ad_group_id: '2', ad_id: '3', user_id: 'u', price_micros: 1234 },
    ];
    await insertEvents(clickhouse, config.clickhouse.database, events);
    const [result] = await rollUp(events, 10_000, true);
    expect(result?.hours).toEqual([hour]);
    expect(await adGroupRollup(id, hour, hour + 3600)).toMatchObject([{ ad_group_id: '2', impressions: '1', spend_micros: '1234' }]);
  });

  /** An ad account row in Postgres (the ledger takes its currency from it). */
  async function postgresAccount(currency: string): Promise<string> {
    const tag = randomBytes(6).toString('hex');
    const [row] = (await dataSource.query(
      `WITH b AS (INSERT INTO businesses (name) VALUES ($1) RETURNING id),
            u AS (INSERT INTO users (email, username, password_hash, business_id) SELECT $2, $1, 'x', id FROM b RETURNING id, business_id)
       INSERT INTO ad_accounts (business_id, owner_user_id, name, country, currency) SELECT business_id, id, $1, 'FR', $3 FROM u
       RETURNING id::text AS id`,
      [`rollups-${tag}`, `rollups-${tag}@example.test`, currency],
    )) as { id: string }[];
    createdAccounts.push(row.id);
    accounts.push(row.id);
    return row.id;
  }

  it('writes the spend ledger per ad group and hour equal to the ClickHouse rollup, including the ad-action hour of a conversion', async () => {
    const id = await postgresAccount('EUR');
    const h1 = Date.UTC(2026, 2, 12, 9) / 1000;
    const h2 = h1 + 3600;
    const base = { ad_account_id: id, campaign_id: '10' };
    const hour1: RawEvent[] = [
      { ...base, ad_group_id: '100', ad_id: '1000', event_id: `i:${id}-1:0`, event_type: 'IMPRESSION', at: new Date((h1 + 60) * 1000).toISOString(), user_id: 'a', price_micros: 1500 },
      { ...base, ad_group_id: '100', ad_id: '1000', event_id: `c:${id}-1:0`, event_type: 'CLICK', at: new Date((h1 + 90) * 1000).toISOString(), user_id: 'a', price_micros: 700_001 },
      { ...base, ad_group_id: '101', ad_id: '1010', event_id: `i:${id}-2:0`, event_type: 'IMPRESSION', at: new Date((h1 + 120) * 1000).toISOString(), user_id: 'b', price_micros: 2500 },
      // IVT: counted apart, never billed.
      { ...base, ad_group_id: '101', ad_id: '1010', event_id: `c:${id}-2:0`, event_type: 'CLICK', at: new Date((h1 + 130) * 1000).toISOString(), user_id: 'b', ivt: 1 },
    ];
    const hour2: RawEvent[] = [
      { ...base, ad_group_id: '101', ad_id: '1010', event_id: `i:${id}-3:0`, event_type: 'IMPRESSION', at: new Date((h2 + 60) * 1000).toISOString(), user_id: 'c', price_micros: 2500 },
      { ad_account_id: id, event_id: `v:${id}:order-1`, event_type: 'CONVERSION', at: new Date((h2 + 600) * 1000).toISOString(), user_id: 'a', conversion_type: 'checkout', value_micros: 42_000_000, currency: 'USD' },
    ];
    await insertEvents(clickhouse, config.clickhouse.database, [...hour1, ...hour2]);
    await insertEvents(clickhouse, config.clickhouse.database, [hour1[1]]); // a duplicate row in raw

    // Only the conversion's hour is scheduled: attributing it must also rebuild h1, where its click is.
    const [result] = await rollUp(hour2);
    expect(result?.hours).toEqual([h2, h1]);

    const rollup = await adGroupRollup(id, h1, h2 + 3600);
    expect(rollup.map((r) => [r['period'], r['ad_group_id'], r['spend_micros'], r['billed_impressions'], r['billed_clicks'], r['conversions_checkout'], r['ivt_clicks']])).toEqual([
      ['2026-03-12 09:00:00', '100', '701501', '1', '1', '1', '0'],
      ['2026-03-12 09:00:00', '101', '2500', '1', '0', '0', '1'],
      ['2026-03-12 10:00:00', '101', '2500', '1', '0', '0', '0'],
    ]);
    expect(await ledger(id)).toEqual([
      { campaign_id: '10', ad_group_id: '100', hour: String(h1), spend_micros: '701501', billed_impressions: '1', billed_clicks: '1', currency: 'EUR' },
      { campaign_id: '10', ad_group_id: '101', hour: String(h1), spend_micros: '2500', billed_impressions: '1', billed_clicks: '0', currency: 'EUR' },
      { campaign_id: '10', ad_group_id: '101', hour: String(h2), spend_micros: '2500', billed_impressions: '1', billed_clicks: '0', currency: 'EUR' },
    ]);
  });

  it('leaves rollups and ledger unchanged when the same hour runs twice at once and again later', async () => {
    const id = account();
    const h = Date.UTC(2026, 2, 13, 15) / 1000;
    const events: RawEvent[] = Array.from({ length: 20 }, (_, i) => ({
      event_id: `i:${id}-${i}:0`,
      event_type: 'IMPRESSION' as const,
      at: new Date((h + i * 60) * 1000).toISOString(),
      ad_account_id: id,
      campaign_id: '7',
      ad_group_id: String(70 + (i % 2)),
      ad_id: String(700 + (i % 4)),
      user_id: `u${i % 5}`,
      price_micros: 1000 + i,
    }));
    await insertEvents(clickhouse, config.clickhouse.database, events);
    await rollUp(events);
    const before = [await adGroupRollup(id, h, h + 3600), await ledger(id)];
    const concurrent = await rollups.addBulk([
      { name: 'recompute', data: { ad_account_id: id, hour: h } },
      { name: 'recompute', data: { ad_account_id: id, hour: h } },
    ]);
    await Promise.all(concurrent.map((job) => job.waitUntilFinished(rollupEvents, 30_000)));
    await (await rollups.add('recompute', { ad_account_id: id, hour: h })).waitUntilFinished(rollupEvents, 30_000);
    expect([await adGroupRollup(id, h, h + 3600), await ledger(id)]).toEqual(before);
    expect(before[1]).toHaveLength(2);
  });

  it('coalesces the jobs of one account-hour within a 2-second bucket and starts a new one in the next bucket', async () => {
    const id = account();
    const bucketStart = Math.ceil(Date.now() / 2000) * 2000 + 60_000; // a bucket no other call uses
    const hour = Date.UTC(2026, 2, 15, 6);
    const event = (minute: number) => ({ ad_account_id: id, event_time_ms: hour + minute * 60_000 });
    const first = await scheduleRollups(rollups, [event(1), event(2), event(61)], bucketStart);
    const again = await scheduleRollups(rollups, [event(3)], bucketStart + 1999);
    const next = await scheduleRollups(rollups, [event(4)], bucketStart + 2000);
    const bucket = bucketStart / 2000;
    expect(first).toEqual([`rollup-${id}-${hour / 1000}-${bucket}`, `rollup-${id}-${hour / 1000 + 3600}-${bucket}`]);
    expect(again).toEqual([first[0]]);
    expect(next).toEqual([`rollup-${id}-${hour / 1000}-${bucket + 1}`]);
    const jobs = (await rollups.getJobs(['delayed', 'wait', 'active', 'completed'])).filter((job) => job.id?.startsWith(`rollup-${id}-`));
    expect(jobs.map((job) => job.id).sort()).toEqual([...first, ...next].sort());
    expect(jobs.find((job) => job.id === first[0])?.data).toEqual({ ad_account_id: id, hour: hour / 1000 });
  });

  it('while ingest is heavy, coalesces an account-hour’s jobs within a 5-second bucket, each delayed at most 5 s, apart from light callers’ jobs', async () => {
    const id = account();
    const bucketStart = Math.ceil(Date.now() / 10_000) * 10_000 + 60_000; // a bucket no other call uses
    const hour = Date.UTC(2026, 2, 15, 6);
    const event = (minute: number) => ({ ad_account_id: id, event_time_ms: hour + minute * 60_000 });
    const first = await scheduleRollups(rollups, [event(1), event(61)], bucketStart, null, true);
    const again = await scheduleRollups(rollups, [event(2)], bucketStart + 4999, null, true);
    const next = await scheduleRollups(rollups, [event(3)], bucketStart + 5000, null, true);
    const light = await scheduleRollups(rollups, [event(4)], bucketStart + 5000);
    const bucket = bucketStart / 5000;
    expect(first).toEqual([`rollup-${id}-${hour / 1000}-h${bucket}`, `rollup-${id}-${hour / 1000 + 3600}-h${bucket}`]);
    expect(again).toEqual([first[0]]);
    expect(next).toEqual([`rollup-${id}-${hour / 1000}-h${bucket + 1}`]);
    expect(light).toEqual([`rollup-${id}-${hour / 1000}-${Math.floor((bucketStart + 5000) / 2000)}`]);
    const delays = await Promise.all([...first, ...next].map(async (jobId) => (await Job.fromId(rollups, jobId))?.opts.delay));
    // Added at the start of their buckets: due at the end, 5 s later (never more).
    expect(delays).toEqual([5000, 5000, 5000]);
    expect((await Job.fromId(rollups, again[0]!))?.data).toEqual({ ad_account_id: id, hour: hour / 1000 });
  });

  it('schedules history by the week when ranges are on (ROLLUP_RANGE_AFTER_HOURS), recent hours by the hour', async () => {
    const id = account();
    const now = Math.ceil(Date.now() / 30_000) * 30_000 + 120_000; // a bucket no other call uses
    const week = (Math.floor(now / 1000 / (168 * 3600)) - 1) * 168 * 3600;
    const old = (week + 10 * 3600) * 1000;
    const recent = now - 30 * 60_000;
    const ids = await scheduleRollups(rollups, [{ ad_account_id: id, event_time_ms: old }, { ad_account_id: id, event_time_ms: old + 3_600_000 }, { ad_account_id: id, event_time_ms: recent }], now, 24 * 3_600_000);
    const recentHour = Math.floor(recent / 3_600_000) * 3600;
    expect(ids).toEqual([`rollup-${id}-${week}-r168-${now / 30_000}`, `rollup-${id}-${recentHour}-${now / 2000}`]);
    expect((await Job.fromId(rollups, ids[0]!))?.data).toEqual({ ad_account_id: id, hour: week, hours: 168 });
    expect((await Job.fromId(rollups, ids[1]!))?.data).toEqual({ ad_account_id: id, hour: recentHour });
    // Off (the default), the same events are hour jobs.
    expect(await scheduleRollups(rollups, [{ ad_account_id: id, event_time_ms: old }], now)).toEqual([`rollup-${id}-${week + 10 * 3600}-${now / 2000}`]);
  });

  it('queues a find-missing-days job at boot, which fills the days that have hourly rollups but no daily row', async () => {
    const queued = await rollups.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed']);
    expect(queued.some((job) => job.name === FIND_MISSING_DAYS_JOB)).toBe(true);

    // Hourly rows only, as history rolled up before migration 0004 recreated the daily tables.
    const id = account();
    const database = config.clickhouse.database;
    const hour = Date.UTC(2026, 1, 3, 14) / 1000;
    const day = Math.floor(hour / 86_400) * 86_400;
    const ad = { ad_account_id: id, campaign_id: '5', ad_group_id: '6', ad_id: '7' };
    await insertEvents(clickhouse, database, [
      { ...ad, event_id: `i:${id}-m:0`, event_type: 'IMPRESSION', at: new Date((hour + 60) * 1000).toISOString(), user_id: 'a', price_micros: 2000 },
      { ...ad, event_id: `i:${id}-m:1`, event_type: 'IMPRESSION', at: new Date((hour + 120) * 1000).toISOString(), user_id: 'b', price_micros: 3000 },
    ]);
    const target = { database, adAccountId: id, hour, version: 1 };
    await clickhouse.command(rollupAdHourSql(target));
    for (const level of ['ad_group', 'campaign'] as const) await clickhouse.command(rollupParentHourSql(target, level));
    await clickhouse.command(rollupAccountHourSql(target));
    const missing = async (): Promise<number[]> =>
      (await clickhouse.query<{ ad_account_id: string; day: number | string }>(missingDailyRollupDaysSql(database))).filter((r) => r.ad_account_id === id).map((r) => Number(r.day));
    expect(await missing()).toEqual([day]);

    // What a worker's boot adds (its id is per minute; this one is the test's own).
    const find = await rollups.add(FIND_MISSING_DAYS_JOB, {}, { jobId: `${FIND_MISSING_DAYS_JOB}-test-${id}` });
    const result = (await find.waitUntilFinished(rollupEvents, 30_000)) as MissingDaysResult;
    const week = Math.floor(day / (RANGE_HOURS * 3600)) * RANGE_HOURS * 3600;
    expect(result.jobs).toContain(`rollup-backfill-${id}-${week}-r${RANGE_HOURS}`);
    await Promise.all(
      result.jobs.map(async (jobId) => {
        const job = await Job.fromId(rollups, jobId);
        if (job !== undefined && !(await job.isCompleted())) await job.waitUntilFinished(rollupEvents, 60_000);
      }),
    );
    expect(await missing()).toEqual([]);
    const [total] = await clickhouse.query(
      rollupSql({ database, level: 'ad_account', adAccountIds: [id], from: new Date(day * 1000), to: new Date((day + 86_400) * 1000), granularity: 'TOTAL', timezone: 'UTC', daily: true }),
    );
    expect(total).toMatchObject({ impressions: '2', spend_micros: '5000', users: '2' });
  });

  it('fails a malformed job at once instead of retrying it', async () => {
    const job = await rollups.add('recompute', { ad_account_id: 'x', hour: 12 });
    await expect(job.waitUntilFinished(rollupEvents, 30_000)).rejects.toThrow(/invalid rollups job payload/);
    expect((await Job.fromId(rollups, job.id ?? ''))?.attemptsMade).toBe(1);
  });

  it('reconciliation reports zero differences when the ledger matches and records a difference when it does not', async () => {
    const id = account();
    const h = Date.UTC(2026, 2, 14, 8) / 1000;
    const events: RawEvent[] = [
      { event_id: `c:${id}-r:0`, event_type: 'CLICK', at: new Date((h + 5) * 1000).toISOString(), ad_account_id: id, campaign_id: '5', ad_group_id: '50', ad_id: '500', user_id: 'r', price_micros: 333_333 },
    ];
    await insertEvents(clickhouse, config.clickhouse.database, events);
    await rollUp(events);
    const service = app.get(ReconciliationService);
    const until = h + 2 * 3600;

    const clean = await service.run({ ad_account_id: id, lookback_days: 2, until });
    expect(clean).toMatchObject({ accountDaysChecked: 1, differences: [] });

    await dataSource.query('UPDATE spend_ledger SET spend_micros = spend_micros + 1 WHERE ad_account_id = $1', [id]);
    const dirty = await service.run({ ad_account_id: id, lookback_days: 2, until });
    expect(dirty.differences).toEqual([
      {
        ad_account_id: id,
        day: '2026-03-14',
        ledger: { spend_micros: '333334', billed_impressions: '0', billed_clicks: '1' },
        rollup: { spend_micros: '333333', billed_impressions: '0', billed_clicks: '1' },
      },
    ]);
    const recorded = await dataSource.query(
      `SELECT r.differences, d.day::text AS day, d.ledger_spend_micros::text AS ledger, d.rollup_spend_micros::text AS rollup
       FROM reconciliation_runs r JOIN reconciliation_differences d ON d.run_id = r.id WHERE r.id = $1`,
      [dirty.runId],
    );
    expect(recorded).toEqual([{ differences: 1, day: '2026-03-14', ledger: '333334', rollup: '333333' }]);

    // The next recompute of the hour rewrites the ledger from the rollup: clean again.
    await (await rollups.add('recompute', { ad_account_id: id, hour: h })).waitUntilFinished(rollupEvents, 30_000);
    expect((await service.run({ ad_account_id: id, lookback_days: 2, until })).differences).toEqual([]);
  });

  it('schedules reconciliation as a repeatable job every 10 minutes', async () => {
    const scheduler = await reconciliation.getJobScheduler(RECONCILIATION_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ every: RECONCILIATION_EVERY_MS, name: 'reconcile' });
  });
});
