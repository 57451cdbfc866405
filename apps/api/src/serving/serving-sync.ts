import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseConnector, LOUPE_CONFIG, type LoupeConfig } from '@loupe/server-core';
import { Redis } from 'ioredis';
import { BudgetLeases } from './budget-leases';
import { ExplainCounters } from './explain';
import { PacingService } from './pacing.service';
import { QualityScores } from './quality-scores';
import { servingChangesChannel } from './serving-changes';
import { ServingIndex } from './serving-index';

/** Timings of the background work; production values, shortened by nothing but tests' direct calls. */
export const SERVING_TIMINGS = {
  /** Full index rebuild: the safety net for lost pub/sub messages. */
  resyncMs: 30_000,
  /** The pacing controller's interval (the issue asks for at least once a minute). */
  pacingMs: 60_000,
  /** How often every process re-reads the throttles the leader wrote. */
  pacingRefreshMs: 5_000,
  /** Explain counts reach Redis this often (a flush costs the same whatever the traffic). */
  explainFlushMs: 5_000,
  /** A periodic flush's writes are spread over this long (`ExplainCounters.flush`). */
  explainSpreadMs: 1_000,
  qualityMs: 60_000,
  /** Idle budget leases go back to Redis: checked this often (budget-leases.ts). */
  leaseReturnMs: 1_000,
} as const;

/**
 * Keeps this process's serving state current (docs/serving.md): the index is built
 * before the app listens, reloaded per ad account on each change notification (a
 * dedicated subscriber connection: a subscribed ioredis client can issue no other
 * command), rebuilt in full after every reconnect, when messages may have been missed,
 * and checked every 30 s against what Postgres holds (`ServingIndex.resync`: rebuilt
 * only when that changed). It also runs the pacing loop, the explain flush and the
 * quality refresh, each from its own random phase. No timer keeps the process alive, and each logs its failures rate-limited.
 */
@Injectable()
export class ServingSync implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Serving');
  private readonly timers: NodeJS.Timeout[] = [];
  private subscriber: Redis | null = null;
  private readonly lastWarned = new Map<string, number>();

  constructor(
    private readonly index: ServingIndex,
    private readonly pacing: PacingService,
    private readonly quality: QualityScores,
    private readonly explain: ExplainCounters,
    private readonly leases: BudgetLeases,
    private readonly database: DatabaseConnector,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {}

  /** Postgres may still be connecting (or down: the API then starts with an empty index and the resync fills it). */
  private readonly reloadAll = async (): Promise<void> => {
    await this.database.ensureConnected();
    await this.index.reloadAll();
  };

  /** The periodic safety net: a full reload only when the rows it would read have changed (`ServingIndex.resync`). */
  private readonly resync = async (): Promise<void> => {
    await this.database.ensureConnected();
    await this.index.resync();
  };

  async onApplicationBootstrap(): Promise<void> {
    await this.reloadAll().catch((err: unknown) => this.warn('initial index build', err));
    this.subscribe();
    this.every('resync', SERVING_TIMINGS.resyncMs, this.resync);
    this.every('pacing', SERVING_TIMINGS.pacingMs, () => this.pacing.tick().then(() => undefined));
    this.every('pacing refresh', SERVING_TIMINGS.pacingRefreshMs, () => this.pacing.refresh());
    this.every('explain flush', SERVING_TIMINGS.explainFlushMs, () => this.explain.flush(SERVING_TIMINGS.explainSpreadMs));
    this.every('quality refresh', SERVING_TIMINGS.qualityMs, () => this.quality.refresh());
    this.every('budget lease return', SERVING_TIMINGS.leaseReturnMs, () => this.leases.giveBack(Date.now()));
    // ClickHouse may be slow to answer: the first scores arrive in the background (the prior until then).
    this.run('quality refresh', () => this.quality.refresh());
  }

  /** Before the shared Redis client closes: the last second of explain counts and the unspent budget leases still need it. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.explain.flush().catch((err: unknown) => this.warn('explain flush', err));
    await this.leases.giveBack(Date.now(), true).catch((err: unknown) => this.warn('budget lease return', err));
    const subscriber = this.subscriber;
    if (!subscriber) return;
    // QUIT waits for a connection that may never come (Redis down): then just drop the socket.
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  }

  private subscribe(): void {
    const channel = servingChangesChannel(this.config);
    const subscriber = new Redis(this.config.redis.url, {
      connectionName: 'loupe-serving-changes',
      maxRetriesPerRequest: null,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.subscriber = subscriber;
    let connectedBefore = false;
    subscriber.on('error', (err: Error) => this.warn('change subscriber', err));
    subscriber.on('ready', () => {
      // Messages published while we were disconnected are lost: rebuild everything.
      if (connectedBefore) this.run('resync after reconnect', this.reloadAll);
      connectedBefore = true;
    });
    subscriber.on('message', (_channel: string, adAccountId: string) => {
      this.run('account reload', () => this.index.reloadAccount(adAccountId));
    });
    subscriber.subscribe(channel).catch((err: unknown) => this.warn('change subscriber', err));
  }

  /**
   * Runs `job` every `ms`, from a random phase within the first period: API processes
   * started together (API_PROCESSES) would otherwise all flush, refresh and resync in the
   * same instant, and so would one process's jobs of equal periods, and the serve
   * requests in flight would wait through all of it at once (docs/serving.md "Measuring
   * the p99").
   */
  private every(what: string, ms: number, job: () => Promise<void>): void {
    let running = false;
    const tick = (): void => {
      // A slow job (a big resync, a slow ClickHouse) must not pile up behind itself.
      if (running) return;
      running = true;
      job()
        .catch((err: unknown) => this.warn(what, err))
        .finally(() => {
          running = false;
        });
    };
    const first = setTimeout(() => {
      tick();
      const timer = setInterval(tick, ms);
      timer.unref();
      this.timers.push(timer);
    }, Math.random() * ms);
    first.unref();
    this.timers.push(first);
  }

  private run(what: string, job: () => Promise<void>): void {
    job().catch((err: unknown) => this.warn(what, err));
  }

  private warn(what: string, err: unknown): void {
    const now = Date.now();
    if (now - (this.lastWarned.get(what) ?? 0) < 10_000) return;
    this.lastWarned.set(what, now);
    this.logger.warn(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
