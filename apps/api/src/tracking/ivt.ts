import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainableCommander, Redis } from 'ioredis';
import { CommandBatch } from '@loupe/server-core';

/**
 * Invalid-traffic rules applied at the edge. Flagged events are kept with a reason
 * (so reports can show them) and never billed.
 */
export type IvtReason = 'KNOWN_BOT' | 'NO_USER_AGENT' | 'CLICK_WITHOUT_IMPRESSION' | 'CLICK_TOO_FAST' | 'DUPLICATE_CLICK' | 'BURST';

/** A person needs at least this long between seeing a pin and clicking it. */
export const MIN_HUMAN_CLICK_DELAY_MS = 800;

function loadList(): { patterns: string[]; exceptions: string[] } {
  const lines = readFileSync(join(__dirname, 'bot-user-agents.txt'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().toLowerCase())
    .filter((line) => line.length > 0);
  return {
    patterns: lines.filter((l) => !l.startsWith('!')),
    exceptions: lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1)),
  };
}

const { patterns: PATTERNS, exceptions: EXCEPTIONS } = loadList();

/** GIVT by user agent: a missing agent or one on the shipped bot list. */
export function userAgentIvt(userAgent: string | undefined): IvtReason | null {
  if (!userAgent || userAgent.trim() === '') return 'NO_USER_AGENT';
  const ua = userAgent.toLowerCase();
  if (EXCEPTIONS.some((e) => ua.includes(e))) return null;
  return PATTERNS.some((p) => ua.includes(p)) ? 'KNOWN_BOT' : null;
}

/** A click that came faster after its impression than a human could manage. */
export function clickTimingIvt(impressionAtMs: number | null, clickAtMs: number): IvtReason | null {
  if (impressionAtMs === null) return 'CLICK_WITHOUT_IMPRESSION';
  return clickAtMs - impressionAtMs < MIN_HUMAN_CLICK_DELAY_MS ? 'CLICK_TOO_FAST' : null;
}

export const BOT_PATTERN_COUNT = PATTERNS.length;

/**
 * Bursts from one source: more events from one client IP than people behind one address
 * plausibly produce. Fixed windows counted in Redis (shared by every API process):
 * more than `perSecond` tracking events in one wall-clock second, or more than
 * `perMinute` in one wall-clock minute, flags the excess as BURST. The limits are
 * generous because many people can share one IP (carrier NAT, offices): a feed that
 * scrolls fast fires a handful of impression beacons a second per person.
 */
export interface BurstLimits {
  perSecond: number;
  perMinute: number;
}
export const BURST_LIMITS: BurstLimits = { perSecond: 20, perMinute: 300 };

// KEYS[1] the IP's second window, KEYS[2] its minute window; ARGV[1] perSecond, ARGV[2] perMinute.
// Counts the event in both windows and leaves `over` true when it is past either limit.
const BURST_COUNT = `
local inSecond = redis.call('INCR', KEYS[1])
if inSecond == 1 then redis.call('EXPIRE', KEYS[1], 5) end
local inMinute = redis.call('INCR', KEYS[2])
if inMinute == 1 then redis.call('EXPIRE', KEYS[2], 120) end
local over = inSecond > tonumber(ARGV[1]) or inMinute > tonumber(ARGV[2])
`;

// One script (one command) instead of MULTI/INCR/EXPIRE/INCR/EXPIRE/EXEC: this runs on every tracking request.
const BURST = `${BURST_COUNT}
if over then return 1 end
return 0
`;

/*
 * The burst count and the replay claim of an impression or engagement in one script, so
 * a beacon's Redis checks are one command (one round trip, shared with every request of
 * its event-loop turn through the CommandBatch) instead of two in a row: the claim must
 * hold the event's IVT reason, which needs the burst verdict first.
 *
 * KEYS[1], KEYS[2] the IP's burst windows (as BURST), KEYS[3] the event's record;
 * ARGV[1], ARGV[2] the burst limits, ARGV[3] the user-agent verdict ('' when none),
 * ARGV[4] the event time (ms), ARGV[5] its price when valid (micros), ARGV[6] the
 * record's TTL (s). The user agent's reason wins over BURST (userAgentIvt first, as
 * edge IVT always ranks them); a flagged event is priced 0. The record is written in
 * TrackingService's encoding (`time|reason|price|acked`, here not yet acked) with
 * SET NX GET. Answers {reason or '', the earlier record or nil}.
 *
 * Unlike BURST this touches two hash tags (the IP's and the record's), so like the
 * serve path's winner commit it needs one Redis, not a Cluster (docs/operations.md).
 */
