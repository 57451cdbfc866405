import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lit,
  recomputeRollupHour,
  rollupSql,
  runClickHouseMigrations,
  sql,
  tableRef,
  type ClickHouseExecutor,
  type Granularity,
  type RollupLevel,
} from '../src';
import { ENGINES, MIGRATIONS_DIR, uniqueDatabase } from './support/engines';
import { insertEvents, type RawEvent } from '../src';

/**
 * The rollup job's SQL on a hand-computed set of raw events, on 18.16 and on
 * current ClickHouse: duplicates in raw, invalid traffic, conversions counted at
 * the ad action's hour, several ads / ad groups / campaigns, two hours.
 */

const ACCOUNT = '9001';
const H1 = Date.UTC(2026, 2, 10, 10) / 1000;
const H2 = H1 + 3600;
const at = (hour: number, minute: number): string => new Date((hour + minute * 60) * 1000).toISOString();

// Campaign 11 > ad group 111 > ads 1111 (CPM) and 1112 (CPC); campaign 12 > ad group 121 > ad 1211.
const ad1111 = { ad_account_id: ACCOUNT, campaign_id: '11', ad_group_id: '111', ad_id: '1111' };
const ad1112 = { ad_account_id: ACCOUNT, campaign_id: '11', ad_group_id: '111', ad_id: '1112' };
const ad1211 = { ad_account_id: ACCOUNT, campaign_id: '12', ad_group_id: '121', ad_id: '1211' };
const conversion = { ad_account_id: ACCOUNT, event_type: 'CONVERSION' as const, currency: 'USD' };

const HOUR_1: RawEvent[] = [
  { ...ad1111, event_id: 'i:a1:0', event_type: 'IMPRESSION', at: at(H1, 1), user_id: 'u1', price_micros: 2000 },
  { ...ad1111, event_id: 'i:a2:0', event_type: 'IMPRESSION', at: at(H1, 2), user_id: 'u2', price_micros: 2000 },
  { ...ad1111, event_id: 'e:a1:0:SAVE', event_type: 'ENGAGEMENT', engagement_type: 'SAVE', at: at(H1, 3), user_id: 'u1' },
  { ...ad1111, event_id: 'e:a1:0:CLOSEUP', event_type: 'ENGAGEMENT', engagement_type: 'CLOSEUP', at: at(H1, 3), user_id: 'u1' },
  { ...ad1111, event_id: 'e:a2:0:OUTBOUND_CLICK', event_type: 'ENGAGEMENT', engagement_type: 'OUTBOUND_CLICK', at: at(H1, 4), user_id: 'u2' },
  { ...ad1111, event_id: 'e:a2:0:SHARE', event_type: 'ENGAGEMENT', engagement_type: 'SHARE', at: at(H1, 4), user_id: 'u2' },
  { ...ad1112, event_id: 'i:a3:0', event_type: 'IMPRESSION', at: at(H1, 5), user_id: 'u1' },
  { ...ad1112, event_id: 'c:a3:0', event_type: 'CLICK', at: at(H1, 6), user_id: 'u1', price_micros: 500_000 },
  // Invalid traffic: counted apart, never billed, not reach.
  { ...ad1211, event_id: 'i:a4:0', event_type: 'IMPRESSION', at: at(H1, 7), user_id: 'u3', ivt: 1 },
  { ...ad1211, event_id: 'c:a4:0', event_type: 'CLICK', at: at(H1, 8), user_id: 'u3', ivt: 1 },
  { ...ad1211, event_id: 'i:a5:0', event_type: 'IMPRESSION', at: at(H1, 9), user_id: 'u4', price_micros: 3000 },
];
// Re-sent copies (a retried batch): the same ids in separate inserts.
const DUPLICATES: RawEvent[] = [HOUR_1[0], HOUR_1[7]];
const HOUR_2: RawEvent[] = [
  { ...ad1111, event_id: 'i:a6:0', event_type: 'IMPRESSION', at: at(H2, 1), user_id: 'u1', price_micros: 2000 },
  { ...ad1211, event_id: 'i:a7:0', event_type: 'IMPRESSION', at: at(H2, 2), user_id: 'u5', price_micros: 3000 },
  // By click id (bare form) to the H1 click of ad 1112.
  { ...conversion, event_id: 'v:9001:o1', at: at(H2, 10), click_id: 'a3:0', conversion_type: 'checkout', value_micros: 10_000_000 },
  // By user id to u4's H1 impression of ad 1211 (u4 never clicked): a view conversion.
  { ...conversion, event_id: 'v:9001:o2', at: at(H2, 11), user_id: 'u4', conversion_type: 'ADD_TO_CART', value_micros: 2_000_000 },
  // No touch at all, and u3's touches are invalid traffic: both unattributed.
  { ...conversion, event_id: 'v:9001:o3', at: at(H2, 12), user_id: 'u9', conversion_type: 'lead' },
  { ...conversion, event_id: 'v:9001:o4', at: at(H2, 13), user_id: 'u3', conversion_type: 'signup', value_micros: 1_500_000 },
];

