import { randomInt } from 'node:crypto';
import { insertEvents, recomputeRollupHour, type RawEvent } from '@loupe/analytics';
import { CLICKHOUSE, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, startOfLocalDay } from '../src/analytics/local-time';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';
import { rollupTimezone } from './support/rollup-timezone';

/*
 * A hand-computed dataset in an America/New_York account, rolled up by the real rollup
 * job code, read through the Pinterest analytics endpoints.
 *
 * Local day D (ten days ago, New York time) = [D 05:00Z, D+1 05:00Z) in November (EST):
 *   campaign 11 / ad group 21 / ad 31: impressions at D 10:00Z by u1, u2, u3, u1 and at
 *     D+1 03:00Z by u4 (UTC date D+1, local date D) — 2,000 micros each; one IVT
 *     impression (not counted); clicks at D 10:30Z ×2 (unbilled: CPM); a save, a
 *     close-up and an outbound click; a checkout of 50 units at D+1 06:00Z (local D+1)
 *     carrying the first click's id.
 *   campaign 12 / ad group 22 / ad 32: one impression at D 15:00Z by u6, 1,000 micros,
 *     no clicks (a zero-denominator slice for CPC).
 *   campaign 11 / ad group 23 / ad 33: two impressions at D 04:00Z (local D−1 23:00),
 *     3,000 micros each, by u5 — they belong to day D−1.
 * Day D: impressions 6, spend 11,000, clicks 2, engagements 5, reach 5 users;
 * the checkout counts on D at the time of the ad action and on D+1 at conversion time.
 */
const TZ = 'America/New_York';

