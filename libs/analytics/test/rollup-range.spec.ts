import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertEvents,
  lit,
  missingDailyRollupDaysSql,
  recomputeRollupHour,
  recomputeRollupRange,
  rollupAccountHourSql,
  rollupAdHourSql,
  rollupParentHourSql,
  rollupSql,
  runClickHouseMigrations,
  sql,
  tableRef,
  type ClickHouseExecutor,
  type RawEvent,
} from '../src';
import { ENGINES, MIGRATIONS_DIR, uniqueDatabase } from './support/engines';

/**
 * recomputeRollupRange must leave every rollup level and attribution exactly as
 * recomputeRollupHour run over each hour does. The same events are stored under two
 * ad accounts; one is recomputed hour by hour, the other as one range, and every row
 * (FINAL, users merged) is compared. The events: several ads, invalid traffic, a
 * duplicate, engagements, conversions by click id and by user (into an earlier hour and
 * into a touch before the range), an unattributed one, a conversion after the range, a
 * touch that arrives after its conversion was attributed, and an hour with nothing.
 */

const H0 = Date.UTC(2026, 4, 4, 22) / 1000;
const HOURS = 6;
const at = (hourIndex: number, minute: number): string => new Date((H0 + hourIndex * 3600 + minute * 60) * 1000).toISOString();

function events(account: string): { first: RawEvent[]; late: RawEvent[] } {
  const ad = (campaign: string, group: string, adId: string) => ({ ad_account_id: account, campaign_id: campaign, ad_group_id: group, ad_id: adId });
  const a1 = ad('11', '111', '1111');
  const a2 = ad('11', '111', '1112');
  const a3 = ad('12', '121', '1211');
  const conversion = { ad_account_id: account, event_type: 'CONVERSION' as const, currency: 'USD' };
  const first: RawEvent[] = [
    // Before the range: a touch whose conversion comes inside it.
    { ...a3, event_id: 'i:p0:0', event_type: 'IMPRESSION', at: at(-2, 5), user_id: 'u7', price_micros: 1500 },
    { ...a1, event_id: 'i:a1:0', event_type: 'IMPRESSION', at: at(0, 1), user_id: 'u1', price_micros: 2000 },
    { ...a1, event_id: 'i:a1:0', event_type: 'IMPRESSION', at: at(0, 1), user_id: 'u1', price_micros: 2000 },
    { ...a1, event_id: 'e:a1:0:SAVE', event_type: 'ENGAGEMENT', engagement_type: 'SAVE', at: at(0, 2), user_id: 'u1' },
    { ...a2, event_id: 'i:a2:0', event_type: 'IMPRESSION', at: at(0, 10), user_id: 'u2' },
    { ...a2, event_id: 'c:a2:0', event_type: 'CLICK', at: at(0, 11), user_id: 'u2', price_micros: 400_000 },
    { ...a3, event_id: 'i:a3:0', event_type: 'IMPRESSION', at: at(1, 7), user_id: 'u3', ivt: 1 },
    { ...a3, event_id: 'c:a3:0', event_type: 'CLICK', at: at(1, 8), user_id: 'u3', ivt: 1 },
    { ...a3, event_id: 'i:a4:0', event_type: 'IMPRESSION', at: at(1, 9), user_id: 'u4', price_micros: 3000 },
    { ...a1, event_id: 'e:a4:0:CLOSEUP', event_type: 'ENGAGEMENT', engagement_type: 'CLOSEUP', at: at(1, 10), user_id: 'u4' },
    // Hour 2 has nothing at all.
    { ...a1, event_id: 'i:a5:0', event_type: 'IMPRESSION', at: at(3, 1), user_id: 'u5', price_micros: 2000 },
    { ...a2, event_id: 'i:a6:0', event_type: 'IMPRESSION', at: at(3, 2), user_id: 'u6' },
    { ...a2, event_id: 'c:a6:0', event_type: 'CLICK', at: at(3, 3), user_id: 'u6', price_micros: 450_000 },
    { ...conversion, event_id: `v:${account}:o1`, at: at(3, 20), click_id: 'a2:0', user_id: 'u2', conversion_type: 'checkout', value_micros: 10_000_000 },
    { ...conversion, event_id: `v:${account}:o2`, at: at(3, 30), user_id: 'u4', conversion_type: 'add_to_cart', value_micros: 2_000_000 },
    { ...conversion, event_id: `v:${account}:o3`, at: at(4, 5), user_id: 'u7', conversion_type: 'lead', value_micros: 30_000_000 },
    { ...conversion, event_id: `v:${account}:o4`, at: at(4, 6), user_id: 'u9', conversion_type: 'signup' },
    { ...a1, event_id: 'i:a7:0', event_type: 'IMPRESSION', at: at(5, 40), user_id: 'u8', price_micros: 2000 },
    // After the range: a conversion of a touch inside it.
    { ...conversion, event_id: `v:${account}:o5`, at: at(HOURS + 1, 5), click_id: 'c:a6:0', conversion_type: 'checkout', value_micros: 5_000_000 },
  ];
  // Arrives after the conversions were attributed: u4's later click now wins o2.
  const late: RawEvent[] = [{ ...a3, event_id: 'c:a8:0', event_type: 'CLICK', at: at(3, 25), user_id: 'u4', price_micros: 300_000 }];
  return { first, late };
}

