import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { lit, sql, tableRef, type ClickHouseExecutor } from '@loupe/analytics';
import { loadConfig } from '@loupe/server-core';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the direct baseline must select exactly the rows the route exports
import { billableEventsRawSql, type BillableEventsRange } from '../apps/api/src/finance/billable-events-sql';
import { createClickHouseDatabase } from './clickhouse-bench-db';
import type { BenchFigure, BenchSize, Benchmark } from './harness';
import { createPostgresDatabase, startApi, type Child } from './processes';

/*
 * `bench/export`: the real route GET /v5/ad_accounts/{id}/finance/billable_events
 * (apps/api/src/finance/billable-events.ts) of a spawned API, downloading a 1-million-
 * and a 10-million-row CSV, beside ClickHouse's own `FORMAT CSV` of the same rows
 * over HTTP (what `curl` of the same SELECT would fetch), in the same run.
 *
 * Setup: a throwaway Postgres database (migrated) and ClickHouse database (migrated);
 * the API is started on them, two users sign up through it (each gets an ad account,
 * UTC), and ClickHouse generates the events of the two accounts from numbers(n): the
 * small account gets `small` billed events, the large one `large`, over 60 days. One
 * event in ten has a placement with a comma and quotes (a quoted CSV field).
 *
 * Figures: rows/s of the large download through the API against the direct rate
 * (direct is fetched before and after the API download and averaged, so a change in
 * the machine's load during the run weighs on both); peak RSS (VmHWM) of the API
 * process after the small and after the large download; the API's time to first byte
 * at the large size (request sent to first body byte, authentication and the account
 * lookup included).
 */

const MIB = 1024 * 1024;
const DAYS = 60;
const START = Date.UTC(2026, 0, 1) / 1000;

const SIZES: Record<BenchSize, { small: number; large: number; chunk: number }> = {
  tiny: { small: 5_000, large: 50_000, chunk: 50_000 },
  full: { small: 1_000_000, large: 10_000_000, chunk: 2_000_000 },
};

interface Download {
  ttfbMs: number;
  totalMs: number;
  bytes: number;
  /** The last bytes of the body (the CSV trailer carries the row count). */
  tail: string;
}

