import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { createClickHouseHttpExecutor, eventValuesRow, lit, runClickHouseMigrations, sql, type ClickHouseExecutor } from '@loupe/analytics';
import { type AdEvent, type DeadLetterJob, BLANK_AD_EVENT } from '@loupe/contracts';
import { QUEUES, bullConnection, loadConfig, testEnv, type LoupeConfig } from '@loupe/server-core';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestProcessor, type IngestJobResult } from '../src/ingest/ingest.processor';
import type { IngestOptions } from '../src/ingest/ingest.options';
import { WorkerModule } from '../src/worker.module';
import { leanJob } from './support/lean-jobs';
import { waitFor } from './support/own-services';

let seq = 0;
function event(overrides: Partial<AdEvent> = {}): AdEvent {
  seq++;
  return {
    ...BLANK_AD_EVENT,
    event_id: `c:${randomBytes(5).toString('hex')}:${seq}`,
    event_type: 'CLICK',
    event_time_ms: Date.UTC(2026, 10, 27, 9, 30),
    ad_account_id: '8800001',
    campaign_id: '1',
    ad_group_id: '2',
    ad_id: '3',
    pin_id: '4',
    auction_id: `a${seq}`,
    slot: 1,
    placement: 'SEARCH',
    user_id: 'u',
    price_micros: 120_000,
    ...overrides,
  };
}

