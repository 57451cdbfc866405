import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  ClickHouseError,
  createClickHouseHttpExecutor,
  eventValuesRow,
  eventsInsert,
  lit,
  readEventValuesRow,
  runClickHouseMigrations,
  sql,
  type ClickHouseExecutor,
  type SqlFragment,
} from '@loupe/analytics';
import { type AdEvent, type DeadLetterJob, type RollupJob, BLANK_AD_EVENT } from '@loupe/contracts';
import { loadConfig, testEnv } from '@loupe/server-core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBatcher, type IngestSinks } from './event-batcher';
import { EventClaims } from './event-claims';
import { DEFAULT_INGEST_OPTIONS } from './ingest.options';

const config = loadConfig(testEnv());
const database = `loupe_test_batcher_${randomBytes(5).toString('hex')}`;
const HOUR = Date.UTC(2026, 10, 27, 10);

let seq = 0;
function event(overrides: Partial<AdEvent> = {}): AdEvent {
  seq++;
  return {
    ...BLANK_AD_EVENT,
    event_id: `i:${randomBytes(6).toString('hex')}:${seq}`,
    event_time_ms: HOUR + seq * 1000,
    ad_account_id: '42',
    campaign_id: '7',
    ad_group_id: '8',
    ad_id: '9',
    pin_id: '10',
    auction_id: `a${seq}`,
    placement: 'BROWSE',
    user_id: 'u',
    price_micros: 1500,
    location: 'US',
    device: 'WEB',
    locale: 'en-US',
    ...overrides,
  };
}

/** The real server, with faults injected in front of it for the failure tests. */
class FaultyClickHouse implements ClickHouseExecutor {
  inserts = 0;
  /** Insert attempts to fail as an outage; `landed` ones reach the server first (lost reply). */
  outages: { landed: boolean }[] = [];
  /** Event ids the server "rejects" (a row ClickHouse will not take). */
  poison = new Set<string>();

  constructor(private readonly real: ClickHouseExecutor) {}

