import { NestFactory } from '@nestjs/core';
import { QUEUES, bullConnection, loadConfig, testEnv, type LoupeConfig } from '@loupe/server-core';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupHealth } from '../src/health/startup-health';
import type { SystemPingResult } from '../src/system/system.processor';
import { WorkerModule } from '../src/worker.module';

describe('worker (real Redis, Postgres and ClickHouse)', () => {
  let config: LoupeConfig;
  let app: INestApplicationContext;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    // A queue prefix of its own so parallel test files never steal each other's jobs.
    config = loadConfig(testEnv({ QUEUE_PREFIX: `{loupe-test-${process.pid}}` }));
    app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    await app.init();
    const opts = { connection: bullConnection(config), prefix: config.redis.queuePrefix };
    queue = new Queue(QUEUES.system, opts);
    events = new QueueEvents(QUEUES.system, opts);
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await Promise.all([queue?.close(), events?.close()]);
    await app?.close();
  });

  it('consumes a ping job from its queue and returns the answer', async () => {
    const job = await queue.add('ping', { requestedBy: 'system-queue.spec' });
    const result = (await job.waitUntilFinished(events, 10_000)) as SystemPingResult;
    expect(result).toEqual({ pong: true, requestedBy: 'system-queue.spec', workerPid: process.pid });
  });

  it('fails an unknown system job instead of silently succeeding', async () => {
    const job = await queue.add('reboot', { requestedBy: 'test' }, { attempts: 1 });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/Unknown system job "reboot"/);
  });

  it('reports every dependency up at start, as /health does', async () => {
    const report = await app.get(StartupHealth).report();
    expect(report.postgres.status).toBe('up');
    expect(report.redis.status).toBe('up');
    expect(report.clickhouse.status).toBe('up');
  });
});
