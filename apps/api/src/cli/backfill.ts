/**
 * Backfill mode of the marketplace simulator (docs/simulator.md, "Backfill mode"):
 * generates a period of history in simulated time through the API's real serve,
 * tracking and conversions code — the same Nest services the HTTP routes call, run in
 * this process — and the real event pipeline (EventPublisher → BullMQ `events` → the
 * worker's ingest → ClickHouse → rollup jobs → spend ledger). Nothing is written to
 * ClickHouse here.
 *
 * Simulated time is passed as each call's `nowMs`, as the routes pass the wall clock:
 * the auction's schedules and account-local budget days, the signed URLs' issue time and
 * expiry, the tracking events' times and the conversions API's 7-day window all follow
 * it. Pacing runs on simulated time too, on a Redis connection and key prefix of its
 * own (PacingService's prefix parameter, `PACING_KEY_PREFIX`), so a running API's pacing
 * loop and the backfill never touch each other's states. The worker must be running
 * (the start command runs it, with ROLLUP_RANGE_AFTER_HOURS so history rolls up by the week).
 *
 *   SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/cli/backfill.ts \
 *     --days 365 [--to 2026-11-27T00:00:00Z | --from …] [--requests-per-day 800] [--seed 1] [--pacing-every 240]
 *     [--concurrency 128] [--boost 1] [--wait] [--if-empty]
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module, Optional, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { seededRandom } from '@loupe/auction';
import { lit, sql, tableRef } from '@loupe/analytics';
import { serveBodySchema, type AdEvent, type ServedAd } from '@loupe/contracts';
import { microsToDecimal } from '@loupe/metrics';
import {
  bullConnection,
  CLICKHOUSE,
  ClickHouseModule,
  DatabaseConnector,
  DatabaseModule,
  loadConfig,
  LOUPE_CONFIG,
  LoupeConfigModule,
  QUEUES,
  REDIS,
  RedisModule,
  type ClickHouseExecutor,
  type LoupeConfig,
} from '@loupe/server-core';
import {
  backfillHour,
  backfillHours,
  backfillImpressionRandom,
  catalogAdGroupKey,
  decideLiveImpression,
  demoAdGroups,
  LIVE_SLOTS,
  liveServeUser,
  simAdOfServed,
  SimulatedPopulation,
  weeklyTrafficMultipliers,
  HOUR_MS,
  type BackfillRequest,
  type CatalogAdGroupEntry,
} from '@loupe/simulator';
import { Queue } from 'bullmq';
import { Redis as IORedis, type Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AdAccountScope } from '../auth/request-context';
import { ConversionsService } from '../conversions/conversions.service';
import { API_ENTITIES } from '../entities';
import { EventPublisher, GROUP_COMMIT_OPTIONS, type GroupCommitOptions } from '../events/event-publisher';
import { BudgetStore } from '../serving/budget-store';
import { ExplainCounters } from '../serving/explain';
import { PacingService } from '../serving/pacing.service';
import { QualityScores } from '../serving/quality-scores';
import { SERVING_RANDOM, ServeService } from '../serving/serve.service';
import { ServingIndex } from '../serving/serving-index';
import { AdLookup } from '../tracking/ad-lookup';
import { TrackingService } from '../tracking/tracking.service';
import { DEMO_SEED } from './demo-seed';
import { argValue, clientAddressOf, epikOf, USER_AGENTS } from './simulate';

/** What the pipeline acknowledged for one ad account (valid events only; IVT counted apart). */
export interface BackfillTotals {
  impressions: number;
  clicks: number;
  engagements: number;
  conversions: number;
  /** Sum of the acknowledged events' prices: integer micros of the account's currency. */
  spendMicros: number;
  ivtEvents: number;
}

export interface BackfillReport {
  runId: string;
  fromMs: number;
  toMs: number;
  hours: number;
  requests: number;
  adsServed: number;
  byAccount: Map<string, BackfillTotals>;
  /** Conversions whose time fell after the period (not sent). */
  conversionsAfterPeriod: number;
  /** Conversions for an account outside the run's ad accounts (never: every served ad's account is known). */
  errors: Record<string, number>;
  elapsedMs: number;
}

