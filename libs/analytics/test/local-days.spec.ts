import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertEvents,
  lit,
  localDaysCoverRange,
  localReachSql,
  recomputeRollupHour,
  recomputeRollupRange,
  rollupSql,
  runClickHouseMigrations,
  sql,
  startOfLocalDay,
  tableRef,
  type ClickHouseExecutor,
  type Granularity,
  type RawEvent,
  type RollupLevel,
} from '../src';
import { ENGINES, MIGRATIONS_DIR, uniqueDatabase } from './support/engines';
import { rawFigures } from './support/raw-figures';

/*
 * Local-day rollups (0005): events over five UTC days (three ads in two campaigns, IVT, a
 * click's conversion the next day), rolled up hour by hour with the account's timezone,
 * as the worker does. Reads of whole local days from the local-day tables alone must give
 * exactly the raw events' figures at every granularity and level; a range recompute must
 * build the same days as the hourly jobs; the newest build of a day wins.
 */

const D0 = Date.UTC(2026, 2, 28) / 1000; // Saturday 28 March 2026 00:00 UTC; New York is on daylight time (UTC−4)
const NEW_YORK = 'America/New_York';
const TONGA = 'Pacific/Tongatapu'; // UTC+13: its days start at 11:00 UTC the day before

function dataset(account: string): RawEvent[] {
  const ads = [
    { ad_account_id: account, campaign_id: '31', ad_group_id: '311', ad_id: '3111' },
    { ad_account_id: account, campaign_id: '31', ad_group_id: '311', ad_id: '3112' },
    { ad_account_id: account, campaign_id: '32', ad_group_id: '321', ad_id: '3211' },
  ];
  const events: RawEvent[] = Array.from({ length: 40 }, (_, i) => {
    const ad = ads[i % 3]!;
    const at = new Date((D0 + i * 3 * 3600 + ((i * 7) % 60) * 60) * 1000).toISOString(); // every third hour over five days
    const user = `l${i % 13}`;
    const kind = i % 8;
    if (kind === 5) return { ...ad, event_id: `c:${account}-${i}:0`, event_type: 'CLICK', at, user_id: user, price_micros: 100_000 + i };
    if (kind === 6) return { ...ad, event_id: `e:${account}-${i}:0:SAVE`, event_type: 'ENGAGEMENT', engagement_type: 'SAVE', at, user_id: user };
    return { ...ad, event_id: `i:${account}-${i}:0`, event_type: 'IMPRESSION', at, user_id: user, price_micros: 1000 + i, ivt: kind === 7 ? 1 : 0 };
  });
  // The click of i = 13 (hour 39) converts twelve hours later: counted at the click's hour.
  events.push({
    ad_account_id: account, event_type: 'CONVERSION', currency: 'USD', event_id: `v:${account}:o1`,
    at: new Date((D0 + 51 * 3600 + 1800) * 1000).toISOString(), click_id: `${account}-13:0`, conversion_type: 'checkout', value_micros: 7_000_000,
  });
  return events;
}

const hoursOf = (events: readonly RawEvent[]): number[] => [...new Set(events.map((e) => Math.floor(Date.parse(e.at) / 3_600_000) * 3600))].sort((a, b) => a - b);
const midnight = (date: string, timezone: string): number => startOfLocalDay(date, timezone).getTime() / 1000;