function download(url: URL, method: 'GET' | 'POST', body: string, headers: Record<string, string> = {}): Promise<Download> {
  return new Promise((done, reject) => {
    const t0 = process.hrtime.bigint();
    const ms = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
    const req = request({ host: url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, headers }, (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.once('end', () => reject(new Error(`${url.pathname} answered ${res.statusCode}: ${text.slice(0, 500)}`)));
        return;
      }
      let ttfbMs = -1;
      let bytes = 0;
      let tail: Buffer = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        if (ttfbMs < 0) ttfbMs = ms();
        bytes += chunk.length;
        tail = chunk.length >= 256 ? chunk.subarray(chunk.length - 256) : Buffer.concat([tail, chunk]).subarray(-256);
      });
      res.once('end', () => done({ ttfbMs, totalMs: ms(), bytes, tail: tail.toString('utf8') }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** Peak resident set size of a process (VmHWM), MiB. */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

async function signup(api: string, name: string): Promise<{ token: string; adAccountId: string }> {
  const res = await fetch(`${api}/v5/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-export-${name}-${Date.now()}@bench.loupe.dev`,
      password: 'correct horse battery',
      business_name: `Bench ${name}`,
      ad_account: { name: `Bench ${name}`, country: 'US', currency: 'USD', timezone: 'UTC' },
    }),
  });
  const json = (await res.json()) as { access_token: string; ad_account_id: string };
  if (res.status >= 300) throw new Error(`signup: ${res.status} ${JSON.stringify(json)}`);
  return { token: json.access_token, adAccountId: json.ad_account_id };
}

/** `rows` billed events of one account over DAYS days, generated inside ClickHouse. */
async function loadEvents(ch: ClickHouseExecutor, database: string, adAccountId: string, rows: number, chunk: number): Promise<void> {
  const span = lit.int(DAYS * 86_400, 'UInt64');
  const total = lit.int(rows, 'UInt64');
  for (let offset = 0; offset < rows; offset += chunk) {
    const n = Math.min(chunk, rows - offset);
    await ch.command(sql`
      INSERT INTO ${tableRef(database, 'events')}
        (event_id, event_type, event_time, event_date, ad_account_id, campaign_id, ad_group_id, ad_id, user_id, price_micros, ivt, placement, ingested_at)
      SELECT concat('e', toString(n)), if(h % 10 < 9, 'IMPRESSION', 'CLICK'), t, toDate(t), ${lit.int(adAccountId, 'UInt64')},
        100 + h % 5, 200 + h % 50, 300 + h % 500, concat('u', toString(intHash64(n) % 1000000)),
        toInt64(if(h % 10 < 9, 1000 + h % 4000, 200000 + h % 800000)), toUInt8(0),
        if(n % 10 = 0, 'SEARCH, "linen sofa"', 'BROWSE'), t
      FROM (
        SELECT n, intHash32(n) AS h, toDateTime(${lit.int(START, 'UInt32')} + intDiv(n * ${span}, ${total}), 'UTC') AS t
        FROM (SELECT number + ${lit.int(offset, 'UInt64')} AS n FROM numbers(${lit.int(n, 'UInt64')}))
      )`);
  }
}

export const exportBenchmark: Benchmark = {
  name: 'export',
  async run(size: BenchSize): Promise<BenchFigure[]> {
    const { small, large, chunk } = SIZES[size];
    const config = loadConfig();
    // Both databases are created (and migrated) at once: the setup is most of a tiny run.
    const [chResult, pgResult] = await Promise.allSettled([createClickHouseDatabase(config, 'export'), createPostgresDatabase(config.postgres.url)]);
    if (chResult.status === 'rejected' || pgResult.status === 'rejected') {
      if (chResult.status === 'fulfilled') await chResult.value.drop();
      if (pgResult.status === 'fulfilled') await pgResult.value.drop();
      throw chResult.status === 'rejected' ? chResult.reason : (pgResult as PromiseRejectedResult).reason;
    }
    const ch = chResult.value;
    const pg = pgResult.value;
    let api: Child | undefined;
    try {
      const started = await startApi({ DATABASE_URL: pg.url, CLICKHOUSE_DATABASE: ch.database, RATE_LIMIT_AUTH_PER_MINUTE: '100000' });
      api = started.child;
      const base = started.url;
      const apiPid = api.pid;
      const smallAccount = await signup(base, 'small');
      const largeAccount = await signup(base, 'large');
      await loadEvents(ch.executor, ch.database, smallAccount.adAccountId, small, chunk);
      await loadEvents(ch.executor, ch.database, largeAccount.adAccountId, large, chunk);

      const period = { startDate: '2026-01-01', endDate: '2026-03-01' };
      const throughApi = async (account: { token: string; adAccountId: string }, rows: number): Promise<Download> => {
        const url = new URL(`${base}/v5/ad_accounts/${account.adAccountId}/finance/billable_events?start_date=${period.startDate}&end_date=${period.endDate}`);
        const result = await download(url, 'GET', '', { authorization: `Bearer ${account.token}` });
        const written = /rows: (\d+)\r\n$/.exec(result.tail)?.[1];
        if (written !== String(rows)) throw new Error(`the API wrote ${written ?? 'no trailer'} rows, expected ${rows}: ${result.tail}`);
        return result;
      };
      const clickhouse = new URL(config.clickhouse.url);
      const direct = (adAccountId: string): Promise<Download> => {
        const range: BillableEventsRange = { database: ch.database, adAccountId, timezone: 'UTC', ...period };
        return download(new URL('/', clickhouse), 'POST', `${billableEventsRawSql(range).text}\nFORMAT CSV`, {
          'X-ClickHouse-User': config.clickhouse.user,
          'X-ClickHouse-Key': config.clickhouse.password,
        });
      };

      await direct(smallAccount.adAccountId); // warm-up: marks and the parts' first blocks in the page cache
      await throughApi(smallAccount, small);
      const rssSmall = peakRssMiB(apiPid!);
      const directBefore = await direct(largeAccount.adAccountId);
      const loupeLarge = await throughApi(largeAccount, large);
      const rssLarge = peakRssMiB(apiPid!);
      const directAfter = await direct(largeAccount.adAccountId);

      const loupeRate = (large * 1000) / loupeLarge.totalMs;
      const directRate = (large * 1000 * 2) / (directBefore.totalMs + directAfter.totalMs);
      const rateRatio = loupeRate / directRate;
      const directTtfb = (directBefore.ttfbMs + directAfter.ttfbMs) / 2;
      const n = (x: number): string => x.toLocaleString('en-US');
      return [
        {
          benchmark: 'export',
          metric: `billable-events CSV of ${n(large)} rows (${(loupeLarge.bytes / MIB).toFixed(0)} MiB) through the API route: rows/s`,
          value: loupeRate,
          unit: 'rows/s',
          baseline: 'ClickHouse FORMAT CSV of the same rows over HTTP (curl), mean of before and after',
          baselineValue: directRate,
          ratio: rateRatio,
          target: '≥ 0.5× direct',
          met: rateRatio >= 0.5,
        },
        {
          benchmark: 'export',
          metric: `peak RSS of the API process after the ${n(large)}-row download (baseline: after the ${n(small)}-row one)`,
          value: rssLarge,
          unit: 'MiB',
          baseline: `after ${n(small)} rows`,
          baselineValue: rssSmall,
          ratio: rssLarge / rssSmall,
          target: 'within 50 MiB of each other',
          met: Math.abs(rssLarge - rssSmall) <= 50,
        },
        {
          benchmark: 'export',
          metric: `time to first byte through the API, ${n(large)}-row CSV`,
          value: loupeLarge.ttfbMs,
          unit: 'ms',
          baseline: 'ClickHouse FORMAT CSV, same rows',
          baselineValue: directTtfb,
          ratio: loupeLarge.ttfbMs / directTtfb,
          target: 'first byte ≤ 200 ms',
          met: loupeLarge.ttfbMs <= 200,
        },
      ];
    } finally {
      await api?.stop();
      await pg.drop();
      await ch.drop();
    }
  },
};