export interface BackfillOptions {
  fromMs: number;
  toMs: number;
  /** Serve requests per simulated day on average (spread over the hours by the population's curve). */
  requestsPerDay: number;
  seed: number;
  populationSize: number;
  catalogSeed: number;
  /** Serve requests (with their beacons) in flight at once. */
  concurrency: number;
  /** Multiplies every engagement and conversion propensity (capped at 1), as live mode's `--boost`: a test or demo knob; 1 is the model. */
  boost: number;
  /** Simulated minutes between pacing updates (the API's loop runs every minute). */
  pacingEveryMinutes: number;
  log: (line: string) => void;
  /** Wall-clock ms between progress lines (0: none). */
  progressEveryMs: number;
}

export const BACKFILL_DEFAULTS = {
  requestsPerDay: 800,
  seed: 1,
  populationSize: 20_000,
  catalogSeed: DEMO_SEED,
  concurrency: 128,
  boost: 1,
  pacingEveryMinutes: 240,
  progressEveryMs: 10_000,
} as const;

/**
 * EventPublisher as the API runs it, remembering what it acknowledged: the report is
 * exactly what entered the pipeline (a 2xx of the routes), per ad account.
 */
@Injectable()
export class CountingEventPublisher extends EventPublisher {
  readonly totals = new Map<string, BackfillTotals>();

  constructor(@Inject(LOUPE_CONFIG) config: LoupeConfig, @Optional() @Inject(GROUP_COMMIT_OPTIONS) options?: Partial<GroupCommitOptions>) {
    super(config, options);
  }

  override async publish(events: readonly AdEvent[]): Promise<void> {
    await super.publish(events);
    for (const e of events) {
      const t = this.totals.get(e.ad_account_id) ?? { impressions: 0, clicks: 0, engagements: 0, conversions: 0, spendMicros: 0, ivtEvents: 0 };
      this.totals.set(e.ad_account_id, t);
      if (e.ivt) {
        t.ivtEvents++;
        continue;
      }
      if (e.event_type === 'IMPRESSION') t.impressions++;
      else if (e.event_type === 'CLICK') t.clicks++;
      else if (e.event_type === 'ENGAGEMENT') t.engagements++;
      else if (e.event_type === 'CONVERSION') t.conversions++;
      t.spendMicros += e.price_micros;
    }
  }
}

/** The ad accounts and catalog ad groups the run knows, read from Postgres once. */
@Injectable()
class BackfillDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(catalog: Map<string, CatalogAdGroupEntry>): Promise<{ accounts: Map<string, AdAccountScope>; catalogByAdGroupId: Map<string, CatalogAdGroupEntry> }> {
    const rows = await this.dataSource.query<{ ad_group_id: string; ad_group: string; campaign: string; account: string; account_id: string; currency: string; timezone: string }[]>(
      `SELECT g.id::text AS ad_group_id, g.name AS ad_group, c.name AS campaign, a.name AS account, a.id::text AS account_id, a.currency, a.timezone
         FROM ad_groups g JOIN campaigns c ON c.id = g.campaign_id JOIN ad_accounts a ON a.id = g.ad_account_id`,
    );
    const accounts = new Map<string, AdAccountScope>();
    const catalogByAdGroupId = new Map<string, CatalogAdGroupEntry>();
    for (const row of rows) {
      accounts.set(row.account_id, { id: row.account_id, role: 'ADMIN', currency: row.currency.trim(), timezone: row.timezone });
      const entry = catalog.get(catalogAdGroupKey(row.account, row.campaign, row.ad_group));
      if (entry) catalogByAdGroupId.set(row.ad_group_id, entry);
    }
    return { accounts, catalogByAdGroupId };
  }
}

/**
 * The API's serving, tracking and conversions services with their real stores (Postgres,
 * Redis, ClickHouse for quality scores), without the HTTP layer and without ServingSync's
 * wall-clock loops: the backfill drives the index load, pacing and explain flushes itself.
 */