describe.each(ENGINES)('local-day rollups on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('rollups_local');
  const HOURLY = '9101'; // New York, hour by hour
  const RANGED = '9102'; // New York, as one range
  const TONGAN = '9103'; // Tonga, hour by hour

  beforeAll(async () => {
    executor = await engine.open();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    for (const account of [HOURLY, RANGED, TONGAN]) await insertEvents(executor, database, dataset(account));
    for (const hour of hoursOf(dataset(HOURLY))) await recomputeRollupHour(executor, { database, adAccountId: HOURLY, hour, version: 10, timezone: NEW_YORK });
    for (const hour of hoursOf(dataset(TONGAN))) await recomputeRollupHour(executor, { database, adAccountId: TONGAN, hour, version: 10, timezone: async () => TONGA });
    await recomputeRollupRange(executor, { database, adAccountId: RANGED, fromHour: D0, toHour: D0 + 6 * 86_400, version: 10, timezone: NEW_YORK });
  }, 300_000);

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  async function raw(account: string, from: number, to: number, granularity: Granularity, timezone: string): Promise<string[]> {
    return rawFigures(executor, database, account, from, to, granularity, timezone);
  }

  async function rolled(account: string, level: RollupLevel, from: number, to: number, granularity: Granularity, timezone: string, reach = true): Promise<string[]> {
    const query = { database, level, adAccountIds: [account], from: new Date(from * 1000), to: new Date(to * 1000), granularity, timezone, localDays: true, reach };
    const statement = rollupSql(query);
    // The slice is whole local days: the read is the local-day tables alone.
    expect(localDaysCoverRange(query)).toBe(true);
    expect(statement.text).toContain('_local_daily');
    expect(statement.text).not.toMatch(/_hourly/);
    const rows = await executor.query<Record<string, unknown>>(statement);
    const byPeriod = new Map<string, number[]>();
    for (const r of rows) {
      const p = granularity === 'TOTAL' ? '' : String(r['period']);
      const values = ['impressions', 'clicks', 'saves', 'spend_micros', 'ivt_impressions', 'users'].map((c) => Number(r[c] ?? 0));
      const prev = byPeriod.get(p);
      byPeriod.set(p, prev ? prev.map((v, i) => v + values[i]!) : values);
    }
    // Reach is merged per row, so only the account level's adds up to the raw events'.
    return [...byPeriod.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, v]) => [p, ...(level === 'ad_account' && reach ? v : [...v.slice(0, 5), 'x'])].map(String).join(' '));
  }

  it.each([
    [HOURLY, NEW_YORK, '2026-03-28', '2026-04-02'],
    [HOURLY, NEW_YORK, '2026-03-30', '2026-04-01'],
    [RANGED, NEW_YORK, '2026-03-27', '2026-04-03'],
    [TONGAN, TONGA, '2026-03-29', '2026-04-02'],
  ])('reads account %s in %s over local days [%s, %s) as the raw events give them, at every granularity and level', async (account, timezone, first, end) => {
    const from = midnight(first, timezone);
    const to = midnight(end, timezone);
    for (const granularity of ['TOTAL', 'DAY', 'WEEK', 'MONTH', 'QUARTER'] as const) {
      const expected = await raw(account, from, to, granularity, timezone);
      expect(expected.length, granularity).toBeGreaterThan(0);
      expect(await rolled(account, 'ad_account', from, to, granularity, timezone), granularity).toEqual(expected);
      expect(await rolled(account, 'ad_account', from, to, granularity, timezone, false), `${granularity} without reach`).toEqual(expected.map((l) => l.replace(/ \d+$/, ' x')));
      for (const level of ['campaign', 'ad'] as const) {
        expect(await rolled(account, level, from, to, granularity, timezone), `${granularity} ${level}`).toEqual(expected.map((l) => l.replace(/ \d+$/, ' x')));
      }
      // Reach on its own (localReachSql, argMax per day instead of FINAL): the raw events' users per period.
      const reach = await executor.query<Record<string, unknown>>(
        localReachSql({ database, level: 'ad_account', adAccountIds: [account], from: new Date(from * 1000), to: new Date(to * 1000), granularity, timezone }),
      );
      expect(reach.map((r) => `${granularity === 'TOTAL' ? '' : String(r['period'])} ${String(r['users'])}`), `${granularity} reach`).toEqual(
        expected.map((l) => `${l.split(' ')[0]} ${l.split(' ').at(-1)}`),
      );
    }
  }, 180_000);

  it('holds the conversion at its click’s local day, and the day rows are the hours summed', async () => {
    const [local] = await executor.query(sql`
      SELECT sum(conversions_checkout) AS c, sum(value_checkout_micros) AS v, sum(impressions) AS i, count() AS n
      FROM ${tableRef(database, 'rollup_ad_account_local_daily')} FINAL WHERE ad_account_id = ${lit.int(HOURLY, 'UInt64')} AND timezone = ${lit.string(NEW_YORK)}`);
    const [hourly] = await executor.query(sql`
      SELECT sum(conversions_checkout) AS c, sum(value_checkout_micros) AS v, sum(impressions) AS i, uniqExact(toDate(hour, ${lit.string(NEW_YORK)})) AS n
      FROM ${tableRef(database, 'rollup_ad_account_hourly')} FINAL WHERE ad_account_id = ${lit.int(HOURLY, 'UInt64')}`);
    expect(local).toEqual(hourly);
    expect(local).toMatchObject({ c: '1', v: '7000000' });
    const [day] = await executor.query(sql`
      SELECT toString(day) AS d FROM ${tableRef(database, 'rollup_ad_account_local_daily')} FINAL
      WHERE ad_account_id = ${lit.int(HOURLY, 'UInt64')} AND conversions_checkout > 0`);
    // The click is at D0 + 39 h = 29 March 15:xx UTC = 11:xx in New York.
    expect(day).toEqual({ d: '2026-03-29' });
  });

  it('builds the same local days from a range recompute as from the hourly jobs', async () => {
    const snapshot = async (account: string): Promise<string> => {
      const rows = await executor.query(sql`
        SELECT toString(day) AS d, campaign_id, ad_group_id, ad_id, impressions, clicks, saves, spend_micros, ivt_impressions, conversions_checkout, uniqHLL12Merge(reach) AS u
        FROM ${tableRef(database, 'rollup_ad_local_daily')} FINAL WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND timezone = ${lit.string(NEW_YORK)}
        GROUP BY d, campaign_id, ad_group_id, ad_id, impressions, clicks, saves, spend_micros, ivt_impressions, conversions_checkout ORDER BY d, ad_id`);
      return JSON.stringify(rows);
    };
    const hourly = await snapshot(HOURLY);
    expect(hourly.length).toBeGreaterThan(100);
    expect(await snapshot(RANGED)).toBe(hourly);
  });

  it('rebuilds, in a range recompute, the local day of a touch outside the range that a conversion in it was attributed to', async () => {
    const account = '9104';
    const ad = { ad_account_id: account, campaign_id: '41', ad_group_id: '411', ad_id: '4111' };
    const events: RawEvent[] = [
      { ...ad, event_id: `i:${account}-1:0`, event_type: 'IMPRESSION', at: '2026-03-28T15:00:00Z', user_id: 'x', price_micros: 1000 },
      { ...ad, event_id: `c:${account}-1:0`, event_type: 'CLICK', at: '2026-03-28T15:01:00Z', user_id: 'x', price_micros: 300_000 },
      // Two New York days later; the range below is its UTC day alone.
      { ad_account_id: account, event_type: 'CONVERSION', currency: 'USD', event_id: `v:${account}:o1`, at: '2026-03-30T16:00:00Z', click_id: `${account}-1:0`, conversion_type: 'checkout', value_micros: 9_000_000 },
    ];
    await insertEvents(executor, database, events);
    for (const hour of hoursOf(events.slice(0, 2))) await recomputeRollupHour(executor, { database, adAccountId: account, hour, version: 10, timezone: NEW_YORK });
    const day = Date.UTC(2026, 2, 30) / 1000;
    const result = await recomputeRollupRange(executor, { database, adAccountId: account, fromHour: day, toHour: day + 86_400, version: 20, timezone: NEW_YORK });
    expect(result.localDates).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    const rows = await executor.query(sql`
      SELECT toString(day) AS d, conversions_checkout AS c, value_checkout_micros AS v, spend_micros AS s FROM ${tableRef(database, 'rollup_ad_account_local_daily')} FINAL
      WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND timezone = ${lit.string(NEW_YORK)} ORDER BY d`);
    // The conversion counts at its click's local day (28 March), not at its own (whose hour the job wrote as a zero row).
    expect(rows).toEqual([
      { d: '2026-03-28', c: '1', v: '9000000', s: '301000' },
      { d: '2026-03-30', c: '0', v: '0', s: '0' },
    ]);
  }, 120_000);

  it('keeps the local day of the build that read the newest hours, whichever job finishes last', async () => {
    const from = midnight('2026-03-30', NEW_YORK);
    const to = midnight('2026-03-31', NEW_YORK);
    const before = await rolled(HOURLY, 'ad_account', from, to, 'TOTAL', NEW_YORK);
    // 30 March 14:02 UTC (10:02 in New York), a new user.
    const late: RawEvent = { ad_account_id: HOURLY, campaign_id: '31', ad_group_id: '311', ad_id: '3111', event_id: 'i:late:0', event_type: 'IMPRESSION', at: '2026-03-30T14:02:00Z', user_id: 'l-new', price_micros: 5 };
    await insertEvents(executor, database, [late]);
    await recomputeRollupHour(executor, { database, adAccountId: HOURLY, hour: Date.parse('2026-03-30T14:00:00Z') / 1000, version: 1000, timezone: NEW_YORK });
    // A job of another hour of that local day (01:00 UTC on the 31st = 21:00 on the 30th) that started earlier finishes last.
    await recomputeRollupHour(executor, { database, adAccountId: HOURLY, hour: Date.parse('2026-03-31T01:00:00Z') / 1000, version: 500, timezone: NEW_YORK });
    const after = await rolled(HOURLY, 'ad_account', from, to, 'TOTAL', NEW_YORK);
    expect(after).toEqual(await raw(HOURLY, from, to, 'TOTAL', NEW_YORK));
    expect(after).not.toEqual(before);
  }, 120_000);

  it('is not the read for a slice that is not whole local days, nor for HOUR, nor without localDays', () => {
    const base = { database, level: 'ad_account' as const, adAccountIds: [HOURLY], granularity: 'DAY' as const, timezone: NEW_YORK };
    const from = new Date(midnight('2026-03-29', NEW_YORK) * 1000);
    const to = new Date(midnight('2026-03-31', NEW_YORK) * 1000);
    expect(localDaysCoverRange({ ...base, from, to })).toBe(true);
    expect(localDaysCoverRange({ ...base, from: new Date(from.getTime() + 3_600_000), to })).toBe(false);
    expect(localDaysCoverRange({ ...base, from, to, granularity: 'HOUR' })).toBe(false);
    // UTC midnights are not New York's; UTC and half-hour zones keep no local days.
    expect(localDaysCoverRange({ ...base, from: new Date(Date.UTC(2026, 2, 29)), to: new Date(Date.UTC(2026, 2, 31)) })).toBe(false);
    expect(localDaysCoverRange({ ...base, timezone: 'UTC', from: new Date(Date.UTC(2026, 2, 29)), to: new Date(Date.UTC(2026, 2, 31)) })).toBe(false);
    expect(localDaysCoverRange({ ...base, timezone: 'Asia/Kolkata', from: new Date(Date.UTC(2026, 2, 28, 18, 30)), to: new Date(Date.UTC(2026, 2, 30, 18, 30)) })).toBe(false);
    expect(rollupSql({ ...base, from, to }).text).not.toContain('_local_daily');
    expect(rollupSql({ ...base, from: new Date(from.getTime() + 3_600_000), to, localDays: true }).text).not.toContain('_local_daily');
  });
});
