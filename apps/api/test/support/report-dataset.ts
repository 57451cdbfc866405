import { randomInt } from 'node:crypto';
import { insertEvents, recomputeRollupHour, type RawEvent } from '@loupe/analytics';
import { CLICKHOUSE, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { addDays, startOfLocalDay } from '../../src/analytics/local-time';
import { signUp, type TestUser } from './test-app';
import { rollupTimezone } from './rollup-timezone';

/*
 * A hand-computed dataset for the report tests: the owner manages two ad accounts in
 * two currencies and timezones, events rolled up by the real rollup job code.
 *
 * Account A (USD, America/New_York), local day D = 10 days ago, D1 = D + 1:
 *   campaign cA1 / ad group gA1 / ad aA1:
 *     D 10:00  impression u1  2,000 micros  BROWSE  female 25-34
 *     D 10:00  impression u2  2,000         SEARCH  male   25-34
 *     D 11:00  impression u3  2,000         BROWSE  female 35-44
 *     D 10:30  click u1 (unbilled)          BROWSE  female 25-34
 *     D 12:00  checkout 30 USD carrying the click's id (attributed to the click, day D)
 *   campaign cA2 / gA2 / aA2:
 *     D1 09:00 impression u4  1,000         SEARCH  female 25-34   (no clicks: CPC has no denominator)
 *   A over D..D1: impressions 4, clicks 1, spend 7,000, conversions 1, value 30,000,000.
 *   cA1: imps 3, spend 6,000, clicks 1, CTR 1/3, CPC 6,000, ROAS 5,000.  cA2: imps 1, spend 1,000, CTR 0, CPC null, ROAS 0.
 *   BROWSE: imps 2, clicks 1, spend 4,000.  SEARCH: imps 2, clicks 0, spend 3,000.
 *   female: imps 3, spend 5,000, clicks 1.  male: imps 1, spend 2,000.
 * Account B (EUR, Asia/Tokyo), its local day D:
 *   campaign cB1 / gB1 / aB1: D 10:00 impression v1 5,000 BROWSE female 25-34; D 10:05 click v1 500 micros.
 *   B: imps 1, clicks 1, spend 5,500.
 */
export interface ReportDataset {
  owner: TestUser;
  a: string;
  b: string;
  D: string;
  D1: string;
  ids: Record<'cA1' | 'cA2' | 'gA1' | 'gA2' | 'aA1' | 'aA2' | 'cB1' | 'gB1' | 'aB1', string>;
}

export const TZ_A = 'America/New_York';
export const TZ_B = 'Asia/Tokyo';

export async function buildReportDataset(app: NestFastifyApplication): Promise<ReportDataset> {
  const owner = await signUp(app, { timezone: TZ_A, currency: 'USD' });
  const res = await request(app.getHttpServer())
    .post('/v5/ad_accounts')
    .set('Authorization', owner.auth)
    .send({ name: 'Tokyo', country: 'JP', currency: 'EUR', timezone: TZ_B });
  if (res.status !== 200) throw new Error(`create account B: ${res.status} ${JSON.stringify(res.body)}`);
  const b = (res.body as { id: string }).id;
  const a = owner.adAccountId;
  const base = 7_000_000_000 + randomInt(1_000_000_000);
  const ids = {
    cA1: String(base + 1), cA2: String(base + 2), gA1: String(base + 11), gA2: String(base + 12), aA1: String(base + 21), aA2: String(base + 22),
    cB1: String(base + 3), gB1: String(base + 13), aB1: String(base + 23),
  };
  const todayA = new Intl.DateTimeFormat('en-CA', { timeZone: TZ_A }).format(new Date());
  const D = addDays(todayA, -10);
  const D1 = addDays(D, 1);
  const local = (date: string, tz: string, hours: number, minutes = 0): string =>
    new Date(startOfLocalDay(date, tz).getTime() + hours * 3_600_000 + minutes * 60_000).toISOString();
  const adA1 = { ad_account_id: a, campaign_id: ids.cA1, ad_group_id: ids.gA1, ad_id: ids.aA1 };
  const adA2 = { ad_account_id: a, campaign_id: ids.cA2, ad_group_id: ids.gA2, ad_id: ids.aA2 };
  const adB1 = { ad_account_id: b, campaign_id: ids.cB1, ad_group_id: ids.gB1, ad_id: ids.aB1 };
  const seg = (placement: string, gender: string, age_bucket: string) => ({ placement, gender, age_bucket, location: 'US', device: 'MOBILE', interest: 'home' });
  const eventsA: RawEvent[] = [
    { ...adA1, event_id: `i:${a}-1:0`, event_type: 'IMPRESSION', at: local(D, TZ_A, 10), user_id: 'u1', price_micros: 2_000, ...seg('BROWSE', 'female', '25-34') },
    { ...adA1, event_id: `i:${a}-2:0`, event_type: 'IMPRESSION', at: local(D, TZ_A, 10), user_id: 'u2', price_micros: 2_000, ...seg('SEARCH', 'male', '25-34') },
    { ...adA1, event_id: `i:${a}-3:0`, event_type: 'IMPRESSION', at: local(D, TZ_A, 11), user_id: 'u3', price_micros: 2_000, ...seg('BROWSE', 'female', '35-44') },
    { ...adA1, event_id: `c:${a}-1:0`, event_type: 'CLICK', at: local(D, TZ_A, 10, 30), user_id: 'u1', ...seg('BROWSE', 'female', '25-34') },
    {
      ad_account_id: a, event_id: `v:${a}:order-1`, event_type: 'CONVERSION', at: local(D, TZ_A, 12), user_id: 'u1',
      click_id: `c:${a}-1:0`, value_micros: 30_000_000, currency: 'USD', conversion_type: 'checkout',
    },
    { ...adA2, event_id: `i:${a}-4:0`, event_type: 'IMPRESSION', at: local(D1, TZ_A, 9), user_id: 'u4', price_micros: 1_000, ...seg('SEARCH', 'female', '25-34') },
  ];
  const eventsB: RawEvent[] = [
    { ...adB1, event_id: `i:${b}-1:0`, event_type: 'IMPRESSION', at: local(D, TZ_B, 10), user_id: 'v1', price_micros: 5_000, ...seg('BROWSE', 'female', '25-34') },
    { ...adB1, event_id: `c:${b}-1:0`, event_type: 'CLICK', at: local(D, TZ_B, 10, 5), user_id: 'v1', price_micros: 500, ...seg('BROWSE', 'female', '25-34') },
  ];
  const clickhouse = app.get<ClickHouseExecutor>(CLICKHOUSE);
  const config = app.get<LoupeConfig>(LOUPE_CONFIG);
  for (const [account, events] of [[a, eventsA], [b, eventsB]] as const) {
    await insertEvents(clickhouse, config.clickhouse.database, events);
    const hours = [...new Set(events.map((e) => Math.floor(Date.parse(e.at) / 3_600_000) * 3600))].sort();
    for (const hour of hours) await recomputeRollupHour(clickhouse, { database: config.clickhouse.database, adAccountId: account, hour, version: Date.now(), timezone: rollupTimezone(app, account) });
  }
  return { owner, a, b, D, D1, ids };
}
