/**
 * Measures ingest throughput against the batch size on the local ClickHouse (the figures
 * in docs/pipeline.md, "Batch size"). Not a test; run it with the helper env sourced:
 *
 *   SWC_NODE_PROJECT=apps/worker/tsconfig.json node -r @swc-node/register apps/worker/test/measure-batch-size.ts [events]
 *
 * For each batch size: (a) raw inserts of the same rows at that size with the ClickHouse
 * client (rendering included), and (b) the same events through the EventBatcher — Redis
 * claims, lease renewal, insert, commit — fed as 500-event jobs (the API's group-commit
 * size). Printed as events/s, the ratio b/a and the active parts left. The machine is
 * shared and noisy: compare the ratio, not the rates.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  createClickHouseHttpExecutor,
  eventValuesRow,
  eventsInsert,
  lit,
  runClickHouseMigrations,
  sql,
  type ClickHouseExecutor,
} from '@loupe/analytics';
import type { AdEvent } from '@loupe/contracts';
import { loadConfig } from '@loupe/server-core';
import { Redis } from 'ioredis';
import { EventBatcher } from '../src/ingest/event-batcher';
import { EventClaims } from '../src/ingest/event-claims';
import { DEFAULT_INGEST_OPTIONS } from '../src/ingest/ingest.options';

const JOB_EVENTS = 500;

function makeEvents(count: number): AdEvent[] {
  const run = randomBytes(4).toString('hex');
  return Array.from({ length: count }, (_, n) => ({
    event_id: `i:${run}-${n}:${n % 3}`,
    event_type: 'IMPRESSION',
    engagement_type: '',
    event_time_ms: Date.UTC(2026, 10, 27, 10) + (n % 3_600_000),
    ad_account_id: String(1 + (n % 20)),
    campaign_id: String(100 + (n % 50)),
    ad_group_id: String(1000 + (n % 200)),
    ad_id: String(10_000 + (n % 1000)),
    pin_id: '55',
    auction_id: `${run}-${n}`,
    slot: n % 3,
    placement: 'BROWSE',
    user_id: randomBytes(32).toString('hex'),
    click_id: '',
    price_micros: 2_500,
    value_micros: 0,
    currency: '',
    conversion_type: '',
    ivt: false,
    ivt_reason: '',
    age_bucket: '25-34',
    gender: 'female',
    location: 'US-CA',
    device: 'IPHONE',
    locale: 'en-US',
    interest: 'home decor',
  }));
}

async function activeParts(ch: ClickHouseExecutor, database: string): Promise<number> {
  const [row] = await ch.query<{ n: string }>(
    sql`SELECT toString(count()) AS n FROM system.parts WHERE database = ${lit.string(database)} AND table = 'events' AND active`,
  );
  return Number(row.n);
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 100_000);
  const config = loadConfig();
  const ch = createClickHouseHttpExecutor({ url: config.clickhouse.url, requestTimeoutMs: 120_000 });
  const redis = new Redis(config.redis.url);
  const database = `loupe_measure_${randomBytes(4).toString('hex')}`;
  await runClickHouseMigrations(ch, { database, dir: resolve(__dirname, '../../../migrations/clickhouse') });
  const prefix = `{measure-${randomBytes(4).toString('hex')}}`;
  process.stdout.write(`events per size: ${total}; ClickHouse ${config.clickhouse.url}\n`);
  process.stdout.write('batch size | raw insert ev/s | through EventBatcher ev/s | ratio | active parts\n');
  try {
    for (const size of [1_000, 5_000, 20_000, 50_000]) {
      await ch.command(sql`TRUNCATE TABLE ${lit.databaseName(database)}.events`);
      const rawEvents = makeEvents(total);
      const rawStart = performance.now();
      for (let i = 0; i < rawEvents.length; i += size) {
        await ch.command(eventsInsert(database, rawEvents.slice(i, i + size).map(eventValuesRow)));
      }
      const rawRate = total / ((performance.now() - rawStart) / 1000);

      await ch.command(sql`TRUNCATE TABLE ${lit.databaseName(database)}.events`);
      const batcher = new EventBatcher(
        {
          claims: new EventClaims(redis, { prefix, leaseMs: DEFAULT_INGEST_OPTIONS.leaseMs, ttlSeconds: 600 }),
          clickhouse: ch,
          database,
          deadLetters: { publish: async () => undefined },
          rollups: { schedule: async () => undefined },
          logger: { warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`) },
        },
        { ...DEFAULT_INGEST_OPTIONS, maxBatchEvents: size, concurrency: Math.max(200, (2 * size) / JOB_EVENTS) },
      );
      const events = makeEvents(total);
      const start = performance.now();
      const jobs: Promise<void>[] = [];
      for (let i = 0; i < events.length; i += JOB_EVENTS) {
        jobs.push(batcher.submit(`job-${i}`, events.slice(i, i + JOB_EVENTS)));
        // Jobs arrive over time, as from the queue, not all in one tick.
        if ((i / JOB_EVENTS) % 10 === 9) await new Promise((r) => setImmediate(r));
      }
      await Promise.all(jobs);
      const rate = total / ((performance.now() - start) / 1000);
      process.stdout.write(
        `${size} | ${Math.round(rawRate)} | ${Math.round(rate)} | ${(rate / rawRate).toFixed(2)} | ${await activeParts(ch, database)}\n`,
      );
    }
  } finally {
    await ch.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    await redis.quit();
    await ch.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
