import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { FLAT_PROFILE, INITIAL_PACING, nextPacing, type PacingState } from '@loupe/auction';
import { REDIS } from '@loupe/server-core';
import type { Redis } from 'ioredis';
import { accountDay, BudgetStore, type SpendLimits } from './budget-store';
import { localMinuteOfDay, remainingLocalDays } from './local-time';
import { ServingIndex, type IndexedAdGroup } from './serving-index';

/** What the pacing loop keeps per ad group, for the ad group's current local day. */
export interface PacingRecord {
  day: string;
  throttle: number;
  fullRatePerMinute: number | null;
  /** Day spend at the last update, and when that was (the next interval's spend is the difference). */
  lastSpentMicros: number;
  lastAtMs: number;
  /** LIFETIME budgets: today's share of what is left, fixed at the day's first update; null for DAILY. */
  allowanceMicros: number | null;
}

/** The throttle of a day without a state yet (bound once: the serve path reads it per candidate). */
const INITIAL_THROTTLE = INITIAL_PACING.throttle;
/** An update closer than this to the previous one would read noise as a spend rate. */
const MIN_INTERVAL_MS = 10_000;
const LOCK_TTL_MS = 90_000;
const STALE_AFTER_MS = 3 * 86_400_000;
/**
 * The Redis key prefix of the pacing state and lock ('loupe' unless provided): the
 * simulator's backfill paces simulated days under a prefix of its own, so a running
 * API's loop (wall-clock days) and the backfill never overwrite each other's states.
 */
export const PACING_KEY_PREFIX = Symbol('PACING_KEY_PREFIX');

/**
 * STANDARD pacing and LIFETIME budget spreading (docs/serving.md "Pacing").
 *
 * One process at a time (a Redis lock with a TTL, so a dead leader is replaced) runs the
 * controller every minute: for each ad group it reads the day's spend from the budget
 * counters, feeds `nextPacing` (libs/auction) and stores the new state in one Redis hash.
 * Every process reads that hash every few seconds into memory, where the serve path
 * finds its throttle without I/O. ACCELERATED ad groups always have throttle 1.
 */
@Injectable()
export class PacingService {
  private records = new Map<string, PacingRecord>();
  private readonly token = randomUUID();
  private readonly stateKey: string;
  private readonly lockKey: string;

  constructor(
    private readonly index: ServingIndex,
    private readonly budgets: BudgetStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() @Inject(PACING_KEY_PREFIX) prefix = 'loupe',
  ) {
    this.stateKey = `${prefix}:pacing:state`;
    this.lockKey = `${prefix}:pacing:lock`;
  }

  /** The probability that a request lets the ad group into the auction. */
  throttle(group: IndexedAdGroup, day: string): number {
    if (group.pacing !== 'STANDARD') return 1;
    const record = this.records.get(group.adGroupId);
    return record && record.day === day ? record.throttle : INITIAL_THROTTLE;
  }

  /**
   * The four limits of the budget scripts for today. A LIFETIME budget's daily limit is
   * what is left spread evenly over the local days to end_time (fixed by the pacing loop
   * at the day's first update; until then the whole budget spread over the days left).
   */
  limits(group: IndexedAdGroup, day: string, nowMs: number): SpendLimits {
    const campaignDaily = group.campaignDailyCapMicros ?? -1;
    const campaignLifetime = group.campaignLifetimeCapMicros ?? -1;
    if (group.budgetMicros === null) return { adGroupDaily: -1, adGroupLifetime: -1, campaignDaily, campaignLifetime };
    if (group.budgetType !== 'LIFETIME') return { adGroupDaily: group.budgetMicros, adGroupLifetime: -1, campaignDaily, campaignLifetime };
    const record = this.records.get(group.adGroupId);
    const allowance =
      record && record.day === day && record.allowanceMicros !== null
        ? record.allowanceMicros
        : group.endSeconds === null
          ? -1
          : Math.ceil(group.budgetMicros / remainingLocalDays(group.timezone, nowMs, group.endSeconds));
    return { adGroupDaily: allowance, adGroupLifetime: group.budgetMicros, campaignDaily, campaignLifetime };
  }

