import { createHash } from 'node:crypto';
import type { CommandBatch } from '@loupe/server-core';
import type { Redis } from 'ioredis';

/**
 * Spend and frequency counters in Redis, changed only by Lua scripts so that every
 * check-and-charge is atomic across API processes.
 *
 * All keys of one campaign share a Redis Cluster hash tag `{c<campaign id>}`, so the
 * ad-group and campaign counters a charge touches live in one slot and one script.
 *
 * Overspend bound (DESIGN.md §4, issue 4): an IMPRESSION-billed ad group reserves its
 * charge before the ad is returned, so it can never pass its budget. A CLICKTHROUGH ad
 * group cannot know at serve time whether a click will come; serving only checks there
 * is room for one maximum bid, and the click charge (`chargeClick`) is accepted only
 * while spend stays within budget + one maximum bid. Later clicks are still recorded by
 * the pipeline but billed 0 with reason BUDGET_EXHAUSTED. So spend ≤ budget + max bid.
 */

/** A limit of -1 means "no limit" for that counter. */
export interface SpendLimits {
  adGroupDaily: number;
  adGroupLifetime: number;
  campaignDaily: number;
  campaignLifetime: number;
}

export interface SpendScope {
  campaignId: string;
  adGroupId: string;
  /** The ad account's local date (YYYY-MM-DD): daily counters reset at its midnight. */
  day: string;
}

export type SpendOutcome = { ok: true } | { ok: false; limit: keyof SpendLimits };

const LIMIT_NAMES: (keyof SpendLimits)[] = ['adGroupDaily', 'adGroupLifetime', 'campaignDaily', 'campaignLifetime'];
/** Daily counters outlive their day long enough for reconciliation and late clicks. */
const DAY_TTL_SECONDS = 3 * 24 * 3600;

// KEYS: the four counters. ARGV[1]: amount to add; ARGV[2..5]: limits; ARGV[6]: headroom
// that must remain (checked, not charged); ARGV[7]: 1 = charge, 0 = only check; ARGV[8]: day TTL.
// Returns 0 on success or the 1-based index of the first limit that would be passed.
const RESERVE = `
local amount = tonumber(ARGV[1])
local headroom = tonumber(ARGV[6])
for i = 1, 4 do
  local limit = tonumber(ARGV[i + 1])
  if limit >= 0 then
    local current = tonumber(redis.call('GET', KEYS[i]) or '0')
    if current + amount + headroom > limit then return i end
  end
end
if ARGV[7] == '1' and amount > 0 then
  for i = 1, 4 do
    redis.call('INCRBY', KEYS[i], amount)
  end
  redis.call('EXPIRE', KEYS[1], ARGV[8])
  redis.call('EXPIRE', KEYS[3], ARGV[8])
end
return 0
`;

// Frequency: KEYS[1] lifetime counter, KEYS[2] today's counter; ARGV[1] lifetime cap,
// ARGV[2] daily cap (-1 = none), ARGV[3] day TTL, ARGV[4] lifetime TTL.
// Returns 1 and counts the impression when both caps allow it, else 0.
const FREQUENCY = `
local lifetimeCap = tonumber(ARGV[1])
local dailyCap = tonumber(ARGV[2])
if lifetimeCap >= 0 and tonumber(redis.call('GET', KEYS[1]) or '0') >= lifetimeCap then return 0 end
if dailyCap >= 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= dailyCap then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
`;

