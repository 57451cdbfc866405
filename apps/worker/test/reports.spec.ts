import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { insertEvents, recomputeRollupHour } from '@loupe/analytics';
import type { AsyncReportJob, AsyncReportJobResult } from '@loupe/contracts';
import { CLICKHOUSE, QUEUES, bullConnection, loadConfig, testEnv, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerModule } from '../src/worker.module';

/* The worker's `reports` processor, booted with the whole WorkerModule on the real services. */
describe('reports queue (real Redis and ClickHouse)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-worker-reports-'));
  let config: LoupeConfig;
  let app: INestApplicationContext;
  let queue: Queue<AsyncReportJob>;
  let events: QueueEvents;
  const account = String(8_000_000_000 + randomInt(1_000_000_000));

  beforeAll(async () => {
    config = loadConfig(testEnv({ QUEUE_PREFIX: `{loupe-test-reports-${process.pid}}`, REPORTS_DIR: dir }));
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    await app.init();
    const opts = { connection: bullConnection(config), prefix: config.redis.queuePrefix };
    queue = new Queue(QUEUES.reports, opts);
    events = new QueueEvents(QUEUES.reports, opts);
    await events.waitUntilReady();
    // Two impressions (3,000 micros) of one campaign at 2026-11-02 10:00 UTC.
    const clickhouse = app.get<ClickHouseExecutor>(CLICKHOUSE);
    const ad = { ad_account_id: account, campaign_id: '77', ad_group_id: '78', ad_id: '79' };
    await insertEvents(clickhouse, config.clickhouse.database, [
      { ...ad, event_id: `i:${account}-1:0`, event_type: 'IMPRESSION', at: '2026-11-02T10:00:00Z', user_id: 'w1', price_micros: 1_000 },
      { ...ad, event_id: `i:${account}-2:0`, event_type: 'IMPRESSION', at: '2026-11-02T10:10:00Z', user_id: 'w2', price_micros: 2_000 },
    ]);
    await recomputeRollupHour(clickhouse, { database: config.clickhouse.database, adAccountId: account, hour: Date.parse('2026-11-02T10:00:00Z') / 1000, version: Date.now(), timezone: null });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await Promise.all([queue?.close(), events?.close()]);
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the report file with progress and returns its size', async () => {
    const token = randomUUID();
    const request = { start_date: '2026-11-02', end_date: '2026-11-02', granularity: 'TOTAL', level: 'CAMPAIGN', columns: ['SPEND_IN_MICRO_DOLLAR', 'PAID_IMPRESSION'], report_format: 'JSON' };
    const job = await queue.add('report', { adAccountId: account, timezone: 'UTC', currency: 'USD', request: request as AsyncReportJob['request'], requestedBy: '1' }, { jobId: token });
    const result = (await job.waitUntilFinished(events, 20_000)) as AsyncReportJobResult;
    const text = readFileSync(join(dir, `${token}.json`), 'utf8');
    expect(result).toMatchObject({ format: 'JSON', rows: 1, size: Buffer.byteLength(text) });
    expect(JSON.parse(text)).toEqual([{ CAMPAIGN_ID: '77', SPEND_IN_MICRO_DOLLAR: 3_000, PAID_IMPRESSION: 2 }]);
    expect((await queue.getJob(token))?.progress).toBe(100);
  });

  it('fails a malformed job at once instead of retrying it', async () => {
    const job = await queue.add('report', { adAccountId: account, timezone: 'UTC', currency: 'USD', request: { level: 'NOPE' }, requestedBy: '1' } as unknown as AsyncReportJob, { jobId: randomUUID(), attempts: 5 });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/invalid reports job payload/);
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
  });
});
