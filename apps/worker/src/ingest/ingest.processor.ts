import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { createClickHouseHttpExecutor, type ClickHouseExecutor } from '@loupe/analytics';
import { LOUPE_CONFIG, QUEUES, REDIS, bullConnection, type LoupeConfig } from '@loupe/server-core';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { RollupScheduler } from '../rollups/rollup-scheduler.service';
import { EventBatcher, IngestStoppedError, type IngestSinks } from './event-batcher';
import { EventClaims } from './event-claims';
import { INGEST_OPTIONS, type IngestOptions } from './ingest.options';
import { validateEventJob } from './validate-event-batch';

export interface IngestJobResult {
  events: number;
  deadLettered: number;
}

/**
 * The one processor of the `events` queue. A job is acknowledged only after all its
 * events are committed to ClickHouse, recognised as duplicates or dead-lettered
 * (docs/pipeline.md). It runs `pipelines` independent pipelines, each a BullMQ worker
 * feeding its own EventBatcher with `concurrency / pipelines` job slots. The BullMQ
 * workers are created here rather than with @Processor so that at shutdown they are
 * closed — and the buffers inserted — before the ClickHouse and Redis clients go away.
 */
@Injectable()
export class IngestProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestProcessor.name);
  private workers: Worker[] = [];
  private readonly inserts: ClickHouseExecutor;
  /** One per pipeline. */
  readonly batchers: readonly EventBatcher[];
  /** Job slots of each pipeline's worker and batcher. */
  private readonly slots: number;

  constructor(
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
    @Inject(REDIS) redis: Redis,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    private readonly deadLetters: DeadLetterPublisher,
    rollups: RollupScheduler,
  ) {
    // Its own client: an insert must give up (insertTimeoutMs) well before the batch lease ends.
    this.inserts = createClickHouseHttpExecutor({
      url: config.clickhouse.url,
      username: config.clickhouse.user,
      password: config.clickhouse.password,
      requestTimeoutMs: options.insertTimeoutMs,
    });
    const claims = new EventClaims(redis, {
      prefix: config.redis.queuePrefix,
      leaseMs: options.leaseMs,
      ttlSeconds: options.dedupTtlSeconds,
    });
    const pipelines = Math.max(1, Math.floor(options.pipelines));
    this.slots = Math.max(1, Math.ceil(options.concurrency / pipelines));
    const sinks = {
      claims,
      clickhouse: this.inserts,
      database: config.clickhouse.database,
      deadLetters,
      rollups: {
        // The scheduler takes events; the start of each touched hour stands for them.
        schedule: async (hours, options) => {
          await rollups.schedule(
            hours.map((h) => ({ ad_account_id: h.ad_account_id, event_time_ms: h.hour * 1000 })),
            options,
          );
        },
      },
      logger: { warn: (m: string) => this.logger.warn(m), error: (m: string) => this.logger.error(m) },
    } satisfies IngestSinks;
    this.batchers = Array.from({ length: pipelines }, () => new EventBatcher(sinks, { ...options, concurrency: this.slots }));
  }

  onApplicationBootstrap(): void {
    this.workers = this.batchers.map((batcher) => {
      const worker = new Worker(QUEUES.events, (job) => this.process(job, batcher), {
        connection: bullConnection(this.config),
        prefix: this.config.redis.queuePrefix,
        // A worker with many free slots fetches that many jobs one by one before it starts any
        // (BullMQ's fetch loop): fewer slots per worker, the first batch is cut sooner.
        concurrency: this.slots,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.stalledIntervalMs,
        maxStalledCount: this.options.maxStalledCount,
      });
      worker.on('error', (err) => this.logger.warn(`events worker: ${err.message}`));
      return worker;
    });
  }

  async process(job: Job, batcher: EventBatcher = this.batchers[0]): Promise<IngestJobResult> {
    try {
      return await this.ingest(job, batcher);
    } catch (error) {
      // Shutting down mid-retry: leave the job active for another worker instead of failing it.
      if (error instanceof IngestStoppedError) return new Promise<IngestJobResult>(() => undefined);
      throw error;
    }
  }

  private async ingest(job: Job, batcher: EventBatcher): Promise<IngestJobResult> {
    const jobId = job.id ?? 'unknown';
    const { events, rows, letters } = validateEventJob(job.data, jobId);
    // Stored before the job can complete; ids are deterministic, so a retried job adds none twice.
    // Retried here rather than thrown: a failed job would use up the attempt its producer gave it.
    if (letters.length > 0) await batcher.retry('store dead letters', () => this.deadLetters.publish(letters));
    await batcher.submit(jobId, events, rows);
    return { events: events.length + rows.length, deadLettered: letters.length };
  }

  /**
   * Stops taking jobs and inserts the buffer. If ClickHouse does not take it within
   * shutdownTimeoutMs, the jobs are left active in Redis: their locks lapse and another
   * worker (or this one, restarted) retries them — nothing acknowledged is lost.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.workers;
    if (workers.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs);
    });
    const finished = Promise.all([...workers.map((w) => w.close()), ...this.batchers.map((b) => b.drain())]).then(() => 'done' as const);
    const result = await Promise.race([finished, timedOut]).catch((err: unknown) => {
      if (!(err instanceof IngestStoppedError)) this.logger.warn(`ingest shutdown: ${String(err)}`);
      return 'timeout' as const;
    });
    clearTimeout(timer);
    if (result === 'timeout') {
      const buffered = this.batchers.reduce((n, b) => n + b.buffered, 0);
      this.logger.warn(`ClickHouse did not take ${buffered} buffered events at shutdown; leaving their jobs to be retried`);
      for (const batcher of this.batchers) batcher.stop();
      await Promise.all(workers.map((w) => w.close(true)));
    }
    await this.inserts.close();
  }
}
