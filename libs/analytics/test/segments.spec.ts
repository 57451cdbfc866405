import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents, lit, recomputeRollupHour, rollupSql, runClickHouseMigrations, segmentConversionsSql, segmentMeasuresSql, sql, type ClickHouseExecutor, type RawEvent } from '../src';
import { ENGINES, MIGRATIONS_DIR, uniqueDatabase } from './support/engines';

/*
 * Measures by placement / targeting segment from raw events, on 18.16 and current
 * ClickHouse: same counting rules as the rollups (dedupe, no IVT, no conversions),
 * so the segments of a slice add up to the rollups' figure.
 */
const ACCOUNT = '9101';
const H = Date.UTC(2026, 2, 10, 22) / 1000; // 22:00Z = 23:00 in Europe/Paris (CET)
const at = (minutesAfter: number): string => new Date((H + minutesAfter * 60) * 1000).toISOString();
const ad = { ad_account_id: ACCOUNT, campaign_id: '11', ad_group_id: '111', ad_id: '1111' };
const ad2 = { ad_account_id: ACCOUNT, campaign_id: '12', ad_group_id: '121', ad_id: '1211' };
const EVENTS: RawEvent[] = [
  { ...ad, event_id: 'i:1', event_type: 'IMPRESSION', at: at(1), user_id: 'u1', price_micros: 2000, placement: 'BROWSE', age_bucket: '25-34', gender: 'female' },
  { ...ad, event_id: 'i:2', event_type: 'IMPRESSION', at: at(2), user_id: 'u2', price_micros: 2000, placement: 'SEARCH', age_bucket: '25-34', gender: 'male' },
  { ...ad, event_id: 'i:3', event_type: 'IMPRESSION', at: at(3), user_id: 'u1', price_micros: 2000, placement: 'BROWSE', age_bucket: '25-34', gender: 'female' },
  { ...ad, event_id: 'c:1', event_type: 'CLICK', at: at(4), user_id: 'u1', price_micros: 0, placement: 'BROWSE', age_bucket: '25-34', gender: 'female' },
  { ...ad, event_id: 'e:1:SAVE', event_type: 'ENGAGEMENT', engagement_type: 'SAVE', at: at(5), user_id: 'u2', placement: 'SEARCH', age_bucket: '25-34', gender: 'male' },
  // Invalid traffic and a conversion: never counted by segment.
  { ...ad, event_id: 'i:bot', event_type: 'IMPRESSION', at: at(6), user_id: 'bot', ivt: 1, placement: 'BROWSE', age_bucket: '25-34', gender: 'female' },
  { ad_account_id: ACCOUNT, event_id: 'v:1', event_type: 'CONVERSION', at: at(7), user_id: 'u1', click_id: 'c:1', value_micros: 5_000_000, conversion_type: 'checkout' },
  { ...ad2, event_id: 'i:4', event_type: 'IMPRESSION', at: at(65), user_id: 'u3', price_micros: 3000, placement: 'SEARCH', age_bucket: '35-44', gender: 'female' },
];

