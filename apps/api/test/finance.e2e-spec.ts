import { randomInt } from 'node:crypto';
import type { RawEvent } from '@loupe/analytics';
import { parse } from 'csv-parse/sync';
import { verifyCsvChecksum } from '@loupe/server-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { listRoutes } from '../src/openapi/route-catalog';
import { addMember, sampleCampaign } from './support/route-fixtures';
import { loadEventsAndLedger } from './support/spend-ledger';
import { signUp, useTestApp, type TestUser } from './support/test-app';

/*
 * Finance on a hand-computed dataset in an Asia/Tokyo account (UTC+9: months start at
 * 15:00 UTC the day before), USD:
 *   2026-06-30T14:30Z (JST 06-30 23:30)  campaign A  impression 500,000          → June
 *   2026-06-30T15:30Z (JST 07-01 00:30)  campaign A  impression 2,000,000        → July (UTC: June, Q2)
 *   2026-07-15T03:00Z                    campaign B  impression 1,250,000,
 *                                        billed click 250,000, checkout 4,000,000 → July
 *   2026-07-31T16:00Z (JST 08-01 01:00)  campaign B  impression 300,000          → August (UTC: July)
 * Months (JST): June 500,000 (1 imp) · July 3,500,000 (2 imps, 1 click) · August 300,000 (1 imp).
 * Quarters: Q2 500,000 · Q3 3,800,000 (in UTC it would be Q2 2,500,000 · Q3 1,800,000).
 * Late, after July is closed: an impression of 100,000 on 2026-07-20 (campaign A) and a
 * checkout of 1,000,000 on 2026-08-03 from campaign B's July click.
 */
const TZ = 'Asia/Tokyo';
const AG_A = '910001';
const AG_B = '910002';

interface Figures {
  period: string;
  status: string;
  billed_impressions: number;
  billed_clicks: number;
  spend_in_micro_currency: number;
  restatement_spend_in_micro_currency: number;
  total_spend_in_micro_currency: number;
}