const ZERO = {
  impressions: '0', clicks: '0', outbound_clicks: '0', saves: '0', closeups: '0', shares: '0',
  spend_micros: '0', billed_impressions: '0', billed_clicks: '0',
  conversions_checkout: '0', conversions_add_to_cart: '0', conversions_lead: '0', conversions_signup: '0',
  conversions_page_visit: '0', conversions_other: '0',
  value_checkout_micros: '0', value_add_to_cart_micros: '0', value_lead_micros: '0', value_signup_micros: '0',
  value_page_visit_micros: '0', value_other_micros: '0',
  ivt_impressions: '0', ivt_clicks: '0', users: '0',
};

const EXPECTED_H1_ADS = [
  { ...ZERO, ...ad1111, impressions: '2', outbound_clicks: '1', saves: '1', closeups: '1', shares: '1', spend_micros: '4000', billed_impressions: '2', users: '2' },
  { ...ZERO, ...ad1112, impressions: '1', clicks: '1', spend_micros: '500000', billed_clicks: '1', conversions_checkout: '1', value_checkout_micros: '10000000', users: '1' },
  { ...ZERO, ...ad1211, impressions: '1', spend_micros: '3000', billed_impressions: '1', conversions_add_to_cart: '1', value_add_to_cart_micros: '2000000', users: '1', ivt_impressions: '1', ivt_clicks: '1' },
];

