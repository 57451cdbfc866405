import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedConversionsSql,
  lit,
  recomputeRollupHour,
  rollupSql,
  runClickHouseMigrations,
  sql,
  tableRef,
  type AttributedConversionsQuery,
  type AttributionWindowDays,
  type ClickHouseExecutor,
} from '../src';
import { ENGINES, MIGRATIONS_DIR, uniqueDatabase } from './support/engines';
import { insertEvents, type RawEvent } from '../src';

/**
 * Attribution on both engines: the job's matching (last click, else last view;
 * by click id or hashed user id; 60-day lookback; invalid traffic ignored) and
 * the query-side windows and report times built on its rows.
 */

const ACCOUNT = '9002';
const T = Date.UTC(2026, 2, 20, 12, 0, 30) / 1000; // conversions happen around here
const HOUR = T - 30;
const DAY = 86_400;
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const ad = (n: number) => ({ ad_account_id: ACCOUNT, campaign_id: String(n * 100), ad_group_id: String(n * 10), ad_id: String(n) });
const conversion = (event_id: string, at: number, fields: Partial<RawEvent>): RawEvent => ({
  ad_account_id: ACCOUNT,
  event_type: 'CONVERSION',
  event_id,
  at: iso(at),
  currency: 'USD',
  ...fields,
});

const EVENTS: RawEvent[] = [
  // w1: an old click and a recent impression; a click after the conversion does not count.
  { ...ad(2001), event_id: 'c:b1:0', event_type: 'CLICK', at: iso(T - 10 * DAY), user_id: 'w1' },
  { ...ad(2002), event_id: 'i:b2:0', event_type: 'IMPRESSION', at: iso(T - 2 * 3600), user_id: 'w1' },
  { ...ad(2003), event_id: 'c:b3:0', event_type: 'CLICK', at: iso(T + 300), user_id: 'w1' },
  conversion('v:9002:o1', T, { user_id: 'w1', conversion_type: 'checkout', value_micros: 5_000_000 }),
  // o2 names its click by id (another user's device): matched by click id.
  { ...ad(2004), event_id: 'c:b4:1', event_type: 'CLICK', at: iso(T - DAY), user_id: 'w7' },
  conversion('v:9002:o2', T + 60, { click_id: 'c:b4:1', conversion_type: 'add_to_cart', value_micros: 1_000_000 }),
  // w3's only impression is 61 days old: beyond every window.
  { ...ad(2005), event_id: 'i:b5:0', event_type: 'IMPRESSION', at: iso(T - 61 * DAY), user_id: 'w3' },
  conversion('v:9002:o3', T + 120, { user_id: 'w3', conversion_type: 'lead', value_micros: 300_000 }),
  // w4's click is invalid traffic: never a touch.
  { ...ad(2006), event_id: 'c:b6:0', event_type: 'CLICK', at: iso(T - 3600), user_id: 'w4', ivt: 1 },
  conversion('v:9002:o4', T + 180, { user_id: 'w4', conversion_type: 'signup' }),
  // w5 saw an ad 30 hours before: outside the 1-day view window, inside 7 days.
  { ...ad(2007), event_id: 'i:b7:0', event_type: 'IMPRESSION', at: iso(T - 30 * 3600), user_id: 'w5' },
  conversion('v:9002:o5', T + 240, { user_id: 'w5', conversion_type: 'page_visit', value_micros: 0 }),
];