describe('finance: spend per month and quarter, invoices, closed periods and restatements', () => {
  const t = useTestApp();
  let owner: TestUser;
  let finance: TestUser;
  let analyst: TestUser;
  let campaignA: string;
  let campaignB: string;
  let usdUtc: string;
  let eur: string;
  const n = randomInt(1_000_000_000);

  const impression = (account: string, campaign: string, adGroup: string, key: string, at: string, micros: number): RawEvent => ({
    ad_account_id: account, campaign_id: campaign, ad_group_id: adGroup, ad_id: '1', event_id: `i:${key}:${n}`, event_type: 'IMPRESSION', at, user_id: `u-${key}-${n}`, price_micros: micros,
  });

  const createCampaign = async (name: string): Promise<string> => {
    const res = await t.http().post(`/v5/ad_accounts/${owner.adAccountId}/campaigns`).set('Authorization', owner.auth).send([{ ...sampleCampaign(owner.adAccountId), name }]);
    const id = (res.body as { items?: { data: { id: string } | null }[] }).items?.[0]?.data?.id;
    if (!id) throw new Error(`campaign: ${res.status} ${JSON.stringify(res.body)}`);
    return id;
  };

  const get = (path: string, user: TestUser = finance) => t.http().get(path).set('Authorization', user.auth);
  const download = async (path: string, user: TestUser = finance): Promise<Buffer> => {
    const res = await get(path, user).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status, String(res.body)).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    return res.body as Buffer;
  };
  const account = () => `/v5/ad_accounts/${owner.adAccountId}`;
  const invoiceId = (month: string) => `${owner.adAccountId}${month.replace('-', '')}`;

  beforeAll(async () => {
    owner = await signUp(t.app, { timezone: TZ, currency: 'USD', name: 'Tokyo Shop' });
    finance = await signUp(t.app);
    analyst = await signUp(t.app);
    const routes = listRoutes(t.app);
    await addMember(t.app, routes, owner, finance, 'FINANCE_MANAGER');
    await addMember(t.app, routes, owner, analyst, 'ANALYST');
    campaignA = await createCampaign('Spring, "sale"');
    campaignB = await createCampaign('=HYPERLINK("http://evil.example")');
    const acct = owner.adAccountId;
    const b = { ad_account_id: acct, campaign_id: campaignB, ad_group_id: AG_B, ad_id: '1', user_id: `u-b-${n}` };
    await loadEventsAndLedger(t.app, acct, [
      impression(acct, campaignA, AG_A, 'jun', '2026-06-30T14:30:00Z', 500_000),
      impression(acct, campaignA, AG_A, 'jul1', '2026-06-30T15:30:00Z', 2_000_000),
      { ...b, event_id: `i:b:${n}`, event_type: 'IMPRESSION', at: '2026-07-15T03:00:00Z', price_micros: 1_250_000 },
      { ...b, event_id: `c:b:${n}`, event_type: 'CLICK', at: '2026-07-15T03:01:00Z', price_micros: 250_000 },
      { ...b, event_id: `v:b1:${n}`, event_type: 'CONVERSION', at: '2026-07-15T03:10:00Z', click_id: `c:b:${n}`, value_micros: 4_000_000, currency: 'USD', conversion_type: 'checkout' },
      impression(acct, campaignB, AG_B, 'aug', '2026-07-31T16:00:00Z', 300_000),
    ]);
    const create = async (currency: string, timezone: string): Promise<string> => {
      const res = await t.http().post('/v5/ad_accounts').set('Authorization', owner.auth).send({ name: `${currency} ${timezone}`, country: 'US', currency, timezone });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      return (res.body as { id: string }).id;
    };
    usdUtc = await create('USD', 'UTC');
    eur = await create('EUR', 'Europe/Paris');
    await loadEventsAndLedger(t.app, usdUtc, [impression(usdUtc, '5', '6', 'usd', '2026-07-10T12:00:00Z', 1_000_000)]);
    await loadEventsAndLedger(t.app, eur, [impression(eur, '5', '6', 'eur', '2026-07-10T12:00:00Z', 7_000_000)]);
  }, 120_000);

  it('cuts months in the account timezone: spend, billed impressions and clicks per month are exact', async () => {
    const res = await get(`${account()}/finance/spend?granularity=MONTH&start=2026-06&end=2026-08`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ad_account_id: owner.adAccountId, currency: 'USD', timezone: TZ, granularity: 'MONTH' });
    const periods = (res.body as { periods: Figures[] }).periods;
    expect(periods.map((p) => [p.period, p.billed_impressions, p.billed_clicks, p.spend_in_micro_currency, p.total_spend_in_micro_currency])).toEqual([
      ['2026-06', 1, 0, 500_000, 500_000],
      ['2026-07', 2, 1, 3_500_000, 3_500_000],
      ['2026-08', 1, 0, 300_000, 300_000],
    ]);
    expect((res.body as { totals: Figures }).totals.spend_in_micro_currency).toBe(4_300_000);
  });

  it('cuts quarters in the account timezone, where the boundary differs from UTC', async () => {
    const res = await get(`${account()}/finance/spend?granularity=QUARTER&start=2026-05&end=2026-08`);
    expect(res.status).toBe(200);
    const periods = (res.body as { periods: (Figures & { start_date: string; end_date: string })[] }).periods;
    expect(periods.map((p) => [p.period, p.start_date, p.end_date, p.spend_in_micro_currency])).toEqual([
      ['2026-Q2', '2026-04-01', '2026-06-30', 500_000],
      ['2026-Q3', '2026-07-01', '2026-09-30', 3_800_000],
    ]);
  });

  it('counts the hour that straddles local midnight in a half-hour timezone in the month it starts in (documented caveat)', async () => {
    // Asia/Kolkata is UTC+5:30: 1 July starts at 2026-06-30T18:30Z.
    const kolkata = await signUp(t.app, { timezone: 'Asia/Kolkata', currency: 'INR' });
    const acct = kolkata.adAccountId;
    await loadEventsAndLedger(t.app, acct, [
      impression(acct, '5', '6', 'k-2330', '2026-06-30T18:10:00Z', 10_000), // 23:40 local, 30 June: June
      impression(acct, '5', '6', 'k-0040', '2026-06-30T18:40:00Z', 20_000), // 00:10 local, 1 July, but in the hour that starts in June: June
      impression(acct, '5', '6', 'k-0110', '2026-06-30T19:40:00Z', 40_000), // 01:10 local: July
    ]);
    const res = await t.http().get(`/v5/ad_accounts/${acct}/finance/spend?start=2026-06&end=2026-07`).set('Authorization', kolkata.auth);
    expect(res.status).toBe(200);
    expect((res.body as { periods: Figures[] }).periods.map((p) => [p.period, p.spend_in_micro_currency])).toEqual([
      ['2026-06', 30_000],
      ['2026-07', 40_000],
    ]);
  });

  it('answers across accounts with one total per currency, never summing currencies', async () => {
    const res = await get(`/v5/finance/spend?granularity=MONTH&start=2026-07&end=2026-07&ad_account_ids=${owner.adAccountId},${usdUtc},${eur}`, owner);
    expect(res.status).toBe(200);
    const body = res.body as { accounts: { ad_account_id: string }[]; totals_by_currency: { currency: string; ad_account_ids: string[]; totals: Figures }[] };
    expect(body.accounts).toHaveLength(3);
    expect(body.totals_by_currency.map((c) => [c.currency, c.ad_account_ids.length, c.totals.spend_in_micro_currency])).toEqual([
      ['EUR', 1, 7_000_000],
      ['USD', 2, 4_500_000],
    ]);
  });

  it("bills each month's ledger: the invoice total equals the spend ledger of the local month, lines per campaign", async () => {
    const [ledger] = await t.db.query<{ spend: string }[]>(
      `SELECT sum(spend_micros)::text AS spend FROM spend_ledger WHERE ad_account_id = $1 AND hour >= '2026-06-30T15:00:00Z' AND hour < '2026-07-31T15:00:00Z'`,
      [owner.adAccountId],
    );
    const list = await get(`${account()}/billing_invoices?start=2026-05&end=2026-09`);
    expect(list.status).toBe(200);
    const items = (list.body as { items: { billing_period: string; amount_billed_micro_currency: number; status: string; id: string }[] }).items;
    expect(items.map((i) => [i.billing_period, i.amount_billed_micro_currency, i.status])).toEqual([
      ['2026-08', 300_000, 'OPEN'],
      ['2026-07', 3_500_000, 'OPEN'],
      ['2026-06', 500_000, 'OPEN'],
    ]);
    expect(items[1]!.amount_billed_micro_currency).toBe(Number(ledger!.spend));
    const one = await get(`${account()}/billing_invoices/${invoiceId('2026-07')}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ invoice_number: `LOUPE-${owner.adAccountId}-202607`, billing_period_start_date: '2026-07-01', billing_period_end_date: '2026-07-31', currency: 'USD', timezone: TZ });
    const lines = (one.body as { lines: Record<string, unknown>[] }).lines;
    expect(lines.map((l) => [l.line_type, l.campaign_id, l.spend_in_micro_currency, l.billed_clicks, l.conversion_value_in_micro_currency])).toEqual([
      ['SPEND', campaignA, 2_000_000, 0, 0],
      ['SPEND', campaignB, 1_500_000, 1, 4_000_000],
    ]);
  });

  it('refuses to close a month that has not ended in the account timezone, and a malformed month', async () => {
    const current = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date()).slice(0, 7);
    const res = await t.http().post(`${account()}/finance/periods/${current}/close`).set('Authorization', finance.auth).send({});
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 9 });
    expect(res.body.message).toContain(TZ);
    const bad = await t.http().post(`${account()}/finance/periods/2026-7/close`).set('Authorization', finance.auth).send({});
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 1, message: expect.stringMatching(/period/) });
  });

  it('lets ANALYST read analytics but not finance: no CSV, no closing', async () => {
    expect((await get(`${account()}/analytics?start_date=2026-11-01&end_date=2026-11-02&columns=SPEND_IN_MICRO_DOLLAR&granularity=TOTAL`, analyst)).status).not.toBe(403);
    const csv = await get(`${account()}/finance/spend?start=2026-07&end=2026-07&format=csv`, analyst);
    expect(csv.status).toBe(403);
    expect(csv.body).toMatchObject({ code: 3 });
    expect((await get(`${account()}/billing_invoices/${invoiceId('2026-07')}?format=csv`, analyst)).status).toBe(403);
    const close = await t.http().post(`${account()}/finance/periods/2026-07/close`).set('Authorization', analyst.auth).send({});
    expect(close.status).toBe(403);
    expect(close.body).toMatchObject({ code: 3 });
    const across = await get(`/v5/finance/spend?start=2026-07&end=2026-07&ad_account_ids=${owner.adAccountId}`, analyst);
    expect(across.status).toBe(403);
    expect(across.body.message).toContain(`${owner.adAccountId} (ANALYST)`);
    const periods = await get(`${account()}/finance/periods?start=2026-07&end=2026-07`);
    expect((periods.body as { items: { status: string }[] }).items[0]!.status).toBe('OPEN');
  });

  it("freezes a closed month: its CSVs are byte-identical after late events and conversions, which are restated in the next open month", async () => {
    const closed = await t.http().post(`${account()}/finance/periods/2026-07/close`).set('Authorization', finance.auth).send({ note: 'July reconciled' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ period: '2026-07', status: 'CLOSED', closed_by: finance.userId, note: 'July reconciled', timezone: TZ });
    const again = await t.http().post(`${account()}/finance/periods/2026-07/close`).set('Authorization', owner.auth).send({});
    expect(again.status).toBe(200);
    expect(again.body.closed_at).toBe(closed.body.closed_at);

    const invoiceCsv = `${account()}/billing_invoices/${invoiceId('2026-07')}?format=csv&bom=true`;
    const spendCsv = `${account()}/finance/spend?granularity=MONTH&start=2026-07&end=2026-07&format=csv`;
    const invoiceBefore = await download(invoiceCsv);
    const spendBefore = await download(spendCsv);

    const invoiceText = invoiceBefore.toString('utf8');
    expect(invoiceBefore.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(invoiceText).toContain(`# generated at: ${closed.body.closed_at as string}\r\n`);
    expect(invoiceText).toContain(`# timezone: ${TZ}\r\n`);
    expect(invoiceText).toContain('# attribution windows: click 30 days; view 1 day;');
    expect(invoiceText).toContain(`SPEND,${campaignA},"Spring, ""sale""",,,1,0,2.000000,0.000000\r\n`);
    expect(invoiceText).toContain(`SPEND,${campaignB},"'=HYPERLINK(""http://evil.example"")",,,1,1,1.500000,4.000000\r\n`);
    expect((await verifyCsvChecksum(invoiceBefore)).valid).toBe(true);
    expect((await verifyCsvChecksum(spendBefore)).meta).toMatchObject({ currency: 'USD', timezone: TZ, period: '2026-07-01 to 2026-07-31 (inclusive)' });

    // Late: an impression inside July, and a checkout in August from campaign B's July click.
    const acct = owner.adAccountId;
    await loadEventsAndLedger(t.app, acct, [
      impression(acct, campaignA, AG_A, 'late', '2026-07-20T00:00:00Z', 100_000),
      {
        ad_account_id: acct, event_id: `v:b2:${n}`, event_type: 'CONVERSION', at: '2026-08-03T00:00:00Z', user_id: `u-b-${n}`,
        click_id: `c:b:${n}`, value_micros: 1_000_000, currency: 'USD', conversion_type: 'checkout',
      },
    ]);

    expect((await download(invoiceCsv)).equals(invoiceBefore)).toBe(true);
    expect((await download(spendCsv)).equals(spendBefore)).toBe(true);

    const months = await get(`${account()}/finance/spend?granularity=MONTH&start=2026-07&end=2026-08`);
    expect((months.body as { periods: Figures[] }).periods.map((p) => [p.period, p.status, p.spend_in_micro_currency, p.restatement_spend_in_micro_currency, p.total_spend_in_micro_currency])).toEqual([
      ['2026-07', 'CLOSED', 3_500_000, 0, 3_500_000],
      ['2026-08', 'OPEN', 300_000, 100_000, 400_000],
    ]);
    const august = await get(`${account()}/billing_invoices/${invoiceId('2026-08')}`);
    const restated = (august.body as { lines: Record<string, unknown>[] }).lines.filter((l) => l.line_type === 'RESTATEMENT');
    expect(restated.map((l) => [l.campaign_id, l.restated_period, l.spend_in_micro_currency, l.billed_impressions, l.conversion_value_in_micro_currency])).toEqual([
      [campaignA, '2026-07', 100_000, 1, 0],
      [campaignB, '2026-07', 0, 0, 1_000_000],
    ]);
    expect(Date.parse(restated[0]!.detected_at as string)).toBeGreaterThan(Date.parse(closed.body.closed_at as string));
    expect(august.body).toMatchObject({ amount_billed_micro_currency: 400_000, restatement_micro_currency: 100_000, status: 'OPEN' });

    // Detection is booked once: reading again finds nothing new.
    const twice = await get(`${account()}/billing_invoices/${invoiceId('2026-08')}`);
    expect((twice.body as { lines: unknown[] }).lines).toHaveLength((august.body as { lines: unknown[] }).lines.length);
    const [count] = await t.db.query<{ n: string }[]>(`SELECT count(*)::text AS n FROM finance_restatements WHERE ad_account_id = $1`, [acct]);
    expect(count!.n).toBe('2');
  });

  it('lists periods with their status and invoices as ISSUED once closed', async () => {
    const periods = await get(`${account()}/finance/periods?start=2026-06&end=2026-08`);
    expect(periods.status).toBe(200);
    expect((periods.body as { items: { period: string; status: string; ended: boolean }[] }).items.map((p) => [p.period, p.status, p.ended])).toEqual([
      ['2026-08', 'OPEN', true],
      ['2026-07', 'CLOSED', true],
      ['2026-06', 'OPEN', true],
    ]);
    const july = await get(`${account()}/billing_invoices/${invoiceId('2026-07')}`);
    expect(july.body).toMatchObject({ status: 'ISSUED', amount_billed_micro_currency: 3_500_000 });
  });

  it('books a correction in the first open month when the next one is closed too, and freezes restatements with the month that carries them', async () => {
    const closeAugust = await t.http().post(`${account()}/finance/periods/2026-08/close`).set('Authorization', owner.auth).send({});
    expect(closeAugust.status).toBe(200);
    const augustCsv = `${account()}/billing_invoices/${invoiceId('2026-08')}?format=csv`;
    const before = await download(augustCsv);
    const augustLines = parse(before, { comment: '#', columns: true }) as Record<string, string>[];
    expect(augustLines.map((r) => [r['Line type'], r['Campaign ID'], r.Campaign, r['Restated period'], r.Spend])).toEqual([
      ['SPEND', campaignB, `'=HYPERLINK("http://evil.example")`, '', '0.300000'],
      ['RESTATEMENT', campaignA, 'Spring, "sale"', '2026-07', '0.100000'],
      ['RESTATEMENT', campaignB, `'=HYPERLINK("http://evil.example")`, '2026-07', '0.000000'],
    ]);

    const acct = owner.adAccountId;
    await loadEventsAndLedger(t.app, acct, [impression(acct, campaignA, AG_A, 'later', '2026-07-25T00:00:00Z', 50_000)]);

    expect((await download(augustCsv)).equals(before)).toBe(true);
    const res = await get(`${account()}/finance/spend?granularity=MONTH&start=2026-07&end=2026-09`);
    const rows = (res.body as { periods: Figures[] }).periods;
    expect(rows.map((p) => [p.period, p.status, p.spend_in_micro_currency, p.restatement_spend_in_micro_currency, p.total_spend_in_micro_currency])).toEqual([
      ['2026-07', 'CLOSED', 3_500_000, 0, 3_500_000],
      ['2026-08', 'CLOSED', 300_000, 100_000, 400_000],
      ['2026-09', 'OPEN', 0, 50_000, 50_000],
    ]);
    const september = await get(`${account()}/billing_invoices/${invoiceId('2026-09')}`);
    expect((september.body as { lines: Record<string, unknown>[] }).lines.map((l) => [l.line_type, l.campaign_id, l.restated_period, l.spend_in_micro_currency])).toEqual([
      ['RESTATEMENT', campaignA, '2026-07', 50_000],
    ]);

    // The CSV carries exactly the JSON's digits.
    const csv = await download(`${account()}/finance/spend?granularity=MONTH&start=2026-07&end=2026-09&format=csv`);
    const records = parse(csv, { comment: '#', bom: true, columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.Period, r.Status, r.Spend, r['Restated spend'], r['Total billed']])).toEqual([
      ['2026-07', 'CLOSED', '3.500000', '0.000000', '3.500000'],
      ['2026-08', 'CLOSED', '0.300000', '0.100000', '0.400000'],
      ['2026-09', 'OPEN', '0.000000', '0.050000', '0.050000'],
    ]);
  });

  it('answers bad input with 400 {code, message} and unknown invoices with 404', async () => {
    for (const query of ['granularity=WEEK&start=2026-01&end=2026-02', 'start=2026-13&end=2026-14', 'start=2026-05&end=2026-01', 'start=2020-01&end=2026-01', 'end=2026-01', 'start=2026-01&end=2026-02&format=xlsx']) {
      const res = await get(`${account()}/finance/spend?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body, query).toMatchObject({ code: 1, message: expect.any(String) });
    }
    expect((await get('/v5/finance/spend?start=2026-01&end=2026-02')).status).toBe(400);
    expect((await t.http().post(`${account()}/finance/periods/2026-06/close`).set('Authorization', finance.auth).send({ reason: 'x' })).status).toBe(400);
    const missing = await get(`${account()}/billing_invoices/${owner.adAccountId}209901`);
    expect(missing.status).toBe(404);
    expect((await get(`${account()}/billing_invoices/12345`)).status).toBe(404);
  });
});