describe.each(ENGINES)('rollups on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('rollups');

  async function read(level: RollupLevel, hours: [number, number], granularity: Granularity = 'HOUR', timezone = 'UTC'): Promise<Record<string, unknown>[]> {
    const rows = await executor.query<Record<string, unknown>>(
      rollupSql({ database, level, adAccountIds: [ACCOUNT], from: new Date(hours[0] * 1000), to: new Date(hours[1] * 1000), granularity, timezone }),
    );
    // users arrives as a number from uniqMerge (UInt64 quoted): normalise to strings.
    return rows.map((row) => ({ ...row, users: String(row['users']) }));
  }

  async function recompute(hour: number, version: number): Promise<number[]> {
    return (await recomputeRollupHour(executor, { database, adAccountId: ACCOUNT, hour, version })).hours;
  }

  beforeAll(async () => {
    executor = await engine.open();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    await insertEvents(executor, database, HOUR_1);
    await insertEvents(executor, database, DUPLICATES);
    await insertEvents(executor, database, HOUR_2);
    await insertEvents(executor, database, [HOUR_2[4]]);
    await recompute(H1, 1);
    await recompute(H2, 2);
  });

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  it('counts each ad’s hour from raw events, once per event id, with conversions at the ad action’s hour', async () => {
    const rows = await read('ad', [H1, H2]);
    expect(rows).toEqual(EXPECTED_H1_ADS.map((row) => ({ ...row, period: '2026-03-10 10:00:00' })));
  });

  it('sums ad groups and campaigns from their ads and merges their unique users', async () => {
    const group111 = { ...ZERO, ad_account_id: ACCOUNT, campaign_id: '11', impressions: '3', clicks: '1', outbound_clicks: '1', saves: '1', closeups: '1', shares: '1', spend_micros: '504000', billed_impressions: '2', billed_clicks: '1', conversions_checkout: '1', value_checkout_micros: '10000000', users: '2' };
    const campaign12 = { ...EXPECTED_H1_ADS[2], campaign_id: '12' };
    delete (campaign12 as Partial<typeof campaign12>).ad_group_id;
    delete (campaign12 as Partial<typeof campaign12>).ad_id;
    expect(await read('campaign', [H1, H2])).toEqual([
      { ...group111, period: '2026-03-10 10:00:00' },
      { ...campaign12, period: '2026-03-10 10:00:00' },
    ]);
    expect((await read('ad_group', [H1, H2])).map((r) => [r['ad_group_id'], r['spend_micros'], r['users']])).toEqual([
      ['111', '504000', '2'],
      ['121', '3000', '1'],
    ]);
  });

  it('keeps unattributed conversions apart, at the account level in the conversion’s hour', async () => {
    const rows = await read('ad_account', [H1, H2 + 3600]);
    expect(rows).toEqual([
      {
        ...ZERO, ad_account_id: ACCOUNT, period: '2026-03-10 10:00:00',
        impressions: '4', clicks: '1', outbound_clicks: '1', saves: '1', closeups: '1', shares: '1',
        spend_micros: '507000', billed_impressions: '3', billed_clicks: '1',
        conversions_checkout: '1', value_checkout_micros: '10000000', conversions_add_to_cart: '1', value_add_to_cart_micros: '2000000',
        users: '3', ivt_impressions: '1', ivt_clicks: '1', unattributed_conversions: '0', unattributed_value_micros: '0',
      },
      {
        ...ZERO, ad_account_id: ACCOUNT, period: '2026-03-10 11:00:00',
        impressions: '2', spend_micros: '5000', billed_impressions: '2', users: '2',
        unattributed_conversions: '2', unattributed_value_micros: '1500000',
      },
    ]);
  });

  it('merges unique users across hours and levels instead of adding them', async () => {
    const [account] = await read('ad_account', [H1, H2 + 3600], 'TOTAL');
    expect(account).toMatchObject({ impressions: '6', users: '4' }); // u1, u2, u4, u5; u1 in both hours
    const ads = await read('ad', [H1, H2 + 3600], 'TOTAL');
    expect(ads.find((r) => r['ad_id'] === '1111')).toMatchObject({ impressions: '3', users: '2' }); // u1 twice, u2
  });

  it('leaves reach out when asked (reach: false), with every other figure unchanged', async () => {
    const query = { database, level: 'ad_account' as const, adAccountIds: [ACCOUNT], from: new Date(H1 * 1000), to: new Date((H2 + 3600) * 1000), granularity: 'TOTAL' as const, timezone: 'UTC' };
    const [withReach] = await executor.query<Record<string, unknown>>(rollupSql(query));
    const [withoutReach] = await executor.query<Record<string, unknown>>(rollupSql({ ...query, reach: false }));
    expect(withoutReach).not.toHaveProperty('users');
    const { users, ...rest } = withReach!;
    expect(String(users)).toBe('4');
    expect(withoutReach).toEqual(rest);
  });

  it('cuts days, weeks, months and quarters in the ad account’s timezone', async () => {
    // UTC+13 all year: H1 (10:00 UTC) is 23:00 on the 10th there, H2 is midnight on the 11th.
    const periods = async (granularity: Granularity) =>
      (await read('ad_account', [H1, H2 + 3600], granularity, 'Pacific/Fakaofo')).map((r) => [r['period'], r['impressions'], r['users']]);
    expect(await periods('DAY')).toEqual([
      ['2026-03-10', '4', '3'],
      ['2026-03-11', '2', '2'],
    ]);
    expect(await periods('HOUR')).toEqual([
      ['2026-03-10 23:00:00', '4', '3'],
      ['2026-03-11 00:00:00', '2', '2'],
    ]);
    expect(await periods('WEEK')).toEqual([['2026-03-09', '6', '4']]);
    expect(await periods('MONTH')).toEqual([['2026-03-01', '6', '4']]);
    expect(await periods('QUARTER')).toEqual([['2026-01-01', '6', '4']]);
  });

  it('gives the same figures when an hour is recomputed again, and keeps one row per key under FINAL', async () => {
    const before = [await read('ad', [H1, H2 + 3600]), await read('ad_account', [H1, H2 + 3600])];
    await recompute(H2, 3);
    await recompute(H1, 4);
    await recompute(H1, 4);
    expect([await read('ad', [H1, H2 + 3600]), await read('ad_account', [H1, H2 + 3600])]).toEqual(before);
    const [final] = await executor.query<{ n: string }>(
      sql`SELECT count() AS n FROM ${tableRef(database, 'rollup_ad_hourly')} FINAL WHERE ad_account_id = ${lit.int(ACCOUNT, 'UInt64')}`,
    );
    expect(final?.n).toBe('5'); // ads 1111, 1112 and 1211 in H1; 1111 and 1211 in H2
  });

  it('recomputes the conversions’ ad-action hours along with the conversions’ own hour', async () => {
    expect(await recompute(H2, 5)).toEqual([H2, H1]);
    expect(await recompute(H1, 6)).toEqual([H1]);
  });

  it('lets the highest version win whatever order the writes land in', async () => {
    await insertEvents(executor, database, [{ ...ad1112, event_id: 'c:a8:0', event_type: 'CLICK', at: at(H1, 30), user_id: 'u6', price_micros: 250_000 }]);
    await recompute(H1, 100); // sees the new click
    await insertEvents(executor, database, [{ ...ad1112, event_id: 'c:a9:0', event_type: 'CLICK', at: at(H1, 31), user_id: 'u6', price_micros: 1 }]);
    await recompute(H1, 50); // a slower, older run finishing last must not win
    const ads = await read('ad', [H1, H2]);
    expect(ads.find((r) => r['ad_id'] === '1112')).toMatchObject({ clicks: '2', spend_micros: '750000' });
    await recompute(H1, 200);
    expect((await read('ad', [H1, H2])).find((r) => r['ad_id'] === '1112')).toMatchObject({ clicks: '3', spend_micros: '750001' });
  });

  it('counts an event re-flagged as invalid traffic by its latest copy: never as spend', async () => {
    const impression: RawEvent = { ...ad1112, event_id: 'i:a10:0', event_type: 'IMPRESSION', at: at(H1, 40), user_id: 'u7', price_micros: 2000, ingested_at: at(H1, 41) };
    await insertEvents(executor, database, [impression]);
    await insertEvents(executor, database, [{ ...impression, ivt: 1, price_micros: 0, ingested_at: at(H1, 50) }]);
    await recompute(H1, 400);
    expect((await read('ad', [H1, H2])).find((r) => r['ad_id'] === '1112')).toMatchObject({
      impressions: '1',
      ivt_impressions: '1',
      spend_micros: '750001',
      users: '1',
    });
  });
});