// Every winner of one serve request in one script, so a request costs one round trip
// (docs/serving.md "Reservations"). Six KEYS per winner: its four spend counters, then
// the user's lifetime and today's frequency counters for the ad group. ARGV[1] day TTL,
// ARGV[2] lifetime TTL, then twelve per winner: amount to charge, the four limits,
// headroom that must remain, 1 = charge / 0 = only check, lifetime cap, daily cap
// (-1 = none), the budget lease wished for on top of the charge (0 = none), the
// remainder of an earlier lease given back first (0 = none; counters never go below 0),
// and the unit the lease is granted in (the price; a lease top-up charges 0 and gives
// the maximum bid).
// Per winner, in order: the budget limits and the caps are checked, and only if all pass
// are the charge (and the lease granted) and the impression counted — nothing is half
// done, so there is nothing to give back. The lease is granted from what is left after
// the charge: at most a quarter of the least room under any limit (the rest stays for
// other processes), in whole multiples of the unit, else none.
// Answers four numbers per winner: 0 admitted, 1 a spend limit would be passed, 5 a
// frequency cap reached; the lease granted; 1 if any spend limit applies, else 0; the
// least room under the limits after this winner (before it when refused).
const COMMIT = `
local dayTtl = ARGV[1]
local lifetimeTtl = ARGV[2]
local out = {}
for w = 0, #KEYS / 6 - 1 do
  local k = w * 6
  local a = 2 + w * 12
  local back = tonumber(ARGV[a + 11])
  if back > 0 then
    for i = 1, 4 do
      if redis.call('EXISTS', KEYS[k + i]) == 1 then
        local left = tonumber(redis.call('GET', KEYS[k + i])) - back
        if left < 0 then left = 0 end
        redis.call('SET', KEYS[k + i], left, 'KEEPTTL')
      end
    end
  end
  local amount = tonumber(ARGV[a + 1])
  local headroom = tonumber(ARGV[a + 6])
  local result = 0
  local limited = 0
  local room = 0
  for i = 1, 4 do
    local limit = tonumber(ARGV[a + 1 + i])
    if limit >= 0 then
      local left = limit - tonumber(redis.call('GET', KEYS[k + i]) or '0')
      if limited == 0 or left < room then room = left end
      limited = 1
    end
  end
  if limited == 1 and amount + headroom > room then result = 1 end
  local lifetimeCap = tonumber(ARGV[a + 8])
  local dailyCap = tonumber(ARGV[a + 9])
  if result == 0 and lifetimeCap >= 0 and tonumber(redis.call('GET', KEYS[k + 5]) or '0') >= lifetimeCap then result = 5 end
  if result == 0 and dailyCap >= 0 and tonumber(redis.call('GET', KEYS[k + 6]) or '0') >= dailyCap then result = 5 end
  local lease = 0
  if result == 0 then
    local unit = tonumber(ARGV[a + 12])
    if ARGV[a + 7] == '1' and unit > 0 then
      lease = tonumber(ARGV[a + 10])
      if limited == 1 then
        local share = math.floor((room - amount) / 4)
        if share < lease then lease = share end
      end
      lease = lease - lease % unit
      if lease < 0 then lease = 0 end
      for i = 1, 4 do
        redis.call('INCRBY', KEYS[k + i], amount + lease)
      end
      redis.call('EXPIRE', KEYS[k + 1], dayTtl)
      redis.call('EXPIRE', KEYS[k + 3], dayTtl)
      room = room - amount - lease
    end
    if lifetimeCap >= 0 or dailyCap >= 0 then
      redis.call('INCR', KEYS[k + 5])
      redis.call('EXPIRE', KEYS[k + 5], lifetimeTtl)
      redis.call('INCR', KEYS[k + 6])
      redis.call('EXPIRE', KEYS[k + 6], dayTtl)
    end
  end
  out[w * 4 + 1] = result
  out[w * 4 + 2] = lease
  out[w * 4 + 3] = limited
  out[w * 4 + 4] = room
end
return out
`;

const REFUND = `
if #KEYS == 5 and not redis.call('SET', KEYS[5], '1', 'NX', 'EX', tonumber(ARGV[2])) then return 0 end
for i = 1, 4 do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  local next = current - tonumber(ARGV[1])
  if next < 0 then next = 0 end
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('SET', KEYS[i], next, 'KEEPTTL') end
end
return 0
`;

/**
 * A Lua script run by its SHA (EVALSHA), so the serve path sends a 40-character digest
 * instead of the script's text on every reservation; a server that does not know the
 * script yet (first call, restart, SCRIPT FLUSH) answers NOSCRIPT and gets the text once.
 * With a CommandBatch the EVALSHA goes out in the turn's one pipeline write.
 */
class LuaScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source, 'utf8').digest('hex');
  }

  async run(redis: Redis, batch: CommandBatch | null, numKeys: number, args: string[]): Promise<unknown> {
    try {
      return await (batch ? batch.call((pipeline) => pipeline.evalsha(this.sha, numKeys, ...args)) : redis.evalsha(this.sha, numKeys, ...args));
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, numKeys, ...args);
    }
  }
}
const RESERVE_SCRIPT = new LuaScript(RESERVE);
const FREQUENCY_SCRIPT = new LuaScript(FREQUENCY);
const REFUND_SCRIPT = new LuaScript(REFUND);
const COMMIT_SCRIPT = new LuaScript(COMMIT);

/** Frequency counters are kept this long (a lifetime cap outlives any campaign worth counting). */
const FREQUENCY_LIFETIME_TTL_SECONDS = 400 * 24 * 3600;