describe('ingest processor in the worker (real Redis, ClickHouse 18.16 and BullMQ)', () => {
  const prefix = `{loupe-test-ingest-${process.pid}}`;
  const database = `loupe_test_ingest_proc_${randomBytes(4).toString('hex')}`;
  let config: LoupeConfig;
  let clickhouse: ClickHouseExecutor;
  let events: Queue;
  let queueEvents: QueueEvents;
  let deadLetters: Queue<DeadLetterJob>;
  let rollups: Queue;

  const boot = async (ingest: Partial<IngestOptions>): Promise<INestApplicationContext> => {
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, { ingest }), { logger: false });
    await app.init();
    return app;
  };
  const stored = async (): Promise<number> => {
    const [row] = await clickhouse.query<{ n: string }>(sql`SELECT toString(count()) AS n FROM ${lit.databaseName(database)}.events`);
    return Number(row.n);
  };

  beforeAll(async () => {
    config = loadConfig(testEnv({ QUEUE_PREFIX: prefix, CLICKHOUSE_DATABASE: database }));
    clickhouse = createClickHouseHttpExecutor({ url: config.clickhouse.url });
    await runClickHouseMigrations(clickhouse, { database, dir: resolve(__dirname, '../../../migrations/clickhouse') });
    const opts = { connection: bullConnection(config), prefix };
    events = new Queue(QUEUES.events, opts);
    deadLetters = new Queue(QUEUES.eventsDeadLetter, opts);
    rollups = new Queue(QUEUES.rollups, opts);
    queueEvents = new QueueEvents(QUEUES.events, opts);
    await queueEvents.waitUntilReady();
  });

  afterAll(async () => {
    for (const q of [events, deadLetters, rollups]) await q?.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([events?.close(), deadLetters?.close(), rollups?.close(), queueEvents?.close()]);
    await clickhouse?.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await clickhouse?.close();
  });

  it('holds jobs until their events are inserted, and inserts the buffer at shutdown', async () => {
    // A flush timer far beyond the test: only the shutdown can insert these.
    const app = await boot({ flushIntervalMs: 600_000 });
    const jobs = await events.addBulk([1, 2, 3].map(() => ({ name: 'batch', data: { events: [event(), event()] } })));
    await waitFor('the worker to take the 3 jobs', async () => ((await events.getActiveCount()) === 3 ? true : undefined), 10_000, 50);
    expect(await events.getCompletedCount()).toBe(0);
    expect(await stored()).toBe(0);

    await app.close();
    expect(await stored()).toBe(6);
    const states = await Promise.all(jobs.map((j) => j.getState()));
    expect(states).toEqual(['completed', 'completed', 'completed']);
    // Its account-hour was handed to the rollups.
    const asked = await rollups.getJobs(['delayed', 'waiting']);
    expect(asked.map((j) => j.data as unknown)).toContainEqual({ ad_account_id: '8800001', hour: Date.UTC(2026, 10, 27, 9) / 1000 });
  });

  it('dead-letters an invalid event with its reason and stores the rest of its job; a job that is not a batch becomes one dead letter', async () => {
    const app = await boot({ flushIntervalMs: 50 });
    try {
      const good = [event(), event()];
      const bad = { ...event(), event_id: 'bad-price', price_micros: -5 };
      const job = await events.add('batch', { events: [good[0], bad, good[1]] });
      const result = (await job.waitUntilFinished(queueEvents, 15_000)) as IngestJobResult;
      expect(result).toEqual({ events: 2, deadLettered: 1 });
      const junk = await events.add('batch', { rows: 'nope' });
      expect(await junk.waitUntilFinished(queueEvents, 15_000)).toEqual({ events: 0, deadLettered: 1 });

      const letters = (await deadLetters.getJobs(['waiting'])).map((j) => j.data);
      expect(letters).toHaveLength(2);
      const forBad = letters.find((l) => l.event_id === 'bad-price');
      expect(forBad).toMatchObject({ stage: 'validation', source_job_id: job.id, payload: bad });
      expect(forBad?.reason).toMatch(/price_micros/);
      const forJunk = letters.find((l) => l.source_job_id === junk.id);
      expect(forJunk).toMatchObject({ stage: 'validation', event_id: '', payload: { rows: 'nope' } });
      expect(forJunk?.reason).toMatch(/^invalid events job/);
      expect(await stored()).toBe(8);
    } finally {
      await app.close();
    }
  });

  it('stores the events of a lean job (rows the API rendered) once; the same events in a job of the first format are duplicates', async () => {
    const app = await boot({ flushIntervalMs: 50 });
    try {
      const before = await stored();
      const hour = Date.UTC(2026, 10, 27, 14) / 1000;
      const lean = [event({ ad_account_id: '8800002', event_time_ms: hour * 1000 + 1_234 }), event({ event_id: "c:it's \\ odd:1" }), event()];
      const job = await events.add('batch', leanJob(lean));
      expect(Object.keys(job.data as object)).toEqual(['rows']);
      expect(await job.waitUntilFinished(queueEvents, 15_000)).toEqual({ events: 3, deadLettered: 0 });
      expect(await stored()).toBe(before + 3);
      const rows = await clickhouse.query<{ event_id: string; ad_account_id: string; t: string }>(sql`
        SELECT event_id, toString(ad_account_id) AS ad_account_id, toString(event_time) AS t
        FROM ${lit.databaseName(database)}.events WHERE event_id IN ${lit.inList(lean.map((e) => e.event_id), 'String')} ORDER BY event_id`);
      expect(rows).toHaveLength(3);
      expect(rows).toContainEqual({ event_id: lean[0].event_id, ad_account_id: '8800002', t: '2026-11-27 14:00:01' });
      expect(rows).toContainEqual(expect.objectContaining({ event_id: "c:it's \\ odd:1" }));
      const asked = await rollups.getJobs(['delayed', 'waiting']);
      expect(asked.map((j) => j.data as unknown)).toContainEqual({ ad_account_id: '8800002', hour });

      // An upgrade in the other direction (or a producer still on the first format): same ids, no second copy.
      const fresh = event();
      const old = await events.add('batch', { events: [...lean, fresh] });
      expect(await old.waitUntilFinished(queueEvents, 15_000)).toEqual({ events: 4, deadLettered: 0 });
      expect(await stored()).toBe(before + 4);
      // …and a lean job re-sent (a client retry) adds nothing either.
      const again = await events.add('batch', leanJob([...lean, fresh]));
      expect(await again.waitUntilFinished(queueEvents, 15_000)).toEqual({ events: 4, deadLettered: 0 });
      expect(await stored()).toBe(before + 4);
    } finally {
      await app.close();
    }
  });

  it('dead-letters a lean job\'s rows that are not rows eventValuesRow writes, and the events the API could not validate or render, with reasons; the rest is stored', async () => {
    const app = await boot({ flushIntervalMs: 50 });
    try {
      const before = await stored();
      const good = event();
      const tampered = eventValuesRow(event({ event_id: 'lean-bad-1' })).text.replace("'SEARCH'", "(SELECT 'x')");
      const appended = `${eventValuesRow(event({ event_id: 'lean-bad-2' })).text}, ${eventValuesRow(event({ event_id: 'lean-bad-3' })).text}`;
      const invalid = { ...event(), event_id: 'lean-bad-price', price_micros: -5 };
      const unrenderable = event({ event_id: 'lean-bad-time', event_time_ms: 0 });
      const data = leanJob([good, invalid, unrenderable]);
      expect(data.events).toEqual([invalid, unrenderable]);
      data.rows.push(tampered, appended, 42 as unknown as string);
      const job = await events.add('batch', data);
      // Rows: the good one stored; three dead letters. Events: the invalid one dead-lettered at once, the
      // unrenderable one when its batch is cut (stage format), so it counts with the events.
      expect(await job.waitUntilFinished(queueEvents, 15_000)).toEqual({ events: 2, deadLettered: 4 });
      const empty = await events.add('batch', { rows: [], events: [] });
      expect(await empty.waitUntilFinished(queueEvents, 15_000)).toEqual({ events: 0, deadLettered: 1 });

      const letters = (await deadLetters.getJobs(['waiting'])).map((j) => j.data).filter((l) => l.source_job_id === job.id || l.source_job_id === empty.id);
      const summary = letters.map((l) => [l.stage, l.event_id, typeof l.payload === 'string' ? l.payload.slice(0, 14) : l.payload, l.reason.split(':')[0]]);
      expect(summary).toEqual(
        expect.arrayContaining([
          ['validation', '', tampered.slice(0, 14), 'invalid event row'],
          ['validation', '', appended.slice(0, 14), 'invalid event row'],
          ['validation', '', 42, 'invalid event row'],
          ['validation', 'lean-bad-price', invalid, 'invalid event'],
          ['format', 'lean-bad-time', unrenderable, 'event_time_ms 0 is outside 1970-01-01T00'],
          ['validation', '', { rows: [], events: [] }, 'invalid events job'],
        ]),
      );
      expect(letters).toHaveLength(6);
      expect(letters.find((l) => l.payload === tampered)?.reason).toMatch(/column 12 \(placement\)/);
      expect(await stored()).toBe(before + 1);
      const leaked = await clickhouse.query(sql`SELECT event_id FROM ${lit.databaseName(database)}.events WHERE event_id LIKE 'lean-bad%'`);
      expect(leaked).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('runs `pipelines` BullMQ workers on the events queue, one batcher each, sharing the job slots', async () => {
    for (const [pipelines, concurrency] of [[2, 200], [1, 30]]) {
      const app = await boot({ pipelines, concurrency });
      try {
        expect(app.get(IngestProcessor).batchers).toHaveLength(pipelines);
        const workers = (app.get(IngestProcessor) as unknown as { workers: { concurrency: number }[] }).workers;
        expect(workers.map((w) => w.concurrency)).toEqual(Array.from({ length: pipelines }, () => concurrency / pipelines));
        await waitFor(`${pipelines} workers on the events queue`, async () => ((await events.getWorkersCount()) === pipelines ? true : undefined), 10_000, 50);
        // Both pipelines take jobs: each job's events end up stored.
        const jobs = await events.addBulk(Array.from({ length: 6 }, () => ({ name: 'batch', data: { events: [event()] } })));
        await Promise.all(jobs.map((j) => j.waitUntilFinished(queueEvents, 15_000)));
      } finally {
        await app.close();
      }
    }
  });
});
