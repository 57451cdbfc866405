import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { AdEvent } from '@loupe/contracts';
import { DEFAULT_JOB_OPTIONS, LOUPE_CONFIG, QUEUES, ServiceUnavailableException, bullConnection, type LoupeConfig } from '@loupe/server-core';
import { Queue } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { EventJobBuilder } from './event-job';

/** How a group commit is cut: whichever comes first. */
export interface GroupCommitOptions {
  /**
   * Longest a request waits behind a job still being stored. With none in flight a
   * batch goes at the end of the event-loop turn it started in.
   */
  windowMs: number;
  /** Events per job at most (a full batch is sent at once). */
  maxEvents: number;
  /** A job not stored in Redis within this time fails its requests (they answer 503). */
  timeoutMs: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { windowMs: 2, maxEvents: 500, timeoutMs: 2_000 };

/** Optional provider overriding DEFAULT_GROUP_COMMIT (tests, tuning). */
export const GROUP_COMMIT_OPTIONS = Symbol('GROUP_COMMIT_OPTIONS');

interface Pending {
  /** The job being gathered: each event validated and rendered as it is published. */
  job: EventJobBuilder;
  waiters: { resolve: () => void; reject: (err: Error) => void }[];
  /** Cancels the scheduled flush (a timer or an immediate); null until one is scheduled. */
  cancel: (() => void) | null;
}

/**
 * Durable acknowledgment for ad events (issue 5 §1). `publish` resolves only once the
 * events are stored in Redis as a BullMQ job, so an endpoint that awaits it before
 * answering 2xx never acknowledges an event it could lose.
 *
 * The job is in the lean format (event-job.ts): each event is validated and rendered as
 * its ClickHouse row here, once, so the worker does not parse, validate and render it again.
 *
 * Group commit: the events of one event-loop turn share one job (one Redis round trip
 * for many requests), and while a job is being stored the events that arrive meanwhile
 * gather into the next one, sent as soon as the first is stored (or after `windowMs`,
 * or once `maxEvents` are waiting). So an idle API adds no wait to a lone event, and a
 * busy one sends bigger jobs instead of more of them; each caller still waits for its
 * own batch. If the job cannot be stored (Redis down, or slower than `timeoutMs`) every
 * caller of that batch gets a ServiceUnavailableException (HTTP 503) and nothing is
 * acknowledged.
 */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly queue: Queue;
  private pending: Pending | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: GroupCommitOptions;
  /** Settles once the first connection attempt is over (closing mid-handshake leaves ioredis with an unhandled rejection). */
  private readonly connected: Promise<void>;

  constructor(@Inject(LOUPE_CONFIG) config: LoupeConfig, @Optional() @Inject(GROUP_COMMIT_OPTIONS) options?: Partial<GroupCommitOptions>) {
    this.options = { ...DEFAULT_GROUP_COMMIT, ...options };
    this.queue = new Queue(QUEUES.events, {
      // While Redis is down a command gives up after one retry, and `store` gives up after
      // timeoutMs whatever happens, so an acknowledgment never waits on a reconnect. The
      // offline queue stays on: without it BullMQ's own connection set-up (SELECT of the
      // database) fails unhandled when the app closes before Redis answered.
      connection: { ...(bullConnection(config) as RedisOptions), maxRetriesPerRequest: 1 },
      prefix: config.redis.queuePrefix,
      // Retried with backoff if a worker fails it; kept a while after completion for inspection.
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    this.queue.on('error', (err) => this.logger.warn(`events queue: ${err.message}`));
    this.connected = this.queue.waitUntilReady().then(
      () => undefined,
      () => undefined,
    );
  }

  /** Resolves when the events are durable in Redis; rejects (503) when they are not. */
  publish(events: readonly AdEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const batch = (this.pending ??= { job: new EventJobBuilder(), waiters: [], cancel: null });
    for (const event of events) batch.job.add(event);
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.job.size >= this.options.maxEvents) this.flush();
    else if (!batch.cancel) {
      if (this.inFlight.size === 0) {
        const immediate = setImmediate(this.flush);
        batch.cancel = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(this.flush, this.options.windowMs);
        batch.cancel = () => clearTimeout(timer);
      }
    }
    return done;
  }

  private readonly flush = (): void => {
    const batch = this.pending;
    if (!batch) return;
    this.pending = null;
    batch.cancel?.();
    const stored = this.store(batch.job).then(
      () => batch.waiters.forEach((w) => w.resolve()),
      (err: unknown) => {
        this.logger.warn(`could not store ${batch.job.size} events: ${err instanceof Error ? err.message : String(err)}`);
        const failure = new ServiceUnavailableException('The event could not be stored right now; retry with the same request.');
        batch.waiters.forEach((w) => w.reject(failure));
      },
    );
    this.inFlight.add(stored);
    void stored.finally(() => {
      this.inFlight.delete(stored);
      // The events that gathered while this job was being stored go now.
      if (this.inFlight.size === 0) this.flush();
    });
  };

  private async store(job: EventJobBuilder): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    try {
      await Promise.race([this.queue.add('batch', job.job()), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    // A dead Redis must not hang shutdown: close gracefully if it can, else drop the connection.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.options.timeoutMs)));
    const closed = await Promise.race([this.connected.then(() => this.queue.close()).then(() => true, () => false), deadline]);
    clearTimeout(timer);
    if (!closed) void this.queue.disconnect().catch(() => undefined);
  }
}