@Module({})
export class BackfillModule {
  static forRoot(config: LoupeConfig, options: { seed: number; runId: string }): DynamicModule {
    return {
      module: BackfillModule,
      imports: [LoupeConfigModule.forRoot(config), DatabaseModule.forRoot(API_ENTITIES), RedisModule, ClickHouseModule],
      providers: [
        ServingIndex,
        ServeService,
        // The pacing loop on a connection of its own, as if in another process: its updates do
        // not queue behind the requests' commands, so simulated time is not held up by them.
        { provide: PACING_REDIS, inject: [LOUPE_CONFIG], useFactory: (c: LoupeConfig) => new IORedis(c.redis.url, { connectionName: 'loupe-backfill-pacing', maxRetriesPerRequest: 3 }) },
        {
          provide: PacingService,
          inject: [ServingIndex, PACING_REDIS],
          useFactory: (index: ServingIndex, redis: Redis) => new PacingService(index, new BudgetStore(redis), redis, `loupe:backfill:${options.runId}`),
        },
        QualityScores,
        { provide: BudgetStore, inject: [REDIS], useFactory: (redis: Redis) => new BudgetStore(redis) },
        { provide: ExplainCounters, inject: [REDIS], useFactory: (redis: Redis) => new ExplainCounters(redis) },
        { provide: SERVING_RANDOM, useFactory: () => seededRandom(options.seed) },
        CountingEventPublisher,
        { provide: EventPublisher, useExisting: CountingEventPublisher },
        TrackingService,
        AdLookup,
        ConversionsService,
        BackfillDirectory,
      ],
    };
  }
}

const PACING_REDIS = Symbol('BACKFILL_PACING_REDIS');

interface PendingConversion {
  atMs: number;
  accountId: string;
  event: Record<string, unknown>;
}