describe.each(ENGINES)('attribution on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('attribution');

  beforeAll(async () => {
    executor = await engine.open();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    await insertEvents(executor, database, EVENTS);
    await recomputeRollupHour(executor, { database, adAccountId: ACCOUNT, hour: HOUR, version: 1, timezone: null });
  });

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  async function conversionsByAd(
    clickWindowDays: AttributionWindowDays,
    viewWindowDays: AttributionWindowDays,
    overrides: Partial<AttributedConversionsQuery> = {},
  ): Promise<Record<string, unknown>[]> {
    const rows = await executor.query<Record<string, string>>(
      attributedConversionsSql({
        database,
        adAccountIds: [ACCOUNT],
        from: new Date((T - 60 * DAY) * 1000),
        to: new Date((T + DAY) * 1000),
        windows: { clickWindowDays, viewWindowDays },
        reportTime: 'TIME_OF_AD_ACTION',
        level: 'ad',
        granularity: 'TOTAL',
        timezone: 'UTC',
        ...overrides,
      }),
    );
    // Keep the non-zero conversion columns only, for readable expectations.
    return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k, v]) => !/^(conversions|value)_/.test(k) || v !== '0')));
  }

  it('stores each conversion with its last click and last impression within 60 days, matched by click id or user id', async () => {
    const rows = await executor.query(sql`
      SELECT conversion_event_id, conversion_type, has_click, click_event_id, click_match, click_ad_id, has_view, view_event_id, view_match, view_ad_id
      FROM ${tableRef(database, 'attributed_conversions')} FINAL ORDER BY conversion_event_id`);
    expect(rows).toEqual([
      { conversion_event_id: 'v:9002:o1', conversion_type: 'checkout', has_click: 1, click_event_id: 'c:b1:0', click_match: 'user_id', click_ad_id: '2001', has_view: 1, view_event_id: 'i:b2:0', view_match: 'user_id', view_ad_id: '2002' },
      { conversion_event_id: 'v:9002:o2', conversion_type: 'add_to_cart', has_click: 1, click_event_id: 'c:b4:1', click_match: 'click_id', click_ad_id: '2004', has_view: 0, view_event_id: '', view_match: '', view_ad_id: '0' },
      { conversion_event_id: 'v:9002:o3', conversion_type: 'lead', has_click: 0, click_event_id: '', click_match: '', click_ad_id: '0', has_view: 0, view_event_id: '', view_match: '', view_ad_id: '0' },
      { conversion_event_id: 'v:9002:o4', conversion_type: 'signup', has_click: 0, click_event_id: '', click_match: '', click_ad_id: '0', has_view: 0, view_event_id: '', view_match: '', view_ad_id: '0' },
      { conversion_event_id: 'v:9002:o5', conversion_type: 'page_visit', has_click: 0, click_event_id: '', click_match: '', click_ad_id: '0', has_view: 1, view_event_id: 'i:b7:0', view_match: 'user_id', view_ad_id: '2007' },
    ]);
  });

  it('gives a conversion to the click inside the click window even when an impression came later', async () => {
    expect(await conversionsByAd(30, 1)).toEqual([
      { ad_account_id: ACCOUNT, campaign_id: '200100', ad_group_id: '20010', ad_id: '2001', conversions_checkout: '1', value_checkout_micros: '5000000' },
      { ad_account_id: ACCOUNT, campaign_id: '200400', ad_group_id: '20040', ad_id: '2004', conversions_add_to_cart: '1', value_add_to_cart_micros: '1000000' },
    ]);
  });

  it('falls back to the impression when the click is outside a shorter click window, and widens with the view window', async () => {
    expect((await conversionsByAd(7, 1)).map((r) => r['ad_id'])).toEqual(['2002', '2004']);
    expect((await conversionsByAd(14, 1)).map((r) => r['ad_id'])).toEqual(['2001', '2004']);
    expect((await conversionsByAd(30, 7)).map((r) => r['ad_id'])).toEqual(['2001', '2004', '2007']);
    expect((await conversionsByAd(60, 60)).map((r) => r['ad_id'])).toEqual(['2001', '2004', '2007']); // never the 61-day-old view
  });

  it('treats a 0-day window as switching that kind of touch off', async () => {
    expect((await conversionsByAd(7, 0)).map((r) => r['ad_id'])).toEqual(['2004']);
    expect((await conversionsByAd(0, 1)).map((r) => r['ad_id'])).toEqual(['2002']);
    expect(await conversionsByAd(0, 0)).toEqual([]);
  });

  it('counts unattributed conversions apart, at the account level only', async () => {
    const [account] = await conversionsByAd(30, 1, { level: 'ad_account' });
    expect(account).toEqual({
      ad_account_id: ACCOUNT,
      conversions_checkout: '1',
      value_checkout_micros: '5000000',
      conversions_add_to_cart: '1',
      value_add_to_cart_micros: '1000000',
      unattributed_conversions: '3', // o3 (touch too old), o4 (invalid touch), o5 (view outside 1 day)
      unattributed_value_micros: '300000',
    });
  });

  it('reports a conversion on the day of its ad action or of the conversion, as asked', async () => {
    const byDay = async (reportTime: 'TIME_OF_AD_ACTION' | 'TIME_OF_CONVERSION') =>
      (await conversionsByAd(30, 1, { level: 'ad_account', granularity: 'DAY', reportTime })).map((r) => [
        r['period'],
        r['conversions_checkout'] ?? '0',
        r['conversions_add_to_cart'] ?? '0',
        r['unattributed_conversions'],
      ]);
    expect(await byDay('TIME_OF_AD_ACTION')).toEqual([
      ['2026-03-10', '1', '0', '0'],
      ['2026-03-19', '0', '1', '0'],
      ['2026-03-20', '0', '0', '3'],
    ]);
    expect(await byDay('TIME_OF_CONVERSION')).toEqual([['2026-03-20', '1', '1', '3']]);
  });

  it('agrees with the rollups, which count the default windows at the time of the ad action', async () => {
    const rolled = await executor.query<Record<string, string>>(
      rollupSql({ database, level: 'ad', adAccountIds: [ACCOUNT], from: new Date((T - 60 * DAY) * 1000), to: new Date((T + DAY) * 1000), granularity: 'TOTAL', timezone: 'UTC' }),
    );
    const fromRollups = rolled
      .map((row) => Object.fromEntries(Object.entries(row).filter(([k, v]) => /^(ad_account_id|campaign_id|ad_group_id|ad_id)$/.test(k) || (/^(conversions|value)_/.test(k) && v !== '0'))))
      .filter((row) => Object.keys(row).length > 4);
    expect(fromRollups).toEqual(await conversionsByAd(30, 1));
  });
});