  /** Reads every ad group's pacing state into memory (every process, every few seconds). */
  async refresh(): Promise<void> {
    const raw = await this.redis.hgetall(this.stateKey);
    const records = new Map<string, PacingRecord>();
    for (const [adGroupId, json] of Object.entries(raw)) {
      try {
        records.set(adGroupId, JSON.parse(json) as PacingRecord);
      } catch {
        // A corrupt entry is rewritten at the next update; until then the ad group uses the defaults.
      }
    }
    this.records = records;
  }

  /** One loop iteration: updates the throttles if this process holds (or takes) the lock. */
  async tick(nowMs = Date.now()): Promise<boolean> {
    const taken = await this.redis.set(this.lockKey, this.token, 'PX', LOCK_TTL_MS, 'NX');
    if (taken !== 'OK') {
      if ((await this.redis.get(this.lockKey)) !== this.token) return false;
      await this.redis.pexpire(this.lockKey, LOCK_TTL_MS);
    }
    await this.update(nowMs);
    return true;
  }

  /** Runs the controller for every indexed ad group that paces or spreads a lifetime budget. */
  async update(nowMs: number): Promise<void> {
    const groups = this.index.allGroups().filter((g) => g.budgetMicros !== null && (g.pacing === 'STANDARD' || g.budgetType === 'LIFETIME'));
    const stored = await this.redis.hgetall(this.stateKey);
    const next = await Promise.all(
      groups.map(async (g) => {
        const previous = stored[g.adGroupId] ? (JSON.parse(stored[g.adGroupId]!) as PacingRecord) : null;
        return [g.adGroupId, await this.updateOne(g, previous, nowMs)] as const;
      }),
    );
    const pipeline = this.redis.pipeline();
    for (const [adGroupId, record] of next) pipeline.hset(this.stateKey, adGroupId, JSON.stringify(record));
    // States of ad groups that stopped pacing (paused, ended) go once their day is long over.
    // Judged by the record's own day, not by this index: processes of another deployment
    // sharing the Redis database must not delete each other's states.
    const stale = new Date(nowMs - STALE_AFTER_MS).toISOString().slice(0, 10);
    const gone = Object.entries(stored)
      .filter(([, json]) => (JSON.parse(json) as PacingRecord).day < stale)
      .map(([id]) => id);
    if (gone.length > 0) pipeline.hdel(this.stateKey, ...gone);
    await pipeline.exec();
    await this.refresh();
  }

  private async updateOne(g: IndexedAdGroup, previous: PacingRecord | null, nowMs: number): Promise<PacingRecord> {
    const day = accountDay(g.timezone, nowMs);
    const spent = await this.budgets.spent({ campaignId: g.campaignId, adGroupId: g.adGroupId, day });
    if (!previous || previous.day !== day) {
      let allowanceMicros: number | null = null;
      if (g.budgetType === 'LIFETIME' && g.endSeconds !== null) {
        const leftAtMidnight = Math.max(0, g.budgetMicros! - (spent.adGroupLifetime - spent.adGroupDay));
        allowanceMicros = Math.ceil(leftAtMidnight / remainingLocalDays(g.timezone, nowMs, g.endSeconds));
      }
      const throttle = g.pacing === 'STANDARD' ? INITIAL_PACING.throttle : 1;
      return { day, throttle, fullRatePerMinute: null, lastSpentMicros: spent.adGroupDay, lastAtMs: nowMs, allowanceMicros };
    }
    if (g.pacing !== 'STANDARD') return { ...previous, throttle: 1 };
    if (nowMs - previous.lastAtMs < MIN_INTERVAL_MS) return previous;
    const budget = previous.allowanceMicros ?? g.budgetMicros!;
    const cap = g.campaignDailyCapMicros ?? Number.POSITIVE_INFINITY;
    const state: PacingState = { throttle: previous.throttle, fullRatePerMinute: previous.fullRatePerMinute };
    const updated = nextPacing(state, {
      budgetMicros: Math.min(budget, cap),
      spentMicros: spent.adGroupDay,
      intervalSpendMicros: Math.max(0, spent.adGroupDay - previous.lastSpentMicros),
      minuteOfDay: localMinuteOfDay(g.timezone, nowMs),
      intervalMinutes: (nowMs - previous.lastAtMs) / 60_000,
      profile: FLAT_PROFILE,
    });
    return { ...previous, ...updated, lastSpentMicros: spent.adGroupDay, lastAtMs: nowMs };
  }
}