describe.each(ENGINES)('segment measures on $name', (engine) => {
  let executor: ClickHouseExecutor;
  const database = uniqueDatabase('segments');
  const base = { database, adAccountIds: [ACCOUNT], from: new Date(H * 1000), to: new Date((H + 7200) * 1000), timezone: 'Europe/Paris' };

  beforeAll(async () => {
    executor = await engine.open();
    await runClickHouseMigrations(executor, { database, dir: MIGRATIONS_DIR });
    await insertEvents(executor, database, EVENTS);
    await insertEvents(executor, database, [EVENTS[0]!]); // a re-sent duplicate
    await recomputeRollupHour(executor, { database, adAccountId: ACCOUNT, hour: H, version: 1, timezone: null });
    await recomputeRollupHour(executor, { database, adAccountId: ACCOUNT, hour: H + 3600, version: 1, timezone: null });
  });

  afterAll(async () => {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
    await executor.close();
  });

  it('counts each placement once per event id, without invalid traffic, with days cut in the timezone', async () => {
    const rows = await executor.query<Record<string, unknown>>(segmentMeasuresSql({ ...base, granularity: 'DAY', keys: [], segments: ['placement'] }));
    expect(rows.map((r) => ({ ...r, users: String(r['users']) }))).toEqual([
      { ad_account_id: ACCOUNT, placement: 'BROWSE', period: '2026-03-10', impressions: '2', clicks: '1', outbound_clicks: '0', saves: '0', closeups: '0', shares: '0', spend_micros: '4000', users: '1' },
      { ad_account_id: ACCOUNT, placement: 'SEARCH', period: '2026-03-10', impressions: '1', clicks: '0', outbound_clicks: '0', saves: '1', closeups: '0', shares: '0', spend_micros: '2000', users: '1' },
      { ad_account_id: ACCOUNT, placement: 'SEARCH', period: '2026-03-11', impressions: '1', clicks: '0', outbound_clicks: '0', saves: '0', closeups: '0', shares: '0', spend_micros: '3000', users: '1' },
    ]);
  });

  it('groups by entity and several segments, filters by ids and segment values', async () => {
    const rows = await executor.query<Record<string, unknown>>(
      segmentMeasuresSql({ ...base, granularity: 'TOTAL', keys: ['campaign_id'], segments: ['age_bucket', 'gender'], segmentFilter: { gender: ['female'] }, filter: { campaign_id: ['11', '12'] } }),
    );
    expect(rows.map((r) => [r['campaign_id'], r['age_bucket'], r['gender'], r['impressions'], r['spend_micros']])).toEqual([
      ['11', '25-34', 'female', '2', '4000'],
      ['12', '35-44', 'female', '1', '3000'],
    ]);
  });

  it('counts a conversion in the segment of the touch that claims it, at the touch’s or the conversion’s time', async () => {
    const query = { ...base, granularity: 'DAY' as const, keys: ['campaign_id' as const], segments: ['placement' as const, 'gender' as const], windows: { clickWindowDays: 30 as const, viewWindowDays: 1 as const } };
    const pick = (rows: Record<string, unknown>[]) => rows.map((r) => [r['campaign_id'], r['placement'], r['gender'], r['period'], r['conversions_checkout'], r['value_checkout_micros']]);
    expect(pick(await executor.query(segmentConversionsSql({ ...query, reportTime: 'TIME_OF_AD_ACTION' })))).toEqual([['11', 'BROWSE', 'female', '2026-03-10', '1', '5000000']]);
    expect(pick(await executor.query(segmentConversionsSql({ ...query, reportTime: 'TIME_OF_CONVERSION' })))).toEqual([['11', 'BROWSE', 'female', '2026-03-10', '1', '5000000']]);
    // Filtered to another segment, or without any window, nothing claims it.
    expect(await executor.query(segmentConversionsSql({ ...query, reportTime: 'TIME_OF_AD_ACTION', segmentFilter: { placement: ['SEARCH'] } }))).toEqual([]);
    expect(await executor.query(segmentConversionsSql({ ...query, reportTime: 'TIME_OF_AD_ACTION', windows: { clickWindowDays: 0, viewWindowDays: 0 } }))).toEqual([]);
  });

  it('adds up over every segment value to the rollups’ figures', async () => {
    const segments = await executor.query<Record<string, string>>(segmentMeasuresSql({ ...base, granularity: 'TOTAL', keys: [], segments: ['gender'] }));
    const [rollup] = await executor.query<Record<string, string>>(rollupSql({ ...base, level: 'ad_account', granularity: 'TOTAL' }));
    for (const column of ['impressions', 'clicks', 'saves', 'spend_micros'] as const) {
      expect(segments.reduce((sum, r) => sum + BigInt(r[column]!), 0n)).toBe(BigInt(rollup![column]!));
    }
  });
});
