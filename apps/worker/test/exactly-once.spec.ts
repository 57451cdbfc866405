import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClickHouseHttpExecutor, lit, runClickHouseMigrations, sql, type ClickHouseExecutor } from '@loupe/analytics';
import { BLANK_AD_EVENT, type AdEvent, type DeadLetterJob, type RollupJob } from '@loupe/contracts';
import { QUEUES, loadConfig, postgresOptions, testEnv } from '@loupe/server-core';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIND_MISSING_DAYS_JOB } from '../src/rollups/schedule';
import { leanJob } from './support/lean-jobs';
import { OwnProcess, startOwnClickHouse, startOwnRedis, waitFor, type OwnClickHouse, type OwnRedis } from './support/own-services';

const ROOT = resolve(__dirname, '../../..');
const DATABASE = 'loupe_exactly_once';
const PREFIX = '{loupe-it}';
const HOUR_MS = 3_600_000;
/** Ad accounts of this test only, so its spend ledger rows are its own. */
const ACCOUNTS = ['9100001', '9100002', '9100003'];
/** Fixed seed: the same run every time. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function makeEvent(n: number, random: () => number): AdEvent {
  const account = ACCOUNTS[n % ACCOUNTS.length];
  const kind = random();
  const base = Date.UTC(2026, 10, 27, 8) + Math.floor(random() * 3) * HOUR_MS + Math.floor(random() * HOUR_MS);
  const common = {
    ...BLANK_AD_EVENT,
    event_time_ms: base,
    ad_account_id: account,
    campaign_id: `${account}1`,
    ad_group_id: `${account}1${n % 4}`,
    ad_id: `${account}1${n % 4}${n % 2}`,
    pin_id: '77',
    auction_id: `auc${n}`,
    slot: n % 3,
    placement: 'BROWSE',
    user_id: `user${n % 500}`,
    age_bucket: '25-34',
    gender: 'female',
    location: 'US',
    device: 'WEB',
    locale: 'en-US',
  };
  // A few impressions are invalid traffic: stored, never billed, left out of the rollups' metrics.
  if (kind < 0.03) return { ...common, event_id: `i:auc${n}:${n % 3}`, event_type: 'IMPRESSION', ivt: true, ivt_reason: 'KNOWN_BOT' };
  if (kind < 0.8) return { ...common, event_id: `i:auc${n}:${n % 3}`, event_type: 'IMPRESSION', price_micros: 2_000 + (n % 7) };
  if (kind < 0.95) return { ...common, event_id: `c:auc${n}:${n % 3}`, event_type: 'CLICK', price_micros: 150_000 };
  return {
    ...common,
    event_id: `v:${account}:order-${n}`,
    event_type: 'CONVERSION',
    value_micros: 25_000_000,
    currency: 'USD',
    conversion_type: 'checkout',
  };
}

describe('event pipeline exactly once (own Redis and ClickHouse 18.16, real worker processes)', () => {
  let dir: string;
  let redis: OwnRedis;
  let clickhouse: OwnClickHouse;
  let ch: ClickHouseExecutor;
  let events: Queue;
  let workerA: OwnProcess;
  let workerB: OwnProcess;
  let postgres: DataSource;
  const workers: OwnProcess[] = [];

  const workerProcess = (name: string): OwnProcess => {
    const env = testEnv({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: PREFIX,
      CLICKHOUSE_URL: clickhouse.url,
      CLICKHOUSE_DATABASE: DATABASE,
      LOG_LEVEL: 'warn',
      SWC_NODE_PROJECT: 'apps/worker/tsconfig.json',
    });
    const worker = new OwnProcess(name, process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
      cwd: ROOT,
      env: env as NodeJS.ProcessEnv,
      logFile: join(dir, `${name}.log`),
    });
    workers.push(worker);
    return worker;
  };

  const rawCounts = async (): Promise<{ rows: number; unique: number }> => {
    const [row] = await ch.query<{ rows: string; unique: string }>(
      sql`SELECT toString(count()) AS rows, toString(uniqExact(event_id)) AS unique FROM ${lit.databaseName(DATABASE)}.events`,
    );
    return { rows: Number(row.rows), unique: Number(row.unique) };
  };

  /** Resolves once this many workers consume the events queue. */
  const workersOnline = (count: number): Promise<true> =>
    waitFor(`${count} worker(s) on the events queue`, async () => ((await events.getWorkersCount()) >= count ? true : undefined), 45_000, 200);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loupe-exactly-once-'));
    chmodSync(dir, 0o755); // the clickhouse user must reach its directory inside
    redis = await startOwnRedis(join(dir, 'redis'));
    clickhouse = await startOwnClickHouse(join(dir, 'clickhouse'));
    ch = createClickHouseHttpExecutor({ url: clickhouse.url });
    await runClickHouseMigrations(ch, { database: DATABASE, dir: join(ROOT, 'migrations/clickhouse') });
    // The spend ledger is in the shared test Postgres (migrated); start from no rows of these accounts.
    postgres = new DataSource(postgresOptions(loadConfig(testEnv())));
    await postgres.initialize();
    await postgres.query('DELETE FROM spend_ledger WHERE ad_account_id = ANY($1::bigint[])', [ACCOUNTS]);
    events = new Queue(QUEUES.events, { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }, prefix: PREFIX });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(workers.map((w) => w.kill('SIGKILL')));
    await events?.close();
    await postgres?.query('DELETE FROM spend_ledger WHERE ad_account_id = ANY($1::bigint[])', [ACCOUNTS]).catch(() => undefined);
    await postgres?.destroy();
    await ch?.close();
    await clickhouse?.kill();
    await redis?.stop();
    if (dir && process.env['LOUPE_KEEP_TEST_DIR'] === undefined) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it(
    'stores every acknowledged event once through client retries, a SIGKILLed worker and a ClickHouse restart; rollups = raw, ledger = rollup spend',
    async () => {
      const random = prng(20261127);
      const unique = Array.from({ length: 6_000 }, (_, n) => makeEvent(n, random));
      // Jobs as the API's group commit makes them (1–60 events); 10% of them are a client
      // retry that re-sends events of an earlier job under the same ids, in a new job.
      const jobs: AdEvent[][] = [];
      for (let i = 0; i < unique.length; ) {
        const size = 1 + Math.floor(random() * 60);
        jobs.push(unique.slice(i, i + size));
        i += size;
        if (random() < 0.1) {
          const earlier = jobs[Math.floor(random() * jobs.length)];
          jobs.push(earlier.filter(() => random() < 0.7).concat(earlier.slice(0, 1)));
        }
      }
      // Poison: events the contract rejects travel in ordinary jobs and must not hold them up.
      const poison = [{ ...unique[3], event_id: 'bad:1', event_type: 'TELEPORT' }, { ...unique[4], event_id: 'bad:2', ad_account_id: 'acct-x' }];
      jobs[5] = [...jobs[5], poison[0] as unknown as AdEvent];
      jobs[jobs.length - 5] = [...jobs[jobs.length - 5], poison[1] as unknown as AdEvent];
      const sentIds = new Set(unique.map((e) => e.event_id));
      // Most jobs in the API's lean format; every third in the first format, as jobs queued
      // before an upgrade (a retry may so come in the other format than its original).
      const jobData = (batch: AdEvent[], i: number) => (i % 3 === 0 ? { events: batch } : leanJob(batch));
      // The API sends jobs as traffic comes: a few every 50 ms while workers and ClickHouse fail.
      const duringOutage = Math.floor((jobs.length * 2) / 3);
      const produce = async (): Promise<void> => {
        for (let i = 0; i < duringOutage; i += 4) {
          await events.addBulk(jobs.slice(i, Math.min(i + 4, duringOutage)).map((batch, k) => ({ name: 'batch', data: jobData(batch, i + k) })));
          await new Promise((r) => setTimeout(r, 50));
        }
      };

      // 1. One worker takes the first jobs as they come; it is SIGKILLed while it holds jobs mid-batch.
      workerA = workerProcess('worker-a');
      workerA.start();
      await workersOnline(1);
      const producing = produce();
      await waitFor('worker A inserting', async () => ((await rawCounts()).rows > 0 && (await events.getActiveCount()) > 0 ? true : undefined), 45_000, 20);
      await workerA.kill('SIGKILL');
      const strandedActive = await events.getActiveCount();
      const completedAtKill = (await events.getJobCounts('completed')).completed;

      // 2. A second worker and the restarted first one carry on (stalled jobs come back when their locks lapse).
      workerB = workerProcess('worker-b');
      workerB.start();
      workerA.start();
      await workersOnline(2);
      await waitFor('jobs completed by the new workers', async () => ((await events.getJobCounts('completed')).completed > completedAtKill ? true : undefined), 45_000);

      // 3. ClickHouse goes away (SIGKILL: inserts in flight get no answer) and comes back.
      await producing;
      await clickhouse.kill();
      // The API keeps acknowledging: these jobs reach Redis while ClickHouse is down.
      await events.addBulk(jobs.slice(duringOutage).map((batch, k) => ({ name: 'batch', data: jobData(batch, duringOutage + k) })));
      await waitFor('workers holding jobs they cannot insert', async () => ((await events.getActiveCount()) > 0 ? true : undefined), 10_000, 20);
      await new Promise((r) => setTimeout(r, 2_000)); // an outage long enough for inserts to fail and back off
      const completedDuringOutage = (await events.getJobCounts('completed')).completed;
      await clickhouse.start();

      // 4. Everything acknowledged ends up stored; nothing is failed.
      const total = jobs.length;
      await waitFor(
        'every events job completed',
        async () => {
          const counts = await events.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
          return counts.completed + counts.failed >= total ? counts : undefined;
        },
        90_000,
        250,
      );
      const counts = await events.getJobCounts('completed', 'failed');
      expect(counts).toEqual({ completed: total, failed: 0 });
      expect(strandedActive).toBeGreaterThan(0); // the kill really caught jobs in flight
      expect(completedDuringOutage).toBeLessThan(total); // nothing sent during the outage was acknowledged as stored

      const stored = await rawCounts();
      expect(stored).toEqual({ rows: sentIds.size, unique: sentIds.size });
      const storedIds = await ch.query<{ event_id: string }>(sql`SELECT event_id FROM ${lit.databaseName(DATABASE)}.events`);
      expect(new Set(storedIds.map((r) => r.event_id))).toEqual(sentIds);

      // Poison went to the dead-letter queue with its reason, once each.
      const deadLetters = new Queue<DeadLetterJob>(QUEUES.eventsDeadLetter, {
        connection: { host: '127.0.0.1', port: redis.port },
        prefix: PREFIX,
      });
      const letters = await deadLetters.getJobs(['waiting']);
      await deadLetters.close();
      expect(letters.map((j) => [j.data.stage, j.data.event_id]).sort()).toEqual([
        ['validation', 'bad:1'],
        ['validation', 'bad:2'],
      ]);
      expect(letters.every((j) => j.data.reason.startsWith('invalid event:'))).toBe(true);

      // Every (account, hour) stored had a rollup job asked for; once they have run, the
      // rollups equal the raw events and the Postgres ledger equals the rollups' spend.
      const rollups = new Queue<RollupJob>(QUEUES.rollups, { connection: { host: '127.0.0.1', port: redis.port }, prefix: PREFIX });
      try {
        await waitFor(
          'the rollups queue to drain',
          async () => {
            const c = await rollups.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
            return c.waiting + c.delayed + c.active + c.prioritized === 0 ? true : undefined;
          },
          60_000,
          250,
        );
        // Every worker boot also adds a find-missing-days job, which may queue a week's range recompute if it
        // runs between a job's hourly and daily writes (harmless: the same figures); neither is an hour's job.
        const rollupJobs = (await rollups.getJobs(['completed', 'failed'])).filter(
          (j) => j.name !== FIND_MISSING_DAYS_JOB && !(j.id ?? '').startsWith('rollup-backfill-'),
        );
        const asked = new Set(rollupJobs.map((j) => `${j.data.ad_account_id}/${j.data.hour}`));
        const touched = new Set(unique.map((e) => `${e.ad_account_id}/${Math.floor(e.event_time_ms / HOUR_MS) * 3600}`));
        expect(asked).toEqual(touched);
        expect(await rollups.getJobCounts('failed')).toEqual({ failed: 0 });
      } finally {
        await rollups.close();
      }
      const db = lit.databaseName(DATABASE);
      const raw = await ch.query<{ account: string; impressions: string; clicks: string; spend: string }>(sql`
        SELECT toString(ad_account_id) AS account, toString(countIf(event_type = 'IMPRESSION' AND ivt = 0)) AS impressions,
               toString(countIf(event_type = 'CLICK' AND ivt = 0)) AS clicks, toString(sumIf(price_micros, ivt = 0)) AS spend
        FROM ${db}.events GROUP BY ad_account_id ORDER BY ad_account_id`);
      const rolled = await ch.query<{ account: string; impressions: string; clicks: string; spend: string }>(sql`
        SELECT toString(ad_account_id) AS account, toString(sum(impressions)) AS impressions,
               toString(sum(clicks)) AS clicks, toString(sum(spend_micros)) AS spend
        FROM ${db}.rollup_ad_account_hourly FINAL GROUP BY ad_account_id ORDER BY ad_account_id`);
      expect(raw.map((r) => r.account)).toEqual(ACCOUNTS);
      expect(rolled).toEqual(raw);
      // The same by hour at the ad-group level, the grain of the ledger.
      const rolledAdGroupSpend = await ch.query<{ account: string; spend: string }>(sql`
        SELECT toString(ad_account_id) AS account, toString(sum(spend_micros)) AS spend
        FROM ${db}.rollup_ad_group_hourly FINAL GROUP BY ad_account_id ORDER BY ad_account_id`);
      expect(rolledAdGroupSpend).toEqual(raw.map((r) => ({ account: r.account, spend: r.spend })));
      const ledger = await postgres.query<{ account: string; spend: string }[]>(
        `SELECT ad_account_id::text AS account, sum(spend_micros)::text AS spend FROM spend_ledger
          WHERE ad_account_id = ANY($1::bigint[]) GROUP BY ad_account_id ORDER BY ad_account_id`,
        [ACCOUNTS],
      );
      expect(ledger).toEqual(rolledAdGroupSpend);
    },
    180_000,
  );
});