describe.each(ENGINES)('rollup ranges on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('rollrange');
  const HOURLY = '9101';
  const RANGED = '9102';

  async function snapshot(account: string): Promise<string> {
    const parts: string[] = [];
    const KEYS = ['campaign_id', 'ad_group_id', 'ad_id'];
    const SUMS = ['impressions', 'clicks', 'saves', 'closeups', 'spend_micros', 'billed_impressions', 'billed_clicks', 'conversions_checkout', 'conversions_add_to_cart', 'conversions_lead', 'conversions_signup', 'value_checkout_micros', 'value_add_to_cart_micros', 'value_lead_micros', 'value_signup_micros', 'ivt_impressions', 'ivt_clicks'];
    const UNATTRIBUTED = ['unattributed_conversions', 'unattributed_value_micros'];
    const ident = (name: string) => lit.identifier(name, [...KEYS, ...SUMS, ...UNATTRIBUTED]);
    for (const [table, keys] of [
      ['rollup_ad_account_hourly', []],
      ['rollup_campaign_hourly', KEYS.slice(0, 1)],
      ['rollup_ad_group_hourly', KEYS.slice(0, 2)],
      ['rollup_ad_hourly', KEYS],
    ] as const) {
      const sums = table === 'rollup_ad_account_hourly' ? [...SUMS, ...UNATTRIBUTED] : SUMS;
      const keyList = keys.length > 0 ? sql`, ${sql.join(keys.map(ident))}` : sql``;
      const rows = await executor.query<Record<string, string>>(sql`
        SELECT toString(hour) AS h ${keyList}, ${sql.join(sums.map((n) => sql`toString(sum(${ident(n)})) AS ${ident(n)}`))}, toString(uniqMerge(users)) AS u
        FROM ${tableRef(database, table)} FINAL WHERE ad_account_id = ${lit.int(account, 'UInt64')}
        GROUP BY h ${keyList} ORDER BY h ${keyList}`);
      // An hour the hourly job wrote as zeros and the range left without a row reads the same.
      const nonZero = rows.filter((row) => sums.some((n) => row[n] !== '0'));
      parts.push(`${table}: ${JSON.stringify(nonZero)}`);
    }
    // Reach (uniqHLL12 states) per hour and the daily rollups the dashboard reads.
    for (const [table, keys, time] of [
      ['reach_ad_account_hourly', [], 'hour'],
      ['reach_campaign_hourly', KEYS.slice(0, 1), 'hour'],
      ['reach_ad_group_hourly', KEYS.slice(0, 2), 'hour'],
      ['reach_ad_hourly', KEYS, 'hour'],
    ] as const) {
      const keyList = keys.length > 0 ? sql`, ${sql.join(keys.map(ident))}` : sql``;
      const rows = await executor.query<Record<string, string>>(sql`
        SELECT toString(hour) AS h ${keyList}, toString(uniqHLL12Merge(reach)) AS r
        FROM ${tableRef(database, table)} FINAL WHERE ad_account_id = ${lit.int(account, 'UInt64')}
        GROUP BY h ${keyList} HAVING r != '0' ORDER BY h ${keyList}`);
      parts.push(`${table} (${time}): ${JSON.stringify(rows)}`);
    }
    for (const [table, keys] of [
      ['rollup_ad_account_daily', []],
      ['rollup_campaign_daily', KEYS.slice(0, 1)],
      ['rollup_ad_group_daily', KEYS.slice(0, 2)],
      ['rollup_ad_daily', KEYS],
    ] as const) {
      const sums = table === 'rollup_ad_account_daily' ? [...SUMS, ...UNATTRIBUTED] : SUMS;
      const keyList = keys.length > 0 ? sql`, ${sql.join(keys.map(ident))}` : sql``;
      const rows = await executor.query<Record<string, string>>(sql`
        SELECT toString(day) AS d ${keyList}, ${sql.join(sums.map((n) => sql`toString(sum(${ident(n)})) AS ${ident(n)}`))}, toString(uniqHLL12Merge(reach)) AS r
        FROM ${tableRef(database, table)} FINAL WHERE ad_account_id = ${lit.int(account, 'UInt64')}
        GROUP BY d ${keyList} ORDER BY d ${keyList}`);
      const nonZero = rows.filter((row) => sums.some((n) => row[n] !== '0') || row.r !== '0');
      parts.push(`${table}: ${JSON.stringify(nonZero)}`);
    }
    const attributed = await executor.query<Record<string, unknown>>(sql`
      SELECT replaceOne(conversion_event_id, ${lit.string(account)}, 'A') AS e, has_click, has_view, toString(click_time) AS ct, toString(view_time) AS vt, toString(click_ad_id) AS ca, toString(view_ad_id) AS va
      FROM ${tableRef(database, 'attributed_conversions')} FINAL WHERE ad_account_id = ${lit.int(account, 'UInt64')} ORDER BY e`);
    parts.push(`attributed: ${JSON.stringify(attributed)}`);
    return parts.join('\n');
  }

  beforeAll(async () => {
    executor = await engine.open();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    for (const account of [HOURLY, RANGED]) await insertEvents(executor, database, events(account).first);
    // Hour by hour, as the ingest worker's jobs would run for each hour touched…
    let version = 1;
    for (let h = -2; h <= HOURS + 1; h++) await recomputeRollupHour(executor, { database, adAccountId: HOURLY, hour: H0 + h * 3600, version: version++, timezone: null });
    // …and as ranges: the hour before, the six hours, the hours after.
    await recomputeRollupRange(executor, { database, adAccountId: RANGED, fromHour: H0 - 2 * 3600, toHour: H0, version: 1, nextVersion: () => ++version, timezone: null });
    await recomputeRollupRange(executor, { database, adAccountId: RANGED, fromHour: H0, toHour: H0 + HOURS * 3600, version: ++version, nextVersion: () => ++version, timezone: null });
    await recomputeRollupRange(executor, { database, adAccountId: RANGED, fromHour: H0 + HOURS * 3600, toHour: H0 + (HOURS + 2) * 3600, version: ++version, nextVersion: () => ++version, timezone: null });
  }, 300_000);

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  it('rolls a range up exactly as hour by hour, conversions and attribution included', async () => {
    const hourly = await snapshot(HOURLY);
    expect(hourly).toContain('"conversions_checkout":"1"');
    expect(await snapshot(RANGED)).toBe(hourly);
    expect(hourly).toMatch(/reach_ad_hourly \(hour\): \[\{"h"/);
    expect(hourly).toMatch(/rollup_ad_account_daily: \[\{"d"/);
  });

  it('takes a touch that arrived after its conversion into account, as the hourly job does', async () => {
    let version = 1_000;
    for (const account of [HOURLY, RANGED]) await insertEvents(executor, database, events(account).late);
    await recomputeRollupHour(executor, { database, adAccountId: HOURLY, hour: H0 + 3 * 3600, version: version++, timezone: null });
    await recomputeRollupRange(executor, { database, adAccountId: RANGED, fromHour: H0, toHour: H0 + HOURS * 3600, version: version++, nextVersion: () => version++, timezone: null });
    const hourly = await snapshot(HOURLY);
    expect(hourly).toMatch(/"e":"v:A:o2","has_click":1/);
    expect(await snapshot(RANGED)).toBe(hourly);
  }, 120_000);

  it('finds days with hourly rollups and no daily row, and a range over them fills them, days without events included', async () => {
    // Hourly rows only, as history rolled up before the daily tables (or after 0004 recreated them):
    // one hour with events on day D, and a zero account row (an hour with nothing) on day D + 1.
    const ACCOUNT = '9103';
    const day = Date.UTC(2026, 4, 10) / 1000;
    const hour = day + 10 * 3600;
    const ad = { ad_account_id: ACCOUNT, campaign_id: '31', ad_group_id: '311', ad_id: '3111' };
    const users = ['w1', 'w2', 'w3'];
    await insertEvents(
      executor,
      database,
      users.map((user, n) => ({ ...ad, event_id: `i:m${n}:0`, event_type: 'IMPRESSION' as const, at: new Date((hour + n * 60) * 1000).toISOString(), user_id: user, price_micros: 1000 })),
    );
    const target = { database, adAccountId: ACCOUNT, hour, version: 1 };
    await executor.command(rollupAdHourSql(target));
    for (const level of ['ad_group', 'campaign'] as const) await executor.command(rollupParentHourSql(target, level));
    await executor.command(rollupAccountHourSql(target));
    await executor.command(rollupAccountHourSql({ ...target, hour: day + 86_400 + 5 * 3600 }));
    const missing = async (): Promise<number[]> =>
      (await executor.query<{ ad_account_id: string; day: number | string }>(missingDailyRollupDaysSql(database))).filter((r) => r.ad_account_id === ACCOUNT).map((r) => Number(r.day));
    expect(await missing()).toEqual([day, day + 86_400]);

    const read = (daily: boolean) =>
      executor.query<Record<string, string | number>>(
        rollupSql({ database, level: 'ad_account', adAccountIds: [ACCOUNT], from: new Date(day * 1000), to: new Date((day + 2 * 86_400) * 1000), granularity: 'TOTAL', timezone: 'UTC', daily, columns: ['impressions', 'spend_micros'] }),
      );
    // Before: the daily read finds no day rows (nor reach) and so misses the events.
    expect((await read(true)).map((r) => Number(r.impressions))).not.toEqual([3]);

    await recomputeRollupRange(executor, { database, adAccountId: ACCOUNT, fromHour: day, toHour: day + 2 * 86_400, version: 2, timezone: null });
    expect(await missing()).toEqual([]);
    const [daily] = await read(true);
    const [hourly] = await read(false);
    expect(daily).toMatchObject({ impressions: hourly!.impressions, spend_micros: hourly!.spend_micros });
    expect(Number(daily!.users)).toBe(3);
    expect(Number(daily!.impressions)).toBe(3);
    expect(Number(daily!.spend_micros)).toBe(3000);
  }, 120_000);

  it('refuses a range that is not whole hours', async () => {
    await expect(recomputeRollupRange(executor, { database, adAccountId: RANGED, fromHour: H0 + 1, toHour: H0 + 3600, version: 1, timezone: null })).rejects.toThrow(/whole UTC hours/);
    await expect(recomputeRollupRange(executor, { database, adAccountId: RANGED, fromHour: H0, toHour: H0, version: 1, timezone: null })).rejects.toThrow(/whole UTC hours/);
  });
});