describe('Pinterest analytics endpoints', () => {
  const t = useTestApp();
  let owner: TestUser;
  let D: string;
  const ids = { c11: '', c12: '', g21: '', g22: '', g23: '', a31: '', a32: '', a33: '' };

  beforeAll(async () => {
    owner = await signUp(t.app, { timezone: TZ });
    const base = 9_000_000_000 + randomInt(1_000_000_000);
    Object.assign(ids, {
      c11: String(base + 11), c12: String(base + 12), g21: String(base + 21), g22: String(base + 22), g23: String(base + 23),
      a31: String(base + 31), a32: String(base + 32), a33: String(base + 33),
    });
    const todayNy = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
    D = addDays(todayNy, -10);
    const dayStart = startOfLocalDay(D, TZ).getTime();
    const at = (hoursFromLocalMidnight: number, minutes = 0): string => new Date(dayStart + hoursFromLocalMidnight * 3_600_000 + minutes * 60_000).toISOString();
    const offsetHours = (dayStart - Date.parse(`${D}T00:00:00Z`)) / 3_600_000; // 5 in EST, 4 in EDT
    const utc = (h: number, m = 0): string => at(h - offsetHours, m);
    const acct = owner.adAccountId;
    const a31 = { ad_account_id: acct, campaign_id: ids.c11, ad_group_id: ids.g21, ad_id: ids.a31 };
    const a32 = { ad_account_id: acct, campaign_id: ids.c12, ad_group_id: ids.g22, ad_id: ids.a32 };
    const a33 = { ad_account_id: acct, campaign_id: ids.c11, ad_group_id: ids.g23, ad_id: ids.a33 };
    const events: RawEvent[] = [
      ...['u1', 'u2', 'u3', 'u1'].map((u, i) => ({ ...a31, event_id: `i:auc-${acct}-${i}:0`, event_type: 'IMPRESSION' as const, at: utc(10), user_id: u, price_micros: 2_000 })),
      { ...a31, event_id: `i:auc-${acct}-4:0`, event_type: 'IMPRESSION', at: utc(27), user_id: 'u4', price_micros: 2_000 },
      { ...a31, event_id: `i:auc-${acct}-5:0`, event_type: 'IMPRESSION', at: utc(10), user_id: 'bot', price_micros: 0, ivt: 1 },
      { ...a31, event_id: `c:auc-${acct}-0:0`, event_type: 'CLICK', at: utc(10, 30), user_id: 'u1' },
      { ...a31, event_id: `c:auc-${acct}-1:0`, event_type: 'CLICK', at: utc(10, 30), user_id: 'u2' },
      { ...a31, event_id: `e:auc-${acct}-2:0:SAVE`, event_type: 'ENGAGEMENT', engagement_type: 'SAVE', at: utc(11), user_id: 'u3' },
      { ...a31, event_id: `e:auc-${acct}-2:0:CLOSEUP`, event_type: 'ENGAGEMENT', engagement_type: 'CLOSEUP', at: utc(11), user_id: 'u3' },
      { ...a31, event_id: `e:auc-${acct}-0:0:OUTBOUND_CLICK`, event_type: 'ENGAGEMENT', engagement_type: 'OUTBOUND_CLICK', at: utc(11), user_id: 'u1' },
      { ...a32, event_id: `i:auc-${acct}-6:0`, event_type: 'IMPRESSION', at: utc(15), user_id: 'u6', price_micros: 1_000 },
      { ...a33, event_id: `i:auc-${acct}-7:0`, event_type: 'IMPRESSION', at: utc(4), user_id: 'u5', price_micros: 3_000 },
      { ...a33, event_id: `i:auc-${acct}-8:0`, event_type: 'IMPRESSION', at: utc(4), user_id: 'u5', price_micros: 3_000 },
      {
        ad_account_id: acct, event_id: `v:${acct}:order-1`, event_type: 'CONVERSION', at: utc(30), user_id: 'u1',
        click_id: `c:auc-${acct}-0:0`, value_micros: 50_000_000, currency: 'USD', conversion_type: 'checkout',
      },
    ];
    const clickhouse = t.app.get<ClickHouseExecutor>(CLICKHOUSE);
    const config = t.app.get<LoupeConfig>(LOUPE_CONFIG);
    await insertEvents(clickhouse, config.clickhouse.database, events);
    const hours = [...new Set(events.map((e) => Math.floor(Date.parse(e.at) / 3_600_000) * 3600))].sort();
    for (const hour of hours) {
      await recomputeRollupHour(clickhouse, { database: config.clickhouse.database, adAccountId: acct, hour, version: Date.now(), timezone: rollupTimezone(t.app, acct) });
    }
  });

  const get = (path: string, query: Record<string, string | number | boolean>) =>
    t.http().get(`/v5/ad_accounts/${owner.adAccountId}${path}`).query(query).set('Authorization', owner.auth);
  const COLUMNS = [
    'SPEND_IN_MICRO_DOLLAR', 'SPEND_IN_DOLLAR', 'PAID_IMPRESSION', 'IMPRESSION_1', 'CLICKTHROUGH_1', 'OUTBOUND_CLICK_1', 'REPIN_1', 'CTR',
    'ECPC_IN_MICRO_DOLLAR', 'CPM_IN_MICRO_DOLLAR', 'TOTAL_ENGAGEMENT', 'ENGAGEMENT_RATE', 'TOTAL_CONVERSIONS', 'TOTAL_CHECKOUT',
    'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'CHECKOUT_ROAS', 'TOTAL_IMPRESSION_USER',
  ].join(',');

  it('answers the hand-computed totals of a local day, cut in the account timezone', async () => {
    const res = await get('/analytics', { start_date: D, end_date: D, granularity: 'TOTAL', columns: COLUMNS });
    expect(res.status).toBe(200);
    expectPinterest('AdAccountAnalyticsResponse', res.body);
    expect(res.body).toEqual([
      {
        AD_ACCOUNT_ID: owner.adAccountId,
        SPEND_IN_MICRO_DOLLAR: 11_000,
        SPEND_IN_DOLLAR: 0.011,
        PAID_IMPRESSION: 6,
        IMPRESSION_1: 6,
        CLICKTHROUGH_1: 2,
        OUTBOUND_CLICK_1: 1,
        REPIN_1: 1,
        CTR: 0.3333333333,
        ECPC_IN_MICRO_DOLLAR: 5_500,
        CPM_IN_MICRO_DOLLAR: 1_833_333,
        TOTAL_ENGAGEMENT: 5,
        ENGAGEMENT_RATE: 0.8333333333,
        TOTAL_CONVERSIONS: 1,
        TOTAL_CHECKOUT: 1,
        TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR: 50_000_000,
        CHECKOUT_ROAS: 4545.4545454545,
        TOTAL_IMPRESSION_USER: 5,
      },
    ]);
  });

  it('splits days at the local midnight: the 23:00 impressions belong to the day before', async () => {
    const res = await get('/analytics', { start_date: addDays(D, -1), end_date: addDays(D, 1), granularity: 'DAY', columns: 'PAID_IMPRESSION,SPEND_IN_MICRO_DOLLAR,TOTAL_CONVERSIONS' });
    expect(res.status).toBe(200);
    expectPinterest('AdAccountAnalyticsResponse', res.body);
    const byDate = Object.fromEntries((res.body as { DATE: string }[]).map((r) => [r.DATE, r]));
    expect(byDate[addDays(D, -1)]).toMatchObject({ PAID_IMPRESSION: 2, SPEND_IN_MICRO_DOLLAR: 6_000, TOTAL_CONVERSIONS: 0 });
    expect(byDate[D]).toMatchObject({ PAID_IMPRESSION: 6, SPEND_IN_MICRO_DOLLAR: 11_000, TOTAL_CONVERSIONS: 1 });
  });

  it('reports the conversion at the time of the ad action or of the conversion, as asked', async () => {
    const range = { start_date: D, end_date: addDays(D, 1), granularity: 'DAY', columns: 'TOTAL_CONVERSIONS,TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR' };
    const atConversion = await get('/analytics', { ...range, conversion_report_time: 'TIME_OF_CONVERSION' });
    expect(atConversion.status).toBe(200);
    const rows = Object.fromEntries((atConversion.body as { DATE: string; TOTAL_CONVERSIONS: number }[]).map((r) => [r.DATE, r.TOTAL_CONVERSIONS]));
    expect(rows[D] ?? 0).toBe(0);
    expect(rows[addDays(D, 1)]).toBe(1);
  });

  it('applies the attribution windows: the view claims it without a click window, nothing claims it without either', async () => {
    const base = { start_date: D, end_date: D, granularity: 'TOTAL', columns: 'TOTAL_CONVERSIONS' };
    // The checkout came 20 h after u1's impression and 19.5 h after u1's click.
    expect((await get('/analytics', { ...base, click_window_days: 0, view_window_days: 1 })).body).toEqual([{ AD_ACCOUNT_ID: owner.adAccountId, TOTAL_CONVERSIONS: 1 }]);
    expect((await get('/analytics', { ...base, click_window_days: 1, view_window_days: 0 })).body).toEqual([{ AD_ACCOUNT_ID: owner.adAccountId, TOTAL_CONVERSIONS: 1 }]);
    expect((await get('/analytics', { ...base, click_window_days: 0, view_window_days: 0 })).body).toEqual([{ AD_ACCOUNT_ID: owner.adAccountId, TOTAL_CONVERSIONS: 0 }]);
  });

  it('answers per campaign, with null ratios for a zero denominator, and aggregates rows on request', async () => {
    const query = { start_date: D, end_date: D, granularity: 'TOTAL', columns: 'PAID_IMPRESSION,SPEND_IN_MICRO_DOLLAR,CLICKTHROUGH_1,CTR,ECPC_IN_MICRO_DOLLAR', campaign_ids: `${ids.c11},${ids.c12}` };
    const res = await get('/campaigns/analytics', query);
    expect(res.status).toBe(200);
    expectPinterest('CampaignsAnalyticsResponse', res.body);
    expect(res.body).toEqual([
      { CAMPAIGN_ID: ids.c11, PAID_IMPRESSION: 5, SPEND_IN_MICRO_DOLLAR: 10_000, CLICKTHROUGH_1: 2, CTR: 0.4, ECPC_IN_MICRO_DOLLAR: 5_000 },
      { CAMPAIGN_ID: ids.c12, PAID_IMPRESSION: 1, SPEND_IN_MICRO_DOLLAR: 1_000, CLICKTHROUGH_1: 0, CTR: 0, ECPC_IN_MICRO_DOLLAR: null },
    ]);
    const aggregated = await get('/campaigns/analytics', { ...query, aggregate_report_rows: true });
    expect(aggregated.body).toEqual([{ PAID_IMPRESSION: 6, SPEND_IN_MICRO_DOLLAR: 11_000, CLICKTHROUGH_1: 2, CTR: 0.3333333333, ECPC_IN_MICRO_DOLLAR: 5_500 }]);
  });

  it('answers per ad group and per ad, filtered by the ids asked for', async () => {
    const groups = await get('/ad_groups/analytics', { start_date: D, end_date: D, granularity: 'TOTAL', columns: 'PAID_IMPRESSION', ad_group_ids: `${ids.g21},${ids.g23}` });
    expect(groups.status).toBe(200);
    expectPinterest('AdGroupsAnalyticsResponse', groups.body);
    expect(groups.body).toEqual([{ AD_GROUP_ID: ids.g21, PAID_IMPRESSION: 5 }]);
    const ads = await get('/ads/analytics', { start_date: addDays(D, -1), end_date: D, granularity: 'DAY', columns: 'PAID_IMPRESSION', campaign_ids: ids.c11 });
    expect(ads.status).toBe(200);
    expectPinterest('AdsAnalyticsResponse', ads.body);
    expect(ads.body).toEqual([
      { AD_ID: ids.a33, DATE: addDays(D, -1), PAID_IMPRESSION: 2 },
      { AD_ID: ids.a31, DATE: D, PAID_IMPRESSION: 5 },
    ]);
  });

  it("answers an empty day with zeros and null ratios, and another account's ids with nothing", async () => {
    const empty = addDays(D, -5);
    const res = await get('/analytics', { start_date: empty, end_date: empty, granularity: 'TOTAL', columns: 'PAID_IMPRESSION,CTR,CHECKOUT_ROAS' });
    expect(res.body).toEqual([{ AD_ACCOUNT_ID: owner.adAccountId, PAID_IMPRESSION: 0, CTR: null, CHECKOUT_ROAS: null }]);
    const other = await signUp(t.app);
    const foreign = await t.http().get(`/v5/ad_accounts/${other.adAccountId}/campaigns/analytics`).set('Authorization', other.auth)
      .query({ start_date: D, end_date: D, granularity: 'TOTAL', columns: 'PAID_IMPRESSION', campaign_ids: ids.c11 });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toEqual([]);
  });

  it('refuses bad requests with Pinterest-shaped 400s that say what to send', async () => {
    const ok = { start_date: D, end_date: D, granularity: 'DAY', columns: 'PAID_IMPRESSION' };
    const cases: [Record<string, string | number>, RegExp][] = [
      [{ ...ok, columns: 'NOT_A_COLUMN' }, /NOT_A_COLUMN is not a column Loupe reports/],
      [{ start_date: D, end_date: D, granularity: 'DAY' }, /columns/],
      [{ ...ok, granularity: 'YEAR' }, /granularity/],
      [{ ...ok, start_date: '2026-02-30' }, /start_date/],
      [{ ...ok, start_date: addDays(D, 1), end_date: D }, /must not be before start_date/],
      [{ ...ok, start_date: addDays(D, -200) }, /at most 90 days before today/],
      [{ ...ok, granularity: 'HOUR' }, /granularity HOUR/],
      [{ ...ok, click_window_days: 3 }, /click_window_days/],
      [{ ...ok, conversion_report_time: 'LATER' }, /conversion_report_time/],
    ];
    for (const [query, message] of cases) {
      const res = await get('/analytics', query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.code).toBe(1);
      expect(res.body.message).toMatch(message);
    }
    const noFilter = await get('/ads/analytics', ok);
    expect(noFilter.status).toBe(400);
    expect(noFilter.body.message).toMatch(/ad_ids/);
  });
});
