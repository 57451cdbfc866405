import { randomInt } from 'node:crypto';
import { insertEvents, recomputeRollupHour, type RawEvent } from '@loupe/analytics';
import { nextQuarter, previousQuarter, quarterOf, quarterRange, type Quarter } from '@loupe/metrics';
import { CLICKHOUSE, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../src/analytics/local-time';
import { signUp, useTestApp, type TestUser } from './support/test-app';
import { rollupTimezone } from './support/rollup-timezone';

/*
 * Quarter-over-quarter revenue on a hand-computed dataset, in an Asia/Tokyo account
 * (quarters start at 15:00 UTC the day before), relative to the current quarter Q0:
 *   spend 1,000,000, checkout value 3,000,000   → ROAS 3, ROI 2
 *   spend   500,000 at 23:00 local on its last day (UTC: still that day)
 *   spend 2,000,000 at 01:00 local on its first day (UTC: the previous quarter's last day)
 *   spend 4,000,000, checkout value 12,000,000 → ROAS 3, ROI 2
 *   Q0:  spend 1,000,000, checkout value  2,000,000 → ROAS 2, ROI 1
 * Conversions come 10 minutes after a click that carries the spend's ad.
 */
const TZ = 'Asia/Tokyo';

function label(q: Quarter): string {
  return `${q.year}-Q${q.quarter}`;
}

describe('quarter-over-quarter revenue', () => {
  const t = useTestApp();
  let owner: TestUser;
  let usdUtc: string;
  let eur: string;
  const q: Quarter[] = [];

  async function load(events: RawEvent[], account: string): Promise<void> {
    const clickhouse = t.app.get<ClickHouseExecutor>(CLICKHOUSE);
    const { database } = t.app.get<LoupeConfig>(LOUPE_CONFIG).clickhouse;
    await insertEvents(clickhouse, database, events);
    for (const hour of [...new Set(events.map((e) => Math.floor(Date.parse(e.at) / 3_600_000) * 3600))]) {
      await recomputeRollupHour(clickhouse, { database, adAccountId: account, hour, version: Date.now(), timezone: rollupTimezone(t.app, account) });
    }
  }

  function spend(account: string, key: string, atMs: number, micros: number, conversionValue = 0): RawEvent[] {
    const ids = { ad_account_id: account, campaign_id: '71', ad_group_id: '72', ad_id: '73' };
    const out: RawEvent[] = [{ ...ids, event_id: `i:${key}:0`, event_type: 'IMPRESSION', at: new Date(atMs).toISOString(), user_id: `u-${key}`, price_micros: micros }];
    if (conversionValue > 0) {
      out.push({ ...ids, event_id: `c:${key}:0`, event_type: 'CLICK', at: new Date(atMs + 60_000).toISOString(), user_id: `u-${key}` });
      out.push({
        ad_account_id: account, event_id: `v:${account}:${key}`, event_type: 'CONVERSION', at: new Date(atMs + 600_000).toISOString(),
        user_id: `u-${key}`, click_id: `c:${key}:0`, value_micros: conversionValue, currency: 'USD', conversion_type: 'checkout',
      });
    }
    return out;
  }

  beforeAll(async () => {
    owner = await signUp(t.app, { timezone: TZ });
    const create = async (currency: string, timezone: string): Promise<string> => {
      const res = await t.http().post('/v5/ad_accounts').set('Authorization', owner.auth).send({ name: `${currency} ${timezone}`, country: 'US', currency, timezone });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      return (res.body as { id: string }).id;
    };
    usdUtc = await create('USD', 'UTC');
    eur = await create('EUR', 'Europe/Paris');

    const todayTokyo = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
    q.push(quarterOf(todayTokyo));
    while (q.length < 5) q.unshift(previousQuarter(q[0]!));
    const first = (x: Quarter): number => startOfLocalDay(quarterRange(x).start, TZ).getTime();
    const acct = owner.adAccountId;
    const n = randomInt(1_000_000_000);
    await load(
      [
        ...spend(acct, `q4-${n}`, first(q[0]!) + 10 * 86_400_000, 1_000_000, 3_000_000),
        ...spend(acct, `q3-${n}`, first(nextQuarter(q[1]!)) - 3_600_000, 500_000),
        ...spend(acct, `q2-${n}`, first(q[2]!) + 3_600_000, 2_000_000),
        ...spend(acct, `q1-${n}`, first(q[3]!) + 20 * 86_400_000, 4_000_000, 12_000_000),
        ...spend(acct, `q0-${n}`, first(q[4]!) + 3_600_000, 1_000_000, 2_000_000),
      ],
      acct,
    );
    const firstUtc = (x: Quarter): number => Date.parse(`${quarterRange(x).start}T00:00:00Z`);
    await load(spend(usdUtc, `b-${n}`, firstUtc(q[4]!) + 3_600_000, 250_000), usdUtc);
    const firstParis = (x: Quarter): number => startOfLocalDay(quarterRange(x).start, 'Europe/Paris').getTime();
    await load(spend(eur, `e-${n}`, firstParis(q[4]!) + 3_600_000, 7_000_000), eur);
  });

  it('cuts quarters in the account timezone and states each with its growth', async () => {
    const res = await t.http().get(`/v5/ad_accounts/${owner.adAccountId}/revenue/quarters`).query({ quarters: 5 }).set('Authorization', owner.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ad_account_id: owner.adAccountId, currency: 'USD', timezone: TZ, attribution: { click_window_days: 30, view_window_days: 1, conversion_report_time: 'TIME_OF_AD_ACTION' } });
    const rows = (res.body as { quarters: Record<string, unknown>[] }).quarters;
    expect(rows.map((r) => r.quarter)).toEqual(q.map(label));
    expect(rows.map((r) => [r.spend_in_micro_currency, r.conversion_value_in_micro_currency, r.roas, r.roi])).toEqual([
      [1_000_000, 3_000_000, 3, 2],
      [500_000, 0, 0, -1],
      [2_000_000, 0, 0, -1],
      [4_000_000, 12_000_000, 3, 2],
      [1_000_000, 2_000_000, 2, 1],
    ]);
    expect(rows[1]!.growth).toEqual({ spend: { qoq: -0.5, yoy: null }, conversion_value: { qoq: -1, yoy: null }, roas: { qoq: -1, yoy: null }, roi: { qoq: -1.5, yoy: null } });
    expect(rows[2]!.growth).toMatchObject({ spend: { qoq: 3 }, conversion_value: { qoq: null }, roas: { qoq: null }, roi: { qoq: 0 } });
    expect(rows[4]!.growth).toEqual({
      spend: { qoq: -0.75, yoy: 0 },
      conversion_value: { qoq: -0.8333333333, yoy: -0.3333333333 },
      roas: { qoq: -0.3333333333, yoy: -0.3333333333 },
      roi: { qoq: -0.5, yoy: -0.5 },
    });
    expect(rows[0]).toMatchObject({ start_date: quarterRange(q[0]!).start });
  });

  it('answers across accounts with one total per currency, never summing currencies', async () => {
    const res = await t.http().get('/v5/revenue/quarters').query({ quarters: 1, ad_account_ids: [owner.adAccountId, usdUtc, eur].join(',') }).set('Authorization', owner.auth);
    expect(res.status).toBe(200);
    const body = res.body as { accounts: { ad_account_id: string }[]; totals_by_currency: { currency: string; ad_account_ids: string[]; quarters: { spend_in_micro_currency: number }[] }[] };
    expect(body.accounts.map((a) => a.ad_account_id).sort()).toEqual([owner.adAccountId, usdUtc, eur].sort());
    expect(body.totals_by_currency.map((c) => [c.currency, c.ad_account_ids.length, c.quarters[0]!.spend_in_micro_currency])).toEqual([
      ['EUR', 1, 7_000_000],
      ['USD', 2, 1_250_000],
    ]);
  });

  it("refuses ad accounts the caller has no role on, naming them, and an out-of-range quarter count", async () => {
    const stranger = await signUp(t.app);
    const res = await t.http().get('/v5/revenue/quarters').query({ ad_account_ids: `${owner.adAccountId},${stranger.adAccountId}` }).set('Authorization', owner.auth);
    expect(res.status).toBe(404);
    expect(res.body.message).toContain(stranger.adAccountId);
    const bad = await t.http().get(`/v5/ad_accounts/${owner.adAccountId}/revenue/quarters`).query({ quarters: 13 }).set('Authorization', owner.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/quarters/);
  });
});
