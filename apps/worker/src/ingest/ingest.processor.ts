import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { createClickHouseHttpExecutor, type ClickHouseExecutor } from '@loupe/analytics';
import { LOUPE_CONFIG, QUEUES, REDIS, bullConnection, type LoupeConfig } from '@loupe/server-core';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { RollupScheduler } from '../rollups/rollup-scheduler.service';
import { EventBatcher, IngestStoppedError } from './event-batcher';
import { EventClaims } from './event-claims';
import { INGEST_OPTIONS, type IngestOptions } from './ingest.options';
import { validateEventBatch } from './validate-event-batch';

export interface IngestJobResult {
  events: number;
  deadLettered: number;
}

/**
 * The one processor of the `events` queue. A job is acknowledged only after all its
 * events are committed to ClickHouse, recognised as duplicates or dead-lettered
 * (docs/pipeline.md). The BullMQ worker is created here rather than with @Processor so
 * that at shutdown it is closed — and the buffer inserted — before the ClickHouse and
 * Redis clients go away.
 */
@Injectable()
export class IngestProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestProcessor.name);
  private worker: Worker | undefined;
  private readonly inserts: ClickHouseExecutor;
  readonly batcher: EventBatcher;

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
    this.batcher = new EventBatcher(
      {
        claims,
        clickhouse: this.inserts,
        database: config.clickhouse.database,
        deadLetters,
        rollups: {
          // The scheduler takes events; the start of each touched hour stands for them.
          schedule: async (hours) => {
            await rollups.schedule(hours.map((h) => ({ ad_account_id: h.ad_account_id, event_time_ms: h.hour * 1000 })));
          },
        },
        logger: { warn: (m) => this.logger.warn(m), error: (m) => this.logger.error(m) },
      },
      options,
    );
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker(QUEUES.events, (job) => this.process(job), {
      connection: bullConnection(this.config),
      prefix: this.config.redis.queuePrefix,
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockDurationMs,
      stalledInterval: this.options.stalledIntervalMs,
      maxStalledCount: this.options.maxStalledCount,
    });
    this.worker.on('error', (err) => this.logger.warn(`events worker: ${err.message}`));
  }

  async process(job: Job): Promise<IngestJobResult> {
    try {
      return await this.ingest(job);
    } catch (error) {
      // Shutting down mid-retry: leave the job active for another worker instead of failing it.
      if (error instanceof IngestStoppedError) return new Promise<IngestJobResult>(() => undefined);
      throw error;
    }
  }

  private async ingest(job: Job): Promise<IngestJobResult> {
    const jobId = job.id ?? 'unknown';
    const { events, letters } = validateEventBatch(job.data, jobId);
    // Stored before the job can complete; ids are deterministic, so a retried job adds none twice.
    // Retried here rather than thrown: a failed job would use up the attempt its producer gave it.
    if (letters.length > 0) await this.batcher.retry('store dead letters', () => this.deadLetters.publish(letters));
    await this.batcher.submit(jobId, events);
    return { events: events.length, deadLettered: letters.length };
  }

  /**
   * Stops taking jobs and inserts the buffer. If ClickHouse does not take it within
   * shutdownTimeoutMs, the jobs are left active in Redis: their locks lapse and another
   * worker (or this one, restarted) retries them — nothing acknowledged is lost.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs);
    });
    const finished = Promise.all([worker.close(), this.batcher.drain()]).then(() => 'done' as const);
    const result = await Promise.race([finished, timedOut]).catch((err: unknown) => {
      if (!(err instanceof IngestStoppedError)) this.logger.warn(`ingest shutdown: ${String(err)}`);
      return 'timeout' as const;
    });
    clearTimeout(timer);
    if (result === 'timeout') {
      this.logger.warn(`ClickHouse did not take ${this.batcher.buffered} buffered events at shutdown; leaving their jobs to be retried`);
      this.batcher.stop();
      await worker.close(true);
    }
    await this.inserts.close();
  }
}