describe.each(ENGINES)('late touches on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('late_touch');
  const C = Date.UTC(2026, 3, 2, 18, 20) / 1000;
  const conversionHour = C - 20 * 60;
  const clickHour = conversionHour - 5 * 3600;

  beforeAll(async () => {
    executor = await engine.open();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
  });

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  it('re-attributes a conversion when its click arrives after it, and moves it to the click’s hour', async () => {
    await insertEvents(executor, database, [conversion('v:9002:late', C, { user_id: 'z1', conversion_type: 'checkout', value_micros: 7_000_000 })]);
    await recomputeRollupHour(executor, { database, adAccountId: ACCOUNT, hour: conversionHour, version: 1, timezone: null });
    const account = async () =>
      (
        await executor.query<Record<string, string>>(
          rollupSql({ database, level: 'ad_account', adAccountIds: [ACCOUNT], from: new Date(clickHour * 1000), to: new Date((conversionHour + 3600) * 1000), granularity: 'TOTAL', timezone: 'UTC' }),
        )
      ).map((r) => [r['conversions_checkout'], r['unattributed_conversions']]);
    expect(await account()).toEqual([['0', '1']]);

    // The click (five hours earlier) is ingested only now; its hour's job must pick the conversion up.
    await insertEvents(executor, database, [{ ...ad(3001), event_id: 'c:z9:0', event_type: 'CLICK', at: iso(clickHour + 600), user_id: 'z1' }]);
    const result = await recomputeRollupHour(executor, { database, adAccountId: ACCOUNT, hour: clickHour, version: 2, timezone: null });
    expect(result).toMatchObject({ reattributedHours: [conversionHour], hours: [clickHour, conversionHour] });
    expect(await account()).toEqual([['1', '0']]);

    // Running the click's hour again finds nothing newer to re-attribute.
    expect((await recomputeRollupHour(executor, { database, adAccountId: ACCOUNT, hour: clickHour, version: 3, timezone: null })).reattributedHours).toEqual([]);
  });

  it('ignores a touch whose latest copy was re-flagged as invalid traffic', async () => {
    const click: RawEvent = { ...ad(3002), event_id: 'c:z8:0', event_type: 'CLICK', at: iso(clickHour + 900), user_id: 'z2', ingested_at: iso(clickHour + 1000) };
    await insertEvents(executor, database, [click]);
    await insertEvents(executor, database, [{ ...click, ivt: 1, ingested_at: iso(clickHour + 2000) }]);
    await insertEvents(executor, database, [conversion('v:9002:reflagged', C + 60, { user_id: 'z2', conversion_type: 'lead' })]);
    await recomputeRollupHour(executor, { database, adAccountId: ACCOUNT, hour: conversionHour, version: 10, timezone: null });
    const [row] = await executor.query(sql`
      SELECT has_click, click_event_id FROM ${tableRef(database, 'attributed_conversions')} FINAL
      WHERE conversion_event_id = 'v:9002:reflagged'`);
    expect(row).toEqual({ has_click: 0, click_event_id: '' });
  });
});
