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

/**
 * The verdicts of recently seen user agents: every tracking request checks its agent
 * against the whole list, while real traffic repeats a few thousand distinct agents.
 * Bounded (cleared when full), so odd agents cannot grow it.
 */
const VERDICTS = new Map<string, IvtReason | null>();
const MAX_VERDICTS = 10_000;

/** GIVT by user agent: a missing agent or one on the shipped bot list. */
export function userAgentIvt(userAgent: string | undefined): IvtReason | null {
  if (!userAgent) return 'NO_USER_AGENT';
  const known = VERDICTS.get(userAgent);
  if (known !== undefined) return known;
  const verdict = judgeUserAgent(userAgent);
  if (VERDICTS.size >= MAX_VERDICTS) VERDICTS.clear();
  VERDICTS.set(userAgent, verdict);
  return verdict;
}

function judgeUserAgent(userAgent: string): IvtReason | null {
  if (userAgent.trim() === '') return 'NO_USER_AGENT';
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
// One script (one command) instead of MULTI/INCR/EXPIRE/INCR/EXPIRE/EXEC: this runs on every tracking request.
// TrackingRecords' script counts the windows of impressions and engagements the same way: keep them alike.
const BURST = `
local inSecond = redis.call('INCR', KEYS[1])
if inSecond == 1 then redis.call('EXPIRE', KEYS[1], 5) end
local inMinute = redis.call('INCR', KEYS[2])
if inMinute == 1 then redis.call('EXPIRE', KEYS[2], 120) end
if inSecond > tonumber(ARGV[1]) or inMinute > tonumber(ARGV[2]) then return 1 end
return 0
`;

/** The burst script as a command (EVALSHA: the script's text is not resent with every request). */
const BURST_COMMAND = 'loupeTrackingBurst';
type BurstCommand = (secondKey: string, minuteKey: string, perSecond: number, perMinute: number) => unknown;

export const BURST_PREFIX = 'loupe:trk:burst';

/** An IP's second and minute window keys at `nowMs`; both share a Redis Cluster hash tag, so BURST touches one slot. */
export function burstWindows(prefix: string, ip: string, nowMs: number): [string, string] {
  const second = Math.floor(nowMs / 1000);
  const tag = `${prefix}:{${ip}}`;
  return [`${tag}:s:${second}`, `${tag}:m:${Math.floor(second / 60)}`];
}

export class BurstDetector {
  private readonly batch: CommandBatch;

  constructor(
    redis: Redis,
    private readonly limits: BurstLimits = BURST_LIMITS,
    private readonly prefix = BURST_PREFIX,
    /** Shared with the caller's other commands, so concurrent requests share one Redis write. */
    batch?: CommandBatch,
  ) {
    if (!(BURST_COMMAND in redis)) redis.defineCommand(BURST_COMMAND, { numberOfKeys: 2, lua: BURST });
    this.batch = batch ?? new CommandBatch(redis);
  }

  /** Counts one event from `ip` at `nowMs`; BURST when it is over a window's limit. */
  async record(ip: string, nowMs: number): Promise<IvtReason | null> {
    const [second, minute] = burstWindows(this.prefix, ip, nowMs);
    const over = await this.batch.call<number>((pipeline) =>
      (pipeline as ChainableCommander & Record<typeof BURST_COMMAND, BurstCommand>)[BURST_COMMAND](second, minute, this.limits.perSecond, this.limits.perMinute),
    );
    return over === 1 ? 'BURST' : null;
  }
}
