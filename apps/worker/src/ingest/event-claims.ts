import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * What a batch learns when it claims an event id (see docs/pipeline.md, "Exactly once").
 *
 * - `new`: nobody had it; this batch inserts it.
 * - `duplicate`: a committed batch already inserted it (a client retry, a re-sent beacon,
 *   a conversion resend, a re-run job): drop it.
 * - `busy`: a live batch (lease not expired) owns it; retry later, it may still fail.
 * - `takeover`: its owner died (lease expired) or gave up before committing; this batch
 *   now owns it, but the owner's insert may have landed, so ClickHouse must be asked first.
 */
export type ClaimStatus = 'new' | 'duplicate' | 'busy' | 'takeover';
const STATUS_BY_CODE: Record<string, ClaimStatus> = { '0': 'new', '1': 'duplicate', '2': 'busy', '3': 'takeover' };

// All times come from Redis' own clock (TIME), so workers' clocks never disagree on a lease.
const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS[1] batch record, KEYS[2..n] claim keys. ARGV: batch id, lease ms, ttl s, batch key prefix.
 * Opens the batch with a lease (or extends the lease of the open batch), then claims every id
 * of this chunk in one atomic step. A batch claims its ids in several chunks, so a chunk first
 * checks that the batch's lease has not lapsed since an earlier chunk: once it has, ids claimed
 * earlier may have been taken over, and the lease must never come back to life. Then the batch
 * is marked failed and 'L' returned (the caller re-claims everything under a new batch id).
 */
const CLAIM = `
${NOW}
local batch, lease, ttl, prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local rec = redis.call('HMGET', KEYS[1], 'state', 'lease')
if not rec[1] then
  redis.call('HSET', KEYS[1], 'state', 'open', 'lease', now + lease)
  redis.call('EXPIRE', KEYS[1], ttl)
elseif rec[1] == 'open' and tonumber(rec[2]) > now then
  redis.call('HSET', KEYS[1], 'lease', now + lease)
else
  if rec[1] == 'open' then redis.call('HSET', KEYS[1], 'state', 'failed') end
  return 'L'
end
local out = {}
for i = 2, #KEYS do
  local key = KEYS[i]
  local code = '0'
  if not redis.call('SET', key, batch, 'NX', 'EX', ttl) then
    local owner = redis.call('GET', key)
    if owner ~= batch then
      local rec = redis.call('HMGET', prefix .. owner, 'state', 'lease')
      if rec[1] == 'committed' then
        code = '1'
      elseif rec[1] == 'open' and tonumber(rec[2]) > now then
        code = '2'
      else
        redis.call('SET', key, batch, 'EX', ttl)
        code = '3'
      end
    end
  end
  out[#out + 1] = code
end
return table.concat(out)
`;

/** KEYS[1] batch record. ARGV: lease ms. 1 = renewed; 0 = lease already expired (batch marked failed). */
const RENEW = `
${NOW}
local rec = redis.call('HMGET', KEYS[1], 'state', 'lease')
if rec[1] == 'open' and tonumber(rec[2]) > now then
  redis.call('HSET', KEYS[1], 'lease', now + tonumber(ARGV[1]))
  return 1
end
if rec[1] == 'open' then redis.call('HSET', KEYS[1], 'state', 'failed') end
return 0
`;

/** KEYS[1] batch record. ARGV: ttl s. */
const COMMIT = `
redis.call('HSET', KEYS[1], 'state', 'committed')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`;

/** KEYS[1] batch record, KEYS[2..n] claim keys. ARGV: batch id. Drops this batch's claims on these ids. */
const RELEASE = `
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 1
`;

/** KEYS[1] batch record. Marks an open batch failed, so its claims are taken over at once. */
const FAIL = `
if redis.call('HGET', KEYS[1], 'state') == 'open' then redis.call('HSET', KEYS[1], 'state', 'failed') end
return 1
`;

/** Ids per claim script call: Redis runs other clients' commands between chunks (one call over 20,000 keys blocked it for 0.2–2.5 s). */
export const CLAIM_CHUNK_IDS = 2_000;

export interface EventClaimsOptions {
  /** Key prefix; the queue prefix (a hash tag such as `{loupe}`) keeps every key in one cluster slot. */
  prefix: string;
  /** How long a batch owns its ids without renewing. Must exceed the insert timeout. */
  leaseMs: number;
  /** How long an id is remembered (duplicates are dropped within this window). */
  ttlSeconds: number;
}

/**
 * Per-event-id claims in Redis: the dedup memory of the pipeline and the fence that
 * keeps a retried or taken-over batch from inserting twice (docs/pipeline.md).
 */
export class EventClaims {
  constructor(
    private readonly redis: Redis,
    private readonly options: EventClaimsOptions,
  ) {}

  private batchKey(batchId: string): string {
    return `${this.options.prefix}:ingest:batch:${batchId}`;
  }

  private claimKey(eventId: string): string {
    return `${this.options.prefix}:ingest:dedup:${eventId}`;
  }

  /**
   * Opens the batch with a fresh lease and claims each id; one status per id, in order.
   * The ids go in chunks of `chunkIds`, sent at once (one pipeline, Redis runs other
   * clients' commands between them), each chunk atomic. `null`: the batch's lease lapsed
   * while it claimed (a stall between chunks); the batch is now failed and the caller must
   * claim again under a new batch id (ids claimed already are then taken over, with the
   * ClickHouse check).
   */
  async claim(batchId: string, eventIds: readonly string[], chunkIds = CLAIM_CHUNK_IDS): Promise<ClaimStatus[] | null> {
    const batchKey = this.batchKey(batchId);
    const args = [batchId, this.options.leaseMs, this.options.ttlSeconds, `${this.options.prefix}:ingest:batch:`];
    const chunks: Promise<string>[] = [];
    for (let start = 0; start < eventIds.length; start += chunkIds) {
      const keys = [batchKey];
      for (const id of eventIds.slice(start, start + chunkIds)) keys.push(this.claimKey(id));
      chunks.push(this.run(CLAIM, keys, args) as Promise<string>);
    }
    const codes = await Promise.all(chunks);
    if (codes.includes('L')) return null;
    const statuses: ClaimStatus[] = [];
    for (const chunk of codes) for (const code of chunk) statuses.push(STATUS_BY_CODE[code]);
    return statuses;
  }

  /** Extends the lease; false when it had already expired (the batch is then failed and must re-claim). */
  async renew(batchId: string): Promise<boolean> {
    return (await this.run(RENEW, [this.batchKey(batchId)], [this.options.leaseMs])) === 1;
  }

  /** Marks the batch committed: its ids are duplicates from now on. */
  async commit(batchId: string): Promise<void> {
    await this.run(COMMIT, [this.batchKey(batchId)], [this.options.ttlSeconds]);
  }

  /** Marks an open batch failed: its ids are taken over (with a ClickHouse check) by the next claim. */
  async fail(batchId: string): Promise<void> {
    await this.run(FAIL, [this.batchKey(batchId)], []);
  }

  /** Forgets this batch's claims on ids it gave up on (dead-lettered), so a corrected resend is not a duplicate. */
  async release(batchId: string, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const keys = [this.batchKey(batchId), ...eventIds.map((id) => this.claimKey(id))];
    await this.run(RELEASE, keys, [batchId]);
  }

  /** EVALSHA (the script's text is sent only when Redis does not have it yet). */
  private async run(script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const sha = SHA1.get(script) ?? createHash('sha1').update(script).digest('hex');
    SHA1.set(script, sha);
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }
}

const SHA1 = new Map<string, string>();