const CLAIM = `${BURST_COUNT}
local reason = ARGV[3]
if reason == '' and over then reason = 'BURST' end
local price = ARGV[5]
if reason ~= '' then price = '0' end
local previous = redis.call('SET', KEYS[3], ARGV[4] .. '|' .. reason .. '|' .. price .. '|', 'EX', ARGV[6], 'NX', 'GET')
return {reason, previous}
`;

/** The burst script as a command (EVALSHA: the script's text is not resent with every request). */
const BURST_COMMAND = 'loupeTrackingBurst';
type BurstCommand = (secondKey: string, minuteKey: string, perSecond: number, perMinute: number) => unknown;
const CLAIM_COMMAND = 'loupeTrackingClaim';
type ClaimCommand = (secondKey: string, minuteKey: string, recordKey: string, perSecond: number, perMinute: number, uaReason: string, timeMs: number, price: number, ttlSeconds: number) => unknown;

/** What `BurstDetector.recordAndClaim` writes for a first request. */
export interface ClaimRequest {
  /** The event's record key (one per (auction, slot[, type])). */
  key: string;
  /** userAgentIvt of the request (it ranks before BURST). */
  uaReason: IvtReason | null;
  timeMs: number;
  /** The event's price if it is valid traffic (0 when flagged). */
  priceMicros: number;
  ttlSeconds: number;
}

export class BurstDetector {
  private readonly batch: CommandBatch;

  constructor(
    redis: Redis,
    private readonly limits: BurstLimits = BURST_LIMITS,
    private readonly prefix = 'loupe:trk:burst',
    /** Shared with the caller's other commands, so concurrent requests share one Redis write. */
    batch?: CommandBatch,
  ) {
    if (!(BURST_COMMAND in redis)) redis.defineCommand(BURST_COMMAND, { numberOfKeys: 2, lua: BURST });
    if (!(CLAIM_COMMAND in redis)) redis.defineCommand(CLAIM_COMMAND, { numberOfKeys: 3, lua: CLAIM });
    this.batch = batch ?? new CommandBatch(redis);
  }

  /** Counts one event from `ip` at `nowMs`; BURST when it is over a window's limit. */
  async record(ip: string, nowMs: number): Promise<IvtReason | null> {
    const [second, minute] = this.windows(ip, nowMs);
    const over = await this.batch.call<number>((pipeline) =>
      (pipeline as ChainableCommander & Record<typeof BURST_COMMAND, BurstCommand>)[BURST_COMMAND](second, minute, this.limits.perSecond, this.limits.perMinute),
    );
    return over === 1 ? 'BURST' : null;
  }

  /**
   * Counts one event from `ip` at `nowMs` (as `record`) and, in the same command, claims
   * `claim.key` for it with SET NX GET: the request's IVT reason (its user agent's, else
   * BURST, else null) and the earlier record of the key (null for the first request, which
   * has just written its own).
   */
  async recordAndClaim(ip: string, nowMs: number, claim: ClaimRequest): Promise<{ reason: IvtReason | null; previous: string | null }> {
    const [second, minute] = this.windows(ip, nowMs);
    const [reason, previous] = await this.batch.call<[string, string | null]>((pipeline) =>
      (pipeline as ChainableCommander & Record<typeof CLAIM_COMMAND, ClaimCommand>)[CLAIM_COMMAND](
        second,
        minute,
        claim.key,
        this.limits.perSecond,
        this.limits.perMinute,
        claim.uaReason ?? '',
        claim.timeMs,
        claim.priceMicros,
        claim.ttlSeconds,
      ),
    );
    return { reason: (reason || null) as IvtReason | null, previous };
  }

  /** The second and minute window keys of an IP; both share a Redis Cluster hash tag, so BURST touches one slot. */
  private windows(ip: string, nowMs: number): [string, string] {
    const second = Math.floor(nowMs / 1000);
    const tag = `${this.prefix}:{${ip}}`;
    return [`${tag}:s:${second}`, `${tag}:m:${Math.floor(second / 60)}`];
  }
}