/** One winner of a serve request, as `BudgetStore.commitWinners` checks and charges it. */
export interface WinnerCommit {
  scope: SpendScope;
  limits: SpendLimits;
  billableEvent: 'IMPRESSION' | 'CLICKTHROUGH';
  /** IMPRESSION: the price reserved. CLICKTHROUGH: the max bid that must still fit (nothing is charged). */
  micros: number;
  userKey: string;
  lifetimeFrequencyCap: number | null;
  dailyFrequencyCap: number | null;
  /**
   * IMPRESSION: a budget lease wished for on top of the charge (docs/serving.md "Budget
   * leases"), granted only if the winner is admitted; 0 or absent for none.
   */
  leaseMicros?: number;
  /** What is left of this process's earlier lease (too little for this price), given back before the checks. */
  returnMicros?: number;
  /**
   * The unit a lease is granted in (whole multiples of it); the price when absent. A lease
   * top-up (`micros` 0: nothing charged, no impression counted) gives the maximum bid.
   */
  leaseUnitMicros?: number;
}

export type CommitOutcome = 'OK' | 'BUDGET' | 'FREQUENCY_CAP';

/** What `admitWinners` answers per winner. */
export interface WinnerAdmission {
  outcome: CommitOutcome;
  /** The lease granted beyond the charge (charged to the counters with it); 0 when none. */
  leaseMicros: number;
  /** The least room left under the winner's spend limits after it (before it when refused); null when no limit applies. */
  roomMicros: number | null;
}

/**
 * The ad account's local date (YYYY-MM-DD) at `atMs`: the day its DAILY budgets and
 * daily frequency caps count in (they reset at the account's midnight).
 */
export function accountDay(timezone: string, atMs: number): string {
  let format = DAY_FORMATS.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    DAY_FORMATS.set(timezone, format);
  }
  return format.format(atMs);
}
const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