  async command(statement: SqlFragment): Promise<void> {
    if (statement.text.startsWith('INSERT')) {
      this.inserts++;
      const outage = this.outages.shift();
      if (outage && !outage.landed) throw new ClickHouseError(null, 'connect ECONNREFUSED', statement.text);
      for (const id of this.poison) {
        if (statement.text.includes(`'${id}'`)) throw new ClickHouseError(27, `Cannot parse input: row ${id}`, statement.text);
      }
      await this.real.command(statement);
      if (outage?.landed) throw new ClickHouseError(null, 'socket hang up', statement.text);
      return;
    }
    await this.real.command(statement);
  }
  query<T>(statement: SqlFragment): Promise<T[]> {
    return this.real.query<T>(statement);
  }
  ping(): Promise<void> {
    return this.real.ping();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('EventBatcher (real Redis and ClickHouse 18.16)', () => {
  let redis: Redis;
  let real: ClickHouseExecutor;
  let clickhouse: FaultyClickHouse;
  let prefix: string;
  let letters: DeadLetterJob[];
  let rollups: RollupJob[];
  /** The `heavy` flag of each rollup schedule call, in order. */
  let heavyCalls: boolean[];

  const counts = async (): Promise<{ rows: number; unique: number }> => {
    const [row] = await real.query<{ rows: string; unique: string }>(
      sql`SELECT toString(count()) AS rows, toString(uniqExact(event_id)) AS unique FROM ${lit.databaseName(database)}.events`,
    );
    return { rows: Number(row.rows), unique: Number(row.unique) };
  };

  function batcher(options: Partial<typeof DEFAULT_INGEST_OPTIONS> = {}, claimsOptions: { leaseMs?: number } = {}): EventBatcher {
    const claims = new EventClaims(redis, { prefix, leaseMs: claimsOptions.leaseMs ?? 5_000, ttlSeconds: 600 });
    const sinks: IngestSinks = {
      claims,
      clickhouse,
      database,
      deadLetters: { publish: async (l) => void letters.push(...l) },
      rollups: {
        schedule: async (h, { heavy }) => {
          rollups.push(...h);
          heavyCalls.push(heavy);
        },
      },
      logger: { warn: () => undefined, error: (m) => console.error(m) },
    };
    return new EventBatcher(sinks, { ...DEFAULT_INGEST_OPTIONS, flushIntervalMs: 50, retryBaseMs: 10, retryMaxMs: 50, ...options });
  }

  beforeAll(async () => {
    redis = new Redis(config.redis.url);
    real = createClickHouseHttpExecutor({ url: config.clickhouse.url });
    await runClickHouseMigrations(real, { database, dir: resolve(__dirname, '../../../../migrations/clickhouse') });
  });

  afterAll(async () => {
    await real.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await real.close();
    const keys = await redis.keys(`{batcher-*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  beforeEach(async () => {
    prefix = `{batcher-${randomBytes(4).toString('hex')}}`;
    clickhouse = new FaultyClickHouse(real);
    letters = [];
    rollups = [];
    heavyCalls = [];
    await real.command(sql`TRUNCATE TABLE ${lit.databaseName(database)}.events`);
  });

  it('collects events of many jobs into one insert and resolves each job once its events are in ClickHouse', async () => {
    const b = batcher({ maxBatchEvents: 1_000, flushIntervalMs: 200 });
    const jobs = Array.from({ length: 10 }, (_, j) => b.submit(`job-${j}`, Array.from({ length: 20 }, () => event())));
    await Promise.all(jobs);
    expect(clickhouse.inserts).toBe(1);
    expect(await counts()).toEqual({ rows: 200, unique: 200 });
    expect(rollups).toEqual([{ ad_account_id: '42', hour: HOUR / 1000 }]);
    // Cut by the timer, not full: the rollups coalesce over the normal 2 s.
    expect(heavyCalls).toEqual([false]);
  });

  it('cuts a batch as soon as it is full, without waiting for the timer', async () => {
    const b = batcher({ maxBatchEvents: 50, flushIntervalMs: 60_000 });
    await b.submit('job-1', Array.from({ length: 100 }, () => event()));
    expect(clickhouse.inserts).toBe(2);
    expect(await counts()).toEqual({ rows: 100, unique: 100 });
    // Full batches mean heavy ingest: their rollups may coalesce longer.
    expect(heavyCalls).toEqual([true, true]);
  });

  it('flushes when every job slot waits on the buffer', async () => {
    const b = batcher({ concurrency: 2, flushIntervalMs: 60_000 });
    await Promise.all([b.submit('a', [event()]), b.submit('b', [event()])]);
    expect(await counts()).toEqual({ rows: 2, unique: 2 });
  });

  it('drops duplicates within a batch, across batches and across jobs before they reach ClickHouse', async () => {
    const b = batcher();
    const first = Array.from({ length: 30 }, () => event());
    await b.submit('job-1', [...first, first[0], first[1]]);
    // Client retries and re-run jobs: the same ids again, some mixed with new ones.
    const fresh = Array.from({ length: 5 }, () => event());
    await Promise.all([b.submit('job-2', first.slice(0, 10)), b.submit('job-3', [...first.slice(5, 15), ...fresh])]);
    await batcher().submit('job-1-rerun', first); // another worker re-running job 1
    expect(await counts()).toEqual({ rows: 35, unique: 35 });
    expect(b.stats.inserted).toBe(35);
  });

  it('inserts a batch once even when the insert landed but its reply was lost (ClickHouse restarted)', async () => {
    clickhouse.outages = [{ landed: true }];
    const b = batcher();
    await b.submit('job-1', Array.from({ length: 40 }, () => event()));
    // The retry asked ClickHouse first, found all 40 and sent nothing more.
    expect(clickhouse.inserts).toBe(1);
    expect(await counts()).toEqual({ rows: 40, unique: 40 });
    expect(b.stats).toMatchObject({ inserted: 0, duplicates: 40 });
  });

  it('keeps the batch through an outage without failing the job, and inserts it when ClickHouse is back', async () => {
    clickhouse.outages = Array.from({ length: 6 }, () => ({ landed: false }));
    const b = batcher();
    await b.submit('job-1', Array.from({ length: 25 }, () => event()));
    expect(clickhouse.inserts).toBe(7);
    expect(await counts()).toEqual({ rows: 25, unique: 25 });
    expect(letters).toEqual([]);
  });

  it('gives up cleanly when stopped during an outage, leaving the job unsettled for another worker', async () => {
    clickhouse.outages = Array.from({ length: 1_000 }, () => ({ landed: false }));
    const b = batcher();
    let settled = false;
    void b.submit('job-1', [event()]).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200));
    b.stop();
    await b.drain(); // returns instead of retrying forever
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    expect(await counts()).toEqual({ rows: 0, unique: 0 });
  });

  it('bisects a rejected batch to dead-letter only the bad rows, with the reason', async () => {
    const events = Array.from({ length: 64 }, () => event());
    clickhouse.poison = new Set([events[5].event_id, events[40].event_id]);
    const b = batcher();
    await b.submit('job-1', events);
    expect(await counts()).toEqual({ rows: 62, unique: 62 });
    expect(letters.map((l) => [l.stage, l.event_id, l.source_job_id]).sort()).toEqual(
      [
        ['clickhouse', events[5].event_id, 'job-1'],
        ['clickhouse', events[40].event_id, 'job-1'],
      ].sort(),
    );
    expect(letters[0].reason).toMatch(/Cannot parse input/);
  });

  it('dead-letters an event that cannot become a row and inserts the rest', async () => {
    const bad = event({ ad_account_id: '99999999999999999999' }); // beyond UInt64
    const b = batcher();
    await b.submit('job-1', [event(), bad, bad, event()]);
    expect(await counts()).toEqual({ rows: 2, unique: 2 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ stage: 'format', event_id: bad.event_id });
  });

  it('inserts rows the API rendered (lean jobs) beside events, one copy per id whichever form each copy came in', async () => {
    const b = batcher();
    const rendered = (list: AdEvent[]) => list.map((e) => readEventValuesRow(eventValuesRow(e).text));
    const first = Array.from({ length: 20 }, () => event());
    const other = event({ ad_account_id: '43', event_time_ms: HOUR + 3_600_000 + 999 });
    await Promise.all([b.submit('lean-1', [], rendered([...first, first[0], other])), b.submit('old-1', first.slice(0, 5))]);
    // Retries in the other form, and a job carrying both forms.
    await b.submit('old-2', first);
    await b.submit('mixed', [first[1]], rendered([first[2], other]));
    expect(await counts()).toEqual({ rows: 21, unique: 21 });
    expect(b.stats.inserted).toBe(21);
    const [stored] = await real.query<{ t: string; a: string }>(
      sql`SELECT toString(event_time) AS t, toString(ad_account_id) AS a FROM ${lit.databaseName(database)}.events WHERE event_id = ${lit.string(other.event_id)}`,
    );
    expect(stored).toEqual({ t: '2026-11-27 11:00:00', a: '43' });
    expect(new Set(rollups.map((r) => `${r.ad_account_id}/${r.hour}`))).toEqual(new Set([`42/${HOUR / 1000}`, `43/${HOUR / 1000 + 3600}`]));
  });

  it("bisects a rejected lean batch to the bad rows and dead-letters each with its row's text", async () => {
    const events = Array.from({ length: 16 }, () => event());
    clickhouse.poison = new Set([events[9].event_id]);
    const b = batcher();
    await b.submit('lean-1', [], events.map((e) => readEventValuesRow(eventValuesRow(e).text)));
    expect(await counts()).toEqual({ rows: 15, unique: 15 });
    expect(letters).toEqual([expect.objectContaining({ stage: 'clickhouse', event_id: events[9].event_id, source_job_id: 'lean-1', payload: eventValuesRow(events[9]).text })]);
  });

  it('takes over the rows of a lean batch whose worker died, inserting only what had not landed', async () => {
    const claims = new EventClaims(redis, { prefix, leaseMs: 200, ttlSeconds: 600 });
    const events = Array.from({ length: 6 }, () => event());
    await claims.claim('dead-lean-batch', events.map((e) => e.event_id));
    await real.command(eventsInsert(database, events.slice(0, 2).map(eventValuesRow)));
    await new Promise((r) => setTimeout(r, 300));
    const b = batcher();
    await b.submit('lean-retried', [], events.map((e) => readEventValuesRow(eventValuesRow(e).text)));
    expect(await counts()).toEqual({ rows: 6, unique: 6 });
    expect(b.stats).toMatchObject({ inserted: 4, duplicates: 2 });
  });

  it('waits for ids owned by a live batch and drops them once that batch commits', async () => {
    const claims = new EventClaims(redis, { prefix, leaseMs: 30_000, ttlSeconds: 600 });
    const events = Array.from({ length: 3 }, () => event());
    expect(await claims.claim('other-batch', events.map((e) => e.event_id))).toEqual(['new', 'new', 'new']);
    const b = batcher();
    let done = false;
    const job = b.submit('job-1', [...events, event()]).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    await claims.commit('other-batch');
    await job;
    expect(await counts()).toEqual({ rows: 1, unique: 1 }); // the other batch "inserted" its three
  });

  it('takes over the ids of a batch whose worker died, inserting only what its insert had not landed', async () => {
    const claims = new EventClaims(redis, { prefix, leaseMs: 200, ttlSeconds: 600 });
    const events = Array.from({ length: 10 }, () => event());
    await claims.claim('dead-batch', events.map((e) => e.event_id));
    // The dead worker's insert of the first four had landed before it was killed.
    await real.command(eventsInsert(database, events.slice(0, 4).map(eventValuesRow)));
    await new Promise((r) => setTimeout(r, 300)); // its lease lapses
    const b = batcher();
    await b.submit('job-1-retried', events);
    expect(await counts()).toEqual({ rows: 10, unique: 10 });
    expect(b.stats).toMatchObject({ inserted: 6, duplicates: 4 });
  });

  it('re-claims under a new batch when its own lease lapsed, without inserting twice', async () => {
    // A lease shorter than the first (failing) attempt's backoff: the retry finds it lapsed.
    clickhouse.outages = [{ landed: true }];
    const b = batcher({ retryBaseMs: 400, retryMaxMs: 400 }, { leaseMs: 100 });
    await b.submit('job-1', Array.from({ length: 15 }, () => event()));
    expect(await counts()).toEqual({ rows: 15, unique: 15 });
    expect(clickhouse.inserts).toBe(1);
    expect(b.stats).toMatchObject({ inserted: 0, duplicates: 15 });
  });

  it('claims in chunks with the statuses one atomic claim gives, in order', async () => {
    const claims = new EventClaims(redis, { prefix, leaseMs: 30_000, ttlSeconds: 600 });
    const dying = new EventClaims(redis, { prefix, leaseMs: 100, ttlSeconds: 600 });
    const ids = Array.from({ length: 11 }, () => event().event_id);
    await claims.claim('committed-batch', [ids[1], ids[4]]);
    await claims.commit('committed-batch');
    await claims.claim('live-batch', [ids[2], ids[9]]);
    await dying.claim('dead-batch', [ids[3], ids[10]]);
    await new Promise((r) => setTimeout(r, 200)); // dead-batch's lease lapses
    expect(await claims.claim('chunked', [...ids, ids[0]], 3)).toEqual([
      'new', 'duplicate', 'busy', 'takeover', 'duplicate', 'new', 'new', 'new', 'new', 'busy', 'takeover', 'new',
    ]);
    // Claiming again is idempotent for the batch's own ids.
    expect(await claims.claim('chunked', [ids[0], ids[3], ids[5]], 2)).toEqual(['new', 'new', 'new']);
  });

  it('never brings a lapsed lease back to life between chunks: the batch fails and its ids can be taken over', async () => {
    const claims = new EventClaims(redis, { prefix, leaseMs: 100, ttlSeconds: 600 });
    const ids = Array.from({ length: 6 }, () => event().event_id);
    expect(await claims.claim('stalled', ids.slice(0, 3))).toEqual(['new', 'new', 'new']);
    await new Promise((r) => setTimeout(r, 200)); // the worker stalls between two chunks
    expect(await claims.claim('stalled', ids.slice(3))).toBeNull();
    expect(await redis.hget(`${prefix}:ingest:batch:stalled`, 'state')).toBe('failed');
    expect(await claims.renew('stalled')).toBe(false);
    const other = new EventClaims(redis, { prefix, leaseMs: 30_000, ttlSeconds: 600 });
    expect(await other.claim('next', ids)).toEqual(['takeover', 'takeover', 'takeover', 'new', 'new', 'new']);
    // A committed batch never claims again either.
    await other.commit('next');
    expect(await other.claim('next', [event().event_id])).toBeNull();
  });

  it('re-claims under a new batch when its lease lapsed in the middle of its claim, inserting each event once', async () => {
    const events = Array.from({ length: 12 }, () => event());
    const b = batcher({}, { leaseMs: 150 });
    const sinks = (b as unknown as { sinks: IngestSinks }).sinks;
    const real = sinks.claims;
    const claimed: string[] = [];
    // The first claim stalls after its first chunk until the lease has lapsed.
    let stalls = 1;
    sinks.claims = Object.assign(Object.create(real) as EventClaims, {
      claim: async (batchId: string, ids: readonly string[]) => {
        claimed.push(batchId);
        if (stalls-- > 0) {
          await real.claim(batchId, ids.slice(0, 5));
          await new Promise((r) => setTimeout(r, 300));
        }
        return real.claim(batchId, ids);
      },
    });
    await b.submit('job-1', events);
    expect(claimed).toHaveLength(2);
    expect(new Set(claimed).size).toBe(2);
    expect(await counts()).toEqual({ rows: 12, unique: 12 });
    expect(b.stats).toMatchObject({ inserted: 12, duplicates: 0 });
    expect(await redis.hget(`${prefix}:ingest:batch:${claimed[0]}`, 'state')).toBe('failed');
    expect(await redis.hget(`${prefix}:ingest:batch:${claimed[1]}`, 'state')).toBe('committed');
  });
});
