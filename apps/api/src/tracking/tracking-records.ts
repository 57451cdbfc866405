import type { ChainableCommander, Redis } from 'ioredis';
import type { CommandBatch } from '@loupe/server-core';
import { BURST_LIMITS, BURST_PREFIX, burstWindows, type BurstLimits, type IvtReason } from './ivt';

/*
 * Every impression's and engagement's Redis work of one event-loop turn, as one script
 * call: per event its IP's burst count and the claim of its record (SET NX GET), and the
 * acknowledged marks of events published since the last call. Sent through the process's
 * CommandBatch (so it shares the turn's one pipeline with the serve path's and the
 * clicks' commands).
 *
 * ARGV[1] perSecond, ARGV[2] perMinute, ARGV[3] the records' TTL (s); then one entry per
 * item, in order, each using the next KEYS:
 *   'c', user-agent reason ('' when none), time (ms), price when valid (micros)
 *     — a claim: KEYS the IP's second window, its minute window, the record. Counts both
 *       windows (as ivt.ts's BURST: keep them alike); the reason is the user agent's, else
 *       BURST past either limit, else ''; a flagged event is priced 0. Writes the record in
 *       TrackingService's encoding (`time|reason|price|`, not yet acknowledged) with
 *       SET NX GET. Answers two values: the reason and the earlier record (nil for the first).
 *   'a', record value
 *     — an acknowledged mark: KEYS the record. SET XX KEEPTTL (a record that expired is
 *       not brought back without a TTL). Answers nothing.
 *
 * The items run one after another as they would as separate commands (two claims of one
 * IP in one call count 1 then 2), but the call touches many hash tags, so like the serve
 * path's winner commit it needs one Redis, not a Cluster (docs/operations.md).
 */
const RECORDS = `
local perSecond = tonumber(ARGV[1])
local perMinute = tonumber(ARGV[2])
local ttl = ARGV[3]
local out = {}
local k = 1
local a = 4
while a <= #ARGV do
  if ARGV[a] == 'c' then
    local inSecond = redis.call('INCR', KEYS[k])
    if inSecond == 1 then redis.call('EXPIRE', KEYS[k], 5) end
    local inMinute = redis.call('INCR', KEYS[k + 1])
    if inMinute == 1 then redis.call('EXPIRE', KEYS[k + 1], 120) end
    local reason = ARGV[a + 1]
    if reason == '' and (inSecond > perSecond or inMinute > perMinute) then reason = 'BURST' end
    local price = ARGV[a + 3]
    if reason ~= '' then price = '0' end
    out[#out + 1] = reason
    out[#out + 1] = redis.call('SET', KEYS[k + 2], ARGV[a + 2] .. '|' .. reason .. '|' .. price .. '|', 'EX', ttl, 'NX', 'GET')
    k = k + 3
    a = a + 4
  else
    redis.call('SET', KEYS[k], ARGV[a + 1], 'XX', 'KEEPTTL')
    k = k + 1
    a = a + 2
  end
end
return out
`;

const RECORDS_COMMAND = 'loupeTrackingRecords';
type RecordsCommand = (numKeys: number, ...keysAndArgs: (string | number)[]) => unknown;

/** A first request's record (see TrackingService's `Recorded`). */
export interface ClaimRequest {
  /** The client IP whose burst windows count this event. */
  ip: string;
  /** The event's record key (one per (auction, slot[, type])). */
  key: string;
  /** userAgentIvt of the request (it ranks before BURST). */
  uaReason: IvtReason | null;
  timeMs: number;
  /** The event's price if it is valid traffic (a flagged one is recorded at 0). */
  priceMicros: number;
}

export interface ClaimOutcome {
  /** The request's IVT reason: its user agent's, else BURST, else null. */
  reason: IvtReason | null;
  /** The record an earlier request wrote (then this one wrote nothing), or null: this request's record is written. */
  previous: string | null;
}

interface Turn {
  keys: string[];
  args: (string | number)[];
  claims: { resolve: (outcome: ClaimOutcome) => void; reject: (err: Error) => void }[];
  items: number;
  done: Promise<(string | null)[]>;
}

/** Items per script call at most (a busier turn makes more calls in the same pipeline). */
const MAX_ITEMS = 500;

export class TrackingRecords {
  private open: Turn | null = null;

  constructor(
    redis: Redis,
    private readonly batch: CommandBatch,
    /** How long a record lives (it must outlive every token that can replay it). */
    private readonly ttlSeconds: number,
    private readonly limits: BurstLimits = BURST_LIMITS,
    private readonly burstPrefix = BURST_PREFIX,
  ) {
    if (!(RECORDS_COMMAND in redis)) redis.defineCommand(RECORDS_COMMAND, { lua: RECORDS });
  }

  /**
   * Counts the event toward its IP's burst windows and claims its record for it, in the
   * turn's one script call; rejects (as the whole call does) when Redis fails.
   */
  claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const turn = this.turn();
    const [second, minute] = burstWindows(this.burstPrefix, request.ip, request.timeMs);
    turn.keys.push(second, minute, request.key);
    turn.args.push('c', request.uaReason ?? '', request.timeMs, request.priceMicros);
    this.added(turn);
    return new Promise<ClaimOutcome>((resolve, reject) => turn.claims.push({ resolve, reject }));
  }

  /** Marks a record acknowledged (`value` is its new encoding) in the turn's script call; resolves once written. */
  markAcked(key: string, value: string): Promise<void> {
    const turn = this.turn();
    turn.keys.push(key);
    turn.args.push('a', value);
    this.added(turn);
    return turn.done.then(() => undefined);
  }

  private turn(): Turn {
    return (this.open ??= { keys: [], args: [this.limits.perSecond, this.limits.perMinute, this.ttlSeconds], claims: [], items: 0, done: Promise.resolve([]) });
  }

  /** After an item was added: the turn's call is queued with its first item, and a full one is closed. */
  private added(turn: Turn): void {
    turn.items++;
    if (turn.items === 1) this.send(turn);
    if (turn.items >= MAX_ITEMS && this.open === turn) this.open = null;
  }

  private send(turn: Turn): void {
    // The command is built when the batch is flushed, so it carries every item of the turn
    // queued until then; later items go into the next call.
    turn.done = this.batch.call<(string | null)[]>((pipeline) => {
      if (this.open === turn) this.open = null;
      return (pipeline as ChainableCommander & Record<typeof RECORDS_COMMAND, RecordsCommand>)[RECORDS_COMMAND](turn.keys.length, ...turn.keys, ...turn.args);
    });
    turn.done.then(
      (answers) => {
        for (let i = 0; i < turn.claims.length; i++) {
          turn.claims[i]!.resolve({ reason: (answers[2 * i] || null) as IvtReason | null, previous: answers[2 * i + 1] ?? null });
        }
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const c of turn.claims) c.reject(error);
      },
    );
  }
}