export class BudgetStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'loupe',
    /** Concurrent requests' scripts share one pipeline write per event-loop turn; without it each is its own write. */
    private readonly batch: CommandBatch | null = null,
  ) {}

  private keys(scope: SpendScope): string[] {
    const tag = `${this.prefix}:{c${scope.campaignId}}`;
    return [
      `${tag}:spend:ag:${scope.adGroupId}:${scope.day}`,
      `${tag}:spend:ag:${scope.adGroupId}:lifetime`,
      `${tag}:spend:c:${scope.day}`,
      `${tag}:spend:c:lifetime`,
    ];
  }

  private async run(scope: SpendScope, limits: SpendLimits, amount: number, headroom: number, charge: boolean): Promise<SpendOutcome> {
    assertMicros(amount);
    assertMicros(headroom);
    const args = [amount, ...LIMIT_NAMES.map((n) => limits[n]), headroom, charge ? 1 : 0, DAY_TTL_SECONDS].map(String);
    const failed = (await RESERVE_SCRIPT.run(this.redis, this.batch, 4, [...this.keys(scope), ...args])) as number;
    return failed === 0 ? { ok: true } : { ok: false, limit: LIMIT_NAMES[failed - 1]! };
  }

  /** IMPRESSION billing: reserve the charge before the ad is returned, or refuse. */
  reserveImpression(scope: SpendScope, limits: SpendLimits, priceMicros: number): Promise<SpendOutcome> {
    return this.run(scope, limits, priceMicros, 0, true);
  }

  /** CLICKTHROUGH billing at serve time: is there room for one more maximum-bid click? */
  hasRoomForClick(scope: SpendScope, limits: SpendLimits, maxBidMicros: number): Promise<SpendOutcome> {
    return this.run(scope, limits, 0, maxBidMicros, false);
  }

  /**
   * A click's charge: accepted while spend stays within every limit plus one maximum
   * bid (see the bound above); otherwise the click is billed nothing.
   */
  chargeClick(scope: SpendScope, limits: SpendLimits, priceMicros: number, maxBidMicros: number): Promise<SpendOutcome> {
    const raised = Object.fromEntries(LIMIT_NAMES.map((n) => [n, limits[n] < 0 ? -1 : limits[n] + maxBidMicros])) as unknown as SpendLimits;
    return this.run(scope, raised, priceMicros, 0, true);
  }

  /**
   * Gives back a reserved charge that will not be billed (an impression flagged as
   * invalid traffic): the counters drop by `amount`, never below zero.
   *
   * With `once` (an id of the charge, e.g. its auction and slot) the refund happens at
   * most once per id within `onceTtlSeconds`, atomically with the decrement, so a caller
   * whose first attempt failed (or whose answer was lost) can simply ask again.
   */
  async refund(scope: SpendScope, amount: number, once?: { id: string; ttlSeconds: number }): Promise<void> {
    assertMicros(amount);
    if (amount === 0) return;
    const keys = this.keys(scope);
    if (!once) {
      await REFUND_SCRIPT.run(this.redis, this.batch, 4, [...keys, String(amount)]);
      return;
    }
    const marker = `${this.prefix}:{c${scope.campaignId}}:refunded:${once.id}`;
    await REFUND_SCRIPT.run(this.redis, this.batch, 5, [...keys, marker, String(amount), String(once.ttlSeconds)]);
  }

  /**
   * A serve request's winners in one atomic script and one round trip, in order (a later
   * winner sees an earlier one's charge): each is admitted — its IMPRESSION charge
   * reserved (or, CLICKTHROUGH, room for one more max-bid click found) and, with caps,
   * the user's impression counted — or refused with nothing changed.
   *
   * The keys of several campaigns meet in this script, so it needs a single Redis (not a
   * Cluster), as Loupe runs it.
   */
  async commitWinners(commits: readonly WinnerCommit[]): Promise<CommitOutcome[]> {
    return (await this.admitWinners(commits)).map((a) => a.outcome);
  }

  /** `commitWinners` with each winner's lease granted and the room left under its limits. */
  async admitWinners(commits: readonly WinnerCommit[]): Promise<WinnerAdmission[]> {
    if (commits.length === 0) return [];
    const keys: string[] = [];
    const args: string[] = [String(DAY_TTL_SECONDS), String(FREQUENCY_LIFETIME_TTL_SECONDS)];
    for (const c of commits) {
      assertMicros(c.micros);
      assertMicros(c.leaseMicros ?? 0);
      assertMicros(c.returnMicros ?? 0);
      assertMicros(c.leaseUnitMicros ?? 0);
      const { scope, limits } = c;
      const tag = `${this.prefix}:{c${scope.campaignId}}`;
      keys.push(
        `${tag}:spend:ag:${scope.adGroupId}:${scope.day}`,
        `${tag}:spend:ag:${scope.adGroupId}:lifetime`,
        `${tag}:spend:c:${scope.day}`,
        `${tag}:spend:c:lifetime`,
        `${tag}:freq:${scope.adGroupId}:${c.userKey}`,
        `${tag}:freq:${scope.adGroupId}:${c.userKey}:${scope.day}`,
      );
      const impression = c.billableEvent === 'IMPRESSION';
      args.push(
        impression ? String(c.micros) : '0',
        String(limits.adGroupDaily),
        String(limits.adGroupLifetime),
        String(limits.campaignDaily),
        String(limits.campaignLifetime),
        impression ? '0' : String(c.micros),
        impression ? '1' : '0',
        String(c.lifetimeFrequencyCap ?? -1),
        String(c.dailyFrequencyCap ?? -1),
        impression ? String(c.leaseMicros ?? 0) : '0',
        String(c.returnMicros ?? 0),
        impression ? String(c.leaseUnitMicros ?? c.micros) : '0',
      );
    }
    const results = (await COMMIT_SCRIPT.run(this.redis, this.batch, keys.length, [...keys, ...args])) as number[];
    const admissions: WinnerAdmission[] = [];
    for (let i = 0; i < commits.length; i++) {
      const r = results[i * 4]!;
      admissions.push({
        outcome: r === 0 ? 'OK' : r === 5 ? 'FREQUENCY_CAP' : 'BUDGET',
        leaseMicros: results[i * 4 + 1]!,
        roomMicros: results[i * 4 + 2] === 1 ? results[i * 4 + 3]! : null,
      });
    }
    return admissions;
  }

  async spent(scope: SpendScope): Promise<{ adGroupDay: number; adGroupLifetime: number; campaignDay: number; campaignLifetime: number }> {
    const values = await this.redis.mget(...this.keys(scope));
    const [adGroupDay, adGroupLifetime, campaignDay, campaignLifetime] = values.map((v) => Number(v ?? 0));
    return { adGroupDay: adGroupDay!, adGroupLifetime: adGroupLifetime!, campaignDay: campaignDay!, campaignLifetime: campaignLifetime! };
  }

  /**
   * Counts an impression for a user against the ad group's caps, atomically; false when
   * a cap is reached (the ad then loses with FREQUENCY_CAP).
   */
  async admitFrequency(
    scope: SpendScope,
    userKey: string,
    caps: { lifetime: number | null; daily: number | null },
    lifetimeTtlSeconds = FREQUENCY_LIFETIME_TTL_SECONDS,
  ): Promise<boolean> {
    if (caps.lifetime === null && caps.daily === null) return true;
    const tag = `${this.prefix}:{c${scope.campaignId}}`;
    const keys = [`${tag}:freq:${scope.adGroupId}:${userKey}`, `${tag}:freq:${scope.adGroupId}:${userKey}:${scope.day}`];
    const admitted = (await FREQUENCY_SCRIPT.run(this.redis, this.batch, 2, [
      ...keys,
      String(caps.lifetime ?? -1),
      String(caps.daily ?? -1),
      String(DAY_TTL_SECONDS),
      String(lifetimeTtlSeconds),
    ])) as number;
    return admitted === 1;
  }
}

function assertMicros(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`money must be non-negative integer micros, got ${value}`);
}