/** Generates [fromMs, toMs) in simulated time through the real services (an application context of their own). */
export async function runBackfill(config: LoupeConfig, options: BackfillOptions): Promise<BackfillReport> {
  const runId = randomUUID().slice(0, 8);
  const app = await NestFactory.createApplicationContext(BackfillModule.forRoot(config, { seed: options.seed, runId }), { logger: ['error', 'warn'] });
  try {
    return await backfillWith(app, options, runId);
  } catch (err) {
    options.log(`backfill: stopped by ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    throw err;
  } finally {
    const pacingRedis = app.get<Redis>(PACING_REDIS);
    await pacingRedis.del(`loupe:backfill:${runId}:pacing:state`, `loupe:backfill:${runId}:pacing:lock`).catch(() => undefined);
    await app.close();
    pacingRedis.disconnect();
  }
}

async function backfillWith(app: INestApplicationContext, options: BackfillOptions, runId: string): Promise<BackfillReport> {
  const started = Date.now();
  const serve = app.get(ServeService);
  const tracking = app.get(TrackingService);
  const conversions = app.get(ConversionsService);
  const index = app.get(ServingIndex);
  const pacing = app.get(PacingService);
  const explain = app.get(ExplainCounters);
  const publisher = app.get(CountingEventPublisher);
  await app.get(DatabaseConnector).ensureConnected();
  await index.reloadAll();
  const { accounts, catalogByAdGroupId } = await app.get(BackfillDirectory).read(demoAdGroups(options.catalogSeed));
  const population = new SimulatedPopulation({ seed: options.seed, size: options.populationSize });
  const multipliers = weeklyTrafficMultipliers(population);
  const hours = backfillHours(options.fromMs, options.toMs);
  const report: BackfillReport = {
    runId,
    fromMs: options.fromMs,
    toMs: options.toMs,
    hours: hours.length,
    requests: 0,
    adsServed: 0,
    byAccount: publisher.totals,
    conversionsAfterPeriod: 0,
    errors: {},
    elapsedMs: 0,
  };
  const fail = (what: string, err: unknown) => {
    const key = `${what}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 160);
    report.errors[key] = (report.errors[key] ?? 0) + 1;
  };
  let pending: PendingConversion[] = [];

  async function react(hourMs: number, request: BackfillRequest, ad: ServedAd, ip: string, userAgent: string): Promise<void> {
    const hit = (nowMs: number) => ({ token: tokenOf(ad.impression_url), userAgent, ip, nowMs });
    await tracking.impression(hit(request.atMs));
    const simAd = simAdOfServed(catalogByAdGroupId.get(ad.ad_group_id), ad.pin.link, ad.currency);
    if (!simAd) return;
    const plan = decideLiveImpression(backfillImpressionRandom(options.seed, hourMs, request.index, ad.slot), request.user, simAd, { placement: request.placement, search: request.search }, options.boost);
    // The person's reactions in their own time order.
    const steps: { afterMs: number; run: (nowMs: number) => Promise<void> }[] = [];
    if (plan.closeup) steps.push({ afterMs: plan.closeupAfterMs, run: (t) => tracking.engagement(hit(t), 'CLOSEUP') });
    if (plan.save) steps.push({ afterMs: plan.saveAfterMs, run: (t) => tracking.engagement(hit(t), 'SAVE') });
    let clickId: string | undefined;
    if (plan.click) {
      steps.push({
        afterMs: plan.clickAfterMs,
        run: async (t) => {
          clickId = epikOf(await tracking.click({ ...hit(t), token: tokenOf(ad.click_url) }));
        },
      });
    }
    steps.sort((a, b) => a.afterMs - b.afterMs);
    for (const step of steps) await step.run(request.atMs + step.afterMs);
    if (plan.conversion) {
      const c = plan.conversion;
      const atMs = request.atMs + (c.afterClick ? plan.clickAfterMs : 0) + c.delayMs;
      pending.push({
        atMs,
        accountId: ad.ad_account_id,
        event: {
          event_name: c.type,
          action_source: 'web',
          event_time: Math.floor(atMs / 1000),
          event_id: `bf-${options.seed}-${hourMs / 1000}-${request.index}-${ad.slot}`,
          user_data: { em: [request.user.id], ...(c.afterClick && clickId ? { click_id: clickId } : {}) },
          custom_data: { currency: ad.currency, value: microsToDecimal(c.valueMicros) },
        },
      });
    }
  }

  async function session(hourMs: number, request: BackfillRequest): Promise<void> {
    report.requests++;
    const body = serveBodySchema.parse({ placement: request.placement, slots: LIVE_SLOTS[request.placement], user: liveServeUser(request) });
    const { ads } = await serve.serve(body, request.atMs);
    report.adsServed += ads.length;
    const ip = clientAddressOf(request.user.index, 1_000);
    const userAgent = USER_AGENTS[request.user.appType] ?? USER_AGENTS.web!;
    await Promise.all(ads.map((ad) => react(hourMs, request, ad, ip, userAgent).catch((err: unknown) => fail('tracking', err))));
  }

  /** Sends the conversions due before `untilMs`, per account, as the account's server would (event_time = their time). */
  async function sendConversions(untilMs: number): Promise<void> {
    const due = pending.filter((p) => p.atMs < untilMs);
    if (due.length === 0) return;
    pending = pending.filter((p) => p.atMs >= untilMs);
    const byAccount = new Map<string, PendingConversion[]>();
    for (const p of due) byAccount.set(p.accountId, [...(byAccount.get(p.accountId) ?? []), p]);
    for (const [accountId, items] of byAccount) {
      const scope = accounts.get(accountId);
      if (!scope) {
        report.errors['conversion for an unknown account'] = (report.errors['conversion for an unknown account'] ?? 0) + items.length;
        continue;
      }
      for (let i = 0; i < items.length; i += 1_000) {
        const batch = items.slice(i, i + 1_000);
        const answer = await conversions.send(scope, batch.map((p) => p.event), false, untilMs).catch((err: unknown) => fail('conversions', err));
        if (answer && answer.num_events_processed < answer.num_events_received) report.errors['conversions failed-event'] = (report.errors['conversions failed-event'] ?? 0) + answer.num_events_received - answer.num_events_processed;
      }
    }
  }

  // One stream of requests over the whole period, `concurrency` in flight, started in time
  // order. The clock's other work runs beside it, as the API's loops run beside its
  // requests: when the stream passes a pacing boundary the pacing loop updates the
  // throttles for that instant, and when it passes an hour the conversions due by then
  // are sent. Each runs one at a time and, if the stream has moved on meanwhile, catches
  // up to the latest boundary at once (as the API's loop skips a tick while one runs).
  function* requestsOf(): Generator<{ hourMs: number; request: BackfillRequest }> {
    for (const hourMs of hours) for (const request of backfillHour(options.seed, population, multipliers, options.requestsPerDay, hourMs)) yield { hourMs, request };
  }
  const stream = requestsOf();
  const pacingMs = options.pacingEveryMinutes * 60_000;
  let pacedAt = -Infinity;
  let hourDone = hours[0] ?? options.toMs;
  let lastProgress = Date.now();
  let clockWork: Promise<void> | null = null;
  let clockAgain = false;
  let latestMs = options.fromMs;

  async function tick(atMs: number): Promise<void> {
    const boundary = options.fromMs + Math.floor((atMs - options.fromMs) / pacingMs) * pacingMs;
    if (boundary > pacedAt) {
      await pacing.update(boundary);
      pacedAt = boundary;
    }
    const hourStart = Math.floor(atMs / HOUR_MS) * HOUR_MS;
    if (hourStart > hourDone) {
      const crossedDays = Math.floor(hourStart / 86_400_000) > Math.floor(hourDone / 86_400_000);
      hourDone = hourStart;
      await sendConversions(hourStart);
      if (crossedDays) await explain.flush().catch((err: unknown) => fail('explain flush', err));
      if (options.progressEveryMs > 0 && Date.now() - lastProgress >= options.progressEveryMs) {
        lastProgress = Date.now();
        options.log(progressLine(report, (hourStart - hours[0]!) / HOUR_MS, hours.length, Date.now() - started));
      }
    }
  }

  /** Runs the clock's work for the stream's latest instant, one run at a time. */
  function advance(atMs: number): void {
    latestMs = Math.max(latestMs, atMs);
    if (clockWork) {
      clockAgain = true;
      return;
    }
    clockWork = (async () => {
      do {
        clockAgain = false;
        await tick(latestMs).catch((err: unknown) => fail('clock', err));
      } while (clockAgain);
      clockWork = null;
    })();
  }

  async function runner(): Promise<void> {
    for (;;) {
      const next = stream.next();
      if (next.done) return;
      const { hourMs, request } = next.value;
      if (request.atMs >= pacedAt + pacingMs || request.atMs >= hourDone + HOUR_MS) advance(request.atMs);
      // The stream may run ahead of the pacing loop by one interval, no more (else its
      // requests would meet the throttles of a day long gone): wait for the loop to catch up.
      while (clockWork && request.atMs >= pacedAt + 2 * pacingMs) await clockWork;
      await session(hourMs, request).catch((err: unknown) => fail('serve', err));
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, runner));
  while (clockWork) await clockWork;
  await tick(options.toMs).catch((err: unknown) => fail('clock', err));
  await explain.flush().catch((err: unknown) => fail('explain flush', err));
  report.conversionsAfterPeriod = pending.length;
  report.elapsedMs = Date.now() - started;
  return report;
}

function tokenOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Sums of a report over its accounts. */
export function reportTotals(report: BackfillReport): BackfillTotals {
  const sum: BackfillTotals = { impressions: 0, clicks: 0, engagements: 0, conversions: 0, spendMicros: 0, ivtEvents: 0 };
  for (const t of report.byAccount.values()) for (const k of Object.keys(sum) as (keyof BackfillTotals)[]) sum[k] += t[k];
  return sum;
}

function progressLine(report: BackfillReport, hoursDone: number, hoursTotal: number, elapsedMs: number): string {
  const t = reportTotals(report);
  return (
    `backfill: ${(hoursDone / 24).toFixed(1)}/${(hoursTotal / 24).toFixed(1)} simulated days in ${(elapsedMs / 1000).toFixed(0)} s — ` +
    `${report.requests} requests, ${t.impressions} impressions, ${t.clicks} clicks, ${t.engagements} engagements, ${t.conversions} conversions` +
    (Object.keys(report.errors).length ? `, errors ${JSON.stringify(report.errors)}` : '')
  );
}

/** Waits until the worker has ingested every event and run every rollup job (the queues are empty), logging progress. */
export async function waitForPipeline(config: LoupeConfig, log: (line: string) => void, progressEveryMs = 10_000): Promise<number> {
  const started = Date.now();
  const queues = [QUEUES.events, QUEUES.rollups].map((name) => new Queue(name, { connection: bullConnection(config), prefix: config.redis.queuePrefix }));
  try {
    let last = 0;
    for (;;) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused')));
      const left = counts.map((c) => Object.values(c).reduce((a, b) => a + b, 0));
      if (left.every((n) => n === 0)) return Date.now() - started;
      if (Date.now() - last >= progressEveryMs) {
        last = Date.now();
        log(`backfill: waiting for the pipeline — ${left[0]} event jobs, ${left[1]} rollup jobs left`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/** Events already stored before `beforeMs` (any account): a start command's "already loaded" check. */
export async function storedEventsBefore(config: LoupeConfig, beforeMs: number): Promise<number> {
  const app = await NestFactory.createApplicationContext(
    { module: class StoredEventsModule {}, imports: [LoupeConfigModule.forRoot(config), ClickHouseModule] },
    { logger: ['error', 'warn'] },
  );
  try {
    const clickhouse = app.get<ClickHouseExecutor>(CLICKHOUSE);
    const rows = await clickhouse.query<{ n: string }>(
      sql`SELECT count() AS n FROM ${tableRef(config.clickhouse.database, 'events')} WHERE event_time < ${lit.dateTime(Math.floor(beforeMs / 1000))}`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await app.close();
  }
}

// ------------------------------------------------------------------ CLI

export class BackfillOptionsError extends Error {}

function numberArg(args: readonly string[], name: string, fallback: number): number {
  const raw = argValue(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new BackfillOptionsError(`--${name} must be a non-negative number; got ${raw}`);
  return value;
}

function timeArg(args: readonly string[], name: string): number | undefined {
  const raw = argValue(args, name);
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw new BackfillOptionsError(`--${name} must be a date or ISO time; got ${raw}`);
  return ms;
}

/** `--from`/`--to` (ISO times; `--to` defaults to the start of the current UTC hour) or `--days` before `--to`. */
export function parseBackfillArgs(args: readonly string[], nowMs = Date.now(), log: (line: string) => void = () => undefined): BackfillOptions & { wait: boolean; ifEmpty: boolean } {
  const toMs = timeArg(args, 'to') ?? Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const days = argValue(args, 'days');
  const fromMs = timeArg(args, 'from') ?? toMs - numberArg(args, 'days', 7) * 86_400_000;
  if (days !== undefined && argValue(args, 'from') !== undefined) throw new BackfillOptionsError('give --from or --days, not both');
  if (!(fromMs < toMs)) throw new BackfillOptionsError('the period is empty: --from must be before --to');
  if (toMs > nowMs) throw new BackfillOptionsError('--to is in the future: a backfill writes history');
  const pacingEveryMinutes = numberArg(args, 'pacing-every', BACKFILL_DEFAULTS.pacingEveryMinutes);
  if (!(pacingEveryMinutes >= 1)) throw new BackfillOptionsError('--pacing-every is at least 1 (simulated minutes)');
  return {
    fromMs,
    toMs,
    requestsPerDay: numberArg(args, 'requests-per-day', BACKFILL_DEFAULTS.requestsPerDay),
    seed: numberArg(args, 'seed', BACKFILL_DEFAULTS.seed),
    populationSize: numberArg(args, 'population', BACKFILL_DEFAULTS.populationSize),
    catalogSeed: numberArg(args, 'catalog-seed', BACKFILL_DEFAULTS.catalogSeed),
    concurrency: Math.max(1, numberArg(args, 'concurrency', BACKFILL_DEFAULTS.concurrency)),
    boost: Math.max(1, numberArg(args, 'boost', BACKFILL_DEFAULTS.boost)),
    pacingEveryMinutes,
    progressEveryMs: numberArg(args, 'progress-every', BACKFILL_DEFAULTS.progressEveryMs / 1000) * 1000,
    log,
    wait: args.includes('--wait'),
    ifEmpty: args.includes('--if-empty'),
  };
}

async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const options = parseBackfillArgs(process.argv.slice(2), Date.now(), log);
  const config = loadConfig();
  if (options.ifEmpty) {
    // Only a backfill writes events that old (live traffic is at the wall clock): history is already loaded.
    const firstDayEnd = options.fromMs + 86_400_000;
    const stored = await storedEventsBefore(config, firstDayEnd);
    if (stored > 0) {
      log(`backfill: ${stored} events before ${new Date(firstDayEnd).toISOString()} already stored: history already loaded, skipping (drop --if-empty to add more)`);
      return;
    }
  }
  log(`backfill: ${new Date(options.fromMs).toISOString()} → ${new Date(options.toMs).toISOString()}, ${options.requestsPerDay} requests/day, seed ${options.seed}`);
  const report = await runBackfill(config, options);
  const t = reportTotals(report);
  log(
    `backfill: generated ${report.hours / 24} days in ${(report.elapsedMs / 1000).toFixed(1)} s: ${report.requests} requests, ${report.adsServed} ads served, ` +
      `${t.impressions} impressions, ${t.clicks} clicks, ${t.engagements} engagements, ${t.conversions} conversions, ${t.ivtEvents} IVT events` +
      (Object.keys(report.errors).length ? `; errors ${JSON.stringify(report.errors)}` : ''),
  );
  for (const [account, totals] of report.byAccount) log(`  account ${account}: ${JSON.stringify(totals)}`);
  if (options.wait) {
    const waited = await waitForPipeline(config, log);
    log(`backfill: the worker ingested and rolled up everything ${(waited / 1000).toFixed(1)} s later (${((report.elapsedMs + waited) / 1000).toFixed(1)} s in all)`);
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      const detail = err instanceof BackfillOptionsError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`backfill failed: ${detail}\n`);
      process.exit(err instanceof BackfillOptionsError ? 2 : 1);
    },
  );
}
